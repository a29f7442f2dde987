"""Network figures: a raster with the population rate under it, and Brunel's four states."""

from __future__ import annotations

import numpy as np

from .._core.validation import as_int, param_error
from ._common import styled
from ._layout import margin_labels
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["brunel_states", "raster"]

_OTHER = (OKABE_ITO["green"], OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["sky_blue"])


def _colour(name: str, k: int) -> str:
    """Excitatory populations (named E...) in the excitatory colour, inhibitory (I...) in the
    inhibitory one, any other from the rest of the palette."""
    if name.upper().startswith("E"):
        return COLORS["excitatory"]
    if name.upper().startswith("I"):
        return COLORS["inhibitory"]
    return _OTHER[k % len(_OTHER)]


def _check(result, func):
    if not hasattr(result, "spike_times") or not hasattr(result, "population_rates"):
        raise param_error(func, "result", "a NetworkResult (Network.run)", result, TypeError)


def _shown(sizes: dict, neurons: int) -> dict:
    """How many neurons of each population a raster of about ``neurons`` rows shows: in
    proportion to the populations' sizes (so E:I keeps its ratio), at least one each, all of a
    population smaller than its share."""
    total = sum(sizes.values())
    if total <= neurons:
        return dict(sizes)
    return {name: max(1, min(size, round(neurons * size / total)))
            for name, size in sizes.items()}


def _draw(result, ax_raster, ax_rate, window, shown, rate_bin, label_size=14, pops=None,
          rate_labels=True):
    """The raster of the first ``shown[name]`` neurons of each population (stacked, E at the
    bottom) and the population rates in ``rate_bin`` ms bins, over ``window``; each rate curve
    named at its right end in its colour (``rate_labels``)."""
    lo, hi = window
    base = 0
    ticks = []
    pops = list(result.spike_times) if pops is None else pops
    for k, name in enumerate(pops):
        trains = result.spike_times[name]
        n = min(shown[name], len(trains))
        t = trains.times
        i = trains.indices
        sel = (i < n) & (t >= lo) & (t <= hi)
        colour = _colour(name, k)
        ax_raster.plot(t[sel], i[sel] + base, "|", color=colour, ms=3.0, mew=1.0)
        ticks.append((base + n / 2, name, colour))
        base += n
    ax_raster.set_ylim(-0.5, base - 0.5)
    ax_raster.set_yticks([])
    for y, name, colour in ticks:
        ax_raster.text(1.01, y / max(base, 1), name, transform=ax_raster.transAxes,
                       color=colour, fontsize=label_size, va="center", ha="left",
                       fontweight="bold")
    top = 0.0
    ends = []
    for k, name in enumerate(pops):
        trains = result.spike_times[name]
        n_bins = int(np.floor((hi - lo) / rate_bin + 1e-9))
        counts = np.histogram(trains.times, bins=n_bins, range=(lo, lo + n_bins * rate_bin))[0]
        rate = counts / (len(trains) * rate_bin / 1000.0)
        ax_rate.step(lo + rate_bin * np.arange(n_bins), rate, where="post",
                     color=_colour(name, k), lw=1.6)
        top = max(top, float(rate.max()) if rate.size else 0.0)
        # where the curve ends, averaged over its last tenth (a bin alone jumps about)
        tail = rate[-max(1, n_bins // 10):]
        ends.append((float(tail.mean()) if tail.size else 0.0, name, _colour(name, k)))
    ax_rate.set_ylim(0, top * 1.1 + 1e-9)
    ax_rate.set_xlim(lo, hi)
    if rate_labels and len(pops) > 1:
        margin_labels(ax_rate, ends, fontsize=label_size)


def _subset_text(shown: dict, sizes: dict) -> str:
    """'Neuron' when every neuron is drawn, else which share of which population."""
    if all(shown[name] >= sizes[name] for name in shown):
        return "Neuron"
    total, drawn = sum(sizes[name] for name in shown), sum(shown.values())
    return f"Neuron\n({drawn:,} of {total:,} shown)"


@styled
def raster(result, ax=None, *, window=None, neurons=200, per_population=None, rate_bin=1.0,
           title=None):
    """Spike raster of a network run, populations coloured (excitatory and inhibitory in their
    colours), with the population rates underneath on a shared time axis, each curve named at
    its end.

    Arguments:
        result: a :class:`~neurosim.network.NetworkResult`.
        ax: two axes (raster, rate) to draw into (default a new slide figure).
        window: (start, end) in ms (default the whole run).
        neurons: about how many rows to draw, shared among the populations in proportion to
            their sizes (3,200 E and 800 I give 160 E and 40 I rows), the first neurons of
            each; the axis says how many of how many are shown when it is not all of them.
        per_population: instead, this many neurons of every population (the proportions are
            then not kept).
        rate_bin: bin of the rate curves (ms).
        title: a title over the raster.

    Returns:
        The two Axes (raster, rate).
    """
    _check(result, "raster")
    window = (0.0, float(result.duration)) if window is None else tuple(map(float, window))
    sizes = {name: len(trains) for name, trains in result.spike_times.items()}
    if per_population is not None:
        shown = {name: min(as_int(per_population, "raster", "per_population", low=1), size)
                 for name, size in sizes.items()}
    else:
        shown = _shown(sizes, as_int(neurons, "raster", "neurons", low=1))
    if ax is None:
        _, axes = new_figure(2, 1, height_ratios=(3, 1))
        ax = (axes[0, 0], axes[1, 0])
    ax_raster, ax_rate = ax
    _draw(result, ax_raster, ax_rate, window, shown, rate_bin)
    ax_raster.set_ylabel(_subset_text(shown, sizes))
    ax_rate.set_ylabel("Rate (Hz)")
    ax_rate.set_xlabel("Time (ms)")
    if title:
        ax_raster.set_title(title)
    return ax_raster, ax_rate


_STATE_TEXT = {
    "SR": "synchronous regular",
    "AI": "asynchronous irregular",
    "SI_fast": "synchronous irregular, fast",
    "SI_slow": "synchronous irregular, slow",
}


@styled
def brunel_states(results, *, window=None, per_population=60, rate_bin=0.5, params=None):
    """Brunel's (2000) Figure 8: the four states side by side, each a raster of a few
    excitatory neurons with the excitatory population rate under it.

    Arguments:
        results: state name ("SR", "AI", "SI_fast", "SI_slow") -> NetworkResult.
        window: (start, end) in ms shown for every state (default the last 200 ms), or a dict
            state -> (start, end) (a state not in it gets the default). The synchronous
            regular state needs a short window: its volleys come every delay (1.5 ms), and 200
            ms of them is a solid block.
        per_population: excitatory neurons in each raster.
        rate_bin: bin of the rate curves (ms), or a dict state -> bin (the SR volleys need a
            bin of about dt to stand apart).
        params: state -> (g, nu_ext / nu_thr), printed in the titles.

    Returns:
        The Figure.
    """
    if not isinstance(results, dict) or not results:
        raise param_error("brunel_states", "results", "a dict of state name -> NetworkResult",
                          results, TypeError)
    for r in results.values():
        _check(r, "brunel_states")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12.0, 6.75), layout="none")
    outer = fig.add_gridspec(2, 2, hspace=0.62, wspace=0.18, left=0.07, right=0.98,
                             top=0.80, bottom=0.09)
    for k, (state, res) in enumerate(results.items()):
        inner = outer[k // 2, k % 2].subgridspec(2, 1, height_ratios=(2.2, 1), hspace=0.08)
        ax_r = fig.add_subplot(inner[0])
        ax_p = fig.add_subplot(inner[1], sharex=ax_r)
        default = (max(0.0, res.duration - 200.0), res.duration)
        win = (window.get(state, default) if isinstance(window, dict) else window) or default
        bin_ = rate_bin.get(state, 0.5) if isinstance(rate_bin, dict) else rate_bin
        exc = [n for n in res.spike_times if n.upper().startswith("E")] or \
            list(res.spike_times)[:1]
        _draw(res, ax_r, ax_p, win, dict.fromkeys(exc, per_population), bin_, label_size=12,
              pops=exc, rate_labels=False)
        for t in list(ax_r.texts):
            t.remove()
        title = f"{state.replace('_', '-')}: {_STATE_TEXT.get(state, '')}"
        if win[1] - win[0] < 100.0:
            title += f" ({win[1] - win[0]:g} ms shown)"
        if params and state in params:
            g, eta = params[state]
            title += f"\ng = {g:g}, ν$_{{ext}}$/ν$_{{thr}}$ = {eta:g}"
        ax_r.set_title(title, fontsize=14)
        plt.setp(ax_r.get_xticklabels(), visible=False)
        ax_p.set_ylabel("Hz", fontsize=12)
        ax_p.tick_params(labelsize=11)
        if k // 2 == 1:
            ax_p.set_xlabel("Time (ms)")
        if k % 2 == 0:
            n_e = sum(len(res.spike_times[name]) for name in exc)
            ax_r.set_ylabel(f"E neuron\n({min(per_population, n_e)} of {n_e:,})", fontsize=12)
    return fig


# the four states of Brunel's Figure 8, where the lecture figure marks them: (g, eta)
_PRESETS = {"SR": (3.0, 2.0), "AI": (5.0, 2.0), "SI fast": (6.0, 4.0), "SI slow": (4.5, 0.9)}


@styled
def brunel_phase(phase, *, fig=None):
    """Brunel's phase diagram from a :class:`~neurosim.phase.BrunelPhase`: the excitatory
    rate (log colour scale) and Golomb's synchrony chi (spike counts of 1,000 neurons in 1-ms
    bins: near 0 when asynchronous) over relative inhibition g and external drive
    nu_ext / nu_thr, the four states of Figure 8 marked, silent points labelled.

    Returns:
        The Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    if not hasattr(phase, "rate") or not hasattr(phase, "fluct"):
        raise param_error("brunel_phase", "phase", "a BrunelPhase (neurosim.phase)", phase,
                          TypeError)
    if fig is None:
        fig, axes = new_figure(1, 2, sharex=False)
        axes = axes[0]
    else:
        axes = fig.subplots(1, 2)
    g, eta = phase.g, phase.eta
    panels = ((phase.rate, "Excitatory rate (Hz)", LogNorm(vmin=max(0.1, np.nanmin(
        phase.rate[phase.rate > 0]) if np.any(phase.rate > 0) else 0.1),
        vmax=np.nanmax(phase.rate)), "viridis"),
              (phase.sync, "Synchrony χ (Golomb)", None, "magma"))
    for ax, (values, label, norm, cmap) in zip(axes, panels, strict=True):
        im = ax.imshow(values, origin="lower", aspect="auto", cmap=cmap, norm=norm,
                       extent=(-0.5, g.size - 0.5, -0.5, eta.size - 0.5))
        ax.set_xticks(range(g.size), [f"{x:g}" for x in g])
        ax.set_yticks(range(eta.size), [f"{x:g}" for x in eta])
        ax.set_xlabel("Relative inhibition g")
        cb = fig.colorbar(im, ax=ax, shrink=0.9)
        cb.set_label(label, fontsize=14)
        for y in range(eta.size):
            silent = np.flatnonzero(phase.rate[y] == 0)
            if silent.size:
                ax.text(silent.mean(), y, "silent", ha="center", va="center", fontsize=12,
                        color=COLORS["muted"])
        for name, (gx, ex) in _PRESETS.items():
            if gx in g and ex in eta:
                x, y = int(np.flatnonzero(g == gx)[0]), int(np.flatnonzero(eta == ex)[0])
                ax.text(x, y, name, ha="center", va="center", fontsize=12,
                        fontweight="bold", color="white",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "black", "alpha": 0.55,
                              "lw": 0})
    axes[0].set_ylabel("External drive ν$_{ext}$/ν$_{thr}$")
    plt.setp(axes[1].get_yticklabels(), visible=True)
    return fig
