"""Reading the fleet reliability file (``boards/racks/fleet_reliability.toml``) for the reliability
models: the validated file, the stackups its modes name and the dies of each option's rack. The
models in :mod:`si_thermal.reliability.fleet` take the result, never a path."""

from __future__ import annotations

from pathlib import Path

from si_thermal import config, paths
from si_thermal.caches import cached
from si_thermal.errors import InputError
from si_thermal.reliability.fleet import FleetInputs, InterconnectComparison
from si_thermal.reliability.fleet import compare_cable_vs_backplane as _compare


def default_fleet_file() -> Path:
    return paths.racks_dir() / "fleet_reliability.toml"


@cached(8, files=lambda fleet_file=None: [Path(fleet_file) if fleet_file else default_fleet_file()], follow=True)
def load_fleet(fleet_file: str | Path | None = None) -> FleetInputs:
    """The fleet file (default ``boards/racks/fleet_reliability.toml``) with its boards and racks,
    read once per state of the files (a sweep analyses the backplane many times)."""
    path = Path(fleet_file) if fleet_file else default_fleet_file()
    spec = config.load(path)
    if not isinstance(spec, config.FleetFile):
        raise InputError(path, "fleet", "not a fleet file (no [fleet] table)")
    boards = {m.board: config.load_stackup(config.board_path(m.board, path))
              for opt in spec.options.values() for m in opt.modes if m.board is not None}
    dies = {}
    for key, opt in spec.options.items():
        r = config.load_rack(config.rack_path(opt.rack, path)).rack
        dies[key] = r.gpus * r.dies_per_gpu
    return FleetInputs(spec, boards, dies, str(path))


def compare_cable_vs_backplane(fleet_racks: int | None = 1000, *, fleet_file: str | Path | None = None,
                               **kwargs) -> InterconnectComparison:
    """:func:`si_thermal.reliability.fleet.compare_cable_vs_backplane` on a fleet file (keywords passed on)."""
    return _compare(load_fleet(fleet_file), fleet_racks, **kwargs)
