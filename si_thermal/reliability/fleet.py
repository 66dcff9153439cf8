"""Fleet reliability: MTBF, FIT, expected failure events per month for N racks, and availability.

Two kinds of failure are kept apart, as reliability practice requires (O'Connor & Kleyner,
*Practical Reliability Engineering*, 5th ed., 2012, ch. 2 and 6):

- **Random failures** at a constant rate (the flat part of the bathtub): a rate ``lambda`` per rack
  hour, quoted as FIT (failures per 1e9 device hours) or as MTBF = 1/lambda. Expected events per month
  for ``N`` racks: ``N * hours_per_month / MTBF`` (Poisson mean).
- **Wear-out** from a Weibull life (beta > 1), counted month by month: the expected number of racks
  failing in month k is the renewal density of the fleet, ``m_k = N f_k + sum_{j<k} m_j f_{k-1-j}``
  with ``f_k = F(t_{k+1}) - F(t_k)`` (discrete renewal equation, each failed unit replaced by a new
  one at the end of its month, so a replacement installed after month j is of age k-1-j months at
  the start of month k; Cox, *Renewal Theory*, 1962). It is never folded into an MTBF: its rate grows with age.

Availability of a rack with several independent failure modes, each with its own repair time:
``A = 1 / (1 + sum_i lambda_i MTTR_i)`` (alternating renewal process, series system; exact for one
constant-rate mode, ``A = MTBF / (MTBF + MTTR)``). For wear-out the rate is the month's fleet event
count per rack-hour.

A rack of ``n`` identical wear-out sites fails at the first site's failure (weakest link): its life
is Weibull with the same shape and scale ``eta n^(-1/beta)``. Sites are plated holes (fleet-file
model ``wearout_pth``, IPC-TR-579 median life) or connector joints (``wearout_joint``, Engelmaier).

The random rate of a printed board's plated holes follows MIL-HDBK-217F Notice 2, section 16.1
(interconnection assemblies with plated through holes)::

    lambda_p = lambda_b [N1 pi_C + N2 (pi_C + 13)] pi_Q pi_E   (failures per 1e6 h)
    lambda_b = 0.000017,  pi_C = 0.65 P^0.63 for P > 2 circuit planes (fit for P <= 18)

with N1 machine-soldered (or press-fit) holes, N2 hand-soldered ones. A 78-layer board is beyond the
fitted range of ``pi_C``; the extrapolation is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from si_thermal.reliability.weibull import Weibull

from si_thermal.constants import HOURS_PER_MONTH, ZERO_CELSIUS_K  # noqa: F401  (HOURS_PER_MONTH re-exported)
MIL217_LAMBDA_B = 0.000017  # failures per 1e6 h, MIL-HDBK-217F N2 sec. 16.1
MIL217_PLANES_FITTED = 18


def fit_from_mtbf(mtbf_h: float) -> float:
    """Failures per 1e9 hours of a constant-rate unit with the given MTBF."""
    if not mtbf_h > 0:
        raise ValueError("mtbf_h must be positive")
    return 1e9 / mtbf_h


def mtbf_from_fit(fit: float) -> float:
    """MTBF in hours of a constant rate given in FIT (infinite for 0 FIT)."""
    if fit < 0:
        raise ValueError("fit must not be negative")
    return np.inf if fit == 0 else 1e9 / fit


def random_events_per_month(units: float, mtbf_h: float, hours_per_month: float = HOURS_PER_MONTH) -> float:
    """Expected constant-rate failure events per month of ``units`` units: ``units * hours / MTBF``."""
    if units < 0:
        raise ValueError("units must not be negative")
    if not hours_per_month > 0:
        raise ValueError("hours_per_month must be positive")
    return units * hours_per_month / mtbf_h


def wearout_events_by_month(units: float, life_h: Weibull, months: int,
                            hours_per_month: float = HOURS_PER_MONTH, *, renewal: bool = True) -> np.ndarray:
    """Expected wear-out failures in each month of a fleet of ``units`` new units (life in hours).

    ``renewal=True`` replaces each failed unit with a new one (discrete renewal equation);
    ``renewal=False`` counts first failures only, ``units * (F(t_{k+1}) - F(t_k))``.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if units < 0:
        raise ValueError("units must not be negative")
    edges = np.arange(months + 1) * hours_per_month
    f = np.diff(life_h.cdf(edges))
    if not renewal:
        return units * f
    m = np.zeros(months)
    for k in range(months):  # short recursion over months; f is already vectorized
        m[k] = units * f[k] + m[:k] @ f[:k][::-1]  # replacements installed in month j fail at age k-j
    return m


def first_failure_quantile(lives: list[Weibull], fraction: float) -> float:
    """Time by which ``fraction`` of units with independent Weibull modes have failed (any mode):
    the root of ``sum_i (t/eta_i)^beta_i = -ln(1 - fraction)``; inf without modes."""
    if not lives:
        return np.inf
    from scipy.optimize import brentq

    target = -np.log1p(-fraction)
    lo = min(w.quantile(fraction) for w in lives) * 1e-6
    hi = min(w.quantile(fraction) for w in lives) * (1 + 1e-12)
    return float(brentq(lambda t: sum((t / w.eta) ** w.beta for w in lives) - target, lo, hi, xtol=1e-12 * hi,
                        rtol=1e-12))


def availability(mtbf_h: float, mttr_h: float) -> float:
    """Steady-state availability of a constant-rate unit: ``MTBF / (MTBF + MTTR)``."""
    if mttr_h < 0:
        raise ValueError("mttr_h must not be negative")
    return mtbf_h / (mtbf_h + mttr_h)


def weakest_link(site_life: Weibull, sites: int) -> Weibull:
    """Life of the first of ``sites`` identical, independent Weibull sites to fail."""
    if sites < 1:
        raise ValueError("sites must be at least 1")
    return Weibull(site_life.beta, site_life.eta * sites ** (-1.0 / site_life.beta))


def mil217_pwb_fit(n_holes: int, planes: int, *, quality_factor: float = 1.0, environment_factor: float = 1.0,
                   hand_soldered: int = 0) -> float:
    """MIL-HDBK-217F N2 sec. 16.1 failure rate of a board's plated holes, in FIT."""
    if n_holes < 0 or hand_soldered < 0 or planes < 1:
        raise ValueError("n_holes and hand_soldered must be >= 0, planes >= 1")
    pi_c = 1.0 if planes <= 2 else 0.65 * planes**0.63
    lam_per_1e6h = MIL217_LAMBDA_B * (n_holes * pi_c + hand_soldered * (pi_c + 13)) * quality_factor * environment_factor
    return lam_per_1e6h * 1e3


@dataclass(frozen=True)
class FailureMode:
    """One failure mode of a rack: constant rate (``fit_per_rack``) or wear-out (``life_h``)."""

    name: str
    mttr_h: float
    fit_per_rack: float = 0.0
    life_h: Weibull | None = None  # rack-level wear-out life, hours
    note: str = ""


@dataclass(frozen=True)
class FleetResult:
    """Failure events and availability of ``racks`` racks over ``months`` months."""

    name: str
    racks: int
    months: int
    hours_per_month: float
    random_events_per_month: float
    wearout_events_by_month: np.ndarray  # racks failing by wear-out in each month
    availability_by_month: np.ndarray
    mtbf_random_h: float  # of one rack, constant-rate modes only
    modes: tuple[FailureMode, ...] = field(default=())

    @property
    def events_by_month(self) -> np.ndarray:
        return self.random_events_per_month + self.wearout_events_by_month

    @property
    def mean_events_per_month(self) -> float:
        return float(self.events_by_month.mean())

    @property
    def availability(self) -> float:
        """Mean availability over the horizon."""
        return float(self.availability_by_month.mean())

    @property
    def fit_random(self) -> float:
        return fit_from_mtbf(self.mtbf_random_h) if np.isfinite(self.mtbf_random_h) else 0.0

    def to_dict(self) -> dict:
        return {
            "name": self.name, "racks": self.racks, "months": self.months,
            "mtbf_h": self.mtbf_random_h, "fit_random": self.fit_random,
            "random_events_per_month": self.random_events_per_month,
            "wearout_events_by_month": self.wearout_events_by_month.tolist(),
            "failures_per_month": self.mean_events_per_month,
            "availability": self.availability,
            "modes": [{"name": m.name, "mttr_h": m.mttr_h, "fit_per_rack": m.fit_per_rack,
                       "wearout_eta_h": m.life_h.eta if m.life_h else None,
                       "wearout_beta": m.life_h.beta if m.life_h else None, "note": m.note} for m in self.modes],
        }


def fleet_reliability(name: str, modes: list[FailureMode] | tuple[FailureMode, ...], racks: int, months: int,
                      hours_per_month: float = HOURS_PER_MONTH, *, renewal: bool = True) -> FleetResult:
    """Random events per month, wear-out events month by month, and availability of a fleet."""
    if racks < 1:
        raise ValueError("racks must be at least 1")
    fit_total = sum(m.fit_per_rack for m in modes)
    mtbf = mtbf_from_fit(fit_total)
    random = racks * hours_per_month * fit_total * 1e-9
    wear = np.zeros(months)
    unavail = np.full(months, sum(m.fit_per_rack * 1e-9 * m.mttr_h for m in modes))
    for m in modes:
        if m.life_h is not None:
            w = wearout_events_by_month(racks, m.life_h, months, hours_per_month, renewal=renewal)
            wear += w
            unavail = unavail + w / (racks * hours_per_month) * m.mttr_h
    return FleetResult(name, racks, months, hours_per_month, random, wear, 1.0 / (1.0 + unavail), mtbf,
                       tuple(modes))


# ----------------------------------------------------------------------------------------------
# Cable tray (NVL72) against orthogonal backplane (NVL576)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterconnectComparison:
    """Both interconnects on one basis: the same fleet size, months and hours per month."""

    fleet_racks: int
    months: int
    cable_tray: FleetResult
    backplane: FleetResult
    cable_tray_dies_per_rack: int
    backplane_dies_per_rack: int

    def die_hours_lost_per_month(self, which: str) -> float:
        """Dies out of service per month (die-hours), from the mean unavailability."""
        res, dies = ((self.cable_tray, self.cable_tray_dies_per_rack) if which == "cable_tray"
                     else (self.backplane, self.backplane_dies_per_rack))
        return (1.0 - res.availability) * res.racks * dies * res.hours_per_month

    def to_dict(self) -> dict:
        return {
            "fleet_racks": self.fleet_racks, "months": self.months,
            "cable_tray": {**self.cable_tray.to_dict(), "dies_per_rack": self.cable_tray_dies_per_rack,
                           "die_hours_lost_per_month": self.die_hours_lost_per_month("cable_tray")},
            "backplane": {**self.backplane.to_dict(), "dies_per_rack": self.backplane_dies_per_rack,
                          "die_hours_lost_per_month": self.die_hours_lost_per_month("backplane")},
        }


@dataclass(frozen=True)
class FleetInputs:
    """A validated fleet file with what its options refer to, read by the system layer
    (:func:`si_thermal.system.fleet.load_fleet`): ``boards`` maps a mode's board name to its
    validated stackup, ``dies_per_rack`` maps an option key to its rack's GPUs x dies per GPU."""

    spec: object  # config.FleetFile
    boards: dict
    dies_per_rack: dict
    source: str = ""  # the file it came from, for messages


def _mode_from_spec(spec, board, lives: dict, cycles_per_day: float) -> FailureMode:
    mttr_h = spec.mttr / 3600.0
    if spec.model == "fit":
        return FailureMode(spec.name, mttr_h, fit_per_rack=spec.fit_per_unit * spec.units_per_rack,
                           note=spec.source)
    if spec.model == "mil217_pwb":
        planes = sum(layer.type == "copper" for layer in board.layers)
        fit = mil217_pwb_fit(spec.units_per_rack, planes, quality_factor=spec.quality_factor,
                             environment_factor=spec.environment_factor)
        note = spec.source + (f"; pi_C extrapolated from P <= {MIL217_PLANES_FITTED} to P = {planes}"
                              if planes > MIL217_PLANES_FITTED else "")
        return FailureMode(spec.name, mttr_h, fit_per_rack=fit, note=note)
    # wear-out: median cycles of one site (IPC-TR-579 hole or Engelmaier joint), Weibull shape
    # stated, the rack fails at the weakest of its n sites
    median_cycles = lives[(spec.model, spec.board)]
    if cycles_per_day <= 0 or not np.isfinite(median_cycles):
        return FailureMode(spec.name, mttr_h, note=spec.source + "; no wear-out within the model's range")
    hours_per_cycle = 24.0 / cycles_per_day
    site = Weibull.from_median(median_cycles * hours_per_cycle, spec.weibull_shape)
    return FailureMode(spec.name, mttr_h, life_h=weakest_link(site, spec.units_per_rack), note=spec.source)


def compare_cable_vs_backplane(inputs: FleetInputs, fleet_racks: int | None = 1000, *,
                               months: int | None = None, cycles_per_day: float = 1.0,
                               pth_median_cycles: float | None = None, joint_median_cycles: float | None = None,
                               delta_t_k: float | None = None, renewal: bool = True,
                               press_fit_median_cycles: float | None = None) -> InterconnectComparison:
    """Failure events per month and availability of a fleet with cable trays vs with backplanes.

    ``inputs`` is the validated fleet file (each option's failure modes, rates, repair times and
    sources) with its boards and racks. Wear-out modes use the median life of one site: ``wearout_pth``
    the IPC-TR-579 life of one plated hole, ``wearout_joint`` the SAC life of one connector
    joint (Syed's constant on Engelmaier's strain); ``pth_median_cycles`` and ``joint_median_cycles`` if given (e.g. from the backplane
    analysis; with ``cycles_per_day = 1`` a median in days, the inverse of a Miner damage per day),
    else the closed forms on the board's homogenized CTEs for a swing ``delta_t_k`` (default: the
    board file's stated gradient). ``fleet_racks=None`` keeps the file's fleet size.
    """
    if cycles_per_day < 0:
        raise ValueError("cycles_per_day must not be negative")
    spec = inputs.spec
    racks = spec.fleet.racks if fleet_racks is None else int(fleet_racks)
    n_months = months or spec.fleet.months
    hpm = spec.fleet.hours_per_month / 3600.0
    lives: dict[tuple[str, str], float] = {}
    for option in spec.options.values():
        for mode in option.modes:
            key = (mode.model, mode.board)
            if key in lives or not mode.model.startswith("wearout"):
                continue
            board = inputs.boards[mode.board]
            if mode.model == "wearout_pth":
                lives[key] = pth_median_cycles if pth_median_cycles is not None else \
                    _closed_form_pth_cycles(board, delta_t_k)
            elif mode.model == "wearout_press_fit":  # a time-at-temperature life, in days (cycles at 1 a day)
                days = press_fit_median_cycles if press_fit_median_cycles is not None else \
                    _closed_form_press_fit_days(board, delta_t_k)
                lives[key] = days * cycles_per_day
            else:
                lives[key] = joint_median_cycles if joint_median_cycles is not None else \
                    _closed_form_joint_cycles(board, delta_t_k, cycles_per_day)
    results = {}
    for key in ("cable_tray", "backplane"):
        opt = spec.options[key]
        modes = [_mode_from_spec(m, inputs.boards.get(m.board), lives, cycles_per_day) for m in opt.modes]
        results[key] = fleet_reliability(opt.name, modes, racks, n_months, hpm, renewal=renewal)
    return InterconnectComparison(racks, n_months, results["cable_tray"], results["backplane"],
                                  inputs.dies_per_rack["cable_tray"], inputs.dies_per_rack["backplane"])


def _closed_form_pth_cycles(board, delta_t_k: float | None) -> float:
    """IPC-TR-579 median cycles of one hole of a board (a validated stackup), on its homogenized
    properties."""
    from si_thermal.mechanics.laminate import effective_properties
    from si_thermal.reliability.pth import BarrelCopper, PthGeometry, pth_fatigue

    if board.backplane is None:
        raise ValueError(f"stackup '{board.stackup.name}' has no [backplane] section (via geometry, stated gradient)")
    bp = board.backplane
    dt = bp.gradient if delta_t_k is None else delta_t_k
    eff = effective_properties(board)
    copper = BarrelCopper.from_material("copper", board.library()["copper"])
    geom = PthGeometry(eff.thickness_m, bp.via_drill, bp.via_plating)
    return pth_fatigue(dt, eff.cte_z_per_k, eff.e_z_pa, geom, copper).cycles_to_failure


def _closed_form_press_fit_days(board, delta_t_k: float | None) -> float:
    """Median days of one press-fit pin held at the board's hottest edge (idle + gradient) all the
    time (Larson-Miller time to the failure fraction; conservative: no idle hours)."""
    from si_thermal.reliability.pressfit import time_to_failure_h

    bp = board.backplane
    if bp is None or bp.press_fit is None:
        raise ValueError(f"stackup '{board.stackup.name}' has no [backplane.press_fit] (pin alloy, Larson-Miller failure)")
    dt = bp.gradient if delta_t_k is None else delta_t_k
    pf = bp.press_fit
    return float(time_to_failure_h(bp.ambient + dt, pf.larson_miller_failure, pf.larson_miller_constant)) / 24.0


def _closed_form_joint_cycles(board, delta_t_k: float | None, cycles_per_day: float) -> float:
    """Median cycles of one SAC connector joint (Syed's constant on Engelmaier's shear strain) on the
    board's homogenized in-plane CTE against the housing's."""
    from si_thermal.mechanics.laminate import effective_properties
    from si_thermal.reliability.solder import joint_elastic_range, sac_joint_cycles

    bp = board.backplane
    if bp is None or bp.connector is None:
        raise ValueError(f"stackup '{board.stackup.name}' has no [backplane.connector] (housing, length, joint height)")
    dt = bp.gradient if delta_t_k is None else delta_t_k
    if dt <= 0:
        return np.inf
    lib = board.library()
    name, jm = bp.connector.housing_material, bp.connector.joint_material
    a_housing = lib[name].require(name, "cte_xy")
    eff = effective_properties(board)
    return sac_joint_cycles(bp.connector.length / 2, bp.connector.joint_height, eff.cte_x_per_k - a_housing, dt,
                            elastic_range=joint_elastic_range(jm, lib[jm]))
