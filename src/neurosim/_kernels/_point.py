"""Point-neuron kernels: leaky integrate-and-fire (exact), Izhikevich (the paper's scheme),
AdEx (RK4).

Units: ms, mV, nA for input, MOhm, pF, nS, pA inside AdEx. Every parameter arrives as an array
with one value per neuron (the wrapper broadcasts), so heterogeneous populations cost nothing
extra. The drivers release the GIL; the caller runs disjoint chunk ranges on several threads.

Spikes go to per-chunk buffers: spk_idx[c, :spk_n[c]] (neuron index) and spk_t[c, :spk_n[c]]
(time in ms). A chunk stops early (chunk_step[c] < step_end) when its buffer could overflow in
the next step; the caller empties the buffers and calls again, so memory is O(buffer), not
O(neurons x duration).
"""

import math

import numpy as np

from ._jit import jit, jit_inline, jit_nogil

LIF_CHUNK = 1024
POINT_CHUNK = 64
V_BOUND = 1.0e4  # |V| beyond this (mV) means an integration blew up
ADEX_MAX_EVENTS = 4  # spikes one AdEx neuron may fire within one step


@jit_inline
def _lif_events(t_step, v_start, ref_start, vinf, tau, vth, vres, tref, dt, idx, spk_idx, spk_t,
                c, k):
    """Advance one neuron through a step that holds an event (refractory end or a spike).

    Between events V relaxes exactly towards vinf; a crossing of vth is timed exactly with
    t = tau ln((vinf - V) / (vinf - vth)); after a spike V is held at vres for tref.
    Returns (V at the end of the step, refractory time left, new spike count k).
    """
    t = 0.0
    v = v_start
    r = ref_start
    while True:
        if r > 0.0:
            if r >= dt - t:
                return vres, r - (dt - t), k
            t += r
            r = 0.0
            v = vres
        rem = dt - t
        v_end = vinf + (v - vinf) * math.exp(-rem / tau)
        if v_end < vth:
            return v_end, 0.0, k
        tc = 0.0 if v >= vth else tau * math.log((vinf - v) / (vinf - vth))
        t += tc
        spk_idx[c, k] = idx
        spk_t[c, k] = t_step + t
        k += 1
        v = vres
        r = tref
        if tref == 0.0 and t >= dt:
            return v, 0.0, k


@jit_nogil
def run_lif(c0, c1, v_all, ref_all, i_ext, step_end, chunk_step, dt, e_l, r_m, v_th, v_reset,
            tau, t_ref, max_events, rec_every, rec_v, spk_idx, spk_t, spk_n):
    """Exact LIF over chunks c0..c1-1 of LIF_CHUNK neurons, each from chunk_step[c] to
    step_end. ``i_ext`` has shape (S, Ni), S in {1, total steps}, Ni in {1, N} (nA);
    ``max_events`` bounds the spikes one neuron can fire in one step."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    for c in range(c0, c1):
        lo = c * LIF_CHUNK
        L = min(N, lo + LIF_CHUNK) - lo
        v = v_all[lo:lo + L].copy()
        ref = ref_all[lo:lo + L].copy()
        v_new = np.empty(L)
        ref_new = np.empty(L)
        dec = np.empty(L)
        vinf = np.empty(L)
        vth = v_th[lo:lo + L].copy()
        vres = v_reset[lo:lo + L].copy()
        # event flags, padded to whole 8-byte words so the scan can skip 8 neurons at a time
        flag = np.zeros(((L + 7) // 8) * 8, dtype=np.uint8)
        words = flag.view(np.uint64)
        for j in range(L):
            dec[j] = math.exp(-dt / tau[lo + j])
        k = 0
        s = chunk_step[c]
        first = True
        while s < step_end:
            if k + L * max_events > cap:
                break
            if first or i_ext.shape[0] > 1:
                row = s if i_ext.shape[0] > 1 else 0
                if i_ext.shape[1] > 1:
                    for j in range(L):
                        vinf[j] = e_l[lo + j] + r_m[lo + j] * i_ext[row, lo + j]
                else:
                    for j in range(L):
                        vinf[j] = e_l[lo + j] + r_m[lo + j] * i_ext[row, 0]
                first = False
            # vectorised pass: free relaxation, or held at reset through a whole refractory
            # step; spikes and mid-step releases are redone by the exact scalar handler
            any_event = 0
            for j in range(L):
                r = ref[j]
                held = r >= dt
                vn = vres[j] if held else vinf[j] + (v[j] - vinf[j]) * dec[j]
                v_new[j] = vn
                ref_new[j] = r - dt if held else 0.0
                ev = np.uint8(((r > 0.0) & (r < dt)) | ((vn >= vth[j]) & (r <= 0.0)))
                flag[j] = ev
                any_event |= ev
            if any_event:
                for wi in range(words.size):
                    if words[wi] == 0:
                        continue
                    for j in range(8 * wi, min(L, 8 * wi + 8)):
                        if flag[j]:
                            v_new[j], ref_new[j], k = _lif_events(
                                s * dt, v[j], ref[j], vinf[j], tau[lo + j], vth[j], vres[j],
                                t_ref[lo + j], dt, lo + j, spk_idx, spk_t, c, k)
            v, v_new = v_new, v
            ref, ref_new = ref_new, ref
            s += 1
            if rec_v.shape[0] > 0 and s % rec_every == 0:
                row_out = s // rec_every
                for j in range(L):
                    rec_v[row_out, lo + j] = v[j]
        chunk_step[c] = s
        spk_n[c] = k
        for j in range(L):
            v_all[lo + j] = v[j]
            ref_all[lo + j] = ref[j]


@jit
def _izh_dv(v, u, cur):
    return 0.04 * (v * v) + 5.0 * v + 140.0 - u + cur  # the paper's 0.04 v^2, rounded alike


@jit_nogil
def run_izhikevich(c0, c1, v_all, u_all, i_ext, step_end, chunk_step, dt, a, b, c_reset,
                   d, v_peak, rec_every, rec_v, rec_u, spk_idx, spk_t, spk_n, err_step):
    """Izhikevich (2003) by the paper's own scheme: each step advances v in two half steps of
    dt / 2 (both with the u and I of the start of the step), then u by dt with the new v.
    v >= v_peak after the step is a spike, timed by linear interpolation within the step; then
    v <- c and u <- u + d. The neurons of a chunk advance in lockstep, so a chunk can stop at any
    step when its spike buffer is full."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    half = 0.5 * dt
    for c in range(c0, c1):
        lo = c * POINT_CHUNK
        L = min(N, lo + POINT_CHUNK) - lo
        k = 0
        err_step[c] = -1
        s = chunk_step[c]
        while s < step_end and k + L <= cap:
            row = s if i_ext.shape[0] > 1 else 0
            bad = False
            for g in range(lo, lo + L):
                cur = i_ext[row, g] if i_ext.shape[1] > 1 else i_ext[row, 0]
                v = v_all[g]
                u = u_all[g]
                vh = v + half * _izh_dv(v, u, cur)
                vn = vh + half * _izh_dv(vh, u, cur)
                u = u + dt * a[g] * (b[g] * vn - u)
                if vn >= v_peak[g]:
                    spk_idx[c, k] = g
                    spk_t[c, k] = (s + (v_peak[g] - v) / (vn - v)) * dt
                    k += 1
                    vn = c_reset[g]
                    u = u + d[g]
                v_all[g] = vn
                u_all[g] = u
                if not (abs(vn) < V_BOUND) or not (abs(u) < V_BOUND):
                    bad = True
            s += 1
            if bad:
                err_step[c] = s
                break
            if s % rec_every == 0:
                for g in range(lo, lo + L if rec_v.shape[0] > 0 else lo):
                    rec_v[s // rec_every, g] = v_all[g]
                for g in range(lo, lo + L if rec_u.shape[0] > 0 else lo):
                    rec_u[s // rec_every, g] = u_all[g]
        chunk_step[c] = s
        spk_n[c] = k


@jit
def _adex_rhs(v, w, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a):
    arg = (v - v_t) / delta_t
    arg = arg if arg < 50.0 else 50.0
    dv = (-g_l * (v - e_l) + g_l * delta_t * math.exp(arg) - w + cur) / c_m
    dw = (a * (v - e_l) - w) / tau_w
    return dv, dw


@jit
def _adex_rk4(v, w, h, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a):
    k1v, k1w = _adex_rhs(v, w, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a)
    k2v, k2w = _adex_rhs(v + 0.5 * h * k1v, w + 0.5 * h * k1w, cur, c_m, g_l, e_l, v_t,
                         delta_t, tau_w, a)
    k3v, k3w = _adex_rhs(v + 0.5 * h * k2v, w + 0.5 * h * k2w, cur, c_m, g_l, e_l, v_t,
                         delta_t, tau_w, a)
    k4v, k4w = _adex_rhs(v + h * k3v, w + h * k3w, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a)
    return (v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v),
            w + h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w))


@jit
def _adex_crossing(v, w, dt, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a, v_peak):
    """Redo a step that reached v_peak in 32 RK4 sub-steps; return (time into the step of the
    crossing, w there), interpolating linearly within the sub-step that crosses."""
    h = dt / 32.0
    t_in = 0.0
    for _ in range(32):
        v2, w2 = _adex_rk4(v, w, h, cur, c_m, g_l, e_l, v_t, delta_t, tau_w, a)
        if not (v2 < v_peak):
            if v2 < 1e300:
                frac = (v_peak - v) / (v2 - v)
                return t_in + frac * h, w + frac * (w2 - w)
            return t_in, w
        v, w = v2, w2
        t_in += h
    return dt, w


@jit_nogil
def run_adex(c0, c1, v_all, w_all, i_ext, step_end, chunk_step, dt, c_m, g_l, e_l, v_t,
             delta_t, tau_w, a, b, v_reset, v_peak, rec_every, rec_v, rec_w, spk_idx, spk_t,
             spk_n, err_step):
    """AdEx by classic RK4 (currents in pA inside: input nA x 1000, w in pA). A step that ends
    at or above v_peak is redone in sub-steps to time the crossing; then V <- v_reset,
    w <- w + b, and the rest of the step continues from the reset, where a further crossing is
    a further spike. More than ADEX_MAX_EVENTS spikes within one step means the integration has
    broken down (reported as a blow-up). Lockstep chunks as for Izhikevich."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    for c in range(c0, c1):
        lo = c * POINT_CHUNK
        L = min(N, lo + POINT_CHUNK) - lo
        k = 0
        err_step[c] = -1
        s = chunk_step[c]
        while s < step_end and k + L * ADEX_MAX_EVENTS <= cap:
            row = s if i_ext.shape[0] > 1 else 0
            bad = False
            for g in range(lo, lo + L):
                cur = 1000.0 * (i_ext[row, g] if i_ext.shape[1] > 1 else i_ext[row, 0])
                v = v_all[g]
                w = w_all[g]
                vn, wn = _adex_rk4(v, w, dt, cur, c_m[g], g_l[g], e_l[g], v_t[g], delta_t[g],
                                   tau_w[g], a[g])
                done = 0.0  # time into the step already integrated
                events = 0
                while not (vn < v_peak[g]):
                    if events == ADEX_MAX_EVENTS:
                        bad = True
                        break
                    t_in, w_cross = _adex_crossing(v, w, dt - done, cur, c_m[g], g_l[g],
                                                   e_l[g], v_t[g], delta_t[g], tau_w[g], a[g],
                                                   v_peak[g])
                    spk_idx[c, k] = g
                    spk_t[c, k] = s * dt + done + t_in
                    k += 1
                    events += 1
                    done += t_in
                    v = v_reset[g]
                    w = w_cross + 1000.0 * b[g]
                    if dt - done <= 0.0:
                        vn, wn = v, w
                        break
                    vn, wn = _adex_rk4(v, w, dt - done, cur, c_m[g], g_l[g], e_l[g], v_t[g],
                                       delta_t[g], tau_w[g], a[g])
                v_all[g] = vn
                w_all[g] = wn
                if not (abs(vn) < V_BOUND) or not (abs(wn) < 1e9):
                    bad = True
            s += 1
            if bad:
                err_step[c] = s
                break
            if s % rec_every == 0:
                for g in range(lo, lo + L if rec_v.shape[0] > 0 else lo):
                    rec_v[s // rec_every, g] = v_all[g]
                for g in range(lo, lo + L if rec_w.shape[0] > 0 else lo):
                    rec_w[s // rec_every, g] = w_all[g] / 1000.0
        chunk_step[c] = s
        spk_n[c] = k
