"""The driver of the point-neuron kernels (LIF, Izhikevich, AdEx, and any model registered with
a kernel adapter): chunks of neurons on threads, spike buffers emptied as they fill."""

from __future__ import annotations

import numpy as np

from .._core import resources as _resources
from .._core.validation import SimulationError, param_error
from . import runner as _runner

# spike-buffer slots per chunk (12 bytes each): the chunks share SPIKE_BUFFER_SLOTS, up to this
# many each, and always hold four steps of every neuron firing; a chunk that could overflow in
# its next step stops, and resumes once the buffers are emptied
_MAX_SLOTS = 65536


def run_point(spec, stimulus, duration, *, func, call, spike_threshold=None, **options):
    """Run a point model: ``spec.kernel`` holds the kernel adapter (see
    :mod:`neurosim.registry`); ``options`` are those of :func:`neurosim.simulate`."""
    if spike_threshold is not None:
        raise param_error(func, "spike_threshold", f"None ({spec.label} spikes are defined by "
                          "its threshold and reset parameters)", spike_threshold)
    prep = _runner.prepare(spec, stimulus, duration, func=func, call=call, **options)
    kernel, n, p, step, nsteps = spec.kernel, prep.n, prep.p, prep.dt, prep.nsteps
    state = kernel.state(prep.init)
    n_chunks = (n + kernel.chunk - 1) // kernel.chunk
    max_events = kernel.max_events(p, prep.matrix, step) if kernel.max_events else 1
    cap = max(4 * min(n, kernel.chunk) * max_events,
              min(_MAX_SLOTS, _runner.SPIKE_BUFFER_SLOTS // n_chunks))
    # the buffers beside the recorded traces (prepare checked the traces alone)
    _resources.check(
        func, memory=12.0 * n_chunks * cap + 8.0 * prep.n_rec * n * len(prep.kernel_record),
        what=f"spike buffers for up to {max_events:,} spikes a neuron in one step of "
             f"{step:g} ms", fix="give the neurons a refractory period (t_ref > 0) or lower "
                                 "the drive")
    recs = {}
    for name in spec.state:
        recs[name] = np.empty((prep.n_rec if name in prep.kernel_record else 0, n))
        if name in prep.kernel_record:
            recs[name][0] = prep.init[name]
    bufs = (np.empty((n_chunks, cap), dtype=np.int32), np.empty((n_chunks, cap)),
            np.zeros(n_chunks, dtype=np.int64), np.full(n_chunks, -1, dtype=np.int64))
    chunk_step = np.zeros(n_chunks, dtype=np.int64)
    collector = _runner.SpikeCollector(n, _resources.SpikeBudget(
        func, _runner.SpikeCollector.BYTES_PER_SPIKE, n, step,
        allocated=sum(a.nbytes for a in (*recs.values(), *bufs))))
    bar = _runner.progress_bar(prep.progress, nsteps, func)
    # with a progress bar, a tick every ~5e7 neuron-steps; without, the threads run until their
    # spike buffers fill (each round ends with both threads waiting for the slower)
    seg = max(1, min(nsteps, int(5e7 // n))) if bar is not None else nsteps
    try:
        with _runner.ChunkRunner(n_chunks, prep.threads) as pool:
            target = 0
            while target < nsteps:
                target = min(nsteps, target + seg)
                while int(chunk_step.min()) < target:
                    before = int(chunk_step.min())
                    kernel.run(pool, state, prep.matrix, target, chunk_step, step, p,
                               prep.record_every, recs, bufs, max_events)
                    collector.add_pairs(bufs[0], bufs[1], bufs[2], int(chunk_step.max()))
                    if np.any(bufs[3] >= 0):
                        c = int(np.flatnonzero(bufs[3] >= 0)[0])
                        raise SimulationError(
                            f"{func} blew up by t = {bufs[3][c] * step:.4g} ms in neurons "
                            f"{c * kernel.chunk}-{min(n, (c + 1) * kernel.chunk) - 1} with "
                            f"dt = {step:g} ms: use a smaller dt, or check the parameters "
                            "and the input.")
                    if bar is not None:
                        bar.update(int(chunk_step.min()) - before)
    finally:
        if bar is not None:
            bar.close()
    trains, _ = collector.finish()
    return _runner.finish(prep, recs, trains, threshold=float("nan"))
