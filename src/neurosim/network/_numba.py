"""The Numba engine of :class:`neurosim.Network`: the spec and its drawn connectivity in, a
:class:`NetworkResult` out (see :mod:`neurosim._kernels._network` for the scheme). It registers
itself with ``Network.run`` when imported (``import neurosim`` does)."""

from __future__ import annotations

import contextlib
import time

import numpy as np

from .. import registry
from .._core import resources as _resources
from .._core.validation import SimulationError, param_error
from .._single.runner import progress_bar
from ..catalog import TripletSTDPParams
from ..result import SpikeTrains
from ._result import NetworkResult, network_result
from ._spec import PoissonSource, register_engine, spike_reset

SPIKE_BUFFER = 2_000_000  # spikes held between two emptyings of the kernel's buffer
MAX_DELAY_STEPS = 65_535  # delays are stored as uint16 steps


@contextlib.contextmanager
def _threads(n: int):
    """Numba's thread count set to ``n`` (at most the threads Numba has) for the threaded
    kernel, and restored. The synapses are cut into ``n`` parts whatever it gets."""
    if n == 1:
        yield
        return
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(old)


def run_numba(net, conn, steps: int, seed: int, n_threads: int = 1,
              progress: bool = False) -> NetworkResult:
    from .._kernels import _network

    t_build = time.perf_counter()
    dt = net.dt
    # neurons laid out by model, in the registry's network order: LIF, then one group per
    # other model (empty where the network has none, so one kernel serves every network)
    order = registry.network_models()
    kinds = {pop.name: registry.get(pop.model).name for pop in net.neurons}
    pops = sorted(net.neurons, key=lambda pop: order.index(kinds[pop.name]))
    offsets, n = {}, 0
    for pop in pops:
        offsets[pop.name] = n
        n += pop.size
    src_offsets, m = {}, n
    sources = net.sources
    for src in sources:
        src_offsets[src.name] = m
        m += src.size
    first = {**offsets, **src_offsets}

    p, u, du, mp, hg = _model_arrays(net, conn, pops, kinds, n)
    specs = [registry.get(kind) for kind in order]
    sizes = [sum(pop.size for pop in pops if kinds[pop.name] == spec.name) for spec in specs]
    n_lif = sizes[0]  # (the engine's own exact model comes first)
    ends = np.cumsum(sizes, dtype=np.int64)
    glo, ghi = (ends - sizes)[1:], ends[1:]  # the other models' groups
    n_reset = int(sum(size for spec, size in zip(specs, sizes, strict=True)
                      if spec.network.spike != "crossing"))
    if net.currents:
        cur_tab, columns = net.current_table(steps)
        cur_col = np.concatenate([columns[pop.name] for pop in pops])
    else:  # (none: no table of steps, no pass over the neurons to build one)
        cur_tab, cur_col = np.zeros((1, 1)), np.zeros(n, dtype=np.int64)
    cur_idx = np.flatnonzero(cur_col > 0).astype(np.int64)
    v = np.concatenate([conn.v0[pop.name] for pop in pops]).astype(np.float64)
    ports = net.ports()
    port_of = {name: 1 + k for k, name in enumerate(ports)}
    port_of["v"] = 0
    # synapses by target part, then by source (CSR): a counting sort, projection by
    # projection; a part is a range of targets, delivered by one thread
    n_parts = max(1, min(n_threads, n))
    part_size = -(-n // n_parts) if n else 1
    counts = np.zeros((n_parts, m), dtype=np.int64)
    for proj, pre, post, dl in zip(net.projections, conn.pre, conn.post, conn.delay,
                                   strict=True):
        if proj.plasticity:  # plastic synapses are kept apart (_plastic)
            continue
        if dl.size and np.round(dl.max() / dt) > MAX_DELAY_STEPS:
            raise param_error("Network.run", f"projections.{proj.label}.delay",
                              f"at most {MAX_DELAY_STEPS} steps ({MAX_DELAY_STEPS * dt:g} ms)",
                              float(dl.max()))
        key = pre.astype(np.int64) + first[proj.pre]
        if n_parts > 1:
            key += (post.astype(np.int64) + offsets[proj.post]) // part_size * m
        counts += np.bincount(key, minlength=n_parts * m).reshape(n_parts, m)
    flat_start = np.zeros(n_parts * m + 1, dtype=np.int64)
    np.cumsum(counts.ravel(), out=flat_start[1:])
    # indptr[q, a]: where part q's synapses of source a start; indptr[q, m]: where part q ends
    indptr = np.empty((n_parts, m + 1), dtype=np.int64)
    indptr[:, :m] = flat_start[:-1].reshape(n_parts, m)
    indptr[:, m] = flat_start[m::m]
    n_syn = int(flat_start[-1])
    if (1 + len(ports)) * n >= 2**32:
        raise param_error("Network.run", "populations", "fewer than 2**32 / (1 + ports) "
                          "neurons in all (synapses address them with 32 bits)", n)
    off = np.empty(n_syn, dtype=np.uint32)
    w = np.empty(n_syn, dtype=np.float32)
    dly = np.empty(n_syn, dtype=np.uint16)
    pos = indptr[:, :m].copy()
    for proj, pre, post, wt, dl in zip(net.projections, conn.pre, conn.post, conn.weight,
                                       conn.delay, strict=True):
        if proj.plasticity:
            continue
        _network.csr_scatter(pos, pre, first[proj.pre], post, offsets[proj.post],
                             port_of[proj.port_name] * n, part_size,
                             np.asarray(wt, dtype=np.float64), np.asarray(dl, dtype=np.float64),
                             dt, off, w, dly)
    has_delta = any(proj.synapse == "delta" for proj in net.projections) or \
        any(i.synapse == "delta" for i in net.inputs)
    max_d = max(int(dly.max()) if dly.size else 1,
                max((round(float(d[0]) / dt) for proj, d in zip(net.projections, conn.delay,
                                                                   strict=True)
                     if proj.plasticity and d.size), default=1))
    ring = np.zeros((max_d + 2, 1 + len(ports), n))
    isyn = np.zeros((len(ports), n))
    for name, init in conn.syn0.items():
        for port, values in init.items():
            isyn[port_of[port] - 1, offsets[name]:offsets[name] + values.size] = values
    # spike sources: each spike is emitted at the grid step ceil(t / dt)
    ev_step, ev_id = [], []
    for src in sources:
        if isinstance(src, PoissonSource):
            continue
        for k, train in enumerate(src.times):
            tr = np.asarray(train, dtype=float)
            ev_step.append(np.ceil(tr / dt - 1e-9).astype(np.int64))
            ev_id.append(np.full(tr.size, src_offsets[src.name] + k, dtype=np.int64))
    ev_step = np.concatenate(ev_step) if ev_step else np.zeros(0, np.int64)
    ev_id = np.concatenate(ev_id) if ev_id else np.zeros(0, np.int64)
    ev_order = np.argsort(ev_step, kind="stable")
    ev_step, ev_id = ev_step[ev_order], ev_id[ev_order]
    # Poisson inputs
    pin = [(offsets[i.target], offsets[i.target] + net.population(i.target).size,
            i.count * i.rate * dt / 1000.0, float(i.weight),
            port_of[i.port_name]) for i in net.inputs]
    pin_lo = np.array([x[0] for x in pin], dtype=np.int64)
    pin_hi = np.array([x[1] for x in pin], dtype=np.int64)
    pin_lam = np.array([x[2] for x in pin], dtype=np.float64)
    pin_w = np.array([x[3] for x in pin], dtype=np.float64)
    pin_chan = np.array([x[4] for x in pin], dtype=np.int64)
    psrc = [src for src in sources if isinstance(src, PoissonSource)]
    psrc_lo = np.array([src_offsets[g.name] for g in psrc], dtype=np.int64)
    psrc_hi = psrc_lo + np.array([g.size for g in psrc], dtype=np.int64)
    psrc_p = np.array([g.rate * dt / 1000.0 for g in psrc], dtype=np.float64)
    n_psrc = int(sum(g.size for g in psrc))
    # recording
    rec_pops = [pop.name for pop in pops if pop.name in net.record_v]
    rec_idx = np.concatenate([np.asarray(net.record_v[name], dtype=np.int64) + offsets[name]
                              for name in rec_pops]) if rec_pops else np.zeros(0, np.int64)
    rec_unique, rec_back = np.unique(rec_idx, return_inverse=True)
    rec_v = np.empty((steps + 1 if rec_idx.size else 0, rec_unique.size))
    if rec_idx.size:
        rec_v[0] = v[rec_unique]
    lif = registry.get("lif").kernel
    lif_p = {key: a[:n_lif] for key, a in p.items()}
    # the strongest drive a neuron gets: its constant current plus its column's largest
    top = lif_p["i_ext"] + cur_tab.max(axis=0, initial=0.0)[cur_col[:n_lif]]
    max_ev = 1 + lif.max_events(lif_p, top[None, :], dt) if n_lif else 1
    cap = max(SPIKE_BUFFER, 2 * (n * max_ev + n_psrc))
    # the buffer (16 bytes a slot) and, within the margin, the per-step outputs and copies
    _resources.check(
        "Network.run", memory=(16.0 + 24.0) * cap,
        what=f"spike buffers for up to {max_ev:,} spikes a LIF neuron in one step of {dt:g} ms",
        fix="give the LIF neurons a refractory period (t_ref > 0) or lower their drive")
    spk_id, spk_t = np.empty(cap, dtype=np.int64), np.empty(cap)
    spk_n = np.zeros(1, dtype=np.int64)
    out_src = np.empty(n * max_ev + n_psrc + 1, dtype=np.int64)
    per_step = n * max_ev + n_psrc + (int(np.bincount(ev_step).max()) if ev_step.size else 0)
    pl, plastic = _plastic(net, conn, first, offsets, port_of, n, m, per_step, n * max_ev)
    out_step = np.empty_like(out_src)
    ref = np.zeros(n)
    tau_port = np.array([pt[1] for pt in ports.values()], dtype=np.float64)
    port_cond = np.array([pt[0] == "exp_conductance" for pt in ports.values()], dtype=np.bool_)
    e_port = np.array([pt[2] for pt in ports.values()], dtype=np.float64)
    src_pos = np.zeros(1, dtype=np.int64)
    # the registry's blow-up bounds, one per model in the kernel's order (u in the kernel's
    # units: AdEx's w in pA)
    bound_v = np.array([spec.v_bound for spec in specs])
    bound_u = np.array([spec.u_bound * spec.network.u_scale for spec in specs])
    err = np.full(2, -1, dtype=np.int64)
    kernel = _network.network_kernel([spec.network.step() for spec in specs[1:]],
                                     threads=n_threads > 1)
    t_run = time.perf_counter()
    ids, times = [], []
    # 16 bytes a spike as copied out of the buffer, 16 more when joined, 8 in the result
    budget = _resources.SpikeBudget("Network.run", 40.0, n + n_psrc, dt,
                                    allocated=rec_v.nbytes + spk_id.nbytes + spk_t.nbytes)
    s = 0

    bar = progress_bar(progress, steps, "Network.run")
    seg = max(1, steps // 100) if bar is not None else steps  # ticks of the progress bar
    with _threads(n_threads):
        while s < steps:
            before = s
            s = kernel(
                s, min(steps, s + seg), dt, v, ref, isyn, p["v_rest"], p["r_m"], p["v_th"],
                p["v_reset"], p["tau_m"], p["t_ref"], p["i_ext"], cur_tab, cur_col, cur_idx, u,
                du, mp, hg, glo, ghi, n_reset, bound_v, bound_u,
                tau_port, port_cond, e_port,
                ring, indptr, off, has_delta, w, dly, ev_step, ev_id, src_pos, pin_lo, pin_hi,
                pin_lam, pin_w, pin_chan, psrc_lo, psrc_hi, psrc_p, pl, seed, rec_unique, rec_v,
                spk_id, spk_t, spk_n, out_src, out_step, max_ev, err)
            if bar is not None:
                bar.update(s - before)
            k = int(spk_n[0])
            budget.take(k, s)
            ids.append(spk_id[:k].copy())
            times.append(spk_t[:k].copy())
            spk_n[0] = 0
            if err[0] >= 0:
                _raise_blow_up(net, pops, offsets, kinds, int(err[0]), int(err[1]), v, u)
    t_end = time.perf_counter()
    if bar is not None:
        bar.close()
    ids = np.concatenate(ids)
    times = np.concatenate(times)
    trains = {}
    for pop in [*pops, *psrc]:
        lo = first[pop.name]
        sel = (ids >= lo) & (ids < lo + pop.size)
        trains[pop.name] = SpikeTrains.from_pairs(ids[sel] - lo, times[sel], pop.size)
    weights = {}
    for k, where in plastic.items():  # the plastic weights at the end, in the graph's order
        weights[net.projections[k].label] = pl[2][where].copy()
    rec_v = rec_v[:, rec_back]
    v_out, col = {}, 0
    for name in rec_pops:
        k = len(net.record_v[name])
        v_out[name] = rec_v[:, col:col + k]
        col += k
    return network_result(net, conn, steps, trains, v_out,
                          {"build": t_run - t_build, "run": t_end - t_run},
                          f"Network.run(engine='numba', seed={seed}, n_threads={n_threads})",
                          weights)


def _raise_blow_up(net, pops, offsets, kinds, step, neuron, v, u):
    """The SimulationError of a run whose neuron ``neuron`` (engine order) blew up in step
    ``step``: where, what, and what to change."""
    where = "a neuron"
    bound = ""
    for pop in pops:
        lo = offsets[pop.name]
        if lo <= neuron < lo + pop.size:
            spec = registry.get(kinds[pop.name])
            state = f"V = {v[neuron]:.4g} mV"
            for q in list(spec.bounds)[1:]:
                value = u[neuron] / spec.network.u_scale
                state += f", {q} = {value:.4g} {spec.state[q]}"
            where = f"neuron {neuron - lo} of population {pop.name!r} ({spec.label}; {state})"
            bound = f" (blown up: {spec.describe_bounds()})"
            break
    raise SimulationError(
        f"Network.run blew up at t = {step * net.dt:g} ms in {where}{bound} with dt = "
        f"{net.dt:g} ms: use a smaller dt, or check the weights, the inputs and the "
        "parameters (a current or a jump this large drives any model out of its range).")


def _model_arrays(net, conn, pops, kinds, n):
    """Per-neuron arrays for the kernel: the LIF ones (``p``; for the other models v_th and
    v_reset hold the cut-off and the reset (a crossing model: inf and 0, it is not reset), t_ref
    is 0 and the rest are placeholders), the second state variable u (Izhikevich's u, AdEx's
    w in pA; a crossing model's whether V is above threshold) at the start, its jump at a
    spike, the other models' parameters by row (their ``NetworkRule.rows``; the last row a
    crossing model's threshold), and the crossing models' gates by row (see the kernel).
    Conductance models run at their catalog's reference temperature and spike where V rises
    above their threshold (0 mV, as the point simulator and Brian2's)."""
    keys = ("v_rest", "r_m", "v_th", "v_reset", "tau_m", "t_ref", "i_ext")
    specs = {kind: registry.get(kind) for kind in set(kinds.values())}
    rows = {pop.name: specs[kinds[pop.name]].network.rows(conn.params[pop.name])
            for pop in pops if specs[kinds[pop.name]].network.rows is not None}
    n_rows = 1 + max((len(r) for r in rows.values()), default=0)
    n_gates = max((len(spec.state) - 1 for spec in specs.values()
                   if spec.network.spike == "crossing"), default=0)
    p = {key: [] for key in keys}
    u, du, mp, hg = [], [], np.zeros((n_rows, n)), np.zeros((max(n_gates, 1), n))
    lo = 0
    for pop in pops:
        spec, q, size = specs[kinds[pop.name]], conn.params[pop.name], pop.size
        rule = spec.network
        fill = {"v_rest": 0.0, "r_m": 1.0, "tau_m": 1.0, "t_ref": 0.0, "i_ext": q["i_ext"]}
        for r, values in enumerate(rows.get(pop.name, ())):
            mp[r, lo:lo + size] = values
        if rule.spike == "exact":
            fill = q
            u.append(np.zeros(size))
            du.append(np.zeros(size))
        else:
            state = spec.initial_state(q, size, conn.v0[pop.name], None)
            others = [name for name in spec.state if name != "v"]
        if rule.spike == "crossing":
            mp[n_rows - 1, lo:lo + size] = rule.threshold
            for r, key in enumerate(others):
                hg[r, lo:lo + size] = state[key]
            fill["v_th"], fill["v_reset"] = np.inf, 0.0
            u.append((conn.v0[pop.name] > rule.threshold).astype(np.float64))
            du.append(np.zeros(size))
        elif rule.spike == "reset":
            cut, reset = spike_reset(spec.name)
            fill["v_th"], fill["v_reset"] = q[cut], q[reset]
            # the second state variable, if the model has one, and its jump at a spike
            u.append(rule.u_scale * state[others[0]] if others else np.zeros(size))
            du.append(rule.u_scale * np.broadcast_to(q[rule.jump], (size,)) if rule.jump
                      else np.zeros(size))
        for key in keys:
            p[key].append(np.broadcast_to(np.asarray(fill[key], dtype=np.float64), (size,)))
        lo += size

    def cat(parts):
        return np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros(0))

    return {key: cat(a) for key, a in p.items()}, cat(u), cat(du), mp, hg


def _plastic(net, conn, first, offsets, port_of, n, m, per_step, max_post):
    """The plastic synapses as the kernel takes them (a tuple; see ``_stdp_*`` in the
    kernel), and for each plastic projection (by index) where its synapses lie in them, in the
    graph's order. Synapses are grouped by (projection, source): row q * m + source for the
    q-th plastic projection; ``in_ptr`` / ``in_syn`` list each neuron's incoming plastic
    synapses."""
    ks = [k for k, proj in enumerate(net.projections) if proj.plasticity]
    kp = len(ks)
    rows = [np.zeros(0, np.int64)]
    tgts = [np.zeros(0, np.int64)]
    ws = [np.zeros(0)]
    for q, k in enumerate(ks):
        proj = net.projections[k]
        rows.append(q * m + conn.pre[k].astype(np.int64) + first[proj.pre])
        tgts.append(conn.post[k].astype(np.int64) + offsets[proj.post])
        ws.append(np.asarray(conn.weight[k], dtype=np.float64))
    row, tgt, w0 = np.concatenate(rows), np.concatenate(tgts), np.concatenate(ws)
    sort = np.argsort(row, kind="stable")
    back = np.empty(sort.size, dtype=np.int64)
    back[sort] = np.arange(sort.size)
    where, start = {}, 0
    for k in ks:
        where[k] = back[start:start + conn.pre[k].size]
        start += conn.pre[k].size
    row, tgt, w0 = row[sort], tgt[sort], w0[sort]
    indptr = np.zeros(kp * m + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=kp * m), out=indptr[1:])
    proj_of = row // max(m, 1)
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt, minlength=n), out=in_ptr[1:])
    in_syn = np.argsort(tgt, kind="stable").astype(np.int64)
    projs = [net.projections[k] for k in ks]
    rules = [net.rule(proj) for proj in projs]
    delay = np.array([round(float(conn.delay[k][0]) / net.dt) if conn.delay[k].size else 1
                      for k in ks], dtype=np.int64)
    n_pend = int(delay.max()) + 1 if kp else 1

    def per(f, dtype=np.float64):
        return np.array([f(r) for r in rules], dtype=dtype)

    # a triplet rule is the pair form (a2_plus, -a2_minus; additive, all to all) plus its
    # triplet terms; a pair rule has none (its slow traces run unused)
    pl = (indptr, tgt, w0, row - proj_of * m, proj_of, in_ptr, in_syn,
          np.array([port_of[proj.port_name] for proj in projs], dtype=np.int64), delay,
          per(lambda r: r.tau_plus), per(lambda r: r.tau_minus),
          per(lambda r: r.a2_plus if isinstance(r, TripletSTDPParams) else r.a_plus),
          per(lambda r: -r.a2_minus if isinstance(r, TripletSTDPParams) else r.a_minus),
          np.array([net.w_max(proj) for proj in projs], dtype=np.float64),
          per(lambda r: getattr(r, "weight_dependence", "") == "multiplicative", np.bool_),
          per(lambda r: getattr(r, "pairing", "") == "nearest", np.bool_),
          np.zeros(kp * m), np.zeros(kp * m),  # presynaptic traces and their times
          np.zeros((n_pend, max(1, kp * per_step)), dtype=np.int64),  # arrivals to come
          np.zeros(n_pend, dtype=np.int64),
          np.zeros(kp * n), np.zeros(kp * n),  # postsynaptic traces and their times
          np.zeros(max_post if kp else 1, dtype=np.int64), np.zeros(1, dtype=np.int64),
          per(lambda r: getattr(r, "tau_x", 1.0)), per(lambda r: getattr(r, "tau_y", 1.0)),
          per(lambda r: getattr(r, "a3_plus", 0.0)), per(lambda r: getattr(r, "a3_minus", 0.0)),
          np.zeros(kp * m), np.zeros(kp * n))  # the slow (triplet) traces
    return pl, where


def _run(net, conn, steps, seed, target, n_threads, progress):
    return run_numba(net, conn, steps, seed, int(n_threads or 1), progress)


register_engine("numba", _run)
