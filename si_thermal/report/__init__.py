"""The PDF engineering report: figures from stage results (:mod:`.figures`), assembly (:mod:`.pdf`)."""

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    ".build": ["build_report"],
}, modules=["build", "figures", "pdf"])
