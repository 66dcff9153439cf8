"""Two-parameter Weibull life distribution (Weibull, J. Appl. Mech. 18, 1951, 293).

``F(t) = 1 - exp(-(t/eta)^beta)``. ``t`` is in whatever unit ``eta`` carries (cycles or hours); the
functions are vectorized over ``t``. A fatigue model's "cycles to failure" is a median (50 %) life,
so :meth:`Weibull.from_median` is how a model's result becomes a population. Shape values for
thermal-cycling fatigue of interconnects are typically 2-8 (Engelmaier: about 4 for leadless solder
joints; IPC-9701 test populations); wear-out means beta > 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Weibull:
    """Shape ``beta`` (dimensionless) and scale ``eta`` (the 63.2 % life, in cycles or hours)."""

    beta: float
    eta: float

    def __post_init__(self) -> None:
        if not (self.beta > 0 and self.eta > 0):
            raise ValueError(f"Weibull needs beta > 0 and eta > 0, got beta={self.beta}, eta={self.eta}")

    @classmethod
    def from_median(cls, median: float, beta: float) -> Weibull:
        """The population whose 50 % life is ``median``: ``eta = median / ln(2)^(1/beta)``."""
        return cls(beta, median / math.log(2.0) ** (1.0 / beta))

    def cdf(self, t):
        """Fraction failed by ``t``."""
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        return -np.expm1(-((t / self.eta) ** self.beta))

    def reliability(self, t):
        return 1.0 - self.cdf(t)

    def pdf(self, t):
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        x = t / self.eta
        return self.beta / self.eta * x ** (self.beta - 1) * np.exp(-(x**self.beta))

    def hazard(self, t):
        """Instantaneous failure rate of survivors, per unit of ``t``."""
        t = np.maximum(np.asarray(t, dtype=float), 0.0)
        return self.beta / self.eta * (t / self.eta) ** (self.beta - 1)

    def quantile(self, fraction):
        """Life by which ``fraction`` of the population has failed: ``eta (-ln(1-p))^(1/beta)``."""
        p = np.asarray(fraction, dtype=float)
        if np.any((p <= 0) | (p >= 1)):
            raise ValueError("fraction must lie strictly between 0 and 1")
        return self.eta * (-np.log1p(-p)) ** (1.0 / self.beta)

    @property
    def mean(self) -> float:
        """Mean life ``eta Gamma(1 + 1/beta)`` (the MTTF of a non-repaired unit)."""
        return self.eta * math.gamma(1.0 + 1.0 / self.beta)

    def scaled(self, factor: float) -> Weibull:
        """The same population in another unit (e.g. cycles to hours: factor = hours per cycle)."""
        return Weibull(self.beta, self.eta * factor)
