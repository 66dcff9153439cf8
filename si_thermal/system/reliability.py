"""Rack reliability at system level: fleet failure events per month and availability.

The arithmetic is that of :mod:`si_thermal.reliability.fleet` (issue 6): for ``N`` racks with a
constant failure rate, expected events per month = ``N x hours_per_month / MTBF`` (Poisson mean);
availability ``A = MTBF / (MTBF + MTTR)`` (alternating renewal process; O'Connor & Kleyner,
*Practical Reliability Engineering*, 2012, ch. 2 and 6). Inputs: the rack file's ``[reliability]``
table (S0 section 10.1: 8,000 h MTBF; section 2.4: 2-4 week factory return), overridable. Where the
rack names a backplane stackup, :func:`si_thermal.system.backplane.analyze_backplane` (issue 6)
adds the thermal-cycling life of its plated holes under the in-rack gradient.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from si_thermal.config import RackFile, board_path
from si_thermal.reliability.fleet import HOURS_PER_MONTH, availability, random_events_per_month
from si_thermal.system.fleet import compare_cable_vs_backplane
from si_thermal.system.stages import StageSkipped
from si_thermal.caches import cached

GRADIENTS_K = (10.0, 20.0, 25.0, 30.0, 40.0)  # in-rack gradients for the backplane sweep (S0: 20-30 K)
SWEEP_KEYS = ("gradient_k", "max_warpage_um", "pth_cycles_to_failure", "years_to_1pct_failure",
              "pth_years_to_1pct_failure")


@dataclass(frozen=True)
class RackReliabilityResult:
    system: str
    mtbf_h: float
    mttr_h: float
    availability: float
    fleet_racks: int
    events_per_month: float
    dies_per_rack: int
    die_hours_lost_per_month: float
    source: str
    availability_range: tuple[float, float] | None = None  # worst (low MTBF, long MTTR), best
    events_range: tuple[float, float] | None = None  # events per month at the high and low MTBF
    backplane: dict | None = None  # analyze_backplane(...) at gradient_k, as a dict
    backplane_sweep: dict | None = None  # gradient_k -> warpage, PTH life, years to 1 % (arrays)
    backplane_life_bands: dict | None = None  # duty -> mechanism -> P10/P50/P90 years to 1 % failing


def rack_reliability(system: str, rack: RackFile, *, fleet_racks: int = 1000, mtbf_h: float | None = None,
                     mttr_h: float | None = None, gradient_k: float = 25.0,
                     with_backplane: bool = True) -> RackReliabilityResult | StageSkipped:
    """Fleet events and availability of ``fleet_racks`` racks of ``system``."""
    rel = rack.reliability
    if rel is None:
        return StageSkipped("reliability", f"{rack.rack.name}: no [reliability] table (no MTBF in the sources)")
    mtbf = rel.mtbf / 3600.0 if mtbf_h is None else mtbf_h
    mttr = rel.mttr / 3600.0 if mttr_h is None else mttr_h
    avail = availability(mtbf, mttr)
    events = random_events_per_month(fleet_racks, mtbf, HOURS_PER_MONTH)
    dies = rack.rack.gpus * rack.rack.dies_per_gpu
    lost = (1.0 - avail) * fleet_racks * dies * HOURS_PER_MONTH
    backplane, sweep = None, None
    if with_backplane and rel.backplane is not None:
        grads = sorted(set(GRADIENTS_K) | {float(gradient_k)})
        runs = [_backplane_at(str(board_path(rel.backplane)), g) for g in grads]
        backplane = runs[grads.index(float(gradient_k))]
        sweep = {k: np.array([r[k] for r in runs]) for k in SWEEP_KEYS}
        bands = backplane_life_bands(str(board_path(rel.backplane)))
    else:
        bands = None
    a_rng = e_rng = None
    if len(rel.mtbf_range) == 2 or len(rel.mttr_range) == 2:
        mtbfs = [x / 3600.0 for x in rel.mtbf_range] if len(rel.mtbf_range) == 2 else [mtbf, mtbf]
        mttrs = [x / 3600.0 for x in rel.mttr_range] if len(rel.mttr_range) == 2 else [mttr, mttr]
        a_rng = (availability(min(mtbfs), max(mttrs)), availability(max(mtbfs), min(mttrs)))
        e_rng = (random_events_per_month(fleet_racks, max(mtbfs), HOURS_PER_MONTH),
                 random_events_per_month(fleet_racks, min(mtbfs), HOURS_PER_MONTH))
    return RackReliabilityResult(system, mtbf, mttr, avail, fleet_racks, events, dies, lost, rel.source,
                                 availability_range=a_rng, events_range=e_rng, backplane=backplane,
                                 backplane_sweep=sweep, backplane_life_bands=bands)


@cached(32, files=lambda stackup, gradient_k: [stackup], follow=True)
def _backplane_at(stackup: str, gradient_k: float) -> dict:
    """analyze_backplane at one gradient, cached within a run (the report and sweeps reuse it)."""
    from si_thermal.system.backplane import analyze_backplane

    return _scalars(analyze_backplane(stackup, gradient_k=gradient_k))


DUTIES = {"idle-to-load, once a day": None, "training rack": "training_rack.toml",
          "inference rack": "inference_rack.toml"}  # boards/profiles/


@lru_cache(maxsize=8)
def backplane_life_bands(stackup: str, uncertainty: str | None = None) -> dict:
    """P10/P50/P90 years to 1 % of backplanes failing, per mechanism, for each duty of ``DUTIES``
    (the shipped workload profiles), with the inputs of ``boards/reliability_uncertainty.toml``."""
    from si_thermal import paths
    from si_thermal.system.backplane import analyze_backplane

    unc = uncertainty or str(paths.boards_dir() / "reliability_uncertainty.toml")
    out = {}
    for duty, prof in DUTIES.items():
        r = analyze_backplane(stackup, uncertainty=unc,
                              profile=str(paths.boards_dir() / "profiles" / prof) if prof else None)
        out[duty] = {"bands": r.life_bands, "cycles_per_day": r.cycles_per_day,
                     "pth_within_validity": r.pth_within_validity, "pth_aspect_ratio": r.pth_aspect_ratio}
    return out


def _scalars(res) -> dict:
    """The numeric and text fields of a BackplaneResult (fields and nested objects left out)."""
    return {k: v for k, v in res.values().items() if isinstance(v, (int, float, str, bool))}


def system_availability(rel: RackReliabilityResult | StageSkipped) -> float | None:
    """The one availability of a system (issue 11): MTBF / (MTBF + MTTR) of its reliability stage,
    None where no source gives an MTBF. Cost, tables and figures all take it from here."""
    return rel.availability if isinstance(rel, RackReliabilityResult) else None
