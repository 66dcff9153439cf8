"""The wheel carries the data the package needs and works outside the checkout, from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = {"si_thermal/data/serdes.toml": "channels/serdes.toml",
        "si_thermal/data/com_params.toml": "channels/com_params.toml",
        "si_thermal/data/materials.toml": "boards/materials.toml"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True,
                    ignore=shutil.ignore_patterns(".venv", ".git", "cache", "reports", "*.egg-info", "build",
                                                  "__pycache__", ".pytest_cache"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {out.stderr.strip().splitlines()[-1:]}")
    return next((tmp / "dist").glob("si_thermal-*.whl"))


def test_wheel_ships_the_tables(wheel):
    with zipfile.ZipFile(wheel) as z:
        for inside, repo_file in DATA.items():
            assert z.read(inside) == (ROOT / repo_file).read_bytes()  # copies of the one source


def test_installed_package_runs_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SI_THERMAL_ROOT"}
    env["PYTHONPATH"] = str(site)
    run = lambda *a: subprocess.run([sys.executable, *a], cwd=elsewhere, env=env, capture_output=True,  # noqa: E731
                                    text=True, timeout=300)
    out = run("-c", "import si_thermal, si_thermal.paths as p; print(si_thermal.__file__); print(p.serdes_file())")
    assert out.returncode == 0, out.stderr
    pkg_file, serdes = out.stdout.split()
    assert pkg_file.startswith(str(site)) and serdes.startswith(str(site))
    # a channel file outside the installation finds the board it names relative to itself
    out = run("-m", "si_thermal.cli", "validate", str(ROOT / "channels/nvl72_spine_26awg.toml"))
    assert out.returncode == 0, out.stderr
    out = run("-m", "si_thermal.cli", "schema", "serdes")
    assert out.returncode == 0 and '"rates"' in out.stdout
