"""Reference planes of a loss budget, and the channel that lies between them.

A budget of ``channels/serdes.toml`` states its reference planes. A ``bump-to-bump`` budget (IEEE
P802.3dj 178A, 802.3ck 163, OIF CEI-224G, PCIe 6.0: die pad to die pad) covers the device package at
each end; a ``ball-to-ball`` budget ends at the package balls. A channel file states what its segments
span (``[channel] reference_planes``, default ``ball-to-ball``: board traces, vias, connectors, cable).

:func:`budget_network` returns exactly what lies between the budget's planes: for a bump-to-bump
budget over a ball-to-ball channel the Tx package + channel + Rx package, the package being the
Annex 93A.1.2 / 178A.1.4 model (die ladder, bump, package lines, ball pad) of the COM set the rate
names (``package``), for each of its package test cases; IL reach and COM therefore use the same
planes (COM adds the same packages itself, :func:`si_thermal.si.pulse.terminated_tf`). A channel
that already holds the packages (``bump-to-bump``) cannot be judged against a ball-to-ball budget:
that mismatch is an input error.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from si_thermal import paths
from si_thermal.caches import cached
from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si.pulse import Package, package_abcd
from si_thermal.si.rates import serdes_rate
from si_thermal.si.tline import abcd_to_s, cascade


@dataclass(frozen=True)
class Planes:
    """What a budget of one rate spans: its planes and the packages added to a ball-to-ball channel."""

    rate: str
    reference_planes: str
    packages: tuple[Package, ...]  # package test cases added at each end (empty: none added)
    package_std: str | None

    @property
    def case_names(self) -> tuple[str, ...]:
        return tuple(f"z_p {'+'.join(f'{z * 1e3:g}' for z in p.z_p_m)} mm" for p in self.packages) or ("none",)


@cached(32, files=lambda std, rate: [paths.com_params_file()])
def _package_cases(std: str, rate: str) -> tuple[Package, ...]:
    from si_thermal.si.com import load_com_params

    p = load_com_params(std, rate=rate)
    return p.package_cases or (p.package,)


def planes_for(rate: str, channel_planes: str = "ball-to-ball", *, where=None) -> Planes:
    """The :class:`Planes` of ``rate``'s budget for a channel whose segments span ``channel_planes``."""
    r = serdes_rate(rate)
    if r.reference_planes == channel_planes:
        return Planes(rate, r.reference_planes, (), None)
    if r.reference_planes == "ball-to-ball":
        raise InputError(where, "channel.reference_planes",
                         f"the channel spans bump-to-bump (it holds the packages) but the {rate} budget is "
                         "ball-to-ball: the budget's planes do not match the channel's elements")
    return Planes(rate, r.reference_planes, _package_cases(r.package, rate), r.package)


def _between_planes_s(core: np.ndarray, pkgs) -> np.ndarray:
    """Sdd (cases, N, 2, 2), 100 ohm, of Tx package, ``core`` (ABCD of the channel), Rx package per case
    ``pkgs`` = [(Tx ABCD, Rx ABCD)]; the channel alone when the planes hold no package."""
    if not pkgs:
        return abcd_to_s(core, chan.Z_DIFF, reciprocal=True)[None]
    return np.stack([abcd_to_s(cascade([tx, core, rx]), chan.Z_DIFF, reciprocal=True) for tx, rx in pkgs])


def _plane_packages(ch, path, rate: str, f: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(Tx, Rx) package ABCD at ``f`` for each package case inside the budget's planes (none: ball-to-ball)."""
    pl = planes_for(rate, ch.channel.reference_planes, where=path)
    fe = np.maximum(f, chan.F_MIN_HZ)
    return [(package_abcd(p, fe, receiver=False), package_abcd(p, fe, receiver=True)) for p in pl.packages]


def budget_network_s(channel, rate: str, freq_hz, *, length_m: float | None = None) -> np.ndarray:
    """Sdd (cases, N, 2, 2), 100 ohm, of what lies between the budget's planes, one per package case."""
    ch, path = chan.load(channel)
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    pkgs = _plane_packages(ch, path, rate, f)
    return _between_planes_s(chan.channel_abcd((ch, path), f, length_m=length_m), pkgs)


def _il_db(s: np.ndarray) -> tuple[float, ...]:
    return tuple(float(-20 * np.log10(abs(x))) for x in s[:, 0, 1, 0])


def il_between_planes(channel, rate: str, freq_hz: float, length_m: float | None = None) -> tuple[float, ...]:
    """IL (dB) at one frequency between the budget's planes, per package case."""
    return _il_db(budget_network_s(channel, rate, np.array([freq_hz]), length_m=length_m))


def il_between_planes_fn(channel, rate: str, freq_hz: float):
    """``length_m -> il_between_planes(channel, rate, freq_hz, length_m)`` for many lengths: the fixed
    segments and the packages are evaluated once (:func:`si_thermal.si.channel.channel_abcd_fn`)."""
    ch, path = chan.load(channel)
    f = np.array([float(freq_hz)])
    pkgs = _plane_packages(ch, path, rate, f)
    core_at = chan.channel_abcd_fn((ch, path), f)
    return lambda length_m=None: _il_db(_between_planes_s(core_at(length_m), pkgs))


def package_il_db(pkg: Package, freq_hz: float) -> float:
    """IL (dB, 100 ohm) of one package alone at ``freq_hz``."""
    s = abcd_to_s(package_abcd(pkg, np.array([float(freq_hz)]), receiver=False), chan.Z_DIFF)
    return float(-20 * np.log10(abs(s[0, 1, 0])))


__all__ = ["Planes", "budget_network_s", "il_between_planes", "il_between_planes_fn", "package_il_db",
           "planes_for"]
