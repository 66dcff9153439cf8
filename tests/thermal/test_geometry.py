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
