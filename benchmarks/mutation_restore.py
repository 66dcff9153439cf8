"""Restore mutmut verdicts from a copy of a group's results, for the mutants a run left unset.

mutmut resets every verdict of a group when the group's test selection or pytest options change (a test file
added to ``GROUPS``, a deselection removed). Copy ``build/mutation/<group>/mutants/si_thermal`` before such a
change, re-run the mutants that matter with ``--mutants``, then::

    python benchmarks/mutation_restore.py build/mutation/<group>/mutants/si_thermal COPY

puts back the copied verdict of every mutant still unset whose function mutmut hashes the same in both (a
function whose code changed keeps no old verdict). A test added can only add kills, so a restored "survived"
is a lower bound.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def restore(current: Path, copy: Path) -> dict[str, int]:
    counts = {}
    for meta in sorted(current.rglob("*.py.meta")):
        old_meta = copy / meta.relative_to(current)
        if not old_meta.exists():
            continue
        cur, old = json.loads(meta.read_text()), json.loads(old_meta.read_text())
        same = {f for f, h in cur["hash_by_function_name"].items() if old.get("hash_by_function_name", {}).get(f) == h}
        n = 0
        for key, code in cur["exit_code_by_key"].items():
            func = key.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
            if code is None and func in same and old["exit_code_by_key"].get(key) is not None:
                cur["exit_code_by_key"][key] = old["exit_code_by_key"][key]
                n += 1
        for field in ("durations_by_key", "estimated_durations_by_key"):
            for key, value in old.get(field, {}).items():
                cur.setdefault(field, {}).setdefault(key, value)
        meta.write_text(json.dumps(cur))
        counts[str(meta.relative_to(current))] = n
    return counts


if __name__ == "__main__":
    for name, n in restore(Path(sys.argv[1]), Path(sys.argv[2])).items():
        print(f"{name}: {n} verdicts restored")
