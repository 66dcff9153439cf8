"""Provenance stamps: version, command and SHA-256 of every input, in each output format."""

from __future__ import annotations

import hashlib
import json

from si_thermal import __version__, paths, provenance

SPINE = paths.channels_dir() / "nvl72_spine_26awg.toml"


def test_collect_follows_named_files_and_hashes_them():
    prov = provenance.collect([SPINE], command="si-thermal channel x")
    names = {p.split("/")[-1] for p in prov.inputs}
    # the channel, the board it names, and the packaged tables every model reads
    assert {"nvl72_spine_26awg.toml", "serdes.toml", "com_params.toml", "materials.toml"} <= names
    (path, digest), = [(p, h) for p, h in prov.inputs.items() if p.endswith("nvl72_spine_26awg.toml")]
    assert digest == hashlib.sha256(SPINE.read_bytes()).hexdigest()
    assert prov.version == __version__ and prov.command == "si-thermal channel x"


def test_hash_changes_with_the_file(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    h1 = provenance.sha256_file(f)
    f.write_text("x = 22\n")
    assert provenance.sha256_file(f) != h1


def test_formats_carry_the_stamp(tmp_path):
    prov = provenance.collect([SPINE], command="si-thermal sweep y")
    js = provenance.stamp_json([{"a": 1}], prov)
    assert js["results"] == [{"a": 1}] and js["provenance"]["inputs_sha256"] == dict(prov.inputs)
    assert provenance.stamp_json({"a": 1}, prov)["a"] == 1
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(provenance.csv_text([{"length_m": 1.0}], ["length_m"], prov))
    assert provenance.read_csv_rows(csv_path) == [{"length_m": "1.0"}]
    assert provenance.read_csv_provenance(csv_path)[1] == "command: si-thermal sweep y"
    assert all(line.startswith("! ") for line in provenance.touchstone_comments(prov).splitlines())
    meta = provenance.parquet_metadata(prov)
    assert json.loads(meta[b"si_thermal.provenance"])["version"] == __version__


def test_xdmf_stamp_and_unit(tmp_path):
    x = tmp_path / "t.xdmf"
    x.write_text('<?xml version="1.0"?>\n<!DOCTYPE Xdmf SYSTEM "Xdmf.dtd" []>\n'
                 '<Xdmf Version="3.0" xmlns:xi="https://www.w3.org/2001/XInclude"><Domain><Grid Name="m">'
                 '<Attribute Name="temperature" AttributeType="Scalar" Center="Node"/></Grid></Domain></Xdmf>\n')
    prov = provenance.collect([], command="si-thermal thermal z", packaged=False)
    provenance.stamp_xdmf(x, prov, {"temperature": "K"})
    assert provenance.read_xdmf_provenance(x)["command"] == "si-thermal thermal z"
    text = x.read_text()
    assert '<Information Name="unit" Value="K"' in text and "ns0" not in text


def test_command_line_names_the_cli():
    assert provenance.command_line(["/x/.venv/bin/si-thermal", "link", "a b.toml"]) == "si-thermal link 'a b.toml'"
