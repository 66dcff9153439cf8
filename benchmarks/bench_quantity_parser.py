"""Quantity parser: the old regex (quadratic in a run of blanks inside the value, issue 12) against
the linear parser of :mod:`si_thermal.units`, side by side in one run. The parser's own 200-character
cap is bypassed (``units._split``) so the comparison is of the scanning alone.

Run: ``.venv/bin/python benchmarks/bench_quantity_parser.py``
"""

import re
import time

from si_thermal import units

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
OLD = re.compile(rf"^\s*({_NUMBER})\s*(\S.*?)?\s*$")  # the parser before issue 12


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


if __name__ == "__main__":
    print(f"{'blanks':>7} {'old regex s':>12} {'linear s':>10} {'ratio':>9}")
    for n in (500, 1000, 2000, 4000):
        s = "1 a" + " " * n + "b"
        t_old = best(lambda: OLD.match(s))
        t_new = best(lambda: units._split(s))
        print(f"{n:7d} {t_old:12.4f} {t_new:10.6f} {t_old / t_new:9.0f}")
