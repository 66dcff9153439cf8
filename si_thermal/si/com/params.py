"""COM parameter sets as the solver uses them (SI units): :class:`ComParams`, built from the merged,
validated set that :func:`si_thermal.config.com_params.com_set` reads from ``channels/com_params.toml``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.si import pulse as pl
from si_thermal.si.equalizer import CtleFamily, TxTap

#: COM pass threshold, dB: the limit of the 802.3ck/802.3dj backplane and cable clauses (163.10, 178.10).
#: The one place the 3 dB lives; reach, rack verdicts, figures and the CLI read it from here.
COM_THRESHOLD_DB = 3.0

# ------------------------------------------------------------------------------------------------
# Parameter sets (channels/com_params.toml)
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComParams:
    """One COM parameter set, SI units (see channels/com_params.toml for the sources)."""

    name: str
    description: str
    source: str
    symbol_rate_hz: float
    levels: int
    samples_per_ui: int
    der0: float
    t_r_s: float
    rlm: float
    a_v: float
    a_fe: float
    a_ne: float
    r0_ohm: float
    rd_ohm: float
    a_dd_ui: float
    sigma_rj_ui: float
    snr_tx_db: float
    eta0_v2_per_hz: float
    f_r_hz: float
    ctle: CtleFamily
    tx_taps: tuple[TxTap, ...]
    c0_min: float
    rx_ffe_taps: int
    rx_ffe_precursors: int
    rx_ffe_limit: float
    dfe_min: tuple[float, ...]
    dfe_max: tuple[float, ...]
    fom: str
    f_step_hz: float
    package: pl.Package
    n_qb: int = 0
    p_qc: float = 1e-7
    package_cases: tuple[pl.Package, ...] = ()  # test cases 1 and 2 (``package`` is the one in use)
    # floating Rx FFE tap groups (178A.1.8.1): ``rx_ffe_float_groups`` (N_g) groups of ``rx_ffe_float_taps``
    # (N_gw) contiguous taps, placed after the ``rx_ffe_taps`` fixed taps within ``rx_ffe_span`` (N_max) taps,
    # each within +-``rx_ffe_float_limit`` (relative to the main tap); 0 groups: fixed taps only
    rx_ffe_float_groups: int = 0
    rx_ffe_float_taps: int = 0
    rx_ffe_span: int = 0
    rx_ffe_float_limit: float = 1.0
    mlsd: bool = False           # MLSD reference receiver (178A.1.10): COM = COM_DFE + its advantage (178A-49)
    mlsd_dcom_an_db: float = 3.0  # added-receiver-noise penalty dCOM_an of 178A.1.10.1 (Table 178-15: 3 dB)

    def with_package_case(self, i: int) -> ComParams:
        """This set with package test case ``i`` (0-based) in use."""
        return replace(self, package=self.package_cases[i]) if self.package_cases else self

    @property
    def n_float(self) -> int:
        """Number of floating Rx FFE taps (N_g N_gw, 178A.1.8.1); 0 without floating groups."""
        return self.rx_ffe_float_groups * self.rx_ffe_float_taps if self.rx_ffe_taps else 0

    @property
    def var_x(self) -> float:
        """Symbol variance of L-level PAM with levels in [-1, 1] (93A-29)."""
        return (self.levels**2 - 1) / (3 * (self.levels - 1) ** 2)

    @property
    def ui_s(self) -> float:
        return 1.0 / self.symbol_rate_hz


def com_params_file() -> Path:
    return paths.com_params_file()


def standards(path: str | Path | None = None) -> list[str]:
    """Names of the parameter sets in ``channels/com_params.toml``."""
    return config.com_set_names(path)


def load_com_params(std: str, *, rate: str | None = None, path: str | Path | None = None) -> ComParams:
    """The parameter set ``std`` of ``channels/com_params.toml``, optionally moved to ``rate``
    (read, merged with its base and checked by :func:`si_thermal.config.com_set`), in SI units.

    ``rate`` is a key of ``channels/serdes.toml`` (``200g``, ``224g``): the symbol rate is taken from
    there and every frequency the set ties to fb (CTLE corners, receiver bandwidth) moves with it.
    Unknown names raise :class:`InputError` (exit status 2 in the CLI).
    """
    merged = config.com_set(std, rate=rate, path=path)
    fb = merged["symbol_rate"]
    if len(merged["dfe_max"]) != len(merged["dfe_min"]):
        raise InputError(path, f"std.{std}.dfe_min", "dfe_min and dfe_max differ in length")
    pkg = merged["package"]
    cases = [pl.Package(
        c_d_f=tuple(pkg.c_d), l_s_h=tuple(pkg.l_s), c_b_f=pkg.c_b, c_p_f=pkg.c_p, z_c_ohm=tuple(pkg.z_c),
        z_p_m=tuple(zp), gamma0_per_mm=pkg.gamma0_per_mm, a1_sqrt_ns_per_mm=pkg.a1_sqrt_ns_per_mm,
        a2_ns_per_mm=pkg.a2_ns_per_mm, tau_ns_per_mm=pkg.tau_ns_per_mm)
        for zp in (pkg.z_p, pkg.z_p_test2) if zp is not None]
    ctle = CtleFamily(
        f_z_hz=merged["f_z_fb"] * fb, f_p1_hz=merged["f_p1_fb"] * fb, f_p2_hz=merged["f_p2_fb"] * fb,
        f_lf_hz=merged["f_lf_fb"] * fb if "f_lf_fb" in merged else None,
        g_dc_db=tuple(merged["g_dc_db"]), g_dc2_db=tuple(merged.get("g_dc2_db", [0.0])))
    return ComParams(
        name=std, description=merged["description"], source=merged["source"], symbol_rate_hz=fb,
        levels=merged["levels"], samples_per_ui=merged["samples_per_ui"], der0=merged["der0"],
        t_r_s=merged["t_r"], rlm=merged["rlm"], a_v=merged["a_v"], a_fe=merged["a_fe"], a_ne=merged["a_ne"],
        r0_ohm=merged["r0"], rd_ohm=merged["rd"], a_dd_ui=merged["a_dd_ui"], sigma_rj_ui=merged["sigma_rj_ui"],
        snr_tx_db=merged["snr_tx"], eta0_v2_per_hz=merged["eta0_v2_per_ghz"] * 1e-9,
        f_r_hz=merged["f_r_fb"] * fb, ctle=ctle,
        tx_taps=tuple(TxTap(int(p), lo, hi, st) for p, lo, hi, st in merged["tx_taps"]),
        c0_min=merged["c0_min"], rx_ffe_taps=merged["rx_ffe_taps"],
        rx_ffe_precursors=merged.get("rx_ffe_precursors", 0), rx_ffe_limit=merged.get("rx_ffe_limit", 1.0),
        dfe_min=tuple(merged["dfe_min"]), dfe_max=tuple(merged["dfe_max"]), fom=merged["fom"],
        f_step_hz=merged["f_step"], n_qb=merged.get("n_qb", 0), p_qc=merged.get("p_qc", 1e-7),
        package=cases[0], package_cases=tuple(cases),
        rx_ffe_float_groups=merged.get("rx_ffe_float_groups", 0), rx_ffe_float_taps=merged.get("rx_ffe_float_taps", 0),
        rx_ffe_span=merged.get("rx_ffe_span", merged["rx_ffe_taps"]),
        rx_ffe_float_limit=merged.get("rx_ffe_float_limit", 1.0), mlsd=merged.get("mlsd", False),
        mlsd_dcom_an_db=merged.get("mlsd_dcom_an_db", 3.0))



def with_grid(params: ComParams, **changes: Any) -> ComParams:
    """A copy of ``params`` with fields replaced (e.g. a reduced equalizer grid for a cross-check)."""
    ctle_changes = {k: changes.pop(k) for k in ("g_dc_db", "g_dc2_db") if k in changes}
    if ctle_changes:
        changes["ctle"] = replace(params.ctle, **ctle_changes)
    return replace(params, **changes)

