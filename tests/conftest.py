"""Shared fixtures: the CLI runner and a scratch copy of the input folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "si_thermal.cli"]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``si-thermal ARGS`` in a subprocess, as a user would, capturing its output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], cwd=cwd or ROOT, capture_output=True, text=True,
                          env=full_env, timeout=600)


@pytest.fixture
def cli():
    return run_cli
