"""The lecture figure set: where simulation meets plotting.

Each ``fig_*`` function runs its simulation with the parameters in its signature and returns a
matplotlib Figure; change a number and call it again. :func:`render_figure_set` saves them all.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

from . import analysis, cable, classic, dynamics, morphology, plot, stimulus
from ._core.resources import limits
from ._core.validation import as_choice, as_float, param_error
from ._simulate import simulate, simulate_hh, simulate_izhikevich, simulate_lif
from ._single.hh import hh_rate_functions
from .catalog import load_model
from .inference import load_inference_report
from .ion_dynamics import simulate_ion_dynamics
from .ions import hodgkin_katz, load_ion_set, resting_potentials
from .network import load_network
from .phase import load_brunel_phase
from .plasticity import reciprocal_pair, song_abbott_2000, stdp_window
from .reflex import run_reflex_arc
from .snn_report import load_comparison, load_recurrent_comparison, run_discrete_lif

__all__ = [
    "FIGURE_SET",
    "brunel_state_runs",
    "conduction_velocities",
    "fig_action_potential",
    "fig_all_or_nothing",
    "fig_axon_propagation",
    "fig_brunel_phase",
    "fig_brunel_states",
    "fig_coba_raster",
    "fig_currents",
    "fig_dendritic_summation",
    "fig_fi_hh",
    "fig_fi_hh_vs_lif",
    "fig_fitzhugh_nagumo",
    "fig_gates",
    "fig_hh_inference_calibration",
    "fig_hh_inference_posterior",
    "fig_hh_inference_predictive",
    "fig_hopfield_capacity",
    "fig_hopfield_recall",
    "fig_izhikevich_gallery",
    "fig_lif_trace",
    "fig_mammalian_action_potential",
    "fig_mp_gates",
    "fig_perceptron",
    "fig_pump_block",
    "fig_recurrent_snn_vs_lstm",
    "fig_reflex_arc",
    "fig_refractoriness",
    "fig_saltatory",
    "fig_snn_hidden_raster",
    "fig_snn_spikes_per_layer",
    "fig_snn_training_loss",
    "fig_snn_vs_ann",
    "fig_song_histogram",
    "fig_song_rates",
    "fig_stdp_pair",
    "fig_stdp_window",
    "fig_velocity_vs_diameter",
    "fig_wilson_cowan_bifurcation",
    "fig_wilson_cowan_oscillator",
    "fig_wilson_cowan_phase_plane",
    "fig_xor_mlp",
    "hopfield_capacity_curves",
    "render_figure_set",
    "summation_cell",
]


def _single_ap(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    return simulate_hh(stimulus.step(amplitude, start, start + width), duration, record="all",
                       dt=0.01)


def fig_action_potential(amplitude=15.0, start=5.0, width=1.0, duration=25.0):
    """One action potential after a brief pulse, its phases labelled (the first slide)."""
    res = _single_ap(amplitude, start, width, duration)
    with plot.lecture_style():
        ax = plot.membrane(res, annotate=True)
        ax.set_title("The action potential (Hodgkin–Huxley squid axon, 6.3 °C)")
    return ax.figure


def _ap_panel_figure(draw: str, title: str, amplitude, start, width, duration):
    """The single action potential drawn by ``plot.<draw>`` under V, titled on top."""
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


def fig_all_or_nothing(width=1.0, start=2.0, duration=15.0, factors=(0.7, 0.9, 0.98, 1.02, 1.2)):
    """Pulses just below and just above threshold: nothing, or a whole spike."""
    i_th = analysis.pulse_threshold(width, start=start, duration=duration)
    amps = i_th * np.asarray(factors)
    drive = _pulse_drive(duration, 0.01, [[start]] * amps.size, width, amps)
    res = simulate_hh(drive, duration, dt=0.01)
    with plot.lecture_style():
        ax = plot.all_or_nothing(res, amps, threshold_amplitude=i_th)
    return ax.figure


def fig_refractoriness(amplitude=80.0, width=0.5, first=2.0, intervals=(16.0, 8.0, 6.0, 3.0),
                       duration=25.0):
    """The same pair of pulses at shrinking intervals: the second spike shrinks, then fails;
    the absolute and relative refractory periods, measured on the model
    (:func:`neurosim.analysis.refractory_periods`), shaded and named."""
    ivs = np.asarray(intervals, dtype=float)
    drive = _pulse_drive(duration, 0.01, [[first, first + iv] for iv in ivs], width,
                         [amplitude] * ivs.size)
    res = simulate_hh(drive, duration, dt=0.01)
    periods = analysis.refractory_periods(width=width)
    with plot.lecture_style():
        axes = plot.refractoriness(res, ivs, periods=periods, first_pulse_t=first)
    return axes[0].figure


def fig_fi_hh(currents=None, duration=1000.0, transient=200.0):
    """Hodgkin-Huxley f-I curve: silent, then a jump to about 50 Hz (a type II neuron)."""
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
    res = simulate_lif(stimulus.step(amplitude, start, stop), duration, dt=0.05)
    with plot.lecture_style():
        ax = plot.membrane(res)
        ax.set_title("Leaky integrate-and-fire: integrate, fire, reset, wait")
    return ax.figure


def fig_fi_hh_vs_lif(hh_currents=None, lif_currents=None, duration=1000.0, transient=200.0):
    """Type II (Hodgkin-Huxley: a jump to ~50 Hz) beside type I (LIF: from 0 Hz up)."""
    if hh_currents is None:
        hh_currents = np.concatenate([np.arange(0.0, 6.0, 0.5), np.arange(6.0, 7.0, 0.05),
                                      np.arange(7.0, 20.01, 1.0)])
    if lif_currents is None:
        # geometric steps above the rheobase (1.5 nA): the rate rises continuously from 0
        lif_currents = np.concatenate([np.arange(0.0, 1.5, 0.1), [1.5],
                                       1.5 + np.geomspace(1e-6, 0.1, 14),
                                       np.arange(1.7, 3.01, 0.1)])
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
    "low_threshold_spiking": (10.0, 10.0),
}
# the resonator under a step fires tonically like any other neuron; what makes it a resonator
# is its damped subthreshold oscillation (period 2 pi / Im(lambda) = 41 ms for a = 0.1,
# b = 0.26 at rest): a pair of pulses one period apart adds up and fires, a pair half a period
# apart cancels. Izhikevich (2004, Fig. 1R)'s protocol: 4-ms pulses of 0.65 mV/ms, 20 ms
# apart, then 40 ms apart (separated so that the first pair's ringing has died out)
RESONATOR_PAIRS = {"amplitude": 0.65, "width": 4.0, "onsets": (10.0, 30.0, 120.0, 160.0)}
GALLERY_TITLES = {"thalamo_cortical": "Thalamo-cortical", "resonator": "Resonator, pulse pairs"}


def resonator_pairs_run(duration=200.0):
    """The resonator under :data:`RESONATOR_PAIRS` (dt 0.05 ms): silent after the pair 20 ms
    apart, a spike after the pair 40 ms apart."""
    pairs = RESONATOR_PAIRS
    drive = _pulse_drive(duration, 0.05, [pairs["onsets"]], pairs["width"],
                         [pairs["amplitude"]])
    return simulate_izhikevich(drive, duration, pattern="resonator", dt=0.05)


def fig_izhikevich_gallery(duration=200.0):
    """The Izhikevich (2003) firing patterns, each under a step of current, and the resonator
    under pairs of pulses: silent when they come 20 ms apart, firing when 40 ms apart (about
    the period of its subthreshold ringing)."""
    results = {}
    for name, (amp, onset) in IZHIKEVICH_INPUTS.items():
        # each neuron starts at rest (the registry's initial state), the step comes at onset
        results[name] = simulate_izhikevich(stimulus.step(amp, onset), duration, pattern=name,
                                            dt=0.05)
    pairs = RESONATOR_PAIRS
    results["resonator"] = resonator_pairs_run(duration)
    order = [*list(IZHIKEVICH_INPUTS)[:5], "resonator", "low_threshold_spiking"]
    results = {name: results[name] for name in order}
    with plot.lecture_style():
        axes = plot.firing_patterns(results, titles=GALLERY_TITLES)
        ax = axes[order.index("resonator")]
        t0, t1, t2, t3 = pairs["onsets"]
        ax.text(t0 - 5, -25, f"{t1 - t0:g} ms apart: silent", ha="left", va="center",
                fontsize=14, color=plot.COLORS["muted"])
        ax.text(t3 + 8, 12, f"{t3 - t2:g} ms apart: spike", ha="right", va="center",
                fontsize=14, color=plot.COLORS["muted"])
        axes[0].figure.suptitle("Izhikevich (2003): one equation, seven firing patterns",
                                fontsize=18)
    return axes[0].figure


def fig_reflex_arc(temperature=50.0, onset=20.0, heat_duration=200.0, duration=500.0):
    """The withdrawal reflex: every stage's latency and the muscle force, with the measured
    human reaction time to first heat pain beside what the model reaches."""
    res = run_reflex_arc(stimulus.heat(temperature, onset, heat_duration), duration)
    with plot.lecture_style():
        axes = plot.reflex_arc(res)
    return axes[0].figure


def fig_stdp_window(rule="stdp_pair_song_2000"):
    """The STDP window from the pairing protocol, its fit, and Bi & Poo's shape."""
    win = stdp_window(rule)
    a_plus, a_minus = win.fit.get("a_plus", 0.0), win.fit.get("a_minus", 0.0)
    both = a_plus > 0.01 * abs(a_minus) and a_minus < -0.01 * abs(a_plus)
    with plot.lecture_style():
        ax = plot.stdp_window(win)
        ax.set_title("STDP: the order of two spikes decides the sign of the change" if both
                     else f"{win.rule.name}: isolated pairs (1 Hz) change the weight one way "
                     "only")
    return ax.figure


def fig_stdp_pair(lag=5.0, n_pairings=60, rule="stdp_pair_song_2000"):
    """A fires just before B, once a second: A->B strengthens, B->A weakens."""
    res = reciprocal_pair(lag, n_pairings, rule=rule)
    with plot.lecture_style():
        ax = plot.weight_traces(res)
        ax.set_title(f"A fires {lag:g} ms before B, once a second")
    return ax.figure


def fig_song_histogram(duration=100.0, seed=0):
    """Song, Miller & Abbott (2000): competition pushes the weights to 0 and to w_max."""
    res = song_abbott_2000(duration, seed=seed)
    with plot.lecture_style():
        ax = plot.weight_histogram(res)
        ax.set_title("1,000 inputs, one neuron, additive STDP: synapses compete")
    return ax.figure


def fig_song_rates(input_rates=(15.0, 20.0, 25.0, 30.0), duration=100.0, seed=0):
    """After learning, the output rate barely follows the input rate: STDP regulates it."""
    out = [song_abbott_2000(duration, input_rate=r, seed=seed, n_snapshots=2).output_rate
           for r in input_rates]
    frozen_rule = load_model("stdp_pair_song_2000").replace(a_plus=1e-12, a_minus=-1e-12)
    frozen = [song_abbott_2000(duration, input_rate=r, seed=seed, n_snapshots=2,
                               rule=frozen_rule).output_rate for r in input_rates]
    with plot.lecture_style():
        ax = plot.rate_regulation(input_rates, out, frozen)
        ax.set_title("STDP keeps the output rate steady")
    return ax.figure


def fig_snn_vs_ann(folder=None):
    """SNN against its ANN twin on the digits, from a saved comparison (default the shipped
    ``artefacts/snn_digits``; no torch, no training): validation accuracy per epoch, against
    time steps, and energy per sample with its assumption."""
    saved = load_comparison(folder)
    rep = saved.report
    with plot.lecture_style():
        axes = plot.comparison(rep)
        acc = 100 * np.mean(rep.snn_accuracy), 100 * np.mean(rep.ann_accuracy)
        axes[0].figure.suptitle(
            f"Spiking network vs ReLU twin ({'-'.join(map(str, rep.layer_sizes))}, digits): "
            f"test accuracy {acc[0]:.1f} % vs {acc[1]:.1f} %", fontsize=17)
    return axes[0].figure


def fig_snn_hidden_raster(sample=0, folder=None):
    """The trained SNN's hidden layer answering one test digit (drawn beside it), run in
    neurosim's own numpy LIF from the saved weights."""
    saved = load_comparison(folder)
    x = saved.test_x[sample:sample + 1]
    spikes = run_discrete_lif(saved.weights, saved.biases, saved.beta, saved.threshold,
                              saved.num_steps, x, saved.reset)
    guess = int(spikes[-1].sum(axis=0)[0].argmax())
    with plot.lecture_style():
        ax = plot.hidden_raster(spikes[0][:, 0, :], image=x[0],
                                label=f"Hidden layer for a {int(saved.test_y[sample])}: the "
                                f"network answers {guess}")
    return ax.figure


def fig_snn_training_loss(folder=None):
    """Training loss of both twins per epoch (first seed), from a saved comparison."""
    with plot.lecture_style():
        ax = plot.training_curves(load_comparison(folder).report)
    return ax.figure


def fig_snn_spikes_per_layer(folder=None):
    """Spikes per sample in each layer of the saved SNN."""
    with plot.lecture_style():
        ax = plot.spikes_per_layer(load_comparison(folder).report)
    return ax.figure


def brunel_state_runs(duration=500.0, seed=1, scale=1.0):
    """Brunel's network run in each of its four states: state -> NetworkResult, and
    state -> (g, nu_ext / nu_thr) as the catalog file gives them."""
    results, params = {}, {}
    for state in ("SR", "AI", "SI_fast", "SI_slow"):
        net = load_network("brunel_2000", state=state, scale=scale)
        results[state] = net.run(duration, seed=seed)
        g = -net.projections[2].weight / net.projections[0].weight
        nu_thr = 20.0 / (net.projections[0].weight * net.projections[0].indegree * 20.0)
        params[state] = (round(g, 3), round(net.inputs[0].rate / 1000.0 / nu_thr, 3))
    return results, params


def fig_brunel_states(duration=500.0, window=(300.0, 500.0), seed=1, sr_window=15.0):
    """Brunel's (2000) four states of one E/I network, set by the strength of inhibition g and
    the external drive: rasters of 60 excitatory neurons with the population rate. The
    synchronous regular state is shown over its last ``sr_window`` ms with 0.1-ms bins: half
    the population fires in each volley, a volley every 1.5 ms (the delay), so each neuron
    fires every 3 ms."""
    results, params = brunel_state_runs(duration, seed)
    windows = {state: window for state in results}
    windows["SR"] = (window[1] - sr_window, window[1])
    fig = plot.brunel_states(results, window=windows, params=params, rate_bin={"SR": 0.1})
    fig.suptitle("One network, four states: Brunel (2000), 12,500 LIF neurons", fontsize=17,
                 y=0.995)
    return fig


def fig_coba_raster(duration=1000.0, window=(500.0, 1000.0), seed=1):
    """The COBA benchmark network (Vogels & Abbott 2005): self-sustained asynchronous activity
    of 3,200 excitatory and 800 inhibitory neurons with conductance synapses."""
    res = load_network("vogels_abbott_coba").run(duration, seed=seed)
    with plot.lecture_style():
        ax_r, _ = plot.raster(res, window=window, neurons=200, rate_bin=2.0)
        ax_r.set_title(f"COBA network, no external input: E {res.rate('E'):.0f} Hz, "
                       f"I {res.rate('I'):.0f} Hz")
    return ax_r.figure


def fig_brunel_phase(folder=None):
    """Brunel's phase diagram (rate and synchrony over g and the external drive), computed by
    ``neurosim.sweep`` and read from the saved artefact (``artefacts/brunel_phase``)."""
    phase = load_brunel_phase(folder)
    fig = plot.brunel_phase(phase)
    fig.suptitle(f"Brunel (2000) phase diagram: 12,500 neurons, {len(phase.g) * len(phase.eta)}"
                 f" runs of {phase.duration:g} ms (neurosim.sweep)", fontsize=16)
    return fig


def fig_ion_ladder():
    """Where the resting potential lies: each ion's Nernst potential and the GHK rest, a
    mammalian neuron at 37 C beside the squid giant axon at 6.3 C."""
    names = ("ions_mammalian_neuron", "ions_squid_axon")
    titles = [f"{label}, {load_ion_set(n).temperature:g} °C" for n, label in
              zip(names, ("Mammalian neuron", "Squid giant axon"), strict=True)]
    fig = plot.ion_ladder([resting_potentials(n) for n in names], titles=titles)
    fig.suptitle("Each ion pulls towards its own equilibrium; the rest is their weighted "
                 "compromise", fontsize=16)
    return fig


def fig_hodgkin_katz(temperature=20.0):
    """The resting potential against external K+ (Hodgkin & Katz 1949), squid axon at room
    temperature: Nernst's straight line and the GHK rest bending away from it."""
    p = load_ion_set("ions_squid_axon")
    hk = hodgkin_katz(np.geomspace(1.0, 400.0, 200), p, temperature=temperature)
    ax = plot.hodgkin_katz(hk, normal_k=p.k_out)
    ax.set_title(f"Squid axon, {temperature:g} °C: the rest follows E$_\\mathrm{{K}}$ only "
                 "at high [K⁺]$_o$", fontsize=16)
    return ax.figure


def fig_pump_block(block_at=60e3, duration=25 * 60e3, pulse=(15.0, 20e3, 1.0, 10e3)):
    """"If the pump stopped": the cortical neuron with moving ions, its Na+/K+ pump blocked
    after a minute; test pulses every 20 s (too weak at rest) fire once the gradients start
    to run down, then fail as the membrane depolarises (:mod:`neurosim.ion_dynamics`)."""
    res = _pump_block_run(float(block_at), float(duration), tuple(pulse))
    d = res.params.diameter
    with plot.lecture_style():
        fig = plot.pump_block(res, block_at=block_at, pulse_every=pulse[1],
                              pulse_start=pulse[3])
        fig.suptitle(f"If the pump stopped: a {d:g}-µm cortical neuron after a pump block",
                     fontsize=16)
    return fig


@functools.lru_cache(maxsize=4)
def _pump_block_run(block_at, duration, pulse):
    """The run behind :func:`fig_pump_block` (kept: the figure set renders it twice in the
    reproducibility test)."""
    return simulate_ion_dynamics(duration, block_at=block_at, pulses=pulse)


def fig_mammalian_action_potential(width=1.0, start=5.0, duration=16.0, weaker=0.9):
    """The lecture's action potential from a biophysical mammalian neuron (the regular-spiking
    cortical cell of Pospischil et al. 2008, its lecture parameter set): rest -70 mV, the
    -55 mV threshold (the highest V from which the membrane still falls back: where a pulse
    just too weak to fire takes it), a pulse ``weaker`` times that falling back, and a pulse
    1.5 times it firing a whole spike with its overshoot and undershoot."""
    p = load_model("pospischil_rs_2008", pattern="lecture")
    # the threshold pulse, judged over 60 ms (a pulse just above it fires late) and the
    # highest V a pulse just below it reaches: the threshold voltage
    i_th = analysis.pulse_threshold(width, start=start, duration=60.0, params=p,
                                    model="cortical_rs", dt=0.01, tol=1e-6)
    shape = analysis._pulse_drive(round(60.0 / 0.01), 0.01, [start], width)
    edge = simulate("cortical_rs", shape * (i_th - 1e-6), 60.0, dt=0.01, params=p)
    th_v = float(edge.trace("v")[edge.t > start + width].max())
    drive = _pulse_drive(duration, 0.01, [[start]] * 2, width, [weaker * i_th, 1.5 * i_th])
    res = simulate("cortical_rs", drive, duration, dt=0.01, params=p)
    sub, spike = res.neuron(0), res.neuron(1)
    with plot.lecture_style():
        ax = plot.membrane(spike, threshold=th_v)
        ax.plot(sub.t, sub.trace("v"), color=plot.COLORS["subthreshold"], lw=2.5, zorder=1)
        # named above its own tail, where no other trace runs: a short arrow down to it
        k = int(np.searchsorted(sub.t, start + width + 4.0))
        ax.annotate(f"{weaker:.0%} of the pulse: no spike", xy=(sub.t[k], sub.trace("v")[k]),
                    xytext=(sub.t[k] + 0.3, th_v + 13.0), color=plot.COLORS["muted"],
                    fontsize=14, va="center", ha="left",
                    arrowprops={"arrowstyle": "-|>", "color": plot.COLORS["muted"], "lw": 1.5})
        ax.set_title("A mammalian action potential (cortical neuron, Pospischil et al. 2008)",
                     fontsize=16)
    return ax.figure


def _axon_spike(morph, duration, dt, amplitude, temperature, record="all"):
    """An axon stimulated at its start for 0.2 ms, Crank-Nicolson."""
    return cable.simulate_cable(morph, duration, dt=dt, method="crank_nicolson",
                                temperature=temperature, record=record,
                                stimuli=[cable.CurrentClamp("axon(0)", stimulus.step(
                                    amplitude, 0.0, 0.2))])


def fig_axon_propagation(diameter=2.0, length=10000.0, duration=14.0, temperature=18.5):
    """A spike travelling down an unmyelinated HH axon (squid kinetics at ``temperature``):
    V over distance and time, stacked traces, the measured conduction velocity."""
    res = _axon_spike(morphology.axon(length, diameter, n_seg=400), duration, 0.01,
                      3.0 * diameter**1.5, temperature)
    a, b = res.locations[100], res.locations[300]
    v = cable.conduction_velocity(res, a, b)
    with plot.lecture_style():
        fig = plot.propagation(res, velocity=v)
        fig.suptitle(f"A spike travels down a {diameter:g}-µm axon at {v:.1f} m/s "
                     f"(HH, {temperature:g} °C)", fontsize=16)
    return fig


def _bare_velocity(diameter, temperature):
    """Conduction velocity (m/s) of an unmyelinated HH axon of ``diameter`` (um)."""
    d = diameter
    r = _axon_spike(morphology.axon(2000.0 * d, d, n_seg=200), 20.0, 0.01, 3.0 * d**1.5,
                    temperature, record=["axon(0.4)", "axon(0.6)"])
    return cable.conduction_velocity(r, "axon(0.4)", "axon(0.6)")


def conduction_velocities(diameters=(1.0, 2.0, 4.0, 8.0, 16.0), temperature=18.5):
    """Conduction velocity (m/s) of HH axons of each diameter (um), unmyelinated and
    myelinated (:meth:`neurosim.morphology.Myelin.for_fibre`): (bare, myelinated) arrays."""
    bare, myel = [], []
    for d in diameters:
        bare.append(_bare_velocity(d, temperature))
        r = _axon_spike(morphology.axon(20000.0 * d, d, myelinated=True), 10.0, 0.005,
                        3.0 * d, temperature, record=["axon(0.3)", "axon(0.7)"])
        myel.append(cable.conduction_velocity(r, "axon(0.3)", "axon(0.7)"))
    return np.array(bare), np.array(myel)


def fig_velocity_vs_diameter(diameters=(1.0, 2.0, 4.0, 8.0, 16.0), temperature=18.5):
    """Conduction velocity against axon diameter, log-log: unmyelinated axons as the square
    root of diameter, myelinated ones in proportion to it and an order of magnitude faster."""
    bare, myel = conduction_velocities(tuple(diameters), temperature)
    with plot.lecture_style():
        ax = plot.velocity_vs_diameter(diameters, bare, diameters, myel)
        ax.set_title(f"Myelin makes axons fast (HH nodes, {temperature:g} °C)", fontsize=16)
    return ax.figure


def fig_saltatory(diameter=2.0, n_internodes=30, temperature=18.5):
    """Saltatory conduction along a myelinated axon: the spike's arrival at each node of
    Ranvier, a step per internode, against what an unmyelinated axon of the same diameter
    would take; V at successive nodes."""
    my = morphology.Myelin.for_fibre(diameter)
    length = n_internodes * (my.internode_length + my.node_length) + my.node_length
    fibre = morphology.axon(length, diameter, myelinated=True)
    res = _axon_spike(fibre, 4.0, 0.005, 1.0 * diameter, temperature)
    bare = _bare_velocity(diameter, temperature)
    tree = fibre.compile()
    nodes = [tree.distance[tree.seg_range[p][0]] - tree.distance[0]
             for p, _, _ in tree.pieces["axon"] if ".node[" in p]
    with plot.lecture_style():
        fig = plot.saltatory(res, nodes, bare_velocity=bare)
        fig.suptitle(f"Saltatory conduction: a {diameter:g}-µm myelinated axon, a node of "
                     f"Ranvier every {my.internode_length / 1000:g} mm", fontsize=16)
    return fig


def summation_cell():
    """The lecture's neuron with shape: a passive dendrite, an HH soma, a 40-um axon hillock
    with ten times the soma's Na+ density (the trigger zone; an assumption of this figure) and
    an HH axon (:func:`neurosim.morphology.ball_and_stick`)."""
    # the hillock's leak reversal is set so that it, too, rests at -65 mV: the extra Na+
    # current at rest is balanced there, and the whole cell starts in equilibrium
    p, g_na, v = load_model("hodgkin_huxley_1952"), 1200.0, -65.0
    am, bm, ah, bh, an, bn = hh_rate_functions(v, p.v_offset)
    m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
    i_active = g_na * m**3 * h * (v - p.e_na) + p.g_k * n**4 * (v - p.e_k)
    e_l = float(v + i_active / p.g_l)
    return morphology.ball_and_stick(hillock_length=40.0).replace(
        "hillock", densities={"g_na": g_na, "e_l": e_l})


def fig_dendritic_summation(weight=0.8, near=0.1, far=0.9, sites=(0.1, 0.3, 0.5, 0.7),
                            interval=1.0, threshold=-55.0):
    """Dendrites to axon: a far synapse's EPSP (``weight`` nS) shrinking on its way to the
    soma; one near synapse staying below the hillock's threshold, synapses at ``sites`` at
    once (spatial summation) or the near one four times ``interval`` ms apart (temporal)
    reaching it; the spike starting at the hillock and running both ways."""
    cell = summation_cell()
    far_site = f"dendrite({far:g})"
    rec = ["dendrite(0.5)", "soma", "hillock", "axon(0.2)"]

    def run(events, record):
        syns = [cable.Synapse(f"dendrite({x:g})", list(times), weight) for x, times in events]
        return cable.simulate_cable(cell, 25.0, dt=0.01, synapses=syns, record=record)

    res_far = run([(far, [5.0])], [far_site, "soma"])
    single = run([(near, [5.0])], rec)
    spatial = run([(x, [5.0]) for x in sites], rec)
    temporal = run([(near, [5.0 + k * interval for k in range(4)])], rec)
    with plot.lecture_style():
        fig = plot.dendritic_summation(res_far, single, spatial, temporal, far_site=far_site,
                                       threshold=threshold)
        fig.suptitle("Dendrites receive, the soma sums, the axon hillock decides",
                     fontsize=16)
    return fig

def fig_mp_gates(gates=("AND", "OR", "NOT", "NAND")):
    """McCulloch-Pitts gates as Rojas draws them (threshold on the left, right half filled,
    inhibitory inputs ending in a small circle), each above its truth table."""
    with plot.lecture_style():
        fig = plot.mp_gates([classic.gate(g) for g in gates])
        fig.suptitle("McCulloch–Pitts units: sum the inputs, fire at the threshold θ; an "
                     "inhibitory input vetoes", fontsize=16)
    return fig


def fig_perceptron(seed=0, epochs=20):
    """The perceptron learning AND (a boundary per epoch, converging) and failing on XOR."""
    X = classic.TWO_INPUTS
    runs = []
    for name in ("AND", "XOR"):
        t = classic.TARGETS[name]
        runs.append((name, classic.Perceptron(2, seed=seed, lr=0.5).fit(X, t, epochs=epochs),
                     X, t, classic.best_linear_accuracy(X, t)))
    with plot.lecture_style():
        fig = plot.perceptron_learning(runs)
        fig.suptitle("Rosenblatt's perceptron: one straight boundary, learnt", fontsize=16)
    return fig


def fig_xor_mlp(seed=0):
    """XOR by two layers: the hidden units' half-planes and the output's intersection, for
    hand-set Heaviside units and a trained sigmoid MLP."""
    with plot.lecture_style():
        fig = plot.xor_mlp(classic.xor_heaviside_mlp(), classic.train_xor_mlp(seed=seed))
        fig.suptitle("XOR = (A OR B) AND (A NAND B): two half-planes, intersected",
                     fontsize=16)
    return fig


def fig_hopfield_recall(letter="A", stored=("A", "C", "T", "X"), noise=0.25, seed=3):
    """A Hopfield network that stores four letters recalling one from a noisy copy, one unit
    at a time, its energy falling at every update."""
    letters = classic.load_letters(stored)
    pats = np.array([v.ravel() for v in letters.values()])
    net = classic.Hopfield(pats)
    probe = classic.flip(letters[letter].ravel(), noise, seed=seed)
    run = net.recall(probe, seed=seed, record="update")
    shape = letters[letter].shape
    with plot.lecture_style():
        fig = plot.hopfield_recall(run, shape)
        fig.suptitle(f"Hopfield recall: '{letter}' from {noise:.0%} flipped pixels "
                     f"({len(stored)} letters stored in {pats.shape[1]} units)", fontsize=16)
    return fig


@functools.lru_cache(maxsize=2)
def hopfield_capacity_curves(sizes=(100, 200, 400), trials=3, seed=0):
    """The capacity experiment behind :func:`fig_hopfield_capacity`: N -> capacity_curve
    (``trials`` networks of 400 units, proportionally more of smaller ones)."""
    loads = np.round(np.arange(0.04, 0.245, 0.01), 3)
    # as many stored patterns per point for every size: trials * 400 / N networks
    return {n: classic.capacity_curve(n, loads, trials=max(trials, round(trials * 400 / n)),
                                      seed=seed + n) for n in sizes}


def fig_hopfield_capacity(sizes=(100, 200, 400), trials=3, seed=0):
    """Hopfield capacity: recall against load for several network sizes, breaking down near
    0.138 N."""
    with plot.lecture_style():
        ax = plot.hopfield_capacity(hopfield_capacity_curves(tuple(sizes), trials, seed))
        ax.set_title("A Hopfield network holds about 0.138 N patterns", fontsize=16)
    return ax.figure


def fig_recurrent_snn_vs_lstm(folder=None):
    """The recurrent SNN against its LSTM (and RNN, GRU) twins on digits read row by row, from
    the saved report (default the shipped ``artefacts/snn_recurrent``; no torch): accuracy,
    energy and operations per sample."""
    rep = load_recurrent_comparison(folder)
    with plot.lecture_style():
        axes = plot.recurrent_comparison(rep)
        snn, lstm = 100 * np.mean(rep.accuracy["snn"]), 100 * np.mean(rep.accuracy["lstm"])
        axes[0].figure.suptitle(
            f"Digits read row by row: recurrent SNN {snn:.1f} % vs LSTM {lstm:.1f} %, at "
            f"{rep.energy_nj['lstm'] / rep.energy_nj['snn']:.0f}× less energy", fontsize=16)
    return axes[0].figure


def fig_wilson_cowan_phase_plane(i_e=0.0, starts=((0.25, 0.1), (0.45, 0.2), (0.7, 0.05),
                                                  (0.2, 0.6), (0.95, 0.95)), duration=40.0):
    """The Wilson-Cowan phase plane (teaching set): the E and I nullclines cross three times,
    a low and a high stable state separated by a saddle; trajectories go to one or the
    other."""
    wc = dynamics.WilsonCowan(i_e=i_e)
    runs = [dynamics.simulate_rates(wc, duration, x0=x0) for x0 in starts]
    with plot.lecture_style():
        ax = plot.phase_plane(wc, xlim=(-0.05, 1.0), ylim=(-0.05, 1.0), trajectories=runs)
        ax.set_title("Wilson–Cowan: two stable states, a saddle between them", fontsize=16)
    return ax.figure


def fig_wilson_cowan_oscillator(duration=100.0):
    """The Wilson-Cowan oscillator: one unstable focus inside a stable limit cycle; E and I
    rise and fall in turn, I lagging E."""
    wc = dynamics.WilsonCowan(pattern="oscillator")
    cycle = dynamics.limit_cycle(wc)
    run = dynamics.simulate_rates(wc, duration, x0=(cycle.x[0], cycle.y[0]))
    with plot.lecture_style():
        fig, axes = plot.new_figure(1, 2, sharex=False)
        plot.phase_plane(wc, xlim=(-0.02, 0.8), ylim=(-0.02, 0.55), cycle=cycle, arrows=17,
                         labels={"E": (0.03, 0.25, "left"), "I": (0.77, 0.53, "right")},
                         ax=axes[0, 0])
        ax = axes[0, 1]
        ax.plot(run.t, run.E, color=plot.COLORS["excitatory"], lw=2.5)
        ax.plot(run.t, run.I, color=plot.COLORS["inhibitory"], lw=2.5)
        ax.text(run.t[-1], run.E.max() + 0.02, "E", color=plot.COLORS["excitatory"],
                fontsize=16, ha="right", fontweight="bold")
        ax.text(run.t[-1], run.I.max() + 0.02, "I", color=plot.COLORS["inhibitory"],
                fontsize=16, ha="right", fontweight="bold")
        ax.set_xlabel("Time (ms)")
        ax.set_ylabel("Activity")
        fig.suptitle(f"Wilson–Cowan oscillator: E and I chase each other round a limit cycle "
                     f"({1000 / cycle.period:.0f} Hz)", fontsize=16)
    return fig


def fig_wilson_cowan_bifurcation(values=None, onset_values=None):
    """Drive to E against E's steady state (oscillator set): a stable fixed point, then an
    oscillation between the two Hopf points where the Jacobian's trace crosses zero (the
    simulated onset marked below)."""
    values = np.linspace(0.3, 1.5, 49) if values is None else values
    wc = dynamics.WilsonCowan(pattern="oscillator")
    diagram = dynamics.bifurcation(wc, "i_e", values)
    hopf = dynamics.hopf_points(wc, "i_e", 0.8, 1.5)
    onset_values = np.arange(1.05, 0.9, -0.005) if onset_values is None else onset_values
    onset = dynamics.oscillation_onset(wc, "i_e", onset_values)
    with plot.lecture_style():
        ax = plot.bifurcation(diagram, parameter_label="External drive to E, $i_E$",
                              hopf=hopf, onset=onset)
        ax.set_title("Wilson–Cowan: more drive to E switches the oscillation on, then off",
                     fontsize=16)
    return ax.figure


def fig_fitzhugh_nagumo(i_ext=0.5):
    """FitzHugh-Nagumo: the cubic v-nullcline (all three branches) and the straight
    w-nullcline cross on the middle branch, an unstable point; the neuron spikes round a
    relaxation limit cycle."""
    fhn = dynamics.FitzHughNagumo(i_ext=i_ext)
    cycle = dynamics.limit_cycle(fhn)
    with plot.lecture_style():
        ax = plot.phase_plane(fhn, xlim=(-2.5, 2.5), ylim=(-1.0, 2.2), cycle=cycle)
        ax.set_title(f"FitzHugh–Nagumo at drive {i_ext:g}: spiking is a limit cycle",
                     fontsize=16)
    return ax.figure


def fig_hh_inference_posterior(path=None):
    """Which (ḡNa, ḡK) made this trace? The posterior of neural posterior estimation, from
    the saved example (``artefacts/hh_inference``, drawn without sbi), with the truth."""
    rep = load_inference_report(path)
    with plot.lecture_style():
        fig = plot.posterior_pairs(rep.samples, rep.names, rep.units, truth=rep.truth,
                                   low=rep.prior_low, high=rep.prior_high)
        n = rep.provenance["fit"]["n_simulations"]
        fig.suptitle(f"Posterior over the conductances from one trace ({n:,} simulations, "
                     "NPE)", fontsize=16)
    return fig


def fig_hh_inference_predictive(path=None):
    """The observed trace and traces simulated from posterior draws: the fit reproduces the
    spike count and shape, not the noise."""
    rep = load_inference_report(path)
    with plot.lecture_style():
        ax = plot.posterior_predictive(rep.t, rep.trace, rep.predictive, t_on=rep.t_on,
                                       t_off=rep.t_off)
        ax.set_title("Posterior-predictive check: simulations from the posterior look like "
                     "the data", fontsize=16)
    return ax.figure


def fig_hh_inference_calibration(path=None):
    """Expected coverage over held-out synthetic traces: does the 90 % interval hold the
    truth about 90 % of the time?"""
    rep = load_inference_report(path)
    with plot.lecture_style():
        cal = rep.calibration
        ax = plot.coverage(cal)
        inside = " and ".join(f"{c:.0%}" for c in cal.inside.mean(axis=0))
        ax.set_title(f"Calibration on {len(cal.truth)} held-out traces:\nthe 90 % intervals "
                     f"hold the truth {inside} of the time", fontsize=16)
    return ax.figure


# --------------------------------------------------------------------------------------------
# Sliders for the lecture room: in a notebook with a kernel, the figure follows them


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel that can show widgets (ipywidgets installed)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ip = shell.get_ipython()
    if ip is None or not hasattr(ip, "kernel"):
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _explore(func: str, draw, controls: dict):
    """Draw the figure for the starting values (what a notebook shows without a kernel, and
    what a script gets back), and in a kernel add a slider per control whose moves redraw it
    below them. ``controls``: name -> (start, low, high, step, unit), checked as ``func``'s
    parameters."""
    start = {}
    for name, (value, low, high, _, unit) in controls.items():
        start[name] = as_float(value, func, name, unit, low=low, high=high, low_open=False)
    fig = draw(**start)
    if not in_notebook():
        return fig
    import ipywidgets
    from IPython.display import display

    sliders = {name: ipywidgets.FloatSlider(
        value=start[name], min=low, max=high, step=step, description=f"{name} ({unit})",
        continuous_update=False, style={"description_width": "initial"},
        layout=ipywidgets.Layout(width="32em"))
        for name, (_, low, high, step, unit) in controls.items()}
    out = ipywidgets.Output()

    def redraw(change=None):
        new = draw(**{name: s.value for name, s in sliders.items()})
        with out:
            out.clear_output(wait=True)
            display(new)
        plt.close(new)

    for s in sliders.values():
        s.observe(redraw, names="value")
    # the static figure as a plain output (a notebook read without a kernel shows it), then
    # the sliders with the figure that follows them
    display(fig)
    plt.close(fig)
    display(ipywidgets.VBox([ipywidgets.HTML("<b>Move a slider: the figure below redraws "
                                             "(the one above is for the starting values)"
                                             "</b>"), *sliders.values(), out]))
    return fig


def explore_action_potential(amplitude=15.0, width=1.0):
    """The Hodgkin-Huxley action potential after a pulse of ``amplitude`` (uA/cm^2, 0 to 50)
    lasting ``width`` (ms, 0.1 to 5) at t = 5 ms, phases named: below about 6 uA/cm^2 for
    1 ms nothing fires (all or nothing), longer or stronger pulses fire sooner. In a notebook
    with a kernel two sliders change the pulse and the figure follows; elsewhere (a script, a
    notebook read without a kernel) it is the figure for the values given. Returns it."""
    def action_potential(amplitude, width):
        res = simulate_hh(stimulus.step(amplitude, 5.0, 5.0 + width), 30.0, dt=0.01)
        with plot.lecture_style():
            ax = plot.membrane(res, annotate=bool(res.spike_times[0].size))
            ax.set_title(f"A {width:g}-ms pulse of {amplitude:g} μA/cm²: "
                         + ("it fires" if res.spike_times[0].size else "no spike"))
        return ax.figure

    return _explore("explore_action_potential", action_potential,
                    {"amplitude": (amplitude, 0.0, 50.0, 0.5, "uA/cm^2"),
                     "width": (width, 0.1, 5.0, 0.1, "ms")})


def explore_lif(tau_m=10.0, v_th=-55.0, amplitude=2.0):
    """The lecture's LIF neuron under a step of ``amplitude`` nA from 30 to 110 ms, with its
    membrane time constant ``tau_m`` (ms, 2 to 50) and threshold ``v_th`` (mV, -68 to -40):
    a longer tau_m charges more slowly, a higher threshold takes longer to reach, and below
    rheobase (v_th - v_rest) / R it never fires. Sliders in a notebook with a kernel, the
    static figure elsewhere; returns it."""
    base = load_model("lif_lecture")

    def lif(tau_m, v_th, amplitude):
        params = dataclasses.replace(base, tau_m=tau_m, v_th=v_th)
        res = simulate_lif(stimulus.step(amplitude, 30.0, 110.0), 130.0, dt=0.05,
                           params=params)
        with plot.lecture_style():
            ax = plot.membrane(res)
            threshold = f"{v_th:g}".replace("-", "\u2212")  # (a minus sign, as on the axes)
            ax.set_title(rf"$\tau_m$ = {tau_m:g} ms, threshold {threshold} mV: "
                         f"{res.spike_times[0].size} spikes")
        return ax.figure

    return _explore("explore_lif", lif, {"tau_m": (tau_m, 2.0, 50.0, 1.0, "ms"),
                                         "v_th": (v_th, -68.0, -40.0, 0.5, "mV"),
                                         "amplitude": (amplitude, 0.0, 5.0, 0.1, "nA")})


#: The lecture figure set (file name -> the function that draws it), in the lecture's order.
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
    "17_brunel_states": fig_brunel_states,
    "18_coba_raster": fig_coba_raster,
    "19_brunel_phase": fig_brunel_phase,
    "20_ion_ladder": fig_ion_ladder,
    "21_hodgkin_katz": fig_hodgkin_katz,
    "22_pump_block": fig_pump_block,
    "23_mammalian_action_potential": fig_mammalian_action_potential,
    "24_axon_propagation": fig_axon_propagation,
    "25_velocity_vs_diameter": fig_velocity_vs_diameter,
    "26_saltatory_conduction": fig_saltatory,
    "27_dendritic_summation": fig_dendritic_summation,
    "28_mcculloch_pitts_gates": fig_mp_gates,
    "29_perceptron": fig_perceptron,
    "30_xor_mlp": fig_xor_mlp,
    "31_hopfield_recall": fig_hopfield_recall,
    "32_hopfield_capacity": fig_hopfield_capacity,
    "33_recurrent_snn_vs_lstm": fig_recurrent_snn_vs_lstm,
    "34_wilson_cowan_phase_plane": fig_wilson_cowan_phase_plane,
    "35_wilson_cowan_oscillator": fig_wilson_cowan_oscillator,
    "36_wilson_cowan_bifurcation": fig_wilson_cowan_bifurcation,
    "37_fitzhugh_nagumo": fig_fitzhugh_nagumo,
    "38_hh_inference_posterior": fig_hh_inference_posterior,
    "39_hh_inference_predictive": fig_hh_inference_predictive,
    "40_hh_inference_calibration": fig_hh_inference_calibration,
}

FORMATS = ("png", "pdf", "svg")


def tutorial_session(doc: str, number: str, argv=None, flags=()):
    """The command line every tutorial shares: ``--quick`` and ``--out`` (default
    ``tutorial-output/NN``), and a tutorial's own switches (``flags``: (name, help) pairs).
    Returns (args, save) where ``save(fig, name)`` writes ``name.png`` into the folder, says so
    and closes the figure."""
    # (sphinx-gallery runs a tutorial without its docstring, and so does a notebook: doc is
    # None there)
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--quick", action="store_true", help="shorter runs, for the tests")
    for name, text in flags:
        parser.add_argument(name, action="store_true", help=text)
    parser.add_argument("--out", type=Path, default=Path(f"tutorial-output/{number}"),
                        help="folder for the figures")
    if argv is None and in_notebook():
        # a notebook's kernel has its own command line: the tutorial's defaults, quick where
        # NEUROSIM_QUICK says so (as the tests run the notebooks)
        argv = ["--quick"] if os.environ.get("NEUROSIM_QUICK", "") not in ("", "0") else []
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    def save(fig, name):
        path = save_figure(fig, args.out / f"{name}.png")
        print(f"   -> saved {path}")
        plt.close(fig)

    return args, save


def save_figure(fig, path: Path, *, transparent=False, dpi=200) -> Path:
    """Save reproducibly: no timestamps in PDF/SVG; PNG at ``dpi`` (default 200)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".")
    metadata = {"png": {"Software": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "svg": {"Date": None}}.get(fmt)

    with mpl.rc_context({"svg.hashsalt": "neurosim"}):  # stable SVG ids
        if fmt != "svg":
            fig.savefig(path, transparent=transparent, metadata=metadata, dpi=dpi)
            return path

        buf = io.BytesIO()
        fig.savefig(buf, format="svg", transparent=transparent, metadata=metadata, dpi=dpi)
    # Layout arithmetic can differ in the last bits between two renders of one figure (text
    # extents measured with warm or cold caches): write what the figure shows, not those bits.
    # A coordinate within rounding of zero is written "-0" or "0": write 0. Clip paths and
    # markers are named by a hash of their exact geometry: name them by order of appearance.
    text = re.sub(rb"(?<=[ ,])-0(?=[ ,\n\"])", b"0", buf.getvalue())
    names: dict[bytes, bytes] = {}

    def rename(match):
        key = match.group(0)
        if key not in names:
            names[key] = b"%c%d" % (key[0], len(names) + 1)
        return names[key]

    path.write_bytes(re.sub(rb"(?<=[#\"])[pm][0-9a-f]{10}(?=[\"\)])", rename, text))
    return path


def render_figure_set(out, formats: Iterable[str] = ("png",), *, transparent=False,
                      theme="light", dpi=200, only: Iterable[str] | None = None,
                      progress=True) -> list[Path]:
    """Render every figure of the lecture set into the folder ``out``.

    The figures are drawn into a temporary folder beside ``out`` and moved into place only when
    all of them are written, so a failure leaves ``out`` as it was.

    Arguments:
        out: output folder (created; files of the same names are replaced).
        formats: any of png, pdf, svg.
        transparent: transparent background (with ``theme="dark"`` for dark slides).
        theme: ``"light"`` (dark text on white) or ``"dark"`` (light text and traces).
        dpi: resolution of PNG files (vector formats ignore it).
        only: names from :data:`FIGURE_SET` to render (default all).
        progress: show a progress bar.

    Returns:
        The paths written.
    """
    func = "render_figure_set"
    if isinstance(formats, str):
        formats = formats.split(",")
    formats = [str(f).strip().lower() for f in formats]
    if not formats:
        raise param_error(func, "formats", f"a non-empty list from {', '.join(FORMATS)}",
                          formats)
    for f in formats:
        if f not in FORMATS:
            raise param_error(func, "formats", f"a list from {', '.join(FORMATS)}", f)
    as_choice(theme, func, "theme", ("light", "dark"))

    res = as_float(dpi, func, "dpi", low=10.0, high=limits.max_dpi, low_open=False)
    names = list(FIGURE_SET) if only is None else list(only)
    for n in names:
        if n not in FIGURE_SET:
            raise param_error(func, "only", f"names from {', '.join(FIGURE_SET)}", n)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise param_error(func, "out", "a folder (or a path where one can be made)",
                          f"{out}, which is a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    iterator = names
    if progress:
        iterator = tqdm(names, desc="figures", unit="fig")
    try:
        staged = []
        for name in iterator:
            with plot.lecture_style(theme=theme):
                fig = FIGURE_SET[name]()
                try:
                    for fmt in formats:
                        staged.append(save_figure(fig, staging / f"{name}.{fmt}",
                                                  transparent=transparent, dpi=res))
                finally:
                    plt.close(fig)
        out.mkdir(exist_ok=True)
        written = []
        for path in staged:
            target = out / path.name
            path.replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
