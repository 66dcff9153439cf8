"""si_thermal: signal integrity, thermal FEM and reliability models for AI rack interconnects.

The names a notebook needs, imported on first use (``import si_thermal`` does not load dolfinx)::

    import numpy as np
    import si_thermal as st

    net = st.channel_network("channels/nvl72_spine_26awg.toml", np.linspace(0, 60e9, 601))
    st.il_at_db(net, 53.125e9 / 2)                      # IL at Nyquist, dB
    st.reach_il("channels/nvl72_spine_26awg.toml", "200g").reach_m
    st.compute_com("channels/nvl72_spine_26awg.toml", params="802.3dj").com_db

Subpackages: :mod:`.config` (input files), :mod:`.si` (channels, COM), :mod:`.thermal` (FEM),
:mod:`.reliability`, :mod:`.system` (rack models), :mod:`.report`; :mod:`.provenance`,
:mod:`.constants`, :mod:`.units`, :mod:`.paths`, :mod:`.caches`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("si_thermal")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    "si_thermal.units": ["parse_quantity"],
    "si_thermal.errors": ["SiThermalError", "InputError", "ConvergenceError"],
    "si_thermal.config": ["load", "load_channel", "load_stackup", "load_rack", "load_package", "load_materials"],
    "si_thermal.si.channel": ["channel_network", "channel_network_4port", "write_touchstone"],
    "si_thermal.si.metrics": ["il_db", "rl_db", "il_at_db", "fom_ild"],
    "si_thermal.si.rates": ["serdes_rate", "serdes_rates"],
    "si_thermal.si.reach": ["reach_il"],
    "si_thermal.si.com": ["compute_com", "load_com_params"],
    "si_thermal.si.com_reach": ["reach_com"],
    "si_thermal.thermal.package": ["solve_package", "PackageModel"],
    "si_thermal.thermal.limit": ["power_limit"],
    "si_thermal.system.backplane": ["analyze_backplane"],
    "si_thermal.thermal.probe": ["values_at", "temperature_c_at"],
    "si_thermal.system.model": ["evaluate_system", "systems"],
    "si_thermal.report.build": ["build_report"],
    "si_thermal.caches": ["clear_caches"],
    "si_thermal.sweep": ["run_sweep", "read_results"],
}, modules=["config", "si", "thermal", "reliability", "system", "report", "sweep", "provenance", "constants",
            "units", "paths", "caches", "errors"])
__all__ = ["__version__", *__all__]
