"""Shared plumbing for the simulate drivers: argument checks, time grid, input matrix,
resource estimate, spike collection, threads, and the result."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .._core import resources as _resources
from .._core.validation import (
    as_bool,
    as_choice,
    as_finite_array,
    as_float,
    as_int,
    check_v0,
    got,
    param_error,
)
from ..result import SimulationResult, SpikeTrains, provenance
from ..stimulus import Stimulus

# Spike buffers hold at most this many float64 slots per segment (32 MiB).
SPIKE_BUFFER_SLOTS = 4_000_000


def time_grid(duration, dt, func: str, dt_max: float, dt_hint: str) -> tuple[float, float, int]:
    """Check ``duration`` and ``dt`` (ms) and return them with the number of steps."""
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    step = as_float(dt, func, "dt", "ms", low=0.0)
    if step > dt_max:
        raise param_error(func, "dt", f"a float in (0, {dt_max:.4g}] ms ({dt_hint})", dt)
    nsteps = round(dur / step)
    if nsteps < 1 or abs(nsteps * step - dur) > 1e-6 * max(dur, step):
        raise param_error(func, "duration", f"a positive multiple of dt = {step:g} ms",
                          duration)
    return dur, step, nsteps


def _stimulus_expected(unit: str) -> str:
    return (f"a number ({unit}), a Stimulus, a 1-D array (one constant per neuron) or a 2-D "
            "array (steps x neurons)")


def peek_stimulus(stimulus, nsteps: int, func: str, unit: str) -> tuple[int, int]:
    """(columns, rows) of the input matrix ``stimulus`` will make, read from its shape alone
    (nothing is copied), so a run can be refused before anything is allocated."""
    if isinstance(stimulus, Stimulus):
        return stimulus.n_neurons, nsteps
    if isinstance(stimulus, (str, bytes)) or stimulus is None or isinstance(stimulus, bool):
        raise param_error(func, "stimulus", _stimulus_expected(unit), stimulus, TypeError)
    shape = np.shape(stimulus)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1 and shape[0] >= 1:
        return shape[0], 1
    if len(shape) == 2 and shape[1] >= 1:
        if shape[0] != nsteps:
            raise param_error(func, "stimulus", f"a 2-D array with one row per step "
                              f"(duration / dt = {nsteps} rows)", got(f"shape {shape}"))
        return shape[1], nsteps
    raise param_error(func, "stimulus", "a non-empty 1-D array (one constant per neuron) or a "
                      "2-D array (steps x neurons)", got(f"an array of shape {shape}"))


def stimulus_matrix(stimulus, nsteps: int, dt: float, func: str, unit: str) -> np.ndarray:
    """Turn what the user gave into an (S, Ni) float64 array the kernels index: S is 1 (one
    constant) or ``nsteps``, Ni is 1 (shared by every neuron) or the number of neurons."""
    peek_stimulus(stimulus, nsteps, func, unit)
    if isinstance(stimulus, Stimulus):
        if stimulus.unit is not None and stimulus.unit != unit:
            raise param_error(func, "stimulus", f"an input in {unit}",
                              got(f"a stimulus in {stimulus.unit}"))
        if stimulus.n_neurons > 1:
            return np.ascontiguousarray(stimulus.sample_matrix(dt, nsteps), dtype=np.float64)
        values = stimulus.sample(dt, nsteps)
        if not np.all(np.isfinite(values)):
            raise param_error(func, "stimulus", "finite at every step (no NaN or inf)", stimulus)
        return values[:, None].copy()
    if isinstance(stimulus, numbers.Real) or np.ndim(stimulus) == 0:
        return np.array([[as_float(stimulus, func, "stimulus", unit)]])
    arr = as_finite_array(stimulus, func, "stimulus", unit)
    return arr[None, :].copy() if arr.ndim == 1 else np.ascontiguousarray(arr)


def check_record_every(value, nsteps: int, func: str) -> int:
    """``record_every``: an int in [1, nsteps]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or \
            not 1 <= value <= nsteps:
        raise param_error(func, "record_every", f"an int in [1, {nsteps}]", value)
    return int(value)


def record_names(record, func: str, recordable) -> list[str]:
    """The variables to record: names from ``recordable``, ``"all"``; ``"spikes"`` (always
    recorded) is accepted and dropped."""
    if isinstance(record, str):
        record = tuple(recordable) if record == "all" else (record,)
    if not isinstance(record, Sequence):
        raise param_error(func, "record", f"'all' or a sequence of names from "
                          f"{', '.join((*recordable, 'spikes'))}", record, TypeError)
    names = []
    for name in record:
        if name == "all":
            names.extend(v for v in recordable if v not in names)
        elif name != "spikes":
            as_choice(name, func, "record", (*recordable, "spikes", "all"))
            if name not in names:
                names.append(name)
    return names


def recorded_stimulus(matrix: np.ndarray, nsteps: int, record_every: int, n: int) -> np.ndarray:
    """The input at the recorded times, (n_rec, n); the end of the run gets the last step's."""
    n_rec = nsteps // record_every + 1
    if matrix.shape[0] == 1:
        rows = matrix
    else:
        rows = matrix[::record_every]
        if rows.shape[0] == n_rec - 1:
            rows = np.concatenate([rows, rows[-1:]], axis=0)
    return np.broadcast_to(rows, (n_rec, n))


@dataclass
class Prepared:
    """A checked run: everything a driver needs, in the kernels' units."""

    spec: object
    func: str
    params: object
    p: dict
    n: int
    matrix: np.ndarray
    duration: float
    dt: float
    nsteps: int
    record: list
    kernel_record: list
    record_every: int
    threads: int
    method: str
    temperature: float | None
    init: dict
    progress: bool
    call: str

    @property
    def n_rec(self) -> int:
        return self.nsteps // self.record_every + 1


def prepare(spec, stimulus, duration, *, func, call, dt=None, params=None, pattern=None,
            method=None, temperature=None, v0=None, record=("v", "spikes"), record_every=1,
            n_threads=None, progress=None, dt_max=None, dt_hint=None) -> Prepared:
    """Check every argument of a simulate call, refuse runs that cannot fit or finish, then
    build the input matrix and the initial state."""
    params = spec.resolve_params(params, pattern, func)
    method = spec.methods[0] if method is None else as_choice(method, func, "method",
                                                               spec.methods)
    temperature = spec.check_temperature(temperature, func)
    dur, step, nsteps = time_grid(duration, spec.dt if dt is None else dt, func,
                                  spec.dt_max if dt_max is None else dt_max,
                                  dt_hint or "the largest step this integrator is set up for")
    record_every = check_record_every(record_every, nsteps, func)
    names = record_names(record, func, spec.recordable)
    kernel_record = [q for q in spec.state if q in names or
                     any(d in names for d in spec.derived)]
    threads = thread_count(n_threads, func)
    n_cols, rows = peek_stimulus(stimulus, nsteps, func, spec.input_unit)
    n_params = params.n_values()
    n = max(n_cols, n_params)
    if n_params > 1 and n_cols > 1 and n_params != n_cols:
        raise param_error(func, "params", f"one value per neuron of the stimulus ({n_cols})",
                          got(f"arrays of length {n_params}"))
    n_rec = nsteps // record_every + 1
    traces = len(kernel_record) + len([d for d in names if d in spec.derived])
    memory = 8.0 * (n_rec * n * traces + rows * n_cols + 40 * n)
    if traces:
        memory += 8.0 * n_rec * n  # the recorded input
    # a chunk costs about as much as 32 neurons however few it holds, and threads share out
    # whole chunks of about 128 neurons
    seconds = max(n, 32) * nsteps / (spec.speed[method] * min(threads, max(1, n // 128)))
    _resources.check(
        func, memory=memory, seconds=seconds,
        what=f"{n:,} neurons x {nsteps:,} steps, {traces} recorded variable(s) at {n_rec:,} "
             "times",
        fix="record fewer variables (record=('spikes',)), record every k-th step "
            "(record_every=k), or run fewer neurons or a shorter duration")
    matrix = stimulus_matrix(stimulus, nsteps, step, func, spec.input_unit)
    p = params.per_neuron(n, func)
    if v0 is not None:
        v0 = as_finite_array(v0, func, "v0", "mV")
        if v0.ndim > 1 or (v0.ndim == 1 and v0.shape != (n,)):
            raise param_error(func, "v0", f"a number or an array of shape ({n},)", v0)
        check_v0(v0, func)
    init = spec.initial_state(p, n, v0, temperature)
    progress = as_bool(progress, func, "progress", none=True)
    if progress is None:
        progress = seconds > 20.0
    return Prepared(spec=spec, func=func, params=params, p=p, n=n, matrix=matrix, duration=dur,
                    dt=step, nsteps=nsteps, record=names, kernel_record=kernel_record,
                    record_every=record_every, threads=threads, method=method,
                    temperature=temperature, init=init, progress=bool(progress), call=call)


def finish(prep: Prepared, recs: dict, trains, threshold: float) -> SimulationResult:
    """Wrap what a driver recorded (state variables, (n_rec, n) each) into the result."""
    spec = prep.spec
    state = {q: recs[q] for q in prep.kernel_record}
    traces = dict(state)
    wanted_derived = [d for d in prep.record if d in spec.derived]
    if wanted_derived:
        derived = spec.derive(prep.p, state)
        traces.update({d: derived[d] for d in wanted_derived})
    traces = {q: traces[q] for q in prep.record}
    v = traces.pop("v", None)
    t = np.arange(prep.n_rec) * (prep.record_every * prep.dt)
    stim = (recorded_stimulus(prep.matrix, prep.nsteps, prep.record_every, prep.n)
            if prep.record else None)
    units = {"t": "ms", "v": "mV", "stimulus": spec.input_unit,
             **{q: spec.recordable[q] for q in traces}}
    return SimulationResult(
        t=t, v=v, spike_times=trains, stimulus=stim, model=spec.name, method=prep.method,
        dt=prep.dt, duration=prep.duration, params=prep.params, spike_threshold=threshold,
        traces=traces, units=units, provenance=provenance(prep.call))


def call_repr(func: str, args: dict, defaults: dict) -> str:
    """``func(name=value, ...)`` with the arguments that differ from their defaults."""
    parts = []
    for key, value in args.items():
        if key in defaults and _same(value, defaults[key]):
            continue
        parts.append(f"{key}={_short(value)}")
    return f"{func}({', '.join(parts)})"


def _same(a, b) -> bool:
    try:
        return bool(a is b or (type(a) is type(b) and a == b))
    except (ValueError, TypeError):
        return False


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def segment_steps(n_neurons: int, nsteps: int) -> int:
    """Steps per kernel call, so that spike buffers (steps/2 + 1 per neuron) stay bounded."""
    per_neuron = max(2, SPIKE_BUFFER_SLOTS // max(n_neurons, 1))
    return int(min(nsteps, max(2, 2 * (per_neuron - 1))))


class SpikeCollector:
    """Gathers (neuron, time) pairs batch by batch; memory O(spikes), 12 bytes a spike while
    collecting (int32 neuron, float64 time) and 8 bytes a spike in the result."""

    BYTES_PER_SPIKE = 20.0  # 12 while collecting, 8 in the result, both at the end

    def __init__(self, n_neurons: int, budget: _resources.SpikeBudget | None = None):
        self.n = n_neurons
        self.batches = []
        self.counts = np.zeros(n_neurons, dtype=np.int64)
        self.budget = budget

    def _append(self, ids: np.ndarray, times: np.ndarray) -> None:
        ids = ids.astype(np.int32, copy=False)
        self.counts += np.bincount(ids, minlength=self.n)
        self.batches.append((ids, times))

    def add(self, spk_t: np.ndarray, spk_n: np.ndarray, step: int = 0) -> None:
        """Take spikes from per-neuron buffers spk_t[j, :spk_n[j]], fired by step ``step``."""
        total = int(spk_n.sum())
        if total == 0:
            return
        if self.budget is not None:
            self.budget.take(total, step)
        mask = np.arange(spk_t.shape[1])[None, :] < spk_n[:, None]
        self._append(np.repeat(np.arange(self.n, dtype=np.int32), spk_n), spk_t[mask])

    def add_pairs(self, idx: np.ndarray, times: np.ndarray, counts: np.ndarray,
                  step: int = 0) -> None:
        """Take spikes from per-chunk buffers idx[c, :counts[c]], times[c, :counts[c]], fired
        by step ``step``."""
        from .._kernels._spikes import gather_pairs

        total = int(counts.sum())
        if total == 0:
            return
        if self.budget is not None:
            self.budget.take(total, step)
        ids, out = np.empty(total, dtype=np.int32), np.empty(total)
        gather_pairs(idx, times, counts, ids, out, self.counts)
        self.batches.append((ids, out))
        counts[:] = 0

    def finish(self):
        """(SpikeTrains grouped by neuron, spike counts per neuron); empties the collector."""
        from .._kernels._spikes import scatter_by_neuron

        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(self.counts, out=offsets[1:])
        out = np.empty(int(offsets[-1]))
        fill = offsets[:-1].copy()
        while self.batches:  # free each batch as soon as it is placed
            ids, times = self.batches.pop(0)
            scatter_by_neuron(out, fill, ids, times)
        return SpikeTrains(out, offsets), self.counts.copy()


def progress_bar(enabled: bool, total: int, desc: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="step", leave=False)


def thread_count(n_threads, func: str) -> int:
    if n_threads is None:
        import numba

        return int(numba.get_num_threads())
    return as_int(n_threads, func, "n_threads", low=1)


class ChunkRunner:
    """Runs a nogil kernel over chunk ranges on several threads.

    The kernels take ``(c0, c1, *args)`` and touch only the neurons of chunks c0..c1-1, so the
    ranges are independent and the result is the same for any number of threads. With several
    threads the chunks are cut into about ``TASKS_PER_THREAD`` ranges per thread, taken by
    whichever thread is free: a population whose firing neurons sit together (an input ramp)
    keeps both cores busy instead of leaving one waiting at the end of each call.
    """

    TASKS_PER_THREAD = 8

    def __init__(self, n_chunks: int, n_threads: int):
        self.n_threads = max(1, min(n_threads, n_chunks))
        n_tasks = min(n_chunks, self.TASKS_PER_THREAD * self.n_threads)
        bounds = np.linspace(0, n_chunks, n_tasks + 1).round().astype(int)
        self.ranges = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        self.pool = None

    def __enter__(self):
        if self.n_threads > 1:
            self.pool = ThreadPoolExecutor(self.n_threads, thread_name_prefix="neurosim")
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()

    def run(self, kernel, *args) -> None:
        if self.pool is None:
            kernel(0, self.ranges[-1][1], *args)
            return
        futures = [self.pool.submit(kernel, c0, c1, *args) for c0, c1 in self.ranges]
        for f in futures:
            f.result()
