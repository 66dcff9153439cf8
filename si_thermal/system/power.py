"""Rack and compute-tray power sums against the quoted rack power (issue 11).

The rack file's ``[power]`` table lists the components of a rack (count x power each, each with its
source; S1 quotes the Rubin CPX module and the tray contents, the rest are marked estimates). Their sum,
divided by the efficiency of the rack's power conversion (busbar -> 12 V power delivery board), is what
the rack draws at its input; the difference to the quoted rack power is what the list does not account
for. A sum above the rack power is rejected at load time (``config.loader``), so a result here always
has headroom >= 0. Tray sums count the components with ``per_tray`` > 0 (one compute tray).
"""

from __future__ import annotations

from dataclasses import dataclass

from si_thermal.config import RackFile
from si_thermal.system.stages import StageSkipped


@dataclass(frozen=True)
class PowerBudget:
    """Power sums of one rack, W."""

    system: str
    rack_power_w: float  # the file's rack power
    quoted: bool  # True: a source gives the rack power; False: the file's value is an estimate
    components_w: float  # sum of count x power
    input_w: float  # components / conversion efficiency
    headroom_w: float  # rack power - input
    tray_w: float  # one compute tray: sum of per_tray x power
    tray_input_w: float
    trays: int  # compute trays holding the per-tray components (count / per_tray of the first)
    by_component: tuple[tuple[str, int, float], ...]  # (name, count, W each)
    estimated_w: float  # part of components_w resting on [Estimated] powers
    source: str

    @property
    def share_estimated(self) -> float:
        return self.estimated_w / self.components_w if self.components_w else 0.0


def power_budget(system: str, rack: RackFile) -> PowerBudget | StageSkipped:
    p = rack.power
    if p is None:
        return StageSkipped("power sum", f"{rack.rack.name}: no [power] table (component powers not given)")
    tray = sum(c.per_tray * c.power for c in p.components)
    per_tray = [c for c in p.components if c.per_tray]
    trays = per_tray[0].count // per_tray[0].per_tray if per_tray else 0
    est = sum(c.count * c.power for c in p.components if "[Estimated]" in c.source)
    return PowerBudget(system, rack.rack.rack_power, rack.rack.rack_power_quoted, p.components_w, p.total_w,
                       rack.rack.rack_power - p.total_w, tray, tray / p.conversion_efficiency, trays,
                       tuple((c.name, c.count, c.power) for c in p.components), est, p.source)
