"""Crosstalk aggressor channels from the stated NEXT/FEXT of a channel's connectors.

A connector datasheet states power-sum NEXT and FEXT isolation at f_ref (``next_loss``,
``fext_loss`` of a connector segment). Each connector k with a stated value adds one equivalent
(power-sum) aggressor to COM (IEEE 802.3 93A.1.3: NEXT and FEXT channels beside the thru):

- coupling ``X(f) = sqrt(2) x_ref (j f/f_ref) / (1 + j f/f_ref)``: the first-order high-pass of
  capacitive/inductive coupling between adjacent pairs (|X| grows 20 dB/decade well below f_ref, is
  ``x_ref = 10^(-loss/20)`` at f_ref and saturates at sqrt(2) x_ref above: passive and causal);
  FEXT couples across the connector's delay (``exp(-j w delay)``), NEXT at its near end;
- FEXT aggressor: a transmitter at the victim's Tx end, through the segments before k on a
  neighbouring pair (taken equal to the victim's), coupled at k, then the segments after k:
  ``H = S21(before) X_fext S21(after)``;
- NEXT aggressor: a transmitter at the victim's Rx end, through the segments after k (reciprocal),
  coupled back at k, then the segments after k to the receiver: ``H = S21(after)^2 X_next``.

Aggressor paths are taken as matched (their reflections are not cascaded): the crosstalk of a
connector is tens of dB below the thru, and a second-order term of it is below the model's accuracy.
Twinax pairs are individually shielded (cable-internal crosstalk is not modelled; a cable assembly's
crosstalk sits in its connectors' stated values).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skrf

from si_thermal import config
from si_thermal.si import channel as chan
from si_thermal.si.tline import abcd_to_s, cascade, identity_abcd


@dataclass(frozen=True)
class Aggressor:
    name: str
    kind: str  # "next" | "fext"
    network: skrf.Network  # 2-port Sdd (100 ohm): S21 = S12 = the aggressor path, S11 = S22 = 0


def coupling(f: np.ndarray, loss_db: float, f_ref_hz: float, delay_s: float = 0.0) -> np.ndarray:
    """Coupling transfer X(f) with |X(f_ref)| = 10^(-loss_db/20) (see the module docstring)."""
    x = 10.0 ** (-loss_db / 20.0)
    jr = 1j * f / f_ref_hz
    return np.sqrt(2.0) * x * jr / (1.0 + jr) * np.exp(-2j * np.pi * f * delay_s)


def _s21(blocks: list[np.ndarray], n: int) -> np.ndarray:
    return abcd_to_s(cascade(blocks) if blocks else identity_abcd(n), chan.Z_DIFF)[:, 1, 0]


def aggressors(channel, freq_hz, *, length_m: float | None = None,
               blocks: list[np.ndarray] | None = None) -> tuple[Aggressor, ...]:
    """The NEXT/FEXT aggressors of every connector of ``channel`` that states them (empty tuple: none).
    ``blocks``: the segments' ABCD at these frequencies and length when the caller has them
    (:func:`si_thermal.si.channel.channel_network_blocks`)."""
    ch, path = chan.load(channel)
    ch = chan.with_length(ch, length_m, path)
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    fe = np.maximum(f, chan.F_MIN_HZ)
    stated = [k for k, s in enumerate(ch.segments) if isinstance(s, config.ConnectorSegment)
              and (s.next_loss is not None or s.fext_loss is not None)]
    if not stated:
        return ()
    if blocks is None:
        blocks = chan.segment_blocks(ch, fe, path)
    out = []
    for k in stated:
        seg = ch.segments[k]
        after = _s21(blocks[k + 1:], len(f))
        for kind, loss in (("fext", seg.fext_loss), ("next", seg.next_loss)):
            if loss is None:
                continue
            if kind == "fext":
                h = _s21(blocks[:k], len(f)) * coupling(fe, loss, seg.f_ref, seg.delay) * after
            else:
                h = after * after * coupling(fe, loss, seg.f_ref)
            s = np.zeros((len(f), 2, 2), dtype=complex)
            s[:, 1, 0] = s[:, 0, 1] = h
            net = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="Hz"), s=s, z0=chan.Z_DIFF,
                               name=f"{kind.upper()} {seg.name}")
            out.append(Aggressor(net.name, kind, net))
    return tuple(out)
