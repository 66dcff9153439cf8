"""Root options of the CLI: logging levels, a log file, completion, plain (non-Rich-markup) help."""

from __future__ import annotations

import logging

from si_thermal import log


def test_help_lists_root_options_and_completion(cli):
    out = cli("--help")
    assert out.returncode == 0
    for opt in ("--verbose", "--quiet", "--log-file", "--install-completion", "--show-completion"):
        assert opt in out.stdout


def test_log_file_gets_debug_records(cli, tmp_path):
    logf = tmp_path / "logs" / "run.log"
    out = cli("-v", "--log-file", str(logf), "validate", "channels/nvl72_spine_26awg.toml")
    assert out.returncode == 0, out.stderr
    assert logf.is_file()


def test_unwritable_log_file_is_one_line_exit_2(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = cli("--log-file", str(blocker / "x.log"), "validate", "channels/nvl72_spine_26awg.toml")
    assert out.returncode == 2 and "--log-file" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_levels():
    assert log.level_for(0, False) == logging.WARNING
    assert log.level_for(1, False) == logging.INFO
    assert log.level_for(2, False) == logging.DEBUG
    assert log.level_for(2, True) == logging.ERROR


def test_library_import_leaves_matplotlib_backend_alone():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('pdf'); import si_thermal.report.figures, si_thermal.si.plots, "
            "si_thermal.si.eye; import matplotlib as m; print(m.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().lower() == "pdf"


def test_help_keeps_square_brackets(cli):
    out = cli("backplane", "--help")
    assert out.returncode == 0 and "[backplane]" in out.stdout


def test_schema_of_each_kind_and_unknown_kind(cli):
    import json

    from si_thermal.config.schema import KINDS, json_schema

    for kind in KINDS:
        s = json_schema(kind)
        assert s["$schema"].endswith("2020-12/schema") and s["type"] == "object"
    seg = json_schema("channel")["$defs"]["ConnectorSegment"]["properties"]["f_ref"]
    assert seg["type"] == "string" and "GHz" in seg["description"]  # quantities are strings with units
    out = cli("schema", "rack")
    assert out.returncode == 0 and "rack" in json.loads(out.stdout)["properties"]
    out = cli("schema", "nope")
    assert out.returncode == 2 and "channel, stackup" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_shell_completion_of_commands_and_schema_kinds():
    import os
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    script = Path(sys.executable).parent / "si-thermal"
    if not script.exists():
        pytest.skip("the si-thermal console script is not installed beside this interpreter")
    env = {**os.environ, "_SI_THERMAL_COMPLETE": "complete_bash", "COMP_WORDS": "si-thermal schema c", "COMP_CWORD": "2"}
    out = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["channel", "com_params"]
