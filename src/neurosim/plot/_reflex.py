"""The reflex-arc figure: every stage stacked in time, each latency marked."""

from __future__ import annotations

import numpy as np

from .._validation import param_error
from ._common import styled
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["reflex_arc"]

_ROWS = [
    ("receptors", "Heat receptors", OKABE_ITO["orange"]),
    ("sensory", "Sensory (Aδ)", COLORS["excitatory"]),
    ("interneurons", "Relay interneurons", COLORS["excitatory"]),
    ("flexor_motor", "Flexor motor", COLORS["excitatory"]),
    ("extensor_motor", "Extensor motor", COLORS["inhibitory"]),
    ("cortex", "Cortex (pain)", OKABE_ITO["purple"]),
]


def _draw_stage(ax, stage, color, onset, latency):
    trains = stage.spike_times
    n = len(trains)
    # raster in the upper 45 % of the panel
    ys = 0.55 + 0.42 * (trains.indices + 0.5) / max(n, 1)
    ax.scatter(trains.times, ys, s=4, color=color, marker="|", linewidths=1.2)
    # representative trace in the lower half, scaled to the panel
    if stage.v is not None:
        y = np.clip((stage.v + 80.0) / 100.0, 0.0, 1.0) * 0.5
        ax.plot(stage.t, y, color=COLORS["v"], lw=1.4)
    else:
        rate = stage.traces["rate"]
        top = max(float(rate.max()), 1.0)
        ax.plot(stage.t, 0.45 * rate / top, color=COLORS["v"], lw=1.8)
    if np.isfinite(latency):
        x = onset + latency
        ax.axvline(x, color=color, lw=2, ls="--")
        ax.text(x - 3, 0.75, f"{latency:.0f} ms", color=color, fontsize=14, va="center",
                ha="right", fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
    ax.set_ylim(0, 1.0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)


@styled
def reflex_arc(result, ax=None):
    """Stack the reflex arc's stages top to bottom with the muscle force last.

    Each stage shows a raster of its neurons (top of the panel) and the membrane potential of
    its most sensitive neuron (bottom), the latency from heat onset marked; the heat is
    shaded; withdrawal (force onset) and conscious perception are marked across all panels.

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
                             height_ratios=[1] * len(_ROWS) + [1.6])
        axes = axes[:, 0]
    else:
        axes = np.asarray(ax).ravel()
    onset = result.onset
    for a, (key, label, color) in zip(axes, _ROWS, strict=False):
        a.axvspan(onset, onset + result.heat_duration, color="#FBE3C5", zorder=0, lw=0)
        _draw_stage(a, result.stages[key], color, onset, result.latencies.get(key, np.nan))
        a.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=15)
    fa = axes[len(_ROWS)]
    fa.axvspan(onset, onset + result.heat_duration, color="#FBE3C5", zorder=0, lw=0)
    fa.plot(result.t, result.flexor_force, color=COLORS["excitatory"], lw=2.5)
    fa.plot(result.t, result.extensor_force, color=COLORS["inhibitory"], lw=2.5)
    top = max(float(result.flexor_force.max()), float(result.extensor_force.max()), 1.0)
    fa.set_ylim(0, top * 1.25)
    i = int(np.argmax(result.flexor_force))
    fa.text(result.t[i] + 5, result.flexor_force[i] + 0.04 * top, "flexor", ha="left",
            color=COLORS["excitatory"], fontsize=15, fontweight="bold", va="bottom")
    during = result.t <= onset + result.heat_duration  # label the hump the reflex cuts short
    j = int(np.argmax(np.where(during, result.extensor_force, -np.inf)))
    fa.text(result.t[j] - 5, result.extensor_force[j] + 0.05 * top, "extensor", ha="right",
            color=COLORS["inhibitory"], fontsize=15, fontweight="bold", va="bottom")
    fa.set_ylabel("Muscle\nforce", rotation=0, ha="right", va="center", fontsize=15)
    fa.set_yticks([])
    fa.set_xlabel("Time (ms)")
    if np.isfinite(result.reflex_latency):
        x = onset + result.reflex_latency
        for a in axes:
            a.axvline(x, color=COLORS["excitatory"], lw=1.5, ls=":")
        fa.text(x - 3, top * 1.0, f"withdrawal\n{result.reflex_latency:.0f} ms", ha="right",
                color=COLORS["excitatory"], fontsize=15, va="center")
    if np.isfinite(result.perception_latency):
        x = onset + result.perception_latency
        for a in axes:
            a.axvline(x, color=OKABE_ITO["purple"], lw=2.5)
        fa.text(x + 3, top * 0.3, f"“ouch!” felt\n{result.perception_latency:.0f} ms",
                color=OKABE_ITO["purple"], fontsize=15, va="center")
    axes[0].set_title(f"Withdrawal reflex: {result.temperature:g} °C on the hand (shaded)",
                      fontsize=16)
    axes[0].set_xlim(result.t[0], result.t[-1])
    return axes
