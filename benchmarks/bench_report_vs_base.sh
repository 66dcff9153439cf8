#!/usr/bin/env bash
# Issue 11 benchmark: `si-thermal report` (every system, every stage) of a base commit and of this
# checkout, side by side in one run, with wall and CPU (user+sys) seconds. The shared machine's load
# moves wall time by 2-5x, so compare the two lines of one run, and CPU seconds across runs.
# Usage: benchmarks/bench_report_vs_base.sh [BASE_REF]   (default: origin of this branch, main)
# Measured 2026-11-30 (issue 11, systems in 2 worker processes), one run, load 5-7 on 2 cores:
#   base (main b2bf0a3): wall 334.8 s, cpu 152.1+12.3 s; head (86eb3e9): wall 199.9 s, cpu 136.8+12.6 s
#   -> 1.67x less wall, 1.10x less CPU; twinax ClosedFormRangeWarning printed 137 times -> 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-main}
tmp=$(mktemp -d)
git -C "$root" worktree add -f --detach "$tmp/base" "$base" >/dev/null
ln -sfn "$(readlink -f "$root/../shared")" "$tmp/shared"
trap 'git -C "$root" worktree remove --force "$tmp/base"; rm -rf "$tmp"' EXIT
for which in base head; do
  src=$([ "$which" = base ] && echo "$tmp/base" || echo "$root")
  ( cd "$src" && /usr/bin/env time -f "$which ($(git -C "$src" rev-parse --short HEAD)): wall %e s, cpu %U+%S s" \
      env PYTHONPATH="$src" "$root/.venv/bin/python" -m si_thermal.cli report -o "$tmp/$which.pdf" >/dev/null 2>"$tmp/$which.err" ) \
    || { tail -3 "$tmp/$which.err"; exit 1; }
  tail -1 "$tmp/$which.err"
done
