"""Benchmark: the full report (every system, every stage) with a wall-time breakdown by stage.

Run: ``.venv/bin/python benchmarks/bench_report.py [-o reports/rack_report.pdf]``. Goal (issue 7):
under 5 minutes on 2 cores with a warm JIT cache. A second, reduced run (two systems) shows the
per-stage cost once the in-process caches (channel curves, package solves) are warm.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from si_thermal.report.build import build_report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--output", default=None, help="PDF path (default: a temporary file)")
    args = ap.parse_args()
    out = Path(args.output) if args.output else Path(tempfile.mkdtemp()) / "rack_report.pdf"
    print(f"cores available: {os.cpu_count()}")
    for label, systems in (("full report, all systems (cold in-process caches)", None),
                           ("two systems again (warm in-process caches)", ["gb300_nvl72", "rubin_ultra_nvl576"])):
        t0 = time.perf_counter()
        path, timings = build_report(systems, out)
        total = time.perf_counter() - t0
        print(f"== {label}: {total:.1f} s -> {path} ({path.stat().st_size / 1e3:.0f} kB)")
        for stage, sec in timings.items():
            print(f"   {stage:18s} {sec:7.1f} s  {sec / total * 100:5.1f} %")


if __name__ == "__main__":
    main()
