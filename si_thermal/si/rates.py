"""SerDes lane rates and loss budgets, read from the one table ``channels/serdes.toml``."""

from __future__ import annotations

from si_thermal import config, paths
from si_thermal.errors import InputError


def serdes_rates() -> dict[str, config.SerdesRate]:
    """All rates of channels/serdes.toml, by key."""
    return dict(config.load_serdes().rates)


def serdes_rate(key: str) -> config.SerdesRate:
    """One rate by key ('200g', '224g'); an unknown key is an :class:`InputError` listing the keys."""
    rates = serdes_rates()
    if key not in rates:
        raise InputError(paths.serdes_file(), "rates",
                         f"unknown SerDes rate {key!r}; use one of: {', '.join(rates)}")
    return rates[key]
