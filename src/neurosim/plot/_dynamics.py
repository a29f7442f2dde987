"""Phase planes, bifurcation diagrams, and the pictures of simulation-based inference."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator

from .. import dynamics
from .._core.validation import param_error, pretty_unit
from ._common import styled
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["bifurcation", "coverage", "phase_plane", "posterior_pairs", "posterior_predictive"]

# the colours of the two variables: E (and v) excitatory, I (and w) inhibitory
_VAR_COLOURS = ("excitatory", "inhibitory")
# a label's background, so that a line under it does not cross the letters
_BOX = {"boxstyle": "round,pad=0.15", "fc": "none", "ec": "none"}


def _label(name: str) -> str:
    return {"E": "E (excitatory activity)", "I": "I (inhibitory activity)",
            "v": "v (membrane potential)", "w": "w (recovery)"}.get(name, name)


def _mark(ax, fp, size=11):
    """A fixed point: filled if stable, open if unstable, a cross-hatched diamond if a
    saddle."""
    colour = COLORS["v"]
    if fp.kind == "saddle":
        ax.plot(fp.x, fp.y, "D", ms=size - 1, mfc=COLORS["background"], mec=colour, mew=2.0,
                zorder=5)
    else:
        ax.plot(fp.x, fp.y, "o", ms=size, mfc=colour if fp.stable else COLORS["background"],
                mec=colour, mew=2.0, zorder=5)


@styled
def phase_plane(model, *, xlim, ylim, trajectories=(), cycle=None, label_points=True,
                arrows=21, labels=None, ax=None):
    """The phase plane of a two-variable model (:mod:`neurosim.dynamics`): the flow as faint
    arrows, both nullclines named on the plot, the fixed points (filled: stable, open:
    unstable, diamond: saddle) with their kind, and optionally trajectories
    (:class:`~neurosim.dynamics.RateResult`) and a limit cycle drawn over them. ``labels``:
    where to write a nullcline's name instead, ``{variable: (x, y, ha)}`` in data units."""
    func = "phase_plane"
    if not hasattr(model, "rhs") or not hasattr(model, "names"):
        raise param_error(func, "model", "a dynamics model (WilsonCowan, FitzHughNagumo)",
                          model, TypeError)
    if ax is None:
        ax = new_figure(size="4:3")[1][0, 0]
    X, Y, dX, dY = dynamics.vector_field(model, xlim, ylim, n=arrows)
    speed = np.hypot(dX, dY)
    speed[speed == 0] = 1.0
    ax.quiver(X, Y, dX / speed, dY / speed, color=COLORS["grid"], angles="xy", pivot="mid",
              scale=arrows * 1.4, width=0.0025, zorder=1)
    xname, yname = model.names
    curves = dynamics.nullclines(model, xlim=(max(xlim[0], model.x_domain[0]),
                                              min(xlim[1], model.x_domain[1])))
    for k, (name, (cx, cy)) in enumerate(curves.items()):
        colour = COLORS[_VAR_COLOURS[k]]
        inside = (cx >= xlim[0]) & (cx <= xlim[1]) & (cy >= ylim[0]) & (cy <= ylim[1])
        cx, cy = np.where(inside, cx, np.nan), np.where(inside, cy, np.nan)
        ax.plot(cx, cy, color=colour, lw=3.0, zorder=3)
        # the name beside the curve: the first variable's at its right-most visible point,
        # the second's near the far end of its visible stretch, on a background patch
        ok = np.flatnonzero(np.isfinite(cx))
        if labels and name in labels:
            lx, ly, ha = labels[name]
            ax.text(lx, ly, f"d{name}/dt = 0", ha=ha, va="center", color=colour, fontsize=15,
                    fontweight="bold", zorder=7)
        elif ok.size:
            j = ok[np.argmax(cx[ok])] if k == 0 else ok[int(0.8 * (ok.size - 1))]
            ax.annotate(f"d{name}/dt = 0", (cx[j], cy[j]), xytext=(-8, 10 if k == 0 else -26),
                        textcoords="offset points", ha="right", color=colour, fontsize=15,
                        fontweight="bold", zorder=7,
                        bbox={**_BOX, "fc": COLORS["background"], "alpha": 0.85})
    for run in trajectories:
        ax.plot(run.values[xname], run.values[yname], color=OKABE_ITO["green"], lw=2.0,
                zorder=4)
        ax.plot(run.values[xname][0], run.values[yname][0], "s", ms=7, color=OKABE_ITO["green"],
                zorder=4)
    if cycle is not None:
        ax.plot(cycle.x, cycle.y, color=COLORS["v"], lw=3.5, zorder=4)
        j = int(np.argmax(cycle.y))
        ax.annotate(f"limit cycle, period {cycle.period:.1f} ms", (cycle.x[j], cycle.y[j]),
                    xytext=(0, 10), textcoords="offset points", ha="center", fontsize=15,
                    color=COLORS["v"], zorder=7, bbox={**_BOX, "fc": COLORS["background"]})
    for fp in dynamics.fixed_points(model):
        if xlim[0] <= fp.x <= xlim[1] and ylim[0] <= fp.y <= ylim[1]:
            _mark(ax, fp)
            if label_points:
                ax.annotate(fp.kind, (fp.x, fp.y), xytext=(10, -18), textcoords="offset points",
                            fontsize=14, color=COLORS["v"], zorder=6,
                            bbox={**_BOX, "fc": COLORS["background"], "alpha": 0.8})
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(_label(xname))
    ax.set_ylabel(_label(yname))
    return ax


@styled
def bifurcation(diagram, *, parameter_label, hopf=(), onset=None, ax=None):
    """A one-parameter bifurcation diagram (:func:`neurosim.dynamics.bifurcation`): stable
    fixed points as a solid line, unstable ones dashed, the limit cycle's range of the first
    variable shaded between its minimum and maximum, and each Hopf point (the Jacobian's
    trace crossing zero) marked; ``onset``: the oscillation onset a simulation found."""
    if not isinstance(diagram, dict) or "fixed" not in diagram:
        raise param_error("bifurcation", "diagram", "a dict from dynamics.bifurcation",
                          diagram, TypeError)
    if ax is None:
        ax = new_figure()[1][0, 0]
    stable = [(v, fp.x) for v, fp in diagram["fixed"] if fp.stable]
    unstable = [(v, fp.x) for v, fp in diagram["fixed"] if not fp.stable]
    if stable:
        s = np.array(stable)
        ax.plot(s[:, 0], s[:, 1], "o", ms=4, color=COLORS["v"], zorder=3)
    if unstable:
        u = np.array(unstable)
        ax.plot(u[:, 0], u[:, 1], "o", ms=4, mfc="none", mec=COLORS["muted"], mew=1.2,
                zorder=3)
    if diagram["cycle"]:
        c = np.array(diagram["cycle"])
        blue = COLORS["k"]  # the palette's blue, the lighter one on a dark slide
        ax.fill_between(c[:, 0], c[:, 1], c[:, 2], color=blue, alpha=0.25, lw=0, zorder=1)
        ax.plot(c[:, 0], c[:, 1], color=blue, lw=2.0)
        ax.plot(c[:, 0], c[:, 2], color=blue, lw=2.0)
        mid = len(c) // 2
        ax.text(c[mid, 0], 0.5 * (c[mid, 1] + c[mid, 2]), "oscillation\n(min and max of E)",
                ha="center", va="center", color=blue, fontsize=15)
    for h in hopf:
        ax.axvline(h, color=COLORS["threshold"], lw=2.0, ls=(0, (4, 2)))
        ax.text(h, 0.35, f" Hopf point {h:.3f}\n (trace of J = 0)", color=COLORS["threshold"],
                fontsize=14, ha="left", va="center", transform=ax.get_xaxis_transform())
    if onset is not None:
        ax.plot([onset], [0.02], "^", ms=12, color=COLORS["threshold"],
                transform=ax.get_xaxis_transform())
        ax.text(onset, 0.07, f" onset in simulation {onset:.3f}", color=COLORS["threshold"],
                fontsize=14, ha="left", va="bottom", transform=ax.get_xaxis_transform())
    ax.text(0.02, 0.97, "● stable fixed point   ○ unstable", transform=ax.transAxes,
            fontsize=14, va="top", color=COLORS["v"])
    ax.set_xlabel(parameter_label)
    ax.set_ylabel("E at steady state")
    return ax


def _check_samples(samples, names, func):
    s = np.asarray(samples)
    if s.ndim != 2 or s.shape[1] != len(names):
        raise param_error(func, "samples", f"an (n, {len(names)}) array", samples, TypeError)
    return s


@styled
def posterior_pairs(samples, names, units, *, truth=None, low=None, high=None, fig=None,
                    ax=None):
    """A pair plot of posterior draws: each parameter's marginal on the diagonal, each pair's
    joint density below it, the true value as a line and a cross (where known). The axes
    span the draws (and the truth); ``low``/``high``, the prior's box, are written in the
    empty corner so that the zoom is stated."""
    func = "posterior_pairs"
    s = _check_samples(samples, names, func)
    d = len(names)
    if fig is None:
        fig, axes = new_figure(d, d, size="4:3", sharex=False)
    else:
        axes = np.atleast_2d(fig.subplots(d, d))
    lo, hi = np.percentile(s, 0.5, axis=0), np.percentile(s, 99.5, axis=0)
    if truth is not None:
        lo, hi = np.minimum(lo, truth), np.maximum(hi, truth)
    pad = 0.25 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    units = [pretty_unit(u) for u in units]
    colour = COLORS["k"]  # the palette's blue, the lighter one on a dark slide
    density = LinearSegmentedColormap.from_list("posterior", [COLORS["background"], colour])
    for i in range(d):
        for j in range(d):
            a = axes[i, j]
            if j > i:
                a.axis("off")
                continue
            if i == j:
                a.hist(s[:, i], bins=40, range=(lo[i], hi[i]), color=colour, alpha=0.8)
                a.set_yticks([])
                for side in ("left", "top", "right"):
                    a.spines[side].set_visible(False)
                if truth is not None:
                    a.axvline(truth[i], color=COLORS["excitatory"], lw=2.5)
            else:
                a.hist2d(s[:, j], s[:, i], bins=25, range=[[lo[j], hi[j]], [lo[i], hi[i]]],
                         cmap=density)
                a.yaxis.set_major_locator(MaxNLocator(4))
                if truth is not None:
                    a.plot(truth[j], truth[i], "+", ms=18, mew=3, color=COLORS["excitatory"])
                a.set_ylim(lo[i], hi[i])
            a.set_xlim(lo[j], hi[j])
            a.xaxis.set_major_locator(MaxNLocator(4))
            if i == d - 1:
                a.set_xlabel(f"{_pretty(names[j])} ({units[j]})")
            if j == 0 and i > 0:
                a.set_ylabel(f"{_pretty(names[i])} ({units[i]})")
    lines = []
    if truth is not None:
        lines.append(("— true value", COLORS["excitatory"]))
    if low is not None and high is not None:
        lines.append(("prior (uniform):", COLORS["v"]))
        lines += [(f"{_pretty(n)} {lw:g} to {hg:g} {u}", COLORS["v"])
                  for n, lw, hg, u in zip(names, low, high, units, strict=True)]
    corner = axes[0, d - 1]
    for k, (text, c) in enumerate(lines):
        corner.text(0.1, 0.85 - 0.14 * k, text, color=c, fontsize=15,
                    transform=corner.transAxes)
    return fig


def _pretty(name: str) -> str:
    return {"g_na": "ḡNa", "g_kd": "ḡK", "g_l": "ḡleak", "g_m": "ḡM", "v_t": "V_T",
            "e_l": "E_leak", "tau_max": "τmax", "noise": "σ noise"}.get(name, name)


@styled
def posterior_predictive(t, observed, predictive, *, t_on=None, t_off=None, ax=None):
    """The observed trace with traces simulated from posterior draws over it."""
    if ax is None:
        ax = new_figure()[1][0, 0]
    for k, trace in enumerate(np.atleast_2d(predictive)):
        ax.plot(t, trace, color=OKABE_ITO["sky_blue"], lw=1.5, alpha=0.8,
                label="simulated from the posterior" if k == 0 else None)
    ax.plot(t, observed, color=COLORS["v"], lw=2.0, label="observed")
    top = max(np.max(observed), np.max(predictive))
    ax.set_ylim(top=top + 0.3 * (top - min(np.min(observed), np.min(predictive))))
    if t_on is not None:
        ax.axvspan(t_on, t_off, color=COLORS["shade"], alpha=0.4, lw=0, zorder=0)
        ax.text(t_off, top, " step\n ends", fontsize=14, color=COLORS["muted"], va="top")
    ax.legend(loc="upper center", frameon=False, fontsize=15, ncol=2)
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Membrane potential (mV)")
    return ax


@styled
def coverage(calibration, *, ax=None):
    """Expected coverage: for each credible level, the fraction of held-out simulations
    whose true parameter lies in its posterior's central interval. A calibrated posterior
    follows the diagonal; above it is too wide, below it overconfident."""
    if not hasattr(calibration, "coverage"):
        raise param_error("coverage", "calibration", "a Calibration (inference.calibrate)",
                          calibration, TypeError)
    if ax is None:
        ax = new_figure(size="4:3")[1][0, 0]
    levels = np.linspace(0.05, 0.95, 19)
    cov = calibration.coverage(levels)
    n = len(calibration.truth)
    ax.plot([0, 1], [0, 1], color=COLORS["muted"], lw=1.5, ls=(0, (4, 2)))
    # where 90 % of calibrated posteriors' curves fall with n tests (normal approximation)
    half = 1.645 * np.sqrt(levels * (1 - levels) / n)
    ax.fill_between(levels, levels - half, levels + half, color=COLORS["shade"], lw=0,
                    zorder=0)
    ax.text(0.55, 0.2, f"a calibrated posterior's curve\nfalls in the grey band\n(90 % of "
            f"the time, {n} tests)", fontsize=14, color=COLORS["muted"])
    ax.text(0.03, 0.93, "above the line: intervals too wide", fontsize=14,
            color=COLORS["muted"], va="top")
    colours = (COLORS["excitatory"], COLORS["inhibitory"], OKABE_ITO["green"],
               OKABE_ITO["orange"], OKABE_ITO["purple"])
    for k, name in enumerate(calibration.names):
        c = colours[k % len(colours)]
        ax.plot(levels, cov[:, k], "o-", color=c, lw=2.5, ms=6)
        ax.text(levels[-1] + 0.02, cov[-1, k] - 0.07 * k, _pretty(name), color=c, fontsize=15,
                va="center")
    ax.set_xlim(0, 1.12)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Credible level of the central interval")
    ax.set_ylabel(f"Fraction of {len(calibration.truth)} true values inside")
    return ax
