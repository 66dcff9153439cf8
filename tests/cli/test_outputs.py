"""Outputs say where they came from; an output that cannot be written is found before any work."""

from __future__ import annotations

import json

import pytest

from si_thermal import provenance

SPINE = "channels/nvl72_spine_26awg.toml"


def test_channel_json_and_touchstone_carry_provenance(cli, tmp_path):
    import skrf

    s2p = tmp_path / "ch.s2p"
    r = cli("channel", SPINE, "--rate", "200g", "--points", "60", "--json", "--touchstone", str(s2p))
    assert r.returncode == 0, r.stderr
    prov = json.loads(r.stdout)["provenance"]
    assert prov["command"].startswith("si-thermal channel") and prov["version"]
    assert any(k.endswith("nvl72_spine_26awg.toml") for k in prov["inputs_sha256"])
    assert any(k.endswith("host_tray_m7.toml") for k in prov["inputs_sha256"])  # a board the channel names
    head = s2p.read_text().splitlines()[:3]
    assert head[0].startswith("! si_thermal ") and head[1].startswith("! command: si-thermal channel")
    assert len(skrf.Network(str(s2p)).f) == 60  # still a valid Touchstone file


@pytest.mark.parametrize("args", [
    ["channel", SPINE, "--touchstone", "{blocker}/x.s2p"],
    ["sweep", SPINE, "--param", "length_m=1", "--out", "{blocker}/r.csv"],
    ["report", "gb200_nvl72", "-o", "{blocker}/r.pdf"],
    ["thermal", "boards/gpu_package_b200class.toml", "--cooling", "coldplate", "--xdmf", "{blocker}"],
])
def test_unwritable_output_is_found_before_any_work(cli, tmp_path, args):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    r = cli(*[a.format(blocker=blocker) for a in args])
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr and str(blocker) in lines[0]
    assert r.stdout == ""


def test_xdmf_stamp_on_a_real_solve(tmp_path):
    import dolfinx_solver  # noqa: F401
    from dolfinx import fem, mesh
    from mpi4py import MPI

    from si_thermal.cli.output import stamp_xdmf
    from si_thermal.thermal.heat import write_xdmf

    m = mesh.create_unit_cube(MPI.COMM_SELF, 2, 2, 2)
    u = fem.Function(fem.functionspace(m, ("Lagrange", 1)))
    u.x.array[:] = 300.0
    path = write_xdmf(tmp_path / "t.xdmf", u)
    stamp_xdmf(path, [SPINE])
    assert provenance.read_xdmf_provenance(path)["inputs_sha256"]
    text = path.read_text()
    assert '<Information Name="unit" Value="K"' in text
    assert "<xi:include" in text and "ns0:" not in text  # the XInclude of the mesh survives the rewrite
