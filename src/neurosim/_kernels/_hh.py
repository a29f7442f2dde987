"""Hodgkin-Huxley kernels: exponential Euler and classic RK4 over a population.

Units: ms, mV, uA/cm^2, mS/cm^2, uF/cm^2. The parameter vector ``p`` holds, in order,
``c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_offset, phi`` (``phi`` is the Q10 temperature factor
that multiplies every rate). Neurons are independent, so the population is cut into chunks of
``CHUNK`` neurons; each chunk runs the whole time loop with its state in L1-sized buffers, and
the chunks run in parallel (``prange``).

Rate functions (u = V - v_offset, the 1952 convention with depolarisation positive):

    alpha_m = 0.1 (25 - u) / (exp((25 - u) / 10) - 1)    beta_m = 4 exp(-u / 18)
    alpha_h = 0.07 exp(-u / 20)                          beta_h = 1 / (exp((30 - u) / 10) + 1)
    alpha_n = 0.01 (10 - u) / (exp((10 - u) / 10) - 1)   beta_n = 0.125 exp(-u / 80)

The two removable singularities (u = 25 and u = 10, i.e. V = -40 and -55 mV at v_offset = -65)
are evaluated through exprel(z) = (exp(z) - 1) / z with its Taylor series for |z| < 1e-2, so a
trace that crosses them, or starts on them, stays finite.
"""

import numpy as np
from numba import prange

from ._jit import jit, jit_parallel
from ._vexp import vexp

CHUNK = 128
V_BOUND = 1000.0  # |V| beyond this (mV) means the integration blew up

# indices into the parameter vector
C_M, G_NA, G_K, G_L, E_NA, E_K, E_L, V_OFF, PHI = range(9)
N_PARAMS = 9


@jit
def _exprel(z, ez):
    """(exp(z) - 1) / z given ez = exp(z), exact through z = 0."""
    series = 1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0 + z * (
        1.0 / 720.0 + z * (1.0 / 5040.0))))))
    direct = (ez - 1.0) / z
    return series if abs(z) < 1e-2 else direct


@jit
def rates(v, n, v_off, phi, out, xbuf, scratch):
    """Write the six rates (1/ms) for v[:n] into out[0:6n] as am, bm, ah, bh, an, bn blocks."""
    for j in range(n):
        u = v[j] - v_off
        xbuf[j] = (25.0 - u) * 0.1
        xbuf[n + j] = -u / 18.0
        xbuf[2 * n + j] = -u / 20.0
        xbuf[3 * n + j] = (30.0 - u) * 0.1
        xbuf[4 * n + j] = (10.0 - u) * 0.1
        xbuf[5 * n + j] = -u / 80.0
    vexp(xbuf, out, 6 * n, scratch)
    for j in range(n):
        out[j] = phi / _exprel(xbuf[j], out[j])
        out[n + j] = phi * 4.0 * out[n + j]
        out[2 * n + j] = phi * 0.07 * out[2 * n + j]
        out[3 * n + j] = phi / (out[3 * n + j] + 1.0)
        out[4 * n + j] = phi * 0.1 / _exprel(xbuf[4 * n + j], out[4 * n + j])
        out[5 * n + j] = phi * 0.125 * out[5 * n + j]


@jit
def rates_scalar(v, v_off, phi):
    """The six rates for one voltage (used for steady states and tests)."""
    vv = np.array([v])
    out = np.empty(6)
    rates(vv, 1, v_off, phi, out, np.empty(6), np.empty(6))
    return out


@jit
def dvdt(v, m, h, n, i_ext, p):
    """dV/dt (mV/ms) for one neuron: (I_ext - I_Na - I_K - I_L) / C_m."""
    i_ion = (p[G_NA] * m * m * m * h * (v - p[E_NA]) + p[G_K] * n * n * n * n * (v - p[E_K])
             + p[G_L] * (v - p[E_L]))
    return (i_ext - i_ion) / p[C_M]


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
def _record(row, lo, L, v, m, h, n, p, rec_v, rec_m, rec_h, rec_n, rec_ina, rec_ik, rec_il):
    if rec_v.shape[0] > 0:
        for j in range(L):
            rec_v[row, lo + j] = v[j]
    if rec_m.shape[0] > 0:
        for j in range(L):
            rec_m[row, lo + j] = m[j]
    if rec_h.shape[0] > 0:
        for j in range(L):
            rec_h[row, lo + j] = h[j]
    if rec_n.shape[0] > 0:
        for j in range(L):
            rec_n[row, lo + j] = n[j]
    if rec_ina.shape[0] > 0:
        for j in range(L):
            rec_ina[row, lo + j] = p[G_NA] * m[j] ** 3 * h[j] * (v[j] - p[E_NA])
    if rec_ik.shape[0] > 0:
        for j in range(L):
            rec_ik[row, lo + j] = p[G_K] * n[j] ** 4 * (v[j] - p[E_K])
    if rec_il.shape[0] > 0:
        for j in range(L):
            rec_il[row, lo + j] = p[G_L] * (v[j] - p[E_L])


def _run(method, v_all, m_all, h_all, n_all, i_ext, step0, nsteps, dt, p, rec_every,
         rec_v, rec_m, rec_h, rec_n, rec_ina, rec_ik, rec_il,
         threshold, spk_t, spk_n, err_step):
    """Advance every neuron by ``nsteps`` steps of ``dt`` from global step ``step0``.

    State arrays (v, m, h, n) are updated in place. ``i_ext`` has shape (S, Ni) with S in
    {1, total steps} and Ni in {1, N}. Recording arrays have shape (rows, N) or (0, N) for "not
    recorded"; row r holds global step r * rec_every. Spike times (ms) go to
    spk_t[j, :spk_n[j]] (the counts are reset here). ``err_step[c]`` is set to the global step
    at which chunk c blew up (-1 if it did not); that chunk stops there.
    """
    N = v_all.shape[0]
    nchunks = (N + CHUNK - 1) // CHUNK
    time_varying = i_ext.shape[0] > 1
    per_neuron = i_ext.shape[1] > 1
    v_off = p[V_OFF]
    phi = p[PHI]
    for c in prange(nchunks):
        lo = c * CHUNK
        hi = min(N, lo + CHUNK)
        L = hi - lo
        v = v_all[lo:hi].copy()
        m = m_all[lo:hi].copy()
        h = h_all[lo:hi].copy()
        n = n_all[lo:hi].copy()
        cur = np.empty(L)
        f0 = np.empty(L)
        rt = np.empty(6 * L)
        xb = np.empty(6 * L)
        sc = np.empty(6 * L)
        # RK4 stage buffers / exponential-Euler update buffers
        vs = np.empty(L)
        ms = np.empty(L)
        hs = np.empty(L)
        ns = np.empty(L)
        av = np.empty(L)
        am_ = np.empty(L)
        ah_ = np.empty(L)
        an_ = np.empty(L)
        eb = np.empty(4 * L)
        for j in range(L):
            spk_n[lo + j] = 0
        err_step[c] = -1
        for s in range(nsteps):
            g = step0 + s
            row = g if time_varying else 0
            for j in range(L):
                cur[j] = i_ext[row, lo + j] if per_neuron else i_ext[row, 0]
            if method == 0:
                # exponential Euler: each variable relaxes exponentially towards its
                # instantaneous steady state, all using the state at the start of the step
                rates(v, L, v_off, phi, rt, xb, sc)
                for j in range(L):
                    sm = rt[j] + rt[L + j]
                    sh = rt[2 * L + j] + rt[3 * L + j]
                    sn = rt[4 * L + j] + rt[5 * L + j]
                    gna = p[G_NA] * m[j] * m[j] * m[j] * h[j]
                    gk = p[G_K] * n[j] * n[j] * n[j] * n[j]
                    gt = gna + gk + p[G_L]
                    einf = (gna * p[E_NA] + gk * p[E_K] + p[G_L] * p[E_L] + cur[j]) / gt
                    f0[j] = gt * (einf - v[j]) / p[C_M]
                    xb[j] = -dt * sm
                    xb[L + j] = -dt * sh
                    xb[2 * L + j] = -dt * sn
                    xb[3 * L + j] = -dt * gt / p[C_M]
                    av[j] = einf
                    am_[j] = rt[j] / sm
                    ah_[j] = rt[2 * L + j] / sh
                    an_[j] = rt[4 * L + j] / sn
                vexp(xb, eb, 4 * L, sc)
                for j in range(L):
                    vs[j] = v[j]
                    m[j] = am_[j] + (m[j] - am_[j]) * eb[j]
                    h[j] = ah_[j] + (h[j] - ah_[j]) * eb[L + j]
                    n[j] = an_[j] + (n[j] - an_[j]) * eb[2 * L + j]
                    v[j] = av[j] + (v[j] - av[j]) * eb[3 * L + j]
            else:
                # classic RK4 on (V, m, h, n); av/am_/ah_/an_ accumulate the weighted slopes
                for j in range(L):
                    vs[j] = v[j]
                    ms[j] = m[j]
                    hs[j] = h[j]
                    ns[j] = n[j]
                    av[j] = 0.0
                    am_[j] = 0.0
                    ah_[j] = 0.0
                    an_[j] = 0.0
                for stage in range(4):
                    w = 1.0 if (stage == 0 or stage == 3) else 2.0
                    frac = 0.5 if stage < 2 else 1.0
                    rates(vs, L, v_off, phi, rt, xb, sc)
                    for j in range(L):
                        kv = dvdt(vs[j], ms[j], hs[j], ns[j], cur[j], p)
                        km = rt[j] * (1.0 - ms[j]) - rt[L + j] * ms[j]
                        kh = rt[2 * L + j] * (1.0 - hs[j]) - rt[3 * L + j] * hs[j]
                        kn = rt[4 * L + j] * (1.0 - ns[j]) - rt[5 * L + j] * ns[j]
                        if stage == 0:
                            f0[j] = kv
                        av[j] += w * kv
                        am_[j] += w * km
                        ah_[j] += w * kh
                        an_[j] += w * kn
                        if stage < 3:
                            vs[j] = v[j] + frac * dt * kv
                            ms[j] = m[j] + frac * dt * km
                            hs[j] = h[j] + frac * dt * kh
                            ns[j] = n[j] + frac * dt * kn
                for j in range(L):
                    vs[j] = v[j]
                    v[j] = v[j] + dt / 6.0 * av[j]
                    m[j] = m[j] + dt / 6.0 * am_[j]
                    h[j] = h[j] + dt / 6.0 * ah_[j]
                    n[j] = n[j] + dt / 6.0 * an_[j]
            # vs holds V at the start of the step, f0 its slope
            bad = False
            for j in range(L):
                if not (abs(v[j]) < V_BOUND):
                    bad = True
            if bad:
                err_step[c] = g + 1
                break
            for j in range(L):
                if vs[j] < threshold <= v[j]:
                    f1 = dvdt(v[j], m[j], h[j], n[j], cur[j], p)
                    frac_s = _crossing_time(vs[j], v[j], f0[j], f1, dt, threshold)
                    k = spk_n[lo + j]
                    spk_t[lo + j, k] = (g + frac_s) * dt
                    spk_n[lo + j] = k + 1
            if (g + 1) % rec_every == 0:
                _record((g + 1) // rec_every, lo, L, v, m, h, n, p,
                        rec_v, rec_m, rec_h, rec_n, rec_ina, rec_ik, rec_il)
        for j in range(L):
            v_all[lo + j] = v[j]
            m_all[lo + j] = m[j]
            h_all[lo + j] = h[j]
            n_all[lo + j] = n[j]


run_hh = jit_parallel(_run)
