"""What the feed-forward and the recurrent builders share: surrogate gradients, the decay per
step of a discrete LIF, and the size check of a network before a tensor is made."""

from __future__ import annotations

import itertools
import math

from snntorch import surrogate

from .._core.resources import check
from .._core.validation import as_float, param_error

_SURROGATES = {"fast_sigmoid": lambda: surrogate.fast_sigmoid(slope=25),
               "atan": lambda: surrogate.atan(), "sigmoid": lambda: surrogate.sigmoid()}


def beta_from_tau(tau_m, dt) -> float:
    """The decay per step of a discrete LIF: beta = exp(-dt / tau_m) (both in ms)."""
    tau = as_float(tau_m, "beta_from_tau", "tau_m", "ms", low=0.0)
    step = as_float(dt, "beta_from_tau", "dt", "ms", low=0.0)
    return math.exp(-step / tau)


def tau_from_beta(beta, dt) -> float:
    """The membrane time constant (ms) of a decay per step: tau_m = -dt / ln(beta)."""
    b = as_float(beta, "tau_from_beta", "beta", low=0.0, high=1.0, high_open=True)
    step = as_float(dt, "tau_from_beta", "dt", "ms", low=0.0)
    return -step / math.log(b)


# bytes a weight costs in training: float32 value and gradient, and Adam's two moments
BYTES_PER_WEIGHT = 16.0


def _check_sizes(layer_sizes, func, recurrent: bool = False):
    """The layer sizes as a list; a network whose weights could not be trained in the memory
    free is refused before a tensor is made (``[64, 10**8, 10]`` raised torch's own error
    after allocating what it could)."""
    sizes = list(layer_sizes) if not isinstance(layer_sizes, (str, bytes)) else None
    if not sizes or len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise param_error(func, "layer_sizes", "a sequence of at least two positive ints "
                          "(input, hidden..., output)", layer_sizes, TypeError)
    weights = sum(a * b + b for a, b in itertools.pairwise(sizes))
    if recurrent:  # the hidden layer's recurrent weights and, for an LSTM, four gates' worth
        weights += 4 * sizes[1] * (sizes[1] + sizes[0])
    check(func, memory=BYTES_PER_WEIGHT * weights, what=f"layers {sizes}: about "
          f"{weights:,} weights with their gradients and Adam's moments",
          fix="use smaller layers")
    return sizes
