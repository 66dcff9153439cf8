"""The sources checked against themselves (issue 11): every number below is quoted from S0 or S1 and
recombined with other numbers of the same sources. No physics: a "consistent" verdict says the
source's sums agree with each other, an "inconsistent" one that they do not (with the factor), and
an "arithmetic" row redoes a worked example on the source's own inputs.

Tolerance: 5 % (the sources round to two or three digits; "~" figures), stated per check.
"""

from __future__ import annotations

from si_thermal.system.claims import Claim

TOL = 0.05


def _check(text: str, src: str, quoted: float, computed: float, value: str, cond: str, *,
           kind: str = "consistency", tol: float = TOL) -> Claim:
    agree = abs(computed / quoted - 1.0) <= tol
    if kind == "consistency":
        verdict = "consistent" if agree else "inconsistent"
    else:
        verdict = "supported" if agree else "contradicted"
    ratio = "" if agree else f" (off by x{computed / quoted:.2f})"
    return Claim(text, src, value + ratio, cond + f"; tolerance {tol * 100:.0f} %", verdict, kind)


def s0_checks() -> list[Claim]:
    out = []
    # NVL576 rack NVLink bandwidth
    pkg, die = 144 * 3.6, 576 * 3.6  # TB/s
    out.append(_check(
        "NVL576 rack NVLink 1.5 PB/s at 3.6 TB/s per GPU", "S0 section 1 table", 1500.0, pkg,
        f"144 packages x 3.6 TB/s = {pkg:.0f} TB/s; 576 dies x 3.6 TB/s = {die / 1e3:.2f} PB/s",
        "S0's own per-GPU figure (3.6 TB/s) and counts (144 packages, 576 dies); neither count gives 1.5 PB/s"))
    # NVSwitch chip bandwidth
    chip = 72 * 2 * 200e9 / 8 / 1e12  # TB/s
    need = 130.0 / 18  # TB/s per switch chip to carry the rack's 130 TB/s
    out.append(_check(
        "NVSwitch: 72 ports x 2 x 200 Gbps = 14.4 TB/s bidirectional", "S0 sections 2.1 and 3.1", 14.4, chip,
        f"72 x 2 x 200 Gb/s = {chip * 8:.1f} Tb/s = {chip:.1f} TB/s; the rack's 130 TB/s over 18 chips needs "
        f"{need:.1f} TB/s per chip", "S0's own operands; the rack sum (72 GPUs x 1.8 TB/s = 130 TB/s) gives a third value"))
    # NVL144 (dual rack) compute
    per_pkg_sparse = 3600.0 / 72  # PF per Rubin package, S0's VR NVL72 figure
    out.append(_check(
        "VR NVL144 (dual-rack, 144 GPUs): 3.5 EFLOPS FP4 and 260 TB/s NVLink", "S0 section 8", 3500.0,
        144 * per_pkg_sparse,
        f"144 packages x {per_pkg_sparse:.0f} PF (S0's 3.6 EF / 72) = {144 * per_pkg_sparse / 1e3:.1f} EF and "
        f"144 x 3.6 TB/s = {144 * 3.6:.0f} TB/s; 3.5-3.6 EF and 260 TB/s are one rack of 72 packages = 144 dies",
        "S0 sections 1 and 3.2 figures; S0's 'NVL144' numbers are S1's single-rack VR NVL144 (144 dies), so the "
        "dual-rack reading of section 8 is the inconsistent one"))
    # dense vs sparse: S0 4.1 per-package Rubin vs S0 1 rack figure
    out.append(_check(
        "Rubin ~100 PF FP4 per package, ~50 PF per die; Vera Rubin NVL72 3.6 EF", "S0 sections 1 and 4.1", 3600.0,
        72 * 100.0,
        "72 x ~100 PF = 7.2 EF against the same article's 3.6 EF rack; S1: R200 = 50 PF sparse, 33.3 PF dense "
        "(3:2), so 3.6 EF is sparse and 2.4 EF dense",
        "S0 states neither dense nor sparse; the rack files keep both (fp4_pflops dense, fp4_pflops_sparse)"))
    # power per EFLOPS on one basis
    bw, rb = 120.0 / 0.72, 200.0 / 2.4  # kW per dense EF (Blackwell 720 PF is dense, Rubin dense 2.4 EF)
    out.append(_check(
        "Power per EFLOPS improves 6x from Blackwell (167 kW/EF) to Rubin Ultra (27 kW/EF); Rubin 56 kW/EF",
        "S0 sections 1, 7 and 10.4", 56.0, rb,
        f"on one (dense) basis Rubin is {rb:.0f} kW/EF, not 56 (Blackwell {bw:.0f}); S0 divides by a dense 720 PF "
        "for Blackwell and a sparse 3.6 EF for Rubin", "dense FP4: GB200 720 PF (S0), R200 33.3 PF x 72 (S1); "
        "Rubin Ultra's 15 EF has no stated basis"))
    # LPX expert-load time
    t_us = 44e6 / 204.8e9 * 1e6
    out.append(_check(
        "LPX: expert loading ~1.68 us (44 MB expert / 204.8 GB/s); 204.8 GB/s over 256 LPUs = 200 Gbps/LPU",
        "S0 section 4.3", 1.68, t_us,
        f"44 MB / 204.8 GB/s = {t_us:.0f} us; 204.8 GB/s / 256 = {204.8e9 * 8 / 256 / 1e9:.1f} Gb/s per LPU "
        f"(200 Gb/s is 204.8 GB/s over the 8 LPUs of one tray: {204.8e9 * 8 / 8 / 1e9:.0f} Gb/s)",
        "S0's own operands (DDR5-6400 quad channel = 4 x 6.4 GT/s x 8 B = 204.8 GB/s)"))
    # die count growth
    out.append(_check(
        "Compute grows 20x while die count grows 8x (72 -> 576); per-die ~2.6x", "S0 section 1", 8.0, 576 / 144,
        f"GB200 has 72 x 2 = 144 dies ('Blackwell 2-Die'), so dies grow {576 / 144:.0f}x and per-die FP4 "
        f"{15000 / 720 / 4:.1f}x; S0 counts packages for GB200 and dies for NVL576",
        "S0 section 1 table rows 'GPU' and 'GPU Die Count'"))
    # worked examples that hold
    out.append(_check("Backplane pairs >= 5,184 = 18 nodes x 4 ports x 72 pairs", "S0 section 2.4", 5184, 18 * 4 * 72,
                      f"18 x 4 x 72 = {18 * 4 * 72:,}", "S0's operands", kind="arithmetic"))
    out.append(_check("Backplane $200K at 60-70 % yield -> $280-330K effective", "S0 section 2.4", 305e3,
                      (200e3 / 0.7 + 200e3 / 0.6) / 2,
                      f"$200K / 0.7 = ${200 / 0.7:.0f}K, / 0.6 = ${200 / 0.6:.0f}K", "S0's operands; mid values compared",
                      kind="arithmetic"))
    out.append(_check("VR NVL72 NVLink: 72 x 3.6 TB/s / 2 x 2 = 259.2 TB/s ~ 260 TB/s", "S0 section 3.2", 260.0,
                      72 * 3.6, f"72 x 3.6 = {72 * 3.6:.1f} TB/s", "S0's operands", kind="arithmetic"))
    return out


def s1_checks() -> list[Claim]:
    out = []
    gddr = 32e9 * 512 / 8 / 1e12
    out.append(_check("Rubin CPX: GDDR7 at 32 Gbps on a 512-bit bus -> 2 TB/s", "S1 'Bandwidth and Compute Difference'",
                      2.0, gddr, f"32 Gb/s x 512 / 8 = {gddr:.3f} TB/s", "S1's operands"))
    hbm = 10e9 * 2048 * 8 / 8 / 1e12
    out.append(_check("R200: HBM4 at 10 Gbps -> 20.5 TB/s (13 TB/s at 6.4 Gbps)", "S1 'Bandwidth and Compute Difference'",
                      20.5, hbm, f"10 Gb/s x 2,048 bits x 8 stacks / 8 = {hbm:.2f} TB/s; at 6.4 Gb/s {hbm * 0.64:.1f} TB/s "
                      "(S0 gives 22 TB/s for the same package)", "HBM4 stack width 2,048 bits; 8 stacks (288 GB = 8 x 36 GB)"))
    sysbw = (144 * 2.0 + 72 * 20.5) / 1e3
    out.append(_check("VR NVL144 CPX total memory bandwidth 1.7 PB/s", "S1 'Bandwidth and Compute Difference'", 1.7, sysbw,
                      f"144 x 2.0 + 72 x 20.5 TB/s = {sysbw:.2f} PB/s", "S1's operands"))
    out.append(_check("CPX 30 PF sparse / 20 PF dense follows R200's 3:2 (50 / 33.3)", "S1", 1.5, 30 / 20,
                      f"30 / 20 = {30 / 20:.2f}; 50 / 33.3 = {50 / 33.3:.2f}; CPX / R200 dense = {20 / 33.3 * 100:.0f} % "
                      "(S1: 'this ratio jumps to 60%')", "S1's operands"))
    pcie = 16 * 64e9
    out.append(_check("PCIe Gen6 x16 ~1 Tb/s per direction vs 14.4 Tb/s NVLink for R200 ('over 14x')", "S1 'Prefill Pipeline Parallelism'",
                      14.0, 14.4e12 / pcie, f"16 x 64 Gb/s = {pcie / 1e12:.3f} Tb/s; 3.6 TB/s / 2 x 8 = 14.4 Tb/s; ratio "
                      f"{14.4e12 / pcie:.2f}", "S1's operands (PCIe 6.0 FLIT overhead not counted, as S1)"))
    tok = pcie / 8 / 7e3
    out.append(_check("PP prefill: 7 kB per token saturates PCIe Gen6 x16 at 18.3 M tokens/s", "S1 'Prefill Pipeline Parallelism'",
                      18.3e6, tok, f"{pcie / 8 / 1e9:.0f} GB/s / 7 kB = {tok / 1e6:.1f} M tok/s", "S1's operands"))
    comp = 19.8e15 / 0.074e12
    out.append(_check("Compute bound: 19,800 PFLOPS / 0.074 TFLOP per token = 267.6k tokens/s", "S1 'Prefill Pipeline Parallelism'",
                      267.6e3, 19800e15 / 0.074e12,
                      f"as written (19,800 PFLOPS) {19800e15 / 0.074e12 / 1e6:,.0f} M tok/s; the CPX's 19.8 PFLOPS "
                      f"gives {comp / 1e3:.1f}k tok/s: a 1,000x unit slip (TFLOPS written as PFLOPS)", "S1's operands"))
    out.append(_check("EP instead of PP raises communication ~488x (top_k 8 x 61 layers)", "S1 'Prefill Pipeline Parallelism'",
                      488, 8 * 61, f"8 x 61 = {8 * 61}", "S1's operands", kind="arithmetic"))
    out.append(_check("22 Nvidia chips per tray (14 XPUs), 396 per VR NVL144 CPX rack", "S1 'Oberon Rack Architecture Upgrade'",
                      396, 22 * 18, f"22 x 18 = {22 * 18}; XPUs 4 R200 + 8 CPX + 2 Vera = {4 + 8 + 2}", "S1's operands",
                      kind="arithmetic"))
    out.append(_check("7,040 W of Rubin CPX modules per compute tray", "S1", 7040, 8 * 880, f"8 x 880 W = {8 * 880:,} W",
                      "S1's operands", kind="arithmetic"))
    return out
