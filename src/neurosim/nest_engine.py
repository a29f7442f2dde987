"""The NEST engine of :class:`neurosim.Network`: the same spec and the same drawn graph as the
Numba and Brian2 engines, built as NEST nodes and connections (``nest-simulator`` from the
package index: ``pip install ".[nest]"`` from this checkout). The only module that imports nest.

A population runs as NEST's own model of its neuron (the registry's
:class:`~neurosim.registry.NestSpec`): LIF as ``iaf_psc_delta``, ``iaf_psc_exp`` or
``iaf_cond_exp``, AdEx as ``aeif_psc_delta``, ``aeif_psc_exp`` or ``aeif_cond_exp``, Izhikevich
as ``izhikevich`` (the paper's scheme), chosen by the kind of the synapses onto it;
Hodgkin-Huxley as ``hh_psc_alpha`` when only currents drive it (its synapses are alpha-shaped,
a kind neurosim's networks do not have; it reports a spike at the peak, neurosim's engines
where V rises through 0 mV). A NEST
neuron has two synaptic receptors (excitatory, inhibitory; a weight's sign picks one), so a
population takes one kind of synapse through at most two ports: for conductances the port with
the higher reversal potential is the excitatory one; for currents, the port whose weights are
positive. Plastic projections with a pair rule run as NEST's ``stdp_synapse`` (all-to-all) or
``stdp_nn_symm_synapse`` (nearest spikes), additive or multiplicative; NEST has no triplet rule
of this form. Spike sources are ``spike_generator`` nodes (spikes on the grid, as the other
engines emit them), Poisson sources ``parrot_neuron`` nodes each fed its own Poisson train,
Poisson inputs ``poisson_generator`` nodes (every target its own train) and time-varying
currents ``step_current_generator`` nodes.

NEST stamps a spike at the end of the step in which it happened, as neurosim does, and delivers
it after the connection's delay. Where the arithmetic is the same, so are the spikes: LIF with
current synapses (``iaf_psc_exp`` integrates exactly, as the Numba engine does: spikes and V to
rounding) and LIF with delta synapses and no refractory period. Where it differs:

- NEST drops a delta input that arrives in the last step of a refractory period (the Numba and
  Brian2 engines take it), and its recorded V includes the jumps that arrive at t (theirs is
  the left limit);
- it integrates AdEx and the conductance LIF with an adaptive Runge-Kutta step (the Numba
  engine: forward Euler, exponential Euler), and spreads an Izhikevich neuron's delta input
  over its step;
- a Poisson input's spikes arrive a step later (NEST's smallest delay) from NEST's generator,
  and a step-current generator's current a step later;
- NEST counts an STDP synapse's delay as dendritic (a post spike is seen a delay later), the
  other engines as axonal (a pre spike acts a delay later): a pair's interval differs by twice
  the delay.

So the chaotic networks agree statistically (Brunel's four states and COBA: rates within 6 %,
CV within 0.06; ``benchmarks/nest_engine.py``). The model's step limit (``dt_max``) is held by
``Network.run`` before any engine runs; its blow-up bounds are checked on every neuron's final
state and every recorded V when NEST's run ends (NEST cannot be stopped inside its step), as on
the Brian2 engine, and NEST's own numerical-instability error becomes a SimulationError. NEST
runs in an interpreter of its own (see :func:`run_nest`).
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import registry
from ._core.validation import (
    InvalidInput,
    MissingExtra,
    SimulationError,
    install_hint,
    param_error,
)
from .network._result import check_final_bounds, network_result
from .network._spec import PoissonSource, SpikeSource, register_engine, spike_reset
from .result import SpikeTrains


def _nest():
    """The nest module, quiet (no banner), or an error that says how to install it."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    try:
        import nest
    except ImportError:
        raise MissingExtra("Network.run(engine='nest') needs NEST (nest-simulator): "
                           + install_hint("nest")) from None
    nest.verbosity = nest.VerbosityLevel.ERROR
    return nest


def nest_models() -> list[str]:
    """The registered models the NEST engine runs (those whose registry entry names NEST's
    model)."""
    return [name for name in registry.network_models() if registry.get(name).nest is not None]


def _refuse(where: str, expected: str, given) -> None:
    raise param_error("Network.run", where, f"{expected} on the nest engine", given)


def _plan(net, conn):
    """Per neuron population: (its registry entry, the synapse kind onto it, port -> the
    receptor sign (+1 excitatory, -1 inhibitory), the NEST synapse parameters of its ports)."""
    ports = net.ports()
    plans = {}
    for pop in net.neurons:
        spec = registry.get(pop.model)
        if spec.nest is None:
            _refuse(f"populations.{pop.name}.model", "a model NEST has: one of "
                    + ", ".join(nest_models()), pop.model)
        mine = {name: port for name, port in ports.items() if pop.name in port[3]}
        kinds = {port[0] for port in mine.values()}
        delta = any(p.synapse == "delta" and p.post == pop.name for p in net.projections) \
            or any(i.synapse == "delta" and i.target == pop.name for i in net.inputs)
        if len(kinds) > 1 or (kinds and delta):
            _refuse(f"populations.{pop.name}", "synapses of one kind onto a population (a NEST "
                    "neuron model takes one)", sorted(kinds | {"delta"}))
        if kinds:
            kind = kinds.pop()
        else:  # delta synapses, or none: a model may have a NEST model for the latter alone
            kind = "none" if not delta and "none" in spec.nest.models else "delta"
        if kind not in spec.nest.models:
            takes = [k for k in spec.nest.models if k != "none"]
            _refuse(f"populations.{pop.name}", f"synapses NEST's {spec.label} takes: "
                    + ", ".join(takes) if takes else f"no synapses onto it (NEST's "
                    f"{spec.nest.models['none']} takes alpha-shaped currents, a kind "
                    "neurosim's networks do not have)", kind)
        if len(mine) > 2:
            _refuse(f"populations.{pop.name}", "at most two ports onto a population (NEST's "
                    "excitatory and inhibitory receptors)", list(mine))
        signs, syn = _receptors(net, conn, pop, kind, mine)
        plans[pop.name] = (spec, kind, signs, syn)
    return plans


def _port_weights(net, conn, pop_name, port_name):
    """Every weight that goes through a port onto a population."""
    out = [np.asarray(w) for proj, w in zip(net.projections, conn.weight, strict=True)
           if proj.post == pop_name and proj.synapse != "delta" and proj.port_name == port_name]
    out += [np.atleast_1d(float(i.weight)) for i in net.inputs
            if i.target == pop_name and i.synapse != "delta" and i.port_name == port_name]
    return np.concatenate(out) if out else np.zeros(0)


def _receptors(net, conn, pop, kind, mine):
    if kind in ("delta", "none"):
        return {}, {}
    names = list(mine)
    if kind == "exp_conductance":
        # the higher reversal potential is the excitatory receptor
        names.sort(key=lambda name: -mine[name][2])
        signs = {name: s for name, s in zip(names, (1.0, -1.0), strict=False)}
        ex, inh = mine[names[0]], mine[names[-1]]
        syn = {"E_ex": ex[2], "tau_syn_ex": ex[1], "E_in": inh[2], "tau_syn_in": inh[1]}
        for name in names:
            w = _port_weights(net, conn, pop.name, name)
            if w.size and w.min() < 0:
                _refuse(f"populations.{pop.name}", "conductance weights >= 0", float(w.min()))
        return signs, syn
    # currents: the sign of a weight picks the receptor, so a port's weights must share one
    if len(names) == 1:
        tau = mine[names[0]][1]
        return {names[0]: 1.0}, {"tau_syn_ex": tau, "tau_syn_in": tau}
    signs = {}
    for name in names:
        w = _port_weights(net, conn, pop.name, name)
        if w.size and w.min() < 0 < w.max():
            _refuse(f"populations.{pop.name}", f"current weights of one sign through each of "
                    f"two ports (port {name!r} has both)", [float(w.min()), float(w.max())])
        signs[name] = -1.0 if w.size and w.min() < 0 else 1.0
    if sorted(signs.values()) != [-1.0, 1.0]:
        _refuse(f"populations.{pop.name}", "two current ports of opposite signs (NEST's "
                "excitatory and inhibitory receptors)", list(mine))
    ex = next(mine[n] for n in names if signs[n] > 0)
    inh = next(mine[n] for n in names if signs[n] < 0)
    return {n: 1.0 for n in names}, {"tau_syn_ex": ex[1], "tau_syn_in": inh[1]}


def _weight_factor(plan, synapse, port_name, dt):
    spec, _, signs, _ = plan
    per_step = 1.0 / dt if synapse == "delta" and spec.nest.delta_per_step else 1.0
    return spec.nest.weight[synapse] * signs.get(port_name, 1.0) * per_step


def run_nest(net, conn, steps: int, seed: int, target: str = "numpy",
             n_threads: int | None = None, progress: bool = False):
    """Run ``net`` with the graph ``conn`` for ``steps`` steps on NEST (``target`` is
    Brian2's and ignored here; ``n_threads``: NEST's threads), in a process of its own.

    NEST's wheel brings an OpenMP runtime of its own, and a process whose Numba kernels have
    started theirs (Numba's ``omp`` threading layer) crashes in NEST's next ResetKernel: so
    NEST always runs in a fresh interpreter (about a second to start), which also keeps its
    kernel, a global of the nest module, apart from the caller's own NEST sessions. The spec
    and the graph go to it, the spikes, traces and weights come back."""
    if importlib.util.find_spec("nest") is None:
        _nest()  # (says how to install it)
    plans = _plan(net, conn)  # (refuses what NEST cannot run before a process is started)
    for proj in net.projections:
        if proj.plasticity:
            _stdp_rule(net, proj, _weight_factor(plans[proj.post], proj.synapse,
                                                 proj.port_name, net.dt))
    with tempfile.TemporaryDirectory(prefix="neurosim_nest_") as tmp:
        ask, answer = Path(tmp, "ask.pickle"), Path(tmp, "answer.pickle")
        ask.write_bytes(pickle.dumps((net, conn, steps, seed, n_threads, progress),
                                     protocol=pickle.HIGHEST_PROTOCOL))
        # a new interpreter (not multiprocessing's spawn, which would run the caller's
        # script again where it has no __main__ guard) that finds this neurosim
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from neurosim.nest_engine import _child; "
             "_child(sys.argv[1], sys.argv[2])", str(ask), str(answer)],
            env=env, stderr=subprocess.PIPE, text=True, check=False)
        if not answer.exists():
            raise SimulationError(
                f"Network.run (engine='nest'): NEST's process ended with code "
                f"{done.returncode} and no result; it said: {done.stderr.strip()[-800:]!r}")
        ok, out = pickle.loads(answer.read_bytes())
    if not ok:
        raise out
    trains, v_out, timings, weights = out
    return network_result(net, conn, steps, trains, v_out, timings,
                          f"Network.run(engine='nest', seed={seed}, n_threads={n_threads})",
                          weights)


def _child(ask: str, answer: str) -> None:
    """NEST's process: run what ``ask`` holds, write (True, the run's pieces) or (False, the
    error) to ``answer``."""
    args = pickle.loads(Path(ask).read_bytes())
    try:
        out = (True, _run_here(*args))
    except (InvalidInput, SimulationError, MissingExtra) as exc:
        out = (False, exc)
    Path(answer).write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


def _run_here(net, conn, steps, seed, n_threads, progress):
    """The NEST run itself, in the process NEST lives in: (spike trains, traces, timings,
    plastic weights)."""
    nest = _nest()
    dt = net.dt
    plans = _plan(net, conn)
    rules = {k: _stdp_rule(net, proj, _weight_factor(plans[proj.post], proj.synapse,
                                                     proj.port_name, dt))
             for k, proj in enumerate(net.projections) if proj.plasticity}
    for src in net.sources:
        if isinstance(src, SpikeSource) and any(
                np.asarray(tr).size and np.asarray(tr).min() <= 0.0 for tr in src.times):
            _refuse(f"populations.{src.name}.times", "spike times > 0 ms", 0.0)
    plastic_pre = {proj.pre for proj in net.projections if proj.plasticity}
    t_build = time.perf_counter()
    nest.ResetKernel()
    nest.set(resolution=dt, rng_seed=int(seed) % (2**31 - 2) + 1,
             local_num_threads=int(n_threads or 1), print_time=bool(progress))
    nodes, recorders, meters = {}, {}, {}
    for pop in net.neurons:
        spec, kind, _, syn = plans[pop.name]
        p = conn.params[pop.name]
        g = nest.Create(spec.nest.models[kind], pop.size)
        values = {**spec.nest.params(p, kind), **syn}
        state = spec.initial_state(p, pop.size, conn.v0[pop.name], None)
        for q, (name, factor) in spec.nest.state.items():
            values[name] = state[q] * factor
        taus = {float(rule.tau_minus) for k, rule in rules.items()
                if net.projections[k].post == pop.name}
        if len(taus) > 1:  # NEST keeps the post trace's tau on the neuron: one a neuron
            _refuse(f"populations.{pop.name}", "plastic projections onto a population with "
                    "one tau_minus (NEST keeps it on the neuron)", sorted(taus))
        if taus:
            values["tau_minus"] = taus.pop()
        for name, init in conn.syn0.get(pop.name, {}).items():
            sign = plans[pop.name][2].get(name, 1.0)
            values["g_ex" if sign > 0 else "g_in"] = np.asarray(init, dtype=float)
        g.set({key: (np.broadcast_to(np.asarray(val, dtype=float), (pop.size,)).tolist()
                     if not isinstance(val, bool) else val) for key, val in values.items()})
        nodes[pop.name] = g
    for src in net.sources:
        if isinstance(src, PoissonSource):
            gen = nest.Create("poisson_generator", params={"rate": float(src.rate)})
            g = nest.Create("parrot_neuron", src.size)
            nest.Connect(gen, g, "all_to_all")
        else:
            # a spike at t leaves at the end of grid step ceil(t / dt), as on the other
            # engines; a plastic synapse takes spikes from neurons only: such a source's
            # generator feeds parrot neurons a step ahead
            relay = src.name in plastic_pre
            g = nest.Create("spike_generator", src.size)
            for k, train in enumerate(src.times):
                steps_at = np.ceil(np.asarray(train, dtype=float) / dt - 1e-9).astype(np.int64)
                at, count = np.unique(steps_at - relay, return_counts=True)
                if at.size and at[0] < 1:
                    _refuse(f"populations.{src.name}.times", f"spike times > dt = {dt:g} ms "
                            "(a source of a plastic projection)", float(np.min(train)))
                g[k].set(spike_times=(at * dt).tolist(),
                         spike_multiplicities=count.astype(np.int64).tolist())
            if relay:
                gen, g = g, nest.Create("parrot_neuron", src.size)
                nest.Connect(gen, g, "one_to_one", {"delay": dt})
        nodes[src.name] = g
    ids = {name: np.asarray(g.tolist(), dtype=np.int64) for name, g in nodes.items()}
    for k, (proj, pre, post, w, d) in enumerate(zip(net.projections, conn.pre, conn.post,
                                                    conn.weight, conn.delay, strict=True)):
        if not pre.size:
            continue
        plan = plans[proj.post]
        factor = _weight_factor(plan, proj.synapse, proj.port_name, dt)
        if proj.plasticity:
            w = np.asarray(w, dtype=np.float64)
            syn = _stdp(nest, net, proj, k, rules[k], factor)
        else:  # the Numba engine keeps static weights as float32: the same values here
            w = np.asarray(w, dtype=np.float32).astype(np.float64)
            syn = {"synapse_model": "static_synapse"}
        nest.Connect(ids[proj.pre][pre], ids[proj.post][post], "one_to_one",
                     {**syn, "weight": w * factor,
                      "delay": np.round(np.asarray(d, dtype=np.float64) / dt) * dt})
    for inp in net.inputs:
        plan = plans[inp.target]
        gen = nest.Create("poisson_generator", params={"rate": float(inp.rate) * inp.count})
        nest.Connect(gen, nodes[inp.target], "all_to_all",
                     {"weight": float(inp.weight) * _weight_factor(plan, inp.synapse,
                                                                   inp.port_name, dt),
                      "delay": dt})
    _currents(nest, net, steps, nodes, plans)
    for pop in [*net.neurons, *(s for s in net.sources if isinstance(s, PoissonSource))]:
        rec = nest.Create("spike_recorder")
        nest.Connect(nodes[pop.name], rec)
        recorders[pop.name] = rec
    for name, idx in net.record_v.items():
        meter = nest.Create("voltmeter", params={"interval": dt})
        nest.Connect(meter, nest.NodeCollection(sorted(set(
            ids[name][np.asarray(idx, dtype=np.int64)].tolist()))))
        meters[name] = meter
    t_run = time.perf_counter()
    try:
        nest.Simulate(steps * dt)
        t_end = time.perf_counter()
        if meters:
            # NEST hands a voltmeter its last min_delay of samples only when it runs on:
            # a little more run brings them (the spikes and states after it are dropped)
            nest.Simulate(nest.GetKernelStatus("min_delay"))
    except nest.NESTError as exc:
        raise SimulationError(
            f"Network.run (engine='nest') stopped: NEST says {str(exc).strip()!r}, with "
            f"dt = {dt:g} ms: use a smaller dt, or check the weights, the inputs and the "
            "parameters.") from None
    trains = {}
    for name, rec in recorders.items():
        ev = rec.get("events")
        first = int(ids[name][0]) if ids[name].size else 0
        times = np.asarray(ev["times"], np.float64)
        keep = times <= steps * dt + 1e-9
        trains[name] = SpikeTrains.from_pairs(np.asarray(ev["senders"], np.int64)[keep] - first,
                                              times[keep], net.population(name).size)
    v_out = {}
    for name, meter in meters.items():
        v_out[name] = _traces(meter, ids[name], net.record_v[name], conn.v0[name], steps, dt)
        names = spike_reset(net.population(name).model)
        if names is not None:  # shown as the other engines show it: reset at a spike
            p = conn.params[name]
            idx = np.asarray(net.record_v[name], dtype=np.int64)
            th, reset = names
            v_out[name] = np.where(v_out[name] >= p[th][idx], p[reset][idx], v_out[name])
    check_final_bounds(net, "nest", lambda pop, spec, q: np.asarray(
        nodes[pop.name].get(spec.nest.state[q][0]), dtype=float) / spec.nest.state[q][1], v_out)
    return (trains, v_out, {"build": t_run - t_build, "run": t_end - t_run},
            _plastic_weights(nest, net, ids, conn, plans))


def _traces(meter, ids, idx, v0, steps, dt):
    """A voltmeter's V as (steps + 1, k) rows, the first the initial V (NEST records from the
    end of the first step)."""
    ev = meter.get("events")
    senders = np.asarray(ev["senders"], dtype=np.int64)
    times = np.asarray(ev["times"], dtype=np.float64)
    values = np.asarray(ev["V_m"], dtype=np.float64)
    idx = np.asarray(idx, dtype=np.int64)
    out = np.empty((steps + 1, idx.size))
    out[0] = v0[idx]
    rows = np.round(times / dt).astype(np.int64)
    for col, j in enumerate(idx):
        sel = (senders == ids[j]) & (rows <= steps)
        out[rows[sel], col] = values[sel]
    return out


def _currents(nest, net, steps, nodes, plans):
    """The time-varying currents: a step_current_generator per column of the current table,
    onto the neurons that sum it."""
    if not net.currents:
        return
    table, columns = net.current_table(steps)
    dt = net.dt
    for pop in net.neurons:
        spec = plans[pop.name][0]
        cols = columns[pop.name]
        for c in np.unique(cols[cols > 0]):
            values = table[:, c] * spec.nest.current
            change = np.flatnonzero(np.r_[True, np.diff(values) != 0])
            # NEST's generator starts at its first step (dt), and its current reaches the
            # neuron a step later (NEST's smallest delay)
            times = np.maximum(change, 1) * dt
            keep = np.r_[times[1:] != times[:-1], True]
            gen = nest.Create("step_current_generator", params={
                "amplitude_times": times[keep].tolist(),
                "amplitude_values": values[change][keep].tolist()})
            targets = np.flatnonzero(cols == c)
            nest.Connect(gen, nodes[pop.name][targets.tolist()], "all_to_all", {"delay": dt})


def _stdp_rule(net, proj, factor):
    """A plastic projection's rule, which one of NEST's pair synapses must be able to run."""
    rule = net.rule(proj)
    if not hasattr(rule, "pairing"):
        _refuse(f"projections.{proj.label}.plasticity", "a pair STDP rule (NEST's "
                "stdp_synapse and stdp_nn_symm_synapse)", proj.plasticity)
    if factor < 0:
        _refuse(f"projections.{proj.label}", "a plastic projection onto an excitatory "
                "receptor", proj.label)
    return rule


def _stdp(nest, net, proj, k, rule, factor):
    """The pair rule as NEST's stdp_synapse (all-to-all) or stdp_nn_symm_synapse (nearest
    spikes), with lambda = a_plus and alpha = |a_minus| / a_plus: a pre spike adds
    lambda w_max K+ (times (1 - w / w_max) when multiplicative: mu = 1), a post spike takes
    alpha lambda w_max K- (times w / w_max when multiplicative)."""
    name = f"neurosim_stdp_{k}"
    mu = 1.0 if rule.weight_dependence == "multiplicative" else 0.0
    base = "stdp_synapse" if rule.pairing == "all_to_all" else "stdp_nn_symm_synapse"
    nest.CopyModel(base, name, {
        "tau_plus": float(rule.tau_plus), "lambda": float(rule.a_plus),
        "alpha": float(-rule.a_minus / rule.a_plus), "mu_plus": mu, "mu_minus": mu,
        "Wmax": float(net.w_max(proj) * factor)})
    return {"synapse_model": name}


def _plastic_weights(nest, net, ids, conn, plans):
    """The plastic projections' final weights, in the graph's order and neurosim's unit."""
    out = {}
    for k, proj in enumerate(net.projections):
        if not proj.plasticity:
            continue
        factor = _weight_factor(plans[proj.post], proj.synapse, proj.port_name, net.dt)
        c = nest.GetConnections(synapse_model=f"neurosim_stdp_{k}")
        src = np.atleast_1d(np.asarray(c.get("source"), dtype=np.int64))
        tgt = np.atleast_1d(np.asarray(c.get("target"), dtype=np.int64))
        w = np.atleast_1d(np.asarray(c.get("weight"), dtype=np.float64)) / factor
        # NEST lists connections in its own order: match them to the graph's pairs
        key = src * (int(tgt.max(initial=0)) + 1) + tgt
        want = ids[proj.pre][conn.pre[k]] * (int(tgt.max(initial=0)) + 1) + \
            ids[proj.post][conn.post[k]]
        order = np.argsort(key, kind="stable")
        out[proj.label] = w[order[np.searchsorted(key[order], want)]]
    return out


register_engine("nest", run_nest)
