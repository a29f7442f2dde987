"""The Hodgkin-Huxley driver: the membrane of one neuron or a population, RK4 or exponential
Euler, in segments whose spike buffers stay bounded."""

from __future__ import annotations

import functools

import numpy as np

from .._core import resources as _resources
from .._core.validation import ParameterError, SimulationError, as_float, param_error
from ..catalog import NeuronParams
from . import runner as _runner

__all__ = ["hh_rate_functions", "hh_resting_state", "initial_state", "lowest_zero", "phi_factor",
           "run_conductance", "run_hh"]

_PARAM_ROWS = ("c_m", "g_na", "g_k", "g_l", "e_na", "e_k", "e_l", "v_offset")
# RK4's stability limit, measured: at 6.3 C it holds for currents up to 500 uA/cm^2 at
# dt = 0.06 ms and fails at 0.07 ms; warmer runs have faster gates, so the limit shrinks with
# the Q10 factor phi. (Strong hyperpolarising currents drive V to where the rates are huge and
# need exp_euler or a smaller dt; the blow-up check catches that case.)
_DT_MAX_RK4 = 0.06
_RK4_PHI_DT = 0.3


def hh_rate_functions(v, v_offset=-65.0, phi=1.0):
    """The six rates (1/ms) at voltage(s) ``v`` (mV), in numpy: (am, bm, ah, bh, an, bn).

    The same formulas as the kernels (see ``neurosim._kernels._hh``); used for steady states so
    that finding the resting state needs no JIT compilation. ``v_offset`` (mV) and ``phi`` may
    be arrays that broadcast with ``v``.
    """
    u = np.asarray(v, dtype=np.float64) - v_offset
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


def phi_factor(p, temperature):
    """The Q10 factor that multiplies every rate at ``temperature`` (C; None: the model's
    reference), one per neuron: q10 ** ((T - temperature_ref) / 10)."""
    t = p["temperature_ref"] if temperature is None else temperature
    return p["q10"] ** ((t - p["temperature_ref"]) / 10.0)


def _steady_gates(v, v_offset):
    am, bm, ah, bh, an, bn = hh_rate_functions(np.atleast_1d(v), v_offset)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def lowest_zero(i_ss, what: str) -> float:
    """The most hyperpolarised upward zero crossing of the steady-state current ``i_ss(v)``
    (a function of a voltage array) between -120 and +60 mV, to 1e-13 mV: the resting
    potential of a conductance-based model."""
    grid = np.linspace(-120.0, 60.0, 721)
    vals = i_ss(grid)
    up = np.flatnonzero((vals[:-1] < 0) & (vals[1:] >= 0))
    if up.size == 0:
        raise ParameterError(f"These {what} parameters have no resting potential "
                             "between -120 and +60 mV (the steady-state current never crosses "
                             "zero upwards); pass v0= explicitly.")
    # bisection of the 0.25 mV bracket to 1e-13 mV (about 41 halvings; no scipy import,
    # which would be a third of a short run's start-up)
    lo, hi = float(grid[up[0]]), float(grid[up[0] + 1])
    for _ in range(100):
        if hi - lo <= 1e-13:
            break
        mid = 0.5 * (lo + hi)
        if i_ss(np.array([mid]))[0] < 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@functools.lru_cache(maxsize=256)
def _rest(g_na, g_k, g_l, e_na, e_k, e_l, v_offset) -> tuple[float, float, float, float]:
    def i_ss(v):
        m, h, n = _steady_gates(v, v_offset)
        return g_na * m**3 * h * (v - e_na) + g_k * n**4 * (v - e_k) + g_l * (v - e_l)

    v_rest = lowest_zero(i_ss, "Hodgkin-Huxley")
    m, h, n = _steady_gates(v_rest, v_offset)
    return float(v_rest), float(m[0]), float(h[0]), float(n[0])


def hh_resting_state(params):
    """(V, m, h, n) where the membrane current is zero with every gate at steady state.

    Takes the most hyperpolarised zero of the steady-state current between -120 and +60 mV;
    for the 1952 parameters that is -65.0 mV. With per-neuron (array) parameters each is an
    array, one value per neuron.
    """
    if not isinstance(params, NeuronParams) or any(not hasattr(params, k)
                                                   for k in _PARAM_ROWS):
        raise param_error("hh_resting_state", "params", "parameters of a Hodgkin-Huxley-type "
                          "model (load_model('hodgkin_huxley_1952'))", params, TypeError)
    n = params.n_values()
    p = params.per_neuron(n, "hh_resting_state")
    rows = np.stack([p[k] for k in _PARAM_ROWS[1:]], axis=1)
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    rest = np.array([_rest(*map(float, row)) for row in unique])[np.ravel(inverse)]
    if n == 1 and not any(isinstance(x, np.ndarray) for x in params.values().values()):
        return tuple(float(x) for x in rest[0])
    return tuple(rest[:, k].copy() for k in range(4))


def initial_state(p, n, v0, temperature):
    """The registry's initial state: rest, or V = v0 with the gates at steady state there."""
    if v0 is None:
        rows = np.stack([p[k] for k in _PARAM_ROWS[1:]], axis=1)
        unique, inverse = np.unique(rows, axis=0, return_inverse=True)
        rest = np.array([_rest(*map(float, row)) for row in unique])[np.ravel(inverse)]
        return {"v": rest[:, 0].copy(), "m": rest[:, 1].copy(), "h": rest[:, 2].copy(),
                "n": rest[:, 3].copy()}
    v = np.array(np.broadcast_to(v0, (n,)), dtype=float)
    m, h, g = _steady_gates(v, p["v_offset"])
    return {"v": v, "m": m, "h": h, "n": g}


def _raise_blow_up(err, v, step, method, func, chunk, bound):
    c = int(np.flatnonzero(err >= 0)[0])
    lo = c * chunk
    bad = lo + int(np.flatnonzero(~(np.abs(v[lo:lo + chunk]) < bound))[0])
    advice = ("Use a smaller dt, or method='exp_euler', which stays bounded under strong "
              "hyperpolarising input where RK4 does not." if method == "rk4"
              else "Use a smaller dt.")
    raise SimulationError(
        f"{func} blew up at t = {err[c] * step:.4g} ms in neuron {bad} "
        f"(V = {v[bad]:.4g} mV) with method={method!r}, dt={step:g} ms. {advice}")


def run_hh(spec, stimulus, duration, *, func, call, spike_threshold=0.0, **options):
    """Run the Hodgkin-Huxley kernels; ``options`` are those of :func:`neurosim.simulate`.
    A spike is an upward crossing of ``spike_threshold`` (mV), timed by cubic Hermite
    interpolation between steps."""
    from .._kernels import _hh  # Numba loads with the first simulation, not with neurosim

    params = spec.resolve_params(options.get("params"), options.get("pattern"), func)
    t_val = spec.check_temperature(options.get("temperature"), func)
    phi = float(np.max(phi_factor(params.per_neuron(params.n_values(), func), t_val)))

    def matrix(p, temperature):
        return np.stack([p[k] for k in _PARAM_ROWS] + [phi_factor(p, temperature)])

    def state(init):
        arrays = [init[k].copy() for k in ("v", "m", "h", "n")]
        return arrays, arrays[0]

    return run_conductance(spec, stimulus, duration, func=func, call=call,
                           spike_threshold=spike_threshold, options={**options, "params": params},
                           kernels=_hh, matrix=matrix, state=state,
                           rk4_dt_max=min(_DT_MAX_RK4, _RK4_PHI_DT / phi))


def run_conductance(spec, stimulus, duration, *, func, call, spike_threshold, options, kernels,
                    matrix, state, rk4_dt_max):
    """The driver of a conductance-based model's kernels (``kernels``: a module with CHUNK,
    V_BOUND, run_exp_euler and run_rk4 taking the state arrays, the current table, the
    parameter matrix and the recording and spike buffers). ``matrix(p, temperature)`` gives the
    kernels' parameter matrix, ``state(init)`` the state arrays passed to them and the V array
    among them."""
    method = options.get("method") or spec.methods[0]
    if method == "rk4":
        dt_max = rk4_dt_max
        hint = "RK4's stability limit at this temperature; use method='exp_euler' for larger steps"
    else:
        dt_max = spec.dt_max  # the registry's: the network engines step these models so too
        hint = "beyond it exponential Euler no longer resolves the spike"
    prep = _runner.prepare(spec, stimulus, duration, func=func, call=call,
                           **{**options, "pattern": None}, dt_max=dt_max, dt_hint=hint)
    threshold = 0.0 if spike_threshold is None else as_float(spike_threshold, func,
                                                             "spike_threshold", "mV")
    n, step, nsteps = prep.n, prep.dt, prep.nsteps
    pmat = matrix(prep.p, prep.temperature)
    if np.all(pmat == pmat[:, :1]):
        pmat = np.ascontiguousarray(pmat[:, :1])
    arrays, v = state(prep.init)
    recorded = prep.kernel_record
    slots = np.array([recorded.index(q) if q in recorded else -1 for q in spec.state],
                     dtype=np.int64)
    rec = np.empty((len(recorded), prep.n_rec, n))
    for k, name in enumerate(recorded):
        rec[k, 0] = prep.init[name]
    seg = _runner.segment_steps(n, nsteps)
    cap = seg // 2 + 1
    spk_t = np.empty((n, cap))
    spk_n = np.zeros(n, dtype=np.int64)
    err = np.empty((n + kernels.CHUNK - 1) // kernels.CHUNK, dtype=np.int64)
    collector = _runner.SpikeCollector(n, _resources.SpikeBudget(
        func, _runner.SpikeCollector.BYTES_PER_SPIKE, n, step,
        allocated=rec.nbytes + spk_t.nbytes))
    bar = _runner.progress_bar(prep.progress, nsteps, func)
    kernel = kernels.run_exp_euler if prep.method == "exp_euler" else kernels.run_rk4
    done = 0
    with _runner.ChunkRunner(len(err), prep.threads) as pool:
        try:
            while done < nsteps:
                k = min(seg, nsteps - done)
                pool.run(kernel, *arrays, prep.matrix, done, k, step, pmat,
                         prep.record_every, rec, slots, threshold, spk_t, spk_n, err)
                if np.any(err >= 0):
                    _raise_blow_up(err, v, step, prep.method, func, kernels.CHUNK,
                                   kernels.V_BOUND)
                collector.add(spk_t, spk_n, done + k)
                done += k
                if bar is not None:
                    bar.update(k)
        finally:
            if bar is not None:
                bar.close()
    trains, _ = collector.finish()
    return _runner.finish(prep, {q: rec[k] for k, q in enumerate(recorded)}, trains,
                          threshold)
