"""COM parameter sets (``channels/com_params.toml``, ``[std."NAME"]``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from si_thermal.config._base import (
    Frequency,
    Impedance,
    Loss,
    Model,
    NonNegativeLength,
    SymbolRate,
    Time,
    _quantity,
)


class ComPackage(Model):
    """Device package of a COM set (IEEE 802.3 93A.1.2 / P802.3dj 178A.1.4)."""

    c_d: list[Annotated[float, _quantity("capacitance"), Field(ge=0)]]
    l_s: list[Annotated[float, _quantity("inductance"), Field(ge=0)]] = []
    c_b: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    c_p: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    z_c: list[Impedance]
    z_p: list[NonNegativeLength]  # package test case 1 (line section lengths)
    z_p_test2: list[NonNegativeLength] | None = None  # package test case 2 (same sections); COM is the worst case
    gamma0_per_mm: float = Field(ge=0)
    a1_sqrt_ns_per_mm: float = Field(ge=0)
    a2_ns_per_mm: float = Field(ge=0)
    tau_ns_per_mm: float = Field(gt=0)


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
    snr_tx: Loss | None = None
    eta0_v2_per_ghz: Annotated[float, Field(ge=0)] | None = None
    n_qb: Annotated[int, Field(ge=0, le=16)] | None = None
    p_qc: Annotated[float, Field(gt=0, lt=0.1)] | None = None
    f_r_fb: Annotated[float, Field(gt=0)] | None = None
    f_z_fb: Annotated[float, Field(gt=0)] | None = None
    f_p1_fb: Annotated[float, Field(gt=0)] | None = None
    f_p2_fb: Annotated[float, Field(gt=0)] | None = None
    f_lf_fb: Annotated[float, Field(gt=0)] | None = None
    g_dc_db: list[float] | None = None
    g_dc2_db: list[float] | None = None
    c0_min: Annotated[float, Field(ge=0, le=1)] | None = None
    tx_taps: list[tuple[int, float, float, float]] | None = None  # position (UI), min, max, step
    rx_ffe_taps: Annotated[int, Field(ge=0, le=64)] | None = None
    rx_ffe_precursors: Annotated[int, Field(ge=0)] | None = None
    rx_ffe_limit: Annotated[float, Field(gt=0)] | None = None
    dfe_max: list[float] | None = None
    dfe_min: list[float] | None = None
    fom: Literal["93a", "mmse"] | None = None
    f_step: Frequency | None = None
    package: ComPackage | None = None


class ComParamsFile(Model):
    std: dict[str, ComStd]
