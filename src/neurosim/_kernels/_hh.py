"""Hodgkin-Huxley kernels: exponential Euler and classic RK4 over a population.

Units: ms, mV, uA/cm^2, mS/cm^2, uF/cm^2. The parameter matrix ``p`` has one row per
parameter, in order ``c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_offset, phi`` (``phi`` is the Q10
temperature factor that multiplies every rate), and one column per neuron (or one shared by
all). Neurons are independent, so the population is cut into chunks of ``CHUNK`` neurons; each
chunk copies its columns of ``p`` and its state into L1-sized buffers and runs the whole time
loop there, and the caller runs disjoint ranges of chunks on several threads (the drivers
release the GIL).

Layout: a step is one straight loop over the chunk's neurons that computes everything a neuron
needs (rates, exponentials via ``fexp``, the new state) in registers, so LLVM vectorises it
whole, as a C compiler vectorises the same loop under ``#pragma omp simd``. The same loop
counts the neurons that crossed the spike threshold and those that blew up; only when a count
is non-zero does a scalar pass visit them (cubic Hermite spike timing, blow-up report). The
kernels compile with ``fastmath={"contract"}``: fused multiply-adds, no other licence.

Rate functions (u = V - v_offset, the 1952 convention with depolarisation positive):

    alpha_m = 0.1 (25 - u) / (exp((25 - u) / 10) - 1)    beta_m = 4 exp(-u / 18)
    alpha_h = 0.07 exp(-u / 20)                          beta_h = 1 / (exp((30 - u) / 10) + 1)
    alpha_n = 0.01 (10 - u) / (exp((10 - u) / 10) - 1)   beta_n = 0.125 exp(-u / 80)

The two removable singularities (u = 25 and u = 10, i.e. V = -40 and -55 mV at v_offset = -65)
are evaluated through exprel(z) = (exp(z) - 1) / z with its Taylor series for |z| < 1e-2, so a
trace that crosses them, or starts on them, stays finite.
"""

import math

import numpy as np
from numba import njit

from ._fastexp import fexp
from ._jit import jit, jit_inline
from ._limits import CONDUCTANCE_V_BOUND

CHUNK = 128
V_BOUND = CONDUCTANCE_V_BOUND  # |V| beyond this (mV) means the integration blew up

# indices into the parameter vector
C_M, G_NA, G_K, G_L, E_NA, E_K, E_L, V_OFF, PHI = range(9)
N_PARAMS = 9

# the drivers: GIL released, fused multiply-adds allowed (see the module docstring)
_driver = njit(cache=True, error_model="numpy", nogil=True, fastmath={"contract"})
# scalar helpers: compiled once, then inlined by LLVM (alwaysinline) into each loop, where they
# vectorise with it. Inlining them at Numba-IR level instead (inline="always") gives the same
# machine code but re-types the body at each site: RK4 calls the rates four times, and its
# first call took 9 s to compile that way against 2.5 s now.
_scalar = njit(cache=True, error_model="numpy", fastmath={"contract"}, forceinline=True)


@_scalar
def _inv_exprel(z, ez, scale):
    """scale * z / (exp(z) - 1) given ez = exp(z), exact through z = 0 (one division).

    Near z = 0 the denominator is replaced by its Taylor series (exprel(z) = 1 + z/2 + ...,
    truncation error below 3e-19 for |z| < 1e-2), so there is no cancellation and no 0/0.
    Both branches are computed and one is selected, which keeps the caller's loop vectorised.
    """
    series = 1.0 + z * (0.5 + z * (1.0 / 6.0 + z * (1.0 / 24.0 + z * (1.0 / 120.0 + z * (
        1.0 / 720.0 + z * (1.0 / 5040.0))))))
    small = abs(z) < 1e-2
    num = scale if small else scale * z
    den = series if small else ez - 1.0
    return num / den


@_scalar
def rates(v, v_off, phi):
    """The six rates (1/ms) at membrane potential ``v``: (am, bm, ah, bh, an, bn).

    Five exponentials, not six: alpha_h = 0.07 exp(-u/20) is computed as 0.07 (exp(-u/80))^4
    from beta_n's exponential (relative error about 1e-15 instead of 2e-16).
    """
    u = v - v_off
    za = (25.0 - u) * 0.1
    zn = (10.0 - u) * 0.1
    e80 = fexp(-u * (1.0 / 80.0))
    e40 = e80 * e80
    am = _inv_exprel(za, fexp(za), phi)
    bm = phi * 4.0 * fexp(-u * (1.0 / 18.0))
    ah = phi * 0.07 * (e40 * e40)
    bh = phi / (fexp((30.0 - u) * 0.1) + 1.0)
    an = _inv_exprel(zn, fexp(zn), phi * 0.1)
    bn = phi * 0.125 * e80
    return am, bm, ah, bh, an, bn


@jit_inline
def dvdt(v, m, h, n, i_ext, p, j):
    """dV/dt (mV/ms) of neuron ``j`` of a chunk: (I_ext - I_Na - I_K - I_L) / C_m, with its
    parameters in column j of the chunk's ``p`` (row C_M holding 1 / c_m)."""
    i_ion = (p[G_NA, j] * m * m * m * h * (v - p[E_NA, j])
             + p[G_K, j] * n * n * n * n * (v - p[E_K, j]) + p[G_L, j] * (v - p[E_L, j]))
    return (i_ext - i_ion) * p[C_M, j]


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
    or a single column shared by all), with 1 / c_m in row C_M: a division a neuron-step less."""
    pc = np.empty((N_PARAMS, L))
    for k in range(N_PARAMS):
        if p.shape[1] > 1:
            for j in range(L):
                pc[k, j] = p[k, lo + j]
        else:
            for j in range(L):
                pc[k, j] = p[k, 0]
    for j in range(L):
        pc[C_M, j] = 1.0 / pc[C_M, j]
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
def _time_spikes(g, lo, L, vs, v, m, h, n, f0, cur, p, dt, threshold, spk_t, spk_n):
    """The rare event pass: time each upward crossing of threshold in step ``g``."""
    for j in range(L):
        if vs[j] < threshold <= v[j]:
            f1 = dvdt(v[j], m[j], h[j], n[j], cur[j], p, j)
            frac = _crossing_time(vs[j], v[j], f0[j], f1, dt, threshold)
            k = spk_n[lo + j]
            spk_t[lo + j, k] = (g + frac) * dt
            spk_n[lo + j] = k + 1


@jit_inline
def _exp_euler_step(v, m, h, n, cur, dt, p, L, vs, f0, threshold):
    """One exponential-Euler step of the chunk: every variable relaxes exponentially towards
    its instantaneous steady state, all computed from the state at the start of the step.
    Keeps V and dV/dt at the start in ``vs`` and ``f0``; returns (crossings, blow-ups)."""
    crossed = 0
    bad = 0
    for j in range(L):
        vj = v[j]
        mj = m[j]
        hj = h[j]
        nj = n[j]
        am, bm, ah, bh, an, bn = rates(vj, p[V_OFF, j], p[PHI, j])
        sm = am + bm
        sh = ah + bh
        sn = an + bn
        gna = p[G_NA, j] * mj * mj * mj * hj
        gk = p[G_K, j] * nj * nj * nj * nj
        gt = gna + gk + p[G_L, j]
        drive = gna * p[E_NA, j] + gk * p[E_K, j] + p[G_L, j] * p[E_L, j] + cur[j]
        inv_c = p[C_M, j]
        # one division for the four steady states (a / (a + b) and drive / g)
        p_mh = sm * sh
        p_ng = sn * gt
        inv = 1.0 / (p_mh * p_ng)
        inv_mh = p_ng * inv
        inv_ng = p_mh * inv
        vinf = drive * sn * inv_ng
        minf = am * sh * inv_mh
        hinf = ah * sm * inv_mh
        ninf = an * gt * inv_ng
        m[j] = minf + (mj - minf) * fexp(-dt * sm)
        h[j] = hinf + (hj - hinf) * fexp(-dt * sh)
        n[j] = ninf + (nj - ninf) * fexp(-dt * sn)
        vn = vinf + (vj - vinf) * fexp(-dt * gt * inv_c)
        v[j] = vn
        vs[j] = vj
        f0[j] = (drive - gt * vj) * inv_c
        crossed += 1 if (vj < threshold and vn >= threshold) else 0
        bad += 0 if abs(vn) < V_BOUND else 1
    return crossed, bad


@_scalar
def _slopes(v, m, h, n, i, gna, gk, gl, ena, ek, el, inv_c, v_off, phi):
    """(dV/dt, dm/dt, dh/dt, dn/dt) at state (v, m, h, n), from scalar parameters (scalars,
    not a column of ``p``, keep the RK4 loop vectorisable: LLVM gave up on the other form)."""
    am, bm, ah, bh, an, bn = rates(v, v_off, phi)
    i_ion = gna * m * m * m * h * (v - ena) + gk * n * n * n * n * (v - ek) + gl * (v - el)
    return ((i - i_ion) * inv_c, am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h,
            an * (1.0 - n) - bn * n)


@jit_inline
def _rk4_step(v, m, h, n, cur, dt, p, L, vs, f0, threshold):
    """One classic RK4 step of the chunk on (V, m, h, n), all four stages in registers.
    Keeps V and dV/dt at the start in ``vs`` and ``f0``; returns (crossings, blow-ups)."""
    crossed = 0
    bad = 0
    half = 0.5 * dt
    sixth = dt / 6.0
    for j in range(L):
        vj = v[j]
        mj = m[j]
        hj = h[j]
        nj = n[j]
        i = cur[j]
        gna = p[G_NA, j]
        gk = p[G_K, j]
        gl = p[G_L, j]
        ena = p[E_NA, j]
        ek = p[E_K, j]
        el = p[E_L, j]
        inv_c = p[C_M, j]
        v_off = p[V_OFF, j]
        phi = p[PHI, j]
        k1v, k1m, k1h, k1n = _slopes(vj, mj, hj, nj, i, gna, gk, gl, ena, ek, el, inv_c, v_off,
                                     phi)
        k2v, k2m, k2h, k2n = _slopes(vj + half * k1v, mj + half * k1m, hj + half * k1h,
                                     nj + half * k1n, i, gna, gk, gl, ena, ek, el, inv_c,
                                     v_off, phi)
        k3v, k3m, k3h, k3n = _slopes(vj + half * k2v, mj + half * k2m, hj + half * k2h,
                                     nj + half * k2n, i, gna, gk, gl, ena, ek, el, inv_c,
                                     v_off, phi)
        k4v, k4m, k4h, k4n = _slopes(vj + dt * k3v, mj + dt * k3m, hj + dt * k3h,
                                     nj + dt * k3n, i, gna, gk, gl, ena, ek, el, inv_c, v_off,
                                     phi)
        vn = vj + sixth * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        m[j] = mj + sixth * (k1m + 2.0 * k2m + 2.0 * k3m + k4m)
        h[j] = hj + sixth * (k1h + 2.0 * k2h + 2.0 * k3h + k4h)
        n[j] = nj + sixth * (k1n + 2.0 * k2n + 2.0 * k3n + k4n)
        v[j] = vn
        vs[j] = vj
        f0[j] = k1v
        crossed += 1 if (vj < threshold and vn >= threshold) else 0
        bad += 0 if abs(vn) < V_BOUND else 1
    return crossed, bad


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


@_driver
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
        for j in range(L):  # explicit loops: slice assignment drags in costly error code
            spk_n[lo + j] = 0
        err_step[c] = -1
        for s in range(nsteps):
            g = step0 + s
            if s == 0 or i_ext.shape[0] > 1:
                _load_current(i_ext, g, lo, L, cur)
            crossed, bad = _exp_euler_step(v, m, h, n, cur, dt, pc, L, vs, f0, threshold)
            if bad:
                err_step[c] = g + 1
                break
            if crossed:
                _time_spikes(g, lo, L, vs, v, m, h, n, f0, cur, pc, dt, threshold, spk_t,
                             spk_n)
            if (g + 1) % rec_every == 0:
                _record((g + 1) // rec_every, lo, L, v, m, h, n, rec, slots)
        for j in range(L):
            v_all[lo + j] = v[j]
            m_all[lo + j] = m[j]
            h_all[lo + j] = h[j]
            n_all[lo + j] = n[j]


@_driver
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
        for j in range(L):  # explicit loops: slice assignment drags in costly error code
            spk_n[lo + j] = 0
        err_step[c] = -1
        for s in range(nsteps):
            g = step0 + s
            if s == 0 or i_ext.shape[0] > 1:
                _load_current(i_ext, g, lo, L, cur)
            crossed, bad = _rk4_step(v, m, h, n, cur, dt, pc, L, vs, f0, threshold)
            if bad:
                err_step[c] = g + 1
                break
            if crossed:
                _time_spikes(g, lo, L, vs, v, m, h, n, f0, cur, pc, dt, threshold, spk_t,
                             spk_n)
            if (g + 1) % rec_every == 0:
                _record((g + 1) // rec_every, lo, L, v, m, h, n, rec, slots)
        for j in range(L):
            v_all[lo + j] = v[j]
            m_all[lo + j] = m[j]
            h_all[lo + j] = h[j]
            n_all[lo + j] = n[j]


@jit
def network_step(lo, hi, dt, v, u, hg, mp, cur, gs, gev):
    """Hodgkin-Huxley neurons lo..hi-1 over one step of the Numba network engine: exponential
    Euler (Brian2's scheme), every variable relaxing towards its steady state at the step's
    start; the synaptic conductance gs (mS/cm^2, gev = gs E_rev) joins the membrane's. Rows of
    mp: c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_offset, phi; gates m, h, n in hg's rows."""
    for j in range(lo, hi):
        c_m, g_na, g_k, g_l = mp[0, j], mp[1, j], mp[2, j], mp[3, j]
        e_na, e_k, e_l, v_off, phi = mp[4, j], mp[5, j], mp[6, j], mp[7, j], mp[8, j]
        vj, m, h, n = v[j], hg[0, j], hg[1, j], hg[2, j]
        am, bm, ah, bh, an, bn = rates(vj, v_off, phi)
        gna = g_na * m * m * m * h
        gk = g_k * n * n * n * n
        gt = gna + gk + g_l + gs[j]
        vinf = (gna * e_na + gk * e_k + g_l * e_l + gev[j] + cur[j]) / gt
        mi, hi_, ni = am / (am + bm), ah / (ah + bh), an / (an + bn)
        hg[0, j] = mi + (m - mi) * math.exp(-dt * (am + bm))
        hg[1, j] = hi_ + (h - hi_) * math.exp(-dt * (ah + bh))
        hg[2, j] = ni + (n - ni) * math.exp(-dt * (an + bn))
        v[j] = vinf + (vj - vinf) * math.exp(-dt * gt / c_m)
