"""Figures of classic experiments: all-or-nothing, refractoriness, f-I curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import param_error
from ..analysis import FICurve
from ._common import label_line, need, styled
from ._style import COLORS, new_figure

__all__ = ["all_or_nothing", "fi_curve", "firing_patterns", "refractoriness"]


@styled
def all_or_nothing(result, amplitudes, ax=None, *, threshold_amplitude=None):
    """Overlay V(t) for brief pulses of several amplitudes: below threshold, no spike; above, a
    full one.

    Arguments:
        result: a population result, neuron i driven by a pulse of ``amplitudes[i]``.
        amplitudes: the pulse amplitude of each neuron.
        ax: axes to draw into (default a new slide figure).
        threshold_amplitude: if given, named in the labels.

    Returns:
        The Axes.
    """
    need(result, ["v"], "all_or_nothing")
    amps = np.asarray(amplitudes, dtype=float)
    if not result.is_population or amps.shape != (result.n_neurons,):
        raise param_error("all_or_nothing", "amplitudes", f"one amplitude per neuron of the "
                          f"result ({result.n_neurons})", amplitudes)
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    t = result.t
    counts = np.asarray(result.spike_counts)
    order = np.argsort(amps)
    greys = ["#BBBBBB", "#999999", "#777777", "#555555"]
    sub = [i for i in order if counts[i] == 0]
    sup = [i for i in order if counts[i] > 0]
    for k, i in enumerate(sub):
        ax.plot(t, result.v[:, i], color=greys[min(k, len(greys) - 1)])
    for i in sup:
        ax.plot(t, result.v[:, i], color=COLORS["v"])
    unit = "µA/cm²" if result.model == "hodgkin_huxley" else "nA"
    if sub:
        i = sub[-1]
        j = int(np.argmax(result.v[:, i]))
        ax.annotate(f"{amps[i]:.2f} {unit}: below threshold,\nno spike", (t[j], result.v[j, i]),
                    xytext=(0.62, 0.33), textcoords="axes fraction", color="#555555",
                    fontsize=15, fontweight="bold", ha="left", va="center",
                    arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.5})
    if sup:
        i = sup[0]
        j = int(np.argmax(result.v[:, i]))
        label_line(ax, t[j], result.v[j, i],
                   f"{amps[i]:.2f} {unit}: above threshold,\na full action potential",
                   COLORS["v"], dx=40, dy=-10, va="top",
                   arrowprops={"arrowstyle": "->", "color": COLORS["v"], "lw": 1.5})
    title = "All or nothing: a slightly stronger pulse gives a whole spike"
    if threshold_amplitude is not None:
        title += f"\n(1-ms pulse, threshold {threshold_amplitude:.2f} {unit})"
    ax.set_title(title)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Membrane potential (mV)")
    ax.set_xlim(t[0], t[-1])
    return ax


@styled
def refractoriness(result, intervals, ax=None, *, first_pulse_t=None):
    """Paired pulses at shrinking intervals, one row each: the second spike shrinks, then fails.

    Arguments:
        result: a population result, neuron i driven by two pulses ``intervals[i]`` ms apart.
        intervals: the interval of each neuron (ms).
        ax: a sequence of axes, one per interval (default a new 4:3 figure).
        first_pulse_t: time of the first pulse (ms), marked on each row.

    Returns:
        The array of Axes.
    """
    need(result, ["v"], "refractoriness")
    ivs = np.asarray(intervals, dtype=float)
    if not result.is_population or ivs.shape != (result.n_neurons,):
        raise param_error("refractoriness", "intervals", f"one interval per neuron of the "
                          f"result ({result.n_neurons})", intervals)
    if ax is None:
        _, axes = new_figure(len(ivs), 1, size="4:3", sharey=True)
        axes = axes[:, 0]
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != ivs.size:
            raise param_error("refractoriness", "ax", f"{ivs.size} axes", axes)
    t = result.t
    counts = np.asarray(result.spike_counts)
    for k, (a, iv) in enumerate(zip(axes, ivs, strict=True)):
        a.plot(t, result.v[:, k], color=COLORS["v"], lw=2.2)
        if result.stimulus is not None and result.stimulus.ndim == 2:
            on = np.flatnonzero(np.diff((result.stimulus[:, k] > 0).astype(int)) == 1)
            for i_on in on:
                a.axvline(t[i_on + 1], color=COLORS["stimulus"], lw=2, ls="--", zorder=0)
        verdict = {0: "no spike", 1: "second pulse fails"}.get(int(counts[k]),
                                                                f"{int(counts[k])} spikes")
        spikes = np.asarray(result.spike_times[k])
        if spikes.size == 2:
            peaks = [result.v[(t >= s) & (t <= s + 2.0), k].max() for s in spikes]
            verdict = ("second spike smaller" if peaks[1] < peaks[0] - 5.0
                       else "two full spikes")
        a.text(1.0, 0.55, f"Δt = {iv:g} ms\n{verdict}", transform=a.transAxes, ha="right",
               va="center", fontsize=15)
        a.set_xlim(t[0], t[-1])
        a.set_yticks([-60, 0])
    axes[len(axes) // 2].set_ylabel("Membrane potential (mV)")
    axes[-1].set_xlabel("Time (ms)    (dashed: pulse onsets)")
    axes[0].set_title("Refractoriness: a second pulse too soon cannot fire")
    return axes


@styled
def fi_curve(curves, ax=None, *, labels=None, colors=None, annotate_onset=True):
    """Firing rate against input current for one or several :class:`FICurve`.

    Arguments:
        curves: an FICurve or a sequence of them (e.g. HH beside LIF).
        ax: axes (default a new slide figure).
        labels: text written beside each curve (default the model name; False for none).
        colors: one colour per curve.
        annotate_onset: point at where firing starts (a jump for type II, a smooth rise for
            type I).

    Returns:
        The Axes.
    """
    if isinstance(curves, FICurve):
        curves = [curves]
    if not isinstance(curves, Sequence) or not all(isinstance(c, FICurve) for c in curves):
        raise param_error("fi_curve", "curves", "an FICurve or a sequence of them", curves,
                          TypeError)
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    default_colors = [COLORS["v"], COLORS["na"], COLORS["k"], COLORS["stimulus"]]
    for k, c in enumerate(curves):
        color = colors[k] if colors else default_colors[k % len(default_colors)]
        ax.plot(c.currents, c.rates, color=color, marker="o", ms=5)
        if labels is not False:
            text = labels[k] if labels else c.model.replace("_", "-").title()
            i = int(np.argmax(c.currents))
            label_line(ax, c.currents[i], c.rates[i], text, color, ha="right", dy=-28)
        if annotate_onset and np.isfinite(c.rheobase):
            r0 = float(np.interp(c.rheobase, c.currents, c.rates))
            unit = "µA/cm²" if c.unit == "uA/cm^2" else c.unit
            top = float(np.max(c.rates)) or 1.0
            text = (f"jumps from 0 to {r0:.0f} Hz\nat {c.rheobase:.3g} {unit}" if r0 > 0.2 * top
                    else f"rises from 0 Hz\nat ≈{c.rheobase:.2g} {unit}")
            ax.annotate(text, (c.rheobase, r0), xytext=(0.04, 0.8), textcoords="axes fraction",
                        fontsize=15, color=color, va="center",
                        arrowprops={"arrowstyle": "->", "lw": 1.8, "color": color})
    unit = curves[0].unit.replace("uA/cm^2", "µA/cm²")
    ax.set_xlabel(f"Input current ({unit})")
    ax.set_ylabel("Firing rate (Hz)")
    ax.relim()
    ax.autoscale(enable=True, axis="y")
    ax.autoscale_view()
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    return ax


_PATTERN_TITLES = {
    "regular_spiking": "Regular spiking",
    "intrinsically_bursting": "Intrinsically bursting",
    "chattering": "Chattering",
    "fast_spiking": "Fast spiking",
    "thalamo_cortical": "Thalamo-cortical",
    "resonator": "Resonator",
    "low_threshold_spiking": "Low-threshold spiking",
}


@styled
def firing_patterns(results, ax=None, *, ncols=2):
    """A gallery: one small panel of V(t) per named result (e.g. the Izhikevich patterns).

    Arguments:
        results: a dict name -> single-neuron SimulationResult.
        ax: a sequence of at least ``len(results)`` axes (default a new 16:9 figure).
        ncols: columns of the new figure.

    Returns:
        The array of Axes.
    """
    from ._membrane import membrane

    if not isinstance(results, dict) or not results:
        raise param_error("firing_patterns", "results", "a non-empty dict of name -> result",
                          results, TypeError)
    n = len(results)
    if ax is None:
        nrows = (n + ncols - 1) // ncols
        _, axes = new_figure(nrows, ncols, sharey=True)
        axes = axes.ravel()
    else:
        axes = np.asarray(ax).ravel()
        if axes.size < n:
            raise param_error("firing_patterns", "ax", f"at least {n} axes", axes)
    for a, (name, res) in zip(axes, results.items(), strict=False):
        membrane(res, ax=a, annotate=False, lw=1.8)
        a.set_ylabel("")
        a.set_xlabel("")
        a.set_title(_PATTERN_TITLES.get(name, name.replace("_", " ")), loc="left", fontsize=15,
                    fontweight="bold", pad=3)
        a.set_yticks([-60, 0])
    for a in axes[n:]:
        a.set_visible(False)
    fig = axes[0].figure
    fig.supxlabel("Time (ms)", fontsize=18)
    fig.supylabel("Membrane potential (mV)", fontsize=18)
    return axes
