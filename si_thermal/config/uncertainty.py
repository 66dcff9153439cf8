"""Uncertain reliability inputs (``[uncertain]``): each parameter with a distribution, its spread and
its source, for the Monte Carlo lives of :mod:`si_thermal.reliability.montecarlo`.

Distributions: ``fixed`` (``nominal``), ``uniform`` (``low``..``high``), ``triangular`` (``low``,
mode ``nominal``, ``high``), ``normal`` (``nominal``, ``sigma``; truncated to the physical range),
``lognormal`` (median ``nominal``, ``cov`` the coefficient of variation of the underlying normal's
exp, i.e. ``sigma_ln = sqrt(ln(1 + cov^2))``). Values may be quantity strings where the parameter has a
dimension (``gradient``: "25 K"). Each known parameter has a physical range (``PARAMETERS``); a value or a
spread outside it, or a negative spread, is a one-line error naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from si_thermal.config._base import Model
from si_thermal.units import UnitError, parse_quantity

# name -> (dimension for quantity strings or None, physical lower bound, upper bound, what it is)
PARAMETERS: dict[str, tuple[str | None, float, float, str]] = {
    "gradient": ("temperature_difference", 0.0, 200.0, "in-rack edge-to-edge gradient at rated power, K"),
    "strain_distribution_factor": (None, 1.0, 10.0, "IPC-TR-579 K_d (2.5 best plating to 5.0)"),
    "copper_ductility": (None, 0.01, 0.6, "plated-copper fatigue ductility D_f (elongation at fracture)"),
    "copper_ultimate_strength_scale": (None, 0.3, 3.0, "factor on the plated copper's S_u"),
    "sac_creep_coefficient": (None, 1e-3, 1.0, "Syed (2004) C' in N_f = (C' eps_acc)^-1"),
    "joint_strain_factor": (None, 0.2, 2.0, "Engelmaier non-ideal factor F on the joint shear strain"),
    "cycle_rate_factor": (None, 0.0, 100.0, "factor on the counted cycles (job boundaries per day uncertain)"),
    "pth_weibull_shape": (None, 1.0, 20.0, "Weibull shape of plated-hole fatigue populations"),
    "joint_weibull_shape": (None, 1.0, 20.0, "Weibull shape of solder-joint fatigue populations"),
    "press_fit_larson_miller": (None, 5000.0, 20000.0,
                                "Larson-Miller parameter T (C + log10 t_h) at which a press-fit pin's force has relaxed to failure, K"),
    "press_fit_weibull_shape": (None, 1.0, 20.0, "Weibull shape of press-fit relaxation failures"),
}


class UncertainParameter(Model):
    distribution: Literal["fixed", "uniform", "triangular", "normal", "lognormal"]
    nominal: float | None = None
    low: float | None = None
    high: float | None = None
    sigma: Annotated[float, Field(ge=0)] | None = None
    cov: Annotated[float, Field(ge=0)] | None = None
    source: str

    @model_validator(mode="after")
    def _needs(self) -> UncertainParameter:
        need = {"fixed": ("nominal",), "uniform": ("low", "high"), "triangular": ("low", "nominal", "high"),
                "normal": ("nominal", "sigma"), "lognormal": ("nominal", "cov")}[self.distribution]
        for k in need:
            if getattr(self, k) is None:
                raise ValueError(f"distribution '{self.distribution}' needs {k}")
        if self.low is not None and self.high is not None and self.high < self.low:
            raise ValueError(f"negative spread: high ({self.high:g}) below low ({self.low:g})")
        if self.distribution == "triangular" and not self.low <= self.nominal <= self.high:
            raise ValueError("triangular: nominal must lie between low and high")
        if self.distribution == "lognormal" and not self.nominal > 0:
            raise ValueError("lognormal: nominal (the median) must be positive")
        return self

    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value the distribution may draw (inf for unbounded tails)."""
        if self.distribution == "fixed":
            return self.nominal, self.nominal
        if self.distribution in ("uniform", "triangular"):
            return self.low, self.high
        if self.distribution == "lognormal":
            return 0.0, float("inf")
        return float("-inf"), float("inf")


class Uncertain(Model):
    name: str
    source: str
    samples: Annotated[int, Field(ge=10, le=1_000_000)] = 2000
    seed: int = 0
    parameters: dict[str, UncertainParameter]

    @field_validator("parameters", mode="before")
    @classmethod
    def _units(cls, value: Any) -> Any:
        """Quantity strings to SI for dimensional parameters; unknown names rejected."""
        if not isinstance(value, dict):
            return value
        out = {}
        for name, spec in value.items():
            if name not in PARAMETERS:
                raise ValueError(f"unknown parameter '{name}' (known: {', '.join(PARAMETERS)})")
            dim = PARAMETERS[name][0]
            spec = dict(spec) if isinstance(spec, dict) else spec
            if isinstance(spec, dict):
                for key in ("nominal", "low", "high", "sigma"):
                    if isinstance(spec.get(key), str):
                        if dim is None:
                            raise ValueError(f"{name}.{key}: a plain number is expected")
                        try:
                            spec[key] = parse_quantity(spec[key], dim)
                        except UnitError as err:
                            raise ValueError(f"{name}.{key}: {err}") from None
            out[name] = spec
        return out

    @model_validator(mode="after")
    def _ranges(self) -> Uncertain:
        for name, p in self.parameters.items():
            _, lo, hi, what = PARAMETERS[name]
            for key in ("nominal", "low", "high"):
                v = getattr(p, key)
                if v is not None and not lo <= v <= hi:
                    raise ValueError(f"{name}.{key} = {v:g} is outside the physical range [{lo:g}, {hi:g}] of {what}")
        return self


class UncertaintyFile(Model):
    uncertain: Uncertain
