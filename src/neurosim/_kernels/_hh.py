"""Hodgkin-Huxley kernels: exponential Euler and classic RK4 over a population.

Units: ms, mV, uA/cm^2, mS/cm^2, uF/cm^2. The parameter matrix ``p`` has one row per
parameter, in order ``c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_offset, phi`` (``phi`` is the Q10
temperature factor that multiplies every rate), and one column per neuron. Neurons are
independent, so the population is cut into chunks of ``CHUNK`` neurons; each chunk copies its
columns of ``p`` and its state into L1-sized buffers and runs the whole time loop there, and the
caller runs disjoint ranges of chunks on several threads (the drivers release the GIL).

Rate functions (u = V - v_offset, the 1952 convention with depolarisation positive):

    alpha_m = 0.1 (25 - u) / (exp((25 - u) / 10) - 1)    beta_m = 4 exp(-u / 18)
    alpha_h = 0.07 exp(-u / 20)                          beta_h = 1 / (exp((30 - u) / 10) + 1)
    alpha_n = 0.01 (10 - u) / (exp((10 - u) / 10) - 1)   beta_n = 0.125 exp(-u / 80)

The two removable singularities (u = 25 and u = 10, i.e. V = -40 and -55 mV at v_offset = -65)
are evaluated through exprel(z) = (exp(z) - 1) / z with its Taylor series for |z| < 1e-2, so a
trace that crosses them, or starts on them, stays finite.
"""

import numpy as np

from ._jit import jit, jit_inline, jit_nogil
from ._vexp import vexp

CHUNK = 128
V_BOUND = 1000.0  # |V| beyond this (mV) means the integration blew up

# indices into the parameter vector
C_M, G_NA, G_K, G_L, E_NA, E_K, E_L, V_OFF, PHI = range(9)
N_PARAMS = 9


@jit
def _inv_exprel(z, ez, scale):
    """scale * z / (exp(z) - 1) given ez = exp(z), exact through z = 0 (one division).

    Near z = 0 the denominator is replaced by its Taylor series (exprel(z) = 1 + z/2 + ...,
    truncation error below 3e-19 for |z| < 1e-2), so there is no cancellation and no 0/0.
    """
    series = 1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0 + z * (
        1.0 / 720.0 + z * (1.0 / 5040.0))))))
    small = abs(z) < 1e-2
    num = scale if small else scale * z
    den = series if small else ez - 1.0
    return num / den


@jit
def rates(v, n, v_off, phi, out, xbuf, scratch):
    """Write the six rates (1/ms) for v[:n] into out[0:6n] as am, bm, ah, bh, an, bn blocks;
    ``v_off`` and ``phi`` hold one value per neuron.

    Five exponentials, not six: alpha_h = 0.07 exp(-u/20) is computed as 0.07 (exp(-u/80))^4
    from beta_n's exponential (relative error about 1e-15 instead of 2e-16).
    """
    for j in range(n):
        u = v[j] - v_off[j]
        xbuf[j] = (25.0 - u) * 0.1
        xbuf[n + j] = -u / 18.0
        xbuf[2 * n + j] = -u / 80.0
        xbuf[3 * n + j] = (30.0 - u) * 0.1
        xbuf[4 * n + j] = (10.0 - u) * 0.1
    vexp(xbuf, out, 5 * n, scratch)
    for j in range(n):
        ph = phi[j]
        e80 = out[2 * n + j]
        e40 = e80 * e80
        out[j] = _inv_exprel(xbuf[j], out[j], ph)
        out[n + j] = ph * 4.0 * out[n + j]
        out[2 * n + j] = ph * 0.07 * (e40 * e40)
        out[3 * n + j] = ph / (out[3 * n + j] + 1.0)
        out[4 * n + j] = _inv_exprel(xbuf[4 * n + j], out[4 * n + j], ph * 0.1)
        out[5 * n + j] = ph * 0.125 * e80


@jit
def dvdt(v, m, h, n, i_ext, p, j):
    """dV/dt (mV/ms) of neuron ``j`` of a chunk: (I_ext - I_Na - I_K - I_L) / C_m, with its
    parameters in column j of ``p``."""
    i_ion = (p[G_NA, j] * m * m * m * h * (v - p[E_NA, j])
             + p[G_K, j] * n * n * n * n * (v - p[E_K, j]) + p[G_L, j] * (v - p[E_L, j]))
    return (i_ext - i_ion) / p[C_M, j]


@jit
def _crossing_time(v0, v1, f0, f1, dt, threshold):
    """Fraction s in [0, 1] of the step where V crosses threshold upwards.

    Uses the cubic Hermite interpolant through (V, dV/dt) at both ends of the step (error
    O(dt^4), against O(dt^2) for a straight line), solved by Newton from the linear estimate;
    falls back to the linear estimate if Newton leaves the step.
    """
    s_lin = (threshold - v0) / (v1 - v0)
    s = s_lin
    for _ in range(6):
        s2 = s * s
        s3 = s2 * s
        h00 = 2.0 * s3 - 3.0 * s2 + 1.0
        h10 = s3 - 2.0 * s2 + s
        h01 = -2.0 * s3 + 3.0 * s2
        h11 = s3 - s2
        g = h00 * v0 + h10 * dt * f0 + h01 * v1 + h11 * dt * f1 - threshold
        dg = ((6.0 * s2 - 6.0 * s) * v0 + (3.0 * s2 - 4.0 * s + 1.0) * dt * f0
              + (-6.0 * s2 + 6.0 * s) * v1 + (3.0 * s2 - 2.0 * s) * dt * f1)
        if dg <= 0.0:
            return s_lin
        s = s - g / dg
        if s < 0.0 or s > 1.0:
            return s_lin
    return s


@jit
def _record(row, lo, L, v, m, h, n, rec, slots):
    """Write the chunk's state into row ``row`` of ``rec[slots[q]]`` for each recorded state
    variable q in (v, m, h, n); slots[q] < 0 means not recorded. (Currents are computed from
    the recorded state afterwards.)"""
    state = (v, m, h, n)
    for q in range(4):
        k = slots[q]
        if k >= 0:
            x = state[q]
            for j in range(L):
                rec[k, row, lo + j] = x[j]


@jit_inline
def _chunk_params(p, lo, L):
    """The chunk's columns of the parameter matrix, contiguous (p has one column per neuron,
    or a single column shared by all)."""
    pc = np.empty((N_PARAMS, L))
    for k in range(N_PARAMS):
        if p.shape[1] > 1:
            for j in range(L):
                pc[k, j] = p[k, lo + j]
        else:
            for j in range(L):
                pc[k, j] = p[k, 0]
    return pc


@jit_inline
def _load_current(i_ext, g, lo, L, cur):
    row = g if i_ext.shape[0] > 1 else 0
    if i_ext.shape[1] > 1:
        for j in range(L):
            cur[j] = i_ext[row, lo + j]
    else:
        for j in range(L):
            cur[j] = i_ext[row, 0]


@jit_inline
def _finish_step(g, lo, L, vs, v, m, h, n, f0, cur, p, dt, threshold, spk_t, spk_n,
                 rec_every, rec, slots):
    """After a step from state vs (slope f0) to v: check for blow-up, time spikes, record.

    Returns True if the chunk blew up (NaN or |V| >= V_BOUND).
    """
    bad = False
    for j in range(L):
        if not (abs(v[j]) < V_BOUND):
            bad = True
    if bad:
        return True
    for j in range(L):
        if vs[j] < threshold <= v[j]:
            f1 = dvdt(v[j], m[j], h[j], n[j], cur[j], p, j)
            frac = _crossing_time(vs[j], v[j], f0[j], f1, dt, threshold)
            k = spk_n[lo + j]
            spk_t[lo + j, k] = (g + frac) * dt
            spk_n[lo + j] = k + 1
    if (g + 1) % rec_every == 0:
        _record((g + 1) // rec_every, lo, L, v, m, h, n, rec, slots)
    return False


@jit_inline
def _exp_euler_step(v, m, h, n, cur, dt, p, L, vs, f0, rt, xb, sc, eb, vinf, minf, hinf, ninf):
    """One exponential-Euler step: every variable relaxes exponentially towards its
    instantaneous steady state, all computed from the state at the start of the step."""
    rates(v, L, p[V_OFF], p[PHI], rt, xb, sc)
    for j in range(L):
        sm = rt[j] + rt[L + j]
        sh = rt[2 * L + j] + rt[3 * L + j]
        sn = rt[4 * L + j] + rt[5 * L + j]
        gna = p[G_NA, j] * m[j] * m[j] * m[j] * h[j]
        gk = p[G_K, j] * n[j] * n[j] * n[j] * n[j]
        gt = gna + gk + p[G_L, j]
        drive = gna * p[E_NA, j] + gk * p[E_K, j] + p[G_L, j] * p[E_L, j] + cur[j]
        inv_c = 1.0 / p[C_M, j]
        f0[j] = (drive - gt * v[j]) * inv_c
        xb[j] = -dt * sm
        xb[L + j] = -dt * sh
        xb[2 * L + j] = -dt * sn
        xb[3 * L + j] = -dt * gt * inv_c
        # one division for the four steady states (a / (a + b) and drive / g)
        p_mh = sm * sh
        p_ng = sn * gt
        inv = 1.0 / (p_mh * p_ng)
        inv_mh = p_ng * inv
        inv_ng = p_mh * inv
        vinf[j] = drive * sn * inv_ng
        minf[j] = rt[j] * sh * inv_mh
        hinf[j] = rt[2 * L + j] * sm * inv_mh
        ninf[j] = rt[4 * L + j] * gt * inv_ng
    vexp(xb, eb, 4 * L, sc)
    for j in range(L):
        vs[j] = v[j]
        m[j] = minf[j] + (m[j] - minf[j]) * eb[j]
        h[j] = hinf[j] + (h[j] - hinf[j]) * eb[L + j]
        n[j] = ninf[j] + (n[j] - ninf[j]) * eb[2 * L + j]
        v[j] = vinf[j] + (v[j] - vinf[j]) * eb[3 * L + j]


@jit_inline
def _rk4_step(v, m, h, n, cur, dt, p, L, vs, f0, rt, xb, sc, ms, hs, ns, kv, km, kh, kn):
    """One classic RK4 step on (V, m, h, n); kv..kn accumulate the weighted slopes."""
    for j in range(L):
        vs[j] = v[j]
        ms[j] = m[j]
        hs[j] = h[j]
        ns[j] = n[j]
        kv[j] = 0.0
        km[j] = 0.0
        kh[j] = 0.0
        kn[j] = 0.0
    for stage in range(4):
        w = 1.0 if (stage == 0 or stage == 3) else 2.0
        frac = 0.5 if stage < 2 else 1.0
        rates(vs, L, p[V_OFF], p[PHI], rt, xb, sc)
        for j in range(L):
            dv = dvdt(vs[j], ms[j], hs[j], ns[j], cur[j], p, j)
            dm = rt[j] * (1.0 - ms[j]) - rt[L + j] * ms[j]
            dh = rt[2 * L + j] * (1.0 - hs[j]) - rt[3 * L + j] * hs[j]
            dn = rt[4 * L + j] * (1.0 - ns[j]) - rt[5 * L + j] * ns[j]
            if stage == 0:
                f0[j] = dv
            kv[j] += w * dv
            km[j] += w * dm
            kh[j] += w * dh
            kn[j] += w * dn
            if stage < 3:
                vs[j] = v[j] + frac * dt * dv
                ms[j] = m[j] + frac * dt * dm
                hs[j] = h[j] + frac * dt * dh
                ns[j] = n[j] + frac * dt * dn
    for j in range(L):
        vs[j] = v[j]
        v[j] = v[j] + dt / 6.0 * kv[j]
        m[j] = m[j] + dt / 6.0 * km[j]
        h[j] = h[j] + dt / 6.0 * kh[j]
        n[j] = n[j] + dt / 6.0 * kn[j]


# The two drivers below share their shape; they are separate functions so that a first call
# compiles only the method it uses (Numba compiles a whole function, both branches included).
# Each advances chunks c0..c1-1 of CHUNK neurons by ``nsteps`` steps from global step
# ``step0``, updating (v, m, h, n) in place. ``i_ext`` has shape (S, Ni), S in {1, total
# steps}, Ni in {1, N}. ``rec`` has shape (n_recorded, rows, N); ``slots[q]`` is the index in
# it of state variable q of (v, m, h, n), -1 if not recorded; row r is global step
# r * rec_every. ``p`` is the (N_PARAMS, N or 1) parameter matrix. Spike times (ms) go to
# spk_t[j, :spk_n[j]] (counts reset here). err_step[c] is the global step at which chunk c
# blew up (-1 if it did not); that chunk stops there. They release the GIL, so the caller
# runs disjoint chunk ranges on several threads.


@jit_nogil
def run_exp_euler(c0, c1, v_all, m_all, h_all, n_all, i_ext, step0, nsteps, dt, p, rec_every,
                  rec, slots, threshold, spk_t, spk_n, err_step):
    N = v_all.shape[0]
    for c in range(c0, c1):
        lo = c * CHUNK
        L = min(N, lo + CHUNK) - lo
        v, m, h, n = (v_all[lo:lo + L].copy(), m_all[lo:lo + L].copy(),
                      h_all[lo:lo + L].copy(), n_all[lo:lo + L].copy())
        pc = _chunk_params(p, lo, L)
        cur, f0, vs = np.empty(L), np.empty(L), np.empty(L)
        rt, xb, sc = np.empty(6 * L), np.empty(6 * L), np.empty(6 * L)
        eb, b1, b2, b3, b4 = np.empty(4 * L), np.empty(L), np.empty(L), np.empty(L), np.empty(L)
        for j in range(L):  # explicit loops: slice assignment drags in costly error code
            spk_n[lo + j] = 0
        err_step[c] = -1
        for s in range(nsteps):
            if s == 0 or i_ext.shape[0] > 1:
                _load_current(i_ext, step0 + s, lo, L, cur)
            _exp_euler_step(v, m, h, n, cur, dt, pc, L, vs, f0, rt, xb, sc, eb, b1, b2, b3, b4)
            if _finish_step(step0 + s, lo, L, vs, v, m, h, n, f0, cur, pc, dt, threshold,
                            spk_t, spk_n, rec_every, rec, slots):
                err_step[c] = step0 + s + 1
                break
        for j in range(L):
            v_all[lo + j] = v[j]
            m_all[lo + j] = m[j]
            h_all[lo + j] = h[j]
            n_all[lo + j] = n[j]


@jit_nogil
def run_rk4(c0, c1, v_all, m_all, h_all, n_all, i_ext, step0, nsteps, dt, p, rec_every, rec,
            slots, threshold, spk_t, spk_n, err_step):
    N = v_all.shape[0]
    for c in range(c0, c1):
        lo = c * CHUNK
        L = min(N, lo + CHUNK) - lo
        v, m, h, n = (v_all[lo:lo + L].copy(), m_all[lo:lo + L].copy(),
                      h_all[lo:lo + L].copy(), n_all[lo:lo + L].copy())
        pc = _chunk_params(p, lo, L)
        cur, f0, vs = np.empty(L), np.empty(L), np.empty(L)
        rt, xb, sc = np.empty(6 * L), np.empty(6 * L), np.empty(6 * L)
        ms, hs, ns = np.empty(L), np.empty(L), np.empty(L)
        kv, km, kh, kn = np.empty(L), np.empty(L), np.empty(L), np.empty(L)
        for j in range(L):  # explicit loops: slice assignment drags in costly error code
            spk_n[lo + j] = 0
        err_step[c] = -1
        for s in range(nsteps):
            if s == 0 or i_ext.shape[0] > 1:
                _load_current(i_ext, step0 + s, lo, L, cur)
            _rk4_step(v, m, h, n, cur, dt, pc, L, vs, f0, rt, xb, sc, ms, hs, ns, kv, km, kh, kn)
            if _finish_step(step0 + s, lo, L, vs, v, m, h, n, f0, cur, pc, dt, threshold,
                            spk_t, spk_n, rec_every, rec, slots):
                err_step[c] = step0 + s + 1
                break
        for j in range(L):
            v_all[lo + j] = v[j]
            m_all[lo + j] = m[j]
            h_all[lo + j] = h[j]
            n_all[lo + j] = n[j]
