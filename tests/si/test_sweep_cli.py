"""The channel / sweep / reach commands, including bad input (exit 2, one line)."""

import json

import pytest

from si_thermal import paths
from si_thermal.sweep import read_results

from tests.conftest import run_cli

SPINE = str(paths.channels_dir() / "nvl72_spine_26awg.toml")


def test_cli_channel_json_and_outputs(tmp_path):
    png, s4p = tmp_path / "il.png", tmp_path / "ch.s4p"
    r = run_cli("channel", SPINE, "--json", "--points", "200", "--plot", str(png), "--touchstone", str(s4p))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"il_db_at_nyquist", "reach_m"} <= set(out) and set(out["rates"]) == {"200g", "224g"}
    assert out["rates"]["224g"]["reach_m"] < out["rates"]["200g"]["reach_m"]
    assert png.stat().st_size > 10_000 and s4p.is_file()


def test_cli_sweep_csv(tmp_path):
    out = tmp_path / "r.csv"
    r = run_cli("sweep", SPINE, "--param", "length_m=0.5:1.5:0.5", "--rate", "200g,224g", "--out", str(out),
                "--jobs", "1")
    assert r.returncode == 0, r.stderr
    rows, meta = read_results(out)
    assert len(rows) == 6 and all(row["error"] == "" for row in rows)
    assert rows[0]["il_db_at_nyquist"] < rows[-1]["il_db_at_nyquist"]  # 0.5 m vs 1.5 m
    assert out.read_text().startswith("# si_thermal ") and meta["sweep"]["rates"] == ["200g", "224g"]


def test_cli_reach_json():
    r = run_cli("reach", SPINE, "--rate", "224g", "--json")
    assert r.returncode == 0, r.stderr
    assert 1.0 < json.loads(r.stdout)["reach_m"] < 5.0


def _channel_file(tmp_path, segment: str) -> str:
    p = tmp_path / "bad.toml"
    p.write_text(f'[channel]\nname = "x"\ndescription = "x"\nsource = "x"\n\n[[segments]]\nname = "s"\n{segment}\n')
    return str(p)


@pytest.mark.parametrize("segment, fragment", [
    ('medium = "waveguide"\nlength = "1 m"', "unknown medium"),
    ('medium = "twinax"\nawg = 40\ndielectric = "fep_foamed"\nlength = "1 m"', "awg"),
    ('medium = "twinax"\nawg = 26\ndielectric = "fep_foamed"\nlength = "1 m"\ninsulation_diameter = "0.3 mm"',
     "spacing"),
    ('medium = "touchstone"\nfile = "corrupt.s2p"', "cannot read"),
    ('medium = "touchstone"\nfile = "three.s3p"', "3 ports"),
])
def test_cli_bad_input_one_line_exit_2(tmp_path, segment, fragment):
    (tmp_path / "corrupt.s2p").write_text("# GHz S MA R 50\nnot numbers\n")
    (tmp_path / "three.s3p").write_text("# GHz S MA R 50\n" + "1 " + " ".join(["0.1 0"] * 9) + "\n"
                                        + "2 " + " ".join(["0.1 0"] * 9) + "\n")
    r = run_cli("channel", _channel_file(tmp_path, segment), "--points", "50")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr


def test_cli_bad_rate_and_criterion():
    for args in (("reach", SPINE, "--rate", "300g"), ("reach", SPINE, "--criterion", "eye")):
        r = run_cli(*args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_cli_sweep_unknown_parameter_name_exit_2_nothing_written(tmp_path):
    """A parameter name no point can use is bad input: one line, exit 2, no results file (it used to
    run every point and write a file whose every row held the same error)."""
    out = tmp_path / "res.csv"
    for spec in ("nosuch.length=1:2:0.5", "cable.colour=1,2"):
        r = run_cli("sweep", SPINE, "--param", spec, "--rate", "200g", "--out", str(out))
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and spec.split("=")[0] in r.stderr
        assert not out.exists()


def test_cli_usage_errors_and_bad_figure_names_exit_2_without_traceback(tmp_path):
    """Usage errors (missing argument, unknown option) used to end in a ModuleNotFoundError traceback
    (typer >= 0.2x vendors click, so ``import click`` failed); a --plot name matplotlib cannot write
    used to fail after the whole computation with a traceback."""
    for args in (("channel",), ("link", SPINE, "--bogus")):
        r = run_cli(*args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    for args in (("channel", SPINE, "--plot", str(tmp_path / "il.txt")),
                 ("link", SPINE, "--std", "802.3dj", "--plot", str(tmp_path / "eye.txt"))):
        r = run_cli(*args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--plot" in r.stderr, r.stderr
        assert not list(tmp_path.iterdir())
