"""Liquid cooling correlations: parallel rectangular channels between fins (cold plate, microchannel lid).

Sources
- Shah & London, *Laminar Flow Forced Convection in Ducts* (Academic Press, 1978), ch. VII
  (rectangular ducts): fully developed ``f Re`` and ``Nu_H1`` (four walls heated) polynomials in the
  aspect ratio ``a = short side / long side``; ch. V: the thermal-entry local Nusselt number for the
  H boundary condition (circular duct, Shah's fit), carried over to rectangular channels by the
  engineering approximation ``Nu_x,rect = Nu_x,circ(x*) Nu_fd,rect(a) / 4.364`` (same relative
  entrance enhancement; cf. Phillips, "Microchannel heat sinks", Lincoln Laboratory Journal 1 (1988)
  31-48, who treats developing flow in rectangular microchannels with circular-duct results).
  The velocity profile is taken as developed (thermal entry, not simultaneously developing flow),
  which slightly underestimates the enhancement for Pr of water.
- Incremental pressure defect K(inf) of the hydrodynamic entrance: Steinke & Kandlikar,
  "Single-phase liquid friction factors in microchannels", Int. J. Thermal Sci. 45 (2006) 1073,
  polynomial fit of Shah & London's table; Hagenbach form ``dp = (4 f L/Dh + K(inf) + Kc + Ke) rho u^2/2``
  with contraction/expansion losses Kc = 0.5, Ke = 1.0 (Kays & London, *Compact Heat Exchangers*).
- Turbulent: Gnielinski, Forsch. Ing.-Wes. 41 (1975) 8-16, with Filonenko's friction factor;
  transition 2300 < Re < 1e4 by Gnielinski's linear interpolation, Int. J. Heat Mass Transfer 63
  (2013) 134-140.
- Fin efficiency of the channel walls, adiabatic tip unless the cover (the channel ceiling) is
  given; with a cover the tip passes heat into it (convective-tip fin, Incropera Table 3.4 case A)
  and the cover convects on its underside as a fin between two walls (:func:`cover_conductance`):
  ``eta = tanh(m H)/(m H)``, ``m = sqrt(2 h / (k t))``; Incropera & DeWitt, *Fundamentals of Heat
  and Mass Transfer*, 6th ed., sec. 3.6.  Footprint-effective coefficient (Tuckerman & Pease,
  IEEE EDL 2 (1981) 126; Phillips 1988): ``h_eff = h (w_c + 2 eta H) / (w_c + w_w)``.
- Coolant properties: tables of ``boards/materials.toml`` (Incropera Table A.6; ASHRAE), linear
  interpolation; boiling point at 1 atm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.constants import ZERO_CELSIUS_K

NU_CIRC_FD_H = 4.364  # fully developed Nu, circular duct, uniform heat flux (Shah & London 1978)


@dataclass(frozen=True)
class CoolantProperties:
    """Coolant properties at one temperature (SI)."""

    name: str
    temperature_k: float
    density_kg_m3: float
    specific_heat_j_kgk: float
    conductivity_w_mk: float
    viscosity_pa_s: float
    boiling_point_k: float

    @property
    def prandtl(self) -> float:
        return self.viscosity_pa_s * self.specific_heat_j_kgk / self.conductivity_w_mk


def coolant_properties(name: str, temperature_k: float, local: dict | None = None) -> CoolantProperties:
    """Interpolate a coolant's table (``boards/materials.toml``, or ``local``: the input file's own
    materials) at ``temperature_k``.

    Outside the table the end values are held (the tables span 20-80 degC, the range of liquid loops).
    """
    mat = config.material(name, "coolant", local=local)
    if mat.table is None:
        raise InputError(None, name, f"coolant '{name}' has no property table")
    t = mat.table
    f = lambda values: float(np.interp(temperature_k, t.temperature, values))  # noqa: E731
    boil = mat.boiling_point if mat.boiling_point is not None else math.inf
    return CoolantProperties(name, temperature_k, f(t.density), f(t.specific_heat),
                             f(t.thermal_conductivity), f(t.dynamic_viscosity), boil)


def _aspect(width_m: float, depth_m: float) -> float:
    return min(width_m, depth_m) / max(width_m, depth_m)


def fre_laminar(aspect: float) -> float:
    """Fully developed Fanning ``f Re`` of a rectangular duct (Shah & London 1978, ch. VII)."""
    a = aspect
    return 24.0 * (1 - 1.3553 * a + 1.9467 * a**2 - 1.7012 * a**3 + 0.9564 * a**4 - 0.2537 * a**5)


def nu_laminar(aspect: float) -> float:
    """Fully developed ``Nu_H1`` (four walls heated) of a rectangular duct (Shah & London, ch. VII)."""
    a = aspect
    return 8.235 * (1 - 2.0421 * a + 3.0853 * a**2 - 2.4765 * a**3 + 1.0578 * a**4 - 0.1861 * a**5)


def k_infinity(aspect: float) -> float:
    """Incremental pressure-drop number K(inf) of the laminar entrance (Steinke & Kandlikar 2006)."""
    a = aspect
    return 0.6796 + 1.2197 * a + 3.3089 * a**2 - 9.5921 * a**3 + 8.9089 * a**4 - 2.9959 * a**5


def nu_entry_circular(x_star: np.ndarray) -> np.ndarray:
    """Local Nu in the thermal entrance, circular duct, uniform heat flux (Shah & London 1978).

    ``x* = x / (Dh Re Pr)``: ``1.302 x*^(-1/3) - 0.5`` for x* <= 0.0015, else
    ``4.364 + 8.68 (1e3 x*)^(-0.506) exp(-41 x*)``.
    """
    xs = np.maximum(np.asarray(x_star, dtype=float), 1e-7)
    near = 1.302 * xs ** (-1.0 / 3.0) - 0.5
    far = NU_CIRC_FD_H + 8.68 * (1e3 * xs) ** (-0.506) * np.exp(-41.0 * xs)
    return np.where(xs <= 0.0015, near, far)


def friction_turbulent(re: float) -> float:
    """Darcy friction factor, smooth tube (Filonenko, as used by Gnielinski)."""
    return (0.790 * math.log(re) - 1.64) ** -2


def nu_gnielinski(re: float, pr: float) -> float:
    """Gnielinski (1975) turbulent Nu, valid 3000 < Re < 5e6, 0.5 < Pr < 2000."""
    f = friction_turbulent(re)
    return (f / 8) * (re - 1000) * pr / (1 + 12.7 * math.sqrt(f / 8) * (pr ** (2 / 3) - 1))


def fin_efficiency(h_w_m2k, k_w_mk: float, thickness_m: float, height_m: float):
    """Straight fin with adiabatic tip: ``tanh(mH)/(mH)``, ``m = sqrt(2h/(k t))`` (Incropera 3.6)."""
    mh = np.sqrt(2.0 * np.asarray(h_w_m2k, dtype=float) / (k_w_mk * thickness_m)) * height_m
    return np.where(mh > 1e-9, np.tanh(mh) / np.maximum(mh, 1e-12), 1.0)


def cover_conductance(h_w_m2k, k_cover_w_mk: float, t_cover_m: float, width_m: float):
    """Heat (W/(m K), per metre of channel) a fin tip passes into the channel's cover: the cover
    between two fins is a straight fin of half-width ``width_m/2`` from each side, convecting on its
    underside only (Incropera & DeWitt 6th ed., sec. 3.6): ``2 sqrt(h k_c t_c) tanh(m_c w/2)``,
    ``m_c = sqrt(h / (k_c t_c))``."""
    h = np.asarray(h_w_m2k, dtype=float)
    m = np.sqrt(h / (k_cover_w_mk * t_cover_m))
    return 2.0 * np.sqrt(h * k_cover_w_mk * t_cover_m) * np.tanh(m * width_m / 2.0)


def fin_heat(h_w_m2k, k_w_mk: float, thickness_m: float, height_m: float, tip_conductance=0.0):
    """Heat per metre of a straight fin per kelvin of base excess (W/(m K)), both faces convecting,
    its tip passing ``tip_conductance`` (W/(m K)) on (Incropera & DeWitt Table 3.4, case A, with
    ``h_tip = G_tip / t``); ``tip_conductance = 0`` is the adiabatic tip ``sqrt(2 h k t) tanh(mH)``."""
    h = np.asarray(h_w_m2k, dtype=float)
    m = np.sqrt(2.0 * h / (k_w_mk * thickness_m))
    big_m = np.sqrt(2.0 * h * k_w_mk * thickness_m)
    r = np.asarray(tip_conductance, dtype=float) / np.maximum(big_m, 1e-300)  # h_tip / (m k)
    mh = m * height_m
    return big_m * (np.sinh(mh) + r * np.cosh(mh)) / (np.cosh(mh) + r * np.sinh(mh))


@dataclass(frozen=True)
class ChannelArray:
    """Parallel channels of width ``width_m`` and depth ``depth_m`` between walls (fins) of
    ``wall_m``, ``length_m`` long in the flow direction, across a footprint ``span_m`` wide.
    ``cover_m``/``cover_conductivity_w_mk``: the ceiling closing the channels (None: adiabatic)."""

    width_m: float
    depth_m: float
    wall_m: float
    length_m: float
    span_m: float
    wall_conductivity_w_mk: float
    cover_m: float | None = None
    cover_conductivity_w_mk: float | None = None

    @property
    def pitch_m(self) -> float:
        return self.width_m + self.wall_m

    @property
    def count(self) -> int:
        """Channels across the span: ``floor(span / pitch)``, robust to the rounding of quantities
        read in mm or um (60 mm / 0.5 mm is 119.99999999999999 in floating point: 120 channels)."""
        return max(1, math.floor(self.span_m / self.pitch_m * (1 + 1e-9)))

    @property
    def ceiling(self) -> str:
        """How the channel ceiling is modelled, in words (for the results)."""
        if self.cover_m is None:
            return "adiabatic (assumed: no cover_thickness given; heat leaves through floor and walls only)"
        return (f"conducting cover {self.cover_m * 1e3:.3g} mm, k = {self.cover_conductivity_w_mk:.0f} W/(m K): "
                "fin tips conduct into it, its underside convects")

    @property
    def area_m2(self) -> float:
        return self.width_m * self.depth_m

    @property
    def hydraulic_diameter_m(self) -> float:
        return 2 * self.width_m * self.depth_m / (self.width_m + self.depth_m)

    @property
    def aspect(self) -> float:
        return _aspect(self.width_m, self.depth_m)


@dataclass(frozen=True)
class ChannelFlow:
    """Hydraulics and heat transfer of a channel array at one flow rate."""

    channels: ChannelArray
    coolant: CoolantProperties
    flow_m3_s: float
    velocity_m_s: float
    reynolds: float
    regime: str
    nu_fully_developed: float
    h_fully_developed_w_m2k: float
    pressure_drop_pa: float
    pumping_power_w: float
    capacity_rate_w_k: float  # m_dot c_p of the whole array
    h_basis: str = "correlations (Shah & London laminar with thermal entry; Gnielinski turbulent)"
    friction_basis: str = "correlations (Shah & London f Re + K(inf); Filonenko turbulent)"
    h_stated: tuple[tuple[float, ...], tuple[float, ...]] | None = None  # (x m, h W/(m^2 K)) along the flow

    def h_wall(self, x_m) -> np.ndarray:
        """Local wall heat-transfer coefficient (W/(m^2 K)) at distance ``x_m`` from the inlet,
        with the thermal-entrance enhancement in laminar flow (or the stated value/table)."""
        x = np.asarray(x_m, dtype=float)
        if self.h_stated is not None:
            return np.interp(x, self.h_stated[0], self.h_stated[1]) * np.ones_like(x)
        if self.regime != "laminar":
            return np.full_like(x, self.h_fully_developed_w_m2k)
        ch = self.channels
        x_star = x / (ch.hydraulic_diameter_m * self.reynolds * self.coolant.prandtl)
        nu = self.nu_fully_developed * nu_entry_circular(x_star) / NU_CIRC_FD_H
        return nu * self.coolant.conductivity_w_mk / ch.hydraulic_diameter_m

    def h_footprint(self, x_m) -> np.ndarray:
        """Heat-transfer coefficient referred to the footprint (base) area, fins included."""
        ch = self.channels
        h = self.h_wall(x_m)
        tip = 0.0 if ch.cover_m is None else cover_conductance(h, ch.cover_conductivity_w_mk, ch.cover_m, ch.width_m)
        return (h * ch.width_m + fin_heat(h, ch.wall_conductivity_w_mk, ch.wall_m, ch.depth_m, tip)) / ch.pitch_m


def channel_flow(channels: ChannelArray, coolant: CoolantProperties, flow_m3_s: float,
                 *, k_minor: float = 1.5, h_stated: tuple | None = None,
                 friction_factor: float | None = None, source: str = "stated") -> ChannelFlow:
    """Flow split evenly over the channels; Reynolds number, Nu, h, pressure drop, pumping power.

    ``h_stated``: ``(x_m, h_w_m2k)`` sequences (one point: a constant) replacing the correlations'
    wall coefficient; ``friction_factor``: a stated Darcy factor, ``dp = (f L/Dh + k_minor) rho u^2/2``.
    """
    if flow_m3_s <= 0:
        raise InputError(None, "flow", "coolant flow must be positive")
    ch = channels
    u = flow_m3_s / (ch.count * ch.area_m2)
    dh = ch.hydraulic_diameter_m
    rho, mu = coolant.density_kg_m3, coolant.viscosity_pa_s
    re = rho * u * dh / mu
    pr = coolant.prandtl
    dyn = 0.5 * rho * u**2
    if re <= 2300:
        regime = "laminar"
        nu = nu_laminar(ch.aspect)
        fanning = fre_laminar(ch.aspect) / re
        dp = (4 * fanning * ch.length_m / dh + k_infinity(ch.aspect) + k_minor) * dyn
    else:
        nu_turb = nu_gnielinski(max(re, 1e4), pr)
        if re < 1e4:  # Gnielinski (2013) interpolation across the transition
            gamma = (re - 2300) / (1e4 - 2300)
            nu = (1 - gamma) * nu_laminar(ch.aspect) + gamma * nu_turb
            regime = "transitional"
        else:
            nu = nu_turb
            regime = "turbulent"
        darcy = max(friction_turbulent(max(re, 3000)), 4 * fre_laminar(ch.aspect) / re)
        dp = (darcy * ch.length_m / dh + k_minor) * dyn
    h = nu * coolant.conductivity_w_mk / dh
    cap = rho * flow_m3_s * coolant.specific_heat_j_kgk
    bases = {}
    if friction_factor is not None:
        dp = (friction_factor * ch.length_m / dh + k_minor) * dyn
        bases["friction_basis"] = f"{source}: Darcy f = {friction_factor:g} (+ k_minor {k_minor:g})"
    if h_stated is not None:
        xs, hs = (tuple(float(v) for v in a) for a in h_stated)
        h = float(np.mean(hs))
        nu = h * dh / coolant.conductivity_w_mk
        bases["h_stated"] = (xs, hs)
        bases["h_basis"] = (f"{source}: h = {hs[0]:g} W/(m^2 K)" if len(hs) == 1 else
                            f"{source}: table of {len(hs)} h values along the flow, {min(hs):g}-{max(hs):g} W/(m^2 K)")
    return ChannelFlow(ch, coolant, flow_m3_s, u, re, regime, nu, h, dp, dp * flow_m3_s, cap, **bases)


def check_boiling(coolant: CoolantProperties, inlet_k: float, power_w: float, flow_m3_s: float,
                  file=None, field: str = "flow") -> float:
    """Outlet temperature from the energy balance ``P = m_dot c_p (T_out - T_in)``; an
    :class:`InputError` if the coolant would reach its boiling point (1 atm)."""
    if inlet_k >= coolant.boiling_point_k:  # before the flow check: no flow cures a boiling inlet
        raise InputError(file, "inlet", f"coolant inlet {inlet_k - ZERO_CELSIUS_K:.0f} degC is above its boiling point")
    rise = power_w / (coolant.density_kg_m3 * flow_m3_s * coolant.specific_heat_j_kgk)
    outlet = inlet_k + rise
    if outlet >= coolant.boiling_point_k:
        raise InputError(file, field,
                         f"coolant flow too low: {coolant.name} would boil (outlet "
                         f"{outlet - ZERO_CELSIUS_K:.0f} degC >= boiling point {coolant.boiling_point_k - ZERO_CELSIUS_K:.0f} degC "
                         f"at {power_w:.0f} W and {flow_m3_s * 6e4:.3g} L/min)")
    return outlet
