"""Backplane wear-out from the stackup to the fleet: the steady thermo-mechanics of
:mod:`si_thermal.thermal.backplane`, optionally a workload profile through the transient model,
rainflow cycles, Miner damage per mechanism, lives with uncertainty, fleet events.

Chain (the system layer reads every file; the models take validated objects):

1. Steady full-load response (:func:`si_thermal.thermal.backplane.solve_backplane`): the via column's
   mean swing and thickness change, the connector field's rise and the top face's stretch.
2. Cycles. Without a profile: idle to full load ``cycles_per_day`` times a day, one range per
   site. With a profile (:class:`si_thermal.config.Profile`): step responses of the transient model
   (P1, the edge gradient and each connector field a load), Duhamel superposition of the profile's
   load ``power / rated_power`` over enough periods for the start-up to die out, and ASTM E1049
   rainflow counting of the last period (repeated: :func:`si_thermal.reliability.cycles.count_periodic`)
   at the via column (mean over its probes) and at the joint (top of the column).
3. Damage (:mod:`si_thermal.reliability.damage`): IPC-TR-579 barrel with the FEM z-expansion per kelvin
   of column swing; SAC joints with Syed's constant on Engelmaier's shear strain over the connector's
   half length and the FEM stretch minus the housing's CTE. Median site life = period / damage.
4. Lives (:mod:`si_thermal.reliability.montecarlo`): the uncertain inputs drawn (file or defaults),
   P10/P50/P90 of the years to 1 % of backplanes failing per mechanism and combined, with the fleet
   file's site counts and Weibull shapes. The point values use the nominal inputs.
5. Fleet (:func:`si_thermal.reliability.fleet.compare_cable_vs_backplane`) on the nominal lives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from dataclasses import fields as dc_fields
from pathlib import Path

import numpy as np

from si_thermal import config
from si_thermal.constants import HOURS_PER_YEAR, ZERO_CELSIUS_K
from si_thermal.errors import InputError
from si_thermal.reliability import acceleration, solder
from si_thermal.reliability import fleet as fleet_mod
from si_thermal.reliability import pth as pth_mod
from si_thermal.reliability.cycles import Cycles, count_periodic
from si_thermal.reliability.damage import JointSite, PthSite, joint_damage, median_life_days, pth_damage
from si_thermal.reliability.montecarlo import Band, draw, unit_weibull_eta_days, years_to_fraction
from si_thermal.reliability.pressfit import relaxation_damage, time_at_level
from si_thermal.reliability.weibull import Weibull
from si_thermal.system.fleet import load_fleet
from si_thermal.thermal.backplane import BackplaneFields

JOINT_WEIBULL_SHAPE = 4.0  # Engelmaier: thermal-cycling solder fatigue populations, beta about 4
SOURCE_YEARS = (3.0, 5.0)  # S0 sec. 2.4: inter-layer microcracks 'may surface after 3-5 years'
FAILED_FRACTION = 0.01


# the steady response's values a result reports (held once, in :class:`BackplaneFields`)
_STEADY = tuple(f.name for f in dc_fields(BackplaneFields) if f.name not in ("effective", "fields"))


@dataclass(frozen=True)
class BackplaneResult:
    """What ``si-thermal backplane`` reports (SI unless the name says otherwise): the steady
    thermo-mechanical response (``steady``, a :class:`si_thermal.thermal.backplane.BackplaneFields`,
    whose values read as attributes of the result: ``r.t_max_c``, ``r.fields``) and what the
    reliability chain made of it."""

    steady: BackplaneFields = field(repr=False)
    thickness_mm: float
    cte_xy_ppm_per_k: float
    cte_z_ppm_per_k: float
    e_xy_gpa: float
    e_z_gpa: float
    pth_strain: float  # IPC-TR-579 barrel strain with the FEM thickness change as the board's expansion
    pth_strain_closed_form: float  # same, laminate z-CTE and the via column's swing
    pth_plastic: bool
    pth_cycles_to_failure: float  # median, one hole, full idle-to-load cycle
    pth_aspect_ratio: float
    pth_within_validity: bool
    joint_cycles_to_failure: float  # Engelmaier (SnPb constants, for comparison), full cycle
    joint_sac_cycles_to_failure: float  # Syed SAC constant on the same strain, full cycle
    cycles_per_day: float  # idle-to-load cycles a day (no profile) or counted via cycles a day (profile)
    years_to_1pct_failure: float  # of backplanes, all wear-out modes of the fleet file; inf when none
    pth_years_to_1pct_failure: float  # of backplanes, the plated-hole wear-out mode alone
    joint_years_to_1pct_failure: float
    joint_tc1_cycles_for_5_years: float  # IPC-9701 TC1 (0/100 degC) cycles equal to 5 field years
    fleet_racks: int
    mtbf_h: float  # backplane, constant-rate modes
    failures_per_month: float  # backplane, mean over the horizon (random + wear-out)
    availability: float  # backplane rack, mean over the horizon
    pth_median_years: float = math.inf  # one hole, nominal inputs, this duty (profile or cycles)
    joint_median_years: float = math.inf  # one SAC joint, nominal inputs
    press_fit_median_years: float = math.inf  # one press-fit pin (relaxation), nominal inputs; inf: none
    life_bands: dict = field(default_factory=dict)  # mechanism -> Band.to_dict(), years to 1 % failing
    uncertain_inputs: dict = field(default_factory=dict)  # parameter -> {distribution, source, ...}
    profile: dict = field(default_factory=dict)  # name, cycles a day, swings, transient timing
    comparison: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        steady = self.__dict__.get("steady")
        if steady is not None and (name in _STEADY or name == "fields"):
            return getattr(steady, name)
        raise AttributeError(name)

    def values(self) -> dict:
        """Every reported value (the steady response's, then the reliability chain's), unconverted."""
        own = {f.name: getattr(self, f.name) for f in dc_fields(self) if f.name != "steady"}
        return {**{k: getattr(self.steady, k) for k in _STEADY}, **own}

    def to_dict(self) -> dict:
        """JSON-ready: the solution fields left out, infinities (no failure within the model) as None."""
        return _clean(self.values())


def _clean(v):
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.bool_):
        return bool(v)
    return v


@dataclass(frozen=True)
class SiteHistory:
    """Counted cycles of the two critical sites for one period of duty (``period_s``)."""

    via: Cycles
    joint: Cycles
    period_s: float
    info: dict
    via_series_k: np.ndarray | None = None  # the via column's rise over one period (press-fit relaxation)
    series_dt_s: float = 0.0


def steady_cycles(via_swing_k: float, joint_swing_k: float, t_idle_k: float, cycles_per_day: float) -> SiteHistory:
    """Idle to full load ``cycles_per_day`` times a day: one range per site, over one day."""
    dur = 86400.0 / cycles_per_day if cycles_per_day > 0 else 86400.0

    def one(dt):
        return Cycles(np.array([dt]), np.array([t_idle_k + dt / 2]), np.array([float(cycles_per_day)]),
                      np.array([dur]))

    # time at temperature (press-fit relaxation): at full load all day (conservative, no idle hours)
    return SiteHistory(one(via_swing_k), one(joint_swing_k), 86400.0, {}, np.array([via_swing_k]), 86400.0)


def _mtime(path: Path) -> float:
    return path.stat().st_mtime


@lru_cache(maxsize=16)
def _steady_cached(path: str, gradient_k, mesh: str, solver: str, _mtime: float):
    """The steady full-load response, once per file (and its modification time) and load case."""
    from si_thermal.thermal.backplane import solve_backplane

    return solve_backplane(config.load_stackup(path), gradient_k=gradient_k, mesh=mesh, solver=solver, source=path)


@lru_cache(maxsize=16)
def _step_responses_cached(path: str, x_m: float, y_m: float, gradient_k: float, mesh: str, dt_s: float,
                           _mtime: float):
    """Step responses of the region's transient model at the via column, once per load case."""
    import time

    from si_thermal.thermal.backplane import transient_model

    t0 = time.perf_counter()
    model = transient_model(config.load_stackup(path), x_m=x_m, y_m=y_m, gradient_k=gradient_k, mesh=mesh)
    sr = model.step_responses(dt_s)
    return sr, time.perf_counter() - t0


def profile_cycles(step, profile: config.Profile, *, horizon_s: float | None = None) -> SiteHistory:
    """Site histories of a workload profile by step responses + Duhamel, rainflow of the settled
    period. ``step``: (:class:`si_thermal.thermal.transient.StepResponses` of the backplane's
    transient model at the profile's resolution, seconds it took). ``horizon_s``: history length
    (default: enough whole periods for the start-up to die out, plus one)."""
    import time

    from si_thermal.thermal.transient import duhamel

    dt = profile.resolution
    sr, t_step = step
    t0 = time.perf_counter()
    kern = sr.kernel(dt)
    n_col = len(sr.probes)
    kv = np.concatenate([kern[:n_col].mean(axis=0, keepdims=True), kern[n_col - 1 : n_col]])  # via mean, top
    per = int(round(profile.period / dt))
    n_per = max(int(np.ceil(kern.shape[-1] / per)) + 1, 2)
    n = int(round(horizon_s / dt)) if horizon_s else n_per * per
    _, load = profile.sample(n * dt, dt)
    hist = duhamel(kv, load[None, :])
    last = hist[:, -per:]
    via, joint = count_periodic(last[0], 1.0, dt), count_periodic(last[1], 1.0, dt)
    t_conv = time.perf_counter() - t0
    info = {"name": profile.name, "period_h": profile.period / 3600, "resolution_s": dt,
            "via_cycles_per_day": via.total * 86400 / profile.period,
            "joint_cycles_per_day": joint.total * 86400 / profile.period,
            # counts without the round-off reversals of a computed history: ranges of 0.01 K and more
            "via_cycles_per_day_over_0.01k": float(via.count[via.range >= 0.01].sum()) * 86400 / profile.period,
            "joint_cycles_per_day_over_0.01k": float(joint.count[joint.range >= 0.01].sum()) * 86400 / profile.period,
            "via_swing_max_k": float(last[0].max() - last[0].min()),
            "joint_swing_max_k": float(last[1].max() - last[1].min()),
            "step_response_solves": sr.solves, "step_response_s": t_step, "superposition_s": t_conv,
            "kernel_s": kern.shape[-1] * dt, "history_s": n * dt}
    return SiteHistory(via, joint, profile.period, info, last[0].copy(), dt)


def _fleet_mode(inputs, model: str):
    for m in inputs.spec.options["backplane"].modes:
        if m.model == model:
            return m
    return None


def life_bands(hist: SiteHistory, pth_site: PthSite | None, joint_site: JointSite | None, gradient_k: float,
               inputs, uncertain: config.Uncertain | None, defaults: dict,
               press_fit: tuple[float, float] | None = None) -> tuple[dict, dict, dict]:
    """(bands, nominal median years per mechanism, drawn parameters' descriptions). ``press_fit``:
    (idle board temperature K, Larson-Miller constant) where the stackup has press-fit pins."""
    s = draw(uncertain, defaults)
    nominal = draw(None, defaults)
    out, med = {}, {}
    etas, betas = [], []
    for name, site, mode_key, shape_key in (("pth", pth_site, "wearout_pth", "pth_weibull_shape"),
                                            ("joint", joint_site, "wearout_joint", "joint_weibull_shape"),
                                            ("press_fit", press_fit, "wearout_press_fit", "press_fit_weibull_shape")):
        if site is None:
            continue
        days = {}
        for key, p in (("mc", s), ("nominal", nominal)):
            scale = p["gradient"] / gradient_k if gradient_k > 0 else np.ones_like(p["gradient"])
            if name == "press_fit":  # time at temperature of the via column (Larson-Miller + Robinson)
                levels, durations = time_at_level(hist.via_series_k, hist.series_dt_s)
                d = relaxation_damage(levels, durations, site[0], p_fail=p["press_fit_larson_miller"], c=site[1],
                                      swing_scale=scale)
            elif name == "pth":
                d = pth_damage(hist.via, site, strain_distribution_factor=p["strain_distribution_factor"],
                               swing_scale=scale, ductility=p["copper_ductility"],
                               ultimate_scale=p["copper_ultimate_strength_scale"],
                               cycle_rate_factor=p["cycle_rate_factor"])
            else:
                d = joint_damage(hist.joint, site, creep_coefficient=p["sac_creep_coefficient"],
                                 strain_factor=p["joint_strain_factor"], swing_scale=scale,
                                 cycle_rate_factor=p["cycle_rate_factor"])
            days[key] = median_life_days(d, hist.period_s)
        med[name] = float(days["nominal"][0]) / 365.0
        mode = _fleet_mode(inputs, mode_key)
        if mode is None:  # the fleet file has no such wear-out mode: a site life only
            continue
        eta = unit_weibull_eta_days(days["mc"], s[shape_key], mode.units_per_rack)
        etas.append(eta)
        betas.append(s[shape_key])
        out[name] = Band.of(years_to_fraction([eta], [s[shape_key]], FAILED_FRACTION))
    if etas:
        out["backplane"] = Band.of(years_to_fraction(etas, betas, FAILED_FRACTION))
    desc = {}
    if uncertain is not None:
        for k, p in uncertain.parameters.items():
            desc[k] = p.model_dump()
    for k, v in defaults.items():
        desc.setdefault(k, {"distribution": "fixed", "nominal": v, "source": "default (no uncertainty stated)"})
    return {k: b.to_dict() for k, b in out.items()}, med, desc


def analyze_backplane(stackup_path: str | Path, *, gradient_k: float | None = None,
                      cycles_per_day: float | None = None, fleet_racks: int = 1000, comm=None,
                      mesh: str = "coarse", fleet_file: str | Path | None = None, months: int | None = None,
                      strain_distribution_factor: float = 2.5, solver: str = "auto", keep_fields: bool = False,
                      profile: str | Path | None = None, uncertainty: str | Path | None = None,
                      samples: int | None = None) -> BackplaneResult:
    """Thermal, elastic and reliability analysis of a backplane region (module docstring).

    ``gradient_k`` and ``cycles_per_day`` override the file's ``[backplane]`` values; ``profile``
    (a ``[profile]`` file) replaces the idle-to-load cycles; ``uncertainty`` (an ``[uncertain]``
    file) gives the inputs' distributions for the life bands; ``samples`` overrides its count.
    """
    from si_thermal.mechanics import laminate as lam
    from si_thermal.thermal.backplane import _check, solve_backplane

    path = Path(stackup_path)
    stack = config.load_stackup(path)
    if stack.backplane is None:
        raise InputError(path, "backplane", "missing [backplane] table (region, gradient, mounting, via geometry)")
    bp = stack.backplane
    cpd = bp.cycles_per_day if cycles_per_day is None else float(cycles_per_day)
    _check("--cycles-per-day", cpd, path if cycles_per_day is None else None)
    if fleet_racks < 1:
        raise InputError(None, "--fleet-racks", f"must be at least 1, got {fleet_racks}")
    if not 1.0 <= strain_distribution_factor <= 10.0:
        raise InputError(None, "--strain-distribution-factor",
                         f"must lie in [1, 10] (IPC-TR-579: 2.5 to 5.0), got {strain_distribution_factor:g}")
    prof = config.load_profile(profile).profile if profile is not None else None
    unc = config.load_uncertainty(uncertainty).uncertain if uncertainty is not None else None
    if samples is not None:
        if samples < 10:
            raise InputError(None, "--samples", f"must be at least 10, got {samples}")
        if unc is not None:
            unc = unc.model_copy(update={"samples": samples})
    lam.layer_properties(stack)  # a missing mechanical property fails here, before any FEM
    inputs = load_fleet(fleet_file)

    if comm is None and not keep_fields:  # the report and sweeps ask for the same load case again
        fm = _steady_cached(str(path.resolve()), gradient_k, mesh, solver, _mtime(path))
    else:
        fm = solve_backplane(stack, gradient_k=gradient_k, comm=comm, mesh=mesh, solver=solver,
                             keep_fields=keep_fields, source=path)
    eff, dt_via, dt_joint, h = fm.effective, fm.via_delta_t_k, fm.joint_delta_t_k, fm.effective.thickness_m
    t_idle = fm.t_idle_k

    # plated holes: the FEM thickness change as the board's expansion, vs the closed form
    lib = stack.library()
    copper = pth_mod.BarrelCopper.from_material("copper", lib["copper"])
    geom = pth_mod.PthGeometry(h, bp.via_drill, bp.via_plating)
    cte_eff = fm.z_strain / dt_via if dt_via > 0 else eff.cte_z_per_k
    pth_fem = pth_mod.pth_fatigue(max(dt_via, 0.0), cte_eff, eff.e_z_pa, geom, copper,
                                  strain_distribution_factor=strain_distribution_factor)
    pth_cf = pth_mod.pth_fatigue(max(dt_via, 0.0), eff.cte_z_per_k, eff.e_z_pa, geom, copper,
                                 strain_distribution_factor=strain_distribution_factor)
    pth_site = PthSite(geom, copper, cte_eff, eff.e_z_pa)

    # connector joints: FEM stretch of the top face minus the housing's CTE, over the half length
    joint_site, joint_n, joint_sac = None, np.inf, np.inf
    if bp.connector is not None and dt_joint > 0 and np.isfinite(fm.connector_stretch):
        name = bp.connector.housing_material
        a_housing = lib[name].require(name, "cte_xy")
        jm = bp.connector.joint_material
        joint_site = JointSite(bp.connector.length / 2, bp.connector.joint_height,
                               fm.connector_stretch / dt_joint - a_housing, solder.joint_elastic_range(jm, lib[jm]))
        joint_n = solder.engelmaier_cycles(joint_site.dnp_m, joint_site.joint_height_m, joint_site.delta_cte_per_k,
                                           dt_joint, t_idle - ZERO_CELSIUS_K + dt_joint / 2, float(np.clip(cpd, 1, 1000)))
        joint_sac = solder.sac_joint_cycles(joint_site.dnp_m, joint_site.joint_height_m, joint_site.delta_cte_per_k,
                                            dt_joint, elastic_range=joint_site.elastic_shear_range)

    # test-to-field: IPC-9701 TC1 (0 to 100 degC, 10-min dwells: 36 cycles a day) cycles that consume
    # as much joint life as five field years (Norris-Landzberg, SAC constants)
    tc1_5y = np.inf
    if bp.connector is not None and dt_joint > 0 and cpd > 0:
        af = float(acceleration.norris_landzberg_af(100.0, dt_joint, 36.0, float(np.clip(cpd, 1e-3, None)),
                                                    373.15, t_idle + dt_joint, acceleration.SAC))
        tc1_5y = 5 * 365 * cpd / af

    # duty: the profile through the transient model, or idle-to-load cycles
    if prof is not None:
        sr = _step_responses_cached(str(path.resolve()), fm.via_x_m, fm.via_y_m, fm.gradient_k, mesh,
                                    prof.resolution, _mtime(path))
        hist = profile_cycles(sr, prof)
        cycles_a_day = hist.info["via_cycles_per_day"]
    else:
        hist = steady_cycles(dt_via, dt_joint, t_idle, cpd)
        cycles_a_day = cpd

    defaults = {"gradient": fm.gradient_k, "strain_distribution_factor": strain_distribution_factor,
                "copper_ductility": copper.ductility, "copper_ultimate_strength_scale": 1.0,
                "sac_creep_coefficient": solder.SYED_SAC_CREEP_COEFF, "joint_strain_factor": 1.0,
                "cycle_rate_factor": 1.0}
    press_fit = None
    if bp.press_fit is not None:  # the stackup says press-fit: compliant pins relax at temperature
        defaults["press_fit_larson_miller"] = bp.press_fit.larson_miller_failure
        press_fit = (t_idle, bp.press_fit.larson_miller_constant)
    for key, mode_key in (("pth_weibull_shape", "wearout_pth"), ("joint_weibull_shape", "wearout_joint"),
                          ("press_fit_weibull_shape", "wearout_press_fit")):
        m = _fleet_mode(inputs, mode_key)
        defaults[key] = m.weibull_shape if m is not None else JOINT_WEIBULL_SHAPE
    bands, med_years, desc = life_bands(hist, pth_site, joint_site, fm.gradient_k, inputs, unc, defaults, press_fit)

    # fleet: nominal site lives in days (median cycles = days at one 'cycle' a day)
    pth_days = med_years.get("pth", math.inf) * 365.0
    joint_days = med_years.get("joint", math.inf) * 365.0
    press_fit_days = med_years.get("press_fit", math.inf) * 365.0
    cmp = fleet_mod.compare_cable_vs_backplane(inputs, fleet_racks, months=months, cycles_per_day=1.0,
                                               pth_median_cycles=pth_days, joint_median_cycles=joint_days,
                                               press_fit_median_cycles=press_fit_days)
    wear = [m for m in cmp.backplane.modes if m.life_h is not None]
    years_1pct = fleet_mod.first_failure_quantile([m.life_h for m in wear], FAILED_FRACTION) / HOURS_PER_YEAR
    pth_spec = _fleet_mode(inputs, "wearout_pth")
    pth_life = [m.life_h for m in wear if pth_spec is not None and m.name == pth_spec.name]
    pth_years_1pct = fleet_mod.first_failure_quantile(pth_life, FAILED_FRACTION) / HOURS_PER_YEAR
    joint_years = np.inf
    if np.isfinite(joint_days):
        joint_years = float(Weibull.from_median(joint_days, defaults["joint_weibull_shape"]).quantile(FAILED_FRACTION)
                            / 365.0)

    return BackplaneResult(
        steady=fm, thickness_mm=h * 1e3, cte_xy_ppm_per_k=eff.cte_x_per_k * 1e6,
        cte_z_ppm_per_k=eff.cte_z_per_k * 1e6, e_xy_gpa=eff.e_x_pa / 1e9, e_z_gpa=eff.e_z_pa / 1e9,
        pth_strain=pth_fem.strain_range, pth_strain_closed_form=pth_cf.strain_range, pth_plastic=pth_fem.plastic,
        pth_cycles_to_failure=pth_fem.cycles_to_failure, pth_aspect_ratio=geom.aspect_ratio,
        pth_within_validity=geom.within_validity, joint_cycles_to_failure=float(joint_n),
        joint_sac_cycles_to_failure=joint_sac, cycles_per_day=cycles_a_day,
        years_to_1pct_failure=years_1pct, pth_years_to_1pct_failure=pth_years_1pct,
        joint_years_to_1pct_failure=joint_years,
        joint_tc1_cycles_for_5_years=tc1_5y, fleet_racks=fleet_racks,
        mtbf_h=cmp.backplane.mtbf_random_h, failures_per_month=cmp.backplane.mean_events_per_month,
        availability=cmp.backplane.availability, pth_median_years=med_years.get("pth", math.inf),
        joint_median_years=med_years.get("joint", math.inf),
        press_fit_median_years=med_years.get("press_fit", math.inf), life_bands=bands, uncertain_inputs=desc,
        profile=hist.info, comparison=cmp.to_dict(),
    )
