"""``si-thermal sweep`` as a user runs it: a crash then --resume, Ctrl-C with worker processes, bad input."""

import math
import signal
import subprocess
import sys
import time

import pytest

from si_thermal import paths
from si_thermal.sweep import ChannelStudy, Sweep, parse_factors, read_results, run_sweep

from tests.conftest import CLI, ROOT, run_cli

SPINE = str(paths.channels_dir() / "nvl72_spine_26awg.toml")
ARGS = ["sweep", SPINE, "--param", "length_m=0.5:3:0.25", "--param", "cable.awg=26,28", "--rate", "200g"]


def _serial(tmp_path):
    sw = Sweep(ChannelStudy(SPINE), tuple(parse_factors(["length_m=0.5:3:0.25", "cable.awg=26,28"])), rates=("200g",))
    run_sweep(sw, tmp_path / "serial.parquet", jobs=1)
    return read_results(tmp_path / "serial.parquet")[0]


def _start(*args):
    return subprocess.Popen([*CLI, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(cond, proc, timeout_s=120.0):
    t0 = time.monotonic()
    while not cond():
        assert proc.poll() is None, f"sweep ended before it could be interrupted: {proc.communicate()}"
        assert time.monotonic() - t0 < timeout_s
        time.sleep(0.02)


def _norm(rows):
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in rows]


def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    """SIGKILL (no clean-up at all) mid-sweep: the streamed parts survive, --resume runs only the rest."""
    out = tmp_path / "s.parquet"
    parts = tmp_path / "s.parquet.parts"
    proc = _start(*ARGS, "--out", str(out), "--jobs", "1", "--batch-size", "1", "--flush-s", "0")
    try:
        _wait_for(lambda: parts.is_dir() and any(parts.glob("part-*.parquet")), proc)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not out.exists()  # killed before the end
    r = run_cli(*ARGS, "--out", str(out), "--resume", "--jobs", "1")
    assert r.returncode == 0, r.stderr
    assert "already done" in r.stdout and not parts.exists()
    assert _norm(read_results(out)[0]) == _norm(_serial(tmp_path))


@pytest.mark.parametrize("sig, codes", [(signal.SIGINT, (130,)), (signal.SIGTERM, (143, -signal.SIGTERM))])
def test_interrupt_stops_the_workers_and_keeps_finished_rows(tmp_path, sig, codes):
    """Ctrl-C (exit 130) or SIGTERM (143, or death by the signal): workers stopped, finished rows kept."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "s.csv"  # COM: about 0.4 s a point, so the sweep is still running when interrupted
    proc = _start("sweep", SPINE, "--param", "length_m=0.5:3:0.25", "--rate", "200g", "--metrics", "il,com",
                  "--out", str(out), "--jobs", "2", "--batch-size", "1", "--flush-s", "0")
    try:
        me = psutil.Process(proc.pid)
        rows_written = lambda: [x for x in out.read_text().splitlines() if not x.startswith("#")][1:]  # noqa: E731
        _wait_for(lambda: out.exists() and len(rows_written()) >= 2, proc)
        children = me.children(recursive=True)
        assert children, "no worker processes"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode in codes, (out.read_text(), err)
    time.sleep(0.5)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    rows, meta = read_results(out)
    assert 2 <= len(rows) < 11 and all(r["error"] == "" and r["com_db"] > 0 for r in rows)
    assert meta["sweep"]["metrics"] == ["il", "com"]


def _main(monkeypatch, capsys, *args) -> tuple[int, str]:
    """``si-thermal ARGS`` through the console entry point, in this process (no import cost)."""
    from si_thermal.cli import main

    monkeypatch.setattr(sys, "argv", ["si-thermal", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main()
    return exc.value.code, capsys.readouterr().err


def test_bad_input_one_line_exit_2_previous_results_intact(tmp_path, monkeypatch, capsys):
    out = tmp_path / "s.parquet"
    sw = Sweep(ChannelStudy(SPINE), tuple(parse_factors(["length_m=0.5:1:0.5"])), rates=("200g",))
    run_sweep(sw, out, jobs=1)
    before = out.read_bytes()
    base = ["sweep", SPINE, "--rate", "200g", "--out", str(out)]
    cases = [
        (["--param", "length_m=0.5:1:0.5", "--resume", "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout-s", "1"],
         "cannot reach the Dask scheduler"),
        (["--param", "cable.colour=1,2"], "has no field 'colour'"),
        (["--param", "length_m=2:1:0.5"], "no points"),
        (["--param", "length_m=0.5:1.5:0.5", "--resume"], "different sweep"),
    ]
    for extra, fragment in cases:
        code, err = _main(monkeypatch, capsys, *base, *extra)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and fragment in lines[0], (extra, err)
        assert out.read_bytes() == before and not (tmp_path / "s.parquet.parts").exists()
