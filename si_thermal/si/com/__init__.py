"""Channel Operating Margin (COM), IEEE Std 802.3-2022 Annex 93A and IEEE P802.3dj Annex 178A.

Flow (equation numbers of Annex 93A unless marked 178A):

1. Channels: thru, FEXT and NEXT aggressors as skrf Networks (4-port single-ended, converted to Sdd
   as skrf ``se2gmm`` does after detecting the port order from the data, or 2-port Sdd), each cascaded with the
   device packages (93A.1.2 / 178A.1.4) and terminated (93A-18), extended onto the pulse grid
   (:mod:`si_thermal.si.pulse`), times the Tx rise filter (93A-46) and receiver filter (93A-20).
2. Pulse responses for every CTLE setting from four basis pulses (the CTLE is affine in g1, g2:
   :mod:`si_thermal.si.equalizer`), scaled by A_v, A_fe, A_ne (93A.1.5); NEXT aggressors have no Tx FFE.
3. Equalizer search (93A.1.6; 178A.1.6 with the MMSE receiver of 178A.1.8): every (gDC, gDC2) x Tx FFE
   candidate is scored by its figure of merit, computed batched with numpy:

   - ``fom = "93a"``: (93A-36) ``FOM = 10 log10(A_s^2 / (s_TX^2 + s_ISI^2 + s_J^2 + s_XT^2 + s_N^2))``
     with the cursor at the Mueller-Mueller point (93A-25), DFE by (93A-26), residual ISI (93A-31),
     jitter (93A-32), crosstalk (93A-33/34), receiver noise (93A-35), Tx noise (93A-30).
   - ``fom = "mmse"``: 178A: ``FOM = 20 log10(RLM / ((L - 1) sqrt(MSE)))`` with the MMSE Rx FFE + DFE
     solved in closed form per candidate; the noise autocorrelation at the FFE input (178A-17/18) sums
     receiver noise (eta_0 through Hr and the CTLE), Tx noise (178A-21), jitter (178A-23), crosstalk
     (178A-20, each aggressor at its highest-energy phase) and quantisation noise (178A-28..31).

   Speed: the autocorrelation of a Tx-FFE'd pulse is a quadratic form of the FFE taps in the
   autocorrelations of the un-FFE'd pulse, and every CTLE setting is a combination of basis terms, so a
   candidate costs a few hundred flops plus one 15 x 15 solve, batched over thousands of candidates
   (one LAPACK call). ``search="fast"`` (default) is coarse-to-fine over the grid (:func:`search`);
   ``search="full"`` scores every candidate with the full sampling-time search. They agree on the 93A test
   channels, the measured example2 set and the report's 224G links checked (NVL576 orthogonal, NVL72 26 AWG
   spine: equal COM); on some synthetic 802.3dj (MMSE) channels the fast search stops up to 0.2 dB below the
   full search's optimum (benchmarks/MUTATION.md, eq_search follow-up): use ``full`` for a marginal verdict.
4. COM (93A.1.7 / 178A.1.9): with the chosen equalizer, ``A_s = RLM h(0) / (L - 1)`` and the noise
   amplitude ``A_ni`` at the detector error ratio DER_0 of the combined distribution (93A-45) of
   residual ISI (93A-40, after the DFE of 93A-27), crosstalk (93A-44), dual-Dirac jitter (93A-43) and
   Gaussian noise (93A-41/42: receiver noise and Tx noise through CTLE and Rx FFE, random jitter):
   ``COM = 20 log10(A_s / A_ni)``.

5. 802.3dj receiver options of Annex 178A: the floating Rx FFE tap groups of 178A.1.8.1 (N_g groups of
   N_gw taps placed after the fixed taps within N_max, each within +-their limit; groups placed one at a
   time by the MMSE FOM, :meth:`_Search._fom_floating_chunk`; the CTLE x Tx grid is ranked with the fixed
   taps and its best candidates re-scored with the groups, :func:`~.eq_search._floating_stage`) and the
   MLSD reference receiver of 178A.1.10 (``COM = COM_DFE + 20 log10(-P_an^-1(DER_MLSD) / A_s)``, 178A-49..56,
   :mod:`.mlsd`; not credited when the 178A-50 union bound reaches 0.5, i.e. far below threshold).
   Cross-checked against pychopmarg 3.4.0 (tests/si/test_com_receiver.py).

Simplifications: the quantisation step (178A-29/30) is exact for the chosen equalizer
(PAM-L signal + crosstalk + Gaussian noise distribution at the ADC); in the search each candidate's
clipping level is its rms times one exactly computed shape factor (:meth:`_Search._clip_ratio`).
Quantisation noise enters the final distribution as Gaussian (pychopmarg convolves uniform PMFs).
"""

from si_thermal.si.com.margin import ComResult, com_from_prepared, compute_com, equalize  # noqa: F401
from si_thermal.si.com.noise import (  # noqa: F401
    Equalized,
    amplitude_at_der,
    crosstalk_pmf,
    grid_for,
    noise_pmf,
)
from si_thermal.si.com.params import (  # noqa: F401
    COM_THRESHOLD_DB,
    ComParams,
    com_params_file,
    load_com_params,
    standards,
    with_grid,
)
from si_thermal.si.com.pulses import TOML_DF_HZ, Prepared, PulseSet, prepare  # noqa: F401
from si_thermal.si.com.eq_search import Choice, _Search, clip_level, search  # noqa: F401
