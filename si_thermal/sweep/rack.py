"""Rack study: one rack file, rack parameters, the system's verdicts per point.

Parameters (SI units, names carry them): ``rate`` (SerDes rate key for every link group), ``awg``
(gauge of every twinax segment), ``gpu_power_w`` (per-GPU power for the cooling check),
``height_scale`` / ``width_scale`` (rack geometry stretched), ``rack_height_m`` (the same as
``height_scale = rack_height_m / height``), ``service_loop_m`` and ``breakout_m`` (routing allowances).

Metrics: ``si`` (always: per primary link group the share of links that close, worst IL margin,
longest link, IL reach, the rack height at which the longest link stops closing), ``com`` (COM
margins too; slow) and ``cooling`` (package FEM: Tj, limit and margin at the per-GPU power; on by
itself when ``gpu_power_w`` is swept). ``si_verdict`` is ``closes`` when every link of every primary
group closes, ``fails`` otherwise; computed by the physics models of :mod:`si_thermal.system`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from si_thermal import config
from si_thermal.caches import cached
from si_thermal.errors import InputError, SiThermalError

PARAMS = ("rate", "awg", "gpu_power_w", "height_scale", "width_scale", "rack_height_m", "service_loop_m",
          "breakout_m")
METRICS = ("si", "com", "cooling")
GROUP_COLUMNS = (("closing_fraction", "float"), ("il_closing_fraction", "float"), ("worst_il_margin_db", "float"),
                 ("longest_link_m", "float"), ("il_reach_m", "float"), ("limit_height_m", "float"))
COOLING_COLUMNS = (("tj_c", "float"), ("cooling_limit_w", "float"), ("cooling_margin_w", "float"),
                   ("cooling_verdict", "str"))


@cached(8)
def _load(path: str) -> config.RackFile:
    return config.load_rack(path)


def _groups(rack: config.RackFile) -> list[str]:
    return [link.name for link in rack.links if link.channel]


@dataclass(frozen=True)
class RackStudy:
    """What to compute at each point of a rack sweep (picklable)."""

    path: str
    metrics: tuple[str, ...] = ("si",)

    kind = "rack"

    def check(self, names: list[str]) -> None:
        bad = [m for m in self.metrics if m not in METRICS]
        if bad:
            raise InputError(None, "--metrics", f"unknown rack metric(s) {', '.join(bad)}; use {', '.join(METRICS)}")
        unknown = [n for n in names if n not in PARAMS]
        if unknown:
            raise InputError(self.path, unknown[0], f"unknown rack parameter; use {', '.join(PARAMS)}")
        rack = _load(self.path)
        if rack.geometry is None:
            raise InputError(self.path, "geometry", "a rack sweep needs a [geometry] table")

    def _cooling(self, names=()) -> bool:
        return "cooling" in self.metrics

    def columns(self) -> list[tuple[str, str]]:
        cols = [("si_verdict", "str")]
        suffixes = list(GROUP_COLUMNS) + ([("worst_com_margin_db", "float")] if "com" in self.metrics else [])
        cols += [(f"{g}: {c}", t) for g in _groups(_load(self.path)) for c, t in suffixes]
        if self._cooling():
            cols += list(COOLING_COLUMNS)
        return cols + [("notes", "str")]

    def options(self) -> dict:
        return {"metrics": list(self.metrics)}

    def evaluate(self, params: dict) -> dict:
        from si_thermal.system.cooling import SystemCooling, system_cooling
        from si_thermal.system.geometry import all_link_lengths, scaled
        from si_thermal.system.links import system_si

        rack = _load(self.path)
        hs = float(params.get("height_scale", 1.0))
        if "rack_height_m" in params:
            hs = float(params["rack_height_m"]) / rack.geometry.height
        ws = float(params.get("width_scale", 1.0))
        if hs <= 0 or ws <= 0:
            raise InputError(self.path, "height_scale", "scales must be positive")
        if hs != 1.0 or ws != 1.0:
            rack = scaled(rack, height_scale=hs, width_scale=ws)
        over = {k: float(params[k]) for k in ("service_loop_m", "breakout_m") if k in params}
        lengths = all_link_lengths(rack, **over)
        awg = params.get("awg")
        if awg is not None:
            from si_thermal import config

            why = config.check_si(config.TwinaxSegment, "awg", float(awg))  # 26.4 is no gauge (was run as 26)
            if why is not None:
                raise InputError(self.path, "awg", why)
        rate = params.get("rate")
        si = system_si(Path(self.path).stem, rack, lengths, rate=None if rate is None else str(rate),
                       with_com="com" in self.metrics, awg=None if awg is None else int(round(float(awg))),
                       primary_only=True)
        row: dict = {}
        closes = True
        for g in si.groups:
            row.update({f"{g.group}: closing_fraction": g.closing_fraction,
                        f"{g.group}: il_closing_fraction": g.il_closing_fraction,
                        f"{g.group}: worst_il_margin_db": g.worst_margin_db,
                        f"{g.group}: longest_link_m": g.longest_m,
                        f"{g.group}: il_reach_m": g.curve.reach_il_m,
                        f"{g.group}: limit_height_m": g.limit_height_m})
            if g.com_margin_db is not None:
                row[f"{g.group}: worst_com_margin_db"] = float(g.com_margin_db.min())
            closes &= g.closing_fraction >= 1.0
        notes = [f"{s.stage}: {s.reason}" for s in si.skipped]
        if self._cooling():
            c = system_cooling(Path(self.path).stem, rack,
                               gpu_power_w=float(params["gpu_power_w"]) if "gpu_power_w" in params else None)
            if isinstance(c, SystemCooling):
                row.update(tj_c=c.tj_c, cooling_limit_w=c.limit_w, cooling_margin_w=c.margin_w,
                           cooling_verdict=c.verdict)
            else:
                notes.append(f"cooling: {c.reason}")
        nonfinite = [k for k, v in row.items() if isinstance(v, float) and math.isnan(v) and "feasible" not in k]
        if nonfinite:
            raise SiThermalError(f"non-finite {', '.join(nonfinite)}")
        row["si_verdict"] = "closes" if closes else "fails"
        row["notes"] = "; ".join(notes)
        return row
