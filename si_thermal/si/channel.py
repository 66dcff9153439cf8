"""Channel assembly: ``channels/*.toml`` -> ordered segments -> one scikit-rf Network.

Each segment gives its differential-mode ABCD matrices over frequency (and, for the 4-port export,
its common-mode ABCD); they are cascaded in numpy (frequency-first arrays, no Python loop over
frequency) and converted once to S at the end.

Conventions
- :func:`channel_network` returns the 2-port **differential** network Sdd (mixed-mode), reference
  100 ohm differential, frequency-first ``s`` of shape (N, 2, 2); port 1 = input pair, port 2 = output.
- :func:`channel_network_4port` returns the 4-port single-ended network (reference 50 ohm per line) in
  the scikit-rf ``se2gmm(p=2)`` convention: **ports 1 and 2 are the input pair (+, -), ports 3 and 4
  the output pair (+, -)**, thru paths 1 -> 3 and 2 -> 4 (port order "1-3/2-4" of :mod:`.pulse`).
  The media are symmetric pairs, so mode conversion is zero; the common
  mode uses the even mode where the medium has one (stripline) and otherwise travels like the
  differential mode (twinax, via, connector, Touchstone 2-port) - an approximation stated here.
- Frequencies at or below 1 kHz are evaluated at 1 kHz (the DC limit of every model to < 1e-6 dB),
  so a grid starting at 0 Hz (for impulse responses) is accepted.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import skrf

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.si import conductor, connector, touchstone, via
from si_thermal.si.dielectric import DjordjevicSarkar, from_material
from si_thermal.si.stripline import Stripline, StriplineGeometry
from si_thermal.si.tline import abcd_to_s, cascade, identity_abcd, s_to_abcd
from si_thermal.si.twinax import Twinax, spacing_for_impedance
from si_thermal import paths
from si_thermal.caches import cached

Z_DIFF = touchstone.Z_DIFF  # differential reference impedance, ohm
Z_COMMON = 25.0
F_MIN_HZ = 1e3


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------


def load(channel) -> tuple[config.ChannelFile, Path]:
    """(ChannelFile, path) from a path, a ChannelFile (path = cwd) or a (ChannelFile, path) pair."""
    if isinstance(channel, tuple):
        return channel[0], Path(channel[1])
    if isinstance(channel, config.ChannelFile):
        return channel, Path.cwd() / "channel.toml"
    path = Path(channel)
    return config.load_channel(path), path


def with_length(ch: config.ChannelFile, length_m: float | None, path: Path) -> config.ChannelFile:
    """A copy of ``ch`` whose variable segment has ``length_m`` (None: unchanged)."""
    if length_m is None:
        return ch
    var = ch.channel.variable_segment
    if var is None:
        raise InputError(path, "channel.variable_segment", "this channel has no variable segment to set a length on")
    if not (math.isfinite(length_m) and length_m >= 0):
        raise InputError(path, "length_m", f"length must be a finite number >= 0 m, got {length_m!r}")
    segs = [s.model_copy(update={"length": float(length_m)}) if s.name == var else s for s in ch.segments]
    return ch.model_copy(update={"segments": segs})


def variable_length(ch: config.ChannelFile) -> float | None:
    var = ch.channel.variable_segment
    return next((s.length for s in ch.segments if s.name == var), None) if var else None


# ----------------------------------------------------------------------------------------------
# Segments
# ----------------------------------------------------------------------------------------------


@cached(64, files=lambda name: [paths.materials_file()])
def _dielectric(name: str) -> DjordjevicSarkar:
    return from_material(config.material(name))


@cached(64, files=lambda board_file, trace_name: [board_file, paths.materials_file()])
def stripline_cross_section(board_file: str, trace_name: str):
    """(geometry, sigma, ((dielectric model, thickness), ...), strip foil, plane foils) of a board's
    trace; materials as the stackup sees them (its own ``[materials]`` over the library)."""
    board = config.load_stackup(board_file)
    trace = next(t for t in board.traces if t.name == trace_name)
    layers = board.layers
    k = next(i for i, layer in enumerate(layers) if layer.name == trace.layer)
    strip = layers[k]

    def walk(step: int):
        height, dielectrics, i = 0.0, [], k + step
        while 0 <= i < len(layers):
            layer = layers[i]
            if layer.type == "copper" and layer.role in ("plane", "mixed"):
                return height, dielectrics, layer
            height += layer.thickness
            if layer.type == "dielectric":
                dielectrics.append((from_material(board.material(layer.material)), layer.thickness))
            i += step
        raise InputError(board_file, f"traces.{trace_name}", "no reference plane on one side: not a stripline")

    h_up, d_up, plane_up = walk(-1)
    h_dn, d_dn, plane_dn = walk(+1)
    width = trace.width - trace.etch_factor * strip.thickness  # mean width of the trapezoid
    geom = StriplineGeometry(width, strip.thickness, trace.spacing, h_up, h_dn)
    sigma = board.material(strip.material).conductivity

    def foil(name):
        return None if name is None else board.material(name, "foil")

    return geom, sigma, tuple(d_up + d_dn), foil(strip.foil), (foil(plane_up.foil), foil(plane_dn.foil))


def _mixed_dielectric(parts: tuple[tuple[str, float], ...], f: np.ndarray) -> np.ndarray:
    """Thickness-weighted complex permittivity of the dielectric layers ((model, thickness), ...)."""
    total = sum(t for _, t in parts)
    return sum(model.eps(f) * t for model, t in parts) / total


class _Eps:
    """Adapter giving an ``eps(f)`` method for a thickness-weighted mix."""

    def __init__(self, parts):
        self.parts = parts

    def eps(self, f):
        return _mixed_dielectric(self.parts, f)


def stripline_media(seg: config.StriplineSegment, f: np.ndarray, path: Path, mode: str = "odd") -> Stripline:
    board_file = str(config.board_path(seg.board, path))
    if seg.solver == "field":
        from si_thermal.si.xsection.media import trace_media

        return trace_media(board_file, seg.trace, f, seg.roughness, mode)
    geom, sigma, parts, strip_foil, plane_foils = stripline_cross_section(board_file, seg.trace)
    k_strip = conductor.foil_factor(f, sigma, strip_foil, seg.roughness)
    k_plane = 0.5 * sum(conductor.foil_factor(f, sigma, p, seg.roughness) for p in plane_foils)
    return Stripline(f, geom, sigma, _Eps(parts), strip_roughness=k_strip, plane_roughness=k_plane, mode=mode)


def twinax_geometry(seg: config.TwinaxSegment) -> tuple[float, float, float]:
    """(conductor diameter, centre spacing, shield diameter), m."""
    d = conductor.awg_diameter(seg.awg)
    if seg.insulation_diameter is not None:
        s = seg.insulation_diameter
    else:
        s = spacing_for_impedance(d, seg.impedance, config.material(seg.dielectric).dk)
    shield = seg.shield_diameter if seg.shield_diameter is not None else 2.0 * s
    return d, s, shield


def twinax_at(seg: config.TwinaxSegment, f: np.ndarray) -> Twinax:
    d, s, shield = twinax_geometry(seg)
    sigma = config.material(seg.conductor).conductivity
    if seg.solver == "field":
        from si_thermal.si.xsection.media import twinax_media

        return twinax_media(f, d, s, shield, sigma, _dielectric(seg.dielectric), seg.dielectric)
    return Twinax(f, d, s, shield, sigma, _dielectric(seg.dielectric))


@cached(64, files=lambda board_file: [board_file, paths.materials_file()])
def _board_laminate(board_file: str) -> tuple[tuple[str, float], ...]:
    """(dielectric model, total thickness) of the board's dielectrics, one entry per material."""
    board = config.load_stackup(board_file)
    totals: dict[str, float] = {}
    for layer in board.layers:
        if layer.type == "dielectric":
            totals[layer.material] = totals.get(layer.material, 0.0) + layer.thickness
    return tuple((from_material(board.material(name)), t) for name, t in totals.items())


def segment_abcd(seg, f: np.ndarray, path: Path, mode: str = "odd") -> np.ndarray:
    """ABCD (N, 2, 2) of one segment: differential (mode='odd') or common (mode='even')."""
    if isinstance(seg, config.TwinaxSegment):
        return twinax_at(seg, f).abcd(seg.length)
    if isinstance(seg, config.StriplineSegment):
        return stripline_media(seg, f, path, mode).abcd(seg.length)
    if isinstance(seg, config.ViaSegment):
        board = str(config.board_path(seg.board, path))
        return via.via_abcd(f, barrel_m=seg.barrel_length, stub_m=via_stub_m(seg, board),
                            drill_m=seg.drill_diameter, pitch_m=seg.pitch, antipad_m=seg.antipad_diameter,
                            dielectric=_Eps(_board_laminate(board)))
    if isinstance(seg, config.ConnectorSegment):
        return connector.connector_abcd(f, il_db=seg.insertion_loss, rl_db=seg.return_loss, f_ref_hz=seg.f_ref,
                                        delay_s=seg.delay, z_ref=Z_DIFF)
    if isinstance(seg, config.TouchstoneSegment):
        ts_path = config.touchstone_path(seg, path)
        net = touchstone.read_sdd(ts_path, seg.port_order)
        return s_to_abcd(touchstone.resample(net, f, label=str(ts_path)), Z_DIFF)
    raise InputError(path, seg.name, f"unknown segment type {type(seg).__name__}")  # pragma: no cover


@cached(64, files=lambda board_file: [board_file])
def board_thickness_m(board_file: str) -> float:
    return float(sum(layer.thickness for layer in config.load_stackup(board_file).layers))


def via_stub_m(seg: config.ViaSegment, board_file: str) -> float:
    """Stub length of a via segment (m): stated, else the back-drill residual
    (``config.channel.BACKDRILL_STUB_M``), else (not back-drilled) the rest of the board below the
    barrel. A barrel plus stub longer than the board is a ValueError."""
    thick = board_thickness_m(board_file)
    if seg.stub_length is not None:
        stub = seg.stub_length
    elif seg.back_drilled:
        stub = min(config.BACKDRILL_STUB_M, max(thick - seg.barrel_length, 0.0))
    else:
        stub = thick - seg.barrel_length
    if seg.barrel_length + stub > thick * (1 + 1e-9):
        raise ValueError(f"via barrel {seg.barrel_length * 1e3:.3g} mm + stub {stub * 1e3:.3g} mm is longer than "
                         f"the {thick * 1e3:.3g} mm board '{Path(board_file).name}'")
    return stub


def _common_mode_like(abcd: np.ndarray) -> np.ndarray:
    """A differential block moved to the common-mode impedance level (Z_COMMON/Z_DIFF): same S."""
    out = abcd.copy()
    out[:, 0, 1] *= Z_COMMON / Z_DIFF
    out[:, 1, 0] *= Z_DIFF / Z_COMMON
    return out


def segment_blocks(ch: config.ChannelFile, f: np.ndarray, path: Path, mode: str = "odd") -> list[np.ndarray]:
    """ABCD (N, 2, 2) of every segment of ``ch``, in order (``f`` already clipped at F_MIN_HZ)."""
    return [_segment_block(ch, i, seg, f, path, mode) for i, seg in enumerate(ch.segments)]


def _segment_block(ch: config.ChannelFile, i: int, seg, f: np.ndarray, path: Path, mode: str) -> np.ndarray:
    """ABCD of segment ``i`` (``seg``); a model's ValueError becomes an InputError naming the segment."""
    try:
        if mode == "even" and not isinstance(seg, config.StriplineSegment):
            return _common_mode_like(segment_abcd(seg, f, path, "odd"))
        return segment_abcd(seg, f, path, mode)
    except ValueError as err:
        raise InputError(path, f"segments[{i}] ({seg.name})", str(err)) from None


def _cascade_blocks(blocks: list[np.ndarray], n_freq: int) -> np.ndarray:
    return cascade(blocks) if blocks else identity_abcd(n_freq)


def _cascade_channel(ch: config.ChannelFile, f: np.ndarray, path: Path, mode: str) -> np.ndarray:
    return _cascade_blocks(segment_blocks(ch, f, path, mode), len(f))


def channel_abcd(channel, freq_hz, *, length_m: float | None = None) -> np.ndarray:
    """Differential ABCD (N, 2, 2) of the channel's segments, in order (frequencies clipped at 1 kHz)."""
    ch, path = load(channel)
    ch = with_length(ch, length_m, path)
    f = np.maximum(np.atleast_1d(np.asarray(freq_hz, dtype=float)), F_MIN_HZ)
    return _cascade_channel(ch, f, path, "odd")


def channel_abcd_fn(channel, freq_hz):
    """``length_m -> ABCD (N, 2, 2)`` of the channel at ``freq_hz`` as :func:`channel_abcd` gives it, for
    many lengths of its variable segment: the fixed segments are evaluated once (same blocks, same
    cascade order, so the same numbers as :func:`channel_abcd`)."""
    ch, path = load(channel)
    f = np.maximum(np.atleast_1d(np.asarray(freq_hz, dtype=float)), F_MIN_HZ)
    blocks = segment_blocks(ch, f, path, "odd")
    var = ch.channel.variable_segment
    idx = [i for i, s in enumerate(ch.segments) if var is not None and s.name == var]

    def at(length_m: float | None) -> np.ndarray:
        if length_m is None:
            parts = blocks
        else:
            segs = with_length(ch, length_m, path).segments   # checks the length as channel_abcd does
            parts = list(blocks)
            for i in idx:
                parts[i] = _segment_block(ch, i, segs[i], f, path, "odd")
        return _cascade_blocks(parts, len(f))

    return at


def _grid(freq_hz) -> tuple[np.ndarray, np.ndarray]:
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    if f.ndim != 1 or not np.all(np.isfinite(f)) or np.any(f < 0) or np.any(np.diff(f) <= 0):
        raise InputError(None, "freq_hz", "frequencies must be finite, >= 0 and strictly increasing")
    return f, np.maximum(f, F_MIN_HZ)


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def channel_network(channel, freq_hz, *, length_m: float | None = None) -> skrf.Network:
    """Differential 2-port (Sdd, 100 ohm) of a channel at ``freq_hz`` (Hz, increasing, >= 0).

    ``channel``: path of a channels/*.toml file, a loaded ``config.ChannelFile``, or a
    ``(ChannelFile, path)`` pair (the path resolves boards and Touchstone files).
    ``length_m`` overrides the length of the channel's ``variable_segment``.
    """
    return channel_network_blocks(channel, freq_hz, length_m=length_m)[0]


def channel_network_blocks(channel, freq_hz, *, length_m: float | None = None) -> tuple[skrf.Network, list[np.ndarray]]:
    """:func:`channel_network` and the segments' ABCD blocks it was cascaded from (for
    :func:`si_thermal.si.crosstalk.aggressors` on the same channel, length and frequencies)."""
    ch, path = load(channel)
    ch = with_length(ch, length_m, path)
    f, f_eval = _grid(freq_hz)
    blocks = segment_blocks(ch, f_eval, path, "odd")
    s = abcd_to_s(_cascade_blocks(blocks, len(f_eval)), Z_DIFF, reciprocal=True)
    net = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="Hz"), s=s, z0=Z_DIFF, name=ch.channel.name)
    return net, blocks


def channel_network_4port(channel, freq_hz, *, length_m: float | None = None) -> skrf.Network:
    """4-port single-ended network (50 ohm per line); ports 1, 2 = input pair, 3, 4 = output pair."""
    ch, path = load(channel)
    ch = with_length(ch, length_m, path)
    f, f_eval = _grid(freq_hz)
    sdd = abcd_to_s(_cascade_channel(ch, f_eval, path, "odd"), Z_DIFF, reciprocal=True)
    scc = abcd_to_s(_cascade_channel(ch, f_eval, path, "even"), Z_COMMON, reciprocal=True)
    smm = np.zeros((len(f), 4, 4), dtype=complex)
    smm[:, :2, :2] = sdd
    smm[:, 2:, 2:] = scc
    z0 = np.array([Z_DIFF, Z_DIFF, Z_COMMON, Z_COMMON])
    net = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="Hz"), s=smm, z0=z0, name=ch.channel.name)
    net.gmm2se(p=2, z0_se=50.0)
    return net


def segment_loss_db_per_m(channel, freq_hz) -> dict[str, np.ndarray]:
    """Matched-line attenuation (dB/m) of each twinax and stripline segment at ``freq_hz``."""
    ch, path = load(channel)
    f = np.maximum(np.atleast_1d(np.asarray(freq_hz, dtype=float)), F_MIN_HZ)
    out = {}
    for seg in ch.segments:
        if isinstance(seg, config.TwinaxSegment):
            out[seg.name] = twinax_at(seg, f).loss_db_per_m()
        elif isinstance(seg, config.StriplineSegment):
            out[seg.name] = stripline_media(seg, f, path).loss_db_per_m()
    return out


def write_touchstone(net: skrf.Network, out: str | Path, comments: str = "") -> Path:
    """Write ``net`` atomically to ``out`` (.s2p or .s4p, matching the port count); ``comments``
    (``!`` lines, e.g. :func:`si_thermal.provenance.touchstone_comments`) go first."""
    from si_thermal.atomic import write_text

    out = Path(out)
    want = f".s{net.nports}p"
    if out.suffix.lower() != want:
        raise InputError(out, None, f"a {net.nports}-port network needs a {want} file name")
    write_text(out, comments + net.write_touchstone(return_string=True, skrf_comment=False))
    return out
