"""The channel figure (:func:`si_thermal.si.plots.il_figure`): the IL-vs-length curve is the IL between
the budget's reference planes, so it crosses the budget line at the reach the reach solver reports."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from si_thermal import paths  # noqa: E402
from si_thermal.si import plots  # noqa: E402
from si_thermal.si.reach import reach_il  # noqa: E402


def test_il_vs_length_crosses_the_budget_at_the_reach(tmp_path, monkeypatch):
    figs = []
    monkeypatch.setattr(plt, "close", lambda fig=None: figs.append(fig))
    channel = paths.channels_dir() / "nvl72_spine_26awg.toml"
    out = plots.il_figure([str(channel)], ["224g"], tmp_path / "il.png", n_freq=41)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax_f, ax_l = figs[0].axes[:2]
    curve = next(ln for ln in ax_l.lines if len(ln.get_xdata()) == 60)
    dot = next(ln for ln in ax_l.lines if len(ln.get_xdata()) == 1)
    res = reach_il(str(channel), "224g")
    assert res.closes and dot.get_xdata()[0] == pytest.approx(res.reach_m)
    assert dot.get_ydata()[0] == res.budget_db
    # the plotted curve (60 lengths, linear between them) meets the budget at the reach to 0.1 dB
    assert np.interp(res.reach_m, curve.get_xdata(), curve.get_ydata()) == pytest.approx(res.budget_db, abs=0.1)
    # IL grows with length, and the IL(f) panel starts at 0 dB at DC (a passive channel)
    assert np.all(np.diff(curve.get_ydata()) > 0)
    il_f = ax_f.lines[0].get_ydata()
    assert abs(il_f[0]) < 0.5 and il_f[-1] > il_f[0]
