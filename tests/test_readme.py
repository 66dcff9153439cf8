"""The README works as written: its Python tour runs, and every command of its CLI tour parses
(right command, right options and value types) against the installed CLI."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def _cli_lines() -> list[list[str]]:
    lines = []
    for block in _blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():  # join continued lines
            if line.split(" ", 1)[0].endswith("si-thermal"):
                lines.append(shlex.split(line, comments=True)[1:])
    return lines


def test_the_tour_names_the_venv():
    tour = README[README.index("## Quick tour of the CLI"):]
    first = next(b for b in _blocks("sh") if "si-thermal" in b and b in tour)
    assert first.splitlines()[0] in (". .venv/bin/activate", "source .venv/bin/activate") or ".venv/bin/si-thermal" in first


@pytest.mark.parametrize("args", _cli_lines(), ids=lambda a: " ".join(a[:2]))
def test_cli_tour_command_parses(args):
    from typer.main import get_command

    from si_thermal.cli import app

    group = get_command(app)
    ctx = group.make_context("si-thermal", list(args))
    rest = [*(getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", None) or []), *ctx.args]
    name, cmd, sub_args = group.resolve_command(ctx, rest)
    assert cmd is not None, f"unknown command {name}"
    cmd.make_context(name, [a for w in sub_args for a in (sorted(glob.glob(w, root_dir=ROOT)) or [w])], parent=ctx)


def test_cli_tour_first_line_runs():
    args = _cli_lines()[0]
    assert args[0] == "validate"
    files = [f for w in args[1:] for f in sorted(glob.glob(w, root_dir=ROOT))]
    out = run_cli("validate", *files)
    assert out.returncode == 0, out.stderr


def test_python_tour_runs(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    (code,) = _blocks("python")
    exec(compile(code, "README.md (Python tour)", "exec"), {"__name__": "readme_tour"})
    out = capsys.readouterr().out
    assert "COM" in out and "Tj max" in out and "of links close" in out
    assert "nan" not in out.lower()
