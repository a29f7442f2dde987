"""STDP figures: the window with its fit and the experimental shape."""

from __future__ import annotations

import numpy as np

from .._core.validation import param_error
from ._common import styled
from ._layout import place
from ._style import COLORS, new_figure

__all__ = ["rate_regulation", "stdp_window", "weight_histogram", "weight_traces"]

# Exponential fits to Bi & Poo's (1998) data as reported by Bi & Poo (2001): time constants
# 16.8 ms (potentiation) and 33.7 ms (depression); depression about half as deep as
# potentiation is high. Only the shape is drawn, scaled to the simulated potentiation.
_BI_POO_TAU_PLUS, _BI_POO_TAU_MINUS, _BI_POO_RATIO = 16.8, 33.7, -0.5


def _signed(x: float, digits: int = 2) -> str:
    """A number with a true minus sign."""
    return f"{x:.{digits}f}".replace("-", "\u2212")


def _effect(a: float, scale: float) -> str:
    """'stronger', 'weaker', or 'no change' for a side whose amplitude is under 1 % of the
    larger side's (``scale``)."""
    if abs(a) < 0.01 * scale:
        return "no change"
    return "stronger" if a > 0 else "weaker"


@styled
def stdp_window(window, ax=None, *, experimental=True):
    """Weight change per pair against spike timing, with the exponential fit of each side and
    (dashed grey) the shape of Bi & Poo's (1998) measurements. Each side's caption says what
    the fit found (stronger, weaker, or no change), so it holds for any rule.

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
    ax.axhline(0, color=COLORS["grid"], lw=1)
    ax.axvline(0, color=COLORS["grid"], lw=1)
    pos, neg = dt > 0, dt < 0
    lines = ax.plot(dt[pos], dw[pos], "o", color=COLORS["excitatory"], ms=7)
    lines += ax.plot(dt[neg], dw[neg], "o", color=COLORS["inhibitory"], ms=7)
    f = window.fit
    scale = max(abs(f.get("a_plus", 0.0)), abs(f.get("a_minus", 0.0))) or 1.0
    captions = []
    if "a_plus" in f:
        x = np.linspace(0.5, dt.max(), 200)
        lines += ax.plot(x, 100 * f["a_plus"] * np.exp(-x / f["tau_plus"]),
                         color=COLORS["excitatory"])
        captions.append((f"pre before post: {_effect(f['a_plus'], scale)}\n"
                         f"A$_+$ = {_signed(100 * f['a_plus'])} %, τ$_+$ = "
                         f"{f['tau_plus']:.1f} ms", (x[0], 100 * f["a_plus"]),
                         COLORS["excitatory"], ((1, 1), (2, 1), (1, -1), (2, -1))))
    if "a_minus" in f:
        x = np.linspace(dt.min(), -0.5, 200)
        lines += ax.plot(x, 100 * f["a_minus"] * np.exp(x / f["tau_minus"]),
                         color=COLORS["inhibitory"])
        captions.append((f"post before pre: {_effect(f['a_minus'], scale)}\n"
                         f"A$_-$ = {_signed(100 * f['a_minus'])} %, τ$_-$ = "
                         f"{f['tau_minus']:.1f} ms", (x[-1], 100 * f["a_minus"]),
                         COLORS["inhibitory"], ((-1, -1), (-2, -1), (-1, 1), (-2, 1))))
    shape = []
    if experimental and _effect(f.get("a_plus", 0.0), scale) == "stronger":
        peak = 100 * f["a_plus"]
        xp = np.linspace(0.5, dt.max(), 200)
        xn = np.linspace(dt.min(), -0.5, 200)
        shape = ax.plot(xp, peak * np.exp(-xp / _BI_POO_TAU_PLUS), "--", color=COLORS["muted"],
                        lw=2)
        shape += ax.plot(xn, _BI_POO_RATIO * peak * np.exp(xn / _BI_POO_TAU_MINUS), "--",
                         color=COLORS["muted"], lw=2)
    lo = min(float(dw.min()), 0.0)
    hi = max(float(dw.max()), 0.0)
    span = hi - lo or 1.0
    ax.set_ylim(lo - 0.45 * span, hi + 0.45 * span)
    placed = []
    for text, xy, color, prefer in captions:
        placed.append(place(ax, text, xy, prefer=prefer, avoid=lines + shape, placed=placed,
                            color=color, fontsize=15, arrow=False))
    if shape:
        i = len(shape[0].get_xdata()) // 3
        xy = (shape[0].get_xdata()[i], shape[0].get_ydata()[i])
        placed.append(place(ax, "dashed: shape of Bi & Poo (1998)", xy,
                            prefer=((1, 1), (1, -1)), avoid=lines + shape, placed=placed,
                            color=COLORS["muted"], fontsize=14))
    ax.set_xlabel("Spike timing, $t_\\mathrm{post} - t_\\mathrm{pre}$ (ms)")
    ax.set_ylabel("Weight change per pair (% of $w_\\mathrm{max}$)")
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
    ax.set_ylabel("Synaptic weight ($w / w_\\mathrm{max}$)")
    ax.set_ylim(0, 1)
    return ax


@styled
def weight_histogram(result, ax=None):
    """Weights at the start (grey) and the end (colour) of a Song-Abbott run: pushed apart."""
    if ax is None:
        _, axes = new_figure()
        ax = axes[0, 0]
    bins = np.linspace(0, 1, 21)
    ax.hist(result.weights[0], bins=bins, color=COLORS["grid"], label="start")
    ax.hist(result.weights[-1], bins=bins, histtype="step", lw=3, color=COLORS["excitatory"])
    ax.text(0.5, 0.93, f"start: uniform ({100 * result.bimodal_fraction[0]:.0f} % near a bound)",
            transform=ax.transAxes, ha="center", va="top", color=COLORS["muted"], fontsize=15)
    ax.text(0.5, 0.82, f"after {result.t[-1]:g} s: {100 * result.bimodal_fraction[-1]:.0f} % "
            "near 0 or $w_\\mathrm{max}$", transform=ax.transAxes, ha="center", va="top",
            color=COLORS["excitatory"], fontsize=15)
    ax.set_xlabel("Synaptic weight ($w / w_\\mathrm{max}$)")
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
        ax.plot(x, f, "o--", color=COLORS["muted"], ms=7)
        ax.text(x[-1], f[-1], "  weights frozen", color=COLORS["muted"], fontsize=16,
                va="center")
        top = max(top, float(f.max()))
    ax.set_xlabel("Input rate, each of the inputs (Hz)")
    ax.set_ylabel("Output rate (Hz)")
    ax.set_ylim(0, top * 1.15)
    ax.set_xlim(float(x.min()) * 0.9, float(x.max()) * 1.35)
    ax.set_xticks(x)
    return ax
