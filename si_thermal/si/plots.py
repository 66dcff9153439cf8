"""Figures: IL vs frequency and IL at Nyquist vs length with the loss budget, for several channels
(e.g. twinax and stripline media) and both SerDes rates. Matplotlib with the Agg backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from si_thermal.atomic import atomic_path
from si_thermal.si import channel as chan
from si_thermal.si.metrics import il_db
from si_thermal.si.rates import serdes_rate
from si_thermal.si.reach import il_at_nyquist, reach_il

_STYLES = ("-", "--", ":", "-.")


def il_figure(channels: list, rates: list[str], out: str | Path, *, f_max_hz: float = 60e9,
              n_freq: int = 601, max_length_m: float | None = None) -> Path:
    """Two panels: IL(f) of each channel at its stated length, with Nyquist markers and the budget;
    IL at each rate's Nyquist vs the variable length, between that rate's budget planes (as
    :func:`reach.reach_il` computes it), with the budget line and the IL reach."""
    import matplotlib.pyplot as plt

    fig, (ax_f, ax_l) = plt.subplots(1, 2, figsize=(12, 4.8), constrained_layout=True)
    f = np.linspace(0.0, f_max_hz, n_freq)
    rate_objs = [(key, serdes_rate(key)) for key in rates]
    for ci, channel in enumerate(channels):
        ch, path = chan.load(channel)
        label = ch.channel.name
        net = chan.channel_network((ch, path), f)
        ax_f.plot(f / 1e9, il_db(net), _STYLES[ci % len(_STYLES)], label=label)
        stated = chan.variable_length(ch)
        if stated is None:
            continue
        reaches = {key: reach_il((ch, path), key) for key, _ in rate_objs}
        top = max_length_m or max(2.5 * stated, 1.15 * max(res.reach_m for res in reaches.values()), 0.5)
        lengths = np.linspace(0.0, top, 60)
        for key, r in rate_objs:
            # between the budget's reference planes (packages added for a bump-to-bump budget), as the
            # reach is computed: the curve crosses the budget line at the reach dot
            il = [il_at_nyquist((ch, path), r.nyquist_hz, x, rate=key) for x in lengths]
            line, = ax_l.plot(lengths, il, _STYLES[ci % len(_STYLES)], label=f"{label}, {key}")
            res = reaches[key]
            if res.closes:
                ax_l.plot([res.reach_m], [res.budget_db], "o", color=line.get_color())
    for key, r in rate_objs:
        ax_f.axvline(r.nyquist_hz / 1e9, color="0.5", lw=0.8)
        ax_f.text(r.nyquist_hz / 1e9, 1, f" {key} Nyquist", rotation=90, va="bottom", fontsize=7)
    budgets = sorted({r.il_budget for _, r in rate_objs})
    for b in budgets:
        for ax in (ax_f, ax_l):
            ax.axhline(b, color="red", lw=1.0, ls="--")
    ax_f.set(xlabel="frequency (GHz)", ylabel="insertion loss Sdd21 (dB)", title="IL vs frequency")
    ax_l.set(xlabel="length of the variable segment (m)", ylabel="IL at Nyquist between the budget's planes (dB)",
             title=f"IL at Nyquist vs length (budget {', '.join(f'{b:g}' for b in budgets)} dB; dots = reach)")
    for ax in (ax_f, ax_l):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    out = Path(out)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
    return out
