"""Anderson acceleration: on a linear contraction it converges like GMRES, far faster than Picard."""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from si_thermal.thermal.anderson import Anderson


def _iterations(depth: int, rho: float = 0.95, n: int = 40, tol: float = 1e-10) -> int:
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    m = q @ np.diag(np.linspace(-rho, rho, n)) @ q.T  # symmetric, spectral radius rho
    b = rng.standard_normal(n)
    exact = np.linalg.solve(np.eye(n) - m, b)
    x, mixer = np.zeros(n), Anderson(MPI.COMM_SELF, depth)
    for k in range(1, 2000):
        gx = m @ x + b
        if np.linalg.norm(gx - x) < tol:
            assert np.linalg.norm(x - exact) < 1e-6 * np.linalg.norm(exact)
            return k
        x = mixer.step(x, gx)
    return 2000


def test_anderson_beats_picard_on_a_slow_linear_contraction():
    picard = _iterations(0)  # rho = 0.95: about ln(1e-10)/ln(0.95) = 450 steps
    anderson = _iterations(8)
    assert picard > 300
    assert anderson < picard / 4


def test_depth_one_history_is_the_secant_method_on_a_scalar():
    """Scalar linear map g(x) = a x + c: one secant step (depth 1) lands on the fixed point."""
    a, c = 0.9, 1.0
    mixer = Anderson(MPI.COMM_SELF, 1)
    x0 = np.array([0.0])
    x1 = mixer.step(x0, a * x0 + c)
    x2 = mixer.step(x1, a * x1 + c)
    assert abs(x2[0] - c / (1 - a)) < 1e-9
