"""Quadratic integrate-and-fire kernels, integrated exactly.

The model (Latham et al. 2000; Gerstner et al. 2014, ch. 5.3):

    tau_m dV/dt = (V - v_rest)(V - v_c) / delta_v + r_m I,   at V >= v_peak: V <- v_reset

Units: ms, mV, nA, MOhm. With x = V - v_m (v_m = (v_rest + v_c) / 2, delta = (v_c - v_rest) / 2)
and k = 1 / (delta_v tau_m) the equation is dx/dt = k (x^2 + c2), c2 = r_m I delta_v - delta^2,
which for an input constant over a step has a closed form:

    c2 > 0:  x(t) = c tan(atan(x0 / c) + k c t)                    (c = sqrt(c2): it fires)
    c2 < 0:  x(t) = d ((x0 + d) + (x0 - d) e) / ((x0 + d) - (x0 - d) e),  e = exp(2 d k t)
             (d = sqrt(-c2): rest at -d, the unstable point at +d)
    c2 = 0:  x(t) = x0 / (1 - k x0 t)

so a spike time is exact (the time x reaches x_peak), and after the reset the rest of the step
is integrated the same way. With v_peak and v_reset at +-infinity it is Ermentrout & Kopell's
theta neuron, whose rate is sqrt(c2) k / pi.

The network engine's step (``network_step``) freezes the synaptic conductance over the step:
its term -r_m g V / 1000 only moves the parabola's vertex, so the same closed form holds.
"""

import math

import numpy as np

from ._jit import jit, jit_inline, jit_nogil
from ._limits import POINT_V_BOUND

CHUNK = 256
V_BOUND = POINT_V_BOUND  # |V| beyond this (mV) means the integration blew up


@jit_inline
def advance(x, c2, k, h, xp):
    """(x after time h, the time x reaches xp within h or inf) for dx/dt = k (x^2 + c2). A
    crossing returns x = xp."""
    if x >= xp:
        return xp, 0.0
    if c2 > 0.0:
        c = math.sqrt(c2)
        th = math.atan(x / c)
        t_cross = (math.atan(xp / c) - th) / (k * c)
        if t_cross <= h:
            return xp, t_cross
        return c * math.tan(th + k * c * h), math.inf
    if c2 < 0.0:
        d = math.sqrt(-c2)
        if x > d:
            t_cross = math.log((xp - d) * (x + d) / ((xp + d) * (x - d))) / (2.0 * d * k)
            if t_cross <= h:
                return xp, t_cross
        e = math.exp(2.0 * d * k * h)
        return d * ((x + d) + (x - d) * e) / ((x + d) - (x - d) * e), math.inf
    if x > 0.0:
        t_cross = (1.0 / x - 1.0 / xp) / k
        if t_cross <= h:
            return xp, t_cross
    return x / (1.0 - k * x * h), math.inf


@jit_nogil
def run_qif(c0, c1, v_all, i_ext, step_end, chunk_step, dt, v_rest, v_c, delta_v, tau_m, r_m,
            v_peak, v_reset, max_events, rec_every, rec_v, spk_idx, spk_t, spk_n, err_step):
    """Exact QIF over chunks c0..c1-1 of CHUNK neurons, each from chunk_step[c] to step_end.
    ``i_ext`` has shape (S, Ni), S in {1, total steps}, Ni in {1, N} (nA); a neuron fires at
    most ``max_events`` times in one step. A blow-up (V NaN or at least V_BOUND in magnitude)
    stops the chunk; err_step[c] is then the step it was found in, else -1."""
    N = v_all.shape[0]
    cap = spk_t.shape[1]
    for c in range(c0, c1):
        lo = c * CHUNK
        L = min(N, lo + CHUNK) - lo
        k = 0
        s = chunk_step[c]
        err_step[c] = -1
        while s < step_end and k + L * max_events <= cap:
            row = s if i_ext.shape[0] > 1 else 0
            bad = False
            for j in range(L):
                g = lo + j
                vm = 0.5 * (v_rest[g] + v_c[g])
                half = 0.5 * (v_c[g] - v_rest[g])
                rate = 1.0 / (delta_v[g] * tau_m[g])
                cur = i_ext[row, g] if i_ext.shape[1] > 1 else i_ext[row, 0]
                c2 = r_m[g] * cur * delta_v[g] - half * half
                xp, xr = v_peak[g] - vm, v_reset[g] - vm
                x, h, t = v_all[g] - vm, dt, 0.0
                for _ in range(max_events):
                    x, tc = advance(x, c2, rate, h, xp)
                    if tc > h:
                        break
                    t += tc
                    h -= tc
                    spk_idx[c, k] = g
                    spk_t[c, k] = s * dt + t
                    k += 1
                    x = xr
                else:
                    x, _ = advance(x, c2, rate, h, xp)  # (max_events is an upper bound)
                v = x + vm
                v_all[g] = v
                bad = bad or not abs(v) < V_BOUND
            s += 1
            if bad:
                err_step[c] = s
                break
            if rec_v.shape[0] > 0 and s % rec_every == 0:
                for j in range(L):
                    rec_v[s // rec_every, lo + j] = v_all[lo + j]
        chunk_step[c] = s
        spk_n[c] = k


@jit
def network_step(lo, hi, dt, v, u, hg, mp, cur, gs, gev):
    """QIF neurons lo..hi-1 over one step of the Numba network engine (rows v_rest, v_c,
    delta_v, tau_m, r_m, v_peak of mp): exact for the step's input and frozen conductance; a
    neuron that reaches v_peak within the step is left there, and the engine spikes and resets
    it at the step's end (Brian2's order)."""
    for j in range(lo, hi):
        v_rest, v_c, tau_m, r_m, v_peak = mp[0, j], mp[1, j], mp[3, j], mp[4, j], mp[5, j]
        a0 = 1.0 / mp[2, j]
        # a0 (V - v_rest)(V - v_c) - r_m gs V / 1000 + r_m (I + gev / 1000), a0 = 1 / delta_v:
        # the same parabola in V with its vertex moved
        lin = a0 * (v_rest + v_c) + r_m * gs[j] * 1e-3
        vm = lin / (2.0 * a0)
        c2 = (a0 * v_rest * v_c + r_m * (cur[j] + gev[j] * 1e-3)) / a0 - vm * vm
        x, t_cross = advance(v[j] - vm, c2, a0 / tau_m, dt, v_peak - vm)
        # at the peak exactly: (v_peak - vm) + vm may round below v_peak, and the engine's
        # spike rule (V >= v_peak) would then miss the crossing, step after step
        v[j] = v_peak if t_cross <= dt else x + vm


def max_events(v_rest, v_c, delta_v, tau_m, r_m, v_peak, v_reset, i_max, dt) -> int:
    """An upper bound on the spikes a neuron fires in one step of ``dt`` at input ``i_max``
    (arrays, one value per neuron): the step over its shortest period, reset to peak."""
    vm, half = 0.5 * (v_rest + v_c), 0.5 * (v_c - v_rest)
    rate = 1.0 / (delta_v * tau_m)
    c2 = r_m * i_max * delta_v - half * half
    xp, xr = v_peak - vm, v_reset - vm
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.sqrt(np.abs(c2))
        period = np.where(
            c2 > 0, (np.arctan(xp / c) - np.arctan(xr / c)) / (rate * c),
            np.where((c2 < 0) & (xr > c),
                     np.log((xp - c) * (xr + c) / ((xp + c) * (xr - c))) / (2 * c * rate),
                     np.where((c2 == 0) & (xr > 0), (1 / xr - 1 / xp) / rate, np.inf)))
    shortest = float(np.min(period)) if period.size else math.inf
    return math.floor(dt / shortest) + 1 if shortest > 0 else 1
