"""COM parameter sets (``channels/com_params.toml``, ``[std."NAME"]``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal.config._base import (
    Frequency,
    Impedance,
    PositiveLoss,
    Model,
    SymbolRate,
    Time,
    _quantity,
)


GainDb = Annotated[float, Field(ge=-60.0, le=60.0)]  # CTLE gain settings, dB
TapWeight = Annotated[float, Field(ge=-10.0, le=10.0)]  # equalizer tap weights and limits (normalised)


class ComPackage(Model):
    """Device package of a COM set (IEEE 802.3 93A.1.2 / P802.3dj 178A.1.4)."""

    c_d: list[Annotated[float, _quantity("capacitance"), Field(ge=0)]] = Field(min_length=1)
    l_s: list[Annotated[float, _quantity("inductance"), Field(ge=0)]] = []
    c_b: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    c_p: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    z_c: list[Impedance] = Field(min_length=1)
    # package test case 1 (line section lengths); COM is the worst over the cases
    z_p: list[Annotated[float, _quantity("length", 0.0, 0.2, why="a package line is 0 to 200 mm")]] = \
        Field(min_length=1)
    # package test case 2 (same sections)
    z_p_test2: list[Annotated[float, _quantity("length", 0.0, 0.2, why="a package line is 0 to 200 mm")]] | None \
        = None
    gamma0_per_mm: float = Field(ge=0, le=1)
    a1_sqrt_ns_per_mm: float = Field(ge=0, le=1)
    a2_ns_per_mm: float = Field(ge=0, le=1)
    tau_ns_per_mm: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _sections(self) -> ComPackage:
        if len(self.z_c) != len(self.z_p):  # zip() would drop the unpaired sections silently
            raise ValueError(f"z_c has {len(self.z_c)} values and z_p {len(self.z_p)}: one impedance per line section")
        if self.z_p_test2 is not None and len(self.z_p_test2) != len(self.z_p):
            raise ValueError(f"z_p_test2 has {len(self.z_p_test2)} values and z_p {len(self.z_p)}: the same sections")
        if len(self.l_s) > len(self.c_d):
            raise ValueError(f"l_s has {len(self.l_s)} values, more than the {len(self.c_d)} of c_d (die ladder)")
        return self


class ComStd(Model):
    """One COM parameter set; ``base`` inherits another set's values, ``rate`` takes fb from serdes.toml."""

    description: str
    source: str
    base: str | None = None
    rate: str | None = None
    symbol_rate: SymbolRate | None = None
    levels: Annotated[int, Field(ge=2, le=16)] | None = None
    samples_per_ui: Annotated[int, Field(ge=8, le=256)] | None = None
    der0: Annotated[float, Field(gt=0, lt=0.5)] | None = None
    t_r: Time | None = None
    rlm: Annotated[float, Field(gt=0, le=1)] | None = None
    a_v: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    a_fe: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    a_ne: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    r0: Impedance | None = None
    rd: Impedance | None = None
    a_dd_ui: Annotated[float, Field(ge=0, lt=0.5)] | None = None
    sigma_rj_ui: Annotated[float, Field(ge=0, lt=0.5)] | None = None
    snr_tx: PositiveLoss | None = None
    eta0_v2_per_ghz: Annotated[float, Field(ge=0, le=1e-3)] | None = None
    n_qb: Annotated[int, Field(ge=0, le=16)] | None = None
    p_qc: Annotated[float, Field(gt=0, lt=0.1)] | None = None
    f_r_fb: Annotated[float, Field(gt=0, le=10)] | None = None
    f_z_fb: Annotated[float, Field(gt=0, le=10)] | None = None
    f_p1_fb: Annotated[float, Field(gt=0, le=10)] | None = None
    f_p2_fb: Annotated[float, Field(gt=0, le=10)] | None = None
    f_lf_fb: Annotated[float, Field(gt=0, le=10)] | None = None
    g_dc_db: list[GainDb] | None = None
    g_dc2_db: list[GainDb] | None = None
    c0_min: Annotated[float, Field(ge=0, le=1)] | None = None
    tx_taps: list[tuple[Annotated[int, Field(ge=-64, le=64)], TapWeight, TapWeight, TapWeight]] | None = None  # position (UI), min, max, step
    rx_ffe_taps: Annotated[int, Field(ge=0, le=64)] | None = None
    rx_ffe_precursors: Annotated[int, Field(ge=0, le=64)] | None = None
    rx_ffe_limit: Annotated[float, Field(gt=0, le=10)] | None = None
    # floating Rx FFE tap groups (178A.1.8.1): N_g groups of N_gw contiguous taps placed anywhere after the
    # fixed taps, within a span of N_max taps, each tap within +-rx_ffe_float_limit of the main tap
    rx_ffe_float_groups: Annotated[int, Field(ge=0, le=8)] | None = None
    rx_ffe_float_taps: Annotated[int, Field(ge=1, le=16)] | None = None
    rx_ffe_span: Annotated[int, Field(ge=1, le=256)] | None = None
    rx_ffe_float_limit: Annotated[float, Field(gt=0, le=10)] | None = None
    mlsd: bool | None = None                  # MLSD reference receiver (178A.1.10)
    mlsd_dcom_an_db: Annotated[float, Field(ge=0, le=20)] | None = None  # added-noise penalty (178A.1.10.1)
    dfe_max: list[TapWeight] | None = None
    dfe_min: list[TapWeight] | None = None
    fom: Literal["93a", "mmse"] | None = None
    f_step: Frequency | None = None
    package: ComPackage | None = None


class ComParamsFile(Model):
    std: dict[str, ComStd]


_REQUIRED = ("symbol_rate", "levels", "samples_per_ui", "der0", "t_r", "rlm", "a_v", "a_fe", "a_ne", "r0", "rd",
             "a_dd_ui", "sigma_rj_ui", "snr_tx", "eta0_v2_per_ghz", "f_r_fb", "f_z_fb", "f_p1_fb", "f_p2_fb",
             "g_dc_db", "c0_min", "tx_taps", "rx_ffe_taps", "dfe_max", "dfe_min", "fom", "f_step", "package")


def _read(path) -> ComParamsFile:
    from si_thermal.config._base import read_toml, validate

    return validate(ComParamsFile, read_toml(path), path)


def com_set_names(path=None) -> list[str]:
    """Names of the parameter sets of ``channels/com_params.toml`` (or ``path``)."""
    from si_thermal import paths

    return list(_read(path or paths.com_params_file()).std)


def com_set(std: str, *, rate: str | None = None, path=None) -> dict:
    """The set ``std`` merged over its ``base``, with the symbol rate of ``rate`` (default: the set's own
    ``rate``) from ``channels/serdes.toml``; every field checked (one InputError naming file and field)."""
    from pathlib import Path

    from si_thermal import paths
    from si_thermal.config.loader import load_serdes
    from si_thermal.errors import InputError

    path = Path(path or paths.com_params_file())
    data = _read(path)
    if std not in data.std:
        raise InputError(path, "std", f"unknown standard {std!r}; known: {', '.join(data.std)}")
    entry = data.std[std]
    merged: dict = {}
    if entry.base is not None:
        if entry.base not in data.std:
            raise InputError(path, f"std.{std}.base", f"unknown base set {entry.base!r}")
        merged.update({k: v for k, v in data.std[entry.base].__dict__.items() if v is not None})
    merged.update({k: v for k, v in entry.__dict__.items() if v is not None})
    rate = rate or entry.rate
    if rate is not None:
        rates = load_serdes().rates
        if rate not in rates:
            raise InputError(paths.serdes_file(), "rates", f"unknown rate {rate!r}; known: {', '.join(rates)}")
        merged["symbol_rate"] = rates[rate].symbol_rate
    missing = [k for k in _REQUIRED if k not in merged]
    if missing:
        raise InputError(path, f"std.{std}", f"missing {', '.join(missing)}")
    if len(merged["dfe_max"]) != len(merged["dfe_min"]):
        raise InputError(path, f"std.{std}.dfe_min", "dfe_min and dfe_max differ in length")
    n_float = merged.get("rx_ffe_float_groups", 0) * merged.get("rx_ffe_float_taps", 1)
    if n_float and merged.get("rx_ffe_span", 0) < merged["rx_ffe_taps"] + n_float:
        raise InputError(path, f"std.{std}.rx_ffe_span", "rx_ffe_span must hold the fixed Rx FFE taps and every "
                         "floating tap group (178A.1.8.1)")
    if merged.get("mlsd") and merged.get("fom") != "mmse":
        raise InputError(path, f"std.{std}.mlsd", "MLSD (178A.1.10) needs the MMSE receiver (fom = \"mmse\")")
    pkg = merged["package"]
    for zp in (pkg.z_p, pkg.z_p_test2):
        if zp is not None and len(zp) != len(pkg.z_c):
            raise InputError(path, f"std.{std}.package.z_p", "z_p and z_p_test2 need one length per z_c section")
    return merged
