"""The reflex-arc figure: every stage stacked in time, each latency marked."""

from __future__ import annotations

import numpy as np

from .._core.validation import param_error
from ._common import styled
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["reflex_arc"]

_ROWS = [
    ("receptors", "Heat receptors\n(Aδ)", "heat"),
    ("sensory", "Sensory\nneurons", "excitatory"),
    ("interneurons", "Relay\ninterneurons", "excitatory"),
    ("flexor_motor", "Flexor (biceps)\nmotor neurons", "excitatory"),
    ("extensor_motor", "Extensor (triceps)\nmotor neurons", "inhibitory"),
    ("cortex", "Cortex", "threshold"),
]


def _draw_stage(ax, stage, color, onset, latency):
    trains = stage.spike_times
    n = len(trains)
    # raster in the upper half of the panel, one row per neuron
    ys = 0.55 + 0.42 * (trains.indices + 0.5) / max(n, 1)
    ax.scatter(trains.times, ys, s=4, color=color, marker="|", linewidths=1.2)
    # one neuron's membrane potential (receptors: its rate) in the lower half
    if stage.v is not None:
        y = np.clip((stage.trace("v", 0) + 80.0) / 100.0, 0.0, 1.0) * 0.5
        ax.plot(stage.t, y, color=COLORS["v"], lw=1.4)
    else:
        rate = stage.trace("rate", 0)
        top = max(float(rate.max()), 1.0)
        ax.plot(stage.t, 0.45 * rate / top, color=COLORS["v"], lw=1.8)
    if np.isfinite(latency):
        x = onset + latency
        ax.axvline(x, color=color, lw=2, ls="--")
        ax.text(x + 3, 0.35, f"{latency:.0f} ms", color=color, fontsize=14, va="center",
                ha="left", fontweight="bold",
                bbox={"facecolor": COLORS["background"], "edgecolor": "none", "alpha": 0.85,
                      "pad": 1})
    ax.set_ylim(0, 1.0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)


@styled
def reflex_arc(result, ax=None):
    """Stack the reflex arc's stages top to bottom with the muscle force last.

    Each stage shows a raster of its neurons (top half of the panel) and the membrane potential
    of its most sensitive neuron (bottom half; for receptors their firing rate); the latency from
    heat onset is marked; the heat is shaded; the withdrawal (force onset) and the first cortical
    spikes are marked across all panels, with the measured human reaction time to first heat
    pain as a band (data, not model). The title says what was changed from the intact arc.

    Arguments:
        result: a :class:`~neurosim.networks.ReflexResult`.
        ax: a sequence of 7 axes (default a new 4:3 figure).

    Returns:
        The array of Axes.
    """
    if not hasattr(result, "stages") or not hasattr(result, "flexor_force"):
        raise param_error("reflex_arc", "result", "a ReflexResult (build_reflex_arc().run())",
                          result, TypeError)
    if ax is None:
        _, axes = new_figure(len(_ROWS) + 1, 1, size="4:3",
                             height_ratios=[1] * len(_ROWS) + [1.8])
        axes = axes[:, 0]
    else:
        axes = np.asarray(ax).ravel()
    onset, p = result.onset, result.params
    heat_end = onset + result.heat_duration
    for a, (key, label, color_key) in zip(axes, _ROWS, strict=False):
        a.axvspan(onset, heat_end, color=COLORS["heat_shade"], zorder=0, lw=0)
        _draw_stage(a, result.stages[key], COLORS[color_key], onset,
                    result.latencies.get(key, np.nan))
        a.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=14)
    fa = axes[len(_ROWS)]
    fa.axvspan(onset, heat_end, color=COLORS["heat_shade"], zorder=0, lw=0)
    fa.plot(result.t, result.flexor_force, color=COLORS["excitatory"], lw=2.5)
    fa.plot(result.t, result.extensor_force, color=COLORS["inhibitory"], lw=2.5)
    top = max(float(result.flexor_force.max()), float(result.extensor_force.max()), 1.0)
    fa.set_ylim(0, top * 1.3)
    t_end = float(result.t[-1])
    fa.text(t_end, result.flexor_force[-1] + 0.04 * top, "flexor", ha="right", va="bottom",
            color=COLORS["excitatory"], fontsize=15, fontweight="bold")
    fa.text(t_end, result.extensor_force[-1] + 0.04 * top, "extensor", ha="right",
            va="bottom", color=COLORS["inhibitory"], fontsize=15, fontweight="bold")
    fa.set_ylabel("Muscle force\n(motor-unit\ntwitches)", rotation=0, ha="right", va="center",
                  fontsize=14)
    fa.set_xlabel("Time (ms)")
    if result.withdrew:
        x = onset + result.reflex_latency
        for a in axes:
            a.axvline(x, color=COLORS["excitatory"], lw=1.5, ls=":")
        fa.text(x + 3, top * 1.22, f"withdrawal\n{result.reflex_latency:.0f} ms", ha="left",
                va="top", color=COLORS["excitatory"], fontsize=14)
    else:
        fa.text(0.5 * (onset + heat_end), 0.12 * top, "no withdrawal: the flexor stays "
                "silent", ha="center", va="bottom", color=COLORS["excitatory"], fontsize=14,
                fontweight="bold")
    lo, hi = onset + p.reaction_time_low, onset + p.reaction_time_high
    for a in axes:
        a.axvspan(lo, hi, facecolor="none", edgecolor=OKABE_ITO["purple"], hatch="//",
                  lw=0, alpha=0.5, zorder=0)
    if lo < t_end:
        axes[0].text(0.5 * (lo + min(hi, t_end)), 0.5, "people report\nfirst pain\n(measured)",
                     ha="center", va="center", fontsize=13, color=OKABE_ITO["purple"],
                     bbox={"facecolor": COLORS["background"], "edgecolor": "none",
                           "alpha": 0.85, "pad": 1})
    title = f"Withdrawal reflex: {result.temperature:g} °C on the back of the hand (shaded)"
    if result.condition():
        title += f" — {result.condition()}"
    axes[0].set_title(title + "\ndots: spikes of every neuron;  line: one neuron's membrane "
                      "potential (receptors: rate)", fontsize=15)
    axes[0].set_xlim(result.t[0], result.t[-1])
    return axes
