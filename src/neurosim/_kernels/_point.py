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
from numba import njit

from ._fastexp import fexp
from ._jit import jit, jit_inline, jit_nogil
from ._limits import ADEX_W_BOUND, POINT_V_BOUND

LIF_CHUNK = 256
IZHIKEVICH_CHUNK = 256
IZHIKEVICH_CHECK = 16  # steps between the Izhikevich kernel's blow-up checks
LIF_CHECK = 16  # and the LIF kernel's (a count in its vectorised loop would cost every step)
ADEX_CHUNK = 256
V_BOUND = POINT_V_BOUND  # |V| beyond this (mV) means an integration blew up
W_BOUND = ADEX_W_BOUND  # |w| (pA) beyond this means an AdEx integration blew up
ADEX_MAX_EVENTS = 4  # spikes one AdEx neuron may fire within one step

# the AdEx driver: GIL released, fused multiply-adds allowed (no other fast-math licence)
_contract_nogil = njit(cache=True, error_model="numpy", nogil=True, fastmath={"contract"})


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
            tau, t_ref, max_events, rec_every, rec_v, spk_idx, spk_t, spk_n, err_step):
    """Exact LIF over chunks c0..c1-1 of LIF_CHUNK neurons, each from chunk_step[c] to
    step_end. ``i_ext`` has shape (S, Ni), S in {1, total steps}, Ni in {1, N} (nA);
    ``max_events`` bounds the spikes one neuron can fire in one step. A blow-up (V NaN or at
    least V_BOUND in magnitude, looked for every LIF_CHECK steps and when the chunk stops, or
    a drive V_inf that is not finite) stops the chunk; err_step[c] is then the step it was
    found in, else -1."""
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
        err_step[c] = -1
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
                # a drive that is not a finite number is a blow-up before the step (the exact
                # crossing time of an infinite drive is NaN)
                if _blown_up(vinf, vinf, L, math.inf):
                    err_step[c] = s + 1
                    break
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
            if s % LIF_CHECK == 0 and _blown_up(v, v, L, V_BOUND):
                err_step[c] = s
                break
            if rec_v.shape[0] > 0 and s % rec_every == 0:
                row_out = s // rec_every
                for j in range(L):
                    rec_v[row_out, lo + j] = v[j]
        if err_step[c] < 0 and _blown_up(v, v, L, V_BOUND):
            err_step[c] = s
        chunk_step[c] = s
        spk_n[c] = k
        for j in range(L):
            v_all[lo + j] = v[j]
            ref_all[lo + j] = ref[j]


@jit_inline
def _load_input(i_ext, s, lo, L, scale, cur):
    """cur[:L] = scale x the input of step ``s`` for neurons lo..lo+L-1."""
    row = s if i_ext.shape[0] > 1 else 0
    if i_ext.shape[1] > 1:
        for j in range(L):
            cur[j] = scale * i_ext[row, lo + j]
    else:
        for j in range(L):
            cur[j] = scale * i_ext[row, 0]


@jit_inline
def _record_rows(rec, s, rec_every, lo, L, x, scale):
    if rec.shape[0] > 0 and s % rec_every == 0:
        for j in range(L):
            rec[s // rec_every, lo + j] = x[j] * scale


@jit_inline
def _izh_dv(v, u, cur):
    return 0.04 * (v * v) + 5.0 * v + 140.0 - u + cur  # the paper's 0.04 v^2, rounded alike


@jit_inline
def _izh_step(v, u, cur, half, dt_a, b):
    """The paper's step: v in two half steps, then u with the new v (before any reset)."""
    vh = v + half * _izh_dv(v, u, cur)
    vn = vh + half * _izh_dv(vh, u, cur)
    return vn, u + dt_a * (b * vn - u)


@jit_inline
def _izh_update(v, u, cur, half, dt_a, b, c, d, v_peak):
    """A step with its reset: (v, u after the step, 1 if it spiked else 0)."""
    vn, un = _izh_step(v, u, cur, half, dt_a, b)
    spike = vn >= v_peak
    return (c if spike else vn), (un + d if spike else un), np.uint8(spike)


@jit_inline
def _blown_up(x, y, L, bound):
    """How many of x[:L], y[:L] are NaN or at least ``bound`` in magnitude."""
    n = 0
    for j in range(L):
        n += 0 if (abs(x[j]) < bound and abs(y[j]) < bound) else 1
    return n


@jit_nogil
def run_izhikevich(c0, c1, v_all, u_all, i_ext, step_end, chunk_step, dt, a, b, c_reset,
                   d, v_peak, rec_every, rec_v, rec_u, spk_idx, spk_t, spk_n, err_step):
    """Izhikevich (2003) by the paper's own scheme: each step advances v in two half steps of
    dt / 2 (both with the u and I of the start of the step), then u by dt with the new v.
    v >= v_peak after the step is a spike, timed by linear interpolation within the step; then
    v <- c and u <- u + d. The neurons of a chunk advance in lockstep, so a chunk can stop at any
    step when its spike buffer is full. A blow-up (|v| or |u| >= V_BOUND, or NaN, which
    persists once there) is looked for every IZHIKEVICH_CHECK steps and when the chunk stops;
    err_step[c] is the step at which it was found.

    Layout: one vectorised loop per step reads the state from one pair of buffers and writes
    the new state, reset included, to the other (the buffers swap each step), and flags the
    neurons that spiked, one byte each; a scalar pass visits only the flagged neurons, skipping
    eight unflagged ones at a time, and recomputes their step from the old state to time the
    crossing. A chunk whose parameters are all equal runs a copy of the loop with them as
    constants (five fewer loads a neuron). The arithmetic is the paper's, operation for
    operation and without fused multiply-adds: this scheme at dt = 0.25 ms amplifies a
    rounding difference of 1e-14 mV into a spike a step earlier or later within a few hundred
    ms (measured: 35 % of a 400-neuron trace differs from the paper's program when
    0.04 v^2 + 5 v is contracted into multiply-adds), so the numbers stay bit for bit."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    half = 0.5 * dt
    for c in range(c0, c1):
        lo = c * IZHIKEVICH_CHUNK
        L = min(N, lo + IZHIKEVICH_CHUNK) - lo
        v = v_all[lo:lo + L].copy()
        u = u_all[lo:lo + L].copy()
        v_new, u_new = np.empty(L), np.empty(L)
        q = np.empty((5, L))  # the chunk's dt a, b, c, d, v_peak (dt a: as the paper rounds it)
        uniform = True
        for j in range(L):
            q[0, j] = dt * a[lo + j]
            q[1, j] = b[lo + j]
            q[2, j] = c_reset[lo + j]
            q[3, j] = d[lo + j]
            q[4, j] = v_peak[lo + j]
            for r in range(5):
                uniform = uniform and q[r, j] == q[r, 0]
        cur = np.empty(L)
        flag = np.zeros(((L + 7) // 8) * 8, dtype=np.uint8)
        words = flag.view(np.uint64)
        k = 0
        err_step[c] = -1
        s = chunk_step[c]
        first = True
        while s < step_end and k + L <= cap:
            if first or i_ext.shape[0] > 1:
                _load_input(i_ext, s, lo, L, 1.0, cur)
                first = False
            any_spike = np.uint8(0)
            if uniform:
                dt_a, bb, cc, dd, vp = q[0, 0], q[1, 0], q[2, 0], q[3, 0], q[4, 0]
                for j in range(L):
                    v_new[j], u_new[j], fired = _izh_update(v[j], u[j], cur[j], half, dt_a, bb,
                                                            cc, dd, vp)
                    flag[j] = fired
                    any_spike |= fired
            else:
                for j in range(L):
                    v_new[j], u_new[j], fired = _izh_update(v[j], u[j], cur[j], half, q[0, j],
                                                            q[1, j], q[2, j], q[3, j], q[4, j])
                    flag[j] = fired
                    any_spike |= fired
            if any_spike:
                for wi in range(words.size):
                    if words[wi] == 0:
                        continue
                    for j in range(8 * wi, min(L, 8 * wi + 8)):
                        if flag[j]:
                            vn, _ = _izh_step(v[j], u[j], cur[j], half, q[0, j], q[1, j])
                            spk_idx[c, k] = lo + j
                            spk_t[c, k] = (s + (q[4, j] - v[j]) / (vn - v[j])) * dt
                            k += 1
            v, v_new = v_new, v
            u, u_new = u_new, u
            s += 1
            if s % IZHIKEVICH_CHECK == 0 and _blown_up(v, u, L, V_BOUND):
                err_step[c] = s
                break
            _record_rows(rec_v, s, rec_every, lo, L, v, 1.0)
            _record_rows(rec_u, s, rec_every, lo, L, u, 1.0)
        if err_step[c] < 0 and _blown_up(v, u, L, V_BOUND):
            err_step[c] = s
        chunk_step[c] = s
        spk_n[c] = k
        for j in range(L):
            v_all[lo + j] = v[j]
            u_all[lo + j] = u[j]


# AdEx parameters of a chunk, as rows of one local array (rates as reciprocals)
_INV_CM, _GL, _EL, _VT, _INV_DELTA, _GL_DELTA, _INV_TW, _A, _B, _VR, _VP = range(11)


@jit_inline
def _adex_rhs(v, w, cur, inv_cm, g_l, e_l, v_t, inv_delta, gl_delta, inv_tw, a):
    """(dV/dt, dw/dt) in pA, pF, nS, mV, ms. Scalar parameters, not a column of the chunk's
    parameter array: LLVM does not vectorise the loop of the other form."""
    arg = (v - v_t) * inv_delta
    arg = arg if arg < 50.0 else 50.0
    dv = (-g_l * (v - e_l) + gl_delta * fexp(arg) - w + cur) * inv_cm
    dw = (a * (v - e_l) - w) * inv_tw
    return dv, dw


@jit_inline
def _adex_rk4(v, w, h, cur, q, j):
    """One RK4 step of length h for neuron j (q: the chunk's parameter rows)."""
    inv_cm = q[_INV_CM, j]
    g_l = q[_GL, j]
    e_l = q[_EL, j]
    v_t = q[_VT, j]
    inv_delta = q[_INV_DELTA, j]
    gl_delta = q[_GL_DELTA, j]
    inv_tw = q[_INV_TW, j]
    a = q[_A, j]
    k1v, k1w = _adex_rhs(v, w, cur, inv_cm, g_l, e_l, v_t, inv_delta, gl_delta, inv_tw, a)
    k2v, k2w = _adex_rhs(v + 0.5 * h * k1v, w + 0.5 * h * k1w, cur, inv_cm, g_l, e_l, v_t,
                         inv_delta, gl_delta, inv_tw, a)
    k3v, k3w = _adex_rhs(v + 0.5 * h * k2v, w + 0.5 * h * k2w, cur, inv_cm, g_l, e_l, v_t,
                         inv_delta, gl_delta, inv_tw, a)
    k4v, k4w = _adex_rhs(v + h * k3v, w + h * k3w, cur, inv_cm, g_l, e_l, v_t, inv_delta,
                         gl_delta, inv_tw, a)
    return (v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v),
            w + h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w))


@jit_inline
def _adex_crossing(v, w, dt, cur, q, j):
    """Redo a step that reached v_peak in 32 RK4 sub-steps; return (time into the step of the
    crossing, w there), interpolating linearly within the sub-step that crosses."""
    h = dt / 32.0
    t_in = 0.0
    v_peak = q[_VP, j]
    for _ in range(32):
        v2, w2 = _adex_rk4(v, w, h, cur, q, j)
        if not (v2 < v_peak):
            if v2 < 1e300:
                frac = (v_peak - v) / (v2 - v)
                return t_in + frac * h, w + frac * (w2 - w)
            return t_in, w
        v, w = v2, w2
        t_in += h
    return dt, w


@jit_inline
def _adex_events(s, dt, v, w, vn, wn, cur, q, j, idx, spk_idx, spk_t, c, k):
    """A step of one neuron that ended at or above v_peak: time each crossing, reset, and go
    on from the reset to the end of the step. Returns (V, w at the end, spike count k, bad)."""
    done = 0.0  # time into the step already integrated
    events = 0
    while not (vn < q[_VP, j]):
        if events == ADEX_MAX_EVENTS:
            return vn, wn, k, True
        t_in, w_cross = _adex_crossing(v, w, dt - done, cur, q, j)
        spk_idx[c, k] = idx
        spk_t[c, k] = s * dt + done + t_in
        k += 1
        events += 1
        done += t_in
        v = q[_VR, j]
        w = w_cross + 1000.0 * q[_B, j]
        if dt - done <= 0.0:
            vn, wn = v, w
            break
        vn, wn = _adex_rk4(v, w, dt - done, cur, q, j)
    return vn, wn, k, not (abs(vn) < V_BOUND) or not (abs(wn) < W_BOUND)


@_contract_nogil
def run_adex(c0, c1, v_all, w_all, i_ext, step_end, chunk_step, dt, c_m, g_l, e_l, v_t,
             delta_t, tau_w, a, b, v_reset, v_peak, rec_every, rec_v, rec_w, spk_idx, spk_t,
             spk_n, err_step):
    """AdEx by classic RK4 (currents in pA inside: input nA x 1000, w in pA). A step that ends
    at or above v_peak is redone in sub-steps to time the crossing; then V <- v_reset,
    w <- w + b, and the rest of the step continues from the reset, where a further crossing is
    a further spike. More than ADEX_MAX_EVENTS spikes within one step means the integration has
    broken down (reported as a blow-up). Lockstep chunks as for Izhikevich.

    Layout: the RK4 step of every neuron is one vectorised loop (``fexp`` for the exponential,
    reciprocals of C, Delta_T and tau_w taken once per chunk, fused multiply-adds); the
    neurons that reached v_peak are redone by the scalar event handler, in steps that have
    any."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    for c in range(c0, c1):
        lo = c * ADEX_CHUNK
        L = min(N, lo + ADEX_CHUNK) - lo
        v = v_all[lo:lo + L].copy()
        w = w_all[lo:lo + L].copy()
        q = np.empty((11, L))
        for j in range(L):
            g = lo + j
            q[_INV_CM, j] = 1.0 / c_m[g]
            q[_GL, j] = g_l[g]
            q[_EL, j] = e_l[g]
            q[_VT, j] = v_t[g]
            q[_INV_DELTA, j] = 1.0 / delta_t[g]
            q[_GL_DELTA, j] = g_l[g] * delta_t[g]
            q[_INV_TW, j] = 1.0 / tau_w[g]
            q[_A, j] = a[g]
            q[_B, j] = b[g]
            q[_VR, j] = v_reset[g]
            q[_VP, j] = v_peak[g]
        cur, v_start, w_start = np.empty(L), np.empty(L), np.empty(L)
        k = 0
        err_step[c] = -1
        s = chunk_step[c]
        first = True
        while s < step_end and k + L * ADEX_MAX_EVENTS <= cap:
            if first or i_ext.shape[0] > 1:
                _load_input(i_ext, s, lo, L, 1000.0, cur)
                first = False
            crossed = 0
            bad = 0
            for j in range(L):
                vv = v[j]
                ww = w[j]
                vn, wn = _adex_rk4(vv, ww, dt, cur[j], q, j)
                v_start[j] = vv
                w_start[j] = ww
                v[j] = vn
                w[j] = wn
                below = vn < q[_VP, j]
                crossed += 0 if below else 1
                bad += 1 if below and not (vn > -V_BOUND and abs(wn) < W_BOUND) else 0
            if crossed:
                for j in range(L):
                    if not (v[j] < q[_VP, j]):
                        v[j], w[j], k, broke = _adex_events(
                            s, dt, v_start[j], w_start[j], v[j], w[j], cur[j], q, j, lo + j,
                            spk_idx, spk_t, c, k)
                        bad += 1 if broke else 0
            s += 1
            if bad:
                err_step[c] = s
                break
            _record_rows(rec_v, s, rec_every, lo, L, v, 1.0)
            _record_rows(rec_w, s, rec_every, lo, L, w, 0.001)
        chunk_step[c] = s
        spk_n[c] = k
        for j in range(L):
            v_all[lo + j] = v[j]
            w_all[lo + j] = w[j]


# --------------------------------------------------------------------------------------------
# Steps of the Numba network engine: neurons lo..hi-1 over one step, with the input current
# cur (the model's unit) and the synaptic conductance gs (nS) and gs E_rev (nS mV) frozen at
# the step's start; parameters by row of mp (the registry entry's ``NetworkRule.rows``).


@jit
def izhikevich_network_step(lo, hi, dt, v, u, hg, mp, cur, gs, gev):
    """Izhikevich neurons (rows a, b): the paper's step, as ``simulate`` takes it (current
    synapses only: the model has no conductance)."""
    half = 0.5 * dt
    for j in range(lo, hi):
        v[j], u[j] = _izh_step(v[j], u[j], cur[j], half, dt * mp[0, j], mp[1, j])


@jit
def adex_network_step(lo, hi, dt, v, u, hg, mp, cur, gs, gev):
    """AdEx neurons (rows c_m, g_l, e_l, v_t, delta_t, tau_w, a), forward Euler (Brian2's AdEx
    scheme); u is w in pA, the input nA x 1000 plus the conductances' nS x mV."""
    for j in range(lo, hi):
        c_m, g_l, e_l, v_t, d_t = mp[0, j], mp[1, j], mp[2, j], mp[3, j], mp[4, j]
        tau_w, a = mp[5, j], mp[6, j]
        vj, uj = v[j], u[j]
        i_syn = 1000.0 * cur[j] + gev[j] - gs[j] * vj
        e = math.exp(min((vj - v_t) / d_t, 50.0))
        dv = (-g_l * (vj - e_l) + g_l * d_t * e - uj + i_syn) / c_m
        dw = (a * (vj - e_l) - uj) / tau_w
        v[j] = vj + dt * dv
        u[j] = uj + dt * dw
