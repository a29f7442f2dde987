"""The lecture's computing units: McCulloch-Pitts diagrams, the perceptron learning, XOR by two
layers, Hopfield recall and capacity."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, Wedge

from .._core.validation import param_error
from ..classic import TARGETS, TWO_INPUTS
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["hopfield_capacity", "hopfield_recall", "mp_gates", "mp_unit", "perceptron_learning",
           "xor_mlp"]


def _row(fig, n: int):
    """(figure, n axes side by side): a new slide figure, or ``fig``'s own."""
    if fig is None:
        fig, axes = new_figure(1, n, sharex=False)
        return fig, axes[0]
    return fig, np.atleast_1d(fig.subplots(1, n))


def mp_unit(ax, xy, threshold, *, excitatory=(), inhibitory=(), radius=0.35,
            output=None, fontsize=16):
    """Draw a McCulloch-Pitts unit as Rojas draws it: a circle, its threshold written in the
    left half, the right half filled; excitatory inputs as plain lines from the left,
    inhibitory ones ending in a small open circle on the unit. ``excitatory`` and
    ``inhibitory`` are (label, (x, y)) pairs: where each input line starts. ``output``: the
    (x, y) the output line runs to. Returns the point where the output line leaves."""
    x, y = xy
    ink = COLORS["text"]
    ax.add_patch(Wedge((x, y), radius, -90, 90, facecolor=ink, edgecolor=ink, lw=2))
    ax.add_patch(Wedge((x, y), radius, 90, 270, facecolor=COLORS["background"],
                       edgecolor=ink, lw=2))
    ax.text(x - radius * 0.5, y, f"{threshold:g}", ha="center", va="center",
            fontsize=fontsize, color=ink)
    for label, (sx, sy), inhib in [(lb, p, False) for lb, p in excitatory] + \
            [(lb, p, True) for lb, p in inhibitory]:
        d = np.array([x - sx, y - sy], dtype=float)
        d /= np.hypot(*d)
        small = radius * 0.22
        end = np.array([x, y]) - d * (radius + (2 * small if inhib else 0.0))
        ax.plot([sx, end[0]], [sy, end[1]], color=ink, lw=2)
        if inhib:
            ax.add_patch(Circle(end + d * small, small, facecolor=COLORS["background"],
                                edgecolor=ink, lw=2))
        if label:
            ax.text(sx - 0.08, sy, label, ha="right", va="center", fontsize=fontsize,
                    color=ink)
    out = (x + radius, y)
    if output is not None:
        ax.annotate("", xy=output, xytext=out,
                    arrowprops={"arrowstyle": "-|>", "color": ink, "lw": 2})
    return out


def mp_gates(gates, *, fig=None):
    """McCulloch-Pitts gates side by side, each drawn as its units (Rojas's diagram) above its
    truth table. ``gates``: :class:`neurosim.classic.MPNetwork` objects (one or two units
    each).

    Returns:
        The Figure.
    """
    if fig is None and len(gates) == 4:  # two by two: the diagrams and tables read larger
        fig, axes = new_figure(2, 2, sharex=False)
        axes = axes.ravel()
    else:
        fig, axes = _row(fig, len(gates))
    for ax, g in zip(axes, gates, strict=True):
        if len(g.units) > 2:
            raise param_error("mp_gates", "gates", "gates of one or two units", g.name)
        n = len(g.inputs)
        ys = np.linspace(2.6, 3.6, n) if n > 1 else np.array([3.1])
        points = {name: (0.0, yy) for name, yy in zip(g.inputs, ys, strict=True)}
        labels = {name: name for name in g.inputs}
        x = 1.1
        for k, u in enumerate(g.units):
            last = k == len(g.units) - 1
            out = mp_unit(ax, (x, 3.1), u.threshold,
                          excitatory=[(labels.get(s, ""), points[s]) for s in u.excitatory],
                          inhibitory=[(labels.get(s, ""), points[s]) for s in u.inhibitory],
                          output=(x + 0.8, 3.1) if last else None)
            points[u.name] = out
            labels[u.name] = ""
            x += 1.0
        rows, outs = g.truth_table()
        header = "  ".join(g.inputs) + "  │ out"
        lines = [header, "─" * len(header)]
        lines += ["   ".join(str(v) for v in r) + "   │  " + str(o)
                  for r, o in zip(rows, outs, strict=True)]
        ax.text(3.3, 3.1, "\n".join(lines), ha="left", va="center", fontsize=15,
                family="monospace", color=COLORS["text"])
        ax.set_title(g.name.replace("2-input ", ""), fontsize=16)
        ax.set_xlim(-0.6, 6.2)
        ax.set_ylim(1.7, 4.5)
        ax.set_aspect("equal")
        ax.axis("off")
    return fig


def _boundary(ax, w, b, lim, **kw):
    """The line w.x + b = 0 across the square [lim]^2."""
    xs = np.linspace(*lim, 2)
    if abs(w[1]) > 1e-12:
        ax.plot(xs, -(w[0] * xs + b) / w[1], **kw)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-b / w[0], **kw)


def _points(ax, X, t):
    for cls, marker, colour in ((0, "o", COLORS["inhibitory"]), (1, "s", COLORS["excitatory"])):
        sel = t == cls
        ax.scatter(X[sel, 0], X[sel, 1], s=220, marker=marker, color=colour, zorder=5,
                   edgecolor=COLORS["text"], linewidth=1.5)


def perceptron_learning(panels, *, fig=None):
    """The perceptron's boundary after every epoch (light to dark) over the four points of a
    gate, one panel per (title, run, X, t, best) in ``panels`` (``best``: the best share of
    points any straight line gets right); circles are 0, squares 1. The last boundary is drawn
    bold, with the region it calls 1 shaded.

    Returns:
        The Figure.
    """
    fig, axes = _row(fig, len(panels))
    lim = (-0.5, 1.5)
    g = np.linspace(*lim, 201)
    gx, gy = np.meshgrid(g, g)
    for ax, (title, run, X, t, best) in zip(axes, panels, strict=True):
        n = len(run.bias)
        w, b = run.weights[-1], run.bias[-1]
        ax.contourf(gx, gy, (w[0] * gx + w[1] * gy + b >= 0).astype(float), levels=[0.5, 1.5],
                    colors=[COLORS["shade"]])
        for k in range(1, n):
            _boundary(ax, run.weights[k], run.bias[k], lim, color=COLORS["k"],
                      alpha=0.3 + 0.7 * k / max(n - 1, 1), lw=1.5 if k < n - 1 else 3.5)
        _points(ax, X, t)
        _square(ax, lim)
        verdict = (f"learnt in {n - 1} epochs" if run.converged else
                   f"never all 4: a line gets {best * 4:.0f} at best")
        ax.set_title(f"{title}: {verdict}", fontsize=15)
    return fig


def _square(ax, lim):
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


def xor_mlp(hand, trained, *, fig=None):
    """XOR by two layers: for the hand-set Heaviside MLP (left) and the trained sigmoid MLP
    (right), each hidden unit's boundary (its half-plane) and the output unit's region, the
    intersection where XOR is 1, over the four points.

    Returns:
        The Figure.
    """
    fig, axes = _row(fig, 2)

    lim = (-0.5, 1.5)
    g = np.linspace(*lim, 301)
    gx, gy = np.meshgrid(g, g)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    colours = (OKABE_ITO["orange"], OKABE_ITO["green"])
    for ax, mlp, title, names in ((axes[0], hand, "Hand-set: OR and NAND, then AND",
                                   ("OR", "NAND")),
                                  (axes[1], trained, "Trained (sigmoid, backprop)",
                                   ("h₁", "h₂"))):
        out = mlp.predict(grid).reshape(gx.shape)
        ax.contourf(gx, gy, out, levels=[0.5, 1.5], colors=[COLORS["shade"]])
        W, b = mlp.weights[0], mlp.biases[0]
        for k in range(W.shape[1]):
            _boundary(ax, W[:, k], b[k], lim, color=colours[k % 2], lw=3)
            # the unit's name where its line leaves the top or the right of the square
            xs = np.linspace(*lim, 400)
            ys = -(W[0, k] * xs + b[k]) / W[1, k] if abs(W[1, k]) > 1e-12 else xs * np.nan
            inside = np.flatnonzero((ys > lim[0]) & (ys < lim[1]))
            if inside.size:
                # three quarters along the visible line, nudged off it along its normal
                j = inside[(3 * inside.size) // 4]
                nrm = W[:, k] / np.hypot(*W[:, k])
                ax.text(xs[j] - 0.09 * nrm[0], ys[j] - 0.09 * nrm[1], names[k % 2],
                        color=colours[k % 2], fontsize=14, ha="center", va="center",
                        fontweight="bold")
        _points(ax, TWO_INPUTS, TARGETS["XOR"])
        _square(ax, lim)
        ax.set_title(title, fontsize=15)
    axes[0].text(0.55, 0.55, "XOR = 1", ha="center", va="center", fontsize=14,
                 color=COLORS["text"], rotation=-45)
    return fig


def hopfield_recall(run, shape, *, snapshots=(0, 0.25, 0.5, 1.0), fig=None):
    """A Hopfield network recalling a pattern: the state at ``snapshots`` (fractions of the
    run, the probe first) as images of ``shape``, and the energy falling with each update
    underneath. ``run`` is a :class:`neurosim.classic.RecallRun` recorded per update.

    Returns:
        The Figure.
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(10.0, 5.625))
    grid = fig.add_gridspec(2, len(snapshots), height_ratios=(1.2, 1.0))
    n = len(run.states) - 1
    steps = [round(f * n) for f in snapshots]
    for k, step in enumerate(steps):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(run.states[step].reshape(shape), cmap="Greys", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("noisy probe" if step == 0 else f"after {step} updates", fontsize=14)
    ax = fig.add_subplot(grid[1, :])
    ax.plot(np.arange(n + 1), run.energies, color=COLORS["v"], lw=2.5)
    for step in steps:
        ax.axvline(step, color=COLORS["grid"], lw=1.0, ls=":")
    ax.set_xlabel("Single-unit updates")
    ax.set_ylabel("Energy")
    ax.set_xlim(0, n)
    return fig


def hopfield_capacity(curves: dict, *, critical=0.138, ax=None):
    """Recall against load alpha = m / N for several network sizes (``curves``: N -> the dict
    of :func:`neurosim.classic.capacity_curve`): the mean overlap of each stored pattern's
    fixed point with it, the critical load 0.138 marked.

    Returns:
        The Axes.
    """
    if ax is None:
        _, axes = new_figure(1, 1)
        ax = axes[0, 0]
    colours = [OKABE_ITO[c] for c in ("sky_blue", "blue", "vermillion", "orange")]
    for (n, curve), colour in zip(sorted(curves.items()), colours, strict=False):
        ax.plot(curve["loads"], curve["overlap"], "o-", color=colour, lw=2.5, ms=5)
        ax.text(curve["loads"][-1] + 0.004, curve["overlap"][-1], f"N = {n}", color=colour,
                fontsize=14, va="center")
    ax.axvline(critical, color=COLORS["threshold"], lw=2, ls="--")
    ax.text(critical - 0.004, 0.42, "0.138 N\n(Amit et al.\n1985)", color=COLORS["threshold"],
            fontsize=14, ha="right", va="bottom")
    ax.set_xlabel("Load m / N (patterns per unit)")
    ax.set_ylabel("Overlap of recall with pattern")
    ax.set_ylim(0.4, 1.02)
    ax.set_xlim(curves[min(curves)]["loads"][0] - 0.01,
                curves[min(curves)]["loads"][-1] + 0.05)
    return ax
