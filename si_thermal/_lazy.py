"""Lazy exports for package ``__init__`` files (PEP 562): a name is imported from its module on
first access, so ``import si_thermal`` stays light and never loads dolfinx until a FEM name is used."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence


def exports(package: str, attrs: Mapping[str, Sequence[str]], modules: Sequence[str] = ()
            ) -> tuple[list[str], Callable[[str], object], Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for ``package``: ``attrs`` maps a module (relative names
    start with a dot) to the names it exports; ``modules`` are submodules exported themselves."""
    where = {name: mod for mod, names in attrs.items() for name in names}
    all_ = [*where, *modules]

    def __getattr__(name: str):
        if name in modules:
            value = importlib.import_module(f"{package}.{name}")
        elif name in where:
            value = getattr(importlib.import_module(where[name], package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(all_))

    return all_, __getattr__, __dir__
