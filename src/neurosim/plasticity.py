"""Spike-timing-dependent plasticity with the Numba engine: rules applied to spike trains.

The same rule parameters (``models/stdp_*.toml``) drive
:func:`neurosim.networks.build_stdp_synapses`, the Brian2 engine; the two give the same
weights for the same spikes.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

import numpy as np

from ._core import resources as _resources
from ._core.validation import (
    as_finite_array,
    as_float,
    as_int,
    as_pair,
    as_seed,
    param_error,
)
from ._simulate import simulate_lif
from .catalog import PairSTDPParams, SongAbbottParams, load_model, load_rule
from .network import Dist, load_network


def _stdp():
    """The STDP kernels, imported on first use (``import neurosim`` does not load Numba)."""
    from ._kernels import _stdp as kernels

    return kernels


__all__ = [
    "PairExperiment",
    "STDPWindow",
    "SongResult",
    "WeightTrajectory",
    "apply_stdp",
    "load_rule",
    "reciprocal_pair",
    "song_abbott_2000",
    "song_network",
    "stdp_window",
]


@dataclass(frozen=True)
class WeightTrajectory:
    """The weight after every spike event: ``t`` (ms), ``w``, ``is_pre`` (bool per event)."""

    t: np.ndarray
    w: np.ndarray
    is_pre: np.ndarray
    w0: float

    @property
    def final(self) -> float:
        return float(self.w[-1]) if self.w.size else self.w0


def _spike_train(values, name: str) -> np.ndarray:
    arr = as_finite_array(values, "apply_stdp", name, "ms")
    if arr.ndim != 1:
        raise param_error("apply_stdp", name, "a 1-D array of spike times (ms)", arr)
    if arr.size > 1 and np.any(np.diff(arr) < 0):
        raise param_error("apply_stdp", name, "sorted in increasing time", arr)
    return np.ascontiguousarray(arr)


def apply_stdp(pre_times, post_times, rule="stdp_pair_song_2000", w0=0.5) -> WeightTrajectory:
    """Apply an STDP rule to one synapse given its pre- and postsynaptic spike times.

    Arguments:
        pre_times, post_times: sorted spike times (ms).
        rule: a rule's parameters or catalog name (pair or triplet).
        w0: starting weight, in [0, w_max].

    Returns:
        :class:`WeightTrajectory`: the weight after each spike (pre before post at equal times).
    """
    func = "apply_stdp"
    r = load_rule(rule)
    pre = _spike_train(pre_times, "pre_times")
    post = _spike_train(post_times, "post_times")
    w_start = as_float(w0, func, "w0", low=0.0, high=r.w_max, low_open=False)
    if isinstance(r, PairSTDPParams):
        t, w, k = _stdp().pair_stdp(pre, post, w_start, r.tau_plus, r.tau_minus, r.a_plus,
                                  r.a_minus, r.w_max, r.weight_dependence == "multiplicative",
                                  r.pairing == "nearest")
    else:
        t, w, k = _stdp().triplet_stdp(pre, post, w_start, r.tau_plus, r.tau_minus, r.tau_x,
                                     r.tau_y, r.a2_plus, r.a3_plus, r.a2_minus, r.a3_minus,
                                     r.w_max)
    return WeightTrajectory(t=t, w=w, is_pre=k.astype(bool), w0=w_start)


@dataclass(frozen=True)
class STDPWindow:
    """The pairing protocol's result: ``delta_t`` (ms, post minus pre), ``delta_w`` (weight
    change per pair, in units of w_max) and the exponential fit to each side:
    ``fit = {"a_plus", "tau_plus", "a_minus", "tau_minus"}``."""

    delta_t: np.ndarray
    delta_w: np.ndarray
    fit: dict
    rule: object
    n_pairs: int


def _fit_side(dt, dw):
    """Least-squares fit of dw = a exp(-|dt| / tau) on one side (scipy curve_fit)."""
    from scipy.optimize import curve_fit

    x = np.abs(dt)
    a0 = dw[np.argmin(x)]
    (a, tau), _ = curve_fit(lambda x, a, tau: a * np.exp(-x / tau), x, dw, p0=(a0, 20.0),
                            maxfev=10_000)
    return float(a), float(tau)


def stdp_window(rule="stdp_pair_song_2000", delta_t=range(-100, 101, 5), n_pairs=60,
                pair_rate_hz=1.0, w0=None) -> STDPWindow:
    """The STDP window by the pairing protocol: ``n_pairs`` pre-post pairs at ``pair_rate_hz``
    for each delay ``delta_t`` (ms, post minus pre), from weight ``w0`` (default w_max / 2).

    Returns the mean change per pair (in units of w_max) and an exponential fit to each side,
    which recovers the rule's own a_plus, tau_plus, a_minus, tau_minus for a pair rule at these
    rates (pairs 1 s apart do not interact).
    """
    func = "stdp_window"
    r = load_rule(rule)
    dts = as_finite_array(list(delta_t) if isinstance(delta_t, range) else delta_t, func,
                          "delta_t", "ms")
    if dts.ndim != 1 or dts.size < 4:
        raise param_error(func, "delta_t", "at least 4 delays (ms)", delta_t)
    n = as_int(n_pairs, func, "n_pairs", low=1)
    rate = as_float(pair_rate_hz, func, "pair_rate_hz", "Hz", low=0.0)
    period = 1000.0 / rate
    if np.max(np.abs(dts)) >= period / 2:
        raise param_error(func, "delta_t", f"within +-{period / 2:g} ms (half the pairing "
                          "period)", delta_t)
    start = r.w_max / 2 if w0 is None else as_float(w0, func, "w0", low=0.0, high=r.w_max,
                                                     low_open=False)
    base = period * np.arange(n) + period / 2
    dw = np.empty(dts.size)
    for k, d in enumerate(dts):
        traj = apply_stdp(base, base + d, r, start)
        dw[k] = (traj.final - start) / n / r.w_max
    pos, neg = dts > 0, dts < 0
    fit = {}
    if pos.sum() >= 2:
        fit["a_plus"], fit["tau_plus"] = _fit_side(dts[pos], dw[pos])
    if neg.sum() >= 2:
        fit["a_minus"], fit["tau_minus"] = _fit_side(dts[neg], dw[neg])
    return STDPWindow(delta_t=dts, delta_w=dw, fit=fit, rule=r, n_pairs=n)


@dataclass(frozen=True)
class PairExperiment:
    """Two neurons connected both ways. ``t`` (ms) samples the weights ``w_ab`` (A->B) and
    ``w_ba`` (B->A), in units of w_max; ``spikes_a``, ``spikes_b`` are the neurons' spikes."""

    t: np.ndarray
    w_ab: np.ndarray
    w_ba: np.ndarray
    spikes_a: np.ndarray
    spikes_b: np.ndarray
    lag: float


def _sample(traj: WeightTrajectory, t: np.ndarray) -> np.ndarray:
    if traj.t.size == 0:
        return np.full(t.shape, traj.w0)
    idx = np.searchsorted(traj.t, t, side="right") - 1
    return np.where(idx >= 0, traj.w[np.maximum(idx, 0)], traj.w0)


def reciprocal_pair(lag=5.0, n_pairings=60, rate_hz=1.0, rule="stdp_pair_song_2000", w0=0.5,
                    pulse=(40.0, 0.5)) -> PairExperiment:
    """Fire neuron A, then neuron B ``lag`` ms later, ``n_pairings`` times at ``rate_hz``.

    Both are the lecture LIF neuron; each pairing gives A and B a brief strong pulse
    (``pulse`` = (amplitude nA, width ms)), so each fires once, A first. The synapses A->B and
    B->A both follow ``rule``: A->B sees pre-before-post and strengthens, B->A sees
    post-before-pre and weakens; with a long lag (100 ms) neither changes much. The synapses
    are too weak to move the spike times the pulses set, so their effect on V is left out.

    Returns:
        :class:`PairExperiment`.
    """
    func = "reciprocal_pair"
    r = load_rule(rule)
    lag_ = as_float(lag, func, "lag", "ms", low=0.0)
    n = as_int(n_pairings, func, "n_pairings", low=1)
    period = 1000.0 / as_float(rate_hz, func, "rate_hz", "Hz", low=0.0)
    if lag_ >= period / 2:
        raise param_error(func, "lag", f"shorter than half the pairing period ({period / 2:g} "
                          "ms)", lag)
    amp, width = as_pair(pulse, func, "pulse", "an (amplitude nA, width ms) pair")
    dt = 0.05
    duration = round(n * period / dt) * dt
    nsteps = round(duration / dt)
    t = np.arange(nsteps) * dt
    onsets = np.arange(n) * period + 10.0
    drive = np.zeros((nsteps, 2))
    for k, shift in enumerate((0.0, lag_)):
        for on in onsets + shift:
            drive[(t >= on) & (t < on + width), k] = amp
    res = simulate_lif(drive, duration, dt=dt, record=("spikes",))
    a, b = res.spike_times[0].copy(), res.spike_times[1].copy()
    ab = apply_stdp(a, b, r, w0)
    ba = apply_stdp(b, a, r, w0)
    grid = np.linspace(0.0, duration, 400)
    return PairExperiment(t=grid, w_ab=_sample(ab, grid) / r.w_max,
                          w_ba=_sample(ba, grid) / r.w_max, spikes_a=a, spikes_b=b, lag=lag_)


@dataclass(frozen=True)
class SongResult:
    """Song, Miller & Abbott (2000): ``t`` (s) of the weight snapshots ``weights`` (snapshots
    x inputs, in units of w_max), ``bimodal_fraction`` (share of weights within 10 % of either
    bound at each snapshot), ``output_rate`` (Hz over the last fifth of the run),
    ``input_rate`` (Hz), ``correlated`` (indices of the correlated group), ``post_spikes``
    (ms), and ``input_counts``: spikes per step of the first ``record_inputs`` inputs."""

    t: np.ndarray
    weights: np.ndarray
    bimodal_fraction: np.ndarray
    output_rate: float
    input_rate: float
    correlated: np.ndarray
    post_spikes: np.ndarray
    input_counts: np.ndarray


# input-steps per second of the Song kernel, measured (1,000 inputs, 100 s in ~2 s)
_SONG_SPEED = 4e8


def song_abbott_2000(duration=100.0, *, input_rate=None, n_inputs=None, n_correlated=0,
                     correlation=0.0, rule="stdp_pair_song_2000", neuron="song_abbott_2000",
                     seed=0, dt=0.1, n_snapshots=11, record_inputs=0) -> SongResult:
    """One integrate-and-fire neuron, ``n_inputs`` excitatory Poisson inputs, additive STDP.

    The neuron and inputs come from the catalog (``models/song_abbott_2000.toml``: Brian2's
    documented version of the experiment, tau_m = 10 ms, E_L = -74 mV, threshold -54 mV, reset
    -60 mV, E_e = 0 mV, tau_e = 5 ms, g_max = 0.01 of the leak conductance, 1,000 inputs at
    15 Hz); initial weights are uniform in [0, w_max]; the rule is the catalog's (additive, hard
    bounds, all-to-all). Numba path; :func:`neurosim.networks.build_song_abbott_2000` is the
    Brian2 one.

    Arguments:
        duration: simulated time in seconds.
        input_rate, n_inputs: override the catalog's rate of every input (Hz) and their number.
        n_correlated, correlation: the first ``n_correlated`` inputs are correlated: the
            correlation coefficient of any two of them (spike counts per time step) is
            ``correlation``; their rates stay ``input_rate``.
        rule: an additive, all-to-all pair rule (name or parameters).
        neuron: the neuron and inputs (a catalog name or a ``SongAbbottParams``).
        seed: seeds the inputs and the initial weights.
        dt: time step (ms).
        n_snapshots: weight snapshots, evenly spaced from 0 to the end.
        record_inputs: keep the spike counts per step of this many inputs (the first ones).

    Returns:
        :class:`SongResult`.
    """
    func = "song_abbott_2000"
    r = load_rule(rule)
    if not isinstance(r, PairSTDPParams) or r.weight_dependence != "additive" or \
            r.pairing != "all_to_all":
        raise param_error(func, "rule", "an additive, all-to-all pair rule (the Numba path of "
                          "this experiment implements that form)", rule, TypeError)
    nrn = neuron if isinstance(neuron, SongAbbottParams) else _song_neuron(func, neuron)
    if not isinstance(nrn, SongAbbottParams):
        raise param_error(func, "neuron", "the Song & Abbott neuron (catalog "
                          "'song_abbott_2000' or a SongAbbottParams)", neuron, TypeError)
    dur_s = as_float(duration, func, "duration", low=0.0)
    rate = nrn.input_rate if input_rate is None else as_float(input_rate, func, "input_rate",
                                                              "Hz", low=0.0)
    n = int(nrn.n_inputs) if n_inputs is None else as_int(n_inputs, func, "n_inputs", low=1)
    n_corr = as_int(n_correlated, func, "n_correlated", low=0)
    if n_corr > n:
        raise param_error(func, "n_correlated", f"at most n_inputs = {n}", n_correlated)
    c = as_float(correlation, func, "correlation", low=0.0, high=1.0, low_open=False)
    step = as_float(dt, func, "dt", "ms", low=0.0, high=1.0)
    n_snap = as_int(n_snapshots, func, "n_snapshots", low=2)
    n_rec = as_int(record_inputs, func, "record_inputs", low=0, high=n)
    seed = as_seed(seed, func)
    n_steps = round(dur_s * 1000.0 / step)
    _resources.check(func, memory=8.0 * (n_snap + 4) * n + n_steps * n_rec,
                     seconds=n_steps * float(n) / _SONG_SPEED,
                     what=f"{n:,} inputs x {n_steps:,} steps",
                     fix="use fewer inputs, fewer snapshots or a shorter duration")
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.0, r.w_max, n)
    snap_every = max(1, n_steps // (n_snap - 1))
    snaps = np.empty((n_snap, n))
    counts = np.zeros((n_steps if n_rec else 0, n_rec), dtype=np.int8)
    spikes = _stdp().song_abbott(n_steps, step, rate, n, n_corr, c, w, seed, nrn.tau_m, nrn.e_l,
                               nrn.e_e, nrn.v_th, nrn.v_reset, nrn.tau_e, nrn.g_max,
                               r.tau_plus, r.tau_minus, r.a_plus, r.a_minus, r.w_max,
                               snap_every, snaps, counts)
    t_snap = np.minimum(np.arange(n_snap) * snap_every * step, n_steps * step) / 1000.0
    near = (snaps < 0.1 * r.w_max) | (snaps > 0.9 * r.w_max)
    tail = spikes[spikes >= 0.8 * dur_s * 1000.0]
    return SongResult(t=t_snap, weights=snaps / r.w_max, bimodal_fraction=near.mean(axis=1),
                      output_rate=tail.size / (0.2 * dur_s), input_rate=rate,
                      correlated=np.arange(n_corr), post_spikes=spikes, input_counts=counts)


def song_network(neuron="song_abbott_2000", *, input_rate=None, n_inputs=None,
                 rule="stdp_pair_song_2000", dt=0.1):
    """The Song, Miller & Abbott (2000) experiment as a network spec (the catalog network
    ``song_abbott_2000`` with this neuron's values, inputs and rule), for either engine.
    Weights are in nS; the projection is named ``"stdp"``, the neuron's population
    ``"neuron"``."""
    return _song_network("song_network", neuron, input_rate, n_inputs, rule, dt)


def _song_neuron(func: str, neuron):
    """The catalog's Song & Abbott neuron named ``neuron``; anything but a name is refused as
    ``func``'s ``neuron``."""
    if not isinstance(neuron, (str, os.PathLike)):
        raise param_error(func, "neuron", "the Song & Abbott neuron (catalog "
                          "'song_abbott_2000' or a SongAbbottParams)", neuron, TypeError)
    return load_model(neuron)


def _song_network(func, neuron, input_rate, n_inputs, rule, dt):
    p = neuron if isinstance(neuron, SongAbbottParams) else _song_neuron(func, neuron)
    if not isinstance(p, SongAbbottParams):
        raise param_error(func, "neuron", "the Song & Abbott neuron (catalog "
                          "'song_abbott_2000' or a SongAbbottParams)", neuron, TypeError)
    rate = p.input_rate if input_rate is None else as_float(input_rate, func, "input_rate",
                                                            "Hz", low=0.0)
    n = int(p.n_inputs) if n_inputs is None else as_int(n_inputs, func, "n_inputs", low=1)
    r = load_rule(rule)
    net = load_network("song_abbott_2000", tau_m=p.tau_m, E_L=p.e_l, V_th=p.v_th,
                       V_reset=p.v_reset, E_e=p.e_e, tau_e=p.tau_e, g_max=p.g_max,
                       input_rate=rate, n_inputs=n)
    proj = net.projections[0]
    w_max = proj.w_max * r.w_max  # the rule's bound in units of g_max
    proj = dataclasses.replace(proj, plasticity=r, w_max=w_max, delay=dt,
                               weight=Dist("uniform", low=0.0, high=w_max))
    return net.replace(projections=(proj,), dt=dt)
