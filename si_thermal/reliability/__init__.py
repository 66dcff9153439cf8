"""Reliability models: plated-through-hole barrel fatigue (IPC-TR-579), solder and press-fit joint
fatigue (Engelmaier, Coffin-Manson), test-to-field acceleration (Norris-Landzberg, Arrhenius),
Weibull populations, and fleet MTBF / FIT / failure events / availability. Pure numpy; no FEM."""
