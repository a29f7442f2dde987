"""STDP figures: the window with its fit and the experimental shape."""

from __future__ import annotations

import numpy as np

from .._validation import param_error
from ._common import styled
from ._style import COLORS, new_figure

__all__ = ["stdp_window", "weight_traces"]

# Exponential fits to Bi & Poo's (1998) data as reported by Bi & Poo (2001): time constants
# 16.8 ms (potentiation) and 33.7 ms (depression); depression about half as deep as
# potentiation is high. Only the shape is drawn, scaled to the simulated potentiation.
_BI_POO_TAU_PLUS, _BI_POO_TAU_MINUS, _BI_POO_RATIO = 16.8, 33.7, -0.5


@styled
def stdp_window(window, ax=None, *, experimental=True):
    """Weight change per pair against spike timing, with the exponential fit of each side and
    (dashed grey) the shape of Bi & Poo's (1998) measurements.

    Arguments:
        window: an :class:`~neurosim.plasticity.STDPWindow`.
        ax: axes (default a new slide figure).
        experimental: overlay the experimental shape.

    Returns:
        The Axes.
    """
    if not hasattr(window, "delta_t") or not hasattr(window, "fit"):
        raise param_error("stdp_window", "window", "an STDPWindow (neurosim.plasticity."
                          "stdp_window)", window, TypeError)
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    dt, dw = window.delta_t, 100.0 * window.delta_w  # percent of w_max per pair
    ax.axhline(0, color="#BBBBBB", lw=1)
    ax.axvline(0, color="#BBBBBB", lw=1)
    pos, neg = dt > 0, dt < 0
    ax.plot(dt[pos], dw[pos], "o", color=COLORS["excitatory"], ms=7)
    ax.plot(dt[neg], dw[neg], "o", color=COLORS["inhibitory"], ms=7)
    f = window.fit
    if "a_plus" in f:
        x = np.linspace(0.5, dt.max(), 200)
        ax.plot(x, 100 * f["a_plus"] * np.exp(-x / f["tau_plus"]), color=COLORS["excitatory"])
        ax.text(0.55, 0.9, f"pre before post: stronger\nA+ = {100 * f['a_plus']:.2f} %, "
                f"τ+ = {f['tau_plus']:.1f} ms", transform=ax.transAxes, fontsize=15,
                color=COLORS["excitatory"], va="top")
    if "a_minus" in f:
        x = np.linspace(dt.min(), -0.5, 200)
        ax.plot(x, 100 * f["a_minus"] * np.exp(x / f["tau_minus"]), color=COLORS["inhibitory"])
        ax.text(0.03, 0.12, f"post before pre: weaker\nA− = {100 * f['a_minus']:.2f} %, "
                f"τ− = {f['tau_minus']:.1f} ms", transform=ax.transAxes, fontsize=15,
                color=COLORS["inhibitory"], va="bottom")
    if experimental and "a_plus" in f:
        peak = 100 * f["a_plus"]
        xp = np.linspace(0.5, dt.max(), 200)
        xn = np.linspace(dt.min(), -0.5, 200)
        ax.plot(xp, peak * np.exp(-xp / _BI_POO_TAU_PLUS), "--", color="#888888", lw=2)
        ax.plot(xn, _BI_POO_RATIO * peak * np.exp(xn / _BI_POO_TAU_MINUS), "--",
                color="#888888", lw=2)
        ax.text(0.55, 0.35, "dashed: shape of Bi & Poo (1998)", transform=ax.transAxes,
                fontsize=14, color="#666666")
    ax.set_xlabel("Spike timing, t_post − t_pre (ms)")
    ax.set_ylabel("Weight change per pair (% of w_max)")
    return ax


@styled
def weight_traces(result, ax=None):
    """Weights over time of a two-neuron experiment (A->B rising, B->A falling)."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    ax.plot(result.t / 1000.0, result.w_ab, color=COLORS["excitatory"])
    ax.plot(result.t / 1000.0, result.w_ba, color=COLORS["inhibitory"])
    ax.text(result.t[-1] / 1000.0, result.w_ab[-1], "  A→B", color=COLORS["excitatory"],
            fontsize=16, fontweight="bold", va="center")
    ax.text(result.t[-1] / 1000.0, result.w_ba[-1], "  B→A", color=COLORS["inhibitory"],
            fontsize=16, fontweight="bold", va="center")
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Synaptic weight (w / w_max)")
    ax.set_ylim(0, 1)
    return ax


@styled
def weight_histogram(result, ax=None):
    """Weights at the start (grey) and the end (colour) of a Song-Abbott run: pushed apart."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    bins = np.linspace(0, 1, 21)
    ax.hist(result.weights[0], bins=bins, color="#BBBBBB", label="start")
    ax.hist(result.weights[-1], bins=bins, histtype="step", lw=3, color=COLORS["excitatory"])
    ax.text(0.5, 0.93, f"start: uniform ({100 * result.bimodal_fraction[0]:.0f} % near a bound)",
            transform=ax.transAxes, ha="center", va="top", color="#777777", fontsize=15)
    ax.text(0.5, 0.82, f"after {result.t[-1]:g} s: {100 * result.bimodal_fraction[-1]:.0f} % "
            "near 0 or w_max", transform=ax.transAxes, ha="center", va="top",
            color=COLORS["excitatory"], fontsize=15)
    ax.set_xlabel("Synaptic weight (w / w_max)")
    ax.set_ylabel("Number of synapses")
    return ax


@styled
def rate_regulation(input_rates, output_rates, frozen_rates=None, ax=None):
    """Output rate after learning against input rate: STDP holds the output roughly steady,
    where frozen weights (grey, if given) let it climb with the input."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    x = np.asarray(input_rates, dtype=float)
    y = np.asarray(output_rates, dtype=float)
    ax.plot(x, y, "o-", color=COLORS["excitatory"], ms=9)
    ax.text(x[-1], y[-1], "  with STDP", color=COLORS["excitatory"], fontsize=16,
            fontweight="bold", va="center")
    top = float(y.max())
    if frozen_rates is not None:
        f = np.asarray(frozen_rates, dtype=float)
        ax.plot(x, f, "o--", color="#888888", ms=7)
        ax.text(x[-1], f[-1], "  weights frozen", color="#777777", fontsize=16, va="center")
        top = max(top, float(f.max()))
    ax.set_xlabel("Input rate, each of the inputs (Hz)")
    ax.set_ylabel("Output rate (Hz)")
    ax.set_ylim(0, top * 1.15)
    ax.set_xlim(float(x.min()) * 0.9, float(x.max()) * 1.35)
    ax.set_xticks(x)
    return ax
