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

Layout (as ``_cortical``'s population kernels): simulations run in chunks of ``CHUNK``; a step
is a straight loop over the chunk's neurons (the model step, then the features' running sums),
which LLVM vectorises; the noise is drawn in a scalar loop every second step (a Box-Muller
pair), and only a step where some neuron's V crosses the threshold visits those neurons in a
scalar pass (spike times, heights, widths, troughs, intervals). The counts of samples in the
rest and the window are the same for every neuron, so they are scalars.
"""

import math

import numpy as np
from numba import njit

from ._cortical import N_PARAMS, N_STATE, exp_euler, rates
from ._random import GOLDEN, key_uniform, mix

N_FEATURES = 13
CHUNK = 64

# the running sums of a chunk: one row each, one column per neuron
(_SUM_REST, _RM, _RM2, _SM, _SM2, _SM3, _SM4, _VMAX, _VMIN, _COUNT, _IN_SPIKE, _T_UP, _PEAK,
 _SUM_PEAK, _SUM_WIDTH, _TROUGH, _SUM_TROUGH, _N_TROUGH, _T_FIRST, _T_LAST, _SUM_ISI,
 _SUM_ISI2) = range(22)
N_ACC = 22
# the sample counts every neuron shares: in the rest, in the rest's SD window, in the window
_N_REST, _N_RSD, _N_WIN = range(3)

_driver = njit(cache=True, error_model="numpy", nogil=True, fastmath={"contract"})
_scalar = njit(cache=True, error_model="numpy", fastmath={"contract"}, forceinline=True)
_inline = njit(cache=True, error_model="numpy", fastmath={"contract"}, inline="always")

@_scalar
def _uniform(state):
    """Advance a splitmix64 state; return (new state, a uniform number in (0, 1))."""
    state = state + GOLDEN
    return state, key_uniform(state)


@njit(cache=True)
def stream_starts(seed, n):
    """The generator's first state for each simulation 0..n-1 of a batch seeded ``seed``."""
    out = np.empty(n, dtype=np.uint64)
    base = np.uint64(seed) * GOLDEN
    for i in range(n):
        out[i] = mix(base + mix(np.uint64(i) + GOLDEN))
    return out


@_inline
def _reset(acc, counts, L):
    for r in range(N_ACC):
        for j in range(L):
            acc[r, j] = 0.0
    for j in range(L):
        acc[_VMAX, j] = -np.inf
        acc[_VMIN, j] = np.inf
        acc[_TROUGH, j] = np.inf
    for r in range(3):
        counts[r] = 0.0


@_inline
def _events(acc, L, s, v_prev, v, dt, threshold):
    """The scalar pass of a step with a crossing: sample s of each neuron whose V crossed the
    threshold (up: a spike starts; down: it ends)."""
    for j in range(L):
        vp, vv = v_prev[j], v[j]
        if acc[_IN_SPIKE, j] == 0.0:
            if vp < threshold <= vv:
                t = (s - 1 + (threshold - vp) / (vv - vp)) * dt
                c = acc[_COUNT, j]
                if c == 0.0:
                    acc[_T_FIRST, j] = t
                else:
                    isi = t - acc[_T_LAST, j]
                    acc[_SUM_ISI, j] += isi
                    acc[_SUM_ISI2, j] += isi * isi
                    acc[_SUM_TROUGH, j] += acc[_TROUGH, j]
                    acc[_N_TROUGH, j] += 1.0
                acc[_T_LAST, j] = t
                acc[_COUNT, j] = c + 1.0
                acc[_IN_SPIKE, j] = 1.0
                acc[_T_UP, j] = t
                acc[_PEAK, j] = vv
        elif vv < threshold:
            t = (s - 1 + (vp - threshold) / (vp - vv)) * dt
            acc[_SUM_WIDTH, j] += t - acc[_T_UP, j]
            acc[_SUM_PEAK, j] += acc[_PEAK, j]
            acc[_IN_SPIKE, j] = 0.0
            acc[_TROUGH, j] = vv


@_inline
def _feed(acc, counts, L, s, v_prev, v, dt, k_rest, k_on, k_off, threshold):
    """Feed sample s (V = v, the sample before it v_prev; one value per neuron) to the running
    sums."""
    if s < k_on:
        counts[_N_REST] += 1.0
        for j in range(L):
            acc[_SUM_REST, j] += v[j]
        if s >= k_rest:  # Welford's running mean and sum of squares
            counts[_N_RSD] += 1.0
            inv = 1.0 / counts[_N_RSD]
            for j in range(L):
                d = v[j] - acc[_RM, j]
                acc[_RM, j] += d * inv
                acc[_RM2, j] += d * (v[j] - acc[_RM, j])
        return
    if s >= k_off:
        return
    # the first four central moments, updated in one pass (Terriberry's formulas)
    n1 = counts[_N_WIN]
    n = n1 + 1.0
    counts[_N_WIN] = n
    inv = 1.0 / n
    c4 = n * n - 3.0 * n + 3.0
    for j in range(L):
        x = v[j]
        d = x - acc[_SM, j]
        dn = d * inv
        dn2 = dn * dn
        t1 = d * dn * n1
        m2, m3 = acc[_SM2, j], acc[_SM3, j]
        acc[_SM, j] += dn
        acc[_SM4, j] += t1 * dn2 * c4 + 6.0 * dn2 * m2 - 4.0 * dn * m3
        acc[_SM3, j] = m3 + t1 * dn * (n - 2.0) - 3.0 * dn * m2
        acc[_SM2, j] = m2 + t1
        acc[_VMAX, j] = max(acc[_VMAX, j], x)
        acc[_VMIN, j] = min(acc[_VMIN, j], x)
    if s == k_on:
        return  # a crossing needs the sample before inside the window too
    events = 0
    for j in range(L):
        x = v[j]
        inside = acc[_IN_SPIKE, j] != 0.0
        acc[_PEAK, j] = max(acc[_PEAK, j], x) if inside else acc[_PEAK, j]
        acc[_TROUGH, j] = acc[_TROUGH, j] if inside else min(acc[_TROUGH, j], x)
        up = (not inside) & (v_prev[j] < threshold) & (x >= threshold)
        events += 1 if up | (inside & (x < threshold)) else 0
    if events:
        _events(acc, L, s, v_prev, v, dt, threshold)


@_inline
def _finish(acc, counts, L, out, lo, dt, k_on, k_off):
    """The features (see the module docstring) of the chunk's neurons into out[lo:lo+L]."""
    window = (k_off - k_on) * dt
    n = counts[_N_WIN]
    for j in range(L):
        o = out[lo + j]
        o[0] = acc[_COUNT, j]
        o[1] = acc[_SUM_REST, j] / counts[_N_REST]
        o[2] = math.sqrt(acc[_RM2, j] / counts[_N_RSD])
        var = acc[_SM2, j] / n
        o[3] = acc[_SM, j]
        o[4] = math.sqrt(var)
        o[5] = (acc[_SM3, j] / n) / (var * math.sqrt(var)) if var > 0.0 else 0.0
        o[6] = (acc[_SM4, j] / n) / (var * var) if var > 0.0 else 3.0
        c = acc[_COUNT, j]
        sum_peak, sum_width = acc[_SUM_PEAK, j], acc[_SUM_WIDTH, j]
        sum_trough, n_trough = acc[_SUM_TROUGH, j], acc[_N_TROUGH, j]
        if acc[_IN_SPIKE, j] != 0.0:  # a spike still above threshold at the window's end
            sum_peak += acc[_PEAK, j]
            sum_width += k_off * dt - acc[_T_UP, j]
        elif c > 0.0:  # the trough after the last spike, up to the window's end
            sum_trough += acc[_TROUGH, j]
            n_trough += 1.0
        if c == 0.0:
            o[7] = acc[_VMAX, j]
            o[8] = 0.0
            o[9] = acc[_VMIN, j]
            o[10] = window
        else:
            o[7] = sum_peak / c
            o[8] = sum_width / c
            o[9] = sum_trough / n_trough if n_trough > 0.0 else acc[_VMIN, j]
            o[10] = acc[_T_FIRST, j] - k_on * dt
        if c < 2.0:
            o[11] = window
            o[12] = 0.0
        else:
            mean = acc[_SUM_ISI, j] / (c - 1.0)
            var_isi = max(acc[_SUM_ISI2, j] / (c - 1.0) - mean * mean, 0.0)
            o[11] = mean
            o[12] = math.sqrt(var_isi) / mean


@_driver
def simulate_features(c0, c1, p, sigma, seeds, v0, i_amp, k_on, k_off, k_rest, nsteps, dt,
                      threshold, v_bound, rec_every, rec, out, err_step):
    """Chunks c0..c1-1 of the batch: neuron j has the parameter column p[:, j] (rows as
    ``_cortical``'s), current noise sigma[j] (uA/cm^2) and generator state seeds[j]; it starts
    at V = v0 with its gates at steady state there and gets i_amp (uA/cm^2) for steps
    k_on..k_off-1 (step k runs from t = k dt). Writes the features to out[j], V every
    rec_every steps to rec[:, j] where rec has columns, and the step where V blew up (|V| >=
    v_bound, the model's bound in the registry, or NaN) to err_step[j] (-1: it did not; a
    chunk stops at its first)."""
    N = p.shape[1]
    scale = 1.0 / math.sqrt(dt)
    two_pi = 2.0 * math.pi
    recording = rec.shape[1] > 0
    x = np.empty((N_STATE, CHUNK))
    pc = np.empty((N_PARAMS, CHUNK))
    acc = np.empty((N_ACC, CHUNK))
    counts = np.empty(3)
    noise, z0, z1 = np.empty(CHUNK), np.empty(CHUNK), np.empty(CHUNK)
    v_prev = np.empty(CHUNK)
    state = np.empty(CHUNK, dtype=np.uint64)
    for c in range(c0, c1):
        lo = c * CHUNK
        L = min(N, lo + CHUNK) - lo
        if L <= 0:
            break
        for j in range(L):
            for r in range(N_PARAMS):
                pc[r, j] = p[r, lo + j]
            am, bm, ah, bh, an, bn, qinf, _ = rates(v0, pc[8, j])
            x[0, j] = v0
            x[1, j] = am / (am + bm)
            x[2, j] = ah / (ah + bh)
            x[3, j] = an / (an + bn)
            x[4, j] = qinf
            noise[j] = sigma[lo + j] * scale
            state[j] = seeds[lo + j]
            err_step[lo + j] = -1
            if recording:
                rec[0, lo + j] = v0
        _reset(acc, counts, L)
        _feed(acc, counts, L, 0, x[0], x[0], dt, k_rest, k_on, k_off, threshold)
        for k in range(nsteps):
            if k % 2 == 0:  # a Box-Muller pair per neuron: this step's and the next's
                for j in range(L):
                    st, u1 = _uniform(state[j])
                    st, u2 = _uniform(st)
                    state[j] = st
                    r = math.sqrt(-2.0 * math.log(u1))
                    z0[j] = r * math.cos(two_pi * u2)
                    z1[j] = r * math.sin(two_pi * u2)
            z = z0 if k % 2 == 0 else z1
            amp = i_amp if k_on <= k < k_off else 0.0
            bad = 0
            for j in range(L):
                vp = x[0, j]
                v1, m1, h1, n1, q1, _ = exp_euler(
                    vp, x[1, j], x[2, j], x[3, j], x[4, j], noise[j] * z[j] + amp, 0.0, 0.0,
                    dt, pc[0, j], pc[1, j], pc[2, j], pc[3, j], pc[4, j], pc[5, j], pc[6, j],
                    pc[7, j], pc[8, j], pc[9, j])
                v_prev[j] = vp
                x[0, j] = v1
                x[1, j] = m1
                x[2, j] = h1
                x[3, j] = n1
                x[4, j] = q1
                bad += 0 if abs(v1) < v_bound else 1
            if bad:
                for j in range(L):
                    if not abs(x[0, j]) < v_bound:
                        err_step[lo + j] = k + 1
                return
            _feed(acc, counts, L, k + 1, v_prev, x[0], dt, k_rest, k_on, k_off, threshold)
            if recording and (k + 1) % rec_every == 0:
                row = (k + 1) // rec_every
                for j in range(L):
                    rec[row, lo + j] = x[0, j]
        _finish(acc, counts, L, out, lo, dt, k_on, k_off)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def trace_features(traces, dt, k_rest, k_on, k_off, threshold, out):
    """The features of recorded traces (one per column, sample k at t = k dt) into out, by
    the same running sums as :func:`simulate_features`."""
    N = traces.shape[1]
    acc = np.empty((N_ACC, CHUNK))
    counts = np.empty(3)
    cur, prev = np.empty(CHUNK), np.empty(CHUNK)
    for lo in range(0, N, CHUNK):
        L = min(N, lo + CHUNK) - lo
        _reset(acc, counts, L)
        for j in range(L):
            cur[j] = traces[0, lo + j]
        _feed(acc, counts, L, 0, cur, cur, dt, k_rest, k_on, k_off, threshold)
        for k in range(1, traces.shape[0]):
            for j in range(L):
                prev[j] = cur[j]
                cur[j] = traces[k, lo + j]
            _feed(acc, counts, L, k, prev, cur, dt, k_rest, k_on, k_off, threshold)
        _finish(acc, counts, L, out, lo, dt, k_on, k_off)
