"""Membrane potential, gates and currents of one neuron."""

from __future__ import annotations

import numpy as np

from ..analysis import action_potential_phases
from ._common import label_line, need, single, styled
from ._style import COLORS, new_figure

__all__ = ["currents", "gates", "membrane"]

_ARROW = {"arrowstyle": "->", "lw": 1.8, "color": "#333333"}


def _stimulus_axes(result, ax_stim):
    ax_stim.plot(result.t, result.stimulus, color=COLORS["stimulus"], lw=2.5)
    ax_stim.set_ylabel("Input\n(µA/cm²)" if result.model == "hodgkin_huxley" else "Input\n(nA)")
    ax_stim.set_xlabel("Time (ms)")
    lo = min(0.0, float(np.min(result.stimulus)))
    hi = max(0.0, float(np.max(result.stimulus)))
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    ax_stim.set_ylim(lo - pad, hi + pad)


def _mv(value: float) -> str:
    return f"{value:.0f} mV".replace("-", "\u2212")


def _annotate_ap(ax, result):
    ph = action_potential_phases(result)
    t, v = result.t, result.v
    t0, t1 = t[0], t[-1]
    span = t1 - t0
    ax.axhline(ph.rest_v, color=COLORS["rest"], ls="--", lw=2, zorder=0)
    ax.axhline(ph.threshold_v, color=COLORS["threshold"], ls=":", lw=2.2, zorder=0)
    ax.text(t0 + 0.01 * span, ph.rest_v - 2.5, f"Resting potential ({_mv(ph.rest_v)})",
            ha="left", va="top", color="#555555", fontsize=15)
    ax.text(t1, ph.threshold_v + 2.5, f"Threshold (≈{_mv(ph.threshold_v)})", ha="right",
            va="bottom", color=COLORS["threshold"], fontsize=15)
    ax.axhline(0.0, color="#BBBBBB", lw=1, zorder=0)

    def at(tq):
        return float(np.interp(tq, t, v))

    mid_up = ph.half_width_start_t
    ax.annotate("Depolarisation", (mid_up, at(mid_up)),
                xytext=(mid_up - 0.04 * span, 22.0), ha="right", va="center",
                fontsize=16, arrowprops=_ARROW)
    ax.annotate("Overshoot", (ph.peak_t, ph.peak_v),
                xytext=(ph.peak_t + 0.07 * span, ph.peak_v + 3), ha="left", va="center",
                fontsize=16, arrowprops=_ARROW)
    t_down = ph.half_width_start_t + ph.half_width
    ax.annotate("Repolarisation", (t_down, at(t_down)),
                xytext=(t_down + 0.12 * span, at(t_down) + 12), ha="left", va="center",
                fontsize=16, arrowprops=_ARROW)
    ax.annotate("Hyperpolarisation (undershoot)", (ph.ahp_t, ph.ahp_v),
                xytext=(ph.ahp_t + 0.06 * span, ph.ahp_v - 7), ha="left", va="center",
                fontsize=16, arrowprops=_ARROW)
    ax.set_ylim(min(ph.ahp_v, ph.rest_v) - 14, ph.peak_v + 12)


@styled
def membrane(result, ax=None, *, annotate=True, show_stimulus=True, neuron=None, **kwargs):
    """Plot V(t) of one neuron; with ``annotate`` the phases of its first action potential.

    Arguments:
        result: a :class:`~neurosim.result.SimulationResult` with ``v`` recorded.
        ax: axes to draw into (then only V is drawn); default a new slide-sized figure with
            the stimulus in a panel below.
        annotate: for Hodgkin-Huxley, label resting potential, threshold, depolarisation,
            overshoot, repolarisation and hyperpolarisation (needs a spike in the trace); for a
            LIF neuron, mark rest, threshold, reset and each refractory period. Point neurons
            always show their spikes as strokes up to the spike peak (the models themselves
            jump straight from threshold to reset).
        show_stimulus: add the stimulus panel when making a new figure.
        neuron: which neuron of a population result.
        **kwargs: passed to ``ax.plot`` for the V trace.

    Returns:
        The matplotlib Axes holding V (``ax.figure`` is the figure).
    """
    res = single(result, "membrane", neuron)
    need(res, ["v"], "membrane")
    stim_ax = None
    if ax is None:
        if show_stimulus and res.stimulus is not None:
            _, axes = new_figure(2, 1, height_ratios=[4, 1])
            ax, stim_ax = axes[0, 0], axes[1, 0]
        else:
            _, axes = new_figure()
            ax = axes[0, 0]
    kwargs.setdefault("color", COLORS["v"])
    point = res.model in ("lif", "izhikevich", "adex")
    if point:
        _draw_point_neuron(ax, res, annotate, **kwargs)
    else:
        ax.plot(res.t, res.v, **kwargs)
    ax.set_ylabel("Membrane potential (mV)")
    ax.set_xlim(res.t[0], res.t[-1])
    if annotate and not point and np.size(res.spike_times) > 0:
        _annotate_ap(ax, res)
    if stim_ax is not None:
        _stimulus_axes(res, stim_ax)
    else:
        ax.set_xlabel("Time (ms)")
    return ax


_SPIKE_TOP = {"lif": 20.0}


def _scalar(value):
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else None


def _draw_point_neuron(ax, res, annotate, **kwargs):
    """V of a point neuron with each spike drawn as a stroke from the last sample to the peak."""
    p = res.params
    peak = _scalar(getattr(p, "v_peak", 20.0))
    top = _SPIKE_TOP.get(res.model, 20.0 if peak is None else peak)
    t, v = res.t, res.v
    spikes = np.asarray(res.spike_times)
    # insert a vertical stroke at each spike: (t_s, V before) -> (t_s, top) -> (t_s, V after)
    idx = np.searchsorted(t, spikes)
    xs, ys = [], []
    start = 0
    for ts, i in zip(spikes, idx, strict=True):
        xs.append(t[start:i])
        ys.append(v[start:i])
        before = v[i - 1] if i > 0 else v[0]
        after = v[i] if i < v.size else v[-1]
        xs.append(np.array([ts, ts, ts]))
        ys.append(np.array([before, top, after]))
        start = i
    xs.append(t[start:])
    ys.append(v[start:])
    ax.plot(np.concatenate(xs), np.concatenate(ys), **kwargs)
    if res.model != "lif" or not annotate:
        ax.set_ylim(top=top + 8)
        return
    v_th, v_reset, v_rest = _scalar(p.v_th), _scalar(p.v_reset), _scalar(p.v_rest)
    t_ref = _scalar(p.t_ref)
    span = t[-1] - t[0]
    x_lab = t[0] + 0.01 * span  # labels on the left, before the input starts
    if v_th is not None:
        ax.axhline(v_th, color=COLORS["threshold"], ls=":", lw=2.2, zorder=0)
        ax.text(x_lab, v_th + 1.0, f"Threshold ({_mv(v_th)})", ha="left", va="bottom",
                color=COLORS["threshold"], fontsize=15)
    if v_rest is not None:
        ax.axhline(v_rest, color=COLORS["rest"], ls="--", lw=2, zorder=0)
        ax.text(x_lab, v_rest + 1.0, f"Rest ({_mv(v_rest)})", ha="left",
                va="bottom", color="#555555", fontsize=15)
    if v_reset is not None:
        ax.axhline(v_reset, color=COLORS["k"], ls="-.", lw=2, zorder=0)
        ax.text(x_lab, v_reset - 1.0, f"Reset ({_mv(v_reset)})", ha="left", va="top",
                color=COLORS["k"], fontsize=15)
    if t_ref:
        for ts in spikes:
            ax.axvspan(ts, ts + t_ref, color="#DDDDDD", zorder=0, lw=0)
        if spikes.size:
            ax.annotate(f"refractory\n{t_ref:g} ms", (spikes[0] + t_ref / 2, top - 4),
                        xytext=(spikes[0] + t_ref + 0.03 * span, top - 8), fontsize=15,
                        ha="left", va="center", arrowprops=_ARROW)
    ax.set_ylim(min(v_reset if v_reset is not None else v.min(), v.min()) - 12, top + 6)


def _panel_under_voltage(ax, res):
    """``ax`` if given; else a new figure with V on top and return its lower axes."""
    if ax is not None:
        return ax
    _, axes = new_figure(2, 1, height_ratios=[1.3, 2])
    _voltage_panel(axes[0, 0], res)
    return axes[1, 0]


def _voltage_panel(ax, res):
    ax.plot(res.t, res.v, color=COLORS["v"])
    ax.set_ylabel("V (mV)")
    ax.set_xlim(res.t[0], res.t[-1])


def _label_at_peak(ax, t, y, text, color, frac_offset=0.02, dy=8):
    i = int(np.argmax(y))
    label_line(ax, t[i] + frac_offset * (t[-1] - t[0]), y[i], text, color, dy=dy)


@styled
def gates(result, ax=None, *, neuron=None):
    """Plot the gating variables m, h, n (0 to 1); a new figure has V above on the same time axis.

    Returns the Axes holding the gates.
    """
    res = single(result, "gates", neuron)
    need(res, ["m", "h", "n"], "gates")
    ax = _panel_under_voltage(ax, res)
    t = res.t
    specs = [("m", COLORS["na"], "m  (Na⁺ activation)"),
             ("h", COLORS["h"], "h  (Na⁺ inactivation)"),
             ("n", COLORS["k"], "n  (K⁺ activation)")]
    for name, color, _ in specs:
        ax.plot(t, res.traces[name], color=color)
    # labels placed where each curve is clearly apart from the others, right of the trace
    x_lab = t[-1]
    for name, color, text in specs:
        y_end = float(res.traces[name][-1])
        label_line(ax, x_lab, y_end, text, color, dx=8)
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("Gate open fraction")
    ax.set_xlabel("Time (ms)")
    ax.set_xlim(t[0], t[-1])
    _spread_right_labels(ax)
    return ax


def _spread_right_labels(ax, min_gap_frac=0.12):
    """Push apart labels at the right edge that would overlap vertically."""
    texts = [c for c in ax.texts]
    if len(texts) < 2:
        return
    lo, hi = ax.get_ylim()
    gap = min_gap_frac * (hi - lo)
    texts.sort(key=lambda a: a.xy[1])
    ys = [a.xy[1] for a in texts]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    overflow = ys[-1] - (hi - 0.02 * (hi - lo))
    if overflow > 0:
        ys = [y - overflow for y in ys]
    for a, y in zip(texts, ys, strict=True):
        a.xy = (a.xy[0], y)


@styled
def currents(result, ax=None, *, neuron=None):
    """Plot I_Na, I_K and I_L (µA/cm², outward positive: Na⁺ flows in, so I_Na < 0).

    A new figure has V above on the same time axis. Returns the Axes holding the currents.
    """
    res = single(result, "currents", neuron)
    need(res, ["i_na", "i_k", "i_l"], "currents")
    ax = _panel_under_voltage(ax, res)
    t = res.t
    ax.axhline(0.0, color="#BBBBBB", lw=1, zorder=0)
    ax.plot(t, res.i_na, color=COLORS["na"])
    ax.plot(t, res.i_k, color=COLORS["k"])
    ax.plot(t, res.i_l, color=COLORS["leak"])
    i_min = int(np.argmin(res.i_na))
    label_line(ax, t[i_min], res.i_na[i_min], "I_Na: Na⁺ flows in", COLORS["na"], dx=12)
    i_max = int(np.argmax(res.i_k))
    label_line(ax, t[i_max], res.i_k[i_max], "I_K: K⁺ flows out", COLORS["k"], dx=12, dy=4)
    label_line(ax, t[-1], res.i_l[-1], "I_L (leak)", COLORS["leak"], ha="right", dy=-16)
    ax.set_ylabel("Current density\n(µA/cm², outward > 0)")
    ax.set_xlabel("Time (ms)")
    ax.set_xlim(t[0], t[-1])
    return ax
