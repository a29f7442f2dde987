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
