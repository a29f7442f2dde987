"""Grouping (neuron, time) spike pairs by neuron."""

import numpy as np

from ._jit import jit


@jit
def group_by_neuron(ids, times, n):
    """Stable counting sort of spike times by neuron id.

    Returns (times grouped by neuron, in their original order within a neuron; offsets of
    length n + 1 so that neuron i's spikes are out[offsets[i]:offsets[i + 1]]).
    """
    offsets = np.zeros(n + 1, dtype=np.int64)
    for i in range(ids.size):
        offsets[ids[i] + 1] += 1
    for i in range(n):
        offsets[i + 1] += offsets[i]
    fill = offsets[:-1].copy()
    out = np.empty(times.size)
    for i in range(ids.size):
        g = ids[i]
        out[fill[g]] = times[i]
        fill[g] += 1
    return out, offsets
