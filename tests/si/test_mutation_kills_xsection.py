"""Cross-section construction (issue 18, group ``si-xsection``): the field solver's geometry and mesh
against numbers worked out by hand.

- geometry: trapezoid corners, areas, boxes and distances; circles; dielectric bands and disks; the
  region a point lies in (the last region containing it); the smallest feature (sizes, gaps between
  conductors, gaps to the planes); the gap between two shapes (circle-circle, circle-polygon,
  polygon-polygon, crossing edges); the cache key; every refusal of ``check`` with the field it names;
- mesh: the element sizes by hand; coarse meshes whose measures are known: the dielectric area of a
  coax pi (R^2 - r^2), the conductor's and the shield's perimeters 2 pi r and 2 pi R (quadratic
  triangles: curved edges), a band's and a disk's areas, a trapezoid hole's area, a zero-thickness
  strip's length embedded as interior facets, the tags' numbering (regions + 1, surfaces + 1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.xsection import geometry as g
from si_thermal.si.xsection import mesh as xm
from si_thermal.si.xsection.geometry import (
    Band,
    Circle,
    Conductor,
    CrossSection,
    Disk,
    GeometryError,
    PlaneBox,
    Region,
    Shield,
    Trapezoid,
)

SIGMA = 5.8e7
AIR = djordjevic_sarkar(1.0, 0.0, 1e9)
PTFE = djordjevic_sarkar(2.1, 0.0, 1e9)
FR4 = djordjevic_sarkar(4.0, 0.0, 1e9)


def _strip(x=0.0, y=0.4, wb=0.4, wt=0.3, t=0.2, name="s", role="signal"):
    return Conductor(name, Trapezoid(x, y, wb, wt, t), SIGMA, role)


def _box(*conductors, h=1.0, half=3.0, regions=(Region("air", AIR),)):
    return CrossSection(PlaneBox(h, half), tuple(conductors), tuple(regions))


# -- shapes ------------------------------------------------------------------------------------------

def test_trapezoid_corners_area_box_and_distance():
    tr = Trapezoid(1.0, 2.0, 0.4, 0.2, 0.1)
    assert tr.vertices() == pytest.approx(np.array([[0.8, 2.0], [1.2, 2.0], [1.1, 2.1], [0.9, 2.1]]))
    assert tr.area_m2 == pytest.approx(0.03)
    assert tr.bbox() == pytest.approx((0.8, 1.2, 2.0, 2.1))
    assert tr.sizes() == {"width": 0.4, "top width": 0.2, "thickness": 0.1}
    # distances to the boundary: below the bottom face, above the top face, beyond a bottom corner,
    # inside (to the nearest face), beside the bottom-right corner (its foot on the slanted side falls
    # outside the side: the corner), and off the middle of the slanted side from (1.2, 2) to (1.1, 2.1)
    # (the foot (1.15, 2.05): 0.05 sqrt 2)
    px = np.array([1.0, 1.0, 1.5, 1.0, 1.3, 1.2])
    py = np.array([1.7, 2.5, 1.6, 2.03, 2.0, 2.1])
    assert tr.distance(px, py) == pytest.approx([0.3, 0.4, 0.5, 0.03, 0.1, 0.05 * math.sqrt(2)])
    strip = Trapezoid(0.0, 0.0, 2.0, 2.0, 0.0)  # zero thickness: two points, the segment itself
    assert strip.vertices() == pytest.approx(np.array([[-1.0, 0.0], [1.0, 0.0]]))
    assert strip.area_m2 == 0.0
    assert strip.distance(np.array([0.5, 3.0]), np.array([0.2, 4.0])) == pytest.approx([0.2, math.hypot(2.0, 4.0)])
    assert strip.bbox() == pytest.approx((-1.0, 1.0, 0.0, 0.0))


def test_circle_band_and_disk():
    c = Circle(1.0, -1.0, 0.5)
    assert c.area_m2 == pytest.approx(math.pi * 0.25)
    assert c.bbox() == pytest.approx((0.5, 1.5, -1.5, -0.5))
    assert c.sizes() == {"radius": 0.5}
    assert c.distance(np.array([1.0, 4.0, 1.2]), np.array([-1.0, 3.0, -1.0])) == pytest.approx([0.5, 4.5, 0.3])
    band = Band(0.2, 0.5)
    assert band.contains(np.zeros(4), np.array([0.1, 0.2, 0.5, 0.6])).tolist() == [False, True, True, False]
    disk = Disk(1.0, 1.0, 0.5)
    assert disk.contains(np.array([1.0, 1.5, 1.6]), np.array([1.0, 1.0, 1.0])).tolist() == [True, True, False]


def test_cross_section_properties_and_regions():
    xs = _box(_strip(-1.0, name="a"), _strip(1.0, name="b", role="ground"), h=2.0,
              regions=(Region("air", AIR), Region("fr4", FR4, Band(0.0, 1.0)),
                       Region("ptfe", PTFE, Disk(1.0, 0.5, 0.3))))
    assert [c.name for c in xs.signals] == ["a"]
    assert xs.surfaces() == ("a", "b", "plane_bottom", "plane_top")
    assert xs.scale_m == 2.0
    assert not xs.homogeneous()
    assert _box(_strip(), regions=(Region("air", AIR), Region("air2", AIR, Band(0.0, 0.5)))).homogeneous()
    # the last region containing a point wins; outside every shape: the background (0)
    idx = xs.region_index(np.array([0.0, 0.0, 1.0, 1.0, 2.0]), np.array([1.5, 0.5, 0.5, 0.7, 0.9]))
    assert idx.tolist() == [0, 1, 2, 2, 1]
    coax = CrossSection(Shield(2.5), (Conductor("w", Circle(0.0, 0.0, 0.5), SIGMA),), (Region("ptfe", PTFE),))
    assert coax.scale_m == 2.5
    assert coax.surfaces() == ("w", "shield")
    assert coax.homogeneous()


def test_smallest_feature_by_hand():
    # two traces 0.4 wide, 0.1 thick, 0.3 apart at the bottom, 0.35 above the bottom plane and
    # 0.55 below the top one (h = 1): the smallest of 0.4, 0.3 (top widths), 0.1, the gap, 0.35, 0.55
    a = Conductor("a", Trapezoid(-0.45, 0.35, 0.4, 0.3, 0.1), SIGMA)
    b = Conductor("b", Trapezoid(0.45, 0.35, 0.4, 0.3, 0.1), SIGMA)
    assert _box(a, b).smallest_feature_m() == pytest.approx(0.1)
    thick = Conductor("a", Trapezoid(-0.6, 0.3, 0.4, 0.4, 0.3), SIGMA)
    thick2 = Conductor("b", Trapezoid(0.6, 0.3, 0.4, 0.4, 0.3), SIGMA)
    assert _box(thick, thick2).smallest_feature_m() == pytest.approx(0.3)  # the gap 0.8, plane gaps 0.3, 0.4
    near_top = Conductor("a", Trapezoid(0.0, 0.5, 0.6, 0.6, 0.45), SIGMA)
    assert _box(near_top).smallest_feature_m() == pytest.approx(0.05)  # 1 - (0.5 + 0.45)
    gap = _box(Conductor("a", Trapezoid(-0.3, 0.3, 0.5, 0.5, 0.3), SIGMA),
               Conductor("b", Trapezoid(0.27, 0.3, 0.5, 0.5, 0.3), SIGMA))
    assert gap.smallest_feature_m() == pytest.approx(0.07)
    # a coax: the wire's radius, or the scale (shield radius) when every feature is larger
    coax = CrossSection(Shield(0.2), (Conductor("w", Circle(0.0, 0.0, 0.15), SIGMA),), (Region("a", AIR),))
    assert coax.smallest_feature_m() == pytest.approx(0.15)
    big = CrossSection(PlaneBox(0.1, 5.0), (Conductor("w", Trapezoid(0.0, 0.02, 3.0, 3.0, 0.0), SIGMA),),
                       (Region("a", AIR),))
    assert big.smallest_feature_m() == pytest.approx(0.02)  # the zero thickness is not a feature


def test_gaps_between_shapes():
    c1, c2 = Circle(0.0, 0.0, 1.0), Circle(3.0, 4.0, 1.5)
    assert g._gap(c1, c2) == pytest.approx(2.5)
    sq = Trapezoid(5.0, -1.0, 2.0, 2.0, 2.0)  # [4, 6] x [-1, 1]
    assert g._gap(c1, sq) == pytest.approx(3.0)  # centre 4 from the square's left side, radius 1
    assert g._gap(sq, c1) == pytest.approx(3.0)
    assert g._gap(Circle(5.0, 0.0, 0.1), sq) == -1.0  # centre inside the polygon
    other = Trapezoid(5.0, 1.5, 2.0, 2.0, 1.0)  # [4, 6] x [1.5, 2.5]: 0.5 above
    assert g._gap(sq, other) == pytest.approx(0.5)
    inner = Trapezoid(5.0, -0.5, 0.5, 0.5, 0.5)  # inside sq
    assert g._gap(sq, inner) == -1.0 and g._gap(inner, sq) == -1.0
    # a plus sign: a wide flat bar and a tall thin one, no corner of either inside the other
    flat, tall = Trapezoid(0.0, 0.0, 4.0, 4.0, 1.0), Trapezoid(0.0, -1.5, 1.0, 1.0, 4.0)
    assert g._gap(flat, tall) == -1.0
    assert g._edges_cross(flat.vertices(), tall.vertices())
    assert not g._edges_cross(sq.vertices(), other.vertices())
    s1, s2 = Trapezoid(0.0, 0.0, 2.0, 2.0, 0.0), Trapezoid(0.0, 0.7, 1.0, 1.0, 0.0)  # two strips
    assert g._gap(s1, s2) == pytest.approx(0.7)
    v = sq.vertices()
    assert g._inside_polygon(v, 5.0, 0.0) and not g._inside_polygon(v, 6.0, 0.0)  # strictly inside
    assert not g._inside_polygon(v, 3.9, 0.0) and not g._inside_polygon(v, 5.0, 1.01)
    assert not g._inside_polygon(s1.vertices(), 0.0, 0.0)  # a strip has no inside


def test_cache_key():
    xs = _box(_strip())
    assert xs.key(1.0) == _box(_strip()).key(1.0)
    assert len(xs.key(1.0)) == 20
    assert xs.key(2.0) != xs.key(1.0)
    assert _box(_strip(wt=0.31)).key(1.0) != xs.key(1.0)
    assert _box(_strip(), regions=(Region("air", PTFE),)).key(1.0) != xs.key(1.0)
    labelled = CrossSection(xs.enclosure, xs.conductors, xs.regions, label="other")
    assert labelled.key(1.0) == xs.key(1.0)  # the label is not geometry


@pytest.mark.parametrize("make, field", [
    (lambda: CrossSection(PlaneBox(0.0, 3.0), (_strip(),), (Region("a", AIR),)), "enclosure"),
    (lambda: CrossSection(PlaneBox(1.0, 0.0), (_strip(),), (Region("a", AIR),)), "enclosure"),
    (lambda: CrossSection(Shield(-1.0), (_strip(),), (Region("a", AIR),)), "enclosure"),
    (lambda: _box(_strip(role="ground")), "conductors"),
    (lambda: _box(_strip(), regions=()), "regions"),
    (lambda: _box(_strip(), regions=(Region("a", AIR, Band(0.0, 0.5)),)), "regions"),
    (lambda: _box(_strip(-1.0, name="a"), _strip(1.0, name="a")), "conductors"),
    (lambda: _box(_strip(name="plane_top")), "conductors"),
    (lambda: _box(_strip(wb=0.0)), "conductors[0] (s)"),
    (lambda: _box(_strip(wt=float("nan"))), "conductors[0] (s)"),
    (lambda: _box(_strip(t=-0.1)), "conductors[0] (s)"),
    (lambda: _box(Conductor("s", Trapezoid(0.0, 0.4, 0.4, 0.3, 0.2), 0.0)), "conductors[0] (s)"),
    (lambda: _box(_strip(x=2.9)), "conductors[0] (s)"),
    (lambda: _box(_strip(y=0.9)), "conductors[0] (s)"),
    (lambda: _box(_strip(y=0.0)), "conductors[0] (s)"),
    (lambda: _box(_strip(y=0.8)), "conductors[0] (s)"),
    (lambda: _box(_strip(-0.2, name="a"), _strip(0.2, name="b")), "conductors[1] (b)"),
    (lambda: _box(_strip(-0.2, name="a"), _strip(0.2 + 1e-10, name="b", wb=0.0 + 0.4)), "conductors[1] (b)"),
    (lambda: _box(_strip(wb=1e-6, wt=1e-6)), "geometry"),
    (lambda: CrossSection(Shield(1.0), (_strip(y=0.0),), (Region("a", AIR), Region("b", FR4, Band(0.0, 0.1)))),
     "regions[1] (b)"),
    (lambda: _box(_strip(), regions=(Region("a", AIR), Region("b", FR4, Band(0.5, 0.5)))), "regions[1] (b)"),
    (lambda: _box(_strip(), regions=(Region("a", AIR), Region("b", FR4, Disk(0.0, 0.5, 0.0)))), "regions[1] (b)"),
])
def test_check_refuses_with_the_field(make, field):
    with pytest.raises(GeometryError) as err:
        make().check()
    assert err.value.field == field


def test_check_shield_cases_and_valid_sections():
    def coax(*cs):
        return CrossSection(Shield(1.0), tuple(cs), (Region("a", AIR),))

    coax(Conductor("w", Circle(0.0, 0.0, 0.3), SIGMA)).check()  # a plain coax is fine
    for wire, field in ((Circle(0.0, 0.0, 1.2), "conductors[0] (w)"), (Circle(0.5, 0.0, 0.5), "conductors[0] (w)"),
                        (Circle(0.0, 0.0, 1.0 - 1e-12), "conductors[0] (w)")):
        with pytest.raises(GeometryError) as err:
            coax(Conductor("w", wire, SIGMA)).check()
        assert err.value.field == field
    with pytest.raises(GeometryError, match="touches the shield"):
        coax(Conductor("w", Circle(0.6, 0.0, 0.4 - 1e-12), SIGMA)).check()
    with pytest.raises(GeometryError, match="inside the shield"):
        coax(Conductor("w", Trapezoid(0.0, 0.5, 1.6, 1.6, 0.2), SIGMA)).check()  # corner at r = 0.943..1.04
    coax(Conductor("w", Trapezoid(0.0, 0.0, 1.0, 1.0, 0.5), SIGMA)).check()  # corners at r = 0.707
    # a drain wire may press into the shield, but not lie beyond it
    sig = Conductor("w", Circle(-0.4, 0.0, 0.2), SIGMA)
    coax(sig, Conductor("d", Circle(0.9, 0.0, 0.2), SIGMA, "ground")).check()
    with pytest.raises(GeometryError, match="outside the shield") as err:
        coax(sig, Conductor("d", Circle(1.3, 0.0, 0.2), SIGMA, "ground")).check()
    assert err.value.field == "conductors[1] (d)"
    coax(sig, Conductor("d", Circle(1.19, 0.0, 0.2), SIGMA, "ground")).check()
    # a conductor on the magnetic side wall is outside; one just inside it is not
    _box(_strip(x=2.79)).check()
    with pytest.raises(GeometryError, match="outside its dielectric"):
        _box(_strip(x=2.8)).check()
    with pytest.raises(GeometryError, match="outside its dielectric"):
        _box(_strip(x=-2.8)).check()
    with pytest.raises(GeometryError, match="touches the top"):
        _box(_strip(y=0.8 - 1e-12)).check()
    with pytest.raises(GeometryError, match="touches the bottom"):
        _box(_strip(y=1e-12)).check()
    with pytest.raises(GeometryError, match="outside its dielectric"):
        _box(_strip(y=-0.01)).check()
    with pytest.raises(GeometryError, match="outside its dielectric"):
        _box(_strip(y=0.81)).check()
    _box(_strip(y=1e-3)).check()
    _box(_strip(-0.25, name="a"), _strip(0.25, name="b")).check()  # 0.1 apart at the bottom
    _box(_strip(t=0.0)).check()  # a zero-thickness strip is allowed
    _box(_strip(wb=1e-4, wt=1e-4, t=1e-4)).check()  # features at 1e-4 of the size: above 1e-5
    with pytest.raises(GeometryError) as err:
        _box(_strip(wb=2e-5, wt=2e-5, t=2e-5), h=10.0).check()  # 2e-6 of the size
    assert err.value.field == "geometry"


# -- mesh -------------------------------------------------------------------------------------------

def test_mesh_sizes_by_hand():
    xs = _box(_strip())  # smallest feature: the thickness 0.2, scale 1
    s = xm.mesh_sizes(xs)
    h_edge = min(0.2 / 3, 1 / 12)
    assert s.h_edge_m == pytest.approx(h_edge)
    assert s.h_corner_m == pytest.approx(h_edge / xm.CORNER_RATIO)
    assert s.h_far_m == pytest.approx(1 / 3)
    assert s.h_wall_m == pytest.approx(max(h_edge, 1 / 16))
    assert s.grading == pytest.approx(xm.GRADING)
    s2 = xm.mesh_sizes(xs, level=2.0)
    assert [s2.h_corner_m, s2.h_edge_m, s2.h_far_m, s2.h_wall_m, s2.grading] == pytest.approx(
        [s.h_corner_m / 2, s.h_edge_m / 2, s.h_far_m / 2, s.h_wall_m / 2, s.grading / 2])
    coax = CrossSection(Shield(1.0), (Conductor("w", Circle(0.0, 0.0, 0.4), SIGMA),), (Region("a", AIR),))
    c = xm.mesh_sizes(coax)  # no corners; 0.4 / 8 = 0.05 beats min(0.4 / 3, 1 / 12)
    assert c.h_edge_m == pytest.approx(0.05) and c.h_corner_m == pytest.approx(0.05)
    assert c.h_wall_m == pytest.approx(1 / 16)
    wide = _box(_strip(wb=0.6, wt=0.6, t=0.3, y=0.35))  # features 0.3, 0.35: h_edge = 0.3 / 3 > 1 / 12
    assert xm.mesh_sizes(wide).h_edge_m == pytest.approx(1 / 12)
    assert xm.mesh_sizes(wide).h_wall_m == pytest.approx(1 / 12)


def _measure(xmesh, tag=None, facets=None):
    """Area of the cells of one tag, or length of the given facets (quadratic geometry)."""
    import ufl
    from dolfinx import fem, mesh as dmesh

    msh = xmesh.mesh
    if facets is None:
        dx = ufl.Measure("dx", domain=msh, subdomain_data=xmesh.cell_tags)
        return fem.assemble_scalar(fem.form(fem.Constant(msh, 1.0) * (dx if tag is None else dx(tag))))
    ft = dmesh.meshtags(msh, 1, np.sort(facets).astype(np.int32), np.ones(len(facets), dtype=np.int32))
    one = fem.Constant(msh, 1.0)
    ds = ufl.Measure("ds", domain=msh, subdomain_data=ft)
    dS = ufl.Measure("dS", domain=msh, subdomain_data=ft)
    return fem.assemble_scalar(fem.form(one * ds(1))) + fem.assemble_scalar(fem.form(one("+") * dS(1)))


def test_coax_mesh_measures_and_tags():
    """Shield R = 1, wire r = 0.35, PTFE insulation to r = 0.6 in air: areas and perimeters of the
    quadratic mesh to 1e-4 (curved P2 edges), tags numbered regions + 1 and surfaces + 1."""
    r, rd = 0.35, 0.6
    xs = CrossSection(Shield(1.0), (Conductor("w", Circle(0.0, 0.0, r), SIGMA),),
                      (Region("air", AIR), Region("ptfe", PTFE, Disk(0.0, 0.0, rd))))
    m = xm.build_mesh(xs, level=0.5)
    assert _measure(m) == pytest.approx(math.pi * (1 - r**2), rel=1e-4)
    assert _measure(m, 2) == pytest.approx(math.pi * (rd**2 - r**2), rel=1e-4)
    assert _measure(m, 1) == pytest.approx(math.pi * (1 - rd**2), rel=1e-4)
    assert _measure(m, facets=m.conductor_facets[0]) == pytest.approx(2 * math.pi * r, rel=1e-4)
    assert _measure(m, facets=m.ground_facets) == pytest.approx(2 * math.pi, rel=1e-4)
    assert sorted(np.unique(m.cell_tags.values).tolist()) == [1, 2]
    assert sorted(np.unique(m.facet_tags.values).tolist()) == [1, 2]
    assert m.slits == ()
    wire = m.facet_tags.find(1)
    assert np.array_equal(np.sort(wire), np.sort(m.conductor_facets[0]))
    assert np.array_equal(np.sort(m.facet_tags.find(2)), np.sort(m.ground_facets))
    assert m.sizes == xm.mesh_sizes(xs, 0.5)


def test_stripline_mesh_with_a_band_a_hole_and_a_slit():
    """A plane box (h = 1, half width 2) with an FR4 band from y = 0.1 to 0.3, a trapezoid trace (a hole of
    area (0.4 + 0.3)/2 * 0.2) and a zero-thickness strip of width 0.5 (interior facets of that length)."""
    tr = Conductor("t", Trapezoid(-0.6, 0.5, 0.4, 0.3, 0.2), SIGMA)
    sl = Conductor("s", Trapezoid(0.7, 0.5, 0.5, 0.5, 0.0), SIGMA)
    xs = CrossSection(PlaneBox(1.0, 2.0), (tr, sl), (Region("air", AIR), Region("fr4", FR4, Band(0.1, 0.3))))
    m = xm.build_mesh(xs, level=0.5)
    hole = 0.5 * (0.4 + 0.3) * 0.2
    assert _measure(m) == pytest.approx(4.0 - hole, rel=1e-9)
    assert _measure(m, 2) == pytest.approx(4.0 * 0.2, rel=1e-9)
    assert _measure(m, facets=m.conductor_facets[1]) == pytest.approx(0.5, rel=1e-9)
    side = math.hypot(0.05, 0.2)
    assert _measure(m, facets=m.conductor_facets[0]) == pytest.approx(0.4 + 0.3 + 2 * side, rel=1e-9)
    assert _measure(m, facets=m.ground_facets) == pytest.approx(8.0, rel=1e-9)  # both planes, 4 each
    assert m.slits == (1,)
    assert sorted(np.unique(m.facet_tags.values).tolist()) == [1, 2, 3, 4]
    assert _measure(m, facets=m.facet_tags.find(3)) == pytest.approx(4.0, rel=1e-9)
    assert _measure(m, facets=m.facet_tags.find(4)) == pytest.approx(4.0, rel=1e-9)
    # the size field: the smallest cells sit at the trace's corners, about h_corner across
    from dolfinx import mesh as dmesh

    tdim = 2
    cells = np.arange(m.mesh.topology.index_map(tdim).size_local, dtype=np.int32)
    h = m.mesh.h(tdim, cells)
    mid = dmesh.compute_midpoints(m.mesh, tdim, cells)
    corner = np.argmin(h)
    assert np.min(np.hypot(*(tr.shape.vertices() - mid[corner, :2]).T)) < 5 * m.sizes.h_corner_m
    assert h.min() < 3 * m.sizes.h_corner_m
    assert h.max() < 1.5 * m.sizes.h_far_m


def _crosses_by_parameters(va, vb):
    """Independent reference: two edges cross when the intersection of their lines lies strictly
    inside both (solve a + t (b - a) = c + u (d - c) for t, u in (0, 1))."""
    def edges(v):
        return [(v[i], v[(i + 1) % len(v)]) for i in range(len(v))] if len(v) > 2 else [(v[0], v[1])]

    for a, b in edges(va):
        for c, d in edges(vb):
            m = np.column_stack([b - a, c - d])
            if abs(np.linalg.det(m)) < 1e-14:
                continue
            t, u = np.linalg.solve(m, c - a)
            if 1e-12 < t < 1 - 1e-12 and 1e-12 < u < 1 - 1e-12:
                return True
    return False


def test_edges_cross_and_inside_against_independent_references():
    """400 random pairs of trapezoids and strips (mm-sized, off the origin): the orientation test of
    ``_edges_cross`` agrees with solving for the intersection parameters; ``_inside_polygon`` with the
    barycentric test of the polygon's triangles (points near the edges excluded); the gap is -1 exactly
    when the shapes overlap (a crossing, or a corner of one inside the other)."""
    rng = np.random.default_rng(7)
    crossings = insides = 0
    for _ in range(400):
        def shape():
            x, y = rng.uniform(1e-3, 3e-3, 2)
            wb, t = rng.uniform(2e-4, 1.5e-3, 2)
            wt = wb * rng.uniform(0.3, 1.0)
            return Trapezoid(x, y, wb, wt, t if rng.random() < 0.8 else 0.0)

        a, b = shape(), shape()
        va, vb = a.vertices(), b.vertices()
        ref = _crosses_by_parameters(va, vb)
        assert g._edges_cross(va, vb) == ref
        crossings += ref
        px, py = rng.uniform(1e-3, 3e-3, 2)
        if len(va) == 4:
            tri = [(va[0], va[1], va[2]), (va[0], va[2], va[3])]

            def bary(p, q, r):
                m = np.column_stack([q - p, r - p])
                lam = np.linalg.solve(m, np.array([px, py]) - p)
                return min(lam[0], lam[1], 1 - lam[0] - lam[1])

            margin = max(bary(*t) for t in tri)
            if abs(margin) > 1e-6 and a.distance(px, py) > 1e-9:
                inside = margin > 0
                assert g._inside_polygon(va, px, py) == inside
                insides += inside
        overlap = ref or any(g._inside_polygon(vb, *q) for q in va) or any(g._inside_polygon(va, *q) for q in vb)
        gap = g._gap(a, b)
        assert (gap == -1.0) == overlap
        if not overlap:  # apart: the gap is the smallest corner-to-boundary distance, > 0
            ref_gap = min([float(b.distance(*q)) for q in va] + [float(a.distance(*q)) for q in vb])
            assert gap == pytest.approx(ref_gap) and gap > 0
    assert crossings > 40 and insides > 20  # both branches exercised (measured: 112 and 27)


def test_gap_of_circles_off_the_origin_and_wires_displaced_in_y():
    a, b = Circle(1.0, 2.0, 0.5), Circle(4.0, 6.0, 1.0)
    assert g._gap(a, b) == pytest.approx(5.0 - 1.5)
    assert g._gap(b, a) == pytest.approx(3.5)
    # a wire displaced along y only: its reach is hypot(0, 0.6) + 0.5 = 1.1 > R = 1
    coax = lambda *cs: CrossSection(Shield(1.0), tuple(cs), (Region("a", AIR),))  # noqa: E731
    with pytest.raises(GeometryError, match="inside the shield"):
        coax(Conductor("w", Circle(0.0, 0.6, 0.5), SIGMA)).check()
    with pytest.raises(GeometryError, match="outside the shield"):  # a drain wire beyond the shield along y
        coax(Conductor("w", Circle(0.0, -0.3, 0.2), SIGMA),
             Conductor("d", Circle(0.0, 1.3, 0.2), SIGMA, "ground")).check()


def test_smallest_gap_between_the_first_and_third_of_four_conductors():
    """Four traces where the closest pair is the first and the third (0.05 apart): every pair counts."""
    cs = [Conductor("a", Trapezoid(-1.0, 0.3, 0.3, 0.3, 0.2), SIGMA),
          Conductor("b", Trapezoid(1.5, 0.3, 0.3, 0.3, 0.2), SIGMA),
          Conductor("c", Trapezoid(-0.6, 0.3, 0.3, 0.3, 0.2), SIGMA),
          Conductor("d", Trapezoid(2.5, 0.3, 0.3, 0.3, 0.2), SIGMA)]
    assert _box(*cs).smallest_feature_m() == pytest.approx(0.1)


def test_cache_key_sees_the_region_shapes_and_types():
    base = _box(_strip(), regions=(Region("air", AIR), Region("fr4", FR4, Band(0.0, 0.3))))
    moved = _box(_strip(), regions=(Region("air", AIR), Region("fr4", FR4, Band(0.0, 0.35))))
    assert base.key(1.0) != moved.key(1.0)
    disk = _box(_strip(), regions=(Region("air", AIR), Region("fr4", FR4, Disk(0.0, 0.3, 0.3))))
    assert disk.key(1.0) != base.key(1.0)
    grounded = _box(_strip(role="ground"), _strip(x=1.0, name="t"))
    assert grounded.key(1.0) != _box(_strip(), _strip(x=1.0, name="t")).key(1.0)
