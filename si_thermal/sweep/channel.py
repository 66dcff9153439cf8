"""Channel study: one channel file, parameters that set its segments, IL metrics / COM / reach per point.

A parameter is ``length_m`` (the variable segment's length, m), ``rate`` (a SerDes rate key of
channels/serdes.toml) or ``SEGMENT.FIELD``: a numeric field in SI units (``cable.awg``,
``gpu_host_trace.length``) or a word / quantity string for the others (``cable.dielectric``,
``host_trace.roughness``). The schema's bounds still apply; a value out of them is that point's error.

Metrics (``metrics``): ``il`` (IL and RL at Nyquist, FOM_ILD, IL budget margin), ``com`` (COM,
Annex 93A / 178A through :func:`si_thermal.si.com.compute_com`, the entry point ``si-thermal link``
uses, with its ``std`` / ``extrapolation`` / ``search`` options), ``il_reach`` and ``com_reach``
(longest variable-segment length meeting the IL budget / COM >= threshold; COM reach without aggressors).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from si_thermal import config
from si_thermal.caches import cached
from si_thermal.errors import InputError, SiThermalError
from si_thermal.si.com.params import COM_THRESHOLD_DB
from si_thermal.si.com.pulses import TOML_DF_HZ as COM_DF_HZ  # the step ``si-thermal link`` hands to COM

METRICS = ("il", "com", "il_reach", "com_reach")
FOM_POINTS = 1001  # frequency points from 0 to the symbol rate (FOM_ILD integrates to fb)
_NOT_FIELDS = ("name", "medium", "source")

#: Output columns per metric (names carry units).
COLUMNS = {
    "il": (("nyquist_hz", "float"), ("il_db_at_nyquist", "float"), ("rl_db_at_nyquist", "float"),
           ("fom_ild_db", "float"), ("il_budget_db", "float"), ("il_margin_db", "float")),
    "com": (("com_std", "str"), ("com_db", "float"), ("com_margin_db", "float"), ("com_fom_db", "float")),
    "il_reach": (("il_reach_m", "float"),),
    "com_reach": (("com_reach_m", "float"),),
}


@cached(16)
def _load(path: str) -> config.ChannelFile:
    return config.load_channel(path)


def _field(segs, name: str, path: str) -> tuple[int, str]:
    names = [s.name for s in segs]
    seg_name, _, fld = name.partition(".")
    if seg_name not in names or not fld:
        raise InputError(path, name, f"unknown parameter; use rate, length_m or SEGMENT.FIELD with SEGMENT in "
                                     f"{', '.join(names)}")
    i = names.index(seg_name)
    if fld not in type(segs[i]).model_fields or fld in _NOT_FIELDS:
        fields = [f for f in type(segs[i]).model_fields if f not in _NOT_FIELDS]
        raise InputError(path, name, f"segment '{seg_name}' ({segs[i].medium}) has no field '{fld}'; "
                                     f"use one of {', '.join(fields)}")
    return i, fld


def _set(seg, fld: str, value, path: str, name: str):
    """``seg`` with ``fld`` set to ``value``: numbers in SI (ints rounded), words and quantity strings
    validated by the field's own type; the schema's bounds apply."""
    from pydantic import TypeAdapter, ValidationError

    info = type(seg).model_fields[fld]
    if isinstance(value, str):
        from typing import Annotated

        try:
            kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            value = TypeAdapter(kind).validate_python(value)
        except ValidationError as err:
            raise InputError(path, name, f"value {value!r}: {err.errors()[0]['msg']}") from None
    else:
        current = getattr(seg, fld)
        if isinstance(current, str):
            raise InputError(path, name, f"value {value:g}: this field takes a word, not a number")
        why = config.check_si(type(seg), fld, value)  # finite, the quantity's range, integers (awg 26.4 is no gauge)
        if why is not None:
            raise InputError(path, name, why)
        value = int(value) if isinstance(current, int) else float(value)
    return seg.model_copy(update={fld: value})


def apply(ch: config.ChannelFile, params: dict, path: str) -> tuple[config.ChannelFile, float | None]:
    """(channel with segment fields set, variable length or None) for one point."""
    segs, length = list(ch.segments), None
    for name, value in params.items():
        if name == "rate":
            continue
        if name == "length_m":
            why = config.check_si(config.TwinaxSegment, "length", value)  # a segment's length range
            if why is not None:
                raise InputError(path, name, why)
            length = float(value)
            continue
        i, fld = _field(segs, name, path)
        segs[i] = _set(segs[i], fld, value, path, name)
    return ch.model_copy(update={"segments": segs}), length


@dataclass(frozen=True)
class ChannelStudy:
    """What to compute at each point of a channel sweep (picklable: it travels to the workers)."""

    path: str
    metrics: tuple[str, ...] = ("il",)
    std: str | None = None  # COM parameter set; None: the rate's default (si.com_reach.DEFAULT_STD)
    extrapolation: str = "fit"
    search: str = "fast"
    com_threshold_db: float = COM_THRESHOLD_DB
    fext: tuple[str, ...] = ()  # FEXT aggressor Touchstone files (fixed over the sweep), as ``link --fext``
    next: tuple[str, ...] = ()  # NEXT aggressor Touchstone files, as ``link --next``

    kind = "channel"

    def input_paths(self) -> list[str]:
        return [self.path, *self.fext, *self.next]

    def check(self, names: list[str]) -> None:
        """InputError for a parameter no point could use, or a metric that does not exist (before any work)."""
        bad = [m for m in self.metrics if m not in METRICS]
        if bad or not self.metrics:
            raise InputError(None, "--metrics", f"unknown metric(s) {', '.join(bad) or '(none)'}; use {', '.join(METRICS)}")
        ch = _load(self.path)
        if "rate" not in names:
            raise InputError(None, "--rate", "a channel sweep needs at least one rate")
        needs_var = "length_m" in names or any(m.endswith("reach") for m in self.metrics)
        if needs_var and ch.channel.variable_segment is None:
            raise InputError(self.path, "channel.variable_segment",
                             "length_m and reach need a channel with a variable_segment")
        for name in names:
            if name not in ("rate", "length_m"):
                _field(list(ch.segments), name, self.path)
        if "com" in self.metrics or "com_reach" in self.metrics:
            from si_thermal.si import com

            if self.std is not None and self.std not in com.standards():
                raise InputError(None, "--std", f"unknown COM parameter set {self.std!r}; use "
                                                f"{', '.join(com.standards())}")
            if self.extrapolation not in ("fit", "com"):
                raise InputError(None, "--extrapolation", "use fit or com")
            if self.search not in ("fast", "full"):
                raise InputError(None, "--search", "use fast or full")
        for flag, files in (("--fext", self.fext), ("--next", self.next)):
            for f in files:
                if not Path(f).is_file():
                    raise InputError(f, flag, "file not found")
        if (self.fext or self.next) and "com" not in self.metrics:
            raise InputError(None, "--fext", "aggressors enter COM only: add com to --metrics")

    def columns(self) -> list[tuple[str, str]]:
        return [c for m in METRICS if m in self.metrics for c in COLUMNS[m]]

    def options(self) -> dict:
        return {"metrics": list(self.metrics), "std": self.std, "extrapolation": self.extrapolation,
                "search": self.search, "com_threshold_db": self.com_threshold_db,
                "fext": [Path(f).name for f in self.fext], "next": [Path(f).name for f in self.next]}

    def evaluate(self, params: dict) -> dict:
        """Metric columns of one point (a failed point raises; the engine records its error)."""
        from si_thermal.si.channel import channel_network
        from si_thermal.si.rates import serdes_rate

        ch, length = apply(_load(self.path), params, self.path)
        pair = (ch, self.path)
        key = str(params["rate"])
        r = serdes_rate(key)
        row: dict = {}
        if "il" in self.metrics:
            from si_thermal.si.metrics import fom_ild, il_db, rl_db

            freqs = np.union1d(np.linspace(0.0, r.symbol_rate, FOM_POINTS), [r.nyquist_hz])
            net = channel_network(pair, freqs, length_m=length)
            i = int(np.searchsorted(freqs, r.nyquist_hz))
            il = float(il_db(net)[i])
            row.update(nyquist_hz=r.nyquist_hz, il_db_at_nyquist=il, rl_db_at_nyquist=float(rl_db(net)[i]),
                       fom_ild_db=float(fom_ild(net, r.symbol_rate)), il_budget_db=r.il_budget,
                       il_margin_db=r.il_budget - il)
        if "com" in self.metrics or "com_reach" in self.metrics:
            from si_thermal.si import com
            from si_thermal.si.com_reach import DEFAULT_STD

            std = self.std or DEFAULT_STD.get(key, "802.3dj")
            p = com.load_com_params(std, rate=key)
        if "com" in self.metrics:
            fb = p.symbol_rate_hz
            net = channel_network(pair, np.arange(0.0, 1.5 * fb + COM_DF_HZ, COM_DF_HZ), length_m=length)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = com.compute_com(net, self.fext, self.next, p, extrapolation=self.extrapolation,
                                      search_mode=self.search, eye=False)
            row.update(com_std=std, com_db=res.com_db, com_margin_db=res.com_db - self.com_threshold_db,
                       com_fom_db=res.fom_db)
        if "il_reach" in self.metrics:
            from si_thermal.si.reach import reach_il

            row["il_reach_m"] = reach_il(pair, key).reach_m
        if "com_reach" in self.metrics:
            from si_thermal.si.com_reach import reach_com

            row["com_reach_m"] = reach_com(pair, key, self.com_threshold_db, params=p).reach_m
        bad = [k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v)]
        if bad:
            raise SiThermalError(f"non-finite {', '.join(bad)}")
        return row
