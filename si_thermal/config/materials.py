"""The materials library ``boards/materials.toml``: one table per material."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.config._base import (
    CTE,
    Density,
    ElectricalConductivity,
    Frequency,
    Model,
    NonNegativeLength,
    PositiveLength,
    Pressure,
    SpecificHeat,
    Temperature,
    ThermalConductivity,
    _quantity_list,
    read_toml,
    validate,
)
from si_thermal.caches import cached


MaterialKind = Literal[
    "conductor", "foil", "laminate", "cable_dielectric", "semiconductor", "metal", "tim",
    "solder", "coolant", "polymer",
]


LOW_LOSS_KINDS = ("laminate", "cable_dielectric", "polymer")
MAX_DF = 0.1  # dissipation factor limit of a signal dielectric unless declared high_loss


class CoolantTable(Model):
    """Temperature-dependent coolant properties, tabulated; interpolated linearly."""

    temperature: Annotated[tuple[float, ...], _quantity_list("temperature")]
    density: Annotated[tuple[float, ...], _quantity_list("density")]
    specific_heat: Annotated[tuple[float, ...], _quantity_list("specific_heat")]
    thermal_conductivity: Annotated[tuple[float, ...], _quantity_list("thermal_conductivity")]
    dynamic_viscosity: Annotated[tuple[float, ...], _quantity_list("dynamic_viscosity")]

    @model_validator(mode="after")
    def _same_length(self) -> CoolantTable:
        n = len(self.temperature)
        for name in ("density", "specific_heat", "thermal_conductivity", "dynamic_viscosity"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values, temperature has {n}")
        if list(self.temperature) != sorted(self.temperature) or n < 2:
            raise ValueError("temperature must hold at least two increasing values")
        return self


class Material(Model):
    """One material of ``boards/materials.toml``. Every property is optional; a model that needs
    one asks for it with :meth:`require`, which names the material and the missing field."""

    kind: MaterialKind
    description: str
    source: str
    # electrical
    conductivity: ElectricalConductivity | None = None
    dk: Annotated[float, Field(ge=1.0, le=100.0)] | None = None
    df: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None  # laminates, cable dielectrics: < MAX_DF
    high_loss: bool = False  # declares a lossy dielectric (absorber): lifts the MAX_DF limit to 1
    f_ref: Frequency | None = None  # frequency at which dk and df are specified
    # roughness of a copper foil (kind = "foil"): Huray snowball and Hammerstad/Groisse parameters
    rz: NonNegativeLength | None = None  # ten-point height, IPC-4562
    rq: NonNegativeLength | None = None  # RMS roughness (Hammerstad, Groisse)
    huray_radius: PositiveLength | None = None  # snowball radius a
    huray_ratio: Annotated[float, Field(ge=0, le=100)] | None = None  # N*4*pi*a^2 / A_flat (sum over sizes)
    # thermal
    thermal_conductivity: ThermalConductivity | None = None  # isotropic or in-plane
    thermal_conductivity_z: ThermalConductivity | None = None
    conductivity_temperature_coefficient: CTE | None = None  # d(ln k)/dT, 1/K, about 20 degC
    density: Density | None = None
    specific_heat: SpecificHeat | None = None
    # mechanical
    youngs_modulus: Pressure | None = None  # isotropic or in-plane
    youngs_modulus_z: Pressure | None = None
    youngs_modulus_above_tg: Pressure | None = None
    shear_modulus_xz: Pressure | None = None
    poisson: Annotated[float, Field(ge=0.0, lt=0.5)] | None = None
    cte_xy: CTE | None = None
    cte_z: CTE | None = None
    cte_xy_above_tg: CTE | None = None
    cte_z_above_tg: CTE | None = None
    tg: Temperature | None = None
    yield_strength: Pressure | None = None
    ultimate_strength: Pressure | None = None
    elongation: Annotated[float, Field(gt=0, le=1)] | None = None  # ductility at fracture
    fatigue_ductility_coefficient: Annotated[float, Field(gt=0, le=10)] | None = None  # eps_f'
    fatigue_ductility_exponent: Annotated[float, Field(lt=0)] | None = None  # c
    # limits
    melting_point: Temperature | None = None
    boiling_point: Temperature | None = None  # coolants, at 1 atm
    max_temperature: Temperature | None = None
    table: CoolantTable | None = None

    @model_validator(mode="after")
    def _physical(self) -> Material:
        if self.df is not None and self.kind in LOW_LOSS_KINDS and self.df >= MAX_DF and not self.high_loss:
            raise ValueError(f"df {self.df:g} is outside [0, {MAX_DF:g}) for a {self.kind} (signal dielectrics "
                             "have Df < 0.1; set high_loss = true for a lossy absorber)")
        if self.melting_point is not None and self.boiling_point is not None \
                and self.boiling_point <= self.melting_point:
            raise ValueError("boiling_point must be above melting_point")
        return self

    def require(self, name: str, *fields: str) -> tuple[float, ...] | float:
        """Return the named properties; raise :class:`InputError` naming the first missing one."""
        missing = [f for f in fields if getattr(self, f) is None]
        if missing:
            raise InputError(
                paths.materials_file(), f"{name}.{missing[0]}",
                f"material '{name}' has no {missing[0]}, which this model needs",
            )
        values = tuple(getattr(self, f) for f in fields)
        return values[0] if len(values) == 1 else values


class LocalMaterial(Material):
    """A material defined in an input file (package, stackup) rather than the library; with a
    library material's name it replaces that material in this file only if ``override`` is true."""

    override: bool = False


def check_local_materials(local: dict[str, LocalMaterial]) -> None:
    """A local material with a library name and no ``override = true`` is an error (ValueError)."""
    library = load_materials()
    for name, mat in local.items():
        if name in library and not mat.override:
            raise ValueError(f"'{name}' shadows the library material of that name; set override = true "
                             "to replace it in this file, or give it another name")
        if mat.override and name not in library:
            raise ValueError(f"'{name}': override = true but the library has no material of that name")


class MaterialsFile(Model):
    materials: dict[str, Material] = Field(min_length=1)


@cached(8)
def _load_materials_cached(path: str) -> dict[str, Material]:
    data = read_toml(path)
    return dict(validate(MaterialsFile, {"materials": data}, path).materials)


def load_materials(path: str | Path | None = None) -> dict[str, Material]:
    """The materials library (``boards/materials.toml`` unless ``path`` is given)."""
    return _load_materials_cached(str(path or paths.materials_file()))


def material(name: str, kind: MaterialKind | tuple[MaterialKind, ...] | None = None,
             file: str | Path | None = None, field: str | None = None,
             local: dict[str, Material] | None = None) -> Material:
    """Look a material up (``local``: the file's own materials first); an unknown name or a wrong
    kind names ``file`` and ``field``."""
    library = {**load_materials(), **(local or {})}
    if name not in library:
        raise InputError(file or paths.materials_file(), field,
                         f"unknown material '{name}' (not in {paths.materials_file().name})")
    mat = library[name]
    kinds = (kind,) if isinstance(kind, str) else kind
    if kinds and mat.kind not in kinds:
        raise InputError(file, field, f"material '{name}' is a {mat.kind}, expected {' or '.join(kinds)}")
    return mat
