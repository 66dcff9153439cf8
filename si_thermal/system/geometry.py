"""Rack geometry -> the routed length of every scale-up link.

Each tray (or blade) of a rack file places its scale-up endpoints (GPU packages, switch chips,
LPUs) at connector positions in the rack's x (width), y (depth), z (height) frame. A link between
two endpoints is routed, not drawn straight: cables in a cable cartridge and traces in a PCB
backplane run along orthogonal channels, so the routed length is the Manhattan distance between
the two connectors (|dx| + |dy| + |dz|) plus the service loop and a fan-out (breakout) at each
end. Cross-rack links between neighbouring racks add the rack pitch to |dx|; ``route =
"over_top"`` sends them up to the top of the rack and down again.

Sources: rectilinear (Manhattan) routing is the usual length estimate for wiring that runs in
orthogonal channels, cable trays and backplane routing layers alike (Dally & Towles, *Principles
and Practices of Interconnection Networks*, 2004, the packaging discussion of channel length). The
rack positions come from the rack files, each number with its source there. Check against a
published figure: the GB200 NVL72 cartridge (S0 section 2.1: ~5,000 cables, ~3.2 km) comes out at
5,184 pairs and ~4.1 km with the file's a-priori allowances (tests/system/test_geometry.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.config import LinkGroup, RackFile, Tray


@dataclass(frozen=True)
class Endpoints:
    """Scale-up endpoints of one tray kind: positions (m) and labels, one row per endpoint."""

    xyz_m: np.ndarray  # (n, 3)
    tray: np.ndarray  # (n,) index of the physical tray (counted over the rack file)
    index: np.ndarray  # (n,) endpoint index inside its tray
    group: np.ndarray  # (n,) group label (link scope)


@dataclass(frozen=True)
class LinkLengths:
    """Every link of one link group: routed length and its parts (m)."""

    group: str
    length_m: np.ndarray  # routed length of every link
    manhattan_m: np.ndarray  # |dx| + |dy| + |dz| part
    overhead_m: float  # service loop + 2 breakouts, added to every link
    straight_m: np.ndarray  # straight-line distance, for comparison only
    lanes: int  # lanes per link and direction

    @property
    def count(self) -> int:
        return int(self.length_m.size)

    @property
    def pairs(self) -> int:
        """Differential pairs (both directions) of the group."""
        return 2 * self.lanes * self.count

    @property
    def total_pair_length_m(self) -> float:
        """Sum of the lengths of all differential pairs (cable or trace), m."""
        return float(2 * self.lanes * self.length_m.sum())


def endpoints(rack: RackFile, kind: str) -> Endpoints:
    """Positions of every endpoint on trays of ``kind``."""
    g = rack.geometry
    rows, trays, idx, groups = [], [], [], []
    tray_no = 0
    for t in rack.trays:
        for slot in t.slots:
            if t.kind == kind:
                x_off = t.rack * (g.rack_pitch or g.width)
                for k, pos in enumerate(t.connector_pos):
                    rows.append(_position(t, slot, pos, g.unit_pitch, x_off))
                    trays.append(tray_no)
                    idx.append(k)
                    groups.append(t.group or f"rack{t.rack}")
            tray_no += 1
    return Endpoints(np.array(rows, dtype=float).reshape(-1, 3), np.array(trays), np.array(idx),
                     np.array(groups))


def _position(t: Tray, slot: int, pos: float, unit_pitch: float, x_off: float) -> tuple[float, float, float]:
    if t.orientation == "horizontal":
        z = t.origin + (slot - 1 + 0.5 * t.height_units) * unit_pitch
        return (x_off + pos, t.connector_y, z)
    x = t.origin + (slot - 0.5) * t.pitch
    return (x_off + x, t.connector_y, t.origin_z + pos)


def _pairs(a: Endpoints, b: Endpoints, link: LinkGroup) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (ia, ib) of the connected endpoint pairs of a link group."""
    ia, ib = np.meshgrid(np.arange(len(a.tray)), np.arange(len(b.tray)), indexing="ij")
    ia, ib = ia.ravel(), ib.ravel()
    keep = a.tray[ia] != b.tray[ib]
    if link.pattern == "same_index_mesh":
        keep &= (a.index[ia] == b.index[ib]) & (a.tray[ia] < b.tray[ib])
    if link.scope == "same_group":
        keep &= a.group[ia] == b.group[ib]
    elif link.scope == "other_group":
        keep &= a.group[ia] != b.group[ib]
    return ia[keep], ib[keep]


def allowances(rack: RackFile, link: LinkGroup) -> tuple[float, float]:
    """(service loop, breakout per end) of a link group, m: the group's own or the rack's."""
    g = rack.geometry
    return (g.service_loop if link.service_loop is None else link.service_loop,
            g.breakout if link.breakout is None else link.breakout)


def link_lengths(rack: RackFile, link: LinkGroup, *, service_loop_m: float | None = None,
                 breakout_m: float | None = None) -> LinkLengths:
    """Routed length of every link of ``link`` in ``rack`` (overrides for the allowances)."""
    if link.in_tray_lengths:
        return in_tray_lengths(rack, link)
    g = rack.geometry
    a, b = endpoints(rack, link.from_kind), endpoints(rack, link.to_kind)
    ia, ib = _pairs(a, b, link)
    pa, pb = a.xyz_m[ia], b.xyz_m[ib]
    d = np.abs(pa - pb)
    if link.route == "over_top":
        vertical = (g.height - pa[:, 2]) + (g.height - pb[:, 2])
    else:
        vertical = d[:, 2]
    manhattan = d[:, 0] + d[:, 1] + vertical
    loop, brk = allowances(rack, link)
    loop = loop if service_loop_m is None else service_loop_m
    brk = brk if breakout_m is None else breakout_m
    overhead = loop + 2.0 * brk
    return LinkLengths(link.name, manhattan + overhead, manhattan, overhead,
                       np.sqrt((d ** 2).sum(axis=1)), link.lanes)


def in_tray_lengths(rack: RackFile, link: LinkGroup) -> LinkLengths:
    """Links inside each tray of ``link.from_kind`` (no rack routing): the group's listed lengths of
    the channel's variable segment, repeated for every such tray."""
    n_trays = sum(len(t.slots) for t in rack.trays if t.kind == link.from_kind)
    length = np.tile(np.asarray(link.in_tray_lengths, dtype=float), n_trays)
    return LinkLengths(link.name, length, length, 0.0, length, link.lanes)


def all_link_lengths(rack: RackFile, **overrides: float) -> dict[str, LinkLengths]:
    """Link lengths of every link group of a rack, by group name."""
    return {link.name: link_lengths(rack, link, **overrides) for link in rack.links}


def scaled(rack: RackFile, *, height_scale: float = 1.0, width_scale: float = 1.0) -> RackFile:
    """A copy of ``rack`` with its geometry stretched: slot pitches, origins and connector positions
    scale with the rack height (z) and width (x). Used to find the rack size at which a medium stops
    closing."""
    g = rack.geometry
    geom = g.model_copy(update={"height": g.height * height_scale, "width": g.width * width_scale,
                                "unit_pitch": g.unit_pitch * height_scale,
                                "rack_pitch": None if g.rack_pitch is None else g.rack_pitch * width_scale})
    trays = []
    for t in rack.trays:
        if t.orientation == "horizontal":
            upd = {"origin": t.origin * height_scale,
                   "connector_pos": [p * width_scale for p in t.connector_pos]}
        else:
            upd = {"origin": t.origin * width_scale, "pitch": t.pitch * width_scale,
                   "origin_z": t.origin_z * height_scale,
                   "connector_pos": [p * height_scale for p in t.connector_pos]}
        trays.append(t.model_copy(update=upd))
    return rack.model_copy(update={"geometry": geom, "trays": trays})
