"""Design-of-experiments sweeps of a channel or a rack, on an embedded pool or a Dask cluster,
streamed to Parquet/CSV and resumable.

- :mod:`~si_thermal.sweep.params`: factors from ``NAME=SPEC`` (levels, ranges);
- :mod:`~si_thermal.sweep.sampling`: full grid, Latin hypercube, Sobol, point keys;
- :mod:`~si_thermal.sweep.channel` / :mod:`~si_thermal.sweep.rack`: what each point computes;
- :mod:`~si_thermal.sweep.engine`: serial, local processes, Dask distributed;
- :mod:`~si_thermal.sweep.sink`: streaming writer, resume, provenance;
- :mod:`~si_thermal.sweep.run`: the whole sweep.
"""

from si_thermal.sweep.channel import ChannelStudy
from si_thermal.sweep.params import Factor, parse_factor, parse_factors
from si_thermal.sweep.rack import RackStudy
from si_thermal.sweep.run import Summary, Sweep, run_sweep
from si_thermal.sweep.sink import read_results

__all__ = ["ChannelStudy", "Factor", "RackStudy", "Summary", "Sweep", "parse_factor", "parse_factors",
           "read_results", "run_sweep"]
