"""Stack geometry built directly in DOLFINx: named regions and boundaries, exact volumes, bad layers."""

from __future__ import annotations

import numpy as np
import pytest
from mpi4py import MPI

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.thermal.geometry import (StackGeometry, StackLayer, mesh_stack, package_geometry)

PKG = paths.boards_dir() / "gpu_package_b200class.toml"


def _stack(thickness=0.5e-3):
    return StackGeometry(layers=(
        StackLayer("base", 1e-3, 2, (("base", (-5e-3, 5e-3, -5e-3, 5e-3)),)),
        StackLayer("chip", thickness, 1, (("chip", (-2e-3, 2e-3, -2e-3, 2e-3)),)),
    ), cooled=(-2e-3, 2e-3, -2e-3, 2e-3), mesh_size_m=1e-3)


def test_regions_and_boundaries_are_named_with_exact_volumes_and_areas(tmp_path, monkeypatch):
    """Built directly (no file): tags by name, the void column left out, volumes and areas exact."""
    import ufl
    from dolfinx import fem

    monkeypatch.setenv("SI_THERMAL_ROOT", str(tmp_path))
    geom = _stack()
    tm = mesh_stack(geom, MPI.COMM_SELF)
    assert set(tm.regions) == {"base", "chip"}
    assert set(tm.boundaries) == {"coolant", "board", "adiabatic"}
    assert tm.path is None and not (tmp_path / "meshes").exists()  # nothing written
    # the chip column outside its footprint is void: 10x10 base + 4x4 chip hexahedra per layer
    counts = dict(zip(*np.unique(tm.cell_tags.values, return_counts=True)))
    assert counts[tm.regions["base"]] == 10 * 10 * 2 and counts[tm.regions["chip"]] == 4 * 4
    one = fem.Constant(tm.mesh, 1.0)
    dx = ufl.Measure("dx", domain=tm.mesh, subdomain_data=tm.cell_tags)
    ds = ufl.Measure("ds", domain=tm.mesh, subdomain_data=tm.facet_tags)
    vol = {n: fem.assemble_scalar(fem.form(one * dx(t))) for n, t in tm.regions.items()}
    area = {n: fem.assemble_scalar(fem.form(one * ds(t))) for n, t in tm.boundaries.items()}
    assert vol["base"] == pytest.approx(1e-4 * 1e-3, rel=1e-12)
    assert vol["chip"] == pytest.approx(16e-6 * 0.5e-3, rel=1e-12)
    assert area["coolant"] == pytest.approx(16e-6, rel=1e-12)
    assert area["board"] == pytest.approx(1e-4, rel=1e-12)
    # sides of base and chip, and the base top around the chip
    assert area["adiabatic"] == pytest.approx(4 * 10e-3 * 1e-3 + 4 * 4e-3 * 0.5e-3 + 1e-4 - 16e-6, rel=1e-12)
    assert _stack(0.6e-3).key() != geom.key()


def test_a_layer_of_zero_thickness_is_an_input_error():
    slab = (-5e-3, 5e-3, -5e-3, 5e-3)
    bad = StackGeometry(layers=(StackLayer("base", 1e-3, 2, (("base", slab),)),
                                StackLayer("flat", 0.0, 1, (("flat", slab),))),
                        cooled=(-2e-3, 2e-3, -2e-3, 2e-3), mesh_size_m=1e-3)
    with pytest.raises(InputError, match="flat: layer thickness must be positive"):
        mesh_stack(bad, MPI.COMM_SELF)


def test_package_stacks_per_cooling():
    pkg = config.load_package(PKG)
    cp = package_geometry(pkg, "coldplate", 5e-3)
    mc = package_geometry(pkg, "microchannel", 5e-3)
    assert [layer.name for layer in cp.layers][-3:] == ["lid", "tim2", "coldplate"]
    assert [layer.name for layer in mc.layers][-1] == "lid"
    assert mc.layers[-1].thickness_m == pytest.approx(1.0e-3)  # lid base under the channels
    assert "gpu0_active" in cp.region_names() and "mold" in cp.region_names()
    with pytest.raises(InputError, match="unknown cooling"):
        package_geometry(pkg, "immersion", 5e-3)


def _mm(layer):
    return [(name, tuple(round(v * 1e3, 6) for v in rect)) for name, rect in layer.regions]


def test_package_stack_against_the_file_by_hand():
    """Every layer of gpu_package_b200class.toml (thicknesses, element layers, region rectangles) and the
    cooled field, worked out by hand from the file: element layers ceil(t / (h/2)), at most 12; die
    rectangles from centre +- size/2; the active layer's per-die regions, the mold filling the interposer;
    the floorplan file's blocks placed from the die's lower-left corner, a fully tiled die keeping no
    background region."""
    pkg = config.load_package(PKG)
    g = package_geometry(pkg, "coldplate", 0.6e-3)          # h/2 = 0.3 mm
    dies = [("gpu0", (-25.75, -0.15, -15.625, 15.625)), ("gpu1", (0.15, 25.75, -15.625, 15.625))]
    mold = ("mold", (-28.0, 28.0, -20.0, 20.0))
    want = [("substrate", 2.0, 7, [("substrate", (-42.5, 42.5, -42.5, 42.5))]),
            ("interposer", 0.1, 1, [("interposer", (-28.0, 28.0, -20.0, 20.0))]),
            ("active", 0.05, 1, [(f"{n}_active", r) for n, r in dies] + [mold]),
            ("die", 0.725, 3, dies + [mold]),
            ("tim1", 0.15, 1, [("tim1", (-28.0, 28.0, -20.0, 20.0))]),
            ("lid", 3.0, 10, [("lid", (-35.0, 35.0, -35.0, 35.0))]),
            ("tim2", 0.05, 1, [("tim2", (-32.0, 32.0, -30.0, 30.0))]),
            ("coldplate", 2.0, 7, [("coldplate", (-32.0, 32.0, -30.0, 30.0))])]
    assert len(g.layers) == len(want)
    for layer, (name, t_mm, n, regions) in zip(g.layers, want):
        assert (layer.name, layer.n_elements, _mm(layer)) == (name, n, regions)
        assert layer.thickness_m == pytest.approx(t_mm * 1e-3, rel=1e-12)
    assert tuple(round(v * 1e3, 6) for v in g.cooled) == (-32.0, 32.0, -30.0, 30.0)
    assert g.mesh_size_m == 0.6e-3
    fine = package_geometry(pkg, "coldplate", 0.2e-3)       # lid 3 mm / 0.1 mm = 30 -> capped at 12
    assert [layer.n_elements for layer in fine.layers] == [12, 1, 1, 8, 2, 12, 1, 12]
    mc = package_geometry(pkg, "microchannel", 0.6e-3)       # the lid base under the channels, 1.0 mm
    assert [layer.name for layer in mc.layers] == [w[0] for w in want[:6]]
    assert (mc.layers[-1].thickness_m, mc.layers[-1].n_elements) == (pytest.approx(1.0e-3), 4)
    assert _mm(mc.layers[-1]) == [("lid", (-35.0, 35.0, -35.0, 35.0))]
    assert tuple(round(v * 1e3, 6) for v in mc.cooled) == (-32.0, 32.0, -30.0, 30.0)
    fp = package_geometry(config.load_package(paths.boards_dir() / "gpu_package_b200class_floorplan.toml"),
                          "coldplate", 0.6e-3)
    active = dict(_mm(fp.layers[2]))
    assert active["gpu0_hot0"] == (-25.75, -24.25, -15.625, 15.625)   # x = 0, w = 1.5 mm from the corner
    assert active["gpu0_hot1"] == (-1.65, -0.15, -15.625, 15.625)     # x = 24.1 mm
    assert "gpu0_active" not in active and "gpu1_active" not in active and active["mold"] == mold[1]
    assert _mm(fp.layers[3]) == dies + [mold]
