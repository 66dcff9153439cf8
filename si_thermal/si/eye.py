"""Statistical PAM-L eye after reference equalization: eye height/width at the target error ratio, bathtub.

Method (IEEE 802.3-2022 93A.1.7, P802.3dj 178A.1.9, applied at every sampling phase of one UI, as in
the statistical eye of Sanders, Resso and D'Ambrosia, "Channel compliance testing utilizing novel
statistical eye methodology", DesignCon 2004): at phase ``tau`` the equalized victim's cursor gives the
half inner-eye amplitude ``A_s(tau) = RLM h(t_s + tau) / (L - 1)``; residual ISI (after the DFE, whose
feedback values are those fixed at the chosen sampling time), crosstalk, dual-Dirac jitter and Gaussian
noise give the noise distribution (93A-45), whose lower tail at ``DER_0`` is ``A_ni(tau)``.

- Eye height at the target error ratio: ``EH(tau) = 2 (A_s(tau) - A_ni(tau))`` (the vertical opening of
  one of the L - 1 eyes), reported at the chosen sampling time;
- eye width: the span of ``tau`` with ``EH(tau) > 0`` (UI), interpolated linearly;
- bathtub: the error ratio ``P(noise < -A_s(tau))`` against ``tau``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from si_thermal.si.com.noise import Equalized, amplitude_at_der, crosstalk_pmf, grid_for, noise_pmf


@dataclass(frozen=True)
class EyeResult:
    """Statistical eye: per-phase quantities and the summary at the target error ratio."""

    phase_ui: np.ndarray        # offsets from the COM sampling time, UI
    a_s_v: np.ndarray
    a_ni_v: np.ndarray
    der: np.ndarray             # bathtub: error ratio at each phase
    eye_height_v: float         # at the COM sampling time (offset 0)
    eye_width_ui: float
    der0: float
    y_v: np.ndarray             # voltage grid of the density
    density: np.ndarray         # (phases, len(y_v)) signal density for plotting

    @property
    def eye_height_profile_v(self) -> np.ndarray:
        return 2 * (self.a_s_v - self.a_ni_v)


def statistical_eye(eq: Equalized, *, fine: bool = False, step: int = 2) -> EyeResult:
    """Statistical eye of :class:`si_thermal.si.com.Equalized` over one UI around the COM sampling time."""
    m = eq.samples_per_ui
    a_s0 = eq.rlm * eq.victim[eq.ts] / (eq.levels - 1)
    y_step, n = grid_for(eq, a_s0, fine=fine)
    offs = np.arange(-(m // 2), m // 2 + 1, step)
    if 0 not in offs:
        offs = np.sort(np.append(offs, 0))
    a_s, a_ni, der = [], [], []
    y = (np.arange(n) - n // 2) * y_step
    lv = np.linspace(-1, 1, eq.levels)
    y_plot = np.linspace(-1.3, 1.3, 261) * abs(eq.victim[eq.ts])
    dens = []
    xt = crosstalk_pmf(eq, y_step, n)
    for o in offs:
        ts = eq.ts + int(o)
        pmf = noise_pmf(eq, ts, y_step, n, ref_ts=eq.ts, xt=xt)
        h = eq.victim[ts % len(eq.victim)]
        asv = eq.rlm * h / (eq.levels - 1)
        a_s.append(asv)
        a_ni.append(amplitude_at_der(pmf, y_step, eq.der0))
        cdf = np.cumsum(pmf)
        der.append(float(np.interp(-asv, y, cdf)) if asv > 0 else 0.5)
        img = np.zeros(len(y_plot))
        for level in lv:
            img += np.interp(y_plot, y + level * h, pmf / y_step, left=0.0, right=0.0)
        dens.append(img / eq.levels)
    a_s, a_ni, der = np.array(a_s), np.array(a_ni), np.maximum(np.array(der), 1e-300)
    eh = 2 * (a_s - a_ni)
    i0 = int(np.nonzero(offs == 0)[0][0])
    return EyeResult(offs / m, a_s, a_ni, der, float(eh[i0]), _width(offs / m, eh, i0), eq.der0, y_plot,
                     np.array(dens))


def _width(x: np.ndarray, eh: np.ndarray, i0: int) -> float:
    """Span around ``x[i0]`` where ``eh > 0``, with linear interpolation of the crossings (UI)."""
    if eh[i0] <= 0:
        return 0.0
    lo, hi = i0, i0
    while lo > 0 and eh[lo - 1] > 0:
        lo -= 1
    while hi < len(eh) - 1 and eh[hi + 1] > 0:
        hi += 1
    left = x[lo] if lo == 0 else x[lo - 1] + (x[lo] - x[lo - 1]) * (-eh[lo - 1]) / (eh[lo] - eh[lo - 1])
    right = x[hi] if hi == len(eh) - 1 else x[hi] + (x[hi + 1] - x[hi]) * eh[hi] / (eh[hi] - eh[hi + 1])
    return float(right - left)


def plot_eye(ey: EyeResult, path: str | Path, title: str = ""):
    """Statistical eye density with the inner-eye openings at DER_0, and the bathtub; PNG, atomic. Returns
    the (closed) matplotlib Figure, whose axes hold what the PNG shows."""
    import matplotlib.pyplot as plt

    from si_thermal.atomic import atomic_path

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ext = [ey.phase_ui[0], ey.phase_ui[-1], ey.y_v[0] * 1e3, ey.y_v[-1] * 1e3]
    ax1.imshow(np.log10(ey.density.T + 1e-12), origin="lower", aspect="auto", extent=ext, cmap="viridis",
               vmin=-6)
    ax1.set_xlabel("sampling phase offset (UI)")
    ax1.set_ylabel("slicer input (mV)")
    ax1.set_title(f"statistical eye {title}  EH {ey.eye_height_v * 1e3:.2f} mV, EW {ey.eye_width_ui:.3f} UI")
    ax2.semilogy(ey.phase_ui, ey.der, "b-")
    ax2.axhline(ey.der0, color="r", ls="--", label=f"DER0 = {ey.der0:g}")
    ax2.set_xlabel("sampling phase offset (UI)")
    ax2.set_ylabel("error ratio")
    ax2.set_title("bathtub")
    ax2.set_ylim(max(1e-16, ey.der.min() / 10), 1)
    ax2.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    return fig
