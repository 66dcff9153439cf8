"""A real Dask cluster on 127.0.0.1: ``dask scheduler`` and two ``dask worker`` processes; one worker is
killed mid-sweep, its tasks go to the other, and every row equals the serial result."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from si_thermal import paths
from si_thermal.sweep import ChannelStudy, Sweep, parse_factors, read_results, run_sweep

SPINE = str(paths.channels_dir() / "nvl72_spine_26awg.toml")
DASK = str(Path(sys.executable).with_name("dask"))
START_TIMEOUT_S = 90.0


def _wait(cond, what, procs):
    t0 = time.monotonic()
    while not cond():
        dead = [p.args for p in procs if p.poll() is not None]
        assert not dead, f"{dead} exited while waiting for {what}"
        assert time.monotonic() - t0 < START_TIMEOUT_S, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def cluster(tmp_path):
    """(scheduler address, [worker processes]); every process is stopped at teardown."""
    if not os.path.exists(DASK):
        pytest.skip("the dask command line is not installed")
    sfile = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "cwd": tmp_path}
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sfile)], **quiet)]
    try:
        _wait(lambda: sfile.exists() and sfile.stat().st_size > 0, "the scheduler", procs)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for i in range(2):
            procs.append(subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--no-nanny",
                                           "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}",
                                           "--local-directory", str(tmp_path / f"w{i}")], **quiet))
        from distributed import Client

        with Client(address, timeout=30, set_as_default=False) as c:
            c.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


def _norm(rows):
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in rows]


def test_worker_killed_mid_sweep_every_row_present_and_equal_to_serial(cluster, tmp_path):
    address, workers = cluster
    sw = Sweep(ChannelStudy(SPINE), tuple(parse_factors(["length_m=0.5:3:0.25"])), rates=("200g", "224g"))
    n = len(sw.points())
    killed = {}

    def kill_one(done, total):
        if done >= 2 and not killed:
            killed["at"] = done
            workers[1].send_signal(signal.SIGKILL)

    s = run_sweep(sw, tmp_path / "cluster.parquet", scheduler=address, batch_size=1, on_progress=kill_one)
    assert killed and killed["at"] < n  # the worker died with the sweep under way
    assert workers[1].wait(timeout=10) == -signal.SIGKILL and workers[0].poll() is None
    assert s.ran == n and s.failed == 0 and "2 worker(s)" in s.engine
    run_sweep(sw, tmp_path / "serial.parquet", jobs=1)
    got, ref = read_results(tmp_path / "cluster.parquet")[0], read_results(tmp_path / "serial.parquet")[0]
    assert len(got) == n and _norm(got) == _norm(ref)
