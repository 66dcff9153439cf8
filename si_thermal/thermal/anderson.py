"""Anderson acceleration of a fixed-point iteration ``x = G(x)`` over MPI-distributed vectors.

Type-II Anderson mixing with depth ``m`` (Walker & Ni, "Anderson acceleration for fixed-point
iterations", SIAM J. Numer. Anal. 49 (2011) 1715-1735, Algorithm AA): with residuals
``f_k = G(x_k) - x_k`` and the differences of the last ``m`` residuals ``dF`` and images ``dG``,

    gamma = argmin || f_k - dF gamma ||_2,        x_{k+1} = G(x_k) - dG gamma.

For a linear contraction this is equivalent to GMRES on ``(I - G) x = 0`` (Walker & Ni, Thm 2.2),
so the iteration count no longer grows with the contraction factor ``rho`` as ``1/|ln rho|`` does
for the plain (Picard) iteration. Inner products are global: each rank passes its owned entries
(replicated entries on one rank only), and the small least-squares problem is solved identically
on every rank.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from mpi4py import MPI


class Anderson:
    """Mixer with memory ``depth``; call :meth:`step` with ``x_k`` and ``G(x_k)``, get ``x_{k+1}``."""

    def __init__(self, comm: MPI.Comm, depth: int = 5, *, regularization: float = 1e-12):
        self.comm = comm
        self.depth = depth
        self.reg = regularization
        self._f: deque[np.ndarray] = deque(maxlen=depth + 1)
        self._g: deque[np.ndarray] = deque(maxlen=depth + 1)

    def step(self, x: np.ndarray, gx: np.ndarray) -> np.ndarray:
        f = gx - x
        self._f.append(f.copy())
        self._g.append(gx.copy())
        if len(self._f) < 2 or self.depth == 0:
            return gx.copy()
        fs, gs = list(self._f), list(self._g)
        dF = np.column_stack([b - a for a, b in zip(fs[:-1], fs[1:])])
        dG = np.column_stack([b - a for a, b in zip(gs[:-1], gs[1:])])
        gram = self.comm.allreduce(dF.T @ dF, op=MPI.SUM)
        rhs = self.comm.allreduce(dF.T @ f, op=MPI.SUM)
        scale = max(float(np.trace(gram)), 1e-300)
        gamma = np.linalg.solve(gram + self.reg * scale * np.eye(gram.shape[0]), rhs)
        return gx - dG @ gamma
