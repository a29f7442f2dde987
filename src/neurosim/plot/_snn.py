"""SNN-versus-ANN figures (from a saved report: no torch needed)."""

from __future__ import annotations

import numpy as np

from ._common import styled
from ._style import COLORS, new_figure

__all__ = ["comparison", "hidden_raster", "spikes_per_layer", "training_curves"]

_SNN, _ANN = COLORS["excitatory"], COLORS["k"]


def _get(report, key):
    return report[key] if isinstance(report, dict) else getattr(report, key)


@styled
def comparison(report, ax=None):
    """Three panels: test accuracy per epoch of both twins (first seed), SNN accuracy against
    the number of time steps, and energy per sample with the operation counts.

    Arguments:
        report: a ``ComparisonReport`` or its JSON as a dict.
        ax: three axes (default a new slide figure).

    Returns:
        The array of Axes.
    """
    if ax is None:
        _, axes = new_figure(1, 3, sharex=False)
        axes = axes[0]
    else:
        axes = np.asarray(ax).ravel()
    hist = next(iter(_get(report, "histories").values()))
    a0 = axes[0]
    for key, color, label in (("snn", _SNN, "SNN"), ("ann", _ANN, "ANN")):
        acc = 100 * np.asarray(hist[key]["test_accuracy"])
        a0.plot(np.arange(1, acc.size + 1), acc, color=color)
        a0.text(acc.size, acc[-1] + (1.2 if key == "snn" else -1.2), label, color=color,
                fontsize=15, fontweight="bold", ha="right", va="bottom" if key == "snn"
                else "top")
    a0.set_xlabel("Epoch")
    a0.set_ylabel("Test accuracy (%)")
    a0.set_ylim(80, 100)
    steps = _get(report, "accuracy_vs_steps")
    xs = np.array(sorted(int(k) for k in steps))
    ys = 100 * np.array([steps[k] if k in steps else steps[str(k)] for k in xs])
    a1 = axes[1]
    a1.plot(xs, ys, "o-", color=_SNN, ms=8)
    ann = 100 * float(np.mean(_get(report, "ann_accuracy")))
    a1.axhline(ann, color=_ANN, ls="--", lw=2)
    a1.text(xs[0], ann + 0.4, "ANN", color=_ANN, fontsize=15, va="bottom")
    a1.set_xlabel("SNN time steps")
    a1.set_ylabel("Test accuracy (%)")
    a1.set_ylim(80, 100)
    a2 = axes[2]
    e = [_get(report, "snn_energy_nj"), _get(report, "ann_energy_nj")]
    a2.bar([0, 1], e, color=[_SNN, _ANN], width=0.6)
    ops = [f"{_get(report, 'snn_synops'):.2g}\nSynOps", f"{_get(report, 'ann_macs'):.2g}\nMACs"]
    for k in range(2):
        a2.text(k, e[k], ops[k], ha="center", va="bottom", fontsize=14)
    a2.set_xticks([0, 1], ["SNN", "ANN"])
    a2.set_ylabel("Energy per sample (nJ, 45 nm)")
    a2.set_ylim(0, max(e) * 1.35)
    return axes


@styled
def hidden_raster(spikes, ax=None, *, label=None):
    """Raster of one sample's hidden-layer spikes: ``spikes`` of shape (steps, neurons)."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    t, i = np.nonzero(np.asarray(spikes))
    ax.scatter(t, i, marker="|", s=60, color=_SNN, linewidths=2)
    ax.set_xlabel("Time step")
    ax.set_ylabel("Hidden neuron")
    if label is not None:
        ax.set_title(label)
    return ax


@styled
def training_curves(report, ax=None):
    """Training loss per epoch of both twins (first seed)."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    hist = next(iter(_get(report, "histories").values()))
    for key, color, label in (("snn", _SNN, "SNN"), ("ann", _ANN, "ANN")):
        loss = np.asarray(hist[key]["loss"])
        ax.plot(np.arange(1, loss.size + 1), loss, color=color)
        ax.text(loss.size, loss[-1], f"  {label}", color=color, fontsize=16,
                fontweight="bold", va="center")
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Training loss (cross-entropy)")
    ax.set_yscale("log")
    return ax


@styled
def spikes_per_layer(report, ax=None):
    """Spikes per sample in each layer of the SNN, with the share of silent (neuron, step)
    slots written on each bar."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    spikes = np.asarray(_get(report, "spikes_per_sample"))
    sparsity = np.asarray(_get(report, "sparsity"))
    names = [f"hidden {k + 1}" for k in range(spikes.size - 1)] + ["output"]
    ax.bar(np.arange(spikes.size), spikes, color=_SNN, width=0.6)
    for k, (s, q) in enumerate(zip(spikes, sparsity, strict=True)):
        ax.text(k, s, f"{s:.0f}\n({100 * q:.0f} % silent)", ha="center", va="bottom",
                fontsize=14)
    ax.set_xticks(np.arange(spikes.size), names)
    ax.set_ylabel("Spikes per sample")
    ax.set_ylim(0, spikes.max() * 1.3)
    return ax
