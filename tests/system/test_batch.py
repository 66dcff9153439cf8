"""Systems grouped into worker tasks: shared inputs stay in one worker, the load is spread (LPT)."""

from __future__ import annotations

from si_thermal.errors import SiThermalError
from si_thermal.system import batch, model


def _names(ts):
    return [[k for k, _ in t] for t in ts]


def test_shared_channels_and_packages_stay_together():
    ts = _names(batch.tasks(model.resolve(None)))
    where = {k: i for i, t in enumerate(ts) for k in t}
    assert where["gb200_nvl72"] == where["gb300_nvl72"]  # NVL72 spine at 200G, B200-class package
    assert where["vr_nvl72"] == where["vr_nvl144_cpx"] == where["vr_nvl144_dual"]  # VR spine, R200 package
    assert where["vr_cpx_dual_rack"] == where["vr_nvl144_cpx"]  # the CPX PCIe channels and package
    assert len({where["gb200_nvl72"], where["vr_nvl72"], where["rubin_ultra_nvl576"]}) == 3


def test_two_workers_get_every_system_once_and_both_get_work():
    chosen = model.resolve(None)
    ts = _names(batch.tasks(chosen, 2))
    assert len(ts) == 2 and all(ts)
    assert sorted(k for t in ts for k in t) == sorted(chosen)
    assert _names(batch.tasks(chosen, 1)) == [list(chosen)]


def test_jobs_from_the_environment(monkeypatch):
    monkeypatch.setenv("SI_THERMAL_JOBS", "1")
    assert batch.default_jobs(4) == 1
    monkeypatch.delenv("SI_THERMAL_JOBS")
    assert 1 <= batch.default_jobs(4) <= 4


def test_a_worker_error_keeps_its_message_and_exit_status():
    err = batch._error(2, "boards/racks/x.toml: rack.gpus: must be > 0", "InputError")
    assert isinstance(err, SiThermalError) and err.exit_code == 2 and "rack.gpus" in str(err)
    assert batch._error(3, "did not converge", "ConvergenceError").exit_code == 3
