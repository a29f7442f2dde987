"""The Brian2 engine of :class:`neurosim.Network`: the same spec and the same drawn graph as
the Numba engine, built as Brian2 objects and run on numpy, cython or cpp_standalone.

The two engines agree step for step: Brian2's schedule is set to (groups, synapses,
thresholds, resets), so in Brian2's step k the neurons advance to t_(k+1), the arrivals due at
t_(k+1) are added, and the threshold sees both, as in the Numba engine. Brian2 stamps that spike
t_k; the result gives it at t_(k+1), the end of the step in which it happened (neurosim's
convention). Brian2 delays are therefore one step shorter than the spec's, and a spike source's
spike at t is emitted in Brian2's step ceil(t / dt) - 1. Refractoriness is written out (V held
at the reset until t_ref after the spike; delta inputs meanwhile dropped) instead of Brian2's
built-in mechanism, whose threshold would ignore an input arriving at the very end of it.
Where they differ: a t_ref off the time grid ends inside a step in the Numba engine and at the
end of the step in Brian2; a constant drive's threshold crossing is timed inside the step by the
Numba engine (delta and no port input), on the grid here; Poisson inputs are drawn by different
generators.
"""

from __future__ import annotations

import re
import tempfile
import time

import brian2 as b2
import numpy as np

from .. import registry
from .._core.validation import UNITS, brian2_unit, param_error
from ..catalog import TripletSTDPParams
from ..network._result import check_final_bounds, network_result
from ..network._spec import PoissonSource, SpikeSource, spike_reset, weight_unit
from ..result import SpikeTrains
from ._groups import brian2_state
from ._stdp import _pair_code, _triplet_code

_SCHEDULE = ["start", "groups", "synapses", "thresholds", "resets", "end"]


def _ident(k: int) -> str:
    return f"syn{k}"


def run_brian2(net, conn, steps: int, seed: int, target: str = "numpy",
               n_threads: int | None = None, progress: bool = False):
    """Run ``net`` with the graph ``conn`` for ``steps`` steps on Brian2's ``target``."""
    for src in net.populations:
        if isinstance(src, SpikeSource) and any(
                np.asarray(tr).size and np.asarray(tr).min() <= 0.0 for tr in src.times):
            raise param_error("Network.run", f"populations.{src.name}.times",
                              "spike times > 0 ms on the brian2 engine (a spike at 0 would "
                              "have to leave Brian2 one step before the run)", 0.0)
    t_build = time.perf_counter()
    old_device = b2.get_device()
    directory = None
    if target == "cpp_standalone":
        directory = tempfile.mkdtemp(prefix="neurosim_network_")
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
        b2.device.reinit()
        b2.device.activate(directory=directory, build_on_run=False)
        if n_threads:
            b2.prefs.devices.cpp_standalone.openmp_threads = int(n_threads)
    try:
        with brian2_state(target):
            b2.seed(seed)
            objects, groups, monitors, states, plastic = _build(net, conn, steps)
            network = b2.Network(*objects)
            network.schedule = _SCHEDULE
            t_run = time.perf_counter()
            network.run(steps * net.dt * b2.ms, namespace={},
                        report="text" if progress else None)
            timings = {}
            if target == "cpp_standalone":
                b2.device.build(directory=directory, compile=True, run=True)
                # Brian2's own measure of the simulation alone; the rest is code generation
                # and compilation
                timings["brian2_run"] = float(b2.device._last_run_time)
            t_end = time.perf_counter()
            weights = {label: np.asarray(syn.w_syn[:], dtype=np.float64)
                       for label, syn in plastic.items()}
            trains, v_out = {}, {}
            for name, mon in monitors.items():
                trains[name] = SpikeTrains.from_pairs(
                    np.asarray(mon.i[:], dtype=np.int64),
                    np.asarray(mon.t[:] / b2.ms) + net.dt, net.population(name).size)
            for pop in net.neurons:
                if pop.name in states:
                    idx = np.asarray(net.record_v[pop.name])
                    rows = np.asarray(states[pop.name].v[:] / b2.mV).T[:steps]
                    # recorded before the threshold: a neuron the step took over threshold
                    # shows its reset, as in the Numba engine
                    p = conn.params[pop.name]
                    names = spike_reset(pop.model)
                    if names is not None:  # (HH is not reset)
                        th, reset = names
                        rows = np.where(rows >= p[th][idx], p[reset][idx], rows)
                    first = conn.v0[pop.name][idx]
                    v_out[pop.name] = np.vstack([first[None, :], rows])
            # (Brian2 cannot be stopped inside its step: the run is checked when it ends)
            check_final_bounds(net, "brian2", lambda pop, spec, q: np.asarray(
                getattr(groups[pop.name], q)[:] / brian2_unit(spec.state[q])), v_out)
    finally:
        if b2.get_device() is not old_device:
            b2.device.reinit()
            b2.set_device(old_device)
    timings.update({"build": t_run - t_build, "run": t_end - t_run})
    return network_result(net, conn, steps, trains, v_out, timings,
                          f"Network.run(engine='brian2', target={target!r}, seed={seed})",
                          weights)


def port_equations(ports, port_id, population, current="amp", conductance="siemens"):
    """Brian2 text for the ports onto ``population``: (the ports, the terms of the synaptic
    current, the decay equations), each port variable named ``port_id[name]``; a current port
    in the unit ``current`` (the model's input unit), a conductance port in ``conductance``."""
    mine = [(name, port) for name, port in ports.items() if population in port[3]]
    terms, eqs = [], []
    for name, (kind, tau, e_rev, _) in mine:
        x = port_id[name]
        if kind == "exp_current":
            terms.append(x)
            eqs.append(f"d{x}/dt = -{x} / ({tau!r} * ms) : {current}")
        else:
            terms.append(f"{x} * ({e_rev!r} * mV - v)")
            eqs.append(f"d{x}/dt = -{x} / ({tau!r} * ms) : {conductance}")
    return mine, terms, eqs


def _monitors(net, pop, g, objects, monitors, states):
    wanted = net.record_spikes == "all" or pop.name in net.record_spikes
    monitors[pop.name] = b2.SpikeMonitor(g, record=wanted, name=f"spikes_{pop.name}")
    objects.append(monitors[pop.name])
    if pop.name in net.record_v:
        states[pop.name] = b2.StateMonitor(
            g, "v", record=np.asarray(net.record_v[pop.name], dtype=int), when="groups",
            order=2, name=f"v_{pop.name}")
        objects.append(states[pop.name])


def _model_group(net, conn, pop, spec, ports, port_id, cur):
    """A population of a model other than LIF, from the registry's Brian2 equations, threshold
    and reset (Izhikevich by its own update code, AdEx by forward Euler), its input ``I`` the
    constant i_ext plus the ports."""
    b = spec.brian2
    unit = UNITS[spec.input_unit][1]
    g_unit = weight_unit("exp_conductance", pop.model)
    mine, terms, eqs = port_equations(ports, port_id, pop.name, unit, UNITS[g_unit][1])
    # the ports decay exactly after the model's step, as in the Numba engine (the model's own
    # scheme would take them along: forward Euler for AdEx)
    eqs = [re.sub(r"^d(\w+)/dt = .*:", r"\1 :", eq) for eq in eqs]
    fields = [(f.name, f.metadata["unit"]) for f in spec.params_cls.parameter_fields()
              if f.name not in b.skip]
    drive = " + ".join(["i_ext", *(["I_t"] if cur else []), *terms])
    lines = [b.equations, *eqs, f"I = {drive} : {unit}",
             *([f"I_t : {unit}", "col : integer (constant)"] if cur else []),
             f"i_ext : {unit} (constant)", "tspike : second", "t_ref : second (constant)",
             *(f"{name} : {UNITS[u][1]} (constant)" for name, u in fields)]
    extra = b.constants(conn.params[pop.name], None) if b.constants else {}
    lines += [f"{name} : {UNITS[u][1]} (constant)" for name, (_, u) in extra.items()]
    method = b.method if b.update is None else None
    kwargs = {"refractory": b.refractory} if b.refractory else {}
    g = b2.NeuronGroup(pop.size, "\n".join(lines), threshold=b.threshold,
                       reset="\n".join([*([b.reset] if b.reset else []), "tspike = t"]),
                       method=method, dt=net.dt * b2.ms, name=f"pop_{pop.name}",
                       namespace={"cur_ta": cur[0]} if cur else {}, **kwargs)
    if cur:
        _drive_current(g, cur)
    if b.update:
        g.run_regularly(b.update, when="groups", name=f"pop_{pop.name}_update")
    decay = "\n".join(f"{port_id[name]} = {port_id[name]} * {float(np.exp(-net.dt / port[1]))!r}"
                       for name, port in mine)
    if decay:
        g.run_regularly(decay, when="groups", order=3, name=f"pop_{pop.name}_ports")
    p = conn.params[pop.name]
    for name, u in fields:
        setattr(g, name, p[name] * brian2_unit(u))
    g.i_ext = p["i_ext"] * brian2_unit(spec.input_unit)
    for name, (values, u) in extra.items():
        setattr(g, name, np.broadcast_to(values, (pop.size,)) * brian2_unit(u))
    g.t_ref = 0 * b2.ms
    g.tspike = -1e9 * b2.second
    for key, values in spec.initial_state(p, pop.size, conn.v0[pop.name], None).items():
        setattr(g, key, values * brian2_unit(spec.state[key]))
    for name, values in conn.syn0.get(pop.name, {}).items():
        setattr(g, port_id[name], values * brian2_unit(weight_unit(ports[name][0], pop.model)))
    return g


def _currents(net, steps):
    """Per population with time-varying currents: (its TimedArray of the current table in its
    input unit, each neuron's column)."""
    if not net.currents:
        return {}
    table, columns = net.current_table(steps)
    out = {}
    for pop in net.neurons:
        if np.any(columns[pop.name] > 0):
            unit = brian2_unit(registry.get(pop.model).input_unit)
            out[pop.name] = (b2.TimedArray(table * unit, dt=net.dt * b2.ms), columns[pop.name])
    return out


def _drive_current(g, cur):
    """Set a group's I_t to its column of the current table at each step's start."""
    g.col = cur[1]
    g.run_regularly("I_t = cur_ta(t, col)", when="groups", order=-1,
                    name=f"{g.name}_current")


def _build(net, conn, steps):
    dt = net.dt
    ports = net.ports()
    port_id = {name: _ident(k) for k, name in enumerate(ports)}
    groups, objects, monitors, states = {}, [], {}, {}
    currents = _currents(net, steps)
    for pop in net.neurons:
        spec = registry.get(pop.model)
        cur = currents.get(pop.name)
        if spec.name != "lif":
            g = _model_group(net, conn, pop, spec, ports, port_id, cur)
            groups[pop.name] = g
            objects.append(g)
            _monitors(net, pop, g, objects, monitors, states)
            continue
        mine, terms, eqs = port_equations(ports, port_id, pop.name)
        drive = " + ".join(["i_ext", *(["I_t"] if cur else []), *terms])
        lines = [f"dv/dt = (v_rest - v + r_m * ({drive})) / tau_m : volt", *eqs,
                 *(["I_t : amp", "col : integer (constant)"] if cur else []),
                 "v_rest : volt (constant)", "r_m : ohm (constant)", "v_th : volt (constant)",
                 "v_reset : volt (constant)", "tau_m : second (constant)",
                 "t_ref : second (constant)", "i_ext : amp (constant)", "tspike : second"]
        conductance = any(port[0] == "exp_conductance" for _, port in mine)
        g = b2.NeuronGroup(pop.size, "\n".join(lines), threshold="v >= v_th",
                           reset="v = v_reset\ntspike = t",
                           method="exponential_euler" if conductance else "exact",
                           dt=dt * b2.ms, name=f"pop_{pop.name}",
                           namespace={"cur_ta": cur[0]} if cur else {})
        if cur:
            _drive_current(g, cur)
        p = conn.params[pop.name]
        g.v_rest = p["v_rest"] * b2.mV
        g.r_m = p["r_m"] * b2.Mohm
        g.v_th = p["v_th"] * b2.mV
        g.v_reset = p["v_reset"] * b2.mV
        g.tau_m = p["tau_m"] * b2.ms
        g.t_ref = p["t_ref"] * b2.ms
        g.i_ext = p["i_ext"] * b2.nA
        g.tspike = -1e9 * b2.second
        g.v = conn.v0[pop.name] * b2.mV
        for name, values in conn.syn0.get(pop.name, {}).items():
            unit = b2.nA if ports[name][0] == "exp_current" else b2.nS
            setattr(g, port_id[name], values * unit)
        # V held at the reset until t_ref after the spike (at the end of the spike's step)
        g.run_regularly("v = int(t - tspike < t_ref + 0.5 * dt) * v_reset + "
                        "(1 - int(t - tspike < t_ref + 0.5 * dt)) * v",
                        when="groups", order=1, name=f"pop_{pop.name}_hold")
        groups[pop.name] = g
        objects.append(g)
        _monitors(net, pop, g, objects, monitors, states)
    for src in net.sources:
        if isinstance(src, PoissonSource):
            g = b2.PoissonGroup(src.size, rates=float(src.rate) * b2.Hz, dt=dt * b2.ms,
                                name=f"src_{src.name}")
            groups[src.name] = g
            objects.append(g)
            if net.record_spikes == "all" or src.name in net.record_spikes:
                monitors[src.name] = b2.SpikeMonitor(g, name=f"spikes_{src.name}")
                objects.append(monitors[src.name])
            continue
        idx, stp = [], []
        for k, train in enumerate(src.times):
            idx.append(np.full(np.asarray(train).size, k, dtype=np.int64))
            stp.append(np.ceil(np.asarray(train, dtype=float) / dt - 1e-9).astype(np.int64))
        idx = np.concatenate(idx) if idx else np.zeros(0, np.int64)
        stp = np.concatenate(stp) if stp else np.zeros(0, np.int64)
        # a Brian2 generator spikes at most once a step: the m-th spike of a source within one
        # step goes to layer m (a copy of the source with the same synapses)
        order = np.lexsort((stp, idx))
        idx, stp = idx[order], stp[order]
        same = np.r_[False, (idx[1:] == idx[:-1]) & (stp[1:] == stp[:-1])]
        rank = np.zeros(idx.size, dtype=np.int64)
        for m in range(1, idx.size):
            if same[m]:
                rank[m] = rank[m - 1] + 1
        layers = []
        for m in range(int(rank.max()) + 1 if rank.size else 1):
            sel = rank == m
            layers.append(b2.SpikeGeneratorGroup(
                src.size, idx[sel], (stp[sel] - 1) * dt * b2.ms, dt=dt * b2.ms,
                name=f"src_{src.name}_{m}"))
        groups[src.name] = layers
        objects.extend(layers)
    gate = "int(t - tspike_post > t_ref_post - 0.5 * dt)"
    plastic = {}
    for k, (proj, pre, post, w, d) in enumerate(zip(net.projections, conn.pre, conn.post,
                                                    conn.weight, conn.delay, strict=True)):
        if proj.synapse == "delta":
            model, unit = "w : volt", b2.mV
            effect = f"v_post += w * {gate}"
        else:
            x = port_id[proj.port_name]
            unit_name = weight_unit(proj.synapse, net.population(proj.post).model)
            unit, model = brian2_unit(unit_name), f"w : {UNITS[unit_name][1]}"
            effect = f"{x}_post += w"
        on_post, ns = None, {}
        if proj.plasticity:
            # the weight is a number in the synapse's unit; the rule's code as in the STDP
            # builder, with the projection's bound
            rule = net.rule(proj)
            model, on_pre, on_post, ns = (_triplet_code(rule) if isinstance(
                rule, TripletSTDPParams) else _pair_code(rule))
            ns["w_max"] = net.w_max(proj)
            effect = effect.replace("+= w", "+= w * w_unit")
            ns["w_unit"] = unit
            on_pre = f"{effect}\n{on_pre}"
        else:
            on_pre = effect
        # the synapse's weight is w_syn (AdEx has a w of its own)
        model, on_pre, on_post = (None if text is None else re.sub(r"\bw\b", "w_syn", text)
                                  for text in (model, on_pre, on_post))
        pres = groups[proj.pre] if isinstance(groups[proj.pre], list) else [groups[proj.pre]]
        if proj.plasticity and len(pres) > 1:
            raise param_error("Network.run", f"projections.{proj.label}.pre", "a spike source "
                              "that fires at most once a step (a plastic projection on the "
                              "brian2 engine)", proj.pre)
        for m, source in enumerate(pres):
            syn = b2.Synapses(source, groups[proj.post], model=model, on_pre=on_pre,
                              on_post=on_post, dt=dt * b2.ms, name=f"proj{k}_{m}",
                              namespace={**ns, "mV": b2.mV, "nA": b2.nA, "nS": b2.nS},
                              method="exact")
            syn.connect(i=np.asarray(pre, dtype=np.int64), j=np.asarray(post, dtype=np.int64))
            if pre.size:
                if proj.plasticity:  # plastic weights are float64 in both engines
                    syn.w_syn = np.asarray(w, dtype=np.float64)
                else:  # the Numba engine stores weights as float32: the same values here
                    syn.w_syn = np.asarray(w, dtype=np.float32).astype(np.float64) * unit
                syn.delay = (np.round(np.asarray(d) / dt) - 1.0) * dt * b2.ms
            objects.append(syn)
            if proj.plasticity:
                plastic[proj.label] = syn
    for inp in net.inputs:
        if inp.synapse == "delta":
            var, weight = "v", f"{float(inp.weight)!r} * mV * {gate.replace('_post', '')}"
        else:
            var = port_id[inp.port_name]
            unit_name = weight_unit(inp.synapse, net.population(inp.target).model)
            # in SI: the weight's value times the SI unit's name
            si = float(np.asarray(float(inp.weight) * brian2_unit(unit_name)))
            weight = f"{si!r} * {UNITS[unit_name][1]}"
        objects.append(b2.PoissonInput(groups[inp.target], var, int(inp.count),
                                       float(inp.rate) * b2.Hz, weight=weight))
    return objects, groups, monitors, states, plastic
