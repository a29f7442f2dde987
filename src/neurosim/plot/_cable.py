"""Neurons with shape: a spike travelling down an axon, velocity against diameter, saltatory
conduction, and dendritic summation to the axon hillock."""

from __future__ import annotations

import numpy as np

from .._core.validation import param_error
from ..cable import CableResult
from ._style import COLORS, OKABE_ITO, new_figure

__all__ = ["dendritic_summation", "propagation", "saltatory", "velocity_vs_diameter"]


def _cable_result(res, func):
    if not isinstance(res, CableResult):
        raise param_error(func, "result", "a CableResult (neurosim.cable.simulate_cable)", res,
                          TypeError)


def propagation(res, *, velocity=None, n_traces=5, fig=None):
    """A spike travelling down an axon: V over distance and time as an image (top) and the
    traces at ``n_traces`` evenly spaced points, stacked by position (bottom), sharing the
    time axis. ``res`` records along the axon (``record="all"``); ``velocity`` (m/s) is
    written on the image.

    Returns:
        The Figure.
    """
    _cable_result(res, "propagation")
    x_mm = (res.distance - res.distance[0]) / 1000.0
    if fig is None:
        fig, axes = new_figure(2, 1, sharex=True, height_ratios=(1.1, 1.0))
        axes = axes[:, 0]
    else:
        axes = fig.subplots(2, 1, sharex=True)
    img, tr = axes
    mesh = img.pcolormesh(res.t, x_mm, res.v.T, cmap="cividis", shading="auto",
                          vmin=-80.0, vmax=45.0, rasterized=True)
    cbar = fig.colorbar(mesh, ax=axes, pad=0.02, fraction=0.04)
    cbar.set_label("V (mV)")
    img.set_ylabel("Distance (mm)")
    if velocity is not None:
        img.text(0.98, 0.08, f"{velocity:.1f} m/s", transform=img.transAxes, ha="right",
                 color="white", fontsize=18, fontweight="bold")
    cols = np.linspace(0, res.v.shape[1] - 1, n_traces).round().astype(int)
    colours = [OKABE_ITO[c] for c in ("blue", "sky_blue", "green", "orange", "vermillion")]
    step = 30.0
    for k, col in enumerate(cols):
        off = -step * k
        colour = colours[k % len(colours)]
        tr.plot(res.t, res.v[:, col] + off, color=colour, lw=2.2)
        tr.text(res.t[-1], res.v[-1, col] + off + 4, f"{x_mm[col]:.1f} mm", color=colour,
                ha="right", va="bottom", fontsize=14)
    tr.set_yticks([])
    tr.set_ylabel("V, stacked by position")
    tr.set_xlabel("Time (ms)")
    tr.set_xlim(res.t[0], res.t[-1])
    for side in ("top", "right", "left"):
        tr.spines[side].set_visible(False)
    return fig


def velocity_vs_diameter(d_bare, v_bare, d_myelin, v_myelin, *, ax=None):
    """Conduction velocity against axon diameter on log-log axes, unmyelinated and
    myelinated, each labelled with its fitted power law (slopes 1/2 and 1 expected).

    Returns:
        The Axes.
    """
    if ax is None:
        _, axes = new_figure(1, 1)
        ax = axes[0, 0]
    for d, v, label, colour in ((d_bare, v_bare, "unmyelinated", COLORS["na"]),
                                (d_myelin, v_myelin, "myelinated", COLORS["k"])):
        d, v = np.asarray(d, dtype=float), np.asarray(v, dtype=float)
        slope = np.polyfit(np.log(d), np.log(v), 1)[0]
        ax.plot(d, v, "o-", color=colour, lw=2.5, ms=8)
        ax.annotate(f"{label}\nv ∝ d$^{{{slope:.2f}}}$", xy=(d[-1], v[-1]),
                    xytext=(8, 0), textcoords="offset points", color=colour, fontsize=15,
                    va="center", fontweight="bold")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Axon diameter (µm)")
    ax.set_ylabel("Conduction velocity (m/s)")
    lo = min(np.min(d_bare), np.min(d_myelin))
    hi = max(np.max(d_bare), np.max(d_myelin))
    ax.set_xlim(lo / 1.3, hi * 4.0)
    return ax


def saltatory(res, node_distance, *, bare_velocity=None, first_node=10, fig=None):
    """Saltatory conduction along a myelinated axon (``res`` recorded everywhere,
    ``record="all"``): the spike's arrival time at each node of Ranvier against its position
    (left; the time an unmyelinated axon at ``bare_velocity`` m/s would take, for comparison)
    and V at five successive nodes from ``first_node`` (right): the spike jumps node to node.

    Returns:
        The Figure.
    """
    _cable_result(res, "saltatory")
    if fig is None:
        fig, axes = new_figure(1, 2, sharex=False, width_ratios=(1.2, 1.0))
        axes = axes[0]
    else:
        axes = fig.subplots(1, 2)
    lat, tr = axes
    x = (res.distance - res.distance[0]) / 1000.0
    first = np.array([s[0] if s.size else np.nan for s in res.spike_times])
    nodes = np.asarray(node_distance) / 1000.0
    cols = [int(np.argmin(np.abs(x - n))) for n in nodes]
    t_nodes = first[cols]
    lat.step(nodes, t_nodes, where="post", color=COLORS["k"], lw=2.5)
    lat.plot(nodes, t_nodes, "o", color=COLORS["k"], ms=7)
    gap = float(np.nanmedian(np.diff(t_nodes))) * 1000.0
    lat.text(0.04, 0.92, f"myelinated: {gap:.0f} µs per internode", transform=lat.transAxes,
             color=COLORS["k"], fontsize=14, va="top")
    if bare_velocity is not None:
        span = nodes[-1] - nodes[0]
        lat.text(0.04, 0.80, f"unmyelinated, same size:\n{span / bare_velocity:.1f} ms "
                 f"for these {span:.1f} mm", transform=lat.transAxes, color=COLORS["na"],
                 fontsize=14, va="top")
    lat.set_xlabel("Node position (mm)")
    lat.set_ylabel("Spike arrival (ms)")
    colours = [OKABE_ITO[c] for c in ("blue", "sky_blue", "green", "orange", "vermillion")]
    shown = cols[first_node:first_node + 5]
    for k, col in enumerate(shown):
        tr.plot(res.t, res.v[:, col], color=colours[k], lw=2.2)
        peak = int(np.argmax(res.v[:, col]))
        if k in (0, len(shown) - 1):  # the first and the last node shown, named
            tr.text(res.t[peak] + (-0.02 if k == 0 else 0.02), res.v[peak, col] + 3,
                    f"node {first_node + k}", color=colours[k], fontsize=13,
                    ha="right" if k == 0 else "left", va="bottom")
    t_lo = np.nanmin(first[shown]) - 0.15
    tr.set_xlim(t_lo, t_lo + 0.8)
    tr.set_ylim(-80, 70)
    tr.set_title("V at successive nodes", fontsize=15)
    tr.set_xlabel("Time (ms)")
    tr.set_ylabel("Membrane potential (mV)")
    return fig


def dendritic_summation(far, single, spatial, temporal, *, far_site, threshold=None,
                        fig=None):
    """From dendrite to axon in three panels:

    1. one synapse far out on the dendrite: its EPSP where it lands (``far_site``) and what
       is left of it at the soma, smaller and later (``far``, recording both);
    2. summation at the axon hillock: one synapse (``single``) stays below ``threshold``
       (mV); synapses at several sites at once (``spatial``) or one synapse activated in quick
       succession (``temporal``) reach it and fire;
    3. where the spatial summation's spike starts (``spatial`` records dendrite, soma,
       hillock and axon): at the hillock first, then back into the soma and dendrite and on
       down the axon.

    Returns:
        The Figure.
    """
    for r in (far, single, spatial, temporal):
        _cable_result(r, "dendritic_summation")
    if fig is None:
        fig, axes = new_figure(1, 3, sharex=False, sharey=False)
        axes = axes[0]
    else:
        axes = fig.subplots(1, 3)
    a, b, c = axes
    for v, label, colour in ((far.at(far_site), "where it lands", OKABE_ITO["green"]),
                             (far.at("soma"), "at the soma", COLORS["v"])):
        a.plot(far.t, v, color=colour, lw=2.5)
        k = int(np.argmax(v))
        a.text(far.t[k] + 1.5, v[k] + (0.15 if colour == COLORS["v"] else 0.0),
               f"{label}:\n{v[k] - v[0]:.1f} mV", color=colour, fontsize=14, va="center")
    a.set_title("A far synapse's EPSP", fontsize=15)
    a.set_ylabel("Membrane potential (mV)")
    a.set_xlim(0, far.t[-1])
    runs = ((single, COLORS["subthreshold"], None, None),
            (spatial, COLORS["excitatory"], "spatial:\nmany sites\nat once", "right"),
            (temporal, COLORS["k"], "temporal:\none site,\nrepeated", "left"))
    for r, colour, label, side in runs:
        v = r.at("hillock")
        b.plot(r.t, v, color=colour, lw=2.5)
        if label is not None:
            k = int(np.argmax(v))
            dx = -0.8 if side == "right" else 0.8
            b.text(r.t[k] + dx, v[k] - 4.0, label, color=colour, fontsize=13, va="top",
                   ha=side)
    b.text(single.t[0] + 0.5, single.at("hillock")[0] - 8, "1 synapse: below", ha="left",
           color=COLORS["subthreshold"], fontsize=14)
    b.set_ylim(-80, 50)
    b.set_xlim(single.t[0], single.t[-1])
    if threshold is not None:
        for ax in (b, c):
            ax.axhline(threshold, color=COLORS["threshold"], lw=1.5, ls="--")
        b.text(single.t[-1], threshold + 1.5, "threshold", color=COLORS["threshold"],
               fontsize=13, ha="right")
    b.set_title("Summing at the hillock", fontsize=15)
    spike = spatial
    names = {"dendrite": OKABE_ITO["green"], "soma": COLORS["v"],
             "hillock": COLORS["excitatory"], "axon": COLORS["k"]}
    t0 = min(s[0] for s in spike.spike_times if s.size)
    order = sorted(range(len(spike.locations)),
                   key=lambda i: spike.spike_times[i][0] if spike.spike_times[i].size else 1e9)
    for rank, i in enumerate(order):
        loc = spike.locations[i]
        colour = names.get(loc.split("(")[0], COLORS["muted"])
        c.plot(spike.t - t0, spike.v[:, i], color=colour, lw=2.5)
        ts = spike.spike_times[i]
        when = f"+{ts[0] - t0:.2f} ms" if ts.size else "no spike"
        c.text(1.7, 40 - 11 * rank, f"{loc.split('(')[0]} {when}", color=colour,
               fontsize=13)
    c.set_xlim(-1.0, 4.0)
    c.set_ylim(-80, 50)
    c.set_title("Where the spike starts", fontsize=15)
    for ax in axes:
        ax.set_xlabel("Time (ms)")
    return fig
