"""The lecture figure set: where simulation meets plotting.

Each ``fig_*`` function runs its simulation with the parameters in its signature and returns a
matplotlib Figure; change a number and call it again. :func:`render_figure_set` saves them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from . import analysis, stimulus
from ._simulate_hh import simulate_hh
from ._validation import param_error

__all__ = [
    "FIGURE_SET",
    "fig_action_potential",
    "fig_all_or_nothing",
    "fig_currents",
    "fig_fi_hh",
    "fig_fi_hh_vs_lif",
    "fig_gates",
    "fig_izhikevich_gallery",
    "fig_lif_trace",
    "fig_reflex_arc",
    "fig_refractoriness",
    "fig_snn_hidden_raster",
    "fig_snn_vs_ann",
    "fig_song_histogram",
    "fig_song_rates",
    "fig_stdp_pair",
    "fig_stdp_window",
    "pulse_threshold",
    "render_figure_set",
]


def _single_ap(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    return simulate_hh(stimulus.step(amplitude, start, start + width), duration, record="all",
                       dt=0.01)


def fig_action_potential(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    """One action potential after a brief pulse, its phases labelled (the first slide)."""
    from . import plot

    res = _single_ap(amplitude, start, width, duration)
    with plot.lecture_style():
        ax = plot.membrane(res, annotate=True)
        ax.set_title("The action potential (Hodgkin–Huxley squid axon, 6.3 °C)")
    return ax.figure


def _ap_panel_figure(draw: str, title: str, amplitude, start, width, duration):
    """The single action potential drawn by ``plot.<draw>`` under V, titled on top."""
    from . import plot

    res = _single_ap(amplitude, start, width, duration)
    with plot.lecture_style():
        ax = getattr(plot, draw)(res)
        ax.figure.axes[0].set_title(title)
    return ax.figure


def fig_gates(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    """The gates behind the spike: m opens fast, h closes and n opens slowly."""
    return _ap_panel_figure("gates", "Gates: m opens fast, h closes and n opens slowly",
                            amplitude, start, width, duration)


def fig_currents(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    """Na⁺ flows in first (depolarisation), K⁺ flows out later (repolarisation)."""
    return _ap_panel_figure("currents", "Currents: Na⁺ in first, then K⁺ out", amplitude,
                            start, width, duration)


def _pulse_drive(duration, dt, onsets, width, amplitudes) -> np.ndarray:
    """A (steps, neurons) drive: neuron k gets a pulse of ``amplitudes[k]`` at each time in
    ``onsets[k]`` (ms), each ``width`` ms long."""
    nsteps = round(duration / dt)
    drive = np.zeros((nsteps, len(amplitudes)))
    for k, (times, amp) in enumerate(zip(onsets, amplitudes, strict=True)):
        for on in times:
            drive[:, k] += stimulus.step(amp, on, on + width).sample(dt, nsteps)
    return drive


def pulse_threshold(width=1.0, start=2.0, duration=15.0, *, lo=0.0, hi=50.0, tol=1e-3,
                    params=None) -> float:
    """The smallest pulse amplitude (uA/cm^2) of ``width`` ms that fires a spike, by bisection.

    Each round runs 16 amplitudes as one population, so 4 rounds narrow the bracket 17^4-fold.
    """
    shape = _pulse_drive(duration, 0.025, [[start]], width, [1.0])
    for _ in range(12):
        amps = np.linspace(lo, hi, 18)[1:-1]
        res = simulate_hh(shape * amps[None, :], duration, params=params,
                          record=("spikes",))
        fired = np.asarray(res.spike_counts) > 0
        if not fired.any():
            lo = amps[-1]
        elif fired.all():
            hi = amps[0]
        else:
            k = int(np.flatnonzero(fired)[0])
            lo, hi = amps[k - 1], amps[k]
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


def fig_all_or_nothing(width=1.0, start=2.0, duration=15.0, factors=(0.7, 0.9, 0.98, 1.02, 1.2)):
    """Pulses just below and just above threshold: nothing, or a whole spike."""
    from . import plot

    i_th = pulse_threshold(width, start, duration)
    amps = i_th * np.asarray(factors)
    drive = _pulse_drive(duration, 0.01, [[start]] * amps.size, width, amps)
    res = simulate_hh(drive, duration, dt=0.01)
    with plot.lecture_style():
        ax = plot.all_or_nothing(res, amps, threshold_amplitude=i_th)
    return ax.figure


def fig_refractoriness(amplitude=80.0, width=0.5, first=2.0, intervals=(16.0, 8.0, 6.0, 3.0),
                       duration=25.0):
    """The same pair of pulses at shrinking intervals: the second spike shrinks, then fails."""
    from . import plot

    ivs = np.asarray(intervals, dtype=float)
    drive = _pulse_drive(duration, 0.01, [[first, first + iv] for iv in ivs], width,
                         [amplitude] * ivs.size)
    res = simulate_hh(drive, duration, dt=0.01)
    with plot.lecture_style():
        axes = plot.refractoriness(res, ivs)
    return axes[0].figure


def fig_fi_hh(currents=None, duration=1000.0, transient=200.0):
    """Hodgkin-Huxley f-I curve: silent, then a jump to about 50 Hz (a type II neuron)."""
    from . import plot

    if currents is None:
        currents = np.concatenate([np.arange(0.0, 6.0, 0.5), np.arange(6.0, 7.0, 0.05),
                                   np.arange(7.0, 30.01, 1.0)])
    curve = analysis.fi_curve("hodgkin_huxley", currents, duration=duration, transient=transient)
    with plot.lecture_style():
        ax = plot.fi_curve(curve, labels=["Hodgkin–Huxley"])
        ax.set_title("Hodgkin–Huxley f–I curve: a type II neuron")
    return ax.figure


def fig_lif_trace(amplitude=2.0, start=30.0, stop=110.0, duration=130.0):
    """A LIF neuron under a step: charge, threshold, reset and the refractory period."""
    from . import plot
    from ._simulate_point import simulate_lif

    res = simulate_lif(stimulus.step(amplitude, start, stop), duration, dt=0.05)
    with plot.lecture_style():
        ax = plot.membrane(res)
        ax.set_title("Leaky integrate-and-fire: integrate, fire, reset, wait")
    return ax.figure


def fig_fi_hh_vs_lif(hh_currents=None, lif_currents=None, duration=1000.0, transient=200.0):
    """Type II (Hodgkin-Huxley: a jump to ~50 Hz) beside type I (LIF: from 0 Hz up)."""
    from . import plot

    if hh_currents is None:
        hh_currents = np.concatenate([np.arange(0.0, 6.0, 0.5), np.arange(6.0, 7.0, 0.05),
                                      np.arange(7.0, 20.01, 1.0)])
    if lif_currents is None:
        lif_currents = np.concatenate([np.arange(0.0, 1.5, 0.1), np.arange(1.5, 1.6, 0.005),
                                       np.arange(1.6, 3.01, 0.1)])
    hh = analysis.fi_curve("hodgkin_huxley", hh_currents, duration=duration,
                           transient=transient)
    lif = analysis.fi_curve("lif", lif_currents, duration=duration, transient=transient)
    with plot.lecture_style():
        fig, axes = plot.new_figure(1, 2, sharex=False, sharey=True)
        plot.fi_curve(hh, ax=axes[0, 0], labels=False)
        plot.fi_curve(lif, ax=axes[0, 1], labels=False, colors=[plot.COLORS["na"]])
        axes[0, 0].set_title("Hodgkin–Huxley: type II")
        axes[0, 1].set_title("LIF: type I", color=plot.COLORS["na"])
        axes[0, 1].set_ylabel("")
    return fig


IZHIKEVICH_INPUTS = {
    # pattern -> (current, onset ms): the step inputs of Izhikevich (2003), Fig. 2
    "regular_spiking": (10.0, 10.0),
    "intrinsically_bursting": (10.0, 10.0),
    "chattering": (10.0, 10.0),
    "fast_spiking": (10.0, 10.0),
    "thalamo_cortical": (2.0, 10.0),
    "resonator": (0.45, 10.0),
    "low_threshold_spiking": (10.0, 10.0),
}


def fig_izhikevich_gallery(duration=200.0):
    """The Izhikevich (2003) firing patterns, each under a step of current."""
    from . import plot
    from ._simulate_point import simulate_izhikevich

    results = {}
    for name, (amp, onset) in IZHIKEVICH_INPUTS.items():
        results[name] = simulate_izhikevich(stimulus.step(amp, onset), duration, pattern=name,
                                            dt=0.05)
    with plot.lecture_style():
        axes = plot.firing_patterns(results)
        axes[0].figure.suptitle("Izhikevich (2003): one equation, seven firing patterns",
                                fontsize=18)
    return axes[0].figure


def fig_reflex_arc(temperature=50.0, onset=20.0, heat_duration=200.0, duration=400.0):
    """The withdrawal reflex: every stage's latency, the muscle force, and 'ouch' felt later."""
    from . import plot
    from .networks import build_reflex_arc

    res = build_reflex_arc().run(stimulus.heat(temperature, onset, heat_duration), duration)
    with plot.lecture_style():
        axes = plot.reflex_arc(res)
    return axes[0].figure


def fig_stdp_window(rule="stdp_pair_song_2000"):
    """The STDP window from the pairing protocol, its fit, and Bi & Poo's shape."""
    from . import plot
    from .plasticity import stdp_window

    win = stdp_window(rule)
    with plot.lecture_style():
        ax = plot.stdp_window(win)
        ax.set_title("STDP: the order of two spikes decides the sign of the change")
    return ax.figure


def fig_stdp_pair(lag=5.0, n_pairings=60):
    """A fires just before B, once a second: A->B strengthens, B->A weakens."""
    from . import plot
    from .plasticity import reciprocal_pair

    res = reciprocal_pair(lag, n_pairings)
    with plot.lecture_style():
        ax = plot.weight_traces(res)
        ax.set_title(f"A fires {lag:g} ms before B, once a second")
    return ax.figure


def fig_song_histogram(duration=100.0, seed=0):
    """Song, Miller & Abbott (2000): competition pushes the weights to 0 and to w_max."""
    from . import plot
    from .plasticity import song_abbott_2000

    res = song_abbott_2000(duration, seed=seed)
    with plot.lecture_style():
        ax = plot.weight_histogram(res)
        ax.set_title("1,000 inputs, one neuron, additive STDP: synapses compete")
    return ax.figure


def fig_song_rates(input_rates=(15.0, 20.0, 25.0, 30.0), duration=100.0, seed=0):
    """After learning, the output rate barely follows the input rate: STDP regulates it."""
    from . import plot
    from .catalog import load_model
    from .plasticity import song_abbott_2000

    out = [song_abbott_2000(duration, input_rate=r, seed=seed, n_snapshots=2).output_rate
           for r in input_rates]
    frozen_rule = load_model("stdp_pair_song_2000").replace(a_plus=1e-12, a_minus=-1e-12)
    frozen = [song_abbott_2000(duration, input_rate=r, seed=seed, n_snapshots=2,
                               rule=frozen_rule).output_rate for r in input_rates]
    with plot.lecture_style():
        ax = plot.rate_regulation(input_rates, out, frozen)
        ax.set_title("STDP keeps the output rate steady")
    return ax.figure


def fig_snn_vs_ann():
    """SNN against its ANN twin on the digits, from the saved report (no torch, no training):
    accuracy per epoch, accuracy against time steps, energy per sample."""
    from . import plot
    from .snn_report import load_saved_comparison

    saved = load_saved_comparison()
    with plot.lecture_style():
        axes = plot.comparison(saved.report)
        axes[0].figure.suptitle("Spiking network vs ReLU twin (64-128-10, digits)", fontsize=18)
    return axes[0].figure


def fig_snn_hidden_raster(sample=0):
    """The trained SNN's hidden layer answering one test digit, run in neurosim's own numpy
    LIF from the saved weights."""
    from . import plot
    from .snn_report import load_saved_comparison, run_discrete_lif

    saved = load_saved_comparison()
    x = saved.test_x[sample:sample + 1]
    spikes = run_discrete_lif(saved.weights, saved.biases, saved.beta, saved.threshold,
                              saved.num_steps, x)
    guess = int(spikes[-1].sum(axis=0)[0].argmax())
    with plot.lecture_style():
        ax = plot.hidden_raster(spikes[0][:, 0, :], label=f"Hidden layer for a "
                                f"{int(saved.test_y[sample])}: the network answers {guess}")
    return ax.figure


FIGURE_SET: dict[str, Callable] = {
    "01_action_potential": fig_action_potential,
    "02_gates": fig_gates,
    "03_currents": fig_currents,
    "04_all_or_nothing": fig_all_or_nothing,
    "05_refractoriness": fig_refractoriness,
    "06_fi_curve_hh": fig_fi_hh,
    "07_lif_trace": fig_lif_trace,
    "08_fi_hh_vs_lif": fig_fi_hh_vs_lif,
    "09_izhikevich_gallery": fig_izhikevich_gallery,
    "10_reflex_arc": fig_reflex_arc,
    "11_stdp_window": fig_stdp_window,
    "12_stdp_pair": fig_stdp_pair,
    "13_stdp_song_histogram": fig_song_histogram,
    "14_stdp_song_rates": fig_song_rates,
    "15_snn_vs_ann": fig_snn_vs_ann,
    "16_snn_hidden_raster": fig_snn_hidden_raster,
}

FORMATS = ("png", "pdf", "svg")


def tutorial_session(doc: str, number: str, argv=None):
    """The command line every tutorial shares: ``--quick`` and ``--out`` (default
    ``tutorial-output/NN``). Returns (args, save) where ``save(fig, name)`` writes
    ``name.png`` into the folder, says so and closes the figure."""
    import argparse

    import matplotlib.pyplot as plt

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, for the tests")
    parser.add_argument("--out", type=Path, default=Path(f"tutorial-output/{number}"),
                        help="folder for the figures")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    def save(fig, name):
        path = save_figure(fig, args.out / f"{name}.png")
        print(f"   -> saved {path}")
        plt.close(fig)

    return args, save


def save_figure(fig, path: Path, *, transparent=False) -> Path:
    """Save reproducibly: no timestamps in PDF/SVG, 200 dpi PNG."""
    fmt = path.suffix.lstrip(".")
    metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "svg": {"Date": None}}.get(fmt)
    import matplotlib as mpl

    with mpl.rc_context({"svg.hashsalt": "neurosim"}):  # stable SVG ids
        fig.savefig(path, transparent=transparent, metadata=metadata)
    return path


def render_figure_set(out, formats: Iterable[str] = ("png",), *, transparent=False,
                      only: Iterable[str] | None = None, progress=True) -> list[Path]:
    """Render every figure of the lecture set into the folder ``out``.

    Arguments:
        out: output folder (created).
        formats: any of png, pdf, svg.
        transparent: transparent background (for dark slide themes).
        only: names from :data:`FIGURE_SET` to render (default all).
        progress: show a progress bar.

    Returns:
        The paths written.
    """
    import matplotlib.pyplot as plt

    formats = [f.strip().lower() for f in formats]
    for f in formats:
        if f not in FORMATS:
            raise param_error("render_figure_set", "formats", f"a list from {', '.join(FORMATS)}",
                              f)
    names = list(FIGURE_SET) if only is None else list(only)
    for n in names:
        if n not in FIGURE_SET:
            raise param_error("render_figure_set", "only", f"names from {', '.join(FIGURE_SET)}",
                              n)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    iterator = names
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(names, desc="figures", unit="fig")
    for name in iterator:
        fig = FIGURE_SET[name]()
        try:
            for fmt in formats:
                written.append(save_figure(fig, out / f"{name}.{fmt}", transparent=transparent))
        finally:
            plt.close(fig)
    return written
