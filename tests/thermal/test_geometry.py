"""gmsh stack geometry: named regions and boundaries, caching, and meshes gmsh cannot make."""

from __future__ import annotations

import meshio
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


def test_regions_and_boundaries_are_named_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("SI_THERMAL_ROOT", str(tmp_path))
    geom = _stack()
    tm = mesh_stack(geom, MPI.COMM_SELF)
    assert set(tm.regions) == {"base", "chip"}
    assert set(tm.boundaries) == {"coolant", "board", "adiabatic"}
    assert tm.path == tmp_path / "meshes" / "cache" / f"{geom.key()}.msh"
    # the chip column outside its footprint is void: 10x10 base + 4x4 chip hexahedra per layer
    counts = dict(zip(*np.unique(tm.cell_tags.values, return_counts=True)))
    assert counts[tm.regions["base"]] == 10 * 10 * 2 and counts[tm.regions["chip"]] == 4 * 4
    m = meshio.read(tm.path)  # readable by meshio
    assert "hexahedron" in m.cells_dict
    mtime = tm.path.stat().st_mtime_ns
    again = mesh_stack(geom, MPI.COMM_SELF)
    assert again.path.stat().st_mtime_ns == mtime  # read from the cache, not rebuilt
    assert _stack(0.6e-3).key() != geom.key()


def test_a_mesh_gmsh_cannot_make_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SI_THERMAL_ROOT", str(tmp_path))
    slab = (-5e-3, 5e-3, -5e-3, 5e-3)
    bad = StackGeometry(layers=(StackLayer("base", 1e-3, 2, (("base", slab),)),
                                StackLayer("flat", 0.0, 1, (("flat", slab),))),
                        cooled=(-2e-3, 2e-3, -2e-3, 2e-3), mesh_size_m=1e-3)
    with pytest.raises(InputError, match="gmsh cannot make a valid mesh"):
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
