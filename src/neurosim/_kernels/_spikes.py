"""Grouping (neuron, time) spike pairs by neuron."""


from ._jit import jit


@jit
def scatter_by_neuron(out, fill, ids, times):
    """Place ``times`` into ``out`` at the next free slot of each neuron (``fill`` advances);
    called once per batch, in batch order, it is a stable counting sort."""
    for i in range(ids.size):
        g = ids[i]
        out[fill[g]] = times[i]
        fill[g] += 1


@jit
def gather_pairs(idx, times, counts, out_idx, out_t, per_neuron):
    """Copy idx[c, :counts[c]] and times[c, :counts[c]], chunk by chunk, into out_idx and out_t
    (each counts.sum() long), and count each neuron's spikes into ``per_neuron``."""
    k = 0
    for c in range(counts.size):
        for i in range(counts[c]):
            g = idx[c, i]
            out_idx[k] = g
            out_t[k] = times[c, i]
            per_neuron[g] += 1
            k += 1
