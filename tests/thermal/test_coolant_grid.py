"""Coolant strips: coordinates that differ by float noise are one grid line (regression: rounding
to 9 decimals split 0.0156250005 +- 1e-18 into two lines and the 1 mm package mesh ran 3 K hot)."""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from si_thermal.thermal.coolant import _index, _unique_global


def test_values_either_side_of_a_rounding_tie_are_one_line():
    tie = 0.0156250005
    vals = np.array([np.nextafter(tie, 0.0), np.nextafter(tie, 1.0), 0.0, 1e-3, 1e-3 + 1e-15])
    assert np.round(vals[0], 9) != np.round(vals[1], 9)  # what the old rounding did
    grid = _unique_global(MPI.COMM_SELF, vals)
    assert grid.size == 3
    idx = _index(grid, vals)
    assert idx[0] == idx[1] and idx[3] == idx[4] and len(set(idx.tolist())) == 3
