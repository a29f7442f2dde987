"""Hopfield networks: asynchronous updates to a fixed point (the capacity experiment's inner
loop). Plain arrays in; ``s`` (-1.0/+1.0) is updated in place."""

import numpy as np

from ._jit import jit

TIE = 1e-9  # an input this close to zero keeps the unit's state (neurosim.classic.TIE)


@jit
def settle_async(W, s, seed, max_sweeps):
    """Update units one at a time, in a fresh random order each sweep (drawn from ``seed``),
    each to the sign of its input (kept on a tie, |h| <= TIE), until a sweep changes nothing or
    ``max_sweeps`` pass. Returns the number of sweeps."""
    np.random.seed(seed)
    n = s.size
    for sweep in range(max_sweeps):
        order = np.random.permutation(n)
        changed = False
        for k in range(n):
            i = order[k]
            h = 0.0
            for j in range(n):
                h += W[i, j] * s[j]
            if h > TIE and s[i] < 0.0:
                s[i] = 1.0
                changed = True
            elif h < -TIE and s[i] > 0.0:
                s[i] = -1.0
                changed = True
        if not changed:
            return sweep + 1
    return max_sweeps
