"""Physical constants and unit factors, defined once; every module imports them from here.

Sources: SI Brochure 9th ed. (2019) and CODATA 2018 for physical constants; the vacuum
permeability keeps its pre-2019 exact value 4 pi 1e-7 H/m (differs from CODATA 2018 by < 1e-9,
far below any model tolerance here).
"""

from __future__ import annotations

import math

# electromagnetics
MU0 = 4e-7 * math.pi  # H/m, vacuum permeability
C0 = 299_792_458.0  # m/s, speed of light in vacuum (exact)
ETA0 = MU0 * C0  # ohm, free-space impedance mu0 c
EPS0 = 1.0 / (MU0 * C0**2)  # F/m, vacuum permittivity
NEPER_DB = 20.0 * math.log10(math.e)  # dB per neper

# thermodynamics
ZERO_CELSIUS_K = 273.15  # K at 0 degC (exact)
BOLTZMANN_EV_PER_K = 8.617333262e-5  # eV/K (CODATA 2018)
ELEMENTARY_CHARGE_C = 1.602176634e-19  # C, so J per eV (exact)
AVOGADRO_PER_MOL = 6.02214076e23  # 1/mol (exact)

# lengths
INCH_M = 0.0254  # m (exact)
MIL_M = 25.4e-6  # m (exact, 1/1000 inch)

# time (a calendar year of 365 days, as the sources' 8,760 h)
HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12.0  # 730 h
SECONDS_PER_YEAR = 3600.0 * HOURS_PER_YEAR

__all__ = ["MU0", "C0", "ETA0", "EPS0", "NEPER_DB", "ZERO_CELSIUS_K", "BOLTZMANN_EV_PER_K", "ELEMENTARY_CHARGE_C",
           "AVOGADRO_PER_MOL", "INCH_M", "MIL_M", "HOURS_PER_YEAR", "HOURS_PER_MONTH", "SECONDS_PER_YEAR"]
