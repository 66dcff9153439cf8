"""A sweep process keeps numpy temporaries on the heap even where Dask's nanny has switched glibc's
dynamic mmap threshold off (MALLOC_TRIM_THRESHOLD_=65536): issue 16's COM efficiency on 2 workers."""

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                                reason="glibc malloc only")

CODE = """
import resource, sys
import numpy as np
if sys.argv[1] == "pin":
    from si_thermal.sweep import malloc
    assert malloc.pin() and malloc.pin()
n = 1 << 17                      # 1 MiB of float64: above the 128 KiB default threshold, below
                                 # numpy's 4 MiB huge-page advice (faults stay 4 KiB pages)
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    a = np.ones(n)               # touches every page
    del a
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
"""


def _faults(mode: str) -> int:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}  # what distributed.nanny sets for its workers
    out = subprocess.run([sys.executable, "-c", CODE, mode], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1])


def test_pinned_thresholds_stop_a_fresh_mmap_per_temporary():
    pages = (1 << 17) * 8 // 4096
    plain, pinned = _faults("plain"), _faults("pin")
    assert plain > 40 * pages        # the poisoned process faults every temporary in afresh (50 x 256 pages)
    assert pinned < 3 * pages        # pinned: the first one grows the heap, the rest reuse it
