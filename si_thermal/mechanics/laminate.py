"""Effective orthotropic properties of a printed-circuit stackup, below and above Tg.

Two steps, both closed form:

1. **One layer.** A dielectric layer takes its laminate's properties (transversely isotropic about z:
   in-plane E, nu, CTE; through-thickness E_z, G_xz, CTE_z). A copper layer of coverage ``c`` is a
   mixture of copper and the resin that fills its etched-away area (the material of the dielectric
   layer below it; the prepreg flows into the gaps). Its stiffnesses follow the Voigt rule of mixtures
   (copper and fill side by side, equal strain, both in-plane and through the thickness; Jones,
   *Mechanics of Composite Materials*, 2nd ed., 1999, sec. 3.2), its CTEs Turner's stiffness-weighted
   mean (Turner, J. Res. NBS 37, 1946, 239). Voigt is the upper bound: exact for continuous planes,
   stiff for sparse signal layers.

2. **The stack.** Layers are homogeneous in-plane and bonded, so in-plane strains and out-of-plane
   stresses are the same in every layer while in-plane stresses and out-of-plane strains are
   thickness averages. Writing each layer's Hooke's law in those mixed variables, averaging and
   inverting back gives the exact effective 3-D stiffness and CTE of the homogenized stack
   (Sun & Li, J. Compos. Mater. 22, 1988, 629; Pagano, 1974). With zero out-of-plane stress the
   in-plane part reduces to classical lamination theory (Jones ch. 4): the free in-plane CTE is
   ``A^-1 N_T``. The z-CTE then includes the Poisson coupling with the in-plane mismatch stresses
   (copper held back by the quartz-fabric laminate thins less), which a thickness-weighted mean of
   the layers' CTE_z misses.

Above Tg the laminate's in-plane modulus is ``youngs_modulus_above_tg``; its E_z and G_xz are scaled
by the same ratio (datasheets give one modulus above Tg; this scaling is this module's assumption).
Copper is taken as temperature independent over the range.

Voigt notation throughout: (xx, yy, zz, yz, xz, xy), engineering shear strains.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from si_thermal import config
from si_thermal.config import Layer, Material, StackupFile

IN = np.array([0, 1, 5])  # in-plane components: xx, yy, xy
OUT = np.array([2, 3, 4])  # out-of-plane components: zz, yz, xz


@dataclass(frozen=True)
class LayerProperties:
    """Mechanical properties of one homogenized layer (transversely isotropic about z), SI."""

    name: str
    thickness_m: float
    e_xy_pa: float
    e_z_pa: float
    g_xz_pa: float
    nu_xy: float
    nu_xz: float  # z contraction under in-plane stress: eps_z = -nu_xz/E_xy * sigma_x
    cte_xy_per_k: float
    cte_z_per_k: float
    copper_fraction: float  # volume fraction of copper in the layer (0 for dielectrics)

    def compliance(self) -> np.ndarray:
        """6x6 compliance matrix S (strain = S stress), Voigt order (xx, yy, zz, yz, xz, xy)."""
        e, ez, nu, nxz = self.e_xy_pa, self.e_z_pa, self.nu_xy, self.nu_xz
        s = np.zeros((6, 6))
        s[0, 0] = s[1, 1] = 1.0 / e
        s[0, 1] = s[1, 0] = -nu / e
        s[0, 2] = s[2, 0] = s[1, 2] = s[2, 1] = -nxz / e
        s[2, 2] = 1.0 / ez
        s[3, 3] = s[4, 4] = 1.0 / self.g_xz_pa
        s[5, 5] = 2.0 * (1.0 + nu) / e
        return s

    def stiffness(self) -> np.ndarray:
        """6x6 stiffness matrix C = S^-1, Pa."""
        return np.linalg.inv(self.compliance())

    def cte(self) -> np.ndarray:
        """CTE vector in Voigt order, 1/K (no thermal shear)."""
        a, az = self.cte_xy_per_k, self.cte_z_per_k
        return np.array([a, a, az, 0.0, 0.0, 0.0])


@dataclass(frozen=True)
class EffectiveProperties:
    """Homogenized orthotropic properties of a stack of layers (Sun & Li 1988), SI."""

    thickness_m: float
    stiffness_pa: np.ndarray  # 6x6, Voigt order
    cte_per_k: np.ndarray  # 6, Voigt order
    copper_volume_fraction: float

    @property
    def compliance(self) -> np.ndarray:
        return np.linalg.inv(self.stiffness_pa)

    @property
    def e_x_pa(self) -> float:
        return 1.0 / self.compliance[0, 0]

    @property
    def e_y_pa(self) -> float:
        return 1.0 / self.compliance[1, 1]

    @property
    def e_z_pa(self) -> float:
        return 1.0 / self.compliance[2, 2]

    @property
    def g_xz_pa(self) -> float:
        return 1.0 / self.compliance[4, 4]

    @property
    def nu_xy(self) -> float:
        return -self.compliance[0, 1] / self.compliance[0, 0]

    @property
    def nu_xz(self) -> float:
        return -self.compliance[0, 2] / self.compliance[0, 0]

    @property
    def cte_x_per_k(self) -> float:
        return float(self.cte_per_k[0])

    @property
    def cte_y_per_k(self) -> float:
        return float(self.cte_per_k[1])

    @property
    def cte_z_per_k(self) -> float:
        return float(self.cte_per_k[2])


def _dielectric(name: str, mat: Material, thickness: float, above_tg: bool) -> LayerProperties:
    e, ez, gxz, nu = mat.require(name, "youngs_modulus", "youngs_modulus_z", "shear_modulus_xz", "poisson")
    if above_tg:
        e_hot, a, az = mat.require(name, "youngs_modulus_above_tg", "cte_xy_above_tg", "cte_z_above_tg")
        scale = e_hot / e
        e, ez, gxz = e_hot, ez * scale, gxz * scale
    else:
        a, az = mat.require(name, "cte_xy", "cte_z")
    return LayerProperties(name, thickness, e, ez, gxz, nu, nu, a, az, 0.0)


def _isotropic(name: str, mat: Material, thickness: float) -> LayerProperties:
    e, nu, a = mat.require(name, "youngs_modulus", "poisson", "cte_xy")
    az = mat.cte_z if mat.cte_z is not None else a
    return LayerProperties(name, thickness, e, e, e / (2 * (1 + nu)), nu, nu, a, az, 1.0)


def mix(copper: LayerProperties, fill: LayerProperties, coverage: float, name: str,
        thickness: float) -> LayerProperties:
    """A patterned copper layer: Voigt rule of mixtures for stiffness, Turner mean for CTE."""
    c = coverage

    def voigt(a: float, b: float) -> float:
        return c * a + (1 - c) * b

    e = voigt(copper.e_xy_pa, fill.e_xy_pa)
    ez = voigt(copper.e_z_pa, fill.e_z_pa)
    a = voigt(copper.e_xy_pa * copper.cte_xy_per_k, fill.e_xy_pa * fill.cte_xy_per_k) / e
    az = voigt(copper.e_z_pa * copper.cte_z_per_k, fill.e_z_pa * fill.cte_z_per_k) / ez
    return LayerProperties(
        name, thickness, e, ez, voigt(copper.g_xz_pa, fill.g_xz_pa), voigt(copper.nu_xy, fill.nu_xy),
        voigt(copper.nu_xz, fill.nu_xz), a, az, c,
    )


def _fill_material(layers: list[Layer], i: int) -> str:
    """The resin that fills a copper layer's gaps: the dielectric below it, else the one above."""
    for j in list(range(i + 1, len(layers))) + list(range(i - 1, -1, -1)):
        if layers[j].type == "dielectric":
            return layers[j].material
    raise ValueError("a stackup needs at least one dielectric layer to fill its copper layers")


def layer_properties(stackup: StackupFile, *, above_tg: bool = False) -> list[LayerProperties]:
    """Homogenized properties of each layer of ``stackup``, top to bottom.

    Raises :class:`si_thermal.errors.InputError` (through :meth:`Material.require`) when a material
    lacks a property the model needs.
    """
    library = stackup.library()
    out = []
    for i, layer in enumerate(stackup.layers):
        mat = library[layer.material]
        if layer.type == "dielectric":
            out.append(replace(_dielectric(layer.material, mat, layer.thickness, above_tg), name=layer.name))
        else:
            cu = _isotropic(layer.material, mat, layer.thickness)
            fill_name = _fill_material(stackup.layers, i)
            fill = _dielectric(fill_name, library[fill_name], layer.thickness, above_tg)
            out.append(mix(cu, fill, layer.coverage, layer.name, layer.thickness))
    return out


def homogenize(layers: list[LayerProperties]) -> EffectiveProperties:
    """Exact effective 3-D stiffness and CTE of bonded layers under uniform fields (Sun & Li 1988).

    Mixed form per layer k, with in-plane strain e_I and out-of-plane stress s_O continuous::

        e_O = P e_I + R s_O + r dT,        s_I = M e_I + Q s_O + m dT
        P = -C_OO^-1 C_OI, R = C_OO^-1, r = a_O + C_OO^-1 C_OI a_I
        M = C_II - C_IO C_OO^-1 C_OI, Q = C_IO C_OO^-1, m = -M a_I

    Thickness-averaging P, R, r, M, Q, m and inverting the mixed form gives C* and a*.
    """
    t = np.array([layer.thickness_m for layer in layers])
    w = t / t.sum()
    acc = {k: 0.0 for k in "PRrMQm"}
    for wk, layer in zip(w, layers):
        c, a = layer.stiffness(), layer.cte()
        cii, cio, coi, coo = c[np.ix_(IN, IN)], c[np.ix_(IN, OUT)], c[np.ix_(OUT, IN)], c[np.ix_(OUT, OUT)]
        roo = np.linalg.inv(coo)
        m = cii - cio @ roo @ coi
        parts = {"P": -roo @ coi, "R": roo, "r": a[OUT] + roo @ coi @ a[IN], "M": m, "Q": cio @ roo,
                 "m": -m @ a[IN]}
        for k, v in parts.items():
            acc[k] = acc[k] + wk * v
    # invert: s_O = R^-1 (e_O - P e_I - r dT); s_I = (M - Q R^-1 P) e_I + Q R^-1 e_O + (m - Q R^-1 r) dT
    rinv = np.linalg.inv(acc["R"])
    c_eff = np.zeros((6, 6))
    c_eff[np.ix_(OUT, OUT)] = rinv
    c_eff[np.ix_(OUT, IN)] = -rinv @ acc["P"]
    c_eff[np.ix_(IN, IN)] = acc["M"] - acc["Q"] @ rinv @ acc["P"]
    c_eff[np.ix_(IN, OUT)] = acc["Q"] @ rinv
    beta = np.zeros(6)  # thermal stress per kelvin at zero strain: sigma = C e + beta dT
    beta[OUT] = -rinv @ acc["r"]
    beta[IN] = acc["m"] - acc["Q"] @ rinv @ acc["r"]
    c_eff = 0.5 * (c_eff + c_eff.T)
    alpha = -np.linalg.solve(c_eff, beta)
    cu = float(np.sum(w * np.array([layer.copper_fraction for layer in layers])))
    return EffectiveProperties(float(t.sum()), c_eff, alpha, cu)


@dataclass(frozen=True)
class LaminateABD:
    """Classical lamination theory (Jones ch. 4): stiffness matrices and thermal loads per kelvin."""

    a: np.ndarray  # 3x3 extensional stiffness, N/m
    b: np.ndarray  # 3x3 coupling, N
    d: np.ndarray  # 3x3 bending stiffness, N m
    n_thermal: np.ndarray  # 3, N/(m K)
    m_thermal: np.ndarray  # 3, N/K

    def free_response(self) -> tuple[np.ndarray, np.ndarray]:
        """Midplane strain and curvature per kelvin of the free laminate (1/K, 1/(m K))."""
        abd = np.block([[self.a, self.b], [self.b, self.d]])
        sol = np.linalg.solve(abd, np.concatenate([self.n_thermal, self.m_thermal]))
        return sol[:3], sol[3:]

    @property
    def cte_inplane_per_k(self) -> np.ndarray:
        """Effective in-plane CTE (x, y, xy) of the free laminate, ``A^-1 N_T`` generalized to B != 0."""
        return self.free_response()[0]


def lamination(layers: list[LayerProperties]) -> LaminateABD:
    """A, B, D and thermal resultants of ``layers`` (top to bottom), plane-stress reduced stiffness."""
    t = np.array([layer.thickness_m for layer in layers])
    z = np.concatenate([[0.0], np.cumsum(t)]) - t.sum() / 2.0
    a, b, d = np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3))
    nt, mt = np.zeros(3), np.zeros(3)
    for k, layer in enumerate(layers):
        q = np.linalg.inv(layer.compliance()[np.ix_(IN, IN)])  # plane-stress reduced stiffness
        qa = q @ layer.cte()[IN]
        z0, z1 = z[k], z[k + 1]
        a += q * (z1 - z0)
        b += q * (z1**2 - z0**2) / 2
        d += q * (z1**3 - z0**3) / 3
        nt += qa * (z1 - z0)
        mt += qa * (z1**2 - z0**2) / 2
    return LaminateABD(a, b, d, nt, mt)


def effective_properties(stackup: str | Path | StackupFile, *, above_tg: bool = False) -> EffectiveProperties:
    """Effective orthotropic properties of a stackup file (path or loaded), below or above Tg."""
    if not isinstance(stackup, StackupFile):
        stackup = config.load_stackup(stackup)
    return homogenize(layer_properties(stackup, above_tg=above_tg))


def glass_transition_k(stackup: StackupFile) -> float:
    """The lowest Tg of the stackup's dielectrics, K (the laminate softens from there)."""
    library = stackup.library()
    names = {layer.material for layer in stackup.layers if layer.type == "dielectric"}
    return min(float(library[n].require(n, "tg")) for n in names)


def layer_stresses(layers: list[LayerProperties], strain_inplane: np.ndarray, stress_out_pa: np.ndarray,
                   delta_t_k: float) -> np.ndarray:
    """Stresses in each layer (n, 6; Voigt, Pa) recovered from a homogenized solution.

    In a bonded stack the in-plane strains ``(e_xx, e_yy, g_xy)`` and the out-of-plane stresses
    ``(s_zz, t_yz, t_xz)`` are common to all layers (Sun & Li 1988), so each layer's in-plane stress
    follows from its own mixed-form law ``s_I = M e_I + Q s_O - M a_I dT``. Interlaminar stresses
    (peel s_zz, shears t_xz, t_yz) are the homogenized ones: this recovery holds away from free edges
    and holes, where the explicit-layer model is needed.
    """
    e_i, s_o = np.asarray(strain_inplane, dtype=float), np.asarray(stress_out_pa, dtype=float)
    out = np.zeros((len(layers), 6))
    for k, layer in enumerate(layers):
        c, a = layer.stiffness(), layer.cte()
        roo = np.linalg.inv(c[np.ix_(OUT, OUT)])
        m = c[np.ix_(IN, IN)] - c[np.ix_(IN, OUT)] @ roo @ c[np.ix_(OUT, IN)]
        out[k, IN] = m @ e_i + c[np.ix_(IN, OUT)] @ roo @ s_o - m @ a[IN] * delta_t_k
        out[k, OUT] = s_o
    return out
