"""The Numba network engine's kernel: LIF neurons with delta, exponential-current and
exponential-conductance synapses, per-synapse delays through a ring buffer, Poisson drive,
event-driven propagation.

Time: step s covers (t_s, t_s + dt]. Per step:

1. The neurons advance over the step exactly: V relaxes towards v_rest + r_m (i_ext + sum of
   port currents), each port current decays with its own tau_syn (the closed form of the
   linear system). With no port current, a threshold crossing by the drive is timed exactly
   inside the step (t = tau ln((vinf - V)/(vinf - vth))); with port currents it is found at
   the end of the step (t_s + dt), as NEST's iaf_psc_exp does. After a spike V is held at
   v_reset for t_ref (arrivals meanwhile are dropped) and released inside the step. While a
   neuron has synaptic conductance, the step is exponential Euler in V with the synaptic
   variables frozen at its start (V is linear given them), and crossings land at t_s + dt.
   V is recorded here, before the arrivals at t_(s+1).
2. The spike sources' spikes due by t_s leave.
3. Arrivals due at t_(s+1) are taken from ring slot (s + 1) mod n_slots: channel 0 holds
   voltage jumps (delta synapses, mV), channel 1 + p the jumps of port p (nA or nS). The
   Poisson drive at t_(s+1) is added to the same channels. A neuron that is not refractory
   takes its voltage jump at once; reaching threshold that way is a spike at exactly t_(s+1).
4. The neurons' spikes of the step are propagated: a spike at time t reaches its targets at
   ceil(t / dt) dt + delay (on the grid; for a delta network every spike is on the grid, so
   exactly at t + delay).

This is also the order of Brian2's step with the schedule (groups, synapses, thresholds), which
the Brian2 engine uses, so the two engines take the same steps.

Synapses are stored by source (CSR): ``indptr[src]:indptr[src + 1]`` index ``off`` (uint32:
channel * N + target neuron), ``w`` (float32) and ``dly`` (uint16, steps); 10 bytes a synapse.
Poisson numbers come from a counter-based generator keyed by (seed, input, step,
neuron), so a run does not depend on the order neurons are visited.
"""

import hashlib
import inspect
import math
import types
from pathlib import Path

import numpy as np
from numba import njit, prange

from ._fastexp import fexp
from ._jit import jit, jit_inline
from ._random import GOLDEN as _GOLD
from ._random import M1 as _M1
from ._random import M2 as _M2
from ._random import key_uniform as _uniform
from ._random import mix as _mix

CHUNK = 1024  # neurons a task of the neuron passes (fixed: results do not depend on threads)
TABLE_MAX_LAM = 30.0  # above this mean a step, Poisson numbers are drawn one by one


@jit
def poisson_table(lam):
    """The Poisson(lam) distribution function F(0), F(1), ... up to where the terms, past the
    mode, fall below 1e-17 (the rest of the tail is smaller still: a uniform lands there with
    a chance below 1e-16, and then counts as the last value)."""
    p = math.exp(-lam)
    cdf = p
    out = [cdf]
    k = 0
    while k < lam or p > 1e-17:
        k += 1
        p *= lam / k
        cdf += p
        out.append(cdf)
    return np.array(out)


@jit_inline
def _poisson_big(lam, key):
    """A Poisson(lam) number from the counter ``key``, for any lam: a sum of Poisson parts of
    mean at most 30 each by Knuth's product of uniforms (so exp(-part) does not underflow)."""
    count = 0
    c = np.uint64(0)
    while lam > 0.0:
        part = min(lam, 30.0)
        lam -= part
        limit = math.exp(-part)
        prod = 1.0
        while True:
            c += _GOLD
            prod *= _uniform(key + c)
            if prod <= limit:
                break
            count += 1
    return count


@jit_inline
def _draw_poisson(lam, table, key, lo, hi, u, cnt):
    """Poisson(lam) numbers for neurons lo..hi-1 (unsigned) into cnt[lo:hi] (float), neuron
    j's from the counter key + j. Above TABLE_MAX_LAM one by one; else by inversion with the
    table of F, vectorised: the number is how many values of F lie below the neuron's uniform
    (the table is padded with 2.0, which no uniform exceeds)."""
    if lam > TABLE_MAX_LAM:
        for j in range(lo, hi):
            cnt[j] = _poisson_big(lam, key + j)
        return
    for j in range(lo, hi):
        u[j] = _uniform(key + j)
        cnt[j] = 0.0
    for i in range(table.size):
        f = table[i]
        if f > 1.0:
            break
        for j in range(lo, hi):
            cnt[j] += 1.0 if u[j] > f else 0.0


@jit
def poisson_counts(lam, key, n):
    """n Poisson(lam) numbers from the counter ``key``, exactly as the kernel draws them for n
    neurons."""
    table = poisson_table(lam) if lam <= TABLE_MAX_LAM else np.zeros(0)
    u = np.empty(n)
    cnt = np.empty(n)
    _draw_poisson(lam, table, np.uint64(key), np.uint64(0), np.uint64(n), u, cnt)
    return cnt.astype(np.int64)


@jit_inline
def _deliver(rflat, a, base, stride, n_slots, y0, y1, off, w, dly):
    """Add synapses y0..y1-1 (one source's, in one part) to the ring slots base + delay (mod
    the ring's length); the ring is seen flat, a synapse's ``off`` = channel * N + target
    (unsigned indices: no negative-index fix-up in the loop)."""
    for y in range(y0, y1):
        slot = base + dly[y]
        if slot >= n_slots:
            slot -= n_slots
        rflat[np.uint64(slot * stride) + np.uint64(off[y])] += w[y]


@jit
def csr_scatter(pos, pre, pre_first, post, post_first, chan_first, part_size, weight, delay,
                dt, off, w, dly):
    """Place one projection's synapses into the CSR arrays by target part and source (a
    counting sort: pos[q, a] is the next free place of source a in part q, advanced here):
    off = chan_first + post_first + post, float32 weights, delays in whole steps."""
    for y in range(pre.size):
        a = pre[y] + pre_first
        t = post_first + post[y]
        q = t // part_size
        k = pos[q, a]
        pos[q, a] = k + 1
        off[k] = chan_first + t
        w[k] = weight[y]
        dly[k] = round(delay[y] / dt)


@jit_inline
def _collect(flag, flag64, todo):
    """The indices j with flag[j] set, into todo; their number. Words of 8 flags that are all
    zero are skipped at once."""
    n = 0
    for w8 in range(flag64.size):
        if flag64[w8] != 0:
            base = 8 * w8
            for b in range(8):
                if flag[base + b]:
                    todo[n] = base + b
                    n += 1
    return n


# (the _stdp_* helpers are called, not inlined: inlined at Numba-IR level they gave wrong
# weights, measured against the same code uncompiled)


@jit
def _stdp_enqueue(pl, a, base):
    """A spike of source ``a`` whose synapses would fill ring slot ``base`` + delay: queue it
    for every plastic projection with synapses from ``a``, to act in step base + delay - 1
    (the step whose arrivals are due at (base + delay) dt)."""
    indptr, delay, pend, pend_n = pl[0], pl[8], pl[18], pl[19]
    n_src = (indptr.size - 1) // delay.size
    n_pend = pend.shape[0]
    for k in range(delay.size):
        row = k * n_src + a
        if indptr[row + 1] > indptr[row]:
            q = (base + delay[k] - 1) % n_pend
            pend[q, pend_n[q]] = row
            pend_n[q] += 1


@jit
def _stdp_arrivals(pl, s, t, rflat, slot, stride, n):
    """The plastic synapses' arrivals of step s (time t): each adds its weight to its target's
    channel in ring slot ``slot`` (taken in this step), then depression with the target's
    postsynaptic trace, then the presynaptic trace counts the spike."""
    indptr, tgt, w, chan = pl[0], pl[1], pl[2], pl[7]
    tp, tm, am, wmax, mult, near = pl[9], pl[10], pl[12], pl[13], pl[14], pl[15]
    x_pre, t_pre, x_post, t_post, pend, pend_n = pl[16], pl[17], pl[20], pl[21], pl[18], pl[19]
    tx, a3m, x_pre2 = pl[24], pl[27], pl[28]
    n_src = (indptr.size - 1) // chan.size
    q = s % pend.shape[0]
    for e in range(pend_n[q]):
        row = pend[q, e]
        k = row // n_src
        # the triplet rule's slow presynaptic trace, just before this spike (0 for pair rules)
        r2 = x_pre2[row] * math.exp(-(t - t_pre[row]) / tx[k])
        base = np.uint64(slot * stride) + np.uint64(chan[k] * n)
        for y in range(indptr[row], indptr[row + 1]):
            j = tgt[y]
            rflat[base + np.uint64(j)] += w[y]
            i = k * n + j
            xb = x_post[i] * math.exp(-(t - t_post[i]) / tm[k])
            wy = w[y] + am[k] * (w[y] if mult[k] else wmax[k]) * xb - a3m[k] * wmax[k] * xb * r2
            w[y] = min(max(wy, 0.0), wmax[k])
        xa = x_pre[row] * math.exp(-(t - t_pre[row]) / tp[k])
        x_pre[row] = 1.0 if near[k] else xa + 1.0
        x_pre2[row] = r2 + 1.0
        t_pre[row] = t
    pend_n[q] = 0


@jit
def _stdp_post(pl, t, n):
    """Potentiation for the neurons that spiked in the step before (time t): each plastic
    synapse onto them gains with its source's presynaptic trace; then their postsynaptic
    traces count the spike."""
    indptr, w, src, proj, in_ptr, in_syn, chan = pl[0], pl[2], pl[3], pl[4], pl[5], pl[6], pl[7]
    tp, tm, ap, wmax, mult, near = pl[9], pl[10], pl[11], pl[13], pl[14], pl[15]
    x_pre, t_pre, x_post, t_post, prev, prev_n = pl[16], pl[17], pl[20], pl[21], pl[22], pl[23]
    ty, a3p, x_post2 = pl[25], pl[26], pl[29]
    n_src = (indptr.size - 1) // chan.size
    for m in range(prev_n[0]):
        j = prev[m]
        for z in range(in_ptr[j], in_ptr[j + 1]):
            y = in_syn[z]
            k = proj[y]
            row = k * n_src + src[y]
            i = k * n + j
            # the triplet rule's slow postsynaptic trace, just before this spike (pair rules
            # have no triplet term: skip the exponential)
            o2 = x_post2[i] * math.exp(-(t - t_post[i]) / ty[k]) if a3p[k] != 0.0 else 0.0
            xa = x_pre[row] * math.exp(-(t - t_pre[row]) / tp[k])
            wy = w[y] + ap[k] * ((wmax[k] - w[y]) if mult[k] else wmax[k]) * xa \
                + a3p[k] * wmax[k] * xa * o2
            w[y] = min(max(wy, 0.0), wmax[k])
        for k in range(chan.size):
            i = k * n + j
            xb = x_post[i] * math.exp(-(t - t_post[i]) / tm[k])
            x_post2[i] = x_post2[i] * math.exp(-(t - t_post[i]) / ty[k]) + 1.0
            x_post[i] = 1.0 if near[k] else xb + 1.0
            t_post[i] = t
    prev_n[0] = 0


@jit_inline
def _emit(j, t, spk_n, spk_id, spk_t, out_n, out_src, out_step, grid_step):
    k = spk_n[0]
    spk_id[k] = j
    spk_t[k] = t
    spk_n[0] = k + 1
    m = out_n[0]
    out_src[m] = j
    out_step[m] = grid_step
    out_n[0] = m + 1


def _no_models(g, glo, ghi, dt, v, u, hg, mp, cur, gs, gev):
    """The end of the chain of model steps (see ``network_kernel``)."""


def _model_link(g, glo, ghi, dt, v, u, hg, mp, cur, gs, gev):
    """One link of the chain of model steps: group g's step (``_STEP``, a model's
    ``NetworkRule.step``), then the rest of the chain (``_NEXT``). ``network_kernel`` binds the
    two names for each registered model."""
    _STEP(glo[g], ghi[g], dt, v, u, hg, mp, cur, gs, gev)  # noqa: F821
    _NEXT(g + 1, glo, ghi, dt, v, u, hg, mp, cur, gs, gev)  # noqa: F821


def _update_models(dt, v, u, hg, isyn, i_ext, port_cond, n_cur, gs, gev, mp, cur, glo, ghi):
    """Step 1 for the neurons of the other models (glo[0]..N-1): the input current of each
    (its constant and time-varying current plus the ``n_cur`` current ports at t_s) into
    ``cur``, then each model's step (``_MODEL_STEPS``, the chain ``network_kernel`` builds)
    over its group glo[g]..ghi[g]-1. Their threshold is seen after the voltage jumps of the
    step (``_spike_models``)."""
    N = v.shape[0]
    P = isyn.shape[0]
    if n_cur == 0:  # no current ports: the input is i_ext as it stands (no pass to copy it)
        _MODEL_STEPS(0, glo, ghi, dt, v, u, hg, mp, i_ext, gs, gev)  # noqa: F821
        return
    for j in range(glo[0], N):
        c = i_ext[j]
        for p in range(P):
            if not port_cond[p]:
                c += isyn[p, j]
        cur[j] = c
    _MODEL_STEPS(0, glo, ghi, dt, v, u, hg, mp, cur, gs, gev)  # noqa: F821


@jit
def _spike_models(s, t0, dt, v, u, v_th, v_reset, du, mp, glo, ghi, n_reset, bound_v, bound_u,
                  spk_n, spk_id, spk_t, out_n, out_src, out_step):
    """The neurons of reset models (glo[0]..n_reset-1) at their cut-off (v_th) after the step
    and its jumps spike at t_s + dt, V goes to v_reset and u jumps by du (a jump that took one
    there has done so already). A neuron of a crossing model (n_reset..N-1: Hodgkin-Huxley,
    cortical) spikes where V first rises above its threshold (the last row of mp); u holds
    whether it is above (no reset: its own currents repolarise it).

    Then the state the neuron carries into the next step is checked as the point kernels check
    it: NaN, or |V| (or |u|) at or beyond its model's bound (group g's: ``bound_v[1 + g]``,
    ``bound_u[1 + g]``; index 0 is LIF's), is a blow-up. Returns the first blown-up neuron, or
    -1."""
    top = mp.shape[0] - 1
    for j in range(glo[0], n_reset):
        if v[j] >= v_th[j]:
            _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
            v[j] = v_reset[j]
            u[j] += du[j]
    for j in range(n_reset, v.shape[0]):
        above = v[j] > mp[top, j]
        if above and u[j] == 0.0:
            _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
        u[j] = 1.0 if above else 0.0
    for g in range(glo.size):
        bv, bu = bound_v[1 + g], bound_u[1 + g]
        for j in range(glo[g], ghi[g]):
            if not (abs(v[j]) < bv and abs(u[j]) < bu):
                return j
    return -1


def _run_network(s0, s1, dt, v, ref, isyn, v_rest, r_m, v_th, v_reset, tau_m, t_ref, i_ext,
                cur_tab, cur_col, cur_idx, u, du, mp, hg, glo, ghi, n_reset, bound_v,
                bound_u, tau_port,
                port_cond, e_port,
                ring, indptr, off, has_delta, w, dly, src_step, src_id, src_pos, pin_lo,
                pin_hi, pin_lam, pin_w, pin_chan, psrc_lo, psrc_hi, psrc_p, pl, seed, rec_idx,
                rec_v, spk_id, spk_t, spk_n, out_src, out_step, max_events, err):
    """Advance steps s0..s1-1 (stops early, returning the step reached, when the spike buffer
    could overflow in the next step, or when a neuron blew up: then ``err`` holds the step it
    blew up in and the neuron; a LIF neuron has blown up when V at the end of its step would
    be NaN or at least ``bound_v[0]`` in magnitude, the other models as ``_spike_models``
    says). ``isyn`` is (ports, N); ``ring`` (slots, 1 + ports, N);
    spike-source events are (src_step, src_id) sorted by step, ``src_pos[0]`` the next one.
    Poisson input k drives neurons pin_lo[k]..pin_hi[k]-1 with mean pin_lam[k] spikes a step
    of weight pin_w[k] into channel pin_chan[k]. Poisson source g is the sources
    psrc_lo[g]..psrc_hi[g]-1, each firing in a step with probability psrc_p[g]. ``pl`` holds
    the plastic synapses (see ``_stdp_*`` and the engine's ``_plastic``). Port p is a
    conductance (nS, reversal e_port[p]) where port_cond[p], else a current (nA). V of neuron
    rec_idx[c] is recorded in column c of row s + 1. ``max_events`` bounds one neuron's spikes
    in one step. Synapses are stored by target part, then by source: part q's synapses of
    source a are
    ``indptr[q, a]:indptr[q, a + 1]`` (the parts are ranges of targets, so the parts can be
    delivered in parallel without two threads writing one place).

    The neuron passes (update, Poisson drive, ports, jumps) run over chunks of CHUNK neurons:
    in parallel in ``network_kernel(..., threads=True)``, one after the other without (the same
    source; Numba reads ``prange`` as ``range`` there). Every neuron and every synaptic sum
    sees its terms in the same order either way, so the result does not depend on the number
    of threads. The delivery runs on one thread, part after part.

    Time-varying currents: neuron cur_idx[k] adds cur_tab[s, cur_col[cur_idx[k]]] to its
    i_ext in step s.

    Neurons 0..n_lif-1 are LIF (n_lif = glo[0], or N when there are no groups); the other
    models' neurons follow in groups, glo[g]..ghi[g]-1 for the registry's g-th network model
    (``network_kernel``), the reset models first (up to n_reset), then the crossing models.
    ``u`` is their second state variable (Izhikevich's u, AdEx's w in pA; for a crossing model
    whether V is above threshold), ``du`` its jump at a spike, ``hg`` their gates by row, ``mp``
    their parameters by row (the registry's ``NetworkRule.rows``), its last row a crossing
    model's spike threshold; for a reset model v_th and v_reset hold the cut-off and the reset,
    for a crossing model v_th is inf (their spikes are found by _spike_models), and t_ref is
    0. Each steps by its registry entry's step (Brian2's schemes), with the synaptic variables
    frozen over the step, and spikes at the end of the step if V is at threshold after the
    step's voltage jumps (Brian2's order).

    Step 1 runs as vectorised passes over the LIF neurons for the common case (a free neuron that
    stays below threshold, or one held refractory the whole step); the neurons with an event
    in the step (a crossing, a release inside it) are redone one by one from their state at
    t_s by the exact scheme."""
    N = v.shape[0]
    P = isyn.shape[0]
    K = pin_lo.size
    n_lif = glo[0] if glo.size else N
    mcur = np.empty(N)  # the other models' input currents of a step
    eps = 1e-9 * dt  # refractory time left below this is none (t_ref on the grid)
    n_slots = ring.shape[0]
    cap = spk_id.shape[0]
    dec = np.empty(N)
    vinf = np.empty(N)
    rg = np.empty(N)
    ninv = np.empty(N)  # -dt / tau_m
    i_now = i_ext.copy()  # the constant current plus this step's time-varying one
    for j in range(N):
        dec[j] = math.exp(-dt / tau_m[j])
        vinf[j] = v_rest[j] + r_m[j] * i_ext[j]
        rg[j] = r_m[j] * 1e-3  # MOhm nS
        ninv[j] = -dt / tau_m[j]
    pdec = np.empty(P)
    n_cond = 0
    for p in range(P):
        pdec[p] = math.exp(-dt / tau_port[p])
        n_cond += 1 if port_cond[p] else 0
    n_cur = P - n_cond
    # prop[p, j]: V gained over one step per nA of current port p at the step start
    prop = np.zeros((P, N))
    for p in range(P):
        if port_cond[p]:
            continue
        for j in range(N):
            tp, tm = tau_port[p], tau_m[j]
            if abs(tp - tm) < 1e-12 * tm:
                prop[p, j] = r_m[j] * (dt / tm) * dec[j]
            else:
                prop[p, j] = r_m[j] * tp / (tp - tm) * (pdec[p] - dec[j])
    gs = np.zeros(N)   # summed conductance
    gev = np.zeros(N)  # sum of g E_rev
    ic = np.zeros(N)   # summed port current
    cur = np.zeros(N)  # V gained from the port currents over a full free step
    flag = np.zeros(8 * ((N + 7) // 8), dtype=np.uint8)  # whole words: scanned 8 at a time
    flag64 = flag.view(np.uint64)
    todo = np.empty(N, dtype=np.int64)
    n_chunks = (N + CHUNK - 1) // CHUNK
    n_chunks_lif = (n_lif + CHUNK - 1) // CHUNK
    chunk_count = np.zeros(max(n_chunks, 1), dtype=np.int64)
    chunk_bad = np.zeros(max(n_chunks, 1), dtype=np.int64)
    lif_bound = bound_v[0]
    err[0] = -1
    err[1] = -1
    n_parts = indptr.shape[0]
    stride = ring.shape[1] * N
    rflat = ring.reshape(n_slots * stride)
    n_tab = 1
    for k in range(K):
        if pin_lam[k] <= TABLE_MAX_LAM:
            n_tab = max(n_tab, poisson_table(pin_lam[k]).size)
    tables = np.full((K, n_tab), 2.0)  # padded with a value no uniform exceeds
    for k in range(K):
        if pin_lam[k] <= TABLE_MAX_LAM:
            tab = poisson_table(pin_lam[k])
            tables[k, :tab.size] = tab
    uu = np.empty(N)
    cnt = np.zeros(N)
    keys = np.empty(K, dtype=np.uint64)
    out_n = np.zeros(1, dtype=np.int64)
    n_psrc = 0
    for g in range(psrc_lo.size):
        n_psrc += psrc_hi[g] - psrc_lo[g]
    plastic = pl[7].size > 0
    prev, prev_n = pl[22], pl[23]
    sums_ready = False
    s = s0
    while s < s1:
        if spk_n[0] + N * max_events + n_psrc > cap:
            break
        t0 = s * dt
        slot = (s + 1) % n_slots
        out_n[0] = 0
        for k in range(cur_idx.size):
            j = cur_idx[k]
            x = i_ext[j] + cur_tab[s, cur_col[j]]
            i_now[j] = x
            vinf[j] = v_rest[j] + r_m[j] * x
        # 1. the neurons over (t_s, t_s + dt], with the port values at t_s
        # the port sums at t_s (only those the ports present need): computed here on a call's
        # first step, afterwards by step 3 of the step before, in the pass that updates the
        # ports
        if not sums_ready:
            if n_cur > 0 and n_cond > 0:
                for j in range(N):
                    ic[j] = 0.0
            first = True
            first_g = True
            for p in range(P):
                if port_cond[p]:
                    e = e_port[p]
                    if first_g:  # the first conductance port sets gs and gev
                        for j in range(N):
                            x = isyn[p, j]
                            gs[j] = x
                            gev[j] = x * e
                        first_g = False
                    else:
                        for j in range(N):
                            x = isyn[p, j]
                            gs[j] += x
                            gev[j] += x * e
                else:
                    if first:  # the first current port sets cur (no pass to zero it)
                        for j in range(N):
                            cur[j] = prop[p, j] * isyn[p, j]
                        first = False
                    else:
                        for j in range(N):
                            cur[j] += prop[p, j] * isyn[p, j]
                    if n_cond > 0:
                        for j in range(N):
                            ic[j] += isyn[p, j]
        # (two copies of the pass: LLVM does not take the loop-invariant test out itself, and
        # a helper returning the common tail as a tuple stops it vectorising (measured: CUBA
        # 30 % slower); a neuron with an event keeps V(t_s) for the pass after)
        if n_cond > 0:
            for ch in prange(n_chunks_lif):
                n_c = 0
                n_b = 0
                for j in range(np.uint64(ch * CHUNK), np.uint64(min(ch * CHUNK + CHUNK, n_lif))):
                    r = ref[j]
                    vj = v[j]
                    vv = vinf[j] + (vj - vinf[j]) * dec[j] + cur[j]
                    g = gs[j]
                    a = 1.0 + rg[j] * g
                    vc = (vinf[j] + r_m[j] * ic[j] + rg[j] * gev[j]) / a
                    vcc = vc + (vj - vc) * fexp(ninv[j] * a)
                    vv = vcc if g != 0.0 else vv
                    held = r >= dt - eps
                    free = r <= eps
                    event = (not held) and ((not free) or vv >= v_th[j])
                    v[j] = v_reset[j] if held else (vj if event else vv)
                    ref[j] = max(r - dt, 0.0) if held else (0.0 if free else r)
                    ok = abs(vv) < lif_bound
                    flag[j] = (1 if event else 0) + (0 if ok else 2)
                    n_c += 1 if event else 0
                    n_b += 0 if ok else 1
                chunk_count[ch] = n_c
                chunk_bad[ch] = n_b
        else:
            for ch in prange(n_chunks_lif):
                n_c = 0
                n_b = 0
                for j in range(np.uint64(ch * CHUNK), np.uint64(min(ch * CHUNK + CHUNK, n_lif))):
                    r = ref[j]
                    vj = v[j]
                    vv = vinf[j] + (vj - vinf[j]) * dec[j] + cur[j]
                    held = r >= dt - eps
                    free = r <= eps
                    event = (not held) and ((not free) or vv >= v_th[j])
                    v[j] = v_reset[j] if held else (vj if event else vv)
                    ref[j] = max(r - dt, 0.0) if held else (0.0 if free else r)
                    ok = abs(vv) < lif_bound
                    flag[j] = (1 if event else 0) + (0 if ok else 2)
                    n_c += 1 if event else 0
                    n_b += 0 if ok else 1
                chunk_count[ch] = n_c
                chunk_bad[ch] = n_b
        n_ev = 0
        n_bad = 0
        for ch in range(n_chunks_lif):
            n_ev += chunk_count[ch]
            n_bad += chunk_bad[ch]
        if n_bad:
            for j in range(n_lif):
                if flag[j] >= 2:
                    err[1] = j
                    break
            err[0] = s + 1
            return s
        for j in range(n_lif, N):  # (their flags may be left from the jumps' pass)
            flag[j] = 0
        n_todo = _collect(flag, flag64, todo) if n_ev else 0
        for m in range(n_todo):
            j = todo[m]
            r = ref[j]
            vv = v[j]
            drive = 0.0
            icur = 0.0
            for p in range(P):
                if not port_cond[p]:
                    drive += isyn[p, j] * isyn[p, j]
                    icur += isyn[p, j]
            if gs[j] != 0.0:
                # conductances: exponential Euler with the synaptic variables frozen at
                # the step start (exact in V for them; Brian2's exponential_euler too)
                a = 1.0 + rg[j] * gs[j]
                vc = (vinf[j] + r_m[j] * icur + rg[j] * gev[j]) / a
                if r > 0.0:
                    vv = vc + (v_reset[j] - vc) * fexp((dt - r) / dt * ninv[j] * a)
                    ref[j] = 0.0
                else:
                    vv = vc + (vv - vc) * fexp(ninv[j] * a)
            elif drive == 0.0:
                # constant drive: exact crossings, possibly several in one step
                t = 0.0
                while True:
                    if r > 0.0:
                        if r >= dt - t:
                            vv = v_reset[j]
                            r -= dt - t
                            break
                        t += r
                        r = 0.0
                        vv = v_reset[j]
                    v_end = vinf[j] + (vv - vinf[j]) * (dec[j] if t == 0.0 else
                                                        math.exp(-(dt - t) / tau_m[j]))
                    if v_end < v_th[j]:
                        vv = v_end
                        break
                    tc = 0.0 if vv >= v_th[j] else tau_m[j] * math.log(
                        (vinf[j] - vv) / (vinf[j] - v_th[j]))
                    t += tc
                    _emit(j, t0 + t, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                    vv = v_reset[j]
                    r = t_ref[j]
                v[j] = vv
                ref[j] = r
                continue
            elif r > 0.0:
                # released at t_s + r: held until then, then free with the decayed currents
                rem = dt - r
                e_m = math.exp(-rem / tau_m[j])
                vv = vinf[j] + (v_reset[j] - vinf[j]) * e_m
                for p in range(P):
                    if port_cond[p]:
                        continue
                    i_r = isyn[p, j] * math.exp(-r / tau_port[p])
                    tp, tm = tau_port[p], tau_m[j]
                    e_p = math.exp(-rem / tp)
                    if abs(tp - tm) < 1e-12 * tm:
                        vv += r_m[j] * i_r * (rem / tm) * e_m
                    else:
                        vv += r_m[j] * i_r * tp / (tp - tm) * (e_p - e_m)
                ref[j] = 0.0
            else:
                vv = vinf[j] + (vv - vinf[j]) * dec[j] + cur[j]
            if vv >= v_th[j]:
                _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                vv = v_reset[j]
                ref[j] = t_ref[j]
            v[j] = vv
        if n_lif < N:
            _update_models(dt, v, u, hg, isyn, i_now, port_cond, n_cur, gs, gev, mp, mcur,
                           glo, ghi)
        for c in range(rec_idx.size):  # a neuron at threshold shows its reset
            x = v[rec_idx[c]]
            rec_v[s + 1, c] = v_reset[rec_idx[c]] if x >= v_th[rec_idx[c]] else x
        # 2. the spike sources' spikes due by t_s leave (before the arrivals at t_(s+1))
        q = src_pos[0]
        while q < src_step.size and src_step[q] <= s:
            for part in range(n_parts):
                _deliver(rflat, src_id[q], src_step[q] % n_slots, stride, n_slots,
                         indptr[part, src_id[q]], indptr[part, src_id[q] + 1], off, w, dly)
            if plastic:
                _stdp_enqueue(pl, src_id[q], src_step[q])
            q += 1
        src_pos[0] = q
        if plastic:
            # the plastic arrivals due at t_(s+1), then the postsynaptic spikes of the step
            # before (Brian2's order: its on_post runs a step after the threshold)
            _stdp_arrivals(pl, s, t0 + dt, rflat, slot, stride, N)
            _stdp_post(pl, t0 + dt, N)
        # 3. the Poisson drive at t_(s+1), the ports' decay over the step and their arrivals,
        # then the voltage jumps: one pass over chunks of neurons (one parallel region)
        for k in range(K):
            keys[k] = _mix((np.uint64(seed) * _GOLD) ^ (np.uint64(k + 1) * _M1)
                           ^ (np.uint64(s + 1) * _M2))
        for ch in prange(n_chunks):
            # (unsigned indices: Numba adds no negative-index fix-up, LLVM vectorises)
            j0 = np.uint64(ch * CHUNK)
            j1 = np.uint64(min(ch * CHUNK + CHUNK, N))
            for k in range(K):
                lam = pin_lam[k]
                lo = max(np.uint64(pin_lo[k]), j0)
                hi = min(np.uint64(pin_hi[k]), j1)
                if lam <= 0.0 or lo >= hi:
                    continue
                c = pin_chan[k]
                wk = pin_w[k]
                _draw_poisson(lam, tables[k], keys[k], lo, hi, uu, cnt)
                for j in range(lo, hi):
                    ring[slot, c, j] += cnt[j] * wk
            if n_cur > 0 and n_cond > 0:
                for j in range(j0, j1):
                    ic[j] = 0.0
            first = True
            first_g = True
            for p in range(P):
                d = pdec[p]
                if port_cond[p]:
                    e = e_port[p]
                    if first_g:
                        for j in range(j0, j1):
                            x = isyn[p, j] * d + ring[slot, 1 + p, j]
                            isyn[p, j] = x
                            ring[slot, 1 + p, j] = 0.0
                            gs[j] = x
                            gev[j] = x * e
                        first_g = False
                    else:
                        for j in range(j0, j1):
                            x = isyn[p, j] * d + ring[slot, 1 + p, j]
                            isyn[p, j] = x
                            ring[slot, 1 + p, j] = 0.0
                            gs[j] += x
                            gev[j] += x * e
                else:
                    if first:
                        for j in range(j0, j1):
                            x = isyn[p, j] * d + ring[slot, 1 + p, j]
                            isyn[p, j] = x
                            ring[slot, 1 + p, j] = 0.0
                            cur[j] = prop[p, j] * x
                        first = False
                    else:
                        for j in range(j0, j1):
                            x = isyn[p, j] * d + ring[slot, 1 + p, j]
                            isyn[p, j] = x
                            ring[slot, 1 + p, j] = 0.0
                            cur[j] += prop[p, j] * x
                    if n_cond > 0:
                        for j in range(j0, j1):
                            ic[j] += isyn[p, j]
            n_c = 0
            if has_delta:
                # branch-free (vectorised); the few neurons it takes over threshold after
                for j in range(j0, j1):
                    jump = ring[slot, 0, j]
                    ring[slot, 0, j] = 0.0
                    free = ref[j] <= eps
                    vj = v[j] + (jump if free else 0.0)
                    v[j] = vj
                    up = free and jump != 0.0 and vj >= v_th[j]
                    flag[j] = 1 if up else 0
                    n_c += 1 if up else 0
            chunk_count[ch] = n_c
        sums_ready = True
        if has_delta:
            n_up = 0
            for ch in range(n_chunks):
                n_up += chunk_count[ch]
            if n_up:
                for m in range(_collect(flag, flag64, todo)):
                    j = todo[m]
                    _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                    v[j] = v_reset[j]
                    ref[j] = t_ref[j]
                    u[j] += du[j]
        if n_lif < N:
            bad = _spike_models(s, t0, dt, v, u, v_th, v_reset, du, mp, glo, ghi, n_reset,
                                bound_v, bound_u, spk_n, spk_id, spk_t, out_n, out_src,
                                out_step)
            if bad >= 0:
                err[0] = s + 1
                err[1] = bad
                return s + 1
        # 4. the Poisson sources' spikes, then propagation of all spikes of this step (at
        # t_(s+1))
        for g in range(psrc_lo.size):
            key = _mix((np.uint64(seed) * _GOLD) ^ (np.uint64(K + 1 + g) * _M1)
                       ^ (np.uint64(s + 1) * _M2))
            pg = psrc_p[g]
            for a in range(psrc_lo[g], psrc_hi[g]):
                if _uniform(key + np.uint64(a)) < pg:
                    _emit(a, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
        n_out = out_n[0]
        # (one thread: delivering the parts in parallel was slower on the 2-core machine,
        # measured; the parts stay, so the synapses are laid out for it)
        for part in range(n_parts if n_out > 0 else 0):
            for m in range(n_out):
                a = out_src[m]
                _deliver(rflat, a, out_step[m] % n_slots, stride, n_slots, indptr[part, a],
                         indptr[part, a + 1], off, w, dly)
        if plastic:
            for m in range(n_out):
                a = out_src[m]
                _stdp_enqueue(pl, a, s + 1)
                if a < N:
                    prev[prev_n[0]] = a
                    prev_n[0] += 1
        s += 1
    return s


_KERNELS = {}


def network_kernel(steps, threads: bool):
    """The kernel for a registry's network models: ``steps`` are their ``NetworkRule.step``
    functions in group order. ``_run_network``, ``_update_models`` and the chain of
    ``_model_link`` are copied with the names they call bound to these steps; one thread
    (``prange`` read as ``range``) or Numba's threads. The copy is cached on disk under a name
    that holds a digest of the kernels' sources, so a second process loads it, and a changed
    or added model compiles its own."""
    key = (tuple(steps), threads)
    if key not in _KERNELS:
        # the copies bound to these steps are compiled into the kernel, never cached on their
        # own: Numba's cache does not see a function's globals, and a copy of the same name
        # bound to another step would be loaded in its place
        bound = njit(error_model="numpy")
        chain = bound(_no_models)
        for k in range(len(steps) - 1, -1, -1):
            chain = bound(types.FunctionType(_model_link.__code__, {
                **globals(), "_STEP": steps[k], "_NEXT": chain}, f"_model_link_{k}"))
        update = bound(types.FunctionType(_update_models.__code__, {
            **globals(), "_MODEL_STEPS": chain}, "_update_models"))
        digest = hashlib.sha256(repr([(f.__module__, f.__qualname__) for f in steps])
                                .encode())
        for path in sorted({inspect.getsourcefile(f.py_func) for f in steps}
                           | {str(q) for q in Path(__file__).parent.glob("*.py")}):
            digest.update(Path(path).read_bytes())
        name = f"_run_network_{'threads_' if threads else ''}{digest.hexdigest()[:16]}"
        run = types.FunctionType(_run_network.__code__, {**globals(), "_update_models": update},
                                 name)
        run.__qualname__ = name  # its own cache file, named by the steps and their sources
        _KERNELS[key] = (njit(cache=True, error_model="numpy", parallel=True)(run) if threads
                         else jit(run))
    return _KERNELS[key]
