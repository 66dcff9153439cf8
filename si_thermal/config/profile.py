"""Workload profiles (``[profile]``): a rack's power versus time, the input of transient thermal and
cycle counting.

A profile is one period (e.g. a day or a week) that repeats. It is built from three parts:

- ``segments``: piecewise-constant power, each from its start time ``t`` to the next one's (the
  first starts at 0, times strictly increasing, all before the period's end): idle/load, job
  boundaries, daily cycles.
- ``pulses``: periodic modulations inside the segments that name them: every ``every`` for
  ``duration`` the power is ``power`` instead of the segment's (training steps' compute and
  all-reduce phases, checkpoint stalls). Later pulses in a segment's list win where they overlap.
- ``rated_power``: the power at which the steady-state thermal models were solved (the stated
  gradient and connector heat); the thermal loads scale with ``power / rated_power``.

Every time is a quantity string ("2 h", "90 s"), every power one too ("132 kW"); a negative power,
non-increasing times, a pulse longer than its period are one-line errors naming the field.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from si_thermal.config._base import Model, _quantity

PositiveTime = Annotated[float, _quantity("time"), Field(gt=0)]
StartTime = Annotated[float, _quantity("time"), Field(ge=0)]
PowerW = Annotated[float, _quantity("power"), Field(ge=0)]


class Pulse(Model):
    """A periodic modulation: ``power`` for ``duration`` at the start of every ``every``."""

    every: PositiveTime
    duration: PositiveTime
    power: PowerW
    offset: StartTime = 0.0  # phase of the first pulse within the segment
    source: str = ""

    @model_validator(mode="after")
    def _fits(self) -> Pulse:
        if self.duration >= self.every:
            raise ValueError("duration must be shorter than 'every' (else the pulse never ends)")
        return self


class Segment(Model):
    """Constant ``power`` from ``t`` to the next segment's start (or the period's end)."""

    t: StartTime
    power: PowerW
    pulses: list[str] = Field(default_factory=list)  # names of [profile.pulses] active in this segment
    label: str = ""


class Profile(Model):
    name: str
    description: str = ""
    source: str
    period: PositiveTime  # the profile repeats with this period
    rated_power: Annotated[float, _quantity("power"), Field(gt=0)]
    resolution: PositiveTime = 1.0  # sampling step of the power history
    segments: list[Segment] = Field(min_length=1)
    pulses: dict[str, Pulse] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        ts = [s.t for s in self.segments]
        if ts[0] != 0.0:
            raise ValueError("segments[0].t: the first segment must start at 0")
        for i in range(1, len(ts)):
            if not ts[i] > ts[i - 1]:
                raise ValueError(f"segments[{i}].t: times must increase strictly ({ts[i]:g} s after {ts[i - 1]:g} s)")
        if ts[-1] >= self.period:
            raise ValueError(f"segments[{len(ts) - 1}].t: starts at or after the period's end ({self.period:g} s)")
        for i, s in enumerate(self.segments):
            for name in s.pulses:
                if name not in self.pulses:
                    raise ValueError(f"segments[{i}].pulses: no [profile.pulses.{name}]")
        if self.resolution > self.period:
            raise ValueError("resolution: longer than the period")
        return self

    def power_w(self, t_s) -> np.ndarray:
        """Power (W) at times ``t_s`` (s, any shape; the profile repeats with its period), vectorized."""
        t = np.mod(np.asarray(t_s, dtype=float), self.period)
        starts = np.array([s.t for s in self.segments])
        idx = np.searchsorted(starts, t, side="right") - 1
        p = np.array([s.power for s in self.segments])[idx]
        for i, seg in enumerate(self.segments):
            if not seg.pulses:
                continue
            inside = idx == i
            local = t[inside] - seg.t
            vals = p[inside]
            for name in seg.pulses:
                pulse = self.pulses[name]
                phase = np.mod(local - pulse.offset, pulse.every)
                on = (local >= pulse.offset) & (phase < pulse.duration)
                vals = np.where(on, pulse.power, vals)
            p[inside] = vals
        return p

    def sample(self, duration_s: float | None = None, dt_s: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(t, load) on a uniform grid: ``load = power / rated_power`` held over ``[t_i, t_i + dt)``.
        ``duration_s`` defaults to one period, ``dt_s`` to the profile's resolution."""
        dt = self.resolution if dt_s is None else float(dt_s)
        n = int(round((self.period if duration_s is None else float(duration_s)) / dt))
        t = np.arange(n) * dt
        per = self.period / dt
        if n > per and abs(per - round(per)) < 1e-9:  # whole steps per period: sample one, repeat it
            one = self.power_w(t[: int(round(per))]) / self.rated_power
            return t, np.resize(one, n)
        return t, self.power_w(t) / self.rated_power


class ProfileFile(Model):
    profile: Profile
