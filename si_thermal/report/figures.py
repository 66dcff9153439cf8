"""Report figures (matplotlib, Agg): each function takes stage results and returns a
:class:`Figure` (PNG path + caption) or ``None`` when its data are absent. Units on every axis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from si_thermal.system.cooling import SystemCooling  # noqa: E402
from si_thermal.system.model import SystemResult  # noqa: E402
from si_thermal.system.reliability import RackReliabilityResult  # noqa: E402
from si_thermal.system.stages import StageSkipped  # noqa: E402


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str


def _save(fig, out: Path) -> Path:
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)
    return out


def il_vs_length(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    curves = {}
    for r in results.values():
        for g in r.si.groups:
            curves.setdefault((g.curve.channel, g.curve.rate), g.curve)
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(8.0, 4.2))
    budgets = {}
    for (ch, rate), c in sorted(curves.items()):
        ax.plot(c.length_m, c.il_db, marker="o", ms=3, label=f"{ch.removesuffix('.toml')} @ {rate}")
        budgets.setdefault(c.budget_db, set()).add(rate)
    top = max(2.0 * max(budgets), 60.0)
    ax.set_ylim(0, top)
    for b, rates in sorted(budgets.items()):
        ax.axhline(b, ls="--", lw=1, color="k")
        # at the short-length end, where every curve lies far below the budgets: no label over data
        ax.text(0.01, b, f"{b:.0f} dB budget ({', '.join(sorted(rates))})", va="bottom", ha="left", fontsize=7,
                transform=ax.get_yaxis_transform(), bbox=dict(facecolor="white", edgecolor="none", pad=1.0))
    ax.set_xlabel("variable segment (cable / backplane trace) length (m)")
    ax.set_ylabel("insertion loss at Nyquist (dB)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Figure(_save(fig, out_dir / "il_vs_length.png"),
                  "Insertion loss at the Nyquist frequency versus the length of the channel's variable segment, "
                  "between the budget's reference planes (packages included for a bump-to-bump budget, worst package "
                  "case), per channel and SerDes rate (si_thermal.si channel and planes), with the rate's budget "
                  "(axis clipped at twice the largest budget).")


def com_vs_length(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    curves = {}
    for r in results.values():
        for g in r.si.groups:
            if g.curve.com_db is not None:
                curves.setdefault((g.curve.channel, g.curve.rate), g.curve)
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(8.0, 4.0))
    for (ch, rate), c in sorted(curves.items()):
        ax.plot(c.com_length_m, c.com_db, marker="o", ms=3, label=f"{ch.removesuffix('.toml')} @ {rate}")
        ax.axhline(c.com_threshold_db, ls="--", color="k", lw=1)
    ax.set_xlabel("variable segment length (m)")
    ax.set_ylabel("COM (dB)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Figure(_save(fig, out_dir / "com_vs_length.png"),
                  "Channel Operating Margin (IEEE 802.3 Annex 93A/178A; worst of the two package cases, with the "
                  "connectors' NEXT/FEXT) at the solved lengths (0, the COM reach found by root-finding, the longest "
                  "link), with the 3 dB threshold.")


def length_histograms(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    in_tray = {(r.key, link.name) for r in results.values() for link in r.rack.links if link.in_tray_lengths}
    items = [(r, name, L) for r in results.values() for name, L in r.lengths.items() if (r.key, name) not in in_tray]
    if not items:
        return None
    n = len(items)
    cols = 2
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 2.1 * rows + 0.4), squeeze=False)
    for ax, (r, name, L) in zip(axes.ravel(), items):
        ax.hist(L.length_m, bins=30, color="tab:blue", alpha=0.8)
        reach = [g.curve.reach_il_m for g in r.si.groups if g.group == name]
        hi = 1.15 * L.length_m.max()
        for x in reach[:1]:
            if x <= hi:
                ax.axvline(x, color="tab:red", ls="--", lw=1.2, label=f"IL reach {x:.2f} m")
                ax.legend(fontsize=6)
            else:
                ax.text(0.98, 0.92, f"IL reach {x:.2f} m (off scale)", transform=ax.transAxes, ha="right",
                        va="top", fontsize=6, color="tab:red")
        ax.set_xlim(0, hi)
        ax.set_title(f"{r.rack.rack.name}: {name}", fontsize=7.5)
        ax.set_xlabel("routed length (m)", fontsize=7)
        ax.set_ylabel("links (count)", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    return Figure(_save(fig, out_dir / "length_histograms.png"),
                  "Routed length of every scale-up link (Manhattan route plus service loop and breakouts) per "
                  "system and link group; dashed: the IL reach of the group's primary channel at its rate. In-tray "
                  "groups (PCIe Gen6, NIC to OSFP) have listed lengths, given in the appendix, and are not drawn.")


_KIND_COLOURS = {"package": "tab:purple", "host trace": "tab:blue", "via": "tab:olive", "connector": "tab:orange",
                 "cable": "tab:green", "backplane trace": "tab:brown", "board trace": "tab:cyan",
                 "measured block": "tab:gray", "mismatch": "lightgray", "crosstalk": "tab:red"}


def _primary_budgets(results):
    return [(r, g) for r in results.values() for g in r.si.groups if g.primary and g.budget is not None]


def where_db_go(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    """Stacked bars per primary link group: IL at Nyquist per element class (left) and the COM penalty
    of each class (right), at the group's longest link."""
    items = _primary_budgets(results)
    if not items:
        return None
    labels = [f"{r.rack.rack.name}\n{g.group} @ {g.rate}" for r, g in items]
    kinds = [k for k in _KIND_COLOURS if any(x.kind == k for _, g in items for x in g.budget.rows)]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.0, 0.55 * len(items) + 2.0), sharey=True)
    y = np.arange(len(items))
    left = np.zeros(len(items))
    neg = np.zeros(len(items))
    for k in kinds:
        v = np.array([sum(x.il_db for x in g.budget.rows if x.kind == k and np.isfinite(x.il_db)) for _, g in items])
        start = np.where(v >= 0, left, neg + v)
        ax1.barh(y, np.abs(v), left=start, color=_KIND_COLOURS[k], label=k, height=0.6)
        left = np.where(v >= 0, left + v, left)
        neg = np.where(v < 0, neg + v, neg)
    for i, (_, g) in enumerate(items):
        ax1.plot([g.budget.budget_db] * 2, [i - 0.4, i + 0.4], color="k", lw=1.5)
    ax1.set_yticks(y, labels, fontsize=6.5)
    ax1.invert_yaxis()
    ax1.set_xlabel("IL at Nyquist between the budget's planes (dB); bar: budget")
    ax1.legend(fontsize=6, ncol=2, loc="lower right")
    ax1.grid(axis="x", alpha=0.3)
    pk = [k for k in kinds if k != "mismatch"]
    left = np.zeros(len(items))
    for k in pk:
        v = np.array([(g.budget.com_penalty_db or {}).get(k, 0.0) for _, g in items])
        v = np.where(np.isfinite(v), v, 0.0)
        ax2.barh(y, np.maximum(v, 0.0), left=left, color=_KIND_COLOURS[k], height=0.6)
        left += np.maximum(v, 0.0)
    for i, (_, g) in enumerate(items):
        if np.isfinite(g.budget.com_db):
            ax2.text(left[i] + 0.1, i, f"COM {g.budget.com_db:.1f} dB", va="center", fontsize=6)
    ax2.set_xlabel("COM penalty of each class (dB, COM without it - COM)")
    ax2.grid(axis="x", alpha=0.3)
    return Figure(_save(fig, out_dir / "where_db_go.png"),
                  "Where the dB go at the longest link of each primary link group: insertion loss at Nyquist of each "
                  "element class between the budget's reference planes (packages included for a bump-to-bump budget, "
                  "worst package case; 'mismatch' is what the cascade loses beyond the sum), and the COM penalty of each "
                  "class (COM with that class removed minus COM; not additive). si_thermal.si.budget.")


def link_margin_histograms(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    """Per primary link group: histogram of every link's IL margin and COM margin (dB)."""
    items = [(r, g) for r in results.values() for g in r.si.groups if g.primary]
    if not items:
        return None
    cols = 2
    rows = int(np.ceil(len(items) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 2.0 * rows + 0.4), squeeze=False)
    for ax, (r, g) in zip(axes.ravel(), items):
        ax.hist(g.il_margin_db, bins=30, alpha=0.6, color="tab:blue", label="IL margin")
        if g.com_margin_db is not None:
            ax.hist(g.com_margin_db, bins=30, alpha=0.6, color="tab:orange", label="COM margin")
        ax.axvline(0.0, color="k", lw=1)
        ax.set_title(f"{r.rack.rack.name}: {g.group} @ {g.rate}", fontsize=7)
        ax.set_xlabel("margin (dB)", fontsize=7)
        ax.set_ylabel("links (count)", fontsize=7)
        ax.tick_params(labelsize=6)
        ax.legend(fontsize=6)
    for ax in axes.ravel()[len(items):]:
        ax.axis("off")
    return Figure(_save(fig, out_dir / "link_margins.png"),
                  "Link margins per primary link group: IL margin (budget minus IL between the budget's planes, worst "
                  "package case) and COM margin (worst package case, with the connectors' crosstalk, minus 3 dB) of every "
                  "link; COM margins interpolate between the solved lengths (0, the COM reach, the longest link).")


def tornado(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    """Tornado per system (primary link group): margin of the longest link with one input at a time
    moved to its low and high value (system.sensitivity)."""
    items = [(r, t) for r in results.values() for t in r.si.tornado]
    if not items:
        return None
    cols = 2
    rows = int(np.ceil(len(items) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(8.6, 2.1 * rows + 0.4), squeeze=False)
    for ax, (r, t) in zip(axes.ravel(), items):
        bars = sorted(t.bars, key=lambda b: abs(b.high_db - b.low_db))
        y = np.arange(len(bars))
        for i, b in enumerate(bars):
            for v, lab, col in ((b.low_db, b.low_label, "tab:green"), (b.high_db, b.high_label, "tab:red")):
                ax.barh(i, v - t.base_db, left=t.base_db, color=col, alpha=0.7, height=0.6)
                ax.text(v, i, f" {lab}", va="center", ha="left" if v >= t.base_db else "right", fontsize=5.5)
        ax.axvline(t.base_db, color="k", lw=1)
        ax.axvline(0.0, color="tab:gray", lw=1, ls="--")
        ax.set_yticks(y, [b.name for b in bars], fontsize=6)
        ax.set_title(f"{r.rack.rack.name}: {t.group} @ {t.rate}, {t.length_m:.2f} m", fontsize=7)
        ax.set_xlabel("worst-link margin min(IL, COM) (dB)", fontsize=6.5)
        ax.tick_params(labelsize=6)
        lo = min(0.0, *(min(b.low_db, b.high_db) for b in bars)) - 0.5
        hi = max(0.0, *(max(b.low_db, b.high_db) for b in bars)) + 1.0
        ax.set_xlim(lo, hi)
    for ax in axes.ravel()[len(items):]:
        ax.axis("off")
    return Figure(_save(fig, out_dir / "tornado.png"),
                  "Tornado per system: margin of the longest link of the primary link group, min(IL margin, COM "
                  "margin), with one input at a time at its low or high value (host-trace length x0.5/x1.5, connector "
                  "IL x0.75/x1.25, connector RL +-3 dB, via stub 0/0.4 mm, package case, IL budget +-2 dB); black: "
                  "the base margin, dashed: zero. Recomputed by the physics at the binding package case "
                  "(si_thermal.system.sensitivity).")


def _cooling(results):
    return [r.cooling for r in results.values() if isinstance(r.cooling, SystemCooling)]


def tj_vs_power(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    cools = _cooling(results)
    if not cools:
        return None
    curves = {(c.package, c.cooling): c for s in cools for c in s.curves}
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    for (pkg, cool), c in curves.items():
        p = np.linspace(c.power_w[0], max(c.power_w[-1], c.limit_w) * 1.02, 50)
        fit = np.polyval(np.polyfit(c.power_w, c.tj_max_c, 1), p)
        line, = ax.plot(p, fit, lw=1, label=f"{cool} ({pkg.removesuffix('.toml')}), limit {c.limit_w:.0f} W")
        err = c.tj_error_k if c.tj_error_k is not None else None
        ax.errorbar(c.power_w, c.tj_max_c, yerr=err, fmt="o", ms=4, capsize=2, color=line.get_color())
    for lim in sorted({c.tj_limit_c for c in curves.values()}):
        ax.axhline(lim, color="k", ls="--", lw=1, label=f"Tj limit {lim:.0f} degC")
    by_power: dict[float, list[str]] = {}
    for s in cools:
        by_power.setdefault(s.gpu_power_w, []).append(s.system)
    y0 = ax.get_ylim()[0]
    for pw, names in by_power.items():
        ax.axvline(pw, color="grey", lw=0.6, ls=":")
        ax.text(pw, y0, " " + ", ".join(names), fontsize=5.5, va="bottom", ha="right", rotation=90)
    ax.set_xlabel("GPU package power (W)")
    ax.set_ylabel("maximum junction temperature (degC)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    errors = "; ".join(f"{cool}: Tj error within +-{np.nanmax(c.tj_error_k):.2f} K, mesh {c.mesh_note}"
                       for (_, cool), c in curves.items() if c.tj_error_k is not None)
    return Figure(_save(fig, out_dir / "tj_vs_power.png"),
                  "Maximum junction temperature versus package power per cooling technology (points: FEM solves of "
                  "si_thermal.thermal.package with their discretization-error bars; line: linear fit), Tj limit "
                  f"dashed; dotted: each system's per-GPU power. {errors}.")


def temperature_fields(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    cools = _cooling(results)
    if not cools:
        return None
    curves = list({(c.package, c.cooling): c for s in cools for c in s.curves}.values())
    curves = [c for c in curves if c.field_t_c is not None]
    if not curves:
        return None
    # one colour scale for every panel (so colours compare across them) on its own colorbar axis
    fig, axes = plt.subplots(1, len(curves) + 1, figsize=(3.6 * len(curves) + 0.6, 3.3), squeeze=False,
                             gridspec_kw={"width_ratios": [1.0] * len(curves) + [0.05]})
    cax, axes = axes[0, -1], axes[:, :-1]
    vmin = min(c.field_t_c.min() for c in curves)
    vmax = max(c.field_t_c.max() for c in curves)
    from matplotlib.ticker import MaxNLocator

    levels = MaxNLocator(20).tick_values(vmin, vmax)
    for ax, c in zip(axes.ravel(), curves):
        tc = ax.tricontourf(c.field_xy_m[:, 0] * 1e3, c.field_xy_m[:, 1] * 1e3, c.field_t_c, levels=levels,
                            cmap="inferno")
        ax.set_title(f"{c.cooling}, {c.power_w[-1]:.0f} W", fontsize=8)
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
        ax.set_aspect("equal")
    fig.colorbar(tc, cax=cax, label="temperature (degC)")
    return Figure(_save(fig, out_dir / "temperature_fields.png"),
                  "Temperature in the plane of the hottest point across the dies (FEM, package file "
                  f"{curves[0].package}), per cooling technology at the highest solved power, on one colour "
                  "scale.")


def backplane(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    rows = [(r.rack, r.reliability) for r in results.values()
            if isinstance(r.reliability, RackReliabilityResult) and r.reliability.backplane_sweep]
    if not rows:
        return None
    rack, rel = rows[0]
    sw = rel.backplane_sweep
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    for a in (a1, a2):
        a.axvspan(20, 30, color="tab:orange", alpha=0.15, label="S0: 20-30 K")
        a.set_xlabel("in-rack temperature gradient (K)")
        a.grid(alpha=0.3)
    err = sw.get("max_warpage_um_error")
    if err is not None and np.all(np.isfinite(err)):  # the discretization-error estimate as error bars
        a1.errorbar(sw["gradient_k"], sw["max_warpage_um"], yerr=err, fmt="o-", capsize=3)
    else:
        a1.plot(sw["gradient_k"], sw["max_warpage_um"], "o-")
    a1.set_ylabel("maximum warpage (um)")
    a2.semilogy(sw["gradient_k"], sw["years_to_1pct_failure"], "o-")
    a2.axhspan(3, 5, color="tab:red", alpha=0.15, label="S0: 3-5 years")
    a2.set_ylabel("years to 1 % of backplanes failing")
    a2.legend(fontsize=7)
    a1.legend(fontsize=7)
    return Figure(_save(fig, out_dir / "backplane.png"),
                  f"Backplane of {rack.rack.name} ({rack.reliability.backplane}) versus the in-rack gradient "
                  "(si_thermal.thermal.backplane: FEM thermoelastic warpage, IPC-TR-579 plated-hole fatigue at the "
                  "board file's cycling rate); shaded: the article's gradient and lifetime bands."
                  + _error_note(rel.backplane) + _validity_note(results))


def _error_note(backplane: dict | None) -> str:
    """The discretization-error estimate of the backplane's FEM outputs at the report's gradient."""
    e = (backplane or {}).get("discretization_error")
    if not e:
        return " No discretization-error estimate."
    return (f" Error bars and estimates: discretization error ({e['method']}); at the report's gradient "
            f"via swing +-{e['via_delta_t_k']:.2g} K, joint rise +-{e['joint_delta_t_k']:.2g} K, "
            f"z-strain +-{e['z_strain']:.2g}, connector stretch +-{e['connector_stretch']:.2g}, "
            f"warpage +-{e['max_warpage_um']:.2g} um.")


def life_bands(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    """P10-P90 bands (P50 marked) of the years to 1 % of backplanes failing, per mechanism and duty,
    against the article's 3-5 years (issue 13)."""
    rows = [(r.rack, r.reliability.backplane_life_bands) for r in results.values()
            if isinstance(r.reliability, RackReliabilityResult) and getattr(r.reliability, "backplane_life_bands", None)]
    if not rows:
        return None
    rack, duties = rows[0]
    names = {"pth": "plated holes", "joint": "connector joints (SAC)", "backplane": "backplane (all)"}
    bars = [(duty, mech, b) for duty, d in duties.items() for mech, b in d["bands"].items()]
    if not bars:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(bars) + 1.2))
    finite = [v for _, _, b in bars for v in (b["p10"], b["p50"], b["p90"]) if v is not None]
    lo, hi = max(min(finite + [1.0]) / 3, 1e-3), max(finite + [10.0]) * 3
    colors = {"pth": "tab:blue", "joint": "tab:green", "backplane": "k"}
    ax.axvspan(3, 5, color="tab:red", alpha=0.15)
    ax.set_title("shaded: S0's '3-5 years'; arrow: no wear-out within the model for some samples", fontsize=8)
    for i, (duty, mech, b) in enumerate(bars):
        p10 = b["p10"] if b["p10"] is not None else hi
        p90 = b["p90"] if b["p90"] is not None else hi
        ax.plot([p10, p90], [i, i], lw=6, color=colors.get(mech, "grey"), alpha=0.6, solid_capstyle="butt")
        if b["p50"] is not None:
            ax.plot([b["p50"]], [i], "|", ms=12, mew=2, color="k")
        if b["p90"] is None:
            ax.annotate("", xy=(hi, i), xytext=(hi / 1.6, i), arrowprops=dict(arrowstyle="->", lw=1))
    ax.set_yticks(range(len(bars)), [f"{duty}: {names.get(mech, mech)}" for duty, mech, _ in bars], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("years to 1 % of backplanes failing (bar: P10-P90, tick: P50)")
    ax.grid(alpha=0.3, axis="x")
    n = next(iter(next(iter(duties.values()))["bands"].values()))["samples"]
    note = ""
    first = next(iter(duties.values()))
    if not first.get("pth_within_validity", True):
        note = (f" Plated holes: aspect ratio {first['pth_aspect_ratio']:.0f}, far outside IPC-TR-579's data "
                "(<= 9): an ordering, not calendar years; the bands hold the inputs' spread only, not that model error.")
    return Figure(_save(fig, out_dir / "life_bands.png"),
                  f"Backplane of {rack.rack.name}: Monte Carlo ({n} samples of boards/reliability_uncertainty.toml) "
                  "P10/P50/P90 of the years until 1 % of backplanes fail, per wear-out mechanism of "
                  "boards/racks/fleet_reliability.toml and for all together, under idle-to-load cycling and the "
                  "shipped training and inference workload profiles (transient FEM, Duhamel superposition, "
                  "ASTM E1049 rainflow, Miner damage; si_thermal.system.backplane); shaded: the article's 3-5 years."
                  + note)


def _validity_note(results) -> str:
    """The IPC-TR-579 validity caveat of the backplane whose sweep is drawn, if it is outside the data."""
    for r in results.values():
        bp = r.reliability.backplane if isinstance(r.reliability, RackReliabilityResult) else None
        if bp and r.reliability.backplane_sweep:
            if bp.get("pth_within_validity", True):
                return ""
            return (f" The via aspect ratio ({bp.get('pth_aspect_ratio', float('nan')):.0f}) is far outside "
                    "IPC-TR-579's data (<= 9): read the lives as an ordering, not as calendar years.")
    return ""


def cost(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    """Cost per million tokens at each system's one availability; whiskers: the availability range."""
    rows = [r for r in results.values() if not isinstance(r.cost, StageSkipped)]
    if not rows:
        return None
    from si_thermal.system.cost import rack_cost

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    x = np.arange(len(rows))
    vals = np.array([r.cost.usd_per_million_tokens for r in rows])
    lo, hi = vals.copy(), vals.copy()
    for i, r in enumerate(rows):
        rel = r.reliability
        if isinstance(rel, RackReliabilityResult) and rel.availability_range:
            hi[i] = rack_cost(r.rack, availability=rel.availability_range[0]).usd_per_million_tokens
            lo[i] = rack_cost(r.rack, availability=rel.availability_range[1]).usd_per_million_tokens
    ax.bar(x, vals, 0.5, color="tab:blue")
    ax.errorbar(x, vals, yerr=[vals - lo, hi - vals], fmt="none", ecolor="k", capsize=4, lw=1)
    for i, r in enumerate(rows):
        av = r.availability
        note = f"{vals[i]:.2f}\n(avail. {av * 100:.1f} %)" if av is not None else f"{vals[i]:.2f}\n(avail. not modelled)"
        ax.text(i, hi[i], note, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [r.rack.rack.name for r in rows], fontsize=8)
    ax.set_ylabel("cost (USD per million tokens)")
    ax.set_ylim(0, max(hi) * 1.35)
    ax.grid(alpha=0.3, axis="y")
    return Figure(_save(fig, out_dir / "cost.png"),
                  "Cost per million tokens (S0 section 2.5 formula and inputs) at each system's one availability "
                  "(reliability stage; where no MTBF is given, S0's equal-availability assumption); whiskers: the "
                  "cost over the availability range of the sources' MTBF and MTTR ranges.")


ALL = (il_vs_length, com_vs_length, length_histograms, where_db_go, link_margin_histograms, tornado, tj_vs_power,
       temperature_fields, backplane, life_bands, cost)
