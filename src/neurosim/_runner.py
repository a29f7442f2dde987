"""Shared plumbing for the simulate functions: time grid, stimulus shapes, segments, spikes."""

from __future__ import annotations

import numbers
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._validation import as_finite_array, as_float, as_int, got, param_error
from .stimulus import Stimulus

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


def stimulus_matrix(stimulus, nsteps: int, dt: float, func: str, unit: str):
    """Turn what the user gave into an (S, Ni) float64 array the kernels index.

    Returns (matrix, n_neurons, single, trace) where ``single`` says the result is one neuron
    and ``trace`` is the current per step (None when it is one constant per neuron).
    """
    if isinstance(stimulus, Stimulus):
        if stimulus.unit is not None and stimulus.unit != unit:
            raise param_error(func, "stimulus", f"a current in {unit}",
                              got(f"a stimulus in {stimulus.unit}"))
        if stimulus.n_neurons > 1:
            matrix = np.ascontiguousarray(stimulus.sample_matrix(dt, nsteps), dtype=np.float64)
            return matrix, stimulus.n_neurons, False, matrix
        values = stimulus.sample(dt, nsteps)
        if not np.all(np.isfinite(values)):
            raise param_error(func, "stimulus", "finite at every step (no NaN or inf)", stimulus)
        return values[:, None].copy(), 1, True, values
    if isinstance(stimulus, numbers.Real) or (hasattr(stimulus, "dim") and np.ndim(stimulus) == 0):
        value = as_float(stimulus, func, "stimulus", unit)
        return np.array([[value]]), 1, True, np.full(nsteps, value)
    if isinstance(stimulus, (str, bytes)) or stimulus is None:
        raise param_error(func, "stimulus", f"a number ({unit}), a Stimulus, a 1-D array (one "
                          "constant per neuron) or a 2-D array (steps x neurons)", stimulus,
                          TypeError)
    arr = as_finite_array(stimulus, func, "stimulus", unit)
    if arr.ndim == 1 and arr.size >= 1:
        return arr[None, :].copy(), arr.size, False, None
    if arr.ndim == 2 and arr.shape[1] >= 1:
        if arr.shape[0] != nsteps:
            raise param_error(func, "stimulus", f"a 2-D array with one row per step "
                              f"(duration / dt = {nsteps} rows)", arr)
        return np.ascontiguousarray(arr), arr.shape[1], False, arr
    raise param_error(func, "stimulus", "a non-empty 1-D array (one constant per neuron) or a "
                      "2-D array (steps x neurons)", arr)


def check_record_every(value, nsteps: int, func: str) -> int:
    """``record_every``: an int in [1, nsteps]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or \
            not 1 <= value <= nsteps:
        raise param_error(func, "record_every", f"an int in [1, {nsteps}]", value)
    return int(value)


def recorded_axis(nsteps: int, record_every: int, step: float, trace):
    """The recorded times (ms) and the input at those times.

    ``trace`` holds one value per step (or is None); the last recorded time, the end of the
    run, gets the last step's value."""
    n_rec = nsteps // record_every + 1
    t = np.arange(n_rec) * (record_every * step)
    stim = None if trace is None else trace[::record_every]
    if stim is not None and stim.shape[0] == n_rec - 1:
        stim = np.concatenate([stim, stim[-1:]], axis=0)
    return t, stim


def segment_steps(n_neurons: int, nsteps: int) -> int:
    """Steps per kernel call, so that spike buffers (steps/2 + 1 per neuron) stay bounded."""
    per_neuron = max(2, SPIKE_BUFFER_SLOTS // max(n_neurons, 1))
    return int(min(nsteps, max(2, 2 * (per_neuron - 1))))


class SpikeCollector:
    """Gathers (neuron, time) pairs batch by batch; memory O(spikes), 12 bytes a spike while
    collecting (int32 neuron, float64 time) and 8 bytes a spike in the result."""

    def __init__(self, n_neurons: int):
        self.n = n_neurons
        self.batches = []
        self.counts = np.zeros(n_neurons, dtype=np.int64)

    def _append(self, ids: np.ndarray, times: np.ndarray) -> None:
        ids = ids.astype(np.int32, copy=False)
        self.counts += np.bincount(ids, minlength=self.n)
        self.batches.append((ids, times))

    def add(self, spk_t: np.ndarray, spk_n: np.ndarray) -> None:
        """Take spikes from per-neuron buffers spk_t[j, :spk_n[j]]."""
        if int(spk_n.sum()) == 0:
            return
        mask = np.arange(spk_t.shape[1])[None, :] < spk_n[:, None]
        self._append(np.repeat(np.arange(self.n, dtype=np.int32), spk_n), spk_t[mask])

    def add_pairs(self, idx: np.ndarray, times: np.ndarray, counts: np.ndarray) -> None:
        """Take spikes from per-chunk buffers idx[c, :counts[c]], times[c, :counts[c]]."""
        if int(counts.sum()) == 0:
            return
        mask = np.arange(idx.shape[1])[None, :] < counts[:, None]
        self._append(idx[mask], times[mask])
        counts[:] = 0

    def finish(self):
        """(SpikeTrains grouped by neuron, spike counts per neuron); empties the collector."""
        from ._kernels._spikes import scatter_by_neuron
        from .result import SpikeTrains

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
    """Runs a nogil kernel over chunk ranges on several threads (one range per thread).

    The kernels take ``(c0, c1, *args)`` and touch only the neurons of chunks c0..c1-1, so the
    ranges are independent and the result is the same for any number of threads.
    """

    def __init__(self, n_chunks: int, n_threads: int):
        self.n_threads = max(1, min(n_threads, n_chunks))
        bounds = np.linspace(0, n_chunks, self.n_threads + 1).round().astype(int)
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
