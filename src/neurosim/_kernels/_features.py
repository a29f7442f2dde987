"""Summary statistics of a membrane-potential trace, computed as the trace is made: the kernel
behind ``neurosim.inference``, which runs one cortical neuron (Pospischil et al. 2008, the
kernels of ``_cortical``) per parameter set under a noisy current step and keeps only the
features, so a batch of 100,000 simulations needs no trace in memory.

Units: ms, mV, uA/cm^2. The samples of a trace are V at t = k dt, k = 0..nsteps; sample k is
fed to :func:`_update` with the one before it. The same update reads a recorded trace
(:func:`trace_features`), so the features of a simulation and of its recorded trace are the
same numbers.

Features, in order (``N_FEATURES``), with the stimulus window k_on <= k < k_off:

    0 spike count: upward crossings of the spike threshold inside the window
    1 resting mean: mean V over k < k_on        2 resting SD: SD over k_rest <= k < k_on
    3 mean, 4 SD, 5 skewness, 6 kurtosis (Pearson's, 3 for a Gaussian) of V inside the window
    7 AP height: mean peak V of the spikes      8 AP width: mean time above the threshold (ms)
    9 AHP: mean of the lowest V between one spike and the next (or the window's end)
    10 latency: time from the window's start to the first crossing (ms)
    11 ISI mean (ms), 12 ISI CV

Features 0-6 are those of sbi's Hodgkin-Huxley tutorial (Goncalves et al. 2020). Where a trace
has too few spikes for a shape feature it takes a stand-in that continues it: no spike, the
height is the highest V in the window, width 0, AHP the lowest V in the window, latency the
window's length; fewer than two spikes, ISI mean the window's length and CV 0.

Noise: a current sigma * xi_k / sqrt(dt) with xi_k standard normal, drawn per step from a
counter-based generator (splitmix64, Box-Muller) seeded by (seed, simulation index): a
simulation's trace depends on its seed and index only, not on the batch it ran in.
"""

import math

import numpy as np
from numba import njit

from ._cortical import exp_euler, rates
from ._limits import CONDUCTANCE_V_BOUND

N_FEATURES = 13
CHUNK = 64

# the accumulator of one trace (a float64 vector), by slot
(_N_REST, _SUM_REST, _RN, _RM, _RM2, _SN, _SM, _SM2, _SM3, _SM4, _COUNT, _IN_SPIKE, _T_UP, _PEAK,
 _SUM_PEAK, _SUM_WIDTH, _TROUGH, _SUM_TROUGH, _N_TROUGH, _T_FIRST, _T_LAST, _SUM_ISI, _SUM_ISI2,
 _VMAX, _VMIN) = range(25)
N_ACC = 25

_driver = njit(cache=True, error_model="numpy", nogil=True, fastmath={"contract"})
_scalar = njit(cache=True, error_model="numpy", fastmath={"contract"}, forceinline=True)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@_scalar
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@_scalar
def _uniform(state):
    """Advance a splitmix64 state; return (new state, a uniform number in (0, 1))."""
    state = state + _GOLDEN
    return state, ((_mix(state) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def stream_start(seed, index):
    """The generator's first state for simulation ``index`` of a batch seeded ``seed``."""
    return _mix(np.uint64(seed) * _GOLDEN + _mix(np.uint64(index) + _GOLDEN))


@_scalar
def _reset(acc):
    for i in range(N_ACC):
        acc[i] = 0.0
    acc[_VMAX] = -np.inf
    acc[_VMIN] = np.inf
    acc[_TROUGH] = np.inf


@_scalar
def _update(acc, k, v_prev, v, dt, k_rest, k_on, k_off, threshold):
    """Feed sample k (V = v, the sample before it v_prev) to the accumulator."""
    if k < k_on:
        acc[_N_REST] += 1.0
        acc[_SUM_REST] += v
        if k >= k_rest:  # Welford's running mean and sum of squares
            acc[_RN] += 1.0
            d = v - acc[_RM]
            acc[_RM] += d / acc[_RN]
            acc[_RM2] += d * (v - acc[_RM])
        return
    if k >= k_off:
        return
    # the first four central moments, updated in one pass (Terriberry's formulas)
    n1 = acc[_SN]
    n = n1 + 1.0
    acc[_SN] = n
    d = v - acc[_SM]
    dn = d / n
    dn2 = dn * dn
    t1 = d * dn * n1
    acc[_SM] += dn
    acc[_SM4] += t1 * dn2 * (n * n - 3.0 * n + 3.0) + 6.0 * dn2 * acc[_SM2] - 4.0 * dn * acc[_SM3]
    acc[_SM3] += t1 * dn * (n - 2.0) - 3.0 * dn * acc[_SM2]
    acc[_SM2] += t1
    acc[_VMAX] = max(acc[_VMAX], v)
    acc[_VMIN] = min(acc[_VMIN], v)
    if k == k_on:
        return  # a crossing needs the sample before inside the window too
    if acc[_IN_SPIKE] == 0.0:
        acc[_TROUGH] = min(acc[_TROUGH], v)
        if v_prev < threshold <= v:
            t = (k - 1 + (threshold - v_prev) / (v - v_prev)) * dt
            c = acc[_COUNT]
            if c == 0.0:
                acc[_T_FIRST] = t
            else:
                isi = t - acc[_T_LAST]
                acc[_SUM_ISI] += isi
                acc[_SUM_ISI2] += isi * isi
                acc[_SUM_TROUGH] += acc[_TROUGH]
                acc[_N_TROUGH] += 1.0
            acc[_T_LAST] = t
            acc[_COUNT] = c + 1.0
            acc[_IN_SPIKE] = 1.0
            acc[_T_UP] = t
            acc[_PEAK] = v
    else:
        acc[_PEAK] = max(acc[_PEAK], v)
        if v < threshold:
            t = (k - 1 + (v_prev - threshold) / (v_prev - v)) * dt
            acc[_SUM_WIDTH] += t - acc[_T_UP]
            acc[_SUM_PEAK] += acc[_PEAK]
            acc[_IN_SPIKE] = 0.0
            acc[_TROUGH] = v


@_scalar
def _finish(acc, out, dt, k_on, k_off):
    """The features (see the module docstring) from a filled accumulator."""
    window = (k_off - k_on) * dt
    out[0] = acc[_COUNT]
    out[1] = acc[_SUM_REST] / acc[_N_REST]
    out[2] = math.sqrt(acc[_RM2] / acc[_RN])
    n = acc[_SN]
    var = acc[_SM2] / n
    out[3] = acc[_SM]
    out[4] = math.sqrt(var)
    out[5] = (acc[_SM3] / n) / (var * math.sqrt(var)) if var > 0.0 else 0.0
    out[6] = (acc[_SM4] / n) / (var * var) if var > 0.0 else 3.0
    c = acc[_COUNT]
    if acc[_IN_SPIKE] != 0.0:  # a spike still above threshold at the window's end
        acc[_SUM_PEAK] += acc[_PEAK]
        acc[_SUM_WIDTH] += k_off * dt - acc[_T_UP]
    elif c > 0.0:  # the trough after the last spike, up to the window's end
        acc[_SUM_TROUGH] += acc[_TROUGH]
        acc[_N_TROUGH] += 1.0
    if c == 0.0:
        out[7] = acc[_VMAX]
        out[8] = 0.0
        out[9] = acc[_VMIN]
        out[10] = window
    else:
        out[7] = acc[_SUM_PEAK] / c
        out[8] = acc[_SUM_WIDTH] / c
        out[9] = acc[_SUM_TROUGH] / acc[_N_TROUGH] if acc[_N_TROUGH] > 0.0 else acc[_VMIN]
        out[10] = acc[_T_FIRST] - k_on * dt
    if c < 2.0:
        out[11] = window
        out[12] = 0.0
    else:
        mean = acc[_SUM_ISI] / (c - 1.0)
        var_isi = max(acc[_SUM_ISI2] / (c - 1.0) - mean * mean, 0.0)
        out[11] = mean
        out[12] = math.sqrt(var_isi) / mean


@_driver
def simulate_features(c0, c1, p, sigma, seeds, v0, i_amp, k_on, k_off, k_rest, nsteps, dt,
                      threshold, rec_every, rec, out, err_step):
    """Simulations c0*CHUNK .. c1*CHUNK-1 (clipped to the batch): neuron j has the parameter
    column p[:, j] (rows as ``_cortical``'s), current noise sigma[j] (uA/cm^2) and generator
    state seeds[j]; it starts at V = v0 with its gates at steady state there and gets i_amp
    (uA/cm^2) for steps k_on..k_off-1 (step k runs from t = k dt). Writes the features to
    out[j], V every rec_every steps to rec[:, j] where rec has columns, and the step where V
    blew up (|V| >= the model's bound or NaN) to err_step[j] (-1: it did not)."""
    N = p.shape[1]
    acc = np.empty(N_ACC)
    scale = 1.0 / math.sqrt(dt)
    two_pi = 2.0 * math.pi
    recording = rec.shape[1] > 0
    for j in range(c0 * CHUNK, min(c1 * CHUNK, N)):
        c_m, g_na, g_kd, g_m, g_l = p[0, j], p[1, j], p[2, j], p[3, j], p[4, j]
        e_na, e_k, e_l, v_t, tau_max = p[5, j], p[6, j], p[7, j], p[8, j], p[9, j]
        v = v0
        am, bm, ah, bh, an, bn, qinf, _ = rates(v, v_t)
        m = am / (am + bm)
        h = ah / (ah + bh)
        n = an / (an + bn)
        q = qinf
        state = seeds[j]
        spare = 0.0
        have_spare = False
        noise = sigma[j] * scale
        _reset(acc)
        _update(acc, 0, v, v, dt, k_rest, k_on, k_off, threshold)
        if recording:
            rec[0, j] = v
        err_step[j] = -1
        for k in range(nsteps):
            if have_spare:
                xi = spare
                have_spare = False
            else:
                state, u1 = _uniform(state)
                state, u2 = _uniform(state)
                r = math.sqrt(-2.0 * math.log(u1))
                xi = r * math.cos(two_pi * u2)
                spare = r * math.sin(two_pi * u2)
                have_spare = True
            cur = noise * xi + (i_amp if k_on <= k < k_off else 0.0)
            v_prev = v
            v, m, h, n, q, _ = exp_euler(v, m, h, n, q, cur, 0.0, 0.0, dt, c_m, g_na, g_kd,
                                         g_m, g_l, e_na, e_k, e_l, v_t, tau_max)
            if not abs(v) < CONDUCTANCE_V_BOUND:
                err_step[j] = k + 1
                break
            _update(acc, k + 1, v_prev, v, dt, k_rest, k_on, k_off, threshold)
            if recording and (k + 1) % rec_every == 0:
                rec[(k + 1) // rec_every, j] = v
        _finish(acc, out[j], dt, k_on, k_off)


@njit(cache=True, error_model="numpy")
def trace_features(traces, dt, k_rest, k_on, k_off, threshold, out):
    """The features of recorded traces (one per column, sample k at t = k dt) into out."""
    acc = np.empty(N_ACC)
    for j in range(traces.shape[1]):
        _reset(acc)
        _update(acc, 0, traces[0, j], traces[0, j], dt, k_rest, k_on, k_off, threshold)
        for k in range(1, traces.shape[0]):
            _update(acc, k, traces[k - 1, j], traces[k, j], dt, k_rest, k_on, k_off, threshold)
        _finish(acc, out[j], dt, k_on, k_off)
