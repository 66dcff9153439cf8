"""Rack-level system models: geometry -> links -> cooling -> reliability -> cost; claims check; sweeps."""

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    ".model": ["evaluate_system", "systems", "resolve", "SystemResult"],
    ".stages": ["StageSkipped"],
    ".backplane": ["analyze_backplane", "BackplaneResult"],
}, modules=["geometry", "links", "cooling", "reliability", "cost", "claims", "model", "stages", "backplane"])
