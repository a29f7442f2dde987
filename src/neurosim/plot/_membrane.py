"""Membrane potential, gates and currents of one neuron."""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import registry
from .._core.validation import pretty_unit
from ..analysis import action_potential_phases
from ._common import need, single, styled
from ._layout import margin_labels, place
from ._style import COLORS, new_figure

__all__ = ["currents", "gates", "membrane"]

def _stimulus_axes(res, ax_stim):
    stim = res.trace("stimulus")
    ax_stim.plot(res.t, stim, color=COLORS["stimulus"], lw=2.5)
    unit = pretty_unit(res.units.get("stimulus", ""))
    ax_stim.set_ylabel(f"Input\n({unit})" if unit else "Input")
    ax_stim.set_xlabel("Time (ms)")
    lo = min(0.0, float(np.min(stim)))
    hi = max(0.0, float(np.max(stim)))
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    ax_stim.set_ylim(lo - pad, hi + pad)


def _mv(value: float) -> str:
    return f"{value:.0f} mV".replace("-", "\u2212")


def _roomiest_spike(spikes, t0, t1, first=3) -> int:
    """Of the first few spikes, the one with the most time free on both sides."""
    best, room = 0, -1.0
    for k in range(min(first, spikes.size)):
        before = spikes[k] - (spikes[k - 1] if k else t0)
        after = (spikes[k + 1] if k + 1 < spikes.size else t1) - spikes[k]
        if min(before, after) > room + 1e-9:
            best, room = k, min(before, after)
    return best


def _annotate_ap(ax, res, line, threshold=None):
    """Name the phases of one action potential (the one with most room) beside the trace,
    and rest and threshold in the margin (labels never cross the trace). ``threshold``
    (mV) replaces the dV/dt criterion's threshold where given."""
    spikes = res.spikes()
    ph = action_potential_phases(res, _roomiest_spike(spikes, res.t[0], res.t[-1]))
    if threshold is not None:
        ph = dataclasses.replace(ph, threshold_v=float(threshold))
    t, v = res.t, res.trace("v")
    ax.axhline(ph.rest_v, color=COLORS["rest"], ls="--", lw=2, zorder=0)
    ax.axhline(ph.threshold_v, color=COLORS["threshold"], ls=":", lw=2.2, zorder=0)
    ax.axhline(0.0, color=COLORS["grid"], lw=1, zorder=0)
    ax.set_ylim(min(ph.ahp_v, ph.rest_v) - 22, ph.peak_v + 14)
    margin_labels(ax, [(ph.rest_v, f"Rest\n{_mv(ph.rest_v)}", COLORS["rest"]),
                       (ph.threshold_v, f"Threshold\n≈{_mv(ph.threshold_v)}",
                        COLORS["threshold"])])

    def at(tq):
        return float(np.interp(tq, t, v))

    t_down = ph.half_width_start_t + ph.half_width
    # the undershoot is pointed at where V has come 98 % of the way down from threshold to
    # its lowest point: the trough itself for a fast after-hyperpolarisation (HH), the start
    # of the plateau where a slow current keeps V creeping down for tens of ms (the M current
    # of the cortical cell, whose minimum lies at the end of the trace)
    reached = ph.threshold_v + 0.98 * (ph.ahp_v - ph.threshold_v)
    after = (t >= ph.repolarisation_t) & (t <= ph.ahp_t) & (v <= reached)
    ahp_t = float(t[np.flatnonzero(after)[0]]) if after.any() else ph.ahp_t
    placed = []
    for text, xy, prefer in (
            ("Overshoot", (ph.peak_t, ph.peak_v), ((1, 0), (1, -1), (-1, 0))),
            ("Hyperpolarisation (undershoot)", (ahp_t, at(ahp_t)),
             ((1, -1), (2, -1), (1, 0), (-1, -1))),
            ("Depolarisation", (ph.half_width_start_t, at(ph.half_width_start_t)),
             ((-1, 1), (-2, 1), (-1, 0), (-1, 2))),
            ("Repolarisation", (t_down, at(t_down)), ((1, 1), (2, 1), (1, 0), (2, -1)))):
        placed.append(place(ax, text, xy, prefer=prefer, avoid=[line], placed=placed))


@styled
def membrane(result, ax=None, *, annotate=True, show_stimulus=True, neuron=None,
             threshold=None, **kwargs):
    """Plot V(t) of one neuron; with ``annotate`` the landmarks of its model.

    Arguments:
        result: a :class:`~neurosim.result.SimulationResult` with ``v`` recorded.
        ax: axes to draw into (then only V is drawn); default a new slide-sized figure with
            the stimulus in a panel below.
        annotate: for conductance models (Hodgkin-Huxley), name resting potential, threshold,
            depolarisation, overshoot, repolarisation and hyperpolarisation of the first spike;
            for point models, mark the lines their registry entry names (rest, threshold,
            reset) and each refractory period. Point neurons always show their spikes as
            strokes up to the spike peak (the models jump straight from threshold to reset).
        show_stimulus: add the stimulus panel when making a new figure.
        neuron: which neuron of a population result.
        threshold: mV; the threshold line of a conductance model drawn here (e.g. the
            all-or-nothing threshold a pulse must reach), instead of where dV/dt first
            reaches 10 mV/ms.
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
    spec = registry.get(res.model) if res.model in registry.names() else None
    point = spec is not None and spec.plot == "integrate_and_fire"
    if point:
        line = _draw_point_neuron(ax, res, spec, **kwargs)
    else:
        (line,) = ax.plot(res.t, res.trace("v"), **kwargs)
    ax.set_ylabel("Membrane potential (mV)")
    ax.set_xlim(res.t[0], res.t[-1])
    if stim_ax is not None:
        _stimulus_axes(res, stim_ax)
    else:
        ax.set_xlabel("Time (ms)")
    if annotate and point:
        _mark_point_neuron(ax, res, spec, line)
    elif annotate and res.spikes().size > 0:
        _annotate_ap(ax, res, line, threshold)
    return ax


def _scalar(value):
    arr = np.asarray(value, dtype=float)
    return float(arr) if arr.ndim == 0 else None


def _draw_point_neuron(ax, res, spec, **kwargs):
    """V of a point neuron with each spike drawn as a stroke from the last sample to the peak."""
    top = spec.peak(res.params)
    t, v = res.t, res.trace("v")
    spikes = res.spikes()
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
    (line,) = ax.plot(np.concatenate(xs), np.concatenate(ys), **kwargs)
    ax.set_ylim(min(float(v.min()), top) - 10, top + 8)
    return line


_MARK_STYLE = {"rest": ("rest", "--", "Rest"), "threshold": ("threshold", ":", "Threshold"),
               "reset": ("reset", "-.", "Reset")}


def _mark_point_neuron(ax, res, spec, line):
    """The registry's marks: rest, threshold and reset lines (labelled in the margin), and the
    refractory period after each spike (shaded, one of them named)."""
    p = res.params
    labels = {}
    lo, hi = ax.get_ylim()
    for mark, (color_key, ls, word) in _MARK_STYLE.items():
        key = spec.marks.get(mark)
        value = None if key is None else _scalar(getattr(p, key))
        if value is None:
            continue
        ax.axhline(value, color=COLORS[color_key], ls=ls, lw=2, zorder=0)
        if round(value, 6) in labels:  # two marks on one line (AdEx resets to rest): one label
            words, color = labels[round(value, 6)]
            labels[round(value, 6)] = (f"{words} = {word.lower()}", color)
        else:
            labels[round(value, 6)] = (word, COLORS[color_key])
        lo = min(lo, value - 6)
    # one line each: lines a few mV apart (rest and reset) keep their labels beside them
    labels = [(v, f"{w} {_mv(v)}", c) for v, (w, c) in labels.items()]
    ax.set_ylim(lo, hi)
    margin_labels(ax, labels)
    key = spec.marks.get("refractory")
    t_ref = None if key is None else _scalar(getattr(p, key))
    spikes = res.spikes()
    if t_ref and spikes.size:
        for ts in spikes:
            ax.axvspan(ts, ts + t_ref, color=COLORS["shade"], zorder=0, lw=0)
        top = spec.peak(p)
        place(ax, f"refractory\n{t_ref:g} ms", (spikes[0] + t_ref / 2, top - 0.15 * (top - lo)),
              prefer=((1, 0), (1, -1), (-1, 0)), avoid=[line], fontsize=15)


def _panel_under_voltage(ax, res):
    """``ax`` if given; else a new figure with V on top and return its lower axes."""
    if ax is not None:
        return ax
    _, axes = new_figure(2, 1, height_ratios=[1.3, 2])
    _voltage_panel(axes[0, 0], res)
    return axes[1, 0]


def _voltage_panel(ax, res):
    ax.plot(res.t, res.trace("v"), color=COLORS["v"])
    ax.set_ylabel("V (mV)")
    ax.set_xlim(res.t[0], res.t[-1])


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
        ax.plot(t, res.trace(name), color=color)
    ax.set_ylim(-0.03, 1.03)
    ax.set_ylabel("Gate open fraction")
    ax.set_xlabel("Time (ms)")
    ax.set_xlim(t[0], t[-1])
    # each curve named at its end, in the margin
    margin_labels(ax, [(float(res.trace(name)[-1]), text, color)
                       for name, color, text in specs])
    return ax


@styled
def currents(result, ax=None, *, neuron=None):
    """Plot I_Na, I_K and I_L (µA/cm², outward positive: Na⁺ flows in, so I_Na < 0).

    A new figure has V above on the same time axis. Returns the Axes holding the currents.
    """
    res = single(result, "currents", neuron)
    need(res, ["i_na", "i_k", "i_l"], "currents")
    ax = _panel_under_voltage(ax, res)
    t = res.t
    ax.axhline(0.0, color=COLORS["grid"], lw=1, zorder=0)
    i_na, i_k, i_l = (res.trace(q) for q in ("i_na", "i_k", "i_l"))
    lines = [ax.plot(t, i_na, color=COLORS["na"])[0], ax.plot(t, i_k, color=COLORS["k"])[0],
             ax.plot(t, i_l, color=COLORS["leak"])[0]]
    placed = []
    i_min = int(np.argmin(i_na))
    placed.append(place(ax, "I$_{Na}$: Na⁺ flows in", (t[i_min], i_na[i_min]),
                        prefer=((1, 0), (1, 1)), avoid=lines, color=COLORS["na"],
                        fontsize=15))
    i_max = int(np.argmax(i_k))
    placed.append(place(ax, "I$_K$: K⁺ flows out", (t[i_max], i_k[i_max]),
                        prefer=((1, 0), (1, -1)), avoid=lines, placed=placed,
                        color=COLORS["k"], fontsize=15))
    margin_labels(ax, [(float(i_l[-1]), "I$_L$ (leak)", COLORS["leak"])])
    ax.set_ylabel("Current density\n(µA/cm², outward > 0)")
    ax.set_xlabel("Time (ms)")
    ax.set_xlim(t[0], t[-1])
    return ax
