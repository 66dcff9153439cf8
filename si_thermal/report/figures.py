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
                  "per channel and SerDes rate (si_thermal.si channel solver), with the rate's bump-to-bump budget "
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
    ax.axhline(3.0, ls="--", color="k", lw=1)
    ax.set_xlabel("variable segment length (m)")
    ax.set_ylabel("COM (dB)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Figure(_save(fig, out_dir / "com_vs_length.png"),
                  "Channel Operating Margin (IEEE 802.3 Annex 93A) versus variable-segment length, with the 3 dB threshold.")


def length_histograms(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    items = [(r, name, L) for r in results.values() for name, L in r.lengths.items()]
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
                  "system and link group; dashed: the IL reach of the group's primary channel at its rate.")


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
        ax.plot(c.power_w, c.tj_max_c, "o", color=line.get_color())
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
    return Figure(_save(fig, out_dir / "tj_vs_power.png"),
                  "Maximum junction temperature versus package power per cooling technology (points: FEM solves of "
                  "si_thermal.thermal.package; line: linear fit), Tj limit dashed; dotted: each system's per-GPU power.")


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


def fleet(comparison, out_dir: Path) -> Figure | None:
    if comparison is None or isinstance(comparison, StageSkipped):
        return None
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    for res, label in ((comparison.cable_tray, "cable tray"), (comparison.backplane, "backplane")):
        months = np.arange(1, res.months + 1)
        events = res.random_events_per_month + np.asarray(res.wearout_events_by_month)
        a1.plot(months, events, label=label)
        a2.plot(months, np.asarray(res.availability_by_month) * 100, label=label)
    a1.set_xlabel("month in service")
    a1.set_ylabel("rack failure events per month")
    a2.set_xlabel("month in service")
    a2.set_ylabel("availability (%)")
    for a in (a1, a2):
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    wear = {label: float(np.sum(res.wearout_events_by_month)) for res, label in
            ((comparison.cable_tray, "cable tray"), (comparison.backplane, "backplane"))}
    return Figure(_save(fig, out_dir / "fleet.png"),
                  f"Fleet of {comparison.fleet_racks} racks, cable tray versus orthogonal backplane "
                  "(si_thermal.reliability.fleet): rack failure events per month (constant-rate random failures "
                  "plus Weibull wear-out counted month by month with renewal) and availability "
                  "1/(1 + sum of rate x MTTR over the failure modes of boards/racks/fleet_reliability.toml). "
                  f"Wear-out adds {wear['cable tray']:.2g} (cable tray) and {wear['backplane']:.2g} (backplane) "
                  f"events over the {comparison.months} months shown.")


def backplane(results: dict[str, SystemResult], out_dir: Path) -> Figure | None:
    rows = [(r.rack, r.reliability.backplane_sweep) for r in results.values()
            if isinstance(r.reliability, RackReliabilityResult) and r.reliability.backplane_sweep]
    if not rows:
        return None
    rack, sw = rows[0]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    for a in (a1, a2):
        a.axvspan(20, 30, color="tab:orange", alpha=0.15, label="S0: 20-30 K")
        a.set_xlabel("in-rack temperature gradient (K)")
        a.grid(alpha=0.3)
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
                  + _validity_note(results))


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
    rows = [(r.rack.rack.name, r.cost) for r in results.values() if not isinstance(r.cost, StageSkipped)]
    if not rows:
        return None
    from si_thermal.system.cost import rack_cost

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    names = [n for n, _ in rows]
    base = [c.usd_per_million_tokens for _, c in rows]
    ax.bar(np.arange(len(rows)) - 0.2, base, 0.4, label="availability as input")
    avail = []
    for r in results.values():
        if not isinstance(r.cost, StageSkipped):
            a = r.reliability.availability if isinstance(r.reliability, RackReliabilityResult) else r.cost.inputs.availability
            avail.append(rack_cost(r.rack, availability=a).usd_per_million_tokens)
    ax.bar(np.arange(len(rows)) + 0.2, avail, 0.4, label="modelled availability")
    for i, (b, a) in enumerate(zip(base, avail)):
        ax.text(i - 0.2, b, f"{b:.2f}", ha="center", va="bottom", fontsize=7)
        ax.text(i + 0.2, a, f"{a:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(np.arange(len(rows)), names, fontsize=8)
    ax.set_ylabel("cost (USD per million tokens)")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7)
    return Figure(_save(fig, out_dir / "cost.png"),
                  "Cost per million tokens (S0 section 2.5 formula and inputs): with the availability given as input "
                  "and with the availability of the reliability model (MTBF, MTTR).")


ALL = (il_vs_length, com_vs_length, length_histograms, tj_vs_power, temperature_fields, backplane, life_bands, cost)
