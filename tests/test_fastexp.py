import numpy as np
from numba import njit

from neurosim._kernels._fastexp import fexp


@njit(fastmath={"contract"}, error_model="numpy")
def _fexp_array(x):
    out = np.empty_like(x)
    for j in range(x.size):
        out[j] = fexp(x[j])
    return out


def test_fexp_matches_numpy_to_2_ulp():
    x = np.concatenate([np.linspace(-708, 709, 200_001), np.linspace(-30, 30, 100_001),
                        [0.0, -0.0, 1e-300, -1e-300, 0.5 * np.log(2), -0.5 * np.log(2)]])
    rel = np.abs(_fexp_array(x) / np.exp(x) - 1.0)
    assert rel.max() < 4.5e-16
    # the plain-Python version (NUMBA_DISABLE_JIT) gives the same numbers
    sample = x[::997]
    assert np.abs(np.array([fexp(v) for v in sample]) / np.exp(sample) - 1.0).max() \
        < 4.5e-16


def test_fexp_clamps_out_of_range_to_finite():
    out = _fexp_array(np.array([-1e4, 1e4, np.nan]))
    assert out[0] < 1e-300 and np.isfinite(out[1]) and out[2] == out[1]
