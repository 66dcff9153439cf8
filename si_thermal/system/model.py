"""One rack system through every stage: geometry -> links (SI) -> cooling -> reliability -> cost.

Each stage returns plain data (frozen dataclasses) or a :class:`StageSkipped` that says why it did
not run; the report only lays them out. Systems are the rack files of ``boards/racks/`` that hold
a ``[rack]`` table, named by file stem (``gb200_nvl72``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.system import cost as cost_mod
from si_thermal.system.cooling import SystemCooling, aux_cooling, system_cooling
from si_thermal.system.geometry import LinkLengths, all_link_lengths
from si_thermal.system.links import SystemSI, system_si
from si_thermal.system.power import PowerBudget, power_budget
from si_thermal.system.reliability import RackReliabilityResult, rack_reliability, system_availability
from si_thermal.system.sensitivity import system_sensitivity
from si_thermal.system.stages import StageSkipped

_log = logging.getLogger(__name__)


def systems() -> dict[str, Path]:
    """Every rack system: file stem -> path (files of boards/racks/ with a [rack] table)."""
    out = {}
    for p in sorted(paths.racks_dir().glob("*.toml")):
        if "rack" in config.read_toml(p):
            out[p.stem] = p
    return out


def resolve(names: list[str] | tuple[str, ...] | None) -> dict[str, Path]:
    """Named systems (all when empty); an unknown name is an :class:`InputError` listing the known ones."""
    known = systems()
    if not names:
        return known
    out = {}
    for n in names:
        key = Path(n).stem
        if Path(n).is_file() and Path(n).suffix == ".toml":
            out[key] = Path(n)
        elif key in known:
            out[key] = known[key]
        else:
            raise InputError(None, "SYSTEM", f"unknown system '{n}'; use one of: {', '.join(known)}")
    return out


@dataclass(frozen=True)
class SystemResult:
    key: str
    path: Path
    rack: config.RackFile
    lengths: dict[str, LinkLengths]
    si: SystemSI
    cooling: SystemCooling | StageSkipped
    reliability: RackReliabilityResult | StageSkipped
    cost: cost_mod.CostResult | StageSkipped
    aux_cooling: SystemCooling | StageSkipped | None = None  # the auxiliary accelerator (Rubin CPX)
    power: PowerBudget | StageSkipped | None = None

    @property
    def availability(self) -> float | None:
        """The system's one availability (reliability stage); None where no MTBF is given."""
        return system_availability(self.reliability)

    @property
    def skipped(self) -> list[StageSkipped]:
        out = list(self.si.skipped)
        for s in (self.cooling, self.reliability, self.cost, self.aux_cooling, self.power):
            if isinstance(s, StageSkipped):
                out.append(s)
        return out


def geometry_stage(key: str, path: Path) -> tuple[config.RackFile, dict[str, LinkLengths]]:
    rack = config.load_rack(path)
    return rack, (all_link_lengths(rack) if rack.geometry is not None else {})


def cost_stage(rack: config.RackFile, availability: float | None = None) -> cost_mod.CostResult | StageSkipped:
    """Cost per token at the system's one availability (the [cost] table's value where none is modelled)."""
    if rack.cost is None:
        return StageSkipped("cost", f"{rack.rack.name}: the articles give no cost inputs for this system")
    return cost_mod.rack_cost(rack) if availability is None else cost_mod.rack_cost(rack, availability=availability)


#: The stages of :func:`evaluate_system`, in order.
STAGES = ("geometry", "signal integrity", "SI sensitivity", "cooling", "reliability", "cost")


def evaluate_system(key: str, path: Path | None = None, *, with_com: bool = True, with_cooling: bool = True,
                    with_sensitivity: bool = False,
                    on_stage: Callable[[str, float], None] | None = None) -> SystemResult:
    """One rack system through every stage (:data:`STAGES`). ``path`` defaults to the system's rack
    file (``key`` names it, see :func:`systems`); ``on_stage(stage, seconds)`` is called as each ends."""
    path = Path(path) if path is not None else resolve([key])[key]
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        _log.info("%s: %s stage done in %.1f s", key, stage, now - clock)
        if on_stage is not None:
            on_stage(stage, now - clock)
        clock = now

    rack, lengths = geometry_stage(key, path)
    done("geometry")
    si = system_si(key, rack, lengths, with_com=with_com)
    done("signal integrity")
    if with_sensitivity and with_com:  # tornado per system and the 448G projection (the report's)
        si = system_sensitivity(si)
    done("SI sensitivity")
    cool = system_cooling(key, rack) if with_cooling else StageSkipped("cooling", "not requested")
    done("cooling")
    aux = aux_cooling(key, rack) if with_cooling else None
    rel = rack_reliability(key, rack)
    done("reliability")
    cost = cost_stage(rack, system_availability(rel))  # the system's one availability
    power = power_budget(key, rack)
    done("cost")
    return SystemResult(key, path, rack, lengths, si, cool, rel, cost, aux, power)
