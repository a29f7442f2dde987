"""simulate_hh: the Hodgkin-Huxley membrane, one neuron or a population."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import _runner
from ._kernels import _hh
from ._validation import SimulationError, as_choice, as_finite_array, as_float, param_error
from .catalog import HodgkinHuxleyParams, load_model
from .result import SimulationResult

__all__ = ["HH_VARIABLES", "METHODS", "hh_rate_functions", "hh_resting_state", "simulate_hh"]

METHODS = ("rk4", "exp_euler")
HH_VARIABLES = ("v", "m", "h", "n", "i_na", "i_k", "i_l")
_DT_MAX_EXP_EULER = 0.1
# RK4's stability limit, measured: at 6.3 C it holds for currents up to 500 uA/cm^2 at
# dt = 0.06 ms and fails at 0.07 ms; warmer runs have faster gates, so the limit shrinks with
# the Q10 factor phi. (Strong hyperpolarising currents drive V to where the rates are huge and
# need exp_euler or a smaller dt; the blow-up check catches that case.)
_DT_MAX_RK4 = 0.06
_RK4_PHI_DT = 0.3


def _default_params() -> HodgkinHuxleyParams:
    return load_model("hodgkin_huxley_1952")


def _param_vector(p: HodgkinHuxleyParams, phi: float) -> np.ndarray:
    return np.array([p.c_m, p.g_na, p.g_k, p.g_l, p.e_na, p.e_k, p.e_l, p.v_offset, phi])


def hh_rate_functions(v, params: HodgkinHuxleyParams, phi: float = 1.0):
    """The six rates (1/ms) at voltage(s) ``v`` (mV), in numpy: (am, bm, ah, bh, an, bn).

    The same formulas as the kernels (see ``neurosim._kernels._hh``); used for steady states so
    that finding the resting state needs no JIT compilation.
    """
    u = np.asarray(v, dtype=np.float64) - params.v_offset
    za = (25.0 - u) / 10.0
    zn = (10.0 - u) / 10.0
    with np.errstate(divide="ignore", invalid="ignore"):
        am = np.where(za == 0.0, 1.0, za / np.expm1(za))
        an = np.where(zn == 0.0, 0.1, 0.1 * zn / np.expm1(zn))
    bm = 4.0 * np.exp(-u / 18.0)
    ah = 0.07 * np.exp(-u / 20.0)
    bh = 1.0 / (np.exp((30.0 - u) / 10.0) + 1.0)
    bn = 0.125 * np.exp(-u / 80.0)
    return tuple(phi * r for r in (am, bm, ah, bh, an, bn))


def _steady_gates(v, p: HodgkinHuxleyParams) -> tuple[np.ndarray, ...]:
    am, bm, ah, bh, an, bn = hh_rate_functions(np.atleast_1d(v), p)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


@functools.lru_cache(maxsize=64)
def hh_resting_state(params: HodgkinHuxleyParams) -> tuple[float, float, float, float]:
    """(V, m, h, n) where the membrane current is zero with every gate at steady state.

    Takes the most hyperpolarised zero of the steady-state current between -120 and +60 mV;
    for the 1952 parameters that is -65.0 mV.
    """
    from scipy.optimize import brentq

    def i_ss(v):
        m, h, n = _steady_gates(v, params)
        return float((params.g_na * m**3 * h * (v - params.e_na) + params.g_k * n**4
                      * (v - params.e_k) + params.g_l * (v - params.e_l))[0])

    grid = np.linspace(-120.0, 60.0, 721)
    vals = np.array([i_ss(v) for v in grid])
    up = np.flatnonzero((vals[:-1] < 0) & (vals[1:] >= 0))
    if up.size == 0:
        raise ValueError(f"{params.name or 'These parameters'} have no resting potential between "
                         "-120 and +60 mV (the steady-state current never crosses zero upwards); "
                         "pass v0= explicitly.")
    k = up[0]
    v_rest = brentq(i_ss, grid[k], grid[k + 1], xtol=1e-13)
    m, h, n = _steady_gates(v_rest, params)
    return float(v_rest), float(m[0]), float(h[0]), float(n[0])


def _raise_blow_up(err, v, step, method):
    c = int(np.flatnonzero(err >= 0)[0])
    lo = c * _hh.CHUNK
    bad = lo + int(np.flatnonzero(~(np.abs(v[lo:lo + _hh.CHUNK]) < _hh.V_BOUND))[0])
    advice = ("Use method='exp_euler' (stable at any dt) or a smaller dt." if method == "rk4"
              else "Use a smaller dt.")
    raise SimulationError(
        f"simulate_hh blew up at t = {err[c] * step:.4g} ms in neuron {bad} "
        f"(V = {v[bad]:.4g} mV) with method={method!r}, dt={step:g} ms. {advice}")


def _record_set(record, func: str) -> set[str]:
    if isinstance(record, str):
        record = HH_VARIABLES if record == "all" else (record,)
    if not isinstance(record, Sequence):
        raise param_error(func, "record", "'all' or a sequence of names from "
                          f"{', '.join((*HH_VARIABLES, 'spikes'))}", record, TypeError)
    names = set()
    for name in record:
        if name == "all":
            names.update(HH_VARIABLES)
        elif name != "spikes":
            as_choice(name, func, "record", (*HH_VARIABLES, "spikes", "all"))
            names.add(name)
    return names


def simulate_hh(stimulus, duration, *, dt=0.025, params=None, method="rk4", temperature=None,
                v0=None, record=("v", "spikes"), record_every=1, spike_threshold=0.0,
                n_threads=None, progress=None) -> SimulationResult:
    r"""Integrate the Hodgkin-Huxley equations for one neuron or an uncoupled population.

    .. math::
        C_m \dot V = I - \bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                     - g_L (V - E_L), \qquad \dot x = \phi\,[\alpha_x(V)(1 - x) - \beta_x(V) x]

    Arguments:
        stimulus: current density in uA/cm^2: a number (constant), a
            :class:`~neurosim.stimulus.Stimulus`, a 1-D array (one constant per neuron: a
            population) or a 2-D array of shape (steps, neurons). Brian2 quantities accepted.
        duration: simulated time (ms), a multiple of ``dt``.
        dt: time step (ms). The default ``method="rk4"`` at ``dt=0.025`` puts spike times within
            1e-5 ms of a high-accuracy reference (within 2e-4 ms at 0.05).
        params: a :class:`~neurosim.catalog.HodgkinHuxleyParams` (default: the catalog's
            ``hodgkin_huxley_1952``).
        method: ``"rk4"`` (classic 4th-order Runge-Kutta, the default) or ``"exp_euler"``
            (exponential Euler, first order, what Brian2 and NEURON users know; stable at any dt
            but needs a far smaller dt for accurate spike times).
        temperature: degrees C (default: the model's reference, 6.3 C); rates scale by
            ``q10 ** ((temperature - temperature_ref) / 10)``.
        v0: starting voltage (mV; a number, or one per neuron) with every gate at its steady
            state; default the resting state.
        record: names from ``v, m, h, n, i_na, i_k, i_l`` (``"all"`` for all of them;
            ``"spikes"`` is always recorded). ``record=("spikes",)`` keeps memory O(spikes).
        record_every: keep every k-th step of the recorded traces.
        spike_threshold: a spike is an upward crossing of this voltage (mV), timed by cubic
            Hermite interpolation between steps.
        n_threads: threads for a population (default ``numba.get_num_threads()``, normally
            every core); results do not depend on it.
        progress: show a progress bar (default: only for long runs).

    Returns:
        :class:`~neurosim.result.SimulationResult` with ``t`` (ms), ``v`` (mV), requested gates
        and currents (uA/cm^2, outward positive), ``spike_times``, ``spike_counts`` and
        ``firing_rates`` (Hz).

    Raises:
        TypeError, ValueError: a bad argument, named with what was expected.
        SimulationError: the run blew up (NaN or |V| > 1000 mV); lower ``dt`` or use
            ``method="exp_euler"``.
    """
    func = "simulate_hh"
    if params is None:
        params = _default_params()
    elif not isinstance(params, HodgkinHuxleyParams):
        raise param_error(func, "params", "a HodgkinHuxleyParams (neurosim.load_model("
                          "'hodgkin_huxley_1952'))", params, TypeError)
    method = as_choice(method, func, "method", METHODS)
    if temperature is None:
        temp = params.temperature_ref
    else:
        temp = as_float(temperature, func, "temperature", low=-20.0, high=60.0)
    phi = params.q10 ** ((temp - params.temperature_ref) / 10.0)
    if method == "rk4":
        dt_max = min(_DT_MAX_RK4, _RK4_PHI_DT / phi)
        hint = f"RK4's stability limit at {temp:g} C; use method='exp_euler' for larger steps"
    else:
        dt_max = _DT_MAX_EXP_EULER
        hint = "beyond it exponential Euler no longer resolves the spike"
    dur, step, nsteps = _runner.time_grid(duration, dt, func, dt_max, hint)
    record_every = _runner.check_record_every(record_every, nsteps, func)
    threshold = as_float(spike_threshold, func, "spike_threshold", "mV")
    names = _record_set(record, func)
    threads = _runner.thread_count(n_threads, func)
    matrix, n_neurons, single, trace = _runner.stimulus_matrix(stimulus, nsteps, step, func,
                                                              "uA/cm^2")

    # initial state
    if v0 is None:
        v_rest, m0, h0, n0 = hh_resting_state(params)
        v = np.full(n_neurons, v_rest)
        m, h, n = np.full(n_neurons, m0), np.full(n_neurons, h0), np.full(n_neurons, n0)
    else:
        v0_arr = as_finite_array(v0, func, "v0", "mV")
        if v0_arr.ndim == 0:
            v0_arr = np.full(n_neurons, float(v0_arr))
        if v0_arr.shape != (n_neurons,):
            raise param_error(func, "v0", f"a number or an array of shape ({n_neurons},)", v0_arr)
        if np.any(np.abs(v0_arr) >= _hh.V_BOUND):
            raise param_error(func, "v0", f"within (-{_hh.V_BOUND:g}, {_hh.V_BOUND:g}) mV", v0)
        v = v0_arr.copy()
        m, h, n = (g.copy() for g in _steady_gates(v, params))

    n_rec = nsteps // record_every + 1
    # the kernel records state; currents are computed from it afterwards
    needs = {"i_na": ("v", "m", "h"), "i_k": ("v", "n"), "i_l": ("v",)}
    state_names = ("v", "m", "h", "n")
    wanted = set(names)
    for cur_name, deps in needs.items():
        if cur_name in names:
            wanted.update(deps)
    recorded = [q for q in state_names if q in wanted]
    slots = np.array([recorded.index(q) if q in recorded else -1 for q in state_names],
                     dtype=np.int64)
    rec = np.empty((len(recorded), n_rec, n_neurons))
    p = _param_vector(params, phi)
    initial = {"v": v, "m": m, "h": h, "n": n}
    for k, name in enumerate(recorded):
        rec[k, 0] = initial[name]

    seg = _runner.segment_steps(n_neurons, nsteps)
    cap = seg // 2 + 1
    spk_t = np.empty((n_neurons, cap))
    spk_n = np.zeros(n_neurons, dtype=np.int64)
    err = np.empty((n_neurons + _hh.CHUNK - 1) // _hh.CHUNK, dtype=np.int64)
    collector = _runner.SpikeCollector(n_neurons)
    if progress is None:
        progress = n_neurons * nsteps * (4 if method == "rk4" else 1) > 2e9
    bar = _runner.progress_bar(bool(progress), nsteps, "simulate_hh")
    kernel = _hh.run_exp_euler if method == "exp_euler" else _hh.run_rk4
    done = 0
    with _runner.ChunkRunner(len(err), threads) as pool:
        try:
            while done < nsteps:
                k = min(seg, nsteps - done)
                pool.run(kernel, v, m, h, n, matrix, done, k, step, p, record_every, rec, slots,
                         threshold, spk_t, spk_n, err)
                if np.any(err >= 0):
                    _raise_blow_up(err, v, step, method)
                collector.add(spk_t, spk_n)
                done += k
                if bar is not None:
                    bar.update(k)
        finally:
            if bar is not None:
                bar.close()
    spike_times, counts = collector.finish()
    rates = counts / (dur / 1000.0)
    t, stim_rec = _runner.recorded_axis(nsteps, record_every, step, trace)
    state = {q: rec[recorded.index(q)] for q in recorded}
    if "i_na" in names:
        state["i_na"] = params.g_na * state["m"] ** 3 * state["h"] * (state["v"] - params.e_na)
    if "i_k" in names:
        state["i_k"] = params.g_k * state["n"] ** 4 * (state["v"] - params.e_k)
    if "i_l" in names:
        state["i_l"] = params.g_l * (state["v"] - params.e_l)
    traces = {q: state[q] for q in HH_VARIABLES[1:] if q in names}
    v_out = state["v"] if "v" in names else None
    if single:
        traces = {k: a[:, 0] for k, a in traces.items()}
        v_out = None if v_out is None else v_out[:, 0]
        return SimulationResult(t=t, v=v_out, spike_times=spike_times[0],
                                spike_counts=int(counts[0]), firing_rates=float(rates[0]),
                                stimulus=stim_rec, model="hodgkin_huxley", method=method, dt=step,
                                duration=dur, params=params, n_neurons=1,
                                spike_threshold=threshold, traces=traces)
    return SimulationResult(t=t, v=v_out, spike_times=spike_times, spike_counts=counts,
                            firing_rates=rates, stimulus=stim_rec, model="hodgkin_huxley",
                            method=method, dt=step, duration=dur, params=params,
                            n_neurons=n_neurons, spike_threshold=threshold, traces=traces)
