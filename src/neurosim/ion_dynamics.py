"""A neuron whose ion concentrations move, and what happens when its Na+/K+ pump stops.

The membrane is a catalog neuron's (the lecture's regular-spiking cortical cell: Na+, K+
delayed rectifier, slow K+ M current), with its leak split into a Na+ leak and a K+ leak. The
reversal potentials come from the concentrations by Nernst's equation at every instant:
intracellular Na+ and K+ move with the currents through the membrane, extracellular K+ lives
in a restricted space that exchanges with a bath (time constant ``tau_k``), and extracellular
Na+ is the bath's. An electrogenic Na+/K+-ATPase moves 3 Na+ out and 2 K+ in per cycle, so one
net charge out, a current

    I_pump = I_max / ((1 + km_k / [K+]o)^2 (1 + km_na / [Na+]i)^3)      (Kager et al. 2000)

saturating in [Na+]i and [K+]o. :func:`balance` chooses the two leak conductances (their sum is
the neuron's leak) and I_max so that at the neuron's resting potential each ion's leak is
exactly the pump's flux: then nothing moves, for an hour or for ever.

Concentrations change with the membrane current per unit of cell volume: a current density I
(uA/cm^2) of one ion across a sphere of diameter d changes its concentration inside by
I / (F d/6) (d/6 = volume / surface). :func:`simulate_ion_dynamics` integrates the whole system
(V, the four gates, [Na+]i, [K+]i, [K+]o) with an implicit, adaptive scheme (scipy's LSODA),
because the concentrations move over minutes and the spikes within a millisecond: its steps
follow the fastest thing that is happening, so an hour at rest takes a fraction of a second and
minutes of spiking a few seconds. The error is set by ``rtol``: at the default 1e-8, spike times
and concentrations agree with a run at 1e-10 within 0.01 ms and 1e-6 mM (tested).

A pump block (ouabain) stops the pump's current at ``block_at``; ``electrogenic=False`` keeps
the pump moving ions but takes its current out of the voltage equation, which shows its own
share of the resting potential.

    >>> from neurosim import ion_dynamics
    >>> b = ion_dynamics.balance()
    >>> round(b["v_rest"], 1), round(b["i_pump"], 2)
    (-70.4, 0.79)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from . import registry
from ._core.validation import ParameterError, SimulationError, as_bool, as_float, param_error
from ._single.cortical import initial_state, steady_gates
from .catalog import IonDynamicsParams, load_model
from .ions import FARADAY, nernst, thermal_voltage
from .result import SimulationResult, SpikeTrains, provenance

__all__ = ["IonDynamicsCell", "balance", "cell", "electrogenic_share", "simulate_ion_dynamics"]

STATE = ("v", "m", "h", "n", "q", "na_in", "k_in", "k_out")


@dataclass(frozen=True)
class IonDynamicsCell:
    """Every number the integrator needs (ms, mV, mS/cm^2, uA/cm^2, mM)."""

    params: IonDynamicsParams
    c_m: float
    g_na: float
    g_kd: float
    g_m: float
    g_na_leak: float
    g_k_leak: float
    v_t: float
    tau_max: float
    i_max: float
    km_na: float
    km_k: float
    na_out: float
    k_bath: float
    rt_f: float  # RT/F, mV
    k_in_per_ua: float  # mM/ms inside per uA/cm^2
    k_out_per_ua: float  # mM/ms outside per uA/cm^2
    tau_k: float
    rest: tuple  # the resting state, in STATE's order


def _params(params, func):
    if params is None:
        return load_model("ion_dynamics_cortical")
    if not isinstance(params, IonDynamicsParams):
        raise param_error(func, "params", "an IonDynamicsParams (neurosim.load_model("
                          "'ion_dynamics_cortical'))", params, TypeError)
    return params


def _catalog(ref: str):
    name, _, pattern = ref.partition(":")
    return load_model(name, pattern=pattern or None)


def pump_current(i_max, na_in, k_out, km_na, km_k):
    """The pump's outward current (uA/cm^2) at [Na+]i and [K+]o (mM)."""
    return i_max / ((1.0 + km_k / k_out) ** 2 * (1.0 + km_na / na_in) ** 3)


def cell(params=None) -> IonDynamicsCell:
    """The cell of ``params`` (default the catalog's ``ion_dynamics_cortical``) with its leaks
    and pump balanced at rest (see :func:`balance`)."""
    p = _params(params, "cell")
    neuron = _catalog(p.neuron)
    if not isinstance(neuron, registry.CorticalParams):
        raise param_error("cell", "params.neuron", "a cortical neuron (model cortical_rs)",
                          p.neuron)
    ions = _catalog(p.ions)
    rt_f = thermal_voltage(ions.temperature)
    e_na = float(nernst(ions.na_out, ions.na_in, 1, ions.temperature))
    e_k = float(nernst(ions.k_out, ions.k_in, 1, ions.temperature))

    rest = initial_state(neuron.per_neuron(1, "cell"), 1, None, None)
    v, m, h, n, q = (float(rest[k][0]) for k in ("v", "m", "h", "n", "q"))
    i_na_ch = neuron.g_na * m**3 * h * (v - e_na)
    i_k_ch = (neuron.g_kd * n**4 + neuron.g_m * q) * (v - e_k)
    # the Na+ leak and 3 pumped Na+ cancel, the K+ leak and 2 pumped K+ cancel, and the two
    # leaks add up to the neuron's leak: three linear equations in g_na_leak, g_k_leak, I_pump
    a = np.array([[v - e_na, 0.0, 3.0], [0.0, v - e_k, -2.0], [1.0, 1.0, 0.0]])
    g_nal, g_kl, i_pump = np.linalg.solve(a, [-i_na_ch, -i_k_ch, neuron.g_l])
    if g_nal < 0 or g_kl < 0 or i_pump <= 0:
        raise ParameterError(f"{p.name or 'IonDynamicsParams'}: no balance of leaks and pump at "
                             f"rest (V = {v:.4g} mV, E_Na = {e_na:.4g}, E_K = {e_k:.4g} mV) "
                             "with non-negative leaks; check the ion set and the neuron.")
    sat = pump_current(1.0, ions.na_in, ions.k_out, p.km_na, p.km_k)
    per_ua = 1e-3 / (FARADAY * p.diameter * 1e-4 / 6.0)  # uA/cm^2 -> mM/ms inside a sphere
    return IonDynamicsCell(
        params=p, c_m=neuron.c_m, g_na=neuron.g_na, g_kd=neuron.g_kd, g_m=neuron.g_m,
        g_na_leak=float(g_nal), g_k_leak=float(g_kl), v_t=neuron.v_t, tau_max=neuron.tau_max,
        i_max=float(i_pump / sat), km_na=p.km_na, km_k=p.km_k, na_out=ions.na_out,
        k_bath=ions.k_out, rt_f=rt_f, k_in_per_ua=per_ua, k_out_per_ua=per_ua / p.volume_ratio,
        tau_k=p.tau_k, rest=(v, m, h, n, q, ions.na_in, ions.k_in, ions.k_out))


def balance(params=None) -> dict:
    """The balance at rest: ``v_rest`` (mV), ``e_na``, ``e_k`` (mV), the leak conductances
    ``g_na_leak`` and ``g_k_leak`` (mS/cm^2), the pump's current ``i_pump`` and its maximum
    ``i_max`` (uA/cm^2)."""
    c = cell(params)
    v, *_, na_in, k_in, k_out = c.rest
    return {"v_rest": v, "e_na": c.rt_f * math.log(c.na_out / na_in),
            "e_k": c.rt_f * math.log(k_out / k_in), "g_na_leak": c.g_na_leak,
            "g_k_leak": c.g_k_leak, "i_pump": pump_current(c.i_max, na_in, k_out, c.km_na,
                                                           c.km_k), "i_max": c.i_max}


def currents(c: IonDynamicsCell, y, pump_on=1.0):
    """(I_Na, I_K, I_pump) in uA/cm^2, outward positive, at state ``y`` (STATE's order; arrays
    or floats): every Na+ current (channel and leak), every K+ current, and the pump's."""
    v, m, h, n, q, na_in, k_in, k_out = y
    e_na = c.rt_f * np.log(c.na_out / na_in)
    e_k = c.rt_f * np.log(k_out / k_in)
    i_na = (c.g_na * m**3 * h + c.g_na_leak) * (v - e_na)
    i_k = (c.g_kd * n**4 + c.g_m * q + c.g_k_leak) * (v - e_k)
    return i_na, i_k, pump_on * pump_current(c.i_max, na_in, k_out, c.km_na, c.km_k)


_CONSTANTS = ("c_m", "g_na", "g_kd", "g_m", "g_na_leak", "g_k_leak", "v_t", "tau_max", "i_max",
              "km_na", "km_k", "na_out", "k_bath", "rt_f", "k_in_per_ua", "k_out_per_ua",
              "tau_k")


def _rhs(c: IonDynamicsCell, electrogenic: bool):
    """The right-hand side (a Numba function: the same rates as the point kernels)."""
    from ._kernels._cortical import ion_rhs

    consts = np.array([getattr(c, k) for k in _CONSTANTS])
    flag = bool(electrogenic)

    def rhs(t, y, pump_on, i_ext):
        return ion_rhs(y, consts, pump_on, i_ext, flag)

    return rhs


def _edges(duration, block_at, pulses):
    """The times at which the right-hand side jumps (the block, each pulse's start and end)."""
    edges = {0.0, duration}
    if block_at is not None and block_at < duration:
        edges.add(block_at)
    if pulses is not None:
        _, every, width, start = pulses
        t = start
        while t < duration:
            edges.update({t, min(t + width, duration)})
            t += every
    return sorted(edges)


def simulate_ion_dynamics(duration, *, params=None, block_at=None, electrogenic=True,
                          current=0.0, pulses=None, rtol=1e-8, record_dt=None,
                          spike_threshold=0.0, min_upstroke=50.0) -> SimulationResult:
    """Run the cell with moving concentrations from its balanced resting state.

    Arguments:
        duration: ms (an hour is 3.6e6).
        params: an :class:`~neurosim.catalog.IonDynamicsParams`; default the catalog's
            ``ion_dynamics_cortical``.
        block_at: ms; the pump stops at this time (ouabain), None: never.
        electrogenic: False takes the pump's current out of the voltage equation (it still
            moves the ions).
        current: a constant injected current (uA/cm^2).
        pulses: (amplitude uA/cm^2, every ms, width ms, first ms): test pulses.
        rtol: the integrator's relative tolerance (absolute tolerances scale with each
            variable).
        record_dt: ms between recorded samples; None records the integrator's own steps
            (dense at spikes, sparse at rest).
        spike_threshold: mV; a spike is an upward crossing, located by the integrator,
        min_upstroke: at which the membrane's own dV/dt (less the injected current's) is at
            least this (mV/ms): a test pulse that lifts an already depolarised membrane past
            the threshold is not a spike.

    Returns:
        A :class:`~neurosim.SimulationResult` (t non-uniform unless ``record_dt`` is given)
        with traces ``m, h, n, q, na_in, k_in, k_out`` (mM), ``e_na, e_k`` (mV), ``i_pump``,
        ``i_na, i_k`` (uA/cm^2, outward positive); model ``"ion_dynamics"``.

    Raises:
        ParameterError: a negative ``block_at``, bad pulses or tolerances.
        SimulationError: the integrator fails or the state leaves physical bounds.
    """
    from scipy.integrate import solve_ivp

    func = "simulate_ion_dynamics"
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    electrogenic = as_bool(electrogenic, func, "electrogenic")
    block = None
    if block_at is not None:
        block = as_float(block_at, func, "block_at", "ms", low=0.0, low_open=False)
    i_ext = as_float(current, func, "current", "uA/cm^2")
    tol = as_float(rtol, func, "rtol", low=1e-13, high=1e-3)
    if pulses is not None:
        if not isinstance(pulses, (tuple, list)) or len(pulses) != 4:
            raise param_error(func, "pulses", "(amplitude uA/cm^2, every ms, width ms, "
                              "first ms)", pulses)
        pulses = (as_float(pulses[0], func, "pulses[0]", "uA/cm^2"),
                  as_float(pulses[1], func, "pulses[1]", "ms", low=0.0),
                  as_float(pulses[2], func, "pulses[2]", "ms", low=0.0),
                  as_float(pulses[3], func, "pulses[3]", "ms", low=0.0, low_open=False))
        if pulses[2] >= pulses[1]:
            raise param_error(func, "pulses", "a width shorter than the interval", pulses)
    rec = None if record_dt is None else as_float(record_dt, func, "record_dt", "ms", low=0.0)
    th = as_float(spike_threshold, func, "spike_threshold", "mV")
    upstroke = as_float(min_upstroke, func, "min_upstroke", "mV/ms", low=0.0, low_open=False)
    p = _params(params, func)
    c = cell(p)
    rhs = _rhs(c, bool(electrogenic))
    scale = np.array([1.0, 1e-3, 1e-3, 1e-3, 1e-3, 1e-2, 1e-1, 1e-2])
    atol = tol * scale * 10.0

    def crossing(t, y, *args):
        return y[0] - th

    crossing.direction = 1.0
    y = np.array(c.rest)
    ts, ys, spikes = [np.array([0.0])], [y[:, None]], []
    edges = _edges(dur, block, pulses)
    for t0, t1 in itertools.pairwise(edges):
        mid = 0.5 * (t0 + t1)
        pump_on = 0.0 if block is not None and mid >= block else 1.0
        drive = i_ext
        if pulses is not None:
            amp, every, width, start = pulses
            if mid >= start and (mid - start) % every < width:
                drive += amp
        t_eval = None
        if rec is not None:
            k0, k1 = math.floor(t0 / rec) + 1, math.floor(t1 / rec + 1e-9)
            t_eval = np.arange(k0, k1 + 1) * rec
            t_eval = t_eval[(t_eval > t0) & (t_eval <= t1)]
            if t_eval.size == 0 or t_eval[-1] < t1:
                t_eval = np.append(t_eval, t1)
        sol = solve_ivp(rhs, (t0, t1), y, method="LSODA", rtol=tol, atol=atol,
                        args=(pump_on, drive), events=crossing, t_eval=t_eval,
                        first_step=min(1e-3, t1 - t0))
        if sol.status < 0:
            raise SimulationError(f"{func}: the integrator failed at t = {sol.t[-1]:.6g} ms "
                                  f"({sol.message}); try a smaller rtol.")
        y = sol.y[:, -1]
        if not (np.all(np.isfinite(y)) and abs(y[0]) < 1000.0 and np.all(y[5:] > 0)):
            raise SimulationError(f"{func} left physical bounds by t = {sol.t[-1]:.6g} ms "
                                  f"(V = {y[0]:.4g} mV, [Na+]i, [K+]i, [K+]o = "
                                  f"{y[5]:.4g}, {y[6]:.4g}, {y[7]:.4g} mM); try a smaller rtol.")
        ts.append(sol.t)
        ys.append(sol.y)
        spikes.extend(te for te, ye in zip(sol.t_events[0], sol.y_events[0], strict=True)
                      if rhs(te, ye, pump_on, 0.0)[0] >= upstroke)
    t = np.concatenate(ts)
    yy = np.concatenate(ys, axis=1)
    keep = np.concatenate([[True], np.diff(t) > 0])  # segment ends are recorded once
    t, yy = t[keep], yy[:, keep]
    pump_on = np.ones_like(t) if block is None else (t < block).astype(float)
    i_na, i_k, i_p = currents(c, yy, pump_on)
    traces = {name: yy[k][:, None] for k, name in enumerate(STATE) if name != "v"}
    traces.update({"e_na": (c.rt_f * np.log(c.na_out / yy[5]))[:, None],
                   "e_k": (c.rt_f * np.log(yy[7] / yy[6]))[:, None],
                   "i_pump": i_p[:, None], "i_na": i_na[:, None], "i_k": i_k[:, None]})
    units = {"t": "ms", "v": "mV", "m": "1", "h": "1", "n": "1", "q": "1", "na_in": "mM",
             "k_in": "mM", "k_out": "mM", "e_na": "mV", "e_k": "mV", "i_pump": "uA/cm^2",
             "i_na": "uA/cm^2", "i_k": "uA/cm^2", "spike_times": "ms", "stimulus": "uA/cm^2"}
    train = np.array(spikes, dtype=float)
    call = (f"simulate_ion_dynamics({dur!r}, block_at={block!r}, electrogenic="
            f"{bool(electrogenic)!r}, current={i_ext!r}, pulses={pulses!r}, rtol={tol!r})")
    return SimulationResult(
        t=t, v=yy[0][:, None], spike_times=SpikeTrains(train, np.array([0, train.size])),
        stimulus=None, model="ion_dynamics", method="LSODA", dt=0.0, duration=dur, params=p,
        spike_threshold=th, traces=traces, units=units, provenance=provenance(call))


def electrogenic_share(params=None) -> dict:
    """The pump's own share of the resting potential: the rest with the pump's current
    (``v_rest``) and the steady V without it at the same concentrations (``v_no_pump``, the
    gates at steady state), and their difference ``share`` (mV, negative: the pump
    hyperpolarises)."""
    from scipy.optimize import brentq


    c = cell(params)
    y = list(c.rest)

    def i_total(v):
        m, h, n, q = (float(x[0]) for x in steady_gates(v, c.v_t))
        i_na, i_k, _ = currents(c, [v, m, h, n, q, *y[5:]])
        return i_na + i_k

    v0 = y[0]
    grid = v0 + np.arange(0.0, 30.0, 0.25)  # the first zero above rest (Na+ adds more above)
    vals = np.array([i_total(v) for v in grid])
    k = int(np.flatnonzero((vals[:-1] < 0) & (vals[1:] >= 0))[0])
    v1 = brentq(i_total, grid[k], grid[k + 1], xtol=1e-12)
    return {"v_rest": v0, "v_no_pump": v1, "share": v0 - v1}
