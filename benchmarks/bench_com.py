"""Benchmark: one 802.3dj COM of the example2 set (THRU + 2 FEXT + 3 NEXT) and a COM-reach search.

Run: ``.venv/bin/python benchmarks/bench_com.py``. Prints wall-clock times (best of ``REPEAT``) of:
reading the six Touchstone files (scikit-rf), preparing the channels (packages, band extension, basis
pulses), the equalizer search + COM (fast search, the default), the statistical eye, the exhaustive
("full") search for comparison, and ``reach_com`` on channels/nvl72_spine_26awg.toml at 200g and 224g.
The pychopmarg reference time is the one recorded in tests/si/test_com.py (its cross-check run).
``--full`` adds the exhaustive search (minutes) for comparison with the fast one.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import skrf as rf

from si_thermal.paths import project_root, shared_dir
from si_thermal.si import com, com_reach, eye

REPEAT = 3


def best_of(fn, n=REPEAT):
    """(best wall-clock seconds, best CPU seconds of this process, result) over ``n`` runs."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best, cpu = min(best, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return best, cpu, out


def main() -> int:
    ts = shared_dir() / "data" / "touchstone"
    if not (ts / "example2_THRU.s4p").exists():
        print("../shared/data/touchstone absent: nothing to benchmark")
        return 0
    warnings.simplefilter("ignore")
    names = ["THRU", "FEXT1", "FEXT2", "NEXT1", "NEXT2", "NEXT3"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall / CPU seconds below)")
    t_load, c_load, nets = best_of(lambda: [rf.Network(str(ts / f"example2_{n}.s4p")) for n in names])
    params = com.load_com_params("802.3dj")
    t_prep, c_prep, prep = best_of(lambda: com.prepare(nets[0], nets[1:3], nets[3:], params))
    t_com, c_com, res = best_of(lambda: com.com_from_prepared(prep, eye=False))
    t_eye, c_eye, _ = best_of(lambda: eye.statistical_eye(res.equalized))
    srch = com._Search(prep)
    com.search(srch, "fast")
    n_fast = srch.n_evaluated
    n_grid = len(srch.settings) * len(srch.coeffs)
    print(f"802.3dj COM, example2 THRU + 2 FEXT + 3 NEXT ({prep.grid.n_ui} UI x {params.samples_per_ui} samples)")
    print(f"  read 6 Touchstone files (skrf)        {t_load:6.3f} / {c_load:6.3f} s")
    print(f"  prepare (packages, extension, pulses) {t_prep:6.3f} / {c_prep:6.3f} s")
    print(f"  equalizer search + COM (fast)         {t_com:6.3f} / {c_com:6.3f} s   COM {res.com_db:.3f} dB, "
          f"FOM {res.fom_db:.3f} dB; {n_fast} FOM evaluations for {n_grid} CTLE x Tx FFE candidates")
    print(f"  one COM evaluation (prepare + COM)    {t_prep + t_com:6.3f} / {c_prep + c_com:6.3f} s")
    print(f"  statistical eye + bathtub             {t_eye:6.3f} / {c_eye:6.3f} s")
    if "--full" in sys.argv:
        t_full, c_full, full = best_of(lambda: com.com_from_prepared(prep, eye=False, search_mode="full"), 1)
        print(f"  exhaustive search + COM (full)        {t_full:6.1f} / {c_full:6.1f} s   COM {full.com_db:.3f} dB, "
              f"FOM {full.fom_db:.3f} dB")
    sys.path.insert(0, str(project_root() / "tests" / "si"))
    import test_com  # noqa: E402

    PCM_SECONDS = test_com.PCM_SECONDS

    if PCM_SECONDS:
        red = test_com.reduced_dj()   # pychopmarg's full search on this grid: PCM_SECONDS
        prep_r = com.prepare(nets[0], nets[1:3], nets[3:], red, extrapolation="com")
        t_r, c_r, _ = best_of(lambda: com.com_from_prepared(prep_r, eye=False, search_mode="full"), 1)
        print(f"  reduced grid of the pychopmarg cross-check, full search: {t_r:.2f} s; pychopmarg 3.4.0: "
              f"{PCM_SECONDS:.0f} s (recorded) -> {PCM_SECONDS / (t_prep + t_r):.0f}x")
    channel = project_root() / "channels" / "nvl72_spine_26awg.toml"
    for rate in ("200g", "224g"):
        t_reach, c_reach, r = best_of(lambda: com_reach.reach_com(channel, rate), 1)
        print(f"COM reach {channel.name} {rate} (COM >= 3 dB): {r.reach_m:.3f} m in {t_reach:.2f} / "
              f"{c_reach:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
