"""STDP kernels: apply a rule to given pre- and postsynaptic spike trains (event by event).

Spikes of both trains are merged in time; at equal times the presynaptic spike is processed
first. Traces decay exactly between events. Each kernel writes the weight after every event.
"""

import math

import numpy as np

from ._jit import jit


@jit
def pair_stdp(pre, post, w0, tau_p, tau_m, a_p, a_m, w_max, multiplicative, nearest):
    """Pair STDP. Returns (event times, weight after each event, 1 for pre / 0 for post)."""
    n = pre.size + post.size
    times = np.empty(n)
    weights = np.empty(n)
    kinds = np.empty(n, dtype=np.int8)
    x_pre = 0.0
    x_post = 0.0
    t_last = -np.inf
    w = w0
    i = 0
    j = 0
    for k in range(n):
        is_pre = j >= post.size or (i < pre.size and pre[i] <= post[j])
        t = pre[i] if is_pre else post[j]
        if t_last > -np.inf:
            x_pre *= math.exp(-(t - t_last) / tau_p)
            x_post *= math.exp(-(t - t_last) / tau_m)
        t_last = t
        if is_pre:
            w += a_m * (w if multiplicative else w_max) * x_post
            x_pre = 1.0 if nearest else x_pre + 1.0
            i += 1
        else:
            w += a_p * ((w_max - w) if multiplicative else w_max) * x_pre
            x_post = 1.0 if nearest else x_post + 1.0
            j += 1
        w = min(max(w, 0.0), w_max)
        times[k] = t
        weights[k] = w
        kinds[k] = 1 if is_pre else 0
    return times, weights, kinds


@jit
def triplet_stdp(pre, post, w0, tau_p, tau_m, tau_x, tau_y, a2p, a3p, a2m, a3m, w_max):
    """Triplet STDP (all-to-all, additive, hard bounds). Same returns as pair_stdp."""
    n = pre.size + post.size
    times = np.empty(n)
    weights = np.empty(n)
    kinds = np.empty(n, dtype=np.int8)
    r1 = r2 = o1 = o2 = 0.0
    t_last = -np.inf
    w = w0
    i = 0
    j = 0
    for k in range(n):
        is_pre = j >= post.size or (i < pre.size and pre[i] <= post[j])
        t = pre[i] if is_pre else post[j]
        if t_last > -np.inf:
            dt = t - t_last
            r1 *= math.exp(-dt / tau_p)
            r2 *= math.exp(-dt / tau_x)
            o1 *= math.exp(-dt / tau_m)
            o2 *= math.exp(-dt / tau_y)
        t_last = t
        if is_pre:
            w -= w_max * o1 * (a2m + a3m * r2)
            r1 += 1.0
            r2 += 1.0
            i += 1
        else:
            w += w_max * r1 * (a2p + a3p * o2)
            o1 += 1.0
            o2 += 1.0
            j += 1
        w = min(max(w, 0.0), w_max)
        times[k] = t
        weights[k] = w
        kinds[k] = 1 if is_pre else 0
    return times, weights, kinds
