"""Where the membrane potential comes from: the ion ladder and the rest against external K+."""

from __future__ import annotations

import itertools

import numpy as np

from .._core.validation import param_error
from ._style import COLORS, new_figure

__all__ = ["hodgkin_katz", "ion_ladder", "pump_block", "rest_vs_permeability"]

_IONS = (("K", "K⁺", "k"), ("Na", "Na⁺", "na"), ("Cl", "Cl⁻", "cl"), ("Ca", "Ca²⁺", "ca"))


def _mv(x: float) -> str:
    """A potential as a slide writes it: +67 mV, −89 mV (a true minus sign)."""
    return f"{x:+.0f} mV".replace("-", "−")


def _spread(values, gap):
    """Label heights for ``values``: the values themselves, pushed apart to at least ``gap``
    (upwards from the lowest) so that no two labels overlap."""
    order = np.argsort(values)
    out = np.asarray(values, dtype=float).copy()
    for a, b in itertools.pairwise(order):
        out[b] = max(out[b], out[a] + gap)
    return out


def ion_ladder(sets, *, titles=None, fig=None):
    """Each ion's equilibrium (Nernst) potential and the GHK resting potential on one voltage
    axis, one panel per ion set, side by side.

    Arguments:
        sets: a list of dicts as :func:`neurosim.ions.resting_potentials` returns (ion ->
            mV, and ``"rest"``).
        titles: a title per panel (e.g. "Mammalian neuron, 37 °C").

    Returns:
        The Figure.
    """
    if isinstance(sets, dict):
        sets = [sets]
    for k, pots in enumerate(sets):
        if not isinstance(pots, dict) or "rest" not in pots:
            raise param_error("ion_ladder", f"sets[{k}]", "a dict from neurosim.ions."
                              "resting_potentials", pots, TypeError)
    if fig is None:
        fig, axes = new_figure(1, len(sets), sharex=False, sharey=True)
        axes = axes[0]
    else:
        axes = np.atleast_1d(fig.subplots(1, len(sets), sharey=True))
    for i, (ax, pots) in enumerate(zip(axes, sets, strict=True)):
        ax.axhline(0.0, color=COLORS["grid"], lw=1.0, zorder=0)
        items = [(pots[name], f"E$_{{\\mathrm{{{name}}}}}$ ({label})", COLORS[colour], "-")
                 for name, label, colour in _IONS if name in pots]
        items.append((pots["rest"], "rest (GHK)", COLORS["v"], (0, (4, 2))))
        ys = _spread([item[0] for item in items], 13.0)
        for (e, label, colour, ls), y in zip(items, ys, strict=True):
            ax.plot([0.3, 0.7], [e, e], color=colour, lw=4, ls=ls, solid_capstyle="butt")
            ax.plot([0.7, 0.77], [e, y], color=colour, lw=1.0)
            ax.text(0.79, y, f"{label}  {_mv(e)}", color=colour, fontsize=15, va="center",
                    ha="left", fontweight="bold")
        ax.set_xlim(0.0, 2.0)
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        if titles is not None:
            ax.set_title(titles[i], fontsize=16)
        if i == 0:
            ax.set_ylabel("Membrane potential (mV)")
    return fig


def hodgkin_katz(hk, *, normal_k=None, ax=None):
    """The resting potential against external K+ on a log axis
    (:func:`neurosim.ions.hodgkin_katz`): E_K a straight line of RT/F ln 10 mV per tenfold
    [K]o, the GHK rest following it at high [K]o and bending away at low [K]o, where Na+
    holds it up.

    Arguments:
        hk: the dict :func:`neurosim.ions.hodgkin_katz` returns.
        normal_k: the physiological [K]o (mM) to mark, if any.

    Returns:
        The Axes.
    """
    if not isinstance(hk, dict) or not {"k_out", "rest", "e_k"} <= set(hk):
        raise param_error("hodgkin_katz", "hk", "the dict neurosim.ions.hodgkin_katz returns",
                          hk, TypeError)
    if ax is None:
        ax = new_figure()[1][0, 0]
    k, rest, e_k = (np.asarray(hk[key]) for key in ("k_out", "rest", "e_k"))
    ax.semilogx(k, e_k, color=COLORS["k"], lw=3, ls=(0, (5, 2)))
    ax.semilogx(k, rest, color=COLORS["v"], lw=3)
    slope = float(np.polyfit(np.log10(k), e_k, 1)[0])
    j = int(np.searchsorted(k, np.sqrt(k[0] * k[-1]) / 3))
    ax.annotate(f"E$_\\mathrm{{K}}$ (Nernst): {slope:.0f} mV per tenfold [K⁺]$_o$",
                xy=(k[j], e_k[j]), xytext=(k[j] * 1.6, e_k[j] - 22), color=COLORS["k"],
                fontsize=15, arrowprops={"arrowstyle": "-|>", "color": COLORS["k"], "lw": 1.5})
    i = max(1, int(0.08 * k.size))
    ax.annotate("resting potential (GHK):\nNa⁺ holds it above E$_\\mathrm{K}$ at low [K⁺]$_o$",
                xy=(k[i], rest[i]), xytext=(k[i] * 1.2, rest[i] + 22), color=COLORS["v"],
                fontsize=15, arrowprops={"arrowstyle": "-|>", "color": COLORS["v"], "lw": 1.5})
    if normal_k is not None:
        ax.axvline(normal_k, color=COLORS["muted"], lw=1.5, ls=":")
        ax.text(normal_k * 1.08, ax.get_ylim()[0] + 4, f"normal [K⁺]$_o$\n{normal_k:g} mM",
                color=COLORS["muted"], fontsize=13, va="bottom")
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500) if k[0] <= t <= k[-1] * 1.01]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("External K⁺ concentration (mM, log scale)")
    ax.set_ylabel("Membrane potential (mV)")
    return ax


def rest_vs_permeability(ratio, rest, e_k, e_na, *, ax=None):
    """The GHK resting potential against the Na+ : K+ permeability ratio (log axis), between
    the two equilibrium potentials it moves between.

    Arguments:
        ratio: P_Na / P_K values; rest: the GHK potential at each (mV); e_k, e_na: mV.

    Returns:
        The Axes.
    """
    ratio, rest = np.asarray(ratio, dtype=float), np.asarray(rest, dtype=float)
    if ratio.shape != rest.shape or ratio.ndim != 1 or np.any(ratio <= 0):
        raise param_error("rest_vs_permeability", "ratio", "positive ratios, one per rest",
                          ratio)
    if ax is None:
        ax = new_figure()[1][0, 0]
    ax.axhline(e_na, color=COLORS["na"], lw=3, ls=(0, (5, 2)))
    ax.axhline(e_k, color=COLORS["k"], lw=3, ls=(0, (5, 2)))
    ax.text(ratio[0], e_na + 4, f"E$_\\mathrm{{Na}}$ {_mv(e_na)}", color=COLORS["na"],
            fontsize=15, va="bottom")
    ax.text(ratio[0], e_k - 4, f"E$_\\mathrm{{K}}$ {_mv(e_k)}", color=COLORS["k"],
            fontsize=15, va="top")
    ax.semilogx(ratio, rest, color=COLORS["v"], lw=3)
    ax.text(ratio[0], rest[0] + 22, "membrane potential (GHK)", color=COLORS["v"],
            fontsize=15, ha="left", va="bottom")
    ax.set_ylim(e_k - 25, e_na + 25)
    ax.set_xlabel("Na⁺ : K⁺ permeability ratio (log scale)")
    ax.set_ylabel("Membrane potential (mV)")
    return ax


def _pulse_window(ax, res, t0, width, title, color):
    """V around one test pulse (ms from its start), on a small panel."""
    t, v = res.t, res.trace("v")
    sel = (t >= t0 - 2.0) & (t <= t0 + width)
    ax.plot(t[sel] - t0, v[sel], color=COLORS["v"], lw=2.5)
    ax.set_title(title, fontsize=14, color=color)
    ax.set_xlabel("ms after the test pulse", fontsize=13)
    ax.set_ylim(-85, 55)
    ax.axhline(0.0, color=COLORS["grid"], lw=1, zorder=0)


def pump_block(result, *, block_at, pulse_every=None, pulse_start=None, fig=None):
    """"If the pump stopped": V with E_Na and E_K over minutes after a pump block, the
    concentrations below, and three test pulses close up (before the block: too weak; after:
    a spike; late: none).

    Arguments:
        result: :func:`neurosim.ion_dynamics.simulate_ion_dynamics`'s result.
        block_at: when the pump stopped (ms).
        pulse_every, pulse_start: the test pulses' interval and first time (ms), if any.

    Returns:
        The Figure.
    """
    if getattr(result, "model", None) != "ion_dynamics":
        raise param_error("pump_block", "result", "a result of neurosim.ion_dynamics."
                          "simulate_ion_dynamics", result, TypeError)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(10.0, 7.5))
    grid = fig.add_gridspec(3, 3, height_ratios=(2.4, 1.3, 1.3))
    ax_v = fig.add_subplot(grid[0, :])
    ax_c = fig.add_subplot(grid[1, :], sharex=ax_v)
    t_min = result.t / 60e3
    end = t_min[-1]
    e_na, e_k = result.trace("e_na"), result.trace("e_k")
    ax_v.plot(t_min, result.trace("v"), color=COLORS["v"], lw=1.2)
    ax_v.plot(t_min, e_na, color=COLORS["na"], lw=3)
    ax_v.plot(t_min, e_k, color=COLORS["k"], lw=3)
    for ax in (ax_v, ax_c):
        ax.axvline(block_at / 60e3, color=COLORS["muted"], lw=2, ls=":")
    ax_v.text(block_at / 60e3 + 0.01 * end, 92, "pump blocked (ouabain)", color=COLORS["muted"],
              fontsize=14, va="top")
    j = int(np.searchsorted(t_min, 0.3 * end))
    ax_v.text(t_min[j], e_na[j] + 5, f"E$_\\mathrm{{Na}}$ (from {_mv(e_na[0])})",
              color=COLORS["na"], fontsize=15, va="bottom")
    ax_v.text(t_min[j], e_k[j] - 5, f"E$_\\mathrm{{K}}$ (from {_mv(e_k[0])})",
              color=COLORS["k"], fontsize=15, va="top")
    if abs(e_na[-1] - e_k[-1]) < 3.0:  # run down: say where they met
        ax_v.text(end, e_na[-1] + 6, f"both ≈ {abs(e_na[-1]):.0f} mV", color=COLORS["muted"],
                  fontsize=14, ha="right", va="bottom")
    ax_v.set_ylim(-110, 95)
    ax_v.set_ylabel("mV")
    ax_v.set_title("V runs to where E$_\\mathrm{Na}$ and E$_\\mathrm{K}$ meet",
                   fontsize=15)
    for key, label, colour, at in (("na_in", "[Na⁺] inside", "na", 0.4),
                                   ("k_in", "[K⁺] inside", "k", 0.12),
                                   ("k_out", "[K⁺] outside", "k", 0.12)):
        y = result.trace(key)
        k = int(np.searchsorted(t_min, at * end))
        ax_c.plot(t_min, y, color=COLORS[colour], lw=3,
                  ls="-" if key != "k_out" else (0, (4, 2)))
        ax_c.text(t_min[k], y[k] + 6, label, color=COLORS[colour], fontsize=13, va="bottom")
    ax_c.set_ylim(-5, 175)
    ax_c.set_ylabel("mM")
    ax_c.set_xlabel("Time (minutes)")
    ax_c.set_xlim(0, end)
    if pulse_every is not None:
        pulses = np.arange(pulse_start, result.t[-1], pulse_every)
        spikes = result.spikes()
        fired = np.array([np.any((spikes >= p) & (spikes < p + 20.0)) for p in pulses])
        before = pulses[pulses < block_at]
        after = pulses[(pulses > block_at) & fired]
        late = pulses[(pulses > (spikes[-1] if spikes.size else block_at))]
        picks = [(before[-1] if before.size else None, "too weak", COLORS["muted"]),
                 (after[0] if after.size else None, "a spike", COLORS["na"]),
                 (late[len(late) // 2] if late.size else None, "no spike", COLORS["k"])]
        for col, (p, title, colour) in enumerate(picks):
            ax = fig.add_subplot(grid[2, col])
            if p is None:
                ax.set_axis_off()
                continue
            _pulse_window(ax, result, p, 20.0, f"{p / 60e3:.1f} min: {title}", colour)
            if col == 0:
                ax.set_ylabel("mV")
    return fig
