"""Counter-based random numbers for the kernels: splitmix64's finaliser hashes a 64-bit key
(seed, index, step, ...) into a uniform double, so a draw depends on its key alone and not on
how the work was split between threads or batches (Steele, Lea & Flood 2014)."""

import numpy as np

from ._jit import jit_inline

M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # splitmix64's increment


@jit_inline
def mix(z):
    """splitmix64's finaliser: a 64-bit hash."""
    z = (z ^ (z >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


@jit_inline
def key_uniform(key):
    """A uniform double in (0, 1) from a 64-bit key."""
    return (float(mix(key) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)
