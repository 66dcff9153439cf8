"""Where the data are: the project's folders (``channels/``, ``boards/``, ``meshes/``, ``reports/``),
the tables every model reads (rates, COM sets, materials), and the mesh cache.

In a checkout the data folders sit beside the package; ``SI_THERMAL_ROOT`` overrides that root
(tests, other installations). The three tables (``serdes.toml``, ``com_params.toml``,
``materials.toml``) also ship inside the wheel (``si_thermal/data/``), so an installed package works
from any directory: the root's copy is used when present, the packaged one otherwise. Meshes are
cached under the root's ``meshes/cache`` in a checkout, else the user cache folder
(``SI_THERMAL_CACHE`` or ``$XDG_CACHE_HOME/si_thermal``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


_BESIDE = Path(__file__).resolve().parent.parent  # the folder holding the package
_ROOTS: dict[tuple[str, str], Path] = {}


def project_root() -> Path:
    """``SI_THERMAL_ROOT``; else the checkout the package sits in; else, for an installed package,
    the working directory when it holds ``channels/`` and ``boards/``; else the package's parent."""
    env = os.environ.get("SI_THERMAL_ROOT")
    if env:
        return Path(env)
    key = ("", os.getcwd())
    if key not in _ROOTS:
        cwd = Path(key[1])
        if (_BESIDE / "channels").is_dir() or (_BESIDE / "boards").is_dir():
            _ROOTS[key] = _BESIDE
        elif (cwd / "channels").is_dir() and (cwd / "boards").is_dir():
            _ROOTS[key] = cwd
        else:
            _ROOTS[key] = _BESIDE
    return _ROOTS[key]


def boards_dir() -> Path:
    return project_root() / "boards"


def channels_dir() -> Path:
    return project_root() / "channels"


def racks_dir() -> Path:
    return boards_dir() / "racks"


def meshes_dir() -> Path:
    return project_root() / "meshes"


def packaged_file(name: str) -> Path:
    """A data file shipped inside the package (``si_thermal/data/NAME``)."""
    return Path(str(resources.files("si_thermal") / "data" / name))


_FOUND: dict[Path, Path] = {}


def _root_or_packaged(path: Path) -> Path:
    """``path`` when it exists (remembered per path), else the packaged copy."""
    if path not in _FOUND:
        if not path.is_file():
            return packaged_file(path.name)  # not remembered: the file may appear later
        _FOUND[path] = path
    return _FOUND[path]


def materials_file() -> Path:
    """The materials library: ``boards/materials.toml`` of the root, else the packaged copy."""
    return _root_or_packaged(boards_dir() / "materials.toml")


def serdes_file() -> Path:
    """The SerDes rate table: ``channels/serdes.toml`` of the root, else the packaged copy."""
    return _root_or_packaged(channels_dir() / "serdes.toml")


def com_params_file() -> Path:
    """The COM parameter sets: ``channels/com_params.toml`` of the root, else the packaged copy."""
    return _root_or_packaged(channels_dir() / "com_params.toml")


def mesh_cache_dir() -> Path:
    """Folder of cached gmsh meshes (created on first use by the mesher)."""
    env = os.environ.get("SI_THERMAL_CACHE")
    if env:
        return Path(env) / "meshes"
    if os.environ.get("SI_THERMAL_ROOT") or meshes_dir().is_dir():
        return meshes_dir() / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "si_thermal" / "meshes"


def shared_dir() -> Path:
    """``../shared`` beside the checkout (measured Touchstone data); may be absent."""
    return project_root().parent / "shared"
