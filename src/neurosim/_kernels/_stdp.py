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


@jit
def song_abbott(n_steps, dt, rate_hz, n_inputs, n_corr, corr, w, seed, tau_m, e_l, e_e, v_th,
                v_reset, tau_e, g_max, tau_p, tau_m_stdp, a_p, a_m, w_max, snap_every, snaps,
                rec_inputs):
    """One conductance-based integrate-and-fire neuron driven by ``n_inputs`` Poisson inputs
    through additive pair STDP (all-to-all traces), as in Song, Miller & Abbott (2000).

    The first ``n_corr`` inputs share a Poisson "mother" train: each copies a mother spike with
    probability q = sqrt(corr) and adds independent spikes at rate (1 - q) * rate, so every
    input fires at ``rate_hz`` and two inputs of the group share a spike with probability q^2:
    their pairwise correlation coefficient (of spike counts per step) is ``corr``. The neuron:
    tau_m dV/dt = g (E_e - V) + E_L - V (forward Euler), g decays with tau_e and jumps by
    w * g_max at each input spike. ``w`` is updated in place; ``snaps[k]`` is w at step
    k * snap_every; ``rec_inputs[s, i]`` (if it has rows) counts input i's spikes in step s for
    its first columns. Returns the postsynaptic spike times (ms), however many there are.
    """
    np.random.seed(seed)  # Numba's jit knows only the legacy np.random API
    q = math.sqrt(corr)
    p_free = rate_hz * dt / 1000.0
    p_indep = (1.0 - q) * p_free
    log_free = math.log1p(-p_free)
    log_indep = math.log1p(-p_indep) if p_indep > 0.0 else -np.inf
    next_spike = np.empty(n_inputs, dtype=np.int64)
    for i in range(n_inputs):
        lg = log_indep if i < n_corr else log_free
        next_spike[i] = math.floor(math.log(1.0 - np.random.random()) / lg) \
            if lg > -np.inf else n_steps + 1
    mother_next = math.floor(math.log(1.0 - np.random.random()) / log_free)
    x_pre = np.zeros(n_inputs)
    t_pre = np.zeros(n_inputs)
    x_post = 0.0
    t_post = 0.0
    v = e_l
    g = 0.0
    decay_g = math.exp(-dt / tau_e)
    post = np.empty(64)
    n_post = 0
    n_snap = 0
    n_rec = rec_inputs.shape[1] if rec_inputs.shape[0] > 0 else 0
    for s in range(n_steps):
        t = s * dt
        if s % snap_every == 0 and n_snap < snaps.shape[0]:
            for i in range(n_inputs):
                snaps[n_snap, i] = w[i]
            n_snap += 1
        mother = s == mother_next
        if mother:
            mother_next = s + 1 + math.floor(math.log(1.0 - np.random.random()) / log_free)
        for i in range(n_inputs):
            fire = next_spike[i] == s
            if fire:
                lg = log_indep if i < n_corr else log_free
                next_spike[i] = s + 1 + math.floor(math.log(1.0 - np.random.random()) / lg)
            if mother and i < n_corr and not fire:
                fire = np.random.random() < q
            if fire:
                if i < n_rec:
                    rec_inputs[s, i] += 1
                g += w[i] * g_max
                xp = x_post * math.exp(-(t - t_post) / tau_m_stdp)
                wi = w[i] + a_m * w_max * xp
                w[i] = min(max(wi, 0.0), w_max)
                x_pre[i] = x_pre[i] * math.exp(-(t - t_pre[i]) / tau_p) + 1.0
                t_pre[i] = t
        v += dt * (g * (e_e - v) + e_l - v) / tau_m
        g *= decay_g
        if v > v_th:
            v = v_reset
            if n_post == post.size:  # grow the buffer: no spike is ever dropped
                bigger = np.empty(2 * post.size)
                bigger[:n_post] = post
                post = bigger
            post[n_post] = t
            n_post += 1
            x_post = x_post * math.exp(-(t - t_post) / tau_m_stdp) + 1.0
            t_post = t
            for i in range(n_inputs):
                xi = x_pre[i] * math.exp(-(t - t_pre[i]) / tau_p)
                wi = w[i] + a_p * w_max * xi
                w[i] = min(max(wi, 0.0), w_max)
    while n_snap < snaps.shape[0]:
        for i in range(n_inputs):
            snaps[n_snap, i] = w[i]
        n_snap += 1
    return post[:n_post].copy()
