"""Regression tests for every defect of the issue-12 fuzzing table: each input once gave a wrong
answer with exit 0, a traceback, a bogus non-convergence, a hang or a silent interrupt. Now each
gives one line naming the file and field with exit 2 (or 130/143 for signals), or a finite result.

Most run the entry point in-process (:func:`run`) to stay fast; the signal tests use a subprocess.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import si_thermal.cli as cli_module
from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.units import UnitError, parse_quantity

from tests.conftest import CLI, ROOT

SPINE = paths.channels_dir() / "nvl72_spine_26awg.toml"
PACKAGE = paths.boards_dir() / "gpu_package_b200class.toml"
BACKPLANE = paths.boards_dir() / "backplane_78L_m9.toml"
HOST = paths.boards_dir() / "host_tray_m7.toml"
GB200 = paths.racks_dir() / "gb200_nvl72.toml"


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """``si-thermal ARGS`` in-process: (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["si-thermal", *map(str, args)])
    code = 0
    try:
        cli_module.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(result, *fragments: str, status: int = 2) -> str:
    code, _out, err = result
    lines = err.strip().splitlines()
    assert code == status, (code, err)
    assert len(lines) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def mutated(tmp_path: Path, src: Path, old: str, new: str, name: str | None = None) -> Path:
    text = src.read_text()
    assert old in text, old
    out = tmp_path / (name or src.name)
    out.write_text(text.replace(old, new, 1))
    return out


@pytest.fixture
def cli(capsys, monkeypatch):
    return lambda *args: run(capsys, monkeypatch, *args)


# --------------------------------------------------------------------------------------------
# Touchstone files written as text
# --------------------------------------------------------------------------------------------


def s2p(f: np.ndarray, *, unit: str = "HZ", s21: float | np.ndarray = 0.5, s11: float = 0.05,
        header: str | None = None) -> str:
    """A 2-port Touchstone v1 text, RI format, 100 ohm; ``f`` in the option line's unit."""
    lines = [header or f"# {unit} S RI R 100"]
    s21 = np.broadcast_to(s21, f.shape)
    for fi, t in zip(f, s21):
        lines.append(f"{float(fi)!r} {s11} 0 {float(t)!r} 0 {float(t)!r} 0 {s11} 0")
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


GOOD_F_GHZ = np.linspace(0.01, 60.0, 41)


# --------------------------------------------------------------------------------------------
# wrong answer, exit 0
# --------------------------------------------------------------------------------------------


def test_1000_km_cable_is_rejected_not_a_nan_verdict(cli, tmp_path):
    ch = mutated(tmp_path, SPINE, 'length = "1.0 m"', 'length = "1000000 m"')
    line = one_line_error(cli("channel", ch, "--json", "--rate", "200g"), str(ch), "segments[2].length", "100 m")
    assert "[0 m, 100 m]" in line


def test_length_override_is_held_to_the_segment_range(cli):
    one_line_error(cli("channel", SPINE, "--length-m", "1e6"), "--length-m", "100 m")
    one_line_error(cli("channel", SPINE, "--length-m", "nan"), "--length-m", "finite")


def test_non_finite_metric_is_an_error_and_json_is_strict():
    from si_thermal.cli.output import dumps, require_finite

    with pytest.raises(InputError, match=r"x\.rates\[1\]\.il.*not finite"):
        require_finite({"x": {"rates": [{"il": 1.0}, {"il": math.nan}]}}, "ch.toml")
    with pytest.raises(InputError, match="ch.toml"):
        dumps({"com_db": math.inf}, "ch.toml")
    assert json.loads(dumps({"a": 1.5, "b": None})) == {"a": 1.5, "b": None}


def test_non_passive_touchstone_is_rejected_by_link_and_channel(cli, tmp_path):
    """S21 x 1e6 gave COM NaN through ``link`` (it never checked passivity)."""
    p = write(tmp_path, "gain.s2p", s2p(GOOD_F_GHZ, unit="GHZ", s21=0.5e6))
    one_line_error(cli("link", p), str(p), "not passive")
    from si_thermal.si import touchstone

    with pytest.raises(InputError, match="not passive"):
        touchstone.read_sdd(p)


def test_small_passivity_violation_is_repaired_with_a_warning_saying_by_how_much(tmp_path):
    from si_thermal.si import touchstone

    p = write(tmp_path, "noise.s2p", s2p(GOOD_F_GHZ, unit="GHZ", s21=1.02, s11=0.0))
    with pytest.warns(touchstone.TouchstoneWarning, match=r"by up to 0\.17\d dB"):
        net = touchstone.read_network(p)
    assert np.linalg.svd(net.s, compute_uv=False).max() <= 1 + 1e-9


@pytest.mark.parametrize("n", [1, 2])
def test_one_or_two_point_file_gives_no_com(cli, tmp_path, n):
    p = write(tmp_path, f"p{n}.s2p", s2p(np.linspace(1.0, 50.0, n), unit="GHZ"))
    one_line_error(cli("link", p), str(p), f"{n} frequency points")


def test_reversed_frequencies_are_rejected(tmp_path):
    from si_thermal.si import touchstone

    p = write(tmp_path, "rev.s2p", s2p(GOOD_F_GHZ[::-1], unit="GHZ"))
    with pytest.raises(InputError, match="increase strictly"):
        touchstone.read_network(p)


@pytest.mark.parametrize(("unit", "scale", "likely"), [("GHZ", 1e3, "MHz"), ("HZ", 1.0, "GHz")])
def test_frequency_unit_that_does_not_fit_the_data(tmp_path, unit, scale, likely):
    """``# GHz`` on a file written in MHz (COM +1.7 instead of -15.6 dB); ``# HZ`` on a GHz file
    (tried to allocate 2 PiB)."""
    from si_thermal.si import touchstone

    p = write(tmp_path, "unit.s2p", s2p(GOOD_F_GHZ * scale, unit=unit))
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=f"option line's frequency unit.*{likely}"):
        touchstone.read_network(p)
    assert time.perf_counter() - t0 < 5


def test_repeated_param_is_an_error_not_a_silent_drop(cli, tmp_path):
    one_line_error(cli("sweep", SPINE, "--param", "length_m=1", "--param", "length_m=2", "--out",
                       tmp_path / "r.csv"), "--param", "more than once")
    assert not (tmp_path / "r.csv").exists()


def test_non_integer_awg_is_not_computed_as_another_gauge(cli, tmp_path):
    from si_thermal.sweep.channel import apply

    ch = config.load_channel(SPINE)
    with pytest.raises(InputError, match="not an integer"):
        apply(ch, {"cable.awg": 26.4}, str(SPINE))
    assert apply(ch, {"cable.awg": 28.0}, str(SPINE))[0].segments[2].awg == 28
    with pytest.raises(InputError, match="100 m"):
        apply(ch, {"length_m": 1e6}, str(SPINE))
    one_line_error(cli("sweep", GB200, "--param", "awg=26.4", "--out", tmp_path / "r.csv"), "awg", "integer")


def test_inlet_below_absolute_zero(cli, tmp_path):
    pkg = mutated(tmp_path, PACKAGE, 'inlet = "35 degC"', 'inlet = "-300 degC"')
    one_line_error(cli("validate", pkg), str(pkg), "coldplate.inlet", "absolute zero")
    one_line_error(cli("thermal", PACKAGE, "--cooling", "coldplate", "--inlet-c", "-300"), "--inlet-c")
    one_line_error(cli("thermal", PACKAGE, "--cooling", "coldplate", "--inlet-c", "-60"), "--inlet-c", "pg25")


def test_gradient_of_10000_k(cli, tmp_path):
    bp = mutated(tmp_path, BACKPLANE, 'gradient = "25 K"', 'gradient = "10000 K"')
    one_line_error(cli("validate", bp), str(bp), "backplane.gradient")
    one_line_error(cli("backplane", BACKPLANE, "--gradient-k", "10000"), "--gradient-k", "150")


def test_availability_of_1e_300(cli, tmp_path):
    src = paths.racks_dir() / "gb300_nvl72.toml"
    text = src.read_text()
    assert "[cost]" in text
    rack = tmp_path / src.name
    line = next(x for x in text.splitlines() if x.startswith("availability"))
    rack.write_text(text.replace(line, "availability = 1e-300", 1))
    one_line_error(cli("validate", rack), str(rack), "cost.availability", "0.01")


def test_negative_il_budget_and_snr(cli, tmp_path):
    serdes = paths.channels_dir() / "serdes.toml"
    text = serdes.read_text()
    budget = next(line for line in text.splitlines() if line.startswith("il_budget"))
    bad = write(tmp_path, "serdes.toml", text.replace(budget, 'il_budget = "-40 dB"', 1))
    one_line_error(cli("validate", bad), str(bad), "il_budget", "greater than 0 dB")
    com = paths.channels_dir() / "com_params.toml"
    bad = mutated(tmp_path, com, 'snr_tx = "27 dB"', 'snr_tx = "-27 dB"')
    one_line_error(cli("validate", bad), str(bad), "snr_tx")


def test_empty_package_line_list_does_not_drop_the_package(cli, tmp_path):
    bad = mutated(tmp_path, paths.channels_dir() / "com_params.toml", 'z_p = ["12 mm"]', "z_p = []")
    one_line_error(cli("validate", bad), str(bad), "z_p")
    bad = mutated(tmp_path, paths.channels_dir() / "com_params.toml", 'z_p = ["12 mm"]', 'z_p = ["12 mm", "3 mm"]')
    one_line_error(cli("validate", bad), str(bad), "z_c has 1 values and z_p 2")


def test_finiteness_is_checked_after_unit_scaling():
    with pytest.raises(UnitError, match="not a finite"):
        parse_quantity("1e308 GHz", "frequency")
    with pytest.raises(UnitError, match="not a finite"):
        parse_quantity("1e400 m", "length")


def test_empty_materials_file(cli, tmp_path):
    p = write(tmp_path, "materials.toml", "# nothing\n")
    one_line_error(cli("validate", p), str(p), "materials")


def test_validate_runs_the_checks_of_the_commands(cli, tmp_path):
    """A channel naming a Touchstone file the commands reject used to validate."""
    write(tmp_path, "two.s2p", s2p(np.array([1.0, 50.0]), unit="GHZ"))
    ch = tmp_path / "ts.toml"
    ch.write_text('[channel]\nname = "t"\ndescription = "d"\nsource = "s"\n\n[[segments]]\nname = "blk"\n'
                  'medium = "touchstone"\nfile = "two.s2p"\n')
    one_line_error(cli("validate", ch), "two.s2p", "frequency points")
    one_line_error(cli("channel", ch), "two.s2p", "frequency points")


# --------------------------------------------------------------------------------------------
# tracebacks
# --------------------------------------------------------------------------------------------


def test_non_utf8_toml(cli, tmp_path):
    p = tmp_path / "bad.toml"
    p.write_bytes(b'[stackup]\nname = "\xff\xfe"\n')
    one_line_error(cli("validate", p), str(p), "not UTF-8", "line 2")


def test_overlong_or_nul_file_names(cli, tmp_path):
    one_line_error(cli("validate", tmp_path / ("x" * 300 + ".toml")), "longer than 255 bytes")
    one_line_error(cli("validate", "bad\0name.toml"), "null byte")


def test_unwritable_output_found_before_the_work(cli, tmp_path):
    (tmp_path / "dir.csv").mkdir()
    t0 = time.perf_counter()
    one_line_error(cli("sweep", SPINE, "--param", "length_m=0.5:3:0.5", "--out", tmp_path / "dir.csv"),
                   "dir.csv", "is a folder")
    (tmp_path / "file").write_text("x")
    one_line_error(cli("channel", SPINE, "--plot", tmp_path / "file" / "il.png"), "--plot", "not a folder")
    one_line_error(cli("report", "-o", tmp_path / "file" / "r.pdf"), "--output", "not a folder")
    assert time.perf_counter() - t0 < 30


@pytest.mark.parametrize(("text", "fragment"), [
    (s2p(GOOD_F_GHZ, unit="GHZ", s21=np.where(np.arange(41) == 7, np.nan, 0.5)), "non-finite"),
    (s2p(GOOD_F_GHZ, unit="GHZ", s21=np.where(np.arange(41) == 7, np.inf, 0.5)), "non-finite"),
    ("# GHZ S RI R 100\n", "0 frequency points"),
    (s2p(GOOD_F_GHZ, header="# GHZ S RI R 0"), "reference impedance"),
    (s2p(np.linspace(-1.0, 50.0, 41), unit="GHZ"), "negative frequency"),
])
def test_faulty_touchstone_files(cli, tmp_path, text, fragment):
    from si_thermal.si import touchstone

    p = write(tmp_path, "bad.s2p", text)
    with pytest.raises(InputError, match=fragment):
        touchstone.read_network(p)
    one_line_error(cli("link", p), str(p))


def test_touchstone_is_never_unpickled(tmp_path):
    """scikit-rf's Network(path) tries pickle.load first: a crafted .s2p would run code."""
    import pickle

    from si_thermal.si import touchstone

    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (Path.touch, (marker,))

    p = tmp_path / "evil.s2p"
    p.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(InputError):
        touchstone.read_network(p)
    assert not marker.exists()


def test_thermal_inlet_nan_and_huge_flow(cli, tmp_path):
    one_line_error(cli("thermal", PACKAGE, "--cooling", "coldplate", "--inlet-c", "nan"), "--inlet-c", "finite")
    text = PACKAGE.read_text()
    flow = next(line for line in text.splitlines() if line.startswith("flow"))
    bad = write(tmp_path, PACKAGE.name, text.replace(flow, 'flow = "1e308 L/min"', 1))
    one_line_error(cli("validate", bad), str(bad), "flow", "60,000 L/min")


def test_zero_impulse_response_is_an_input_error_not_an_index_error():
    from si_thermal.si.pulse import truncate_impulse

    with pytest.raises(InputError, match="impulse response"):
        truncate_impulse(np.zeros(65, complex), 128)


# --------------------------------------------------------------------------------------------
# bad input once reported as non-convergence (exit 3)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "field"), [
    ('df = 0.004', 'df = 0.7', "df"),
    ('conductivity = "5.8e7 S/m"', 'conductivity = "1e308 S/m"', "conductivity"),
])
def test_nonphysical_material(cli, tmp_path, old, new, field):
    mats = paths.materials_file()
    if old not in mats.read_text():
        pytest.skip(f"{old!r} not in the shipped materials")
    bad = mutated(tmp_path, mats, old, new)
    one_line_error(cli("validate", bad), str(bad), field)


def test_trace_width_of_1e308_mil(cli, tmp_path):
    text = HOST.read_text()
    width = next(line for line in text.splitlines() if line.strip().startswith("width"))
    bad = write(tmp_path, HOST.name, text.replace(width, 'width = "1e308 mil"', 1))
    one_line_error(cli("validate", bad), str(bad), "traces[0].width", "1 km")


def test_impedance_of_1e_300_ohm(cli, tmp_path):
    bad = mutated(tmp_path, SPINE, 'conductor = "silver_plated_copper"',
                  'conductor = "silver_plated_copper"\nimpedance = "1e-300 ohm"')
    one_line_error(cli("validate", bad), str(bad), "segments[2].impedance", "1 ohm to 10 kohm")


def test_budget_db_nan(cli):
    one_line_error(cli("reach", SPINE, "--budget-db", "nan"), "--budget-db", "finite")
    one_line_error(cli("reach", SPINE, "--budget-db", "-3"), "--budget-db")


# --------------------------------------------------------------------------------------------
# hangs and unbounded resources
# --------------------------------------------------------------------------------------------


def test_device_and_fifo_inputs_do_not_hang(cli, tmp_path):
    ch = mutated(tmp_path, SPINE, 'board = "host_tray_m7.toml"', 'board = "/dev/zero"')
    t0 = time.perf_counter()
    one_line_error(cli("validate", ch), "/dev/zero", "not a regular file")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    one_line_error(cli("validate", fifo), str(fifo), "not a regular file")
    assert time.perf_counter() - t0 < 10


def test_oversized_input_file(tmp_path, monkeypatch):
    from si_thermal import files

    p = write(tmp_path, "big.toml", "x = 1\n" * 100)
    with pytest.raises(InputError, match="larger than"):
        files.read_input_text(p, max_bytes=100)


def test_quantity_parser_is_linear_time():
    """The old regex took 1.1 s at 4,000 blanks and ~290 s at 64,000 (benchmarks/bench_quantity_parser.py)."""
    from si_thermal import units

    t0 = time.perf_counter()
    for n in (64_000, 300_000):
        with pytest.raises(UnitError):
            parse_quantity("1 a" + " " * n + "b", "length")
        with pytest.raises(UnitError):
            parse_quantity(" " * n, "length")
        assert units._split("1 a" + " " * n + "b") == ("1", "a" + " " * n + "b")  # the scan itself, no cap
    assert time.perf_counter() - t0 < 1.0
    assert parse_quantity("  4.5   mil ", "length") == pytest.approx(4.5 * 25.4e-6)


def test_huge_param_grid_is_refused_before_allocation(cli, tmp_path):
    t0 = time.perf_counter()
    one_line_error(cli("sweep", SPINE, "--param", "length_m=0:1:1e-7", "--out", tmp_path / "r.csv"),
                   "--param", "at most")
    one_line_error(cli("sweep", SPINE, "--param", "length_m=0:1:1e-3", "--param", "cable.awg=20:36:1e-3",
                       "--out", tmp_path / "r.csv"), "--param", "points")
    one_line_error(cli("sweep", SPINE, "--param", "length_m=0:1", "--design", "lhs", "--samples", "10000000",
                       "--out", tmp_path / "r.csv"), "--samples")
    one_line_error(cli("sweep", SPINE, "--jobs", "100000", "--out", tmp_path / "r.csv"), "--jobs", "at most")
    assert time.perf_counter() - t0 < 10


# --------------------------------------------------------------------------------------------
# interrupts
# --------------------------------------------------------------------------------------------


def test_keyboard_interrupt_exits_130_with_one_line(monkeypatch, capsys):
    def interrupted(**_):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "app", interrupted)
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "interrupted" in err[0]


def test_interrupted_atomic_write_leaves_nothing(tmp_path):
    from si_thermal.atomic import atomic_path

    with pytest.raises(KeyboardInterrupt):
        with atomic_path(tmp_path / "r.pdf") as tmp:
            tmp.write_bytes(b"")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def _wait_for_handlers(pid: int, timeout_s: float = 120.0) -> None:
    """Until the process catches SIGINT and SIGTERM (its entry point has installed the handlers)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        time.sleep(8.0)
        return
    want = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        caught = next((int(line.split()[1], 16) for line in status.read_text().splitlines()
                       if line.startswith("SigCgt:")), 0)
        if caught & want == want:
            return
        time.sleep(0.1)


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_a_sweep(tmp_path, sig, status):
    """Ctrl-C during ``sweep`` exited 0 silently; SIGTERM left temp files. Now: 130/143, one line, the
    finished rows in the output (the sweep streams them, for --resume) and no temporary file beside it."""
    out = tmp_path / "r.csv"
    proc = subprocess.Popen([*CLI, "sweep", str(SPINE), "--param", "length_m=0.1:5:0.00005", "--rate", "200g",
                             "--out", str(out), "--jobs", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    _wait_for_handlers(proc.pid)  # imports take seconds on a loaded machine
    time.sleep(1.5)  # into the sweep (98,000 points take minutes)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and ("interrupted" in lines[0] or "terminated" in lines[0]), err
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left in ([], [out.name]), left  # finished rows kept (for --resume); no temporary files


def test_control_characters_in_a_quoted_value_keep_the_error_on_one_line(cli, tmp_path):
    """Found by the fuzz suite: a field value with a carriage return split the error line."""
    bad = mutated(tmp_path, SPINE, 'variable_segment = "cable"', 'variable_segment = "\\r\\n"')
    one_line_error(cli("validate", bad), str(bad), "variable_segment", "\\r\\n")


@pytest.mark.parametrize(("sig", "status", "delay_s"),
                         [(signal.SIGINT, 130, 0.0), (signal.SIGINT, 130, 0.3), (signal.SIGTERM, 143, 0.1)])
def test_signal_during_start_up_imports(tmp_path, sig, status, delay_s):
    """A signal in the 1-5 s of start-up imports got Python's default (a KeyboardInterrupt traceback).
    The console script's entry point (si_thermal._entry, standard library only) now catches it first:
    one line, 130/143, nothing written. (The interpreter's own start-up, before the entry point runs,
    is outside any Python code's reach: the test waits until the entry point has installed its handlers,
    then signals while the CLI is still being imported, which takes 1-5 s.)"""
    out = tmp_path / "r.csv"
    script = Path(sys.executable).with_name("si-thermal")
    proc = subprocess.Popen([str(script), "sweep", str(SPINE), "--param", "length_m=0.1:5:0.1", "--rate", "200g",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_handlers(proc.pid)
    time.sleep(delay_s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert "Traceback" not in err, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and ("interrupted" in lines[0] or "terminated" in lines[0]), err
    assert not any(tmp_path.iterdir())
