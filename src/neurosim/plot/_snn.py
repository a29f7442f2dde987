"""SNN-versus-ANN figures (from a report or a saved comparison: no torch needed)."""

from __future__ import annotations

import numpy as np

from ..snn_report import MODEL_LABELS
from ._common import styled
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["comparison", "hidden_raster", "recurrent_comparison", "spikes_per_layer",
           "training_curves"]


def _colors():
    return COLORS["excitatory"], COLORS["k"]


def _first_history(report):
    return report.histories[str(report.seeds[0])]


def _accuracy_floor(*curves) -> float:
    """A y floor (%) below every plotted accuracy, in whole steps of 5 %."""
    low = min(float(np.min(c)) for c in curves)
    return max(0.0, 5.0 * np.floor((low - 1.0) / 5.0))


@styled
def comparison(report, ax=None):
    """Three panels: validation accuracy per epoch of both twins (first seed), the SNN's
    validation accuracy against its number of time steps, and energy per sample (the SNN
    counted two ways, the assumption written on the panel).

    Arguments:
        report: a :class:`~neurosim.snn_report.ComparisonReport`.
        ax: three axes (default a new slide figure).

    Returns:
        The array of Axes.
    """
    snn_c, ann_c = _colors()
    if ax is None:
        _, axes = new_figure(1, 3, sharex=False)
        axes = axes[0]
    else:
        axes = np.asarray(ax).ravel()
    hist = _first_history(report)
    a0 = axes[0]
    curves = {k: 100 * np.asarray(hist[k]["val_accuracy"]) for k in ("snn", "ann")}
    for key, color, label in (("snn", snn_c, "SNN"), ("ann", ann_c, "ANN")):
        acc = curves[key]
        a0.plot(np.arange(1, acc.size + 1), acc, color=color)
        a0.text(acc.size, acc[-1] + (1.0 if key == "snn" else -1.0), label, color=color,
                fontsize=15, fontweight="bold", ha="right",
                va="bottom" if key == "snn" else "top")
    a0.set_xlabel("Epoch")
    a0.set_ylabel("Validation accuracy (%)")
    a0.set_ylim(_accuracy_floor(*curves.values()), 100)
    steps = report.accuracy_vs_steps
    xs = np.array(sorted(int(k) for k in steps))
    ys = 100 * np.array([steps[k] for k in xs])
    a1 = axes[1]
    a1.plot(xs, ys, "o-", color=snn_c, ms=8)
    ann = float(curves["ann"][-1])
    a1.axhline(ann, color=ann_c, ls="--", lw=2)
    a1.text(xs[-1], ann + 0.4, "ANN", color=ann_c, fontsize=15, va="bottom", ha="right")
    a1.set_xlabel("SNN time steps")
    a1.set_ylabel("Validation accuracy (%)")
    a1.set_ylim(_accuracy_floor(ys, [ann]), 100)
    a2 = axes[2]
    e = [report.snn_energy_nj, report.ann_energy_nj]
    a2.bar([0, 1], e, color=[snn_c, ann_c], width=0.6)
    a2.bar([0], [report.snn_energy_nj_input_every_step], width=0.6, facecolor="none",
           edgecolor=snn_c, hatch="//", lw=1.5)
    a2.set_yscale("log")
    a2.text(0.55, report.snn_energy_nj_input_every_step * 1.3,
            f"{report.snn_energy_nj_input_every_step:,.0f} nJ if the input's\nW·x were redone "
            "every step", ha="center", va="bottom", fontsize=12, color=snn_c)
    for k, value in enumerate(e):
        a2.text(k, value * 0.8, f"{value:,.0f} nJ", ha="center", va="top", fontsize=14,
                color=COLORS["background"], fontweight="bold")
    a2.set_xticks([0, 1], ["SNN", "ANN"])
    a2.set_ylabel("Energy per sample (nJ)")
    a2.set_ylim(min(e) * 0.3, report.snn_energy_nj_input_every_step * 12)
    a2.set_title("45 nm estimate; the SNN's input W·x\nis computed once (direct encoding)",
                 fontsize=13, color=COLORS["muted"])
    return axes


@styled
def hidden_raster(spikes, ax=None, *, label=None, image=None):
    """Raster of one sample's hidden-layer spikes, ``spikes`` of shape (steps, neurons); with
    ``image`` (an 8x8 array, say) the input is drawn beside it."""
    snn_c, _ = _colors()
    if ax is None:
        if image is not None:
            _, axes = new_figure(1, 2, sharex=False, width_ratios=[1, 4])
            img_ax, ax = axes[0, 0], axes[0, 1]
        else:
            _, axes = new_figure()
            img_ax, ax = None, axes[0, 0]
    else:
        img_ax = None
    if img_ax is not None:
        img = np.asarray(image, dtype=float)
        side = round(np.sqrt(img.size))
        img_ax.imshow(img.reshape(side, side), cmap="gray_r", vmin=0, vmax=1)
        img_ax.set_xticks([])
        img_ax.set_yticks([])
        img_ax.set_title("Input", fontsize=15)
        for spine in img_ax.spines.values():
            spine.set_visible(True)
    t, i = np.nonzero(np.asarray(spikes))
    ax.scatter(t, i, marker="|", s=60, color=snn_c, linewidths=2)
    ax.set_xlabel("Time step")
    ax.set_ylabel("Hidden neuron")
    if label is not None:
        ax.set_title(label)
    return ax


@styled
def training_curves(report, ax=None):
    """Training loss per epoch of both twins (first seed)."""
    snn_c, ann_c = _colors()
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    hist = _first_history(report)
    for key, color, label in (("snn", snn_c, "SNN"), ("ann", ann_c, "ANN")):
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
    snn_c, _ = _colors()
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    spikes = np.asarray(report.spikes_per_sample)
    sparsity = np.asarray(report.sparsity)
    names = [f"hidden {k + 1}" for k in range(spikes.size - 1)] + ["output"]
    ax.bar(np.arange(spikes.size), spikes, color=snn_c, width=0.6)
    for k, (s, q) in enumerate(zip(spikes, sparsity, strict=True)):
        ax.text(k, s, f"{s:.0f}\n({100 * q:.0f} % silent)", ha="center", va="bottom",
                fontsize=14)
    ax.set_xticks(np.arange(spikes.size), names)
    ax.set_ylabel("Spikes per sample")
    ax.set_ylim(0, spikes.max() * 1.3)
    return ax


def recurrent_comparison(report, ax=None):
    """Three panels, one bar per model (the recurrent SNN and its RNN, LSTM and GRU twins):
    test accuracy (mean ± s.d. over seeds), energy per sample (log scale) and operations per
    sample, split into multiply-accumulates and accumulates.

    Arguments:
        report: a :class:`~neurosim.snn_report.RecurrentReport`.
        ax: three axes (default a new slide figure).

    Returns:
        The array of Axes.
    """
    if ax is None:
        _, axes = new_figure(1, 3, sharex=False)
        axes = axes[0]
    else:
        axes = np.asarray(ax).ravel()
    models = report.models()
    colours = {"snn": COLORS["excitatory"], "rnn": OKABE_ITO["sky_blue"],
               "lstm": COLORS["k"], "gru": OKABE_ITO["green"]}
    xs = np.arange(len(models))
    labels = [MODEL_LABELS[m].replace("recurrent ", "r") for m in models]
    cols = [colours[m] for m in models]
    acc = [100 * np.mean(report.accuracy[m]) for m in models]
    sd = [100 * np.std(report.accuracy[m]) for m in models]
    a, e, o = axes
    a.bar(xs, acc, yerr=sd, color=cols, capsize=6)
    for x, v in zip(xs, acc, strict=True):
        a.text(x, v + 1.5, f"{v:.1f}", ha="center", va="bottom", fontsize=13)
    a.set_ylim(0, 108)  # bars start at zero: no truncated axis
    a.set_ylabel("Test accuracy (%)")
    energy = [report.energy_nj[m] for m in models]
    e.bar(xs, energy, color=cols)
    e.set_yscale("log")
    for x, v in zip(xs, energy, strict=True):
        e.text(x, v * 1.15, f"{v:.0f}", ha="center", va="bottom", fontsize=13)
    e.set_ylim(min(energy) / 2, max(energy) * 4)
    e.set_ylabel("Energy per sample (nJ)")
    macs = np.array([report.macs[m] for m in models]) / 1000
    acs = np.array([report.acs[m] for m in models]) / 1000
    o.bar(xs, macs, color=cols, label="MACs")
    o.bar(xs, acs, bottom=macs, color=cols, alpha=0.45, hatch="//", label="ACs")
    o.set_ylabel("Operations per sample (×1000)")
    o.text(0, macs[0] + acs[0], "ACs\n(spikes)", ha="center", va="bottom", fontsize=12)
    for ax_ in axes:
        ax_.set_xticks(xs, labels)
    return axes
