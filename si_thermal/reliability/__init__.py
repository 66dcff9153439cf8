"""Reliability models: plated-through-hole barrel fatigue (IPC-TR-579), solder and press-fit joint
fatigue (Engelmaier, Coffin-Manson), test-to-field acceleration (Norris-Landzberg, Arrhenius),
Weibull populations, and fleet MTBF / FIT / failure events / availability. Pure numpy; no FEM."""

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    ".weibull": ["Weibull"],
    ".pth": ["PthGeometry", "BarrelCopper", "pth_fatigue"],
    ".solder": ["engelmaier_cycles", "coffin_manson_cycles"],
    ".acceleration": ["norris_landzberg_af", "arrhenius_af", "coffin_manson_af"],
    ".fleet": ["fleet_reliability", "compare_cable_vs_backplane", "availability", "fit_from_mtbf", "mtbf_from_fit"],
}, modules=["pth", "solder", "acceleration", "weibull", "fleet"])
