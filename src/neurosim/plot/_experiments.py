"""Figures of classic experiments: all-or-nothing, refractoriness, f-I curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import registry
from .._core.validation import param_error, pretty_unit
from ..analysis import FICurve
from ._common import need, styled
from ._layout import place
from ._membrane import membrane
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
        threshold_amplitude: if given, named in the title.

    Returns:
        The Axes.
    """
    need(result, ["v"], "all_or_nothing")
    amps = np.asarray(amplitudes, dtype=float)
    if amps.shape != (result.n_neurons,):
        raise param_error("all_or_nothing", "amplitudes", f"one amplitude per neuron of the "
                          f"result ({result.n_neurons})", amplitudes)
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    t = result.t
    counts = result.spike_counts
    order = np.argsort(amps)
    sub = [i for i in order if counts[i] == 0]
    sup = [i for i in order if counts[i] > 0]
    lines = []
    for k, i in enumerate(sub):
        shade = 0.45 + 0.4 * k / max(len(sub) - 1, 1)  # stronger pulses drawn darker
        lines += ax.plot(t, result.v[:, i], color=COLORS["subthreshold"], alpha=shade)
    for i in sup:
        lines += ax.plot(t, result.v[:, i], color=COLORS["v"])
    unit = pretty_unit(result.units.get("stimulus", ""))
    placed = []
    if sub:
        i = sub[-1]
        j = int(np.argmax(result.v[:, i]))
        placed.append(place(ax, f"{amps[i]:.2f} {unit}: below\nthreshold, no spike",
                            (t[j], result.v[j, i]), prefer=((-1, 1), (-1, 2), (1, -1)),
                            avoid=lines, color=COLORS["muted"], fontsize=15))
    if sup:
        i = sup[0]
        j = int(np.argmax(result.v[:, i]))
        placed.append(place(ax, f"{amps[i]:.2f} {unit}: above threshold,\na full action "
                            "potential", (t[j], result.v[j, i]), prefer=((1, 0), (1, -1)),
                            avoid=lines, placed=placed, fontsize=15))
    title = "All or nothing: a slightly stronger pulse gives a whole spike"
    if threshold_amplitude is not None:
        title += f"\n(1-ms pulse, threshold {threshold_amplitude:.2f} {unit})"
    ax.set_title(title)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Membrane potential (mV)")
    ax.set_xlim(t[0], t[-1])
    return ax


@styled
def refractoriness(result, intervals, ax=None, *, periods=None, first_pulse_t=2.0):
    """Paired pulses at shrinking intervals, one row each: the second spike shrinks, then fails.

    Arguments:
        result: a population result, neuron i driven by two pulses ``intervals[i]`` ms apart.
        intervals: the interval of each neuron (ms).
        ax: a sequence of axes, one per interval (default a new 4:3 figure).
        periods: a :class:`~neurosim.analysis.RefractoryPeriods` (from
            ``analysis.refractory_periods``): the absolute and relative refractory periods
            after the first pulse are shaded and named in every row.
        first_pulse_t: the time of the first pulse (ms), where the periods start.

    Returns:
        The array of Axes.
    """
    need(result, ["v"], "refractoriness")
    ivs = np.asarray(intervals, dtype=float)
    if ivs.shape != (result.n_neurons,):
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
    counts = result.spike_counts
    for k, (a, iv) in enumerate(zip(axes, ivs, strict=True)):
        if periods is not None:
            a.axvspan(first_pulse_t, first_pulse_t + periods.absolute, color=COLORS["muted"],
                      alpha=0.35, lw=0, zorder=0)
            a.axvspan(first_pulse_t + periods.absolute, first_pulse_t + periods.relative,
                      color=COLORS["shade"], alpha=0.8, lw=0, zorder=0)
        a.plot(t, result.v[:, k], color=COLORS["v"], lw=2.2)
        if result.stimulus is not None:
            on = np.flatnonzero(np.diff((result.stimulus[:, k] > 0).astype(int)) == 1)
            for i_on in on:
                a.axvline(t[i_on + 1], color=COLORS["stimulus"], lw=2, ls="--", zorder=1)
        verdict = {0: "no spike", 1: "second pulse fails"}.get(int(counts[k]),
                                                                f"{int(counts[k])} spikes")
        spikes = result.spike_times[k]
        if spikes.size == 2:
            peaks = [result.v[(t >= s) & (t <= s + 2.0), k].max() for s in spikes]
            verdict = ("second spike smaller" if peaks[1] < peaks[0] - 5.0
                       else "two full spikes")
        a.text(1.0, 0.55, f"Δt = {iv:g} ms\n{verdict}", transform=a.transAxes, ha="right",
               va="center", fontsize=15)
        a.set_xlim(t[0], t[-1])
        a.set_yticks([-60, 0], ["−60", "0"])
    if periods is not None:
        top = axes[0]
        for x0, x1, name in ((0.0, periods.absolute, "absolute"),
                             (periods.absolute, periods.relative, "relative")):
            top.text(first_pulse_t + 0.5 * (x0 + x1), 1.02, f"{name}\n{x1 - x0:.3g} ms",
                     transform=top.get_xaxis_transform(), ha="center", va="bottom",
                     fontsize=14, color=COLORS["text"])
    axes[len(axes) // 2].set_ylabel("Membrane potential (mV)")
    axes[-1].set_xlabel("Time (ms)    (dashed: pulse onsets)")
    title = "Refractoriness: a second pulse too soon cannot fire"
    if periods is not None:
        # the periods are the model's, at its temperature: say which (they shorten when warm)
        p = result.params
        where = (f"squid axon, {float(np.max(p.temperature_ref)):g} °C"
                 if hasattr(p, "temperature_ref") else registry.get(result.model).label)
        title += f"\n(shaded: absolute, then relative refractory period; {where})"
    axes[0].set_title(title, pad=48 if periods is not None else 6)
    return axes


@styled
def fi_curve(curves, ax=None, *, labels=None, colors=None, annotate_onset=True):
    """Firing rate against input for one or several :class:`~neurosim.analysis.FICurve`.

    Arguments:
        curves: an FICurve or a sequence of them (e.g. HH beside LIF).
        ax: axes (default a new slide figure).
        labels: text written beside each curve (default the model's label; False for none).
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
    lines = []
    for k, c in enumerate(curves):
        color = colors[k] if colors else default_colors[k % len(default_colors)]
        lines += ax.plot(c.currents, c.rates, color=color, marker="o", ms=4)
    ax.set_xlim(left=0)
    ax.set_ylim(0, max(float(np.max(c.rates)) for c in curves) * 1.15 or 1.0)
    placed = []
    for k, c in enumerate(curves):
        color = colors[k] if colors else default_colors[k % len(default_colors)]
        unit = pretty_unit(c.unit)
        if annotate_onset and np.isfinite(c.rheobase):
            r0 = float(np.interp(c.rheobase, c.currents, c.rates))
            top = float(np.max(c.rates)) or 1.0
            text = (f"jumps from 0 to {r0:.0f} Hz\nat {c.rheobase:.3g} {unit}"
                    if r0 > 0.2 * top else
                    f"rises continuously from 0 Hz\nat {c.rheobase:.3g} {unit}")
            placed.append(place(ax, text, (c.rheobase, r0), prefer=((-1, 1), (-2, 1), (1, 1)),
                                avoid=lines, placed=placed, color=color, fontsize=15))
        if labels is not False:
            text = labels[k] if labels else (registry.get(c.model).label
                                             if c.model in registry.names() else c.model)
            i = int(np.argmax(c.currents))
            placed.append(place(ax, text, (c.currents[i], c.rates[i]),
                                prefer=((-1, 1), (-1, -1), (0, 1)), avoid=lines,
                                placed=placed, color=color, fontsize=15, arrow=False))
    ax.set_xlabel(f"Input ({pretty_unit(curves[0].unit)})" if curves[0].unit != "uA/cm^2"
                  else "Input current density (µA/cm²)")
    if curves[0].unit == "nA":
        ax.set_xlabel("Input current (nA)")
    ax.set_ylabel("Firing rate (Hz)")
    return ax


@styled
def firing_patterns(results, ax=None, *, ncols=2, titles=None):
    """A gallery: one small panel of V(t) per named result (e.g. the Izhikevich patterns), the
    input drawn as a step along each panel's foot and its size written beside the name.

    Arguments:
        results: a dict name -> single-neuron SimulationResult (with its stimulus recorded).
        ax: a sequence of at least ``len(results)`` axes (default a new 16:9 figure).
        ncols: columns of the new figure.
        titles: name -> the name shown in its panel's title (default the name in words; for
            a name that needs a hyphen). The input's size follows it, its unit goes once
            beside the time axis.

    Returns:
        The array of Axes.
    """
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
    units = set()
    for a, (name, res) in zip(axes, results.items(), strict=False):
        membrane(res, ax=a, annotate=False, lw=1.8)
        # the catalog's pattern name in words, or the title given for it
        title = (titles or {}).get(name) or name.replace("_", " ").capitalize()
        if res.stimulus is not None:
            stim = res.trace("stimulus")
            amp = float(stim[np.argmax(np.abs(stim))])
            title += f"   I = {amp:g}"
            units.add(pretty_unit(res.units.get("stimulus", "")))
            # the input as a step along the panel's foot
            foot = -100.0 + 10.0 * (stim != 0)
            a.plot(res.t, foot, color=COLORS["stimulus"], lw=2)
        a.set_ylim(-104, 40)
        a.set_ylabel("")
        a.set_xlabel("")
        a.set_title(title, loc="left", fontsize=15, fontweight="bold", pad=3)
        a.set_yticks([-60, 0], ["−60", "0"])
    for a in axes[n:]:
        a.set_visible(False)
    fig = axes[0].figure
    fig.supxlabel("Time (ms)" + (f"      (input I in {units.pop()}, drawn along each foot)"
                                 if len(units) == 1 else ""), fontsize=18)
    fig.supylabel("Membrane potential (mV)", fontsize=18)
    return axes
