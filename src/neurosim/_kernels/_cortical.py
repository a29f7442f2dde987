"""Kernels for the cortical neurons of Pospischil et al. (2008): exponential Euler and classic
RK4 over a population.

Units: ms, mV, uA/cm^2, mS/cm^2, uF/cm^2. State: V, the Na+ gates m and h, the delayed-rectifier
gate n and the M-current gate q. The parameter matrix ``p`` has one row per parameter, in order
``c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max``, and one column per neuron (or one
shared by all). Neurons are independent: the population is cut into chunks of ``CHUNK``
neurons, run on several threads by the caller (the drivers release the GIL).

Rates (1/ms; u = V - v_t, Traub & Miles's kinetics as Pospischil et al. write them):

    alpha_m = -0.32 (u - 13) / (exp(-(u - 13)/4) - 1)
    beta_m = 0.28 (u - 40) / (exp((u - 40)/5) - 1)
    alpha_h = 0.128 exp(-(u - 17)/18)          beta_h = 4 / (1 + exp(-(u - 40)/5))
    alpha_n = -0.032 (u - 15) / (exp(-(u - 15)/5) - 1)
    beta_n = 0.5 exp(-(u - 10)/40)
    q_inf = 1 / (1 + exp(-(V + 35)/10))
    tau_q = tau_max / (3.3 exp((V + 35)/20) + exp(-(V + 35)/20))

The three removable singularities go through ``_hh._inv_exprel`` (a Taylor series near 0).
"""

import numpy as np
from numba import njit

from ._fastexp import fexp
from ._hh import _crossing_time, _inv_exprel
from ._jit import jit, jit_inline
from ._limits import CONDUCTANCE_V_BOUND

CHUNK = 128
V_BOUND = CONDUCTANCE_V_BOUND  # |V| beyond this (mV) means the integration blew up

C_M, G_NA, G_KD, G_M, G_L, E_NA, E_K, E_L, V_T, TAU_MAX = range(10)
N_PARAMS = 10
N_STATE = 5  # v, m, h, n, q

_driver = njit(cache=True, error_model="numpy", nogil=True, fastmath={"contract"})
_scalar = njit(cache=True, error_model="numpy", fastmath={"contract"}, forceinline=True)


@_scalar
def rates(v, v_t):
    """(am, bm, ah, bh, an, bn, q_inf, 1/tau_q) at membrane potential ``v``, with
    1/tau_q for tau_max = 1 ms (divide by tau_max)."""
    u = v - v_t
    zm = -(u - 13.0) * 0.25
    zb = (u - 40.0) * 0.2
    zn = -(u - 15.0) * 0.2
    am = _inv_exprel(zm, fexp(zm), 1.28)
    bm = _inv_exprel(zb, fexp(zb), 1.4)
    ah = 0.128 * fexp(-(u - 17.0) * (1.0 / 18.0))
    bh = 4.0 / (1.0 + fexp(-zb))
    an = _inv_exprel(zn, fexp(zn), 0.16)
    bn = 0.5 * fexp(-(u - 10.0) * 0.025)
    e20 = fexp((v + 35.0) * 0.05)
    qinf = 1.0 / (1.0 + 1.0 / (e20 * e20))
    rq = 3.3 * e20 + 1.0 / e20
    return am, bm, ah, bh, an, bn, qinf, rq


@_scalar
def exp_euler(v, m, h, n, q, cur, gs, gev, dt, c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t,
              tau_max):
    """One exponential-Euler step (Brian2's scheme): each variable relaxes towards its
    steady state at the step's start. ``gs`` and ``gev`` add a synaptic conductance (mS/cm^2)
    and its conductance x reversal (uA/cm^2). Returns (v, m, h, n, q, dV/dt at the start)."""
    am, bm, ah, bh, an, bn, qinf, rq = rates(v, v_t)
    gna = g_na * m * m * m * h
    gk = g_kd * n * n * n * n + g_m * q
    gt = gna + gk + g_l + gs
    drive = gna * e_na + gk * e_k + g_l * e_l + gev + cur
    vinf = drive / gt
    sm = am + bm
    sh = ah + bh
    sn = an + bn
    sq = rq / tau_max
    m1 = am / sm + (m - am / sm) * fexp(-dt * sm)
    h1 = ah / sh + (h - ah / sh) * fexp(-dt * sh)
    n1 = an / sn + (n - an / sn) * fexp(-dt * sn)
    q1 = qinf + (q - qinf) * fexp(-dt * sq)
    v1 = vinf + (v - vinf) * fexp(-dt * gt / c_m)
    return v1, m1, h1, n1, q1, (drive - gt * v) / c_m


@_scalar
def _slopes(v, m, h, n, q, cur, c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max):
    am, bm, ah, bh, an, bn, qinf, rq = rates(v, v_t)
    i_ion = (g_na * m * m * m * h * (v - e_na) + (g_kd * n * n * n * n + g_m * q) * (v - e_k)
             + g_l * (v - e_l))
    return ((cur - i_ion) / c_m, am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h,
            an * (1.0 - n) - bn * n, (qinf - q) * rq / tau_max)


@_scalar
def rk4(v, m, h, n, q, cur, dt, c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max):
    """One classic RK4 step; returns (v, m, h, n, q, dV/dt at the start)."""
    a = _slopes(v, m, h, n, q, cur, c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max)
    x = dt * 0.5
    b = _slopes(v + x * a[0], m + x * a[1], h + x * a[2], n + x * a[3], q + x * a[4], cur, c_m,
                g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max)
    c = _slopes(v + x * b[0], m + x * b[1], h + x * b[2], n + x * b[3], q + x * b[4], cur, c_m,
                g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max)
    d = _slopes(v + dt * c[0], m + dt * c[1], h + dt * c[2], n + dt * c[3], q + dt * c[4], cur,
                c_m, g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t, tau_max)
    s = dt / 6.0
    return (v + s * (a[0] + 2.0 * b[0] + 2.0 * c[0] + d[0]),
            m + s * (a[1] + 2.0 * b[1] + 2.0 * c[1] + d[1]),
            h + s * (a[2] + 2.0 * b[2] + 2.0 * c[2] + d[2]),
            n + s * (a[3] + 2.0 * b[3] + 2.0 * c[3] + d[3]),
            q + s * (a[4] + 2.0 * b[4] + 2.0 * c[4] + d[4]), a[0])


@jit_inline
def _step(use_rk4, x, cur, dt, pc, L, vs, f0, threshold):
    """One step of the chunk's state ``x`` (N_STATE, L); returns (crossings, blow-ups)."""
    crossed = 0
    bad = 0
    for j in range(L):
        v0 = x[0, j]
        if use_rk4:
            v1, m1, h1, n1, q1, f = rk4(v0, x[1, j], x[2, j], x[3, j], x[4, j], cur[j], dt,
                                        pc[0, j], pc[1, j], pc[2, j], pc[3, j], pc[4, j],
                                        pc[5, j], pc[6, j], pc[7, j], pc[8, j], pc[9, j])
        else:
            v1, m1, h1, n1, q1, f = exp_euler(v0, x[1, j], x[2, j], x[3, j], x[4, j], cur[j],
                                              0.0, 0.0, dt, pc[0, j], pc[1, j], pc[2, j],
                                              pc[3, j], pc[4, j], pc[5, j], pc[6, j], pc[7, j],
                                              pc[8, j], pc[9, j])
        x[0, j] = v1
        x[1, j] = m1
        x[2, j] = h1
        x[3, j] = n1
        x[4, j] = q1
        vs[j] = v0
        f0[j] = f
        crossed += 1 if (v0 < threshold and v1 >= threshold) else 0
        bad += 0 if abs(v1) < V_BOUND else 1
    return crossed, bad


@jit_inline
def _run(use_rk4, c0, c1, x_all, i_ext, step0, nsteps, dt, p, rec_every, rec, slots,
         threshold, spk_t, spk_n, err_step):
    N = x_all.shape[1]
    for c in range(c0, c1):
        lo = c * CHUNK
        L = min(N, lo + CHUNK) - lo
        x = np.empty((N_STATE, L))
        pc = np.empty((N_PARAMS, L))
        for j in range(L):
            for k in range(N_STATE):
                x[k, j] = x_all[k, lo + j]
            for k in range(N_PARAMS):
                pc[k, j] = p[k, lo + j] if p.shape[1] > 1 else p[k, 0]
            spk_n[lo + j] = 0
        cur, f0, vs = np.empty(L), np.empty(L), np.empty(L)
        err_step[c] = -1
        for s in range(nsteps):
            g = step0 + s
            if s == 0 or i_ext.shape[0] > 1:
                row = g if i_ext.shape[0] > 1 else 0
                for j in range(L):
                    cur[j] = i_ext[row, lo + j] if i_ext.shape[1] > 1 else i_ext[row, 0]
            crossed, bad = _step(use_rk4, x, cur, dt, pc, L, vs, f0, threshold)
            if bad:
                err_step[c] = g + 1
                break
            if crossed:
                for j in range(L):
                    if vs[j] < threshold <= x[0, j]:
                        f1 = _slopes(x[0, j], x[1, j], x[2, j], x[3, j], x[4, j], cur[j],
                                     pc[0, j], pc[1, j], pc[2, j], pc[3, j], pc[4, j], pc[5, j],
                                     pc[6, j], pc[7, j], pc[8, j], pc[9, j])[0]
                        frac = _crossing_time(vs[j], x[0, j], f0[j], f1, dt, threshold)
                        k = spk_n[lo + j]
                        spk_t[lo + j, k] = (g + frac) * dt
                        spk_n[lo + j] = k + 1
            if (g + 1) % rec_every == 0:
                row = (g + 1) // rec_every
                for q in range(N_STATE):
                    if slots[q] >= 0:
                        for j in range(L):
                            rec[slots[q], row, lo + j] = x[q, j]
        for j in range(L):
            for k in range(N_STATE):
                x_all[k, lo + j] = x[k, j]


# Two drivers, so that a first call compiles only the method it uses. Each advances chunks
# c0..c1-1 by ``nsteps`` steps from global step ``step0``, updating the state ``x_all``
# (N_STATE, N) in place; the other arguments are those of the Hodgkin-Huxley drivers.


@_driver
def run_exp_euler(c0, c1, x_all, i_ext, step0, nsteps, dt, p, rec_every, rec, slots,
                  threshold, spk_t, spk_n, err_step):
    _run(False, c0, c1, x_all, i_ext, step0, nsteps, dt, p, rec_every, rec, slots, threshold,
         spk_t, spk_n, err_step)


@_driver
def run_rk4(c0, c1, x_all, i_ext, step0, nsteps, dt, p, rec_every, rec, slots, threshold,
            spk_t, spk_n, err_step):
    _run(True, c0, c1, x_all, i_ext, step0, nsteps, dt, p, rec_every, rec, slots, threshold,
         spk_t, spk_n, err_step)


# The cortical neuron with moving Na+ and K+ concentrations and an electrogenic pump (see
# neurosim.ion_dynamics): the right-hand side for scipy's integrator, one call per evaluation.
# ``c`` holds, in order: c_m, g_na, g_kd, g_m, g_na_leak, g_k_leak, v_t, tau_max, i_max,
# km_na, km_k, na_out, k_bath, rt_f (mV), k_in_per_ua, k_out_per_ua (mM/ms per uA/cm^2), tau_k.
@njit(cache=True, error_model="numpy")
def ion_rhs(y, c, pump_on, i_ext, electrogenic):
    v, m, h, n, q, na_in, k_in, k_out = y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]
    am, bm, ah, bh, an, bn, qinf, rq = rates(v, c[6])
    e_na = c[13] * np.log(c[11] / na_in)
    e_k = c[13] * np.log(k_out / k_in)
    i_na = (c[1] * m * m * m * h + c[4]) * (v - e_na)
    i_k = (c[2] * n * n * n * n + c[3] * q + c[5]) * (v - e_k)
    a = 1.0 + c[10] / k_out
    b = 1.0 + c[9] / na_in
    i_p = pump_on * c[8] / (a * a * b * b * b)
    out = np.empty(8)
    out[0] = (i_ext - i_na - i_k - (i_p if electrogenic else 0.0)) / c[0]
    out[1] = am * (1.0 - m) - bm * m
    out[2] = ah * (1.0 - h) - bh * h
    out[3] = an * (1.0 - n) - bn * n
    out[4] = (qinf - q) * rq / c[7]
    out[5] = -c[14] * (i_na + 3.0 * i_p)
    out[6] = -c[14] * (i_k - 2.0 * i_p)
    out[7] = c[15] * (i_k - 2.0 * i_p) - (k_out - c[12]) / c[16]
    return out


@jit
def network_step(lo, hi, dt, v, u, hg, mp, cur, gs, gev):
    """Cortical neurons lo..hi-1 over one step of the Numba network engine: the exponential
    Euler step of ``simulate`` with the synaptic conductance (mS/cm^2) frozen at the step's
    start; rows of mp as ``p``'s, gates m, h, n, q in hg's rows."""
    for j in range(lo, hi):
        v[j], hg[0, j], hg[1, j], hg[2, j], hg[3, j], _ = exp_euler(
            v[j], hg[0, j], hg[1, j], hg[2, j], hg[3, j], cur[j], gs[j], gev[j], dt, mp[0, j],
            mp[1, j], mp[2, j], mp[3, j], mp[4, j], mp[5, j], mp[6, j], mp[7, j], mp[8, j],
            mp[9, j])
