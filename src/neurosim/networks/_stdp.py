"""STDP synapses in Brian2, from the same rule parameters as neurosim.plasticity."""

from __future__ import annotations

import brian2 as b2
import numpy as np

from .._core import resources as _resources
from .._core.validation import as_int, as_seed, param_error
from ..catalog import PairSTDPParams
from ..plasticity import _song_network, load_rule
from ._groups import brian2_state

__all__ = ["build_song_abbott_2000", "build_stdp_synapses", "run_stdp_pair"]


def _pair_code(r: PairSTDPParams):
    mult = r.weight_dependence == "multiplicative"
    dep = "a_minus*w*trace_b" if mult else "a_minus*w_max*trace_b"
    pot = "a_plus*(w_max - w)*trace_a" if mult else "a_plus*w_max*trace_a"
    set_pre = "trace_a = 1" if r.pairing == "nearest" else "trace_a += 1"
    set_post = "trace_b = 1" if r.pairing == "nearest" else "trace_b += 1"
    # trace_a follows presynaptic spikes, trace_b postsynaptic ones (Brian2 reserves the
    # _pre / _post suffixes)
    model = """
    w : 1
    dtrace_a/dt = -trace_a/tau_plus : 1 (event-driven)
    dtrace_b/dt = -trace_b/tau_minus : 1 (event-driven)
    """
    on_pre = f"w = clip(w + {dep}, 0, w_max)\n{set_pre}"
    on_post = f"w = clip(w + {pot}, 0, w_max)\n{set_post}"
    ns = {"tau_plus": r.tau_plus * b2.ms, "tau_minus": r.tau_minus * b2.ms,
          "a_plus": r.a_plus, "a_minus": r.a_minus, "w_max": r.w_max}
    return model, on_pre, on_post, ns


def _triplet_code(r):
    model = """
    w : 1
    dr1/dt = -r1/tau_plus : 1 (event-driven)
    dr2/dt = -r2/tau_x : 1 (event-driven)
    do1/dt = -o1/tau_minus : 1 (event-driven)
    do2/dt = -o2/tau_y : 1 (event-driven)
    """
    on_pre = "w = clip(w - w_max*o1*(a2_minus + a3_minus*r2), 0, w_max)\nr1 += 1\nr2 += 1"
    on_post = "w = clip(w + w_max*r1*(a2_plus + a3_plus*o2), 0, w_max)\no1 += 1\no2 += 1"
    ns = {"tau_plus": r.tau_plus * b2.ms, "tau_minus": r.tau_minus * b2.ms,
          "tau_x": r.tau_x * b2.ms, "tau_y": r.tau_y * b2.ms, "a2_plus": r.a2_plus,
          "a3_plus": r.a3_plus, "a2_minus": r.a2_minus, "a3_minus": r.a3_minus,
          "w_max": r.w_max}
    return model, on_pre, on_post, ns


def build_stdp_synapses(pre, post, rule="stdp_pair_song_2000", *, w0=0.5, effect="",
                        connect=True, name="stdp", dt=None, namespace=None):
    """Plastic ``brian2.Synapses`` from ``pre`` to ``post`` following a catalog STDP rule.

    Arguments:
        pre, post: Brian2 groups.
        rule: rule parameters or catalog name (pair or triplet), as for
            :func:`neurosim.plasticity.apply_stdp`; the two engines agree spike for spike.
        w0: initial weight of every synapse.
        effect: statement run on each presynaptic spike before the update, e.g.
            ``"g_e_post += w*g_max"`` or ``"v_post += w*mV"`` (default: none).
        connect: passed to ``Synapses.connect`` (True: all to all; or a dict of its keywords).
        name: the object's name.
        namespace: extra names the ``effect`` uses (e.g. ``{"g_max": 0.01}``).

    Returns:
        The ``brian2.Synapses`` (add it to your Network).
    """
    r = load_rule(rule)
    if not 0.0 <= w0 <= r.w_max:
        raise param_error("build_stdp_synapses", "w0", f"in [0, {r.w_max:g}]", w0)
    model, on_pre, on_post, ns = (_pair_code(r) if isinstance(r, PairSTDPParams)
                                  else _triplet_code(r))
    if effect:
        on_pre = f"{effect}\n{on_pre}"
    ns = {**ns, **(namespace or {})}
    kwargs = {} if dt is None else {"dt": dt * b2.ms}
    syn = b2.Synapses(pre, post, model=model, on_pre=on_pre, on_post=on_post, namespace=ns,
                      method="exact", name=name, **kwargs)
    if isinstance(connect, dict):
        syn.connect(**connect)
    elif connect is True:
        syn.connect()
    else:
        syn.connect(connect)
    syn.w = w0
    return syn


def run_stdp_pair(pre_times, post_times, rule="stdp_pair_song_2000", w0=0.5, dt=0.1,
                  target="numpy"):
    """One synapse driven by given spike times in Brian2; returns the weight after each step
    as (t in ms, w). Spike times are put on the dt grid (use multiples of dt)."""
    pre_times = np.asarray(pre_times, dtype=float)
    post_times = np.asarray(post_times, dtype=float)
    end = float(max(pre_times.max(initial=0.0), post_times.max(initial=0.0))) + 2 * dt
    with brian2_state(target):
        pre = b2.SpikeGeneratorGroup(1, np.zeros(pre_times.size, dtype=int),
                                     pre_times * b2.ms, dt=dt * b2.ms, name="pre")
        post = b2.SpikeGeneratorGroup(1, np.zeros(post_times.size, dtype=int),
                                      post_times * b2.ms, dt=dt * b2.ms, name="post")
        syn = build_stdp_synapses(pre, post, rule, w0=w0, name="syn", dt=dt)
        mon = b2.StateMonitor(syn, "w", record=0, dt=dt * b2.ms, name="w_monitor",
                              when="end")
        net = b2.Network(pre, post, syn, mon)
        net.run(end * b2.ms, namespace={})
    return np.asarray(mon.t[:] / b2.ms), np.asarray(mon.w[0])


class SongAbbottNetwork:
    """The Song, Miller & Abbott (2000) network spec (:func:`neurosim.plasticity.song_network`)
    on the network's Brian2 engine; ``run(seconds)`` runs it from its initial weights and
    returns the final weights (in units of the rule's w_max) and the output spike times
    (ms)."""

    def __init__(self, spec, seed, target):
        self.spec, self.seed, self.target = spec, seed, target

    def run(self, seconds):
        res = self.spec.run(seconds * 1000.0, engine="brian2", target=self.target,
                            seed=self.seed)
        w_max = self.spec.w_max(self.spec.projections[0])
        return res.weights["stdp"] / w_max, res.spike_times["neuron"][0]


def build_song_abbott_2000(*, neuron="song_abbott_2000", input_rate=None, n_inputs=None,
                           rule="stdp_pair_song_2000", seed=0, target="numpy",
                           dt=0.1) -> SongAbbottNetwork:
    """The Song, Miller & Abbott (2000) experiment on Brian2: the network spec of
    :func:`neurosim.plasticity.song_network` (the same catalog entries as
    :func:`neurosim.plasticity.song_abbott_2000`), run by the network's Brian2 engine, which
    draws the Poisson inputs from Brian2's generator seeded with ``seed``."""
    func = "build_song_abbott_2000"
    n = None if n_inputs is None else as_int(n_inputs, func, "n_inputs", low=1)
    _resources.check(func, memory=float(n or 1000) * 200.0,
                     what=f"{n or 1000:,} plastic synapses", fix="use fewer inputs")
    spec = _song_network(func, neuron, input_rate, n, rule, dt)
    return SongAbbottNetwork(spec, as_seed(seed, func), target)
