"""Slow, obviously correct implementations that the fast kernels are tested against."""

import math

import numpy as np
from scipy.integrate import solve_ivp


def hh_rates(v, v_offset=-65.0, phi=1.0):
    """The six Hodgkin-Huxley rates (1/ms) written straight from the 1952 paper."""
    u = v - v_offset
    # expm1 keeps full precision next to the removable singularities
    am = 1.0 if u == 25.0 else 0.1 * (25.0 - u) / math.expm1((25.0 - u) / 10.0)
    bm = 4.0 * math.exp(-u / 18.0)
    ah = 0.07 * math.exp(-u / 20.0)
    bh = 1.0 / (math.exp((30.0 - u) / 10.0) + 1.0)
    an = 0.1 if u == 10.0 else 0.01 * (10.0 - u) / math.expm1((10.0 - u) / 10.0)
    bn = 0.125 * math.exp(-u / 80.0)
    return phi * am, phi * bm, phi * ah, phi * bh, phi * an, phi * bn


def hh_steady_state(v, v_offset=-65.0):
    am, bm, ah, bh, an, bn = hh_rates(v, v_offset)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def hh_spike_times_reference(current, duration, params, v0, threshold=0.0, phi=1.0):
    """Spike times (ms) of one HH neuron under constant current, by scipy's DOP853.

    ``params`` is a HodgkinHuxleyParams; ``v0`` the starting voltage with gates at their
    steady state. Tolerances rtol=1e-10, atol=1e-10 put the event times well below 1e-5 ms.
    """
    p = params

    def rhs(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = hh_rates(v, p.v_offset, phi)
        i_ion = (p.g_na * m**3 * h * (v - p.e_na) + p.g_k * n**4 * (v - p.e_k)
                 + p.g_l * (v - p.e_l))
        return [(current - i_ion) / p.c_m, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                an * (1 - n) - bn * n]

    def crossing(t, y):
        return y[0] - threshold

    crossing.direction = 1.0
    m0, h0, n0 = hh_steady_state(v0, p.v_offset)
    sol = solve_ivp(rhs, (0.0, duration), [v0, m0, h0, n0], method="DOP853", rtol=1e-10,
                    atol=1e-10, events=crossing, max_step=0.05)
    return np.asarray(sol.t_events[0])


def izhikevich_paper(current, n_steps, dt, a, b, c, d, v0=-65.0):
    """The program printed in Izhikevich (2003), Fig. 3, vectorised over neurons as there
    (without its random synapses), with its 1-ms step generalised to ``dt``::

        fired = find(v >= 30); v(fired) = c(fired); u(fired) = u(fired) + d(fired);
        v = v + 0.5*dt*(0.04*v.^2 + 5*v + 140 - u + I);   % twice: two half steps
        u = u + dt*a.*(b.*v - u);

    Spikes are found and reset at the start of the next step, so v >= 30 is kept for one
    recorded step. Returns (fired: a list of (step at which v >= 30 was recorded, neuron),
    v after every step, shape (n_steps + 1, n))."""
    current, a, b, c, d = (np.broadcast_to(np.asarray(x, dtype=float), np.shape(current))
                           for x in (current, a, b, c, d))
    v = np.full(current.shape, float(v0))
    u = b * v
    trace, fired = [v.copy()], []
    for step in range(n_steps):
        hit = np.flatnonzero(v >= 30.0)
        fired += [(step, int(i)) for i in hit]
        v[hit] = c[hit]
        u[hit] = u[hit] + d[hit]
        v = v + 0.5 * dt * (0.04 * v**2 + 5 * v + 140 - u + current)
        v = v + 0.5 * dt * (0.04 * v**2 + 5 * v + 140 - u + current)
        u = u + dt * a * (b * v - u)
        trace.append(v.copy())
    return fired, np.array(trace)


def adex_rest(p):
    """The AdEx resting state at zero input, by brentq on the steady-state current below V_T:
    -(g_L + a)(V - E_L) + g_L Delta_T exp((V - V_T) / Delta_T) = 0, w = a (V - E_L)."""
    from scipy.optimize import brentq

    def f(v):
        return (-(p.g_l + p.a) * (v - p.e_l)
                + p.g_l * p.delta_t * math.exp((v - p.v_t) / p.delta_t))

    v = brentq(f, p.e_l - 30.0, p.v_t, xtol=1e-14)
    return v, p.a * (v - p.e_l)


def adex_reference_spikes(current_na, duration, p):
    """AdEx spike times by scipy's DOP853 with an event at v_peak, reset and restart, from the
    resting state."""

    def rhs(t, y):
        v, w = y
        arg = min((v - p.v_t) / p.delta_t, 50.0)
        dv = (-p.g_l * (v - p.e_l) + p.g_l * p.delta_t * math.exp(arg) - w
              + 1000.0 * current_na) / p.c_m
        return [dv, (p.a * (v - p.e_l) - w) / p.tau_w]

    def peak(t, y):
        return y[0] - p.v_peak

    peak.terminal = True
    peak.direction = 1.0
    t0, y0, spikes = 0.0, list(adex_rest(p)), []
    while t0 < duration:
        sol = solve_ivp(rhs, (t0, duration), y0, method="DOP853", rtol=1e-10, atol=1e-10,
                        events=peak)
        if sol.status != 1:
            break
        ts = float(sol.t_events[0][0])
        spikes.append(ts)
        t0, y0 = ts, [p.v_reset, float(sol.y_events[0][0][1]) + 1000.0 * p.b]
    return np.array(spikes)


def cortical_rates(v, v_t):
    """The Pospischil et al. (2008) rates (1/ms) and the M gate's steady state and time
    constant (ms, for tau_max = 1 ms), written straight from the paper."""
    u = v - v_t
    am = 1.28 if u == 13.0 else -0.32 * (u - 13.0) / math.expm1(-(u - 13.0) / 4.0)
    bm = 1.4 if u == 40.0 else 0.28 * (u - 40.0) / math.expm1((u - 40.0) / 5.0)
    ah = 0.128 * math.exp(-(u - 17.0) / 18.0)
    bh = 4.0 / (1.0 + math.exp(-(u - 40.0) / 5.0))
    an = 0.16 if u == 15.0 else -0.032 * (u - 15.0) / math.expm1(-(u - 15.0) / 5.0)
    bn = 0.5 * math.exp(-(u - 10.0) / 40.0)
    q_inf = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    tau_q = 1.0 / (3.3 * math.exp((v + 35.0) / 20.0) + math.exp(-(v + 35.0) / 20.0))
    return am, bm, ah, bh, an, bn, q_inf, tau_q


def cortical_spike_times_reference(current, duration, p, v0, threshold=0.0):
    """Spike times (ms) of one Pospischil cortical neuron (``p``: CorticalParams) under a
    constant current (uA/cm^2) from V = v0 with the gates at steady state, by DOP853 at
    rtol = atol = 1e-10."""

    def rhs(t, y):
        v, m, h, n, q = y
        am, bm, ah, bh, an, bn, q_inf, tau_q = cortical_rates(v, p.v_t)
        i_ion = (p.g_na * m**3 * h * (v - p.e_na) + (p.g_kd * n**4 + p.g_m * q) * (v - p.e_k)
                 + p.g_l * (v - p.e_l))
        return [(current - i_ion) / p.c_m, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                an * (1 - n) - bn * n, (q_inf - q) / (p.tau_max * tau_q)]

    def crossing(t, y):
        return y[0] - threshold

    crossing.direction = 1.0
    am, bm, ah, bh, an, bn, q_inf, _ = cortical_rates(v0, p.v_t)
    y0 = [v0, am / (am + bm), ah / (ah + bh), an / (an + bn), q_inf]
    sol = solve_ivp(rhs, (0.0, duration), y0, method="DOP853", rtol=1e-10, atol=1e-10,
                    events=crossing, max_step=0.05)
    return np.asarray(sol.t_events[0])


def neuron_cell(morphology, temperature=6.3):
    """The same morphology in NEURON (built-in ``hh`` and ``pas``, rate tables off), for the
    cable engine's cross-check and benchmark: returns (h, {piece name: Section}).

    Each piece the morphology lays out (a section, or a myelinated section's nodes and
    internodes) becomes one NEURON section with the same number of segments.
    """
    from neuron import h

    h.load_file("stdrun.hoc")
    tree = morphology.compile(temperature)
    h.celsius = 6.3 if temperature is None else temperature
    h.usetable_hh = 0
    made, last = {}, {}
    for s in morphology.sections:
        for k, (piece, a, b) in enumerate(tree.pieces[s.name]):
            lo, hi = tree.seg_range[piece]
            sec = h.Section(name=piece)
            sec.L, sec.diam, sec.nseg, sec.Ra = s.length * (b - a), s.diameter, hi - lo, s.r_a
            sec.cm = float(tree.c_m[lo])
            kind, row = int(tree.kind[lo]), tree.params[:, lo]
            if kind == 2:
                sec.insert("hh")
                for seg in sec:
                    seg.hh.gnabar, seg.hh.gkbar, seg.hh.gl = row[0] * 1e-3, row[1] * 1e-3, \
                        row[2] * 1e-3
                    seg.hh.el = row[5]
                sec.ena, sec.ek = row[3], row[4]
            elif kind == 1:
                sec.insert("pas")
                for seg in sec:
                    seg.pas.g, seg.pas.e = row[2] * 1e-3, row[5]
            if k > 0:
                sec.connect(made[tree.pieces[s.name][k - 1][0]](1), 0)
            elif s.parent is not None:
                parent_piece = next(p for p, a0, b0 in tree.pieces[s.parent]
                                    if s.parent_x <= b0 or p == tree.pieces[s.parent][-1][0])
                pa, pb = next((a0, b0) for p, a0, b0 in tree.pieces[s.parent]
                              if p == parent_piece)
                x = 0.0 if pb == pa else (s.parent_x - pa) / (pb - pa)
                sec.connect(made[parent_piece](min(max(x, 0.0), 1.0)), 0)
            made[piece] = sec
        last[s.name] = made[tree.pieces[s.name][-1][0]]
    return h, made


def neuron_location(tree, location):
    """The NEURON section (a morphology piece) and x of the compartment holding a location."""
    node = tree.node(location)
    for piece, (lo, hi) in tree.seg_range.items():
        if lo <= node < hi:
            return piece, (node - lo + 0.5) / (hi - lo)
    raise AssertionError(f"no compartment holds {location}")


def neuron_setup(morphology, temperature, dt, secondorder, clamps, locations):
    """:func:`neuron_cell` with NEURON's IClamps for step-current ``clamps``
    (cable.CurrentClamp of stimulus.step) and V recorded at ``locations``: returns (h,
    recording vectors, every NEURON object to keep alive)."""
    h, secs = neuron_cell(morphology, temperature)
    tree = morphology.compile(temperature)
    h.dt, h.secondorder = dt, secondorder
    keep = list(secs.values())
    for c in clamps:
        piece, x = neuron_location(tree, c.location)
        stim = h.IClamp(secs[piece](x))
        stim.delay, stim.dur = c.stimulus.start, c.stimulus.stop - c.stimulus.start
        stim.amp = c.stimulus.amplitude
        keep.append(stim)
    vecs = []
    for loc in locations:
        piece, x = neuron_location(tree, loc)
        vecs.append(h.Vector().record(secs[piece](x)._ref_v))
    return h, vecs, keep + vecs
