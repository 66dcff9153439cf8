"""Input files and their schema: the one place that turns TOML files into typed, validated objects.

One module per file kind (``materials``, ``stackup``, ``channel``, ``serdes``, ``com_params``,
``rack``, ``fleet``, ``package``), shared quantity types in ``_base``, loading and cross-file
checks in ``loader``; everything is re-exported here, so ``from si_thermal.config import X`` works.

Convention: every dimensional value is a quantity string with its unit (``"4.5 mil"``,
``"53.125 GHz"``, ``"35 degC"``), parsed by :func:`si_thermal.units.parse_quantity` to SI.
Dimensionless values (Dk, Df, AWG, ratios, counts) are plain numbers. Unknown keys are errors.

File kinds, told apart by their top-level table:

- ``boards/materials.toml``: one table per material (:class:`Material`).
- ``boards/*.toml`` with ``[stackup]``: a printed-circuit board, ordered layers (:class:`StackupFile`).
- ``channels/*.toml`` with ``[channel]``: a link, ordered segments (:class:`ChannelFile`).
- ``channels/serdes.toml`` with ``[rates]``: SerDes lane rates and loss budgets (:class:`SerdesFile`).
- ``boards/racks/*.toml`` with ``[rack]``: a rack system (:class:`RackFile`).
- ``boards/gpu_package_*.toml`` with ``[package]``: a GPU package stack and its cooling (:class:`PackageFile`).
- ``boards/xsections/*.toml`` with ``[xsection]``: a line cross-section drawn explicitly (:class:`XSectionFile`).

Every loader raises :class:`si_thermal.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

from si_thermal.config._base import (  # noqa: F401
    SANITY,
    Range,
    QuantityValidator,
    check_si,
    PositiveLoss,
    PositiveTime,
    _quantity,
    _quantity_list,
    Length,
    PositiveLength,
    NonNegativeLength,
    Area,
    Frequency,
    SymbolRate,
    BitRate,
    Time,
    Temperature,
    TemperatureDifference,
    Power,
    HeatFlux,
    Impedance,
    Loss,
    ElectricalConductivity,
    ThermalConductivity,
    HeatTransferCoefficient,
    CTE,
    Pressure,
    Density,
    SpecificHeat,
    Viscosity,
    VolumeFlow,
    Energy,
    Money,
    MoneyPerYear,
    TokenRate,
    Fraction,
    Model,
    _field_path,
    _message,
    read_toml,
    validate,
    board_path,
    rack_path,
)
from si_thermal.config.materials import (  # noqa: F401
    MaterialKind,
    CoolantTable,
    Material,
    MaterialsFile,
    _load_materials_cached,
    load_materials,
    material,
)
from si_thermal.config.stackup import (  # noqa: F401
    Layer,
    Trace,
    Stackup,
    BoardHotSpot,
    Screw,
    Stiffener,
    PressFitConnector,
    BackplaneLoad,
    StackupFile,
)
from si_thermal.config.channel import (  # noqa: F401
    _Segment,
    TwinaxSegment,
    StriplineSegment,
    ViaSegment,
    ConnectorSegment,
    TouchstoneSegment,
    Segment,
    Channel,
    ChannelFile,
    touchstone_path,
    BACKDRILL_STUB_M,
    check_passive,
)
from si_thermal.config.serdes import (  # noqa: F401
    SerdesRate,
    SerdesFile,
)
from si_thermal.config.com_params import (  # noqa: F401
    ComPackage,
    ComStd,
    ComParamsFile,
    com_set,
    com_set_names,
)
from si_thermal.config.rack import (  # noqa: F401
    Rack,
    RackMedium,
    RackGeometry,
    Tray,
    LinkGroup,
    RackCooling,
    RackCost,
    RackReliability,
    RackFile,
)
from si_thermal.config.fleet import (  # noqa: F401
    FailureModeSpec,
    InterconnectOption,
    Fleet,
    FleetFile,
)
from si_thermal.config.package import (  # noqa: F401
    PackageInfo,
    Slab,
    DieHotSpot,
    FloorplanBlock,
    PackageDie,
    TimLayer,
    Fill,
    ColdPlate,
    MicrochannelLid,
    PackageFile,
    inlet_problem,
)
from si_thermal.config.xsection import XSectionFile  # noqa: F401
from si_thermal.config.loader import (  # noqa: F401
    _check_rack,
    _KINDS,
    file_kind,
    load,
    check_references,
    _load_kind,
    _load_stackup_cached,
    load_stackup,
    load_channel,
    load_rack,
    load_package,
    load_serdes,
    load_xsection,
    summary,
)

__all__ = [
    "SANITY",
    "Range",
    "check_si",
    "PositiveLoss",
    "PositiveTime",
    "Length",
    "PositiveLength",
    "NonNegativeLength",
    "Area",
    "Frequency",
    "SymbolRate",
    "BitRate",
    "Time",
    "Temperature",
    "TemperatureDifference",
    "Power",
    "HeatFlux",
    "Impedance",
    "Loss",
    "ElectricalConductivity",
    "ThermalConductivity",
    "HeatTransferCoefficient",
    "CTE",
    "Pressure",
    "Density",
    "SpecificHeat",
    "Viscosity",
    "VolumeFlow",
    "Energy",
    "Money",
    "MoneyPerYear",
    "TokenRate",
    "Fraction",
    "Model",
    "read_toml",
    "validate",
    "board_path",
    "rack_path",
    "MaterialKind",
    "CoolantTable",
    "Material",
    "MaterialsFile",
    "load_materials",
    "material",
    "Layer",
    "Trace",
    "Stackup",
    "BoardHotSpot",
    "Screw",
    "Stiffener",
    "PressFitConnector",
    "BackplaneLoad",
    "StackupFile",
    "TwinaxSegment",
    "StriplineSegment",
    "ViaSegment",
    "ConnectorSegment",
    "TouchstoneSegment",
    "Segment",
    "Channel",
    "ChannelFile",
    "touchstone_path",
    "SerdesRate",
    "BACKDRILL_STUB_M",
    "com_set",
    "com_set_names",
    "check_passive",
    "SerdesFile",
    "ComPackage",
    "ComStd",
    "ComParamsFile",
    "Rack",
    "RackMedium",
    "RackGeometry",
    "Tray",
    "LinkGroup",
    "RackCooling",
    "RackCost",
    "RackReliability",
    "RackFile",
    "FailureModeSpec",
    "InterconnectOption",
    "Fleet",
    "FleetFile",
    "PackageInfo",
    "Slab",
    "DieHotSpot",
    "FloorplanBlock",
    "PackageDie",
    "TimLayer",
    "Fill",
    "ColdPlate",
    "MicrochannelLid",
    "PackageFile",
    "file_kind",
    "load",
    "check_references",
    "load_stackup",
    "load_channel",
    "load_rack",
    "load_package",
    "load_serdes",
    "summary",
    "XSectionFile",
    "load_xsection",
]

# workload profiles and uncertain reliability inputs (issue 13)
from si_thermal.config.profile import Profile, ProfileFile, Pulse  # noqa: E402,F401
from si_thermal.config.profile import Segment as ProfileSegment  # noqa: E402,F401  (config.Segment: a channel segment)
from si_thermal.config.uncertainty import Uncertain, UncertainParameter, UncertaintyFile  # noqa: E402,F401
from si_thermal.config.loader import load_profile, load_uncertainty  # noqa: E402,F401

__all__ += ["Profile", "ProfileFile", "Pulse", "ProfileSegment", "Uncertain", "UncertainParameter", "UncertaintyFile",
            "load_profile", "load_uncertainty"]
