"""Many rack systems through :func:`si_thermal.system.model.evaluate_system`, in local worker processes.

Systems that share a primary channel at its rate or a package stay in one task, run in order in one
worker, so the in-process caches keep serving the shared solves (GB200 and GB300 share the NVL72 spine
curves, the Vera Rubin racks the R200 package FEM); these clusters are spread over one task per worker,
heaviest first onto the lightest task (weights: channels evaluated, packages, backplane analysis). Results are the same objects the serial loop returns (plain frozen
dataclasses, pickled back). Warnings raised in a worker are handed back and re-issued here, so the
command line shows them (once each: :mod:`si_thermal.warn_once`).

``jobs``: worker processes (``SI_THERMAL_JOBS`` when unset, else one per core up to the number of
tasks); 1 runs everything in this process, as before. Measured side by side:
``benchmarks/bench_report_vs_base.sh``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def _inputs(path: Path) -> tuple[set, set]:
    """(what a worker's caches would share with another system, the work items) of a rack file.
    Shared: each primary channel at its rate (curves are cached per channel and rate) and each package
    (the cooling FEM). Work: every channel at its rate (primary and alternates: one COM curve each),
    every package, and the backplane analysis (an FEM sweep)."""
    from si_thermal import config

    rack = config.load_rack(path)
    shared, work = set(), set()
    for link in rack.links:
        if link.channel:
            shared.add((link.channel, link.rate))
        work.update((c, link.rate) for c in ([link.channel] if link.channel else []) + list(link.alternate_channels))
    if rack.cooling is not None:
        pkgs = {p for p in (rack.cooling.package, rack.cooling.aux_package) if p}
        shared |= pkgs
        work |= pkgs
    if rack.reliability is not None and rack.reliability.backplane:
        work.add(("backplane", rack.reliability.backplane))
    return shared, work


def _weight(work: set) -> float:
    """Cost of a cluster's work items: 1 per channel curve or package, 3 per backplane analysis."""
    return sum(3.0 if isinstance(w, tuple) and w[0] == "backplane" else 1.0 for w in work)


def tasks(chosen: dict[str, Path], jobs: int | None = None) -> list[list[tuple[str, Path]]]:
    """The systems as at most ``jobs`` worker tasks: systems that share a primary channel (at its rate)
    or a package are kept together (clusters, by union of overlaps), and the clusters are spread over
    the tasks heaviest first onto the lightest task (LPT; weight: :func:`_weight` of the cluster's
    distinct work items). ``jobs=None``: one task per cluster."""
    clusters: list[tuple[set, set, list[tuple[str, Path]]]] = []
    for key, path in chosen.items():
        shared, work = _inputs(path)
        merged = [c for c in clusters if c[0] & shared]
        for c in merged:
            clusters.remove(c)
            shared |= c[0]
            work |= c[1]
        clusters.append((shared, work, [m for c in merged for m in c[2]] + [(key, path)]))
    clusters.sort(key=lambda c: -_weight(c[1]))
    n = len(clusters) if jobs is None else max(1, min(int(jobs), len(clusters)))
    bins: list[tuple[float, list]] = [(0.0, []) for _ in range(n)]
    for _, work, members in clusters:
        i = min(range(n), key=lambda j: bins[j][0])
        bins[i] = (bins[i][0] + _weight(work), bins[i][1] + members)
    order = list(chosen)
    return [sorted(b, key=lambda m: order.index(m[0])) for _, b in sorted(bins, key=lambda b: -b[0]) if b]


@dataclass(frozen=True)
class _Task:
    """One worker task: systems evaluated in order, with the report's options."""

    systems: tuple[tuple[str, str], ...]
    with_cooling: bool

    def __call__(self) -> tuple[list, list, tuple[int, str] | None]:
        from si_thermal.errors import SiThermalError
        from si_thermal.system.model import evaluate_system

        out, caught, error = [], [], None
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            try:
                for key, path in self.systems:
                    stages: list[tuple[str, float]] = []
                    r = evaluate_system(key, Path(path), with_cooling=self.with_cooling, with_sensitivity=True,
                                        on_stage=lambda s, t, st=stages: st.append((s, t)))
                    out.append((key, r, stages))
            except SiThermalError as err:  # handed back as data: its class may not pickle (InputError)
                error = (err.exit_code, str(err), type(err).__name__)
        seen = set()
        for w in rec:
            k = (w.category, str(w.message))
            if k not in seen:
                seen.add(k)
                caught.append((w.category, str(w.message), w.filename, w.lineno))
        return out, caught, error


def _run(task: _Task):
    return task()


def _error(exit_code: int, message: str, kind: str):
    """The worker's project error, re-raised here with its message and exit status."""
    from si_thermal import errors

    cls = getattr(errors, kind, errors.SiThermalError)
    err = errors.SiThermalError(message) if cls is errors.InputError else cls(message)
    err.exit_code = exit_code
    return err


def default_jobs(n_tasks: int) -> int:
    env = os.environ.get("SI_THERMAL_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, n_tasks))


def evaluate_systems(chosen: dict[str, Path], *, with_cooling: bool = True, jobs: int | None = None,
                     on_stage: Callable[[str, float], None] | None = None) -> dict:
    """{key: SystemResult} for ``chosen`` (key -> rack file), in the order given; ``on_stage(stage,
    seconds)`` as in :func:`~si_thermal.system.model.evaluate_system` (called as each system's result
    arrives when workers run it)."""
    from si_thermal.system.model import evaluate_system

    jobs = default_jobs(len(tasks(chosen))) if jobs is None else max(1, int(jobs))
    groups = tasks(chosen, jobs)
    if jobs == 1 or len(groups) == 1:
        return {key: evaluate_system(key, path, with_cooling=with_cooling, with_sensitivity=True, on_stage=on_stage)
                for key, path in chosen.items()}
    from concurrent.futures import as_completed

    from si_thermal.sweep.engine import ProcessEngine

    results = {}
    with ProcessEngine(min(jobs, len(groups))) as engine:
        futs = [engine.submit(_run, _Task(tuple((k, str(p)) for k, p in g), with_cooling)) for g in groups]
        for fut in as_completed(futs):
            out, caught, error = fut.result()
            for category, message, filename, lineno in caught:
                warnings.warn_explicit(message, category, filename, lineno)
            if error is not None:
                raise _error(*error)
            for key, r, stages in out:
                results[key] = r
                for s, t in stages:
                    if on_stage is not None:
                        on_stage(s, t)
    return {k: results[k] for k in chosen}
