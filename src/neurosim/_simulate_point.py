"""simulate_lif, simulate_izhikevich, simulate_adex: point neurons, one or a population."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import _runner
from ._kernels import _point
from ._validation import SimulationError, as_choice, as_finite_array, param_error
from .catalog import AdExParams, IzhikevichParams, LIFParams, load_model
from .result import SimulationResult

__all__ = ["simulate_adex", "simulate_izhikevich", "simulate_lif"]

# spike-buffer slots per chunk (x 16 bytes): a chunk that could overflow stops and resumes
_MIN_SLOTS = 4096


def _record_names(record, func: str, variables: tuple[str, ...]) -> list[str]:
    if isinstance(record, str):
        record = variables if record == "all" else (record,)
    if not isinstance(record, Sequence):
        raise param_error(func, "record", f"'all' or names from {', '.join(variables)}, "
                          "'spikes'", record, TypeError)
    names = []
    for name in record:
        if name == "all":
            names.extend(v for v in variables if v not in names)
        elif name != "spikes":
            as_choice(name, func, "record", (*variables, "spikes", "all"))
            if name not in names:
                names.append(name)
    return names


def _broadcast_params(params, n: int, func: str) -> dict[str, np.ndarray]:
    out = {}
    for f in params.parameter_fields():
        value = np.asarray(getattr(params, f.name), dtype=np.float64)
        if value.ndim == 1 and value.size != n:
            raise param_error(func, "params", f"array parameters with one value per neuron "
                              f"({n})", value)
        out[f.name] = np.ascontiguousarray(np.broadcast_to(value, (n,)))
    return out


def _initial(v0, n: int, default: np.ndarray, func: str) -> np.ndarray:
    if v0 is None:
        return default.copy()
    arr = as_finite_array(v0, func, "v0", "mV")
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise param_error(func, "v0", f"a number or an array of shape ({n},)", arr)
    return arr.copy()


class _Spec:
    """What differs between the point models; the run loop is shared."""

    model: str
    func: str
    params_cls: type
    catalog: str
    variables: tuple[str, ...]
    dt_max: float
    chunk: int
    method: str

    def state(self, p, n, v0):
        raise NotImplementedError

    def run(self, pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        raise NotImplementedError

    def threshold(self, p):
        raise NotImplementedError


class _LIF(_Spec):
    model = "lif"
    func = "simulate_lif"
    params_cls = LIFParams
    catalog = "lif_lecture"
    variables = ("v",)
    dt_max = 10.0
    chunk = _point.LIF_CHUNK
    method = "exact"

    def state(self, p, n, v0):
        return [_initial(v0, n, p["v_rest"], self.func), np.zeros(n)]

    def run(self, pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, _ = bufs
        pool.run(_point.run_lif, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["v_rest"], p["r_m"], p["v_th"], p["v_reset"], p["tau_m"], p["t_ref"],
                 max_events, rec_every, recs["v"], spk_idx, spk_t, spk_n)

    def threshold(self, p):
        return p["v_th"]


class _Izhikevich(_Spec):
    model = "izhikevich"
    func = "simulate_izhikevich"
    params_cls = IzhikevichParams
    catalog = "izhikevich_2003"
    variables = ("v", "u")
    dt_max = 1.0
    chunk = _point.POINT_CHUNK
    method = "euler"

    def state(self, p, n, v0):
        v = _initial(v0, n, np.full(n, -65.0), self.func)
        return [v, p["b"] * v]

    def run(self, pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err = bufs
        pool.run(_point.run_izhikevich, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["a"], p["b"], p["c"], p["d"], p["v_peak"], rec_every, recs["v"], recs["u"],
                 spk_idx, spk_t, spk_n, err)

    def threshold(self, p):
        return p["v_peak"]


class _AdEx(_Spec):
    model = "adex"
    func = "simulate_adex"
    params_cls = AdExParams
    catalog = "adex_brette_gerstner_2005"
    variables = ("v", "w")
    dt_max = 0.1
    chunk = _point.POINT_CHUNK
    method = "rk4"

    def state(self, p, n, v0):
        return [_initial(v0, n, p["e_l"], self.func), np.zeros(n)]

    def run(self, pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err = bufs
        pool.run(_point.run_adex, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["c_m"], p["g_l"], p["e_l"], p["v_t"], p["delta_t"], p["tau_w"], p["a"],
                 p["b"], p["v_reset"], p["v_peak"], rec_every, recs["v"], recs["w"], spk_idx,
                 spk_t, spk_n, err)

    def threshold(self, p):
        return p["v_peak"]


def _lif_max_events(p, matrix, dt) -> int:
    """An upper bound on the spikes one LIF neuron can fire within one step."""
    vinf = p["v_rest"] + p["r_m"] * float(matrix.max())
    above = vinf > p["v_th"]
    if not above.any():
        return 1
    t_fire = p["tau_m"][above] * np.log((vinf[above] - p["v_reset"][above])
                                        / (vinf[above] - p["v_th"][above]))
    cycle = float(np.min(p["t_ref"][above] + t_fire))
    return math.floor(dt / cycle) + 1 if cycle > 0 else 1


def _simulate_point(spec: _Spec, stimulus, duration, dt, params, v0, record, record_every,
                    n_threads, progress) -> SimulationResult:
    func = spec.func
    if params is None:
        params = load_model(spec.catalog)
    elif not isinstance(params, spec.params_cls):
        raise param_error(func, "params", f"a {spec.params_cls.__name__} (neurosim.load_model("
                          f"'{spec.catalog}'))", params, TypeError)
    dur, step, nsteps = _runner.time_grid(duration, dt, func, spec.dt_max,
                                          "the largest step this integrator is set up for")
    record_every = _runner.check_record_every(record_every, nsteps, func)
    names = _record_names(record, func, spec.variables)
    threads = _runner.thread_count(n_threads, func)
    matrix, n, single, trace = _runner.stimulus_matrix(stimulus, nsteps, step, func, "nA")
    n_params = params.n_values()
    if n_params > 1:
        if single:
            n, single = n_params, False  # one input, heterogeneous neurons
        elif n != n_params:
            raise param_error(func, "params", f"one value per neuron of the stimulus ({n})",
                              f"arrays of length {n_params}")
    p = _broadcast_params(params, n, func)
    state = spec.state(p, n, v0)
    n_rec = nsteps // record_every + 1
    recs = {}
    for k, name in enumerate(spec.variables):
        recs[name] = np.empty((n_rec if name in names else 0, n))
        if name in names:
            recs[name][0] = state[k] / (1000.0 if name == "w" else 1.0)
    n_chunks = (n + spec.chunk - 1) // spec.chunk
    max_events = _lif_max_events(p, matrix, step) if spec.model == "lif" else 1
    cap = max(_MIN_SLOTS, 4 * min(n, spec.chunk) * max_events)
    bufs = (np.empty((n_chunks, cap), dtype=np.int32), np.empty((n_chunks, cap)),
            np.zeros(n_chunks, dtype=np.int64), np.full(n_chunks, -1, dtype=np.int64))
    chunk_step = np.zeros(n_chunks, dtype=np.int64)
    collector = _runner.SpikeCollector(n)
    seg = max(1, min(nsteps, int(5e7 // n)))  # a progress tick every ~5e7 neuron-steps
    if progress is None:
        progress = n * nsteps > 2e10
    bar = _runner.progress_bar(bool(progress), nsteps, func)
    try:
        with _runner.ChunkRunner(n_chunks, threads) as pool:
            target = 0
            while target < nsteps:
                target = min(nsteps, target + seg)
                while int(chunk_step.min()) < target:
                    before = int(chunk_step.min())
                    spec.run(pool, state, matrix, target, chunk_step, step, p, record_every,
                             recs, bufs, max_events)
                    collector.add_pairs(bufs[0], bufs[1], bufs[2])
                    if np.any(bufs[3] >= 0):
                        c = int(np.flatnonzero(bufs[3] >= 0)[0])
                        raise SimulationError(
                            f"{func} blew up at t = {bufs[3][c] * step:.4g} ms in neurons "
                            f"{c * spec.chunk}-{min(n, (c + 1) * spec.chunk) - 1} with dt = "
                            f"{step:g} ms: use a smaller dt, or check the parameters and input.")
                    if bar is not None:
                        bar.update(int(chunk_step.min()) - before)
    finally:
        if bar is not None:
            bar.close()
    spike_times, counts = collector.finish()
    rates = counts / (dur / 1000.0)
    t, stim_rec = _runner.recorded_axis(nsteps, record_every, step, trace)
    traces = {k: recs[k] for k in names if k != "v"}
    v_out = recs["v"] if "v" in names else None
    threshold = spec.threshold(p)
    th = float(threshold[0]) if np.all(threshold == threshold[0]) else float("nan")
    common = {"model": spec.model, "method": spec.method, "dt": step, "duration": dur,
              "params": params, "spike_threshold": th}
    if single:
        return SimulationResult(
            t=t, v=None if v_out is None else v_out[:, 0], spike_times=spike_times[0],
            spike_counts=int(counts[0]), firing_rates=float(rates[0]), stimulus=stim_rec,
            n_neurons=1, traces={k: a[:, 0] for k, a in traces.items()}, **common)
    if stim_rec is not None and stim_rec.ndim == 1:
        stim_rec = None
    return SimulationResult(t=t, v=v_out, spike_times=spike_times, spike_counts=counts,
                            firing_rates=rates, stimulus=stim_rec, n_neurons=n, traces=traces,
                            **common)


_SPECS = {"lif": _LIF(), "izhikevich": _Izhikevich(), "adex": _AdEx()}

_COMMON_DOC = """
    Arguments:
        stimulus: input current in nA{unit_note}: a number (constant), a
            :class:`~neurosim.stimulus.Stimulus` (including ``stimulus.poisson``), a 1-D array
            (one constant per neuron: a population) or a 2-D array of shape (steps, neurons).
            Brian2 quantities accepted.
        duration: simulated time (ms), a multiple of ``dt``.
        dt: time step (ms).
        params: parameters (default: the catalog's ``{catalog}``); any of them may be a 1-D
            array with one value per neuron (a heterogeneous population; with a single-neuron
            stimulus every neuron gets the same input).
        v0: starting voltage (mV), a number or one per neuron.
        record: names from {variables} (``"all"`` for all; ``"spikes"`` is always recorded);
            ``record=("spikes",)`` keeps memory O(spikes).
        record_every: keep every k-th step of the recorded traces.
        n_threads: threads for a population (default ``numba.get_num_threads()``).
        progress: show a progress bar (default: only for long runs).

    Returns:
        :class:`~neurosim.result.SimulationResult` with ``t`` (ms), ``v`` (mV), the recorded
        variables, ``spike_times``, ``spike_counts`` and ``firing_rates`` (Hz).

    Raises:
        TypeError, ValueError: a bad argument, named with what was expected.
        SimulationError: the run blew up (NaN or |V| > 1e4 mV).
"""


def simulate_lif(stimulus, duration, *, dt=0.1, params=None, v0=None, record=("v", "spikes"),
                 record_every=1, n_threads=None, progress=None) -> SimulationResult:
    r"""Leaky integrate-and-fire neurons, integrated exactly.

    .. math:: \tau_m \dot V = -(V - V_{rest}) + R_m I

    Between steps the input is constant, so V relaxes exactly towards V_rest + R_m I; a
    threshold crossing is timed exactly inside the step (t = tau_m ln((V_inf - V) /
    (V_inf - V_th))), V is then held at v_reset for t_ref and released mid-step if that is
    when the refractory period ends. The firing rate for constant input therefore equals the
    analytic rate (:func:`neurosim.analysis.lif_rate`) to rounding error at any dt.
    """
    return _simulate_point(_SPECS["lif"], stimulus, duration, dt, params, v0, record,
                           record_every, n_threads, progress)


def simulate_izhikevich(stimulus, duration, *, pattern="regular_spiking", dt=0.1, params=None,
                        v0=None, record=("v", "spikes"), record_every=1, n_threads=None,
                        progress=None) -> SimulationResult:
    r"""Izhikevich (2003) neurons: :math:`\dot v = 0.04 v^2 + 5 v + 140 - u + I`,
    :math:`\dot u = a (b v - u)`; at v >= 30 mV, v <- c and u <- u + d.

    ``pattern`` picks a named parameter set of the catalog (regular_spiking,
    intrinsically_bursting, chattering, fast_spiking, thalamo_cortical, resonator,
    low_threshold_spiking); ``params`` overrides it. Integrated by forward Euler as in the paper
    (default dt = 0.1 ms, finer than the paper's 0.5-1 ms). ``u`` can be recorded. Input ``I``
    is in the model's own units (mV/ms), as in the paper (about 10 for regular firing).
    """
    if params is None:
        from .catalog import list_patterns

        names = list_patterns("izhikevich_2003")
        as_choice(pattern, "simulate_izhikevich", "pattern", tuple(names))
        params = load_model("izhikevich_2003", pattern=pattern)
    return _simulate_point(_SPECS["izhikevich"], stimulus, duration, dt, params, v0, record,
                           record_every, n_threads, progress)


def simulate_adex(stimulus, duration, *, pattern="regular_spiking", dt=0.01, params=None,
                  v0=None, record=("v", "spikes"), record_every=1, n_threads=None,
                  progress=None) -> SimulationResult:
    r"""Adaptive exponential integrate-and-fire neurons (Brette & Gerstner 2005).

    .. math::
        C \dot V = -g_L (V - E_L) + g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I, \quad
        \tau_w \dot w = a (V - E_L) - w

    At V >= v_peak: V <- v_reset, w <- w + b. Classic RK4 (default dt = 0.01 ms); the step
    that reaches v_peak is redone in 32 sub-steps to time the spike. ``pattern`` is
    ``"regular_spiking"`` (Brette & Gerstner) or ``"bursting"`` (Naud et al. 2008); ``w``
    can be recorded (nA).
    """
    if params is None:
        as_choice(pattern, "simulate_adex", "pattern", ("regular_spiking", "bursting"))
        params = load_model("adex_brette_gerstner_2005", pattern=pattern)
    return _simulate_point(_SPECS["adex"], stimulus, duration, dt, params, v0, record,
                           record_every, n_threads, progress)


for _f, _spec in ((simulate_lif, "lif"), (simulate_izhikevich, "izhikevich"),
                  (simulate_adex, "adex")):
    _f.__doc__ += _COMMON_DOC.format(
        unit_note=" (the model's units for Izhikevich)" if _spec == "izhikevich" else "",
        catalog=_SPECS[_spec].catalog, variables=", ".join(_SPECS[_spec].variables))
