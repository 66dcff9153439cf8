"""Per-module mutation score from mutmut's result files (``mutants/**/*.py.meta``).

Usage: ``python benchmarks/mutation_summary.py [FOLDER ...] [--survivors]``; FOLDER is where mutmut ran
(default: ``build/mutation/*``). Score = killed / (mutants - equivalent), where killed includes
timeouts (a mutant that makes the suite hang is caught) and equivalent mutants are the ones listed in
``benchmarks/MUTATION.md`` under "Equivalent" as `` `mutant_name` `` entries. "no tests" mutants (no
test ever runs that function) count as not killed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 36, -24, 24, 152, 255, -9, -11}
_STRING = re.compile(r"""[fFrRbB]?"[^"]*"|[fFrRbB]?'[^']*'|\bNone\b""")


def equivalents() -> set[str]:
    md = ROOT / "benchmarks" / "MUTATION.md"
    if not md.exists():
        return set()
    text = md.read_text()
    part = text.split("## Equivalent", 1)[1] if "## Equivalent" in text else ""
    return set(re.findall(r"`([\w.]+__mutmut_\d+)`", part))


def _selection(folder: Path) -> list[str] | None:
    """The mutmut name globs of a group run on selected functions only (``FUNCTIONS`` of the driver)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mutation_run import FUNCTIONS, selected

    return selected(folder.name) if folder.name in FUNCTIONS else None


def rows(folder: Path):
    import fnmatch

    eq = equivalents()
    sel = _selection(folder)
    for meta in sorted((folder / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if sel is not None:  # the functions left out of the group are not counted
            codes = {k: c for k, c in codes.items() if any(fnmatch.fnmatch(k, g) for g in sel)}
        if not codes:
            continue
        module = str(meta.relative_to(folder / "mutants"))[: -len(".py.meta")].replace("/", ".")
        killed = [k for k, c in codes.items() if c in KILLED]
        equiv = [k for k, c in codes.items() if c not in KILLED and k in eq]
        survived = [k for k, c in codes.items() if c == 0 and k not in eq]
        notests = [k for k, c in codes.items() if c in (5, 33) and k not in eq]
        other = [k for k, c in codes.items() if c not in KILLED and c not in (0, 5, 33) and k not in eq]
        yield module, len(codes), killed, survived, notests, equiv, other


def _diff(folder: Path, name: str) -> str:
    """The changed lines of one mutant (mutmut's own diff, run in the folder mutmut ran in)."""
    import os

    old = os.getcwd()
    os.chdir(folder.resolve())  # mutmut reads its config from the working folder, on import too
    try:
        from mutmut.__main__ import find_mutant, get_diff_for_mutant
        from mutmut.configuration import reset_config

        reset_config()
        diff = get_diff_for_mutant(name, path=find_mutant(name).path)
    finally:
        os.chdir(old)
    return "\n".join("      " + ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---"))


def message_only(folder: Path, name: str) -> bool:
    """True when the mutant changes only a string literal (an error message or a label): the
    removed and added lines are equal once every string (or a ``None`` put in its place) is blanked."""
    lines = _diff(folder, name).splitlines()
    old = [_STRING.sub("S", ln.strip()[1:]) for ln in lines if ln.strip().startswith("-")]
    new = [_STRING.sub("S", ln.strip()[1:]) for ln in lines if ln.strip().startswith("+")]
    return bool(old) and [o.replace(" ", "") for o in old] == [n.replace(" ", "") for n in new]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folders = [Path(a) for a in args] or sorted((ROOT / "build" / "mutation").glob("*"))
    print("| module | mutants | killed | survived | no tests | equivalent | not run | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    tot = [0] * 6
    for folder in folders:
        for module, n, k, s, nt, e, o in rows(folder):
            score = len(k) / max(n - len(e), 1)
            print(f"| {module} | {n} | {len(k)} | {len(s)} | {len(nt)} | {len(e)} | {len(o)} | {score:.0%} |")
            for i, v in enumerate((n, len(k), len(s), len(nt), len(e), len(o))):
                tot[i] += v
            if "--survivors" in sys.argv or "--diffs" in sys.argv:
                for name in s + nt:
                    print(f"    {name}")
                    if "--diffs" in sys.argv:
                        print(_diff(folder, name))
    n, k, _, _, e, _ = tot
    print(f"| **all** | {n} | {k} | {tot[2]} | {tot[3]} | {e} | {tot[5]} | {k / max(n - e, 1):.0%} |")


if __name__ == "__main__":
    main()
