"""Lives as distributions: Monte Carlo over uncertain reliability inputs, P10/P50/P90 of the years
until a fraction of the fleet's units has failed.

Each sample draws every uncertain parameter independently (:func:`draw`; plain numpy Generator,
seeded), the damage models of :mod:`damage` are evaluated for all samples at once, and the
wear-out populations follow :mod:`weibull`: a site's median life ``L`` with shape ``beta`` is
Weibull with ``eta = L / ln(2)^(1/beta)``; a unit of ``n`` sites fails at its weakest one
(``eta n^(-1/beta)``); several independent mechanisms compete (``sum_i (t/eta_i)^beta_i =
-ln(1 - p)``). P10 is the pessimistic tenth percentile over the samples (10 % of the input
combinations give a shorter life), P50 the median, P90 the optimistic one.

The spread is that of the inputs as stated in the uncertainty file, nothing more: the model-form
error of applying IPC-TR-579 to an aspect ratio of 40 or Syed's constant to a connector joint is not in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.config.uncertainty import PARAMETERS, Uncertain, UncertainParameter


def sample(p: UncertainParameter, n: int, rng: np.random.Generator, name: str = "") -> np.ndarray:
    """``n`` draws of one parameter, clipped to its physical range (normal tails)."""
    if p.distribution == "fixed":
        x = np.full(n, p.nominal)
    elif p.distribution == "uniform":
        x = rng.uniform(p.low, p.high, n)
    elif p.distribution == "triangular":
        x = rng.triangular(p.low, p.nominal, p.high, n) if p.high > p.low else np.full(n, p.nominal)
    elif p.distribution == "normal":
        x = rng.normal(p.nominal, p.sigma, n)
    else:  # lognormal, median nominal
        x = p.nominal * np.exp(rng.normal(0.0, np.sqrt(np.log1p(p.cov**2)), n))
    if name in PARAMETERS:
        _, lo, hi, _ = PARAMETERS[name]
        x = np.clip(x, lo, hi)
    return x


def draw(uncertain: Uncertain | None, defaults: dict[str, float], n: int | None = None) -> dict[str, np.ndarray]:
    """Samples of every parameter in ``defaults``: drawn where ``uncertain`` states it, else fixed
    at the default. ``n`` defaults to the file's ``samples`` (1 without a file)."""
    if uncertain is None:
        n = n or 1
        return {k: np.full(n, float(v)) for k, v in defaults.items()}
    n = n or uncertain.samples
    rng = np.random.default_rng(uncertain.seed)
    out = {}
    for k in sorted(set(defaults) | set(uncertain.parameters)):
        out[k] = (sample(uncertain.parameters[k], n, rng, k) if k in uncertain.parameters
                  else np.full(n, float(defaults[k])))
    return out


def unit_weibull_eta_days(median_days, beta, sites: int) -> np.ndarray:
    """Scale (days) of the first of ``sites`` sites to fail, each Weibull with this median."""
    beta = np.asarray(beta, dtype=float)
    return np.asarray(median_days, dtype=float) / np.log(2.0) ** (1.0 / beta) * sites ** (-1.0 / beta)


def years_to_fraction(etas_days: list[np.ndarray], betas: list[np.ndarray], fraction: float = 0.01) -> np.ndarray:
    """Years until ``fraction`` of the units has failed by any of the competing Weibull mechanisms
    (arrays over samples; inf where no mechanism wears out). Bisection in log t, all samples at once."""
    if not 0 < fraction < 1:
        raise ValueError("fraction must lie strictly between 0 and 1")
    target = -np.log1p(-fraction)
    etas = [np.asarray(e, dtype=float) for e in etas_days]
    bs = [np.asarray(b, dtype=float) for b in betas]
    single = np.min([e * target ** (1.0 / b) for e, b in zip(etas, bs)], axis=0)  # each mode alone
    finite = np.isfinite(single)
    hi = np.log(np.where(finite, single, 1.0))
    lo = hi - np.log(1e6)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        t = np.exp(mid)
        g = sum(np.where(np.isfinite(e), (t / np.where(np.isfinite(e), e, 1.0)) ** b, 0.0) for e, b in zip(etas, bs))
        up = g < target
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    return np.where(finite, np.exp(0.5 * (lo + hi)) / 365.0, np.inf)


@dataclass(frozen=True)
class Band:
    """P10 / P50 / P90 of a life (years) over the Monte Carlo samples."""

    p10: float
    p50: float
    p90: float
    samples: int

    @classmethod
    def of(cls, x) -> Band:
        x = np.asarray(x, dtype=float)
        if np.any(np.isnan(x)):
            raise ValueError("a Monte Carlo life is NaN")
        if not x.size:
            raise ValueError("no Monte Carlo samples")
        # lives without wear-out are inf: take order statistics there (no inf - inf interpolation)
        method = "linear" if np.all(np.isfinite(x)) else "nearest"
        p10, p50, p90 = np.percentile(x, [10, 50, 90], method=method)
        return cls(float(p10), float(p50), float(p90), int(x.size))

    def to_dict(self) -> dict:
        return {k: (v if np.isfinite(v) else None) for k, v in
                {"p10": self.p10, "p50": self.p50, "p90": self.p90}.items()} | {"samples": self.samples}
