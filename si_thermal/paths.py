"""Where the project's data folders are: ``channels/``, ``boards/``, ``meshes/``, ``reports/``.

The package is installed editable from the repository, so the data folders sit beside it.
``SI_THERMAL_ROOT`` overrides the root (for tests and for installations elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("SI_THERMAL_ROOT")
    return Path(env) if env else Path(__file__).resolve().parent.parent


def boards_dir() -> Path:
    return project_root() / "boards"


def channels_dir() -> Path:
    return project_root() / "channels"


def racks_dir() -> Path:
    return boards_dir() / "racks"


def meshes_dir() -> Path:
    return project_root() / "meshes"


def materials_file() -> Path:
    return boards_dir() / "materials.toml"


def shared_dir() -> Path:
    """``../shared`` beside the checkout (measured Touchstone data); may be absent."""
    return project_root().parent / "shared"
