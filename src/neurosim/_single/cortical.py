"""The cortical neurons of Pospischil et al. (2008): rates in numpy, the resting state and the
driver of the kernels in ``neurosim._kernels._cortical``."""

from __future__ import annotations

import functools

import numpy as np

from .hh import _DT_MAX_RK4, lowest_zero, run_conductance

__all__ = ["cortical_currents", "cortical_rate_functions", "initial_state", "run_cortical",
           "steady_gates"]

PARAM_ROWS = ("c_m", "g_na", "g_kd", "g_m", "g_l", "e_na", "e_k", "e_l", "v_t", "tau_max")


def cortical_rate_functions(v, v_t=-56.2, tau_max=1000.0):
    """(am, bm, ah, bh, an, bn, q_inf, tau_q) at voltage(s) ``v`` (mV), rates in 1/ms and
    tau_q in ms: the kernels' formulas in numpy (see ``neurosim._kernels._cortical``)."""
    v = np.asarray(v, dtype=np.float64)
    u = v - v_t

    def inv_exprel(z, scale):  # scale * z / (exp(z) - 1), exact at z = 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(z == 0.0, scale, scale * z / np.expm1(z))

    am = inv_exprel(-(u - 13.0) / 4.0, 1.28)
    bm = inv_exprel((u - 40.0) / 5.0, 1.4)
    ah = 0.128 * np.exp(-(u - 17.0) / 18.0)
    bh = 4.0 / (1.0 + np.exp(-(u - 40.0) / 5.0))
    an = inv_exprel(-(u - 15.0) / 5.0, 0.16)
    bn = 0.5 * np.exp(-(u - 10.0) / 40.0)
    q_inf = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    tau_q = tau_max / (3.3 * np.exp((v + 35.0) / 20.0) + np.exp(-(v + 35.0) / 20.0))
    return am, bm, ah, bh, an, bn, q_inf, tau_q


def steady_gates(v, v_t):
    """(m, h, n, q) at steady state at voltage(s) ``v``."""
    am, bm, ah, bh, an, bn, q_inf, _ = cortical_rate_functions(np.atleast_1d(v), v_t)
    return am / (am + bm), ah / (ah + bh), an / (an + bn), q_inf


def cortical_currents(p, state):
    """The ionic currents (uA/cm^2, outward positive) from a recorded state."""
    v = state["v"]
    out = {}
    if "m" in state and "h" in state:
        out["i_na"] = p["g_na"] * state["m"] ** 3 * state["h"] * (v - p["e_na"])
    if "n" in state:
        out["i_kd"] = p["g_kd"] * state["n"] ** 4 * (v - p["e_k"])
    if "q" in state:
        out["i_m"] = p["g_m"] * state["q"] * (v - p["e_k"])
    out["i_l"] = p["g_l"] * (v - p["e_l"])
    return out


@functools.lru_cache(maxsize=256)
def _rest(g_na, g_kd, g_m, g_l, e_na, e_k, e_l, v_t) -> tuple:
    def i_ss(v):
        m, h, n, q = steady_gates(v, v_t)
        return (g_na * m**3 * h * (v - e_na) + (g_kd * n**4 + g_m * q) * (v - e_k)
                + g_l * (v - e_l))

    v = lowest_zero(i_ss, "cortical neuron")
    return (v, *(float(x[0]) for x in steady_gates(v, v_t)))


def initial_state(p, n, v0, temperature):
    """The registry's initial state: rest, or V = v0 with the gates at steady state there."""
    names = ("v", "m", "h", "n", "q")
    if v0 is None:
        rows = np.stack([p[k] for k in PARAM_ROWS[1:9]], axis=1)
        unique, inverse = np.unique(rows, axis=0, return_inverse=True)
        rest = np.array([_rest(*map(float, row)) for row in unique])[np.ravel(inverse)]
        return {k: rest[:, i].copy() for i, k in enumerate(names)}
    v = np.array(np.broadcast_to(v0, (n,)), dtype=float)
    return dict(zip(names, (v, *steady_gates(v, p["v_t"])), strict=True))


def run_cortical(spec, stimulus, duration, *, func, call, spike_threshold=0.0, **options):
    """Run the cortical kernels; ``options`` are those of :func:`neurosim.simulate`. A spike is
    an upward crossing of ``spike_threshold`` (mV), timed by cubic Hermite interpolation."""
    from .._kernels import _cortical  # Numba loads with the first simulation

    params = spec.resolve_params(options.get("params"), options.get("pattern"), func)

    def matrix(p, temperature):
        return np.stack([p[k] for k in PARAM_ROWS])

    def state(init):
        x = np.stack([init[k] for k in spec.state])
        return [x], x[0]

    # RK4's stability limit: the cortical gates are faster than the squid's at 6.3 C
    return run_conductance(spec, stimulus, duration, func=func, call=call,
                           spike_threshold=spike_threshold, options={**options, "params": params},
                           kernels=_cortical, matrix=matrix, state=state,
                           rk4_dt_max=_DT_MAX_RK4)
