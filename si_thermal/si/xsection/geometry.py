"""Cross-section geometry of a transmission line: conductors, dielectric regions and the enclosure.

All lengths in m. Coordinates: x across the board, y up. Two enclosures:

- :class:`PlaneBox`: ground planes at y = 0 and y = height (stripline), magnetic (Neumann) side walls
  at x = +-half_width, far enough away that the field there has decayed (it falls as exp(-pi x / b)
  between two planes).
- :class:`Shield`: a grounded circle of radius r centred at the origin (coax, twinax, and the
  two-wire line inside a far shield).

Conductors are convex trapezoids (an etched trace; thickness 0 gives a zero-thickness strip, used
for the exact Cohn validation) or circles (wires). Dielectric regions paint the domain in order,
later ones over earlier ones; the first is the background.

:meth:`CrossSection.check` refuses what cannot be solved (zero or negative sizes, overlapping
conductors, a conductor outside the enclosure or touching a plane or the shield) with a
:class:`GeometryError` naming the offending item.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from si_thermal.si.dielectric import DjordjevicSarkar

FORMAT_VERSION = "xsection-1"
MIN_FEATURE = 1e-5  # smallest feature (size or gap) that is meshed, relative to the enclosure size


class GeometryError(ValueError):
    """A cross-section that cannot be solved; ``field`` names the item (e.g. ``conductors[1]``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Trapezoid:
    """An etched trace: bottom face at y, centred at x; thickness 0 is a zero-thickness strip."""

    x_m: float
    y_m: float
    w_bottom_m: float
    w_top_m: float
    thickness_m: float

    def vertices(self) -> np.ndarray:
        """Corners, counter-clockwise (2 points for a zero-thickness strip), shape (n, 2)."""
        x, y, wb, wt, t = self.x_m, self.y_m, self.w_bottom_m, self.w_top_m, self.thickness_m
        if t == 0:
            return np.array([[x - wb / 2, y], [x + wb / 2, y]])
        return np.array([[x - wb / 2, y], [x + wb / 2, y], [x + wt / 2, y + t], [x - wt / 2, y + t]])

    def sizes(self) -> dict[str, float]:
        return {"width": self.w_bottom_m, "top width": self.w_top_m, "thickness": self.thickness_m}

    @property
    def area_m2(self) -> float:
        return 0.5 * (self.w_bottom_m + self.w_top_m) * self.thickness_m

    def bbox(self) -> tuple[float, float, float, float]:
        v = self.vertices()
        return v[:, 0].min(), v[:, 0].max(), v[:, 1].min(), v[:, 1].max()

    def distance(self, px, py) -> np.ndarray:
        """Distance of points to the boundary (the strip itself when zero-thickness), m."""
        v = self.vertices()
        edges = [(v[i], v[(i + 1) % len(v)]) for i in range(len(v))] if len(v) > 2 else [(v[0], v[1])]
        return np.min([_segment_distance(px, py, a, b) for a, b in edges], axis=0)


@dataclass(frozen=True)
class Circle:
    """A round wire of radius r centred at (x, y)."""

    x_m: float
    y_m: float
    r_m: float

    def sizes(self) -> dict[str, float]:
        return {"radius": self.r_m}

    @property
    def area_m2(self) -> float:
        return math.pi * self.r_m**2

    def bbox(self) -> tuple[float, float, float, float]:
        return self.x_m - self.r_m, self.x_m + self.r_m, self.y_m - self.r_m, self.y_m + self.r_m

    def distance(self, px, py) -> np.ndarray:
        return np.abs(np.hypot(np.asarray(px) - self.x_m, np.asarray(py) - self.y_m) - self.r_m)


Shape = Trapezoid | Circle


@dataclass(frozen=True)
class Conductor:
    """A conductor of conductivity ``sigma`` (S/m); role 'signal' (driven) or 'ground' (a drain wire)."""

    name: str
    shape: Shape
    sigma: float
    role: str = "signal"


@dataclass(frozen=True)
class Band:
    """A horizontal dielectric layer y0 <= y <= y1 across a :class:`PlaneBox`."""

    y0_m: float
    y1_m: float

    def contains(self, px, py):
        return (np.asarray(py) >= self.y0_m) & (np.asarray(py) <= self.y1_m)


@dataclass(frozen=True)
class Disk:
    """A round dielectric region (wire insulation)."""

    x_m: float
    y_m: float
    r_m: float

    def contains(self, px, py):
        return np.hypot(np.asarray(px) - self.x_m, np.asarray(py) - self.y_m) <= self.r_m


@dataclass(frozen=True)
class Region:
    """A dielectric region: material name, its causal model, and its shape (None: everywhere)."""

    material: str
    eps: DjordjevicSarkar
    shape: Band | Disk | None = None


@dataclass(frozen=True)
class PlaneBox:
    """Ground planes at y = 0 and y = height_m, magnetic side walls at x = +-half_width_m."""

    height_m: float
    half_width_m: float
    sigma: float = 5.8e7

    def surfaces(self) -> tuple[str, ...]:
        return ("plane_bottom", "plane_top")


@dataclass(frozen=True)
class Shield:
    """A grounded circular shield of radius r_m centred at the origin."""

    r_m: float
    sigma: float = 5.8e7

    def surfaces(self) -> tuple[str, ...]:
        return ("shield",)


@dataclass(frozen=True)
class CrossSection:
    """A transmission-line cross-section. ``f_ref_hz``: frequency of the Dk used for the field solve."""

    enclosure: PlaneBox | Shield
    conductors: tuple[Conductor, ...]
    regions: tuple[Region, ...]
    f_ref_hz: float = 10e9
    label: str = field(default="", compare=False)

    @property
    def signals(self) -> tuple[Conductor, ...]:
        return tuple(c for c in self.conductors if c.role == "signal")

    def surfaces(self) -> tuple[str, ...]:
        """Names of the lossy surfaces: every conductor, then the enclosure's walls."""
        return tuple(c.name for c in self.conductors) + self.enclosure.surfaces()

    @property
    def scale_m(self) -> float:
        e = self.enclosure
        return e.height_m if isinstance(e, PlaneBox) else e.r_m

    def homogeneous(self) -> bool:
        return len({r.eps for r in self.regions}) == 1

    def key(self, level: float) -> str:
        """SHA-256 (20 hex digits) of the geometry, materials' Dk and the mesh level."""
        data = {"v": FORMAT_VERSION, "level": level, "enclosure": [type(self.enclosure).__name__,
                                                                   asdict(self.enclosure)],
                "conductors": [[c.name, type(c.shape).__name__, asdict(c.shape), c.role] for c in self.conductors],
                "regions": [[r.material, float(r.eps.dk(self.f_ref_hz)), type(r.shape).__name__,
                             None if r.shape is None else asdict(r.shape)] for r in self.regions]}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=float).encode()).hexdigest()[:20]

    def smallest_feature_m(self) -> float:
        """Smallest conductor size, gap between conductors, or gap from a conductor to a plane, m."""
        feats = [v for c in self.conductors for v in c.shape.sizes().values() if v > 0]
        for i, a in enumerate(self.conductors):
            feats += [_gap(a.shape, b.shape) for b in self.conductors[i + 1:]]
            if isinstance(self.enclosure, PlaneBox):
                _, _, y0, y1 = a.shape.bbox()
                feats += [y0, self.enclosure.height_m - y1]
        return min([f for f in feats if f > 0] + [self.scale_m])

    def region_index(self, px, py) -> np.ndarray:
        """Index into :attr:`regions` of each point (the last region containing it)."""
        idx = np.zeros(np.shape(px), dtype=np.int32)
        for i, r in enumerate(self.regions):
            if r.shape is not None:
                idx[r.shape.contains(px, py)] = i
        return idx

    def check(self) -> None:
        """Raise :class:`GeometryError` for anything that cannot be meshed and solved."""
        enc = self.enclosure
        for name in ("height_m", "half_width_m", "r_m"):
            if hasattr(enc, name) and not getattr(enc, name) > 0:
                raise GeometryError("enclosure", f"{name[:-2].replace('_', ' ')} must be > 0, got {getattr(enc, name):g} m")
        if not self.signals:
            raise GeometryError("conductors", "no signal conductor")
        if not self.regions or self.regions[0].shape is not None:
            raise GeometryError("regions", "the first dielectric region must fill the whole cross-section")
        names = [c.name for c in self.conductors]
        if len(set(names)) != len(names) or set(names) & set(enc.surfaces()):
            raise GeometryError("conductors", "conductor names must be unique and differ from the enclosure's")
        scale = self.scale_m
        tol = 1e-9 * scale
        for i, c in enumerate(self.conductors):
            where = f"conductors[{i}] ({c.name})"
            for dim, value in c.shape.sizes().items():
                if not (math.isfinite(value) and (value >= 0 if dim == "thickness" else value > 0)):
                    raise GeometryError(where, f"{dim} must be > 0, got {value:g} m")
            if not c.sigma > 0:
                raise GeometryError(where, f"conductivity must be > 0, got {c.sigma:g} S/m")
            _check_inside(c, enc, where, tol)
        for i, a in enumerate(self.conductors):
            for j in range(i + 1, len(self.conductors)):
                b = self.conductors[j]
                if _gap(a.shape, b.shape) <= tol:
                    raise GeometryError(f"conductors[{j}] ({b.name})", f"overlaps or touches conductor '{a.name}'")
        small = self.smallest_feature_m()
        if small < MIN_FEATURE * scale:
            raise GeometryError("geometry", f"cannot be meshed: a feature of {small:.3g} m is below {MIN_FEATURE:g} of "
                                f"the cross-section's size {scale:.3g} m")
        for i, r in enumerate(self.regions):
            s = r.shape
            if isinstance(s, Band) and not (isinstance(enc, PlaneBox) and s.y1_m > s.y0_m):
                raise GeometryError(f"regions[{i}] ({r.material})", "a band needs a plane box and y1 > y0")
            if isinstance(s, Disk) and not s.r_m > 0:
                raise GeometryError(f"regions[{i}] ({r.material})", f"radius must be > 0, got {s.r_m:g} m")


def _segment_distance(px, py, a, b) -> np.ndarray:
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    d = b - a
    t = np.clip(((px - a[0]) * d[0] + (py - a[1]) * d[1]) / float(d @ d), 0.0, 1.0)
    return np.hypot(px - (a[0] + t * d[0]), py - (a[1] + t * d[1]))


def _check_inside(c: Conductor, enc, where: str, tol: float) -> None:
    s = c.shape
    if isinstance(enc, PlaneBox):
        x0, x1, y0, y1 = s.bbox()
        if x0 <= -enc.half_width_m or x1 >= enc.half_width_m or y0 < -tol or y1 > enc.height_m + tol:
            raise GeometryError(where, "lies outside its dielectric (between the planes)")
        if y0 <= tol or y1 >= enc.height_m - tol:
            plane = "bottom" if y0 <= tol else "top"
            raise GeometryError(where, f"touches the {plane} reference plane")
    else:
        if isinstance(s, Circle):
            reach = math.hypot(s.x_m, s.y_m) + s.r_m
        else:
            reach = float(np.max(np.hypot(*s.vertices().T)))
        if c.role == "ground" and isinstance(s, Circle):
            if math.hypot(s.x_m, s.y_m) - s.r_m >= enc.r_m:
                raise GeometryError(where, "lies outside the shield")
            return  # a drain wire may press into the shield
        if reach > enc.r_m + tol:
            raise GeometryError(where, "lies outside its dielectric (inside the shield)")
        if reach >= enc.r_m - tol:
            raise GeometryError(where, "touches the shield")


def _gap(a: Shape, b: Shape) -> float:
    """Smallest distance between two shapes (<= 0 when they overlap or touch)."""
    if isinstance(a, Circle) and isinstance(b, Circle):
        return math.hypot(a.x_m - b.x_m, a.y_m - b.y_m) - a.r_m - b.r_m
    if isinstance(a, Circle) or isinstance(b, Circle):
        circ, poly = (a, b) if isinstance(a, Circle) else (b, a)
        if _inside_polygon(poly.vertices(), circ.x_m, circ.y_m):
            return -1.0
        return float(poly.distance(circ.x_m, circ.y_m)) - circ.r_m
    va, vb = a.vertices(), b.vertices()
    if any(_inside_polygon(vb, *p) for p in va) or any(_inside_polygon(va, *p) for p in vb):
        return -1.0
    dists = [float(b.distance(*p)) for p in va] + [float(a.distance(*p)) for p in vb]
    if _edges_cross(va, vb):
        return -1.0
    return min(dists)


def _inside_polygon(v: np.ndarray, x: float, y: float) -> bool:
    """Strictly inside a convex counter-clockwise polygon (a 2-point strip has no inside)."""
    if len(v) < 3:
        return False
    for i in range(len(v)):
        a, b = v[i], v[(i + 1) % len(v)]
        if (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) <= 0:
            return False
    return True


def _edges_cross(va: np.ndarray, vb: np.ndarray) -> bool:
    def edges(v):
        return [(v[i], v[(i + 1) % len(v)]) for i in range(len(v))] if len(v) > 2 else [(v[0], v[1])]

    def orient(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    for p1, p2 in edges(va):
        for q1, q2 in edges(vb):
            if orient(p1, p2, q1) * orient(p1, p2, q2) < 0 and orient(q1, q2, p1) * orient(q1, q2, p2) < 0:
                return True
    return False
