import numpy as np

from neurosim._kernels._vexp import vexp


def test_vexp_matches_numpy_to_2_ulp():
    x = np.concatenate([np.linspace(-708, 709, 200_001), np.linspace(-30, 30, 100_001),
                        [0.0, -0.0, 1e-300, -1e-300, 0.5 * np.log(2), -0.5 * np.log(2)]])
    out = np.empty_like(x)
    vexp(x, out, x.size, np.empty_like(x))
    rel = np.abs(out / np.exp(x) - 1.0)
    assert rel.max() < 4.5e-16


def test_vexp_clamps_out_of_range_to_finite():
    x = np.array([-1e4, 1e4])
    out = np.empty_like(x)
    vexp(x, out, 2, np.empty_like(x))
    assert out[0] < 1e-300 and np.isfinite(out[1])
