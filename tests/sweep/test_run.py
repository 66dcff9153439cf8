"""Sweeps end to end through the Python API: engines agree, interrupt + resume equals one run,
provenance, per-point errors, rack studies."""

import hashlib
import math

import pytest

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.sweep import ChannelStudy, RackStudy, Sweep, parse_factors, read_results, run_sweep

SPINE = str(paths.channels_dir() / "nvl72_spine_26awg.toml")


def _sweep(n_len: int = 4, **kw) -> Sweep:
    stop = 0.5 + 0.25 * (n_len - 1)
    return Sweep(ChannelStudy(SPINE, **kw), tuple(parse_factors([f"length_m=0.5:{stop}:0.25", "cable.awg=26,28"])),
                 rates=("200g", "224g"))


def _same(a: list[dict], b: list[dict]) -> bool:
    def norm(r):
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
    return [norm(r) for r in a] == [norm(r) for r in b]


def test_serial_local_processes_and_local_cluster_give_identical_rows(tmp_path):
    """Worker processes (spawned) and a Dask LocalCluster (in-process workers here; real worker
    processes are tested in test_dask_cluster.py) return the serial rows."""
    from distributed import LocalCluster

    sw = _sweep(2)
    run_sweep(sw, tmp_path / "serial.parquet", jobs=1)
    run_sweep(sw, tmp_path / "pool.parquet", jobs=2, batch_size=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        s = run_sweep(sw, tmp_path / "dask.csv", scheduler=cluster.scheduler_address, batch_size=3)
    assert "2 worker(s)" in s.engine
    serial = read_results(tmp_path / "serial.parquet")[0]
    assert len(serial) == 8 and all(r["error"] == "" for r in serial)
    assert serial[0]["il_db_at_nyquist"] > 10 and serial[0]["il_budget_db"] > 0
    assert read_results(tmp_path / "pool.parquet")[0] == serial  # bit for bit
    assert _same(read_results(tmp_path / "dask.csv")[0], serial)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_interrupted_and_resumed_equals_uninterrupted(tmp_path, suffix):
    sw = _sweep(3)
    whole = tmp_path / f"whole{suffix}"
    run_sweep(sw, whole, jobs=1, batch_size=2)
    part = tmp_path / f"part{suffix}"
    calls = []

    def stop(done, total):
        calls.append(done)
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(sw, part, jobs=1, batch_size=2, on_progress=stop)
    first = read_results(part)[0]
    assert 4 <= len(first) < 12  # what finished was written, no more
    s = run_sweep(sw, part, jobs=1, batch_size=2, resume=True)
    assert s.resumed == len(first) and s.ran == 12 - len(first)
    assert _same(read_results(part)[0], read_results(whole)[0])
    again = run_sweep(sw, part, jobs=1, resume=True)  # nothing left to do
    assert again.ran == 0 and again.rows == 12


def test_provenance_and_a_failed_point_recorded(tmp_path):
    sw = Sweep(ChannelStudy(SPINE), tuple(parse_factors(["cable.awg=26,40"])), rates=("200g",))
    out = tmp_path / "r.parquet"
    s = run_sweep(sw, out, jobs=1, command=["si-thermal", "sweep", "x"])
    rows, meta = read_results(out)
    assert s.failed == 1 and rows[0]["error"] == "" and "out of range" in rows[1]["error"]
    assert rows[1]["il_db_at_nyquist"] is None  # a failed point has no numbers, not NaN posing as a result
    from si_thermal import __version__

    assert meta["version"] == __version__ and meta["command"] == "si-thermal sweep x"
    with open(SPINE, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    inputs = meta["inputs_sha256"]
    assert [h for k, h in inputs.items() if k.endswith("nvl72_spine_26awg.toml")] == [digest]
    assert any(k.endswith("serdes.toml") for k in inputs) and any(k.endswith(".toml") and "boards" in k for k in inputs)
    assert meta["sweep"]["factors"][0]["name"] == "cable.awg" and len(meta["fingerprint"]) == 64


def test_resume_refuses_a_different_sweep_and_leaves_the_file(tmp_path):
    out = tmp_path / "r.parquet"
    run_sweep(_sweep(1), out, jobs=1)
    before = out.read_bytes()
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(_sweep(2), out, jobs=1, resume=True)
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(_sweep(1, metrics=("il", "il_reach")), out, jobs=1, resume=True)
    assert out.read_bytes() == before


def test_categorical_segment_field_and_unknown_names():
    study = ChannelStudy(SPINE)
    with pytest.raises(InputError, match="unknown parameter"):
        study.check(["rate", "nosuch.length"])
    with pytest.raises(InputError, match="no field 'colour'"):
        study.check(["rate", "cable.colour"])
    with pytest.raises(InputError, match="unknown metric"):
        ChannelStudy(SPINE, metrics=("eye",)).check(["rate"])
    # a word for a word-valued field is validated by the field's own type (roughness is a Literal)
    from si_thermal.sweep.engine import run_batch

    rows = run_batch(study, [("a", {"rate": "200g", "gpu_host_trace.roughness": "none"}),
                             ("b", {"rate": "200g", "gpu_host_trace.roughness": "huray"}),
                             ("c", {"rate": "200g", "gpu_host_trace.roughness": "sandpaper"})])
    smooth, rough, bad = (r for _, r in rows)
    assert smooth["il_db_at_nyquist"] < rough["il_db_at_nyquist"]
    assert "sandpaper" in bad["error"]


def test_rack_study_verdicts_and_unit_names():
    rack = str(paths.racks_dir() / "gb200_nvl72.toml")
    study = RackStudy(rack)
    study.check(["awg", "height_scale"])
    with pytest.raises(InputError, match="unknown rack parameter"):
        study.check(["colour"])
    thin, thick, tall = (study.evaluate(p) for p in ({"awg": 30.0}, {"awg": 24.0}, {"height_scale": 2.0}))
    key = "NVLink 5 spine: il_reach_m"
    assert thin[key] < thick[key]
    assert tall["NVLink 5 spine: longest_link_m"] > thick["NVLink 5 spine: longest_link_m"]
    assert thick["si_verdict"] == "closes"  # the shipping GB200 NVL72 closes at 200G
    assert [c for c, _ in study.columns() if c not in thin] == []
