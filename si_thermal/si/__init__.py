"""Channel physics with scikit-rf: media, channel assembly, metrics, reach (see ../shared/DESIGN.md).

Modules, one concept each:

- :mod:`.conductor`  DC resistance, skin effect with internal inductance, roughness (Huray, Hammerstad, Groisse)
- :mod:`.dielectric` causal wideband Djordjevic-Sarkar permittivity from one datasheet point
- :mod:`.tline`      RLGC transmission-line Media base class and the incremental-inductance rule
- :mod:`.coax`, :mod:`.twinax`, :mod:`.stripline`  the media (skrf ``Media`` subclasses)
- :mod:`.via`, :mod:`.connector`, :mod:`.touchstone`  discontinuities and measured blocks
- :mod:`.channel`    ``channels/*.toml`` -> one differential skrf Network
- :mod:`.metrics`, :mod:`.rates`, :mod:`.reach`, :mod:`.plots` (sweeps: :mod:`si_thermal.sweep`)
- link modules (pulse response, equalization, COM, eye, COM reach): :mod:`.pulse`, :mod:`.equalizer`,
  :mod:`.com`, :mod:`.eye`, :mod:`.com_reach`
"""

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    ".channel": ["channel_network", "channel_network_4port", "segment_loss_db_per_m", "write_touchstone"],
    ".metrics": ["il_db", "rl_db", "il_at_db", "fitted_il", "ild", "fom_ild", "FittedIL"],
    ".rates": ["serdes_rate", "serdes_rates"],
    ".reach": ["reach_il", "il_at_nyquist", "ReachResult"],
    ".com": ["compute_com", "load_com_params", "standards", "ComParams", "ComResult"],
    ".com_reach": ["reach_com", "com_at_length", "com_params_for"],
    ".eye": ["statistical_eye", "plot_eye", "EyeResult"],
    ".touchstone": ["read_sdd"],
}, modules=["conductor", "dielectric", "tline", "coax", "twinax", "stripline", "via", "connector", "touchstone",
            "channel", "metrics", "rates", "reach", "plots", "pulse", "equalizer", "com", "eye", "com_reach"])
