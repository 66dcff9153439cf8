"""Mutation testing of the physics modules with mutmut 3, one group at a time (``make mutation``).

Usage: ``python benchmarks/mutation_run.py GROUP [GROUP ...] [--children N]``, GROUP one of
``reliability``, ``si`` (line physics: conductor, dielectric, media, via, connector, metrics, reach),
``si-com`` (pulse response, equalizer, COM), ``si-lines`` (tline, coax, crosstalk, planes, budget, channel,
eye and the cross-section field solver's physics), ``thermal``, ``thermal-fem``, ``thermal-package``,
``thermal-board``, ``si-io``, ``si-xsection``; ``--mutants NAME ...`` reruns only those mutants (after adding
tests). Each group runs in its own scratch folder
``build/mutation/<group>/`` (links to the package, tests and data) with a ``[tool.mutmut]`` of its
own, so that mutmut's clean run and its test-to-function map cover only the group's fast tests and
each mutant runs only the tests that executed the mutated function. Results:
``benchmarks/mutation_summary.py build/mutation/<group>``.

The thermal group mutates the closed-form physics (correlations, coolant properties, Anderson
mixing, mesh convergence) and runs only the tests that need no FEM solve. The ``thermal-fem`` group
mutates the FEM modules heat, coolant, transient, elastic and geometry, restricted to the functions
that carry physics (``FUNCTIONS``: weak forms, coefficients, boundary terms, post-processing,
material and geometry bookkeeping; not XDMF writing, PETSc option plumbing or input validation),
judged by the tiny-mesh checks of ``tests/thermal/test_mutation_kills_fem.py`` and the fast FEM
tests (1-D intervals, 2x2x2-6x6x6 boxes: about a second per mutant, more when a mutated form is
compiled by FFCx). ``--modules heat coolant`` runs some of its modules; a run only starts the
selected mutants not run yet. ``thermal-package`` (package, its transient, nested meshes, probes,
the power limit: every function, judged by the tiny-package checks of
``tests/thermal/test_mutation_kills_package.py`` only: an 8 x 4 mm stack, ~100 DOFs, 0.03 s a solve) and
``thermal-board`` (backplane, unitcell, validation and mechanics/laminate, its ``FUNCTIONS`` keyed
"mechanics.laminate") follow the same scheme (``benchmarks/MUTATION.md``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SI_MODULES = ["conductor", "dielectric", "twinax", "stripline", "via", "connector", "metrics", "reach"]
SI_LINES_MODULES = ["tline", "coax", "crosstalk", "planes", "budget", "channel", "eye"]
XSECTION_MODULES = ["electrostatics", "rlgc", "exact", "media", "network", "cables", "stackup"]
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "reliability": (["si_thermal/reliability/*.py"], ["tests/reliability"]),
    "si": ([f"si_thermal/si/{m}.py" for m in SI_MODULES],
           ["tests/si/test_conductor.py", "tests/si/test_dielectric.py", "tests/si/test_media.py",
            "tests/si/test_connector_via_xt.py", "tests/si/test_metrics_reach.py", "tests/si/test_channel.py",
            "tests/si/test_planes_budget.py", "tests/si/test_stripline_out_of_sample.py",
            "tests/si/test_mutation_kills_si.py"]),
    "si-com": (["si_thermal/si/pulse.py", "si_thermal/si/equalizer.py", "si_thermal/si/com/*.py"],
               ["tests/si/test_pulse.py", "tests/si/test_eq.py", "tests/si/test_com.py",
                "tests/si/test_mutation_kills_com.py", "tests/si/test_mutation_kills_search.py"]),
    # the line algebra, channel assembly, crosstalk, planes/budget, statistical eye and the field solver's
    # physics (electrostatics, RLGC, MTL network, media, exact references, cable and stackup sections); left
    # out: xsection geometry/mesh (gmsh construction), solver (cache), inputs/plot/summary (IO, report)
    "si-lines": ([f"si_thermal/si/{m}.py" for m in SI_LINES_MODULES]
                 + [f"si_thermal/si/xsection/{m}.py" for m in XSECTION_MODULES],
                 ["tests/si/test_mutation_kills_lines.py", "tests/si/test_media.py", "tests/si/test_channel.py",
                  "tests/si/test_planes_budget.py", "tests/si/test_connector_via_xt.py", "tests/si/test_eye.py",
                  "tests/si/test_xsection.py", "tests/si/test_mutation_kills_channel_eye.py"]),
    "thermal": (["si_thermal/thermal/cooling.py", "si_thermal/thermal/anderson.py",
                 "si_thermal/thermal/convergence.py"],
                ["tests/thermal/test_cooling.py", "tests/thermal/test_cooling_inputs.py",
                 "tests/thermal/test_anderson.py", "tests/thermal/test_convergence.py",
                 "tests/thermal/test_tuckerman_pease.py", "tests/thermal/test_mutation_kills_thermal.py"]),
    # FEM modules (issue 18 part B): the functions of FEM_FUNCTIONS only, judged by tiny-mesh checks
    "thermal-fem": ([f"si_thermal/thermal/{m}.py" for m in ("heat", "coolant", "transient", "elastic", "geometry")],
                    ["tests/thermal/test_mutation_kills_fem.py", "tests/thermal/test_heat.py",
                     "tests/thermal/test_transient.py", "tests/thermal/test_elastic.py",
                     "tests/thermal/test_coolant_grid.py", "tests/thermal/test_geometry.py"]),
    # the package model built on it (issue 18, stop 13): package, its transient, nested meshes, probes, the
    # power limit; judged by tiny-package checks
    "thermal-package": ([f"si_thermal/thermal/{m}.py" for m in ("package", "package_transient", "nested", "probe",
                                                               "limit")],
                        ["tests/thermal/test_mutation_kills_package.py"]),
    # the backplane's thermo-mechanics, the resolved unit cell, the Tuckerman & Pease validation and the
    # laminate's classical lamination theory (mechanics/)
    "thermal-board": (["si_thermal/thermal/backplane.py", "si_thermal/thermal/unitcell.py",
                       "si_thermal/thermal/validation.py", "si_thermal/mechanics/laminate.py"],
                      ["tests/thermal/test_mutation_kills_board.py", "tests/mechanics/test_laminate.py",
                       "tests/thermal/test_tuckerman_pease.py"]),
    # the field solver's construction: cross-section geometry (shapes, regions, gaps, checks) and its gmsh
    # mesh (element sizes, holes, slits, tags), judged by hand-worked measures of coarse meshes
    "si-xsection": (["si_thermal/si/xsection/geometry.py", "si_thermal/si/xsection/mesh.py"],
                    ["tests/si/test_mutation_kills_xsection.py"]),
    # Touchstone reading and checks, the COM reach search
    "si-io": (["si_thermal/si/touchstone.py", "si_thermal/si/com_reach.py"],
              ["tests/si/test_mutation_kills_io.py", "tests/si/test_touchstone.py"]),
}
# environment per group: si-lines keeps no field solution on disk (a mutant's solve written to the mesh
# cache would be read by the next mutant; the path cannot be created, so the cache is skipped)
GROUP_ENV = {"si-lines": {"SI_THERMAL_CACHE": "/dev/null/si-thermal-mutation"}}
# Groups whose run is restricted to the functions that carry physics (weak forms, coefficients,
# boundary terms, material and geometry bookkeeping), per module: every other function's mutants are
# generated but not run (reported as "not run"). Left out of thermal-fem: XDMF writing
# (``write_xdmf``), PETSc solver plumbing (``_make_ksp``, ``_ksp_options``: a changed Krylov or
# preconditioner option still converges to the same field, or raises), input validation
# (``_check_regions``, ``ElasticMaterial.__post_init__``) and the geometry's cache-key hash (``key``).
# the package of FUNCTIONS' module names, per group (default thermal); a dotted module name
# ("mechanics.laminate") is taken relative to si_thermal instead, for groups spanning packages
GROUP_PACKAGE: dict[str, str] = {}
FUNCTIONS: dict[str, dict[str, list[str]]] = {
    "thermal-fem": {
        "heat": ["max_k", "min_k", "mean_k", "heat_out_w", "source_w", "_reduce_over_cells", "_cell_dofs",
                 "_assemble_scalar", "__init__", "reset_matrix", "_build_coefficients", "_field", "_build_forms",
                 "direct", "linear_solve", "prepare", "_solve_frozen", "refreeze", "picard_step", "solution",
                 "_newton_solve", "solve", "tag_dofs", "_weights", "volume", "integral", "_scratch_form",
                 "power_in_w", "_all_tags", "_operator_key", "_update_values", "solve_heat"],
        "coolant": ["_unique_global", "_index", "_tributary", "_zone_rise", "_surface", "solve_with_coolant"],
        "transient": ["kernel", "_overlap_add", "duhamel", "__init__", "from_problem", "_setup", "_probe_rows",
                      "_factor", "steady", "_advance", "_blocks", "step_responses", "simulate"],
        "elastic": ["isotropic", "from_properties", "voigt_strain", "_cells", "_dg0", "stress", "strain",
                    "cell_values", "max_abs", "mean", "nodal_displacement", "max_displacement_m", "warpage_m",
                    "von_mises", "rigid_body_modes", "_dirichlet", "solve_elastic", "_operator_key", "_solve_rhs"],
        "geometry": ["region_names", "_breaks", "_inside", "_subdivisions", "tag_at", "_grid", "grid_lines",
                     "grid_nodes", "_local_cells", "mesh_stack", "_centered", "package_geometry"],
    },
    # thermal-board: every function but the backplane's two caches (``region_mesh``: the mesh memo and
    # its eviction; ``_tree``: the bounding-box tree memo), whose mutants change what is kept, not a value
    "thermal-board": {
        "backplane": ["_conductivity", "_heat_capacity", "transient_model", "_check", "solve_backplane",
                      "discretization_error", "_solve", "_region_mesh", "_classify", "_eval", "_hot_column"],
        "unitcell": ["resolved_resistance", "fin_model_resistance"],
        "validation": ["tuckerman_pease"],
        "mechanics.laminate": ["compliance", "stiffness", "cte", "e_x_pa", "e_y_pa", "e_z_pa", "g_xz_pa", "nu_xy",
                               "nu_xz", "cte_x_per_k", "cte_y_per_k", "cte_z_per_k", "_dielectric", "_isotropic",
                               "mix", "_fill_material", "layer_properties", "homogenize", "free_response",
                               "cte_inplane_per_k", "lamination", "effective_properties", "glass_transition_k",
                               "layer_stresses", "_mixed_law"],
    },
}


def selected(group: str, modules: list[str] | None = None) -> list[str]:
    """mutmut name globs of the group's selected functions (top-level ``x_f`` and methods ``xǁCǁf``)."""
    out = []
    for mod, funcs in FUNCTIONS.get(group, {}).items():
        if modules is None or mod in modules:
            base = f"si_thermal.{mod}" if "." in mod else f"si_thermal.{GROUP_PACKAGE.get(group, 'thermal')}.{mod}"
            out += [g for f in funcs for g in (f"{base}.x_{f}__mutmut_*", f"{base}.xǁ*ǁ{f}__mutmut_*")]
    return out


LINKS = ["si_thermal", "tests", "boards", "channels", "meshes"]
# tests left out of a group's mutant runs because each takes 5-15 s of FEM (they stay in make test):
# the resolved conjugate unit cell and the package mesh-convergence check
DESELECT = {"thermal": "not resolved_unit_cell and not default_mesh_meets_the_tolerance",
            # the tests on the measured example2 channels (Touchstone reads, port-order detection, the COM
            # pipeline on 4-port data, 1-10 s each: a surviving mutant would cost ~10 s): in make test; the
            # si-com group judges mutants by the synthetic closed-form tests of test_mutation_kills_com.py
            # and the fast tests of test_pulse/test_eq/test_com
            # the MPI test launches mpirun (a subprocess: nothing mutmut can map)
            "thermal-fem": "not under_mpirun",
            "si-com": "not (example2 or crosstalk_lowers_com or fast_search_finds or stronger_equalizer "
                      "or falls_monotonically or short_band_warns_and_different or mixups or port_order_is_detected "
                      "or crosstalk_file_given or sdd_equals_skrf)"}


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def prepare(group: str) -> Path:
    """The group's scratch folder: links to the checkout and a pyproject.toml naming what to mutate."""
    mutate, tests = GROUPS[group]
    tests = [t for t in tests if (ROOT / t).exists()]
    work = ROOT / "build" / "mutation" / group
    work.mkdir(parents=True, exist_ok=True)
    for name in LINKS + ["shared"]:
        link, target = work / name, (ROOT / name) if name != "shared" else (ROOT.parent / "shared")
        if not link.exists() and target.exists():
            link.symlink_to(target)
    pytest_opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    (work / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        f'addopts = "{pytest_opts["addopts"]}"\n'
        f"pythonpath = {_toml_list(pytest_opts['pythonpath'])}\n"
        f"markers = {_toml_list(pytest_opts['markers'])}\n\n"
        "[tool.mutmut]\n"
        'source_paths = ["si_thermal"]\n'
        f"only_mutate = {_toml_list(mutate)}\n"
        f"also_copy = {_toml_list(LINKS[1:] + ['pyproject.toml'])}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:cov", "-q"'
        + (f', "-k", "{DESELECT[group]}"' if group in DESELECT else "") + "]\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        # every covered or uncovered line is mutated; an uncovered mutant counts as not killed
        "mutate_only_covered_lines = false\n"
        # the text of error messages and warnings is not physics (the CLI tests check that errors name
        # the file and field); the guards that raise them are still mutated
        + ("" if group == "reliability" else
           'do_not_mutate_patterns = ["^\\\\s*raise ", "warnings\\\\.warn\\\\("]\n'))
    return work


def pending(work: Path, globs: list[str]) -> list[str]:
    """The selected mutants not run yet (explicit names: mutmut re-runs every mutant it is given), or
    the globs themselves before mutmut has generated the mutants."""
    import fnmatch
    import json

    metas = list((work / "mutants").rglob("*.py.meta"))
    if not metas:
        return globs
    names = [k for m in metas for k, c in json.loads(m.read_text())["exit_code_by_key"].items()
             if c is None and any(fnmatch.fnmatch(k, g) for g in globs)]
    return names


def run(group: str, children: int, mutants: list[str] | None = None, modules: list[str] | None = None,
        nice: int = 15) -> float:
    work = prepare(group)
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "SI_THERMAL_ROOT": str(ROOT), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", **GROUP_ENV.get(group, {})}
    if not mutants and group in FUNCTIONS:  # only the selected functions, those not run yet
        mutants = pending(work, selected(group, modules))
        if not mutants:
            print(f"{group}: every selected mutant has run")
            return 0.0
    t0 = time.perf_counter()
    subprocess.run(["nice", "-n", str(nice), str(mutmut), "run", "--max-children", str(children), *(mutants or [])],
                   cwd=work, env=env, check=False)
    wall = time.perf_counter() - t0
    with open(work / "runs.log", "a") as log:  # one line per run: a rerun of some mutants adds a line
        log.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {group} children={children} wall_s={wall:.0f}\n")
    print(f"{group}: mutmut run {wall:.0f} s wall")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("groups", nargs="*", default=list(GROUPS), choices=list(GROUPS))
    ap.add_argument("--children", type=int, default=2)
    ap.add_argument("--mutants", nargs="*", help="mutant names or globs (default: all, new ones only)")
    ap.add_argument("--modules", nargs="*", help="groups with selected functions (thermal-fem): only these "
                    "modules' (default: all); e.g. --modules heat coolant")
    ap.add_argument("--nice", type=int, default=15, help="niceness of the mutmut run (default 15)")
    args = ap.parse_args()
    for g in args.groups:
        run(g, args.children, args.mutants, args.modules, args.nice)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "mutation_summary.py"),
                    *[str(ROOT / "build" / "mutation" / g) for g in args.groups]], check=False)


if __name__ == "__main__":
    main()
