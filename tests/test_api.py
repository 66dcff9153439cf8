"""The public API: what ``si_thermal`` and its subpackages export, lazily, and that it takes the
same inputs as the CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import si_thermal as st
from si_thermal import paths

SPINE = paths.channels_dir() / "nvl72_spine_26awg.toml"


def test_import_is_light_and_exports_resolve():
    code = ("import sys, si_thermal as st, si_thermal.si, si_thermal.system, si_thermal.reliability; "
            "[getattr(st, n) for n in st.__all__ if n not in ('thermal', 'solve_package', 'PackageModel', "
            "'power_limit', 'analyze_backplane', 'values_at', 'temperature_c_at', 'build_report', 'report')]; "
            "print('dolfinx' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]  # no FEM stack, no pyplot on import


@pytest.mark.parametrize("pkg", ["si_thermal", "si_thermal.si", "si_thermal.thermal", "si_thermal.reliability",
                                 "si_thermal.system", "si_thermal.report", "si_thermal.config"])
def test_every_name_in_all_exists(pkg):
    import importlib

    mod = importlib.import_module(pkg)
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing and len(set(mod.__all__)) == len(mod.__all__)
    with pytest.raises(AttributeError):
        mod.no_such_name  # noqa: B018


def test_compute_com_takes_the_channel_toml_the_cli_takes():
    from si_thermal.si.com.pulses import TOML_DF_HZ

    params = st.load_com_params("802.3dj")
    fb = params.symbol_rate_hz
    net = st.channel_network(SPINE, np.arange(0.0, 1.5 * fb + TOML_DF_HZ, TOML_DF_HZ))
    by_net = st.compute_com(net, params=params, eye=False)
    by_file = st.compute_com(str(SPINE), params="802.3dj", eye=False)
    assert by_file.com_db == pytest.approx(by_net.com_db, abs=1e-9)


def test_point_evaluation_is_exact_for_a_linear_field():
    import dolfinx_solver  # noqa: F401
    from dolfinx import fem, mesh
    from mpi4py import MPI

    m = mesh.create_unit_cube(MPI.COMM_SELF, 3, 3, 3)
    u = fem.Function(fem.functionspace(m, ("Lagrange", 1)))
    u.interpolate(lambda x: 300.0 + 2.0 * x[0] - 3.0 * x[1] + 5.0 * x[2])
    pts = np.array([[0.1, 0.2, 0.3], [0.77, 0.5, 0.05], [2.0, 0.0, 0.0]])
    v = st.values_at(u, pts)
    assert v[:2] == pytest.approx(300.0 + 2 * pts[:2, 0] - 3 * pts[:2, 1] + 5 * pts[:2, 2], abs=1e-12)
    assert np.isnan(v[2])  # outside the mesh
    assert st.temperature_c_at(u, pts[:1])[0] == pytest.approx(v[0] - 273.15)
