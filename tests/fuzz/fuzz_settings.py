"""Hypothesis profiles of the fuzz suite.

CI runs the ``fuzz-ci`` profile (a few dozen examples per test, well under a minute in all). A larger run:
``SI_THERMAL_FUZZ=2000 .venv/bin/python -m pytest tests/fuzz -q`` (examples per test; no deadline).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("SI_THERMAL_FUZZ", "0") or 0)

settings.register_profile("fuzz-ci", deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                 HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile("fuzz-large", parent=settings.get_profile("fuzz-ci"), derandomize=False,
                          max_examples=max(EXAMPLES, 1))


def n_examples(ci: int) -> int:
    """Examples for one test: ``ci`` in CI, ``SI_THERMAL_FUZZ`` when set."""
    return EXAMPLES if EXAMPLES > 0 else ci
