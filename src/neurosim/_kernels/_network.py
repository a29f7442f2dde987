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

Synapses are stored by source (CSR): ``indptr[src]:indptr[src + 1]`` index ``tgt`` (int32,
global neuron index), ``chan`` (uint8), ``w`` (float32) and ``dly`` (uint16, steps); 11 bytes
a synapse. Poisson numbers come from a counter-based generator keyed by (seed, input, step,
neuron), so a run does not depend on the order neurons are visited.
"""

import math

import numpy as np

from ._jit import jit, jit_inline

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


@jit_inline
def _mix(z):
    """splitmix64's finaliser: a 64-bit hash."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@jit_inline
def _uniform(key):
    """A uniform double in (0, 1) from a 64-bit key."""
    return (float(_mix(key) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@jit
def poisson_count(lam, key):
    """A Poisson(lam) number from the counter ``key`` (Knuth's product of uniforms, in pieces
    of mean at most 30 so exp(-lam) does not underflow; a sum of Poissons is Poisson)."""
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
def _emit(j, t, spk_n, spk_id, spk_t, out_n, out_src, out_step, grid_step):
    k = spk_n[0]
    spk_id[k] = j
    spk_t[k] = t
    spk_n[0] = k + 1
    m = out_n[0]
    out_src[m] = j
    out_step[m] = grid_step
    out_n[0] = m + 1


@jit
def run_network(s0, s1, dt, v, ref, isyn, v_rest, r_m, v_th, v_reset, tau_m, t_ref, i_ext,
                tau_port, port_cond, e_port, ring, indptr, tgt, chan, w, dly, src_step, src_id,
                src_pos, pin_lo, pin_hi, pin_lam, pin_w, pin_chan, seed, rec_idx, rec_v, spk_id,
                spk_t, spk_n, out_src, out_step, max_events):
    """Advance steps s0..s1-1 (stops early, returning the step reached, when the spike buffer
    could overflow in the next step). ``isyn`` is (ports, N); ``ring`` (slots, 1 + ports, N);
    spike-source events are (src_step, src_id) sorted by step, ``src_pos[0]`` the next one.
    Poisson input k drives neurons pin_lo[k]..pin_hi[k]-1 with mean pin_lam[k] spikes a step
    of weight pin_w[k] into channel pin_chan[k]. Port p is a conductance (nS, reversal
    e_port[p]) where port_cond[p], else a current (nA). Records V of ``rec_idx`` at row s + 1.
    ``max_events`` bounds one neuron's spikes in one step."""
    N = v.shape[0]
    P = isyn.shape[0]
    eps = 1e-9 * dt  # refractory time left below this is none (t_ref on the grid)
    n_slots = ring.shape[0]
    cap = spk_id.shape[0]
    dec = np.empty(N)
    for j in range(N):
        dec[j] = math.exp(-dt / tau_m[j])
    pdec = np.empty(P)
    for p in range(P):
        pdec[p] = math.exp(-dt / tau_port[p])
    # prop[p, j]: V gained over one step per nA of port p's current at the step start
    prop = np.empty((P, N))
    for p in range(P):
        for j in range(N):
            tp, tm = tau_port[p], tau_m[j]
            if abs(tp - tm) < 1e-12 * tm:
                prop[p, j] = r_m[j] * (dt / tm) * dec[j]
            else:
                prop[p, j] = r_m[j] * tp / (tp - tm) * (pdec[p] - dec[j])
    out_n = np.zeros(1, dtype=np.int64)
    s = s0
    while s < s1:
        if spk_n[0] + N * max_events > cap:
            break
        t0 = s * dt
        slot = (s + 1) % n_slots
        out_n[0] = 0
        # 1. the neurons over (t_s, t_s + dt]
        for j in range(N):
            drive = 0.0
            gsum = 0.0
            ge = 0.0
            icur = 0.0
            for p in range(P):
                x = isyn[p, j]
                if port_cond[p]:
                    gsum += x
                    ge += x * e_port[p]
                else:
                    drive += x * x
                    icur += x
            vinf = v_rest[j] + r_m[j] * i_ext[j]
            r = ref[j]
            if r >= dt - eps:
                v[j] = v_reset[j]
                ref[j] = max(r - dt, 0.0)
                continue
            if r <= eps:
                r = 0.0
                ref[j] = 0.0
            if gsum != 0.0:
                # conductances: exponential Euler with the synaptic variables frozen at the step
                # start (exact in V for them; Brian2's exponential_euler does the same)
                rg = r_m[j] * 1e-3  # MOhm nS
                a = 1.0 + rg * gsum
                vc = (vinf + r_m[j] * icur + rg * ge) / a
                if r > 0.0:
                    vv = vc + (v_reset[j] - vc) * math.exp(-(dt - r) * a / tau_m[j])
                    ref[j] = 0.0
                else:
                    vv = vc + (v[j] - vc) * math.exp(-dt * a / tau_m[j])
                if vv >= v_th[j]:
                    _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                    vv = v_reset[j]
                    ref[j] = t_ref[j]
                v[j] = vv
                continue
            if drive == 0.0:
                # constant drive: exact crossings, possibly several in one step
                t = 0.0
                vv = v[j]
                while True:
                    if r > 0.0:
                        if r >= dt - t:
                            vv = v_reset[j]
                            r -= dt - t
                            break
                        t += r
                        r = 0.0
                        vv = v_reset[j]
                    rem = dt - t
                    v_end = vinf + (vv - vinf) * math.exp(-rem / tau_m[j])
                    if v_end < v_th[j]:
                        vv = v_end
                        break
                    tc = 0.0 if vv >= v_th[j] else tau_m[j] * math.log(
                        (vinf - vv) / (vinf - v_th[j]))
                    t += tc
                    _emit(j, t0 + t, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                    vv = v_reset[j]
                    r = t_ref[j]
                v[j] = vv
                ref[j] = r
                continue
            if r > 0.0:
                # released at t_s + r: held until then, then free with the decayed currents
                rem = dt - r
                e_m = math.exp(-rem / tau_m[j])
                vv = vinf + (v_reset[j] - vinf) * e_m
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
                vv = vinf + (v[j] - vinf) * dec[j]
                for p in range(P):
                    if not port_cond[p]:
                        vv += prop[p, j] * isyn[p, j]
            if vv >= v_th[j]:
                _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                vv = v_reset[j]
                ref[j] = t_ref[j]
            v[j] = vv
        for p in range(P):
            for j in range(N):
                isyn[p, j] *= pdec[p]
        for x in range(rec_idx.size):
            rec_v[s + 1, x] = v[rec_idx[x]]
        # 2. the spike sources' spikes due by now leave
        q = src_pos[0]
        while q < src_step.size and src_step[q] <= s:
            a = src_id[q]
            e = src_step[q]
            for y in range(indptr[a], indptr[a + 1]):
                ring[(e + dly[y]) % n_slots, chan[y], tgt[y]] += w[y]
            q += 1
        src_pos[0] = q
        # 3. arrivals and Poisson drive, due at t_(s+1)
        for k in range(pin_lo.size):
            lam = pin_lam[k]
            if lam <= 0.0:
                continue
            c = pin_chan[k]
            base = (np.uint64(seed) * _GOLD) ^ (np.uint64(k + 1) * _M1) ^ (np.uint64(s + 1) * _M2)
            for j in range(pin_lo[k], pin_hi[k]):
                n_in = poisson_count(lam, _mix(base + np.uint64(j)))
                if n_in:
                    ring[slot, c, j] += n_in * pin_w[k]
        for p in range(P):
            for j in range(N):
                isyn[p, j] += ring[slot, 1 + p, j]
                ring[slot, 1 + p, j] = 0.0
        for j in range(N):
            jump = ring[slot, 0, j]
            if jump != 0.0:
                ring[slot, 0, j] = 0.0
                if ref[j] <= eps:
                    v[j] += jump
                    if v[j] >= v_th[j]:
                        _emit(j, t0 + dt, spk_n, spk_id, spk_t, out_n, out_src, out_step, s + 1)
                        v[j] = v_reset[j]
                        ref[j] = t_ref[j]
        # 4. propagation of the neurons' spikes of this step (at t_(s+1))
        for m in range(out_n[0]):
            a = out_src[m]
            e = out_step[m]
            for y in range(indptr[a], indptr[a + 1]):
                ring[(e + dly[y]) % n_slots, chan[y], tgt[y]] += w[y]
        s += 1
    return s
