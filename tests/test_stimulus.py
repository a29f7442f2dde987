import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurosim import stimulus

DT = 0.1


def test_constant_step_ramp_pulse_values():
    t = np.arange(100) * DT  # 0 .. 9.9 ms
    np.testing.assert_array_equal(stimulus.constant(2.5).values(t), np.full(100, 2.5))
    s = stimulus.step(3.0, 2.0, 5.0).values(t)
    assert s[19] == 0.0 and s[20] == 3.0 and s[49] == 3.0 and s[50] == 0.0
    r = stimulus.ramp(0.0, 10.0, 2.0, 7.0).values(t)
    assert r[19] == 0.0 and r[45] == pytest.approx(5.0) and r[70] == 0.0
    p = stimulus.pulse_train(1.0, 1.0, 3.0, start=1.0, n_pulses=2).values(t)
    on = np.flatnonzero(np.diff(p) > 0) + 1
    assert list(t[on]) == pytest.approx([1.0, 4.0])
    assert p.sum() == pytest.approx(20.0)  # 2 pulses x 10 samples


def test_from_array_holds_samples_and_refuses_overrun():
    s = stimulus.from_array([1.0, 2.0, 3.0], dt=1.0)
    np.testing.assert_array_equal(s.values(np.arange(6) * 0.5), [1, 1, 2, 2, 3, 3])
    with pytest.raises(ValueError, match="covers 0 to 3 ms"):
        s.values(np.arange(8) * 0.5)


def test_sum_adds_and_accepts_numbers():
    t = np.arange(50) * DT
    a = stimulus.step(1.0, 1.0, 3.0)
    total = a + 2.0 + stimulus.constant(0.5)
    np.testing.assert_allclose(total.values(t), a.values(t) + 2.5)
    np.testing.assert_allclose((2.0 + a).values(t), a.values(t) + 2.0)


def test_ou_noise_statistics_and_seed():
    noise = stimulus.ou_noise(1.0, 2.0, tau=5.0, seed=7)
    x = noise.sample(0.1, 400_000)
    assert x.mean() == pytest.approx(1.0, abs=0.15)
    assert x.std() == pytest.approx(2.0, rel=0.05)
    # exact OU autocorrelation at lag tau: exp(-1)
    lag = 50
    xc = x - x.mean()
    rho = np.dot(xc[:-lag], xc[lag:]) / np.dot(xc, xc)
    assert rho == pytest.approx(np.exp(-lag * 0.1 / 5.0), abs=0.03)
    np.testing.assert_array_equal(x, stimulus.ou_noise(1.0, 2.0, 5.0, seed=7).sample(0.1, 400_000))
    assert not np.array_equal(x[:100], stimulus.ou_noise(1.0, 2.0, 5.0, seed=8).sample(0.1, 100))


@pytest.mark.parametrize(("call", "name"), [
    (lambda: stimulus.step(1.0, 5.0, 2.0), "stop"),
    (lambda: stimulus.step(float("nan"), 0.0), "amplitude"),
    (lambda: stimulus.step(1.0, -1.0), "start"),
    (lambda: stimulus.pulse_train(1.0, 5.0, 2.0), "width"),
    (lambda: stimulus.pulse_train(1.0, 1.0, 2.0, n_pulses=0), "n_pulses"),
    (lambda: stimulus.ramp(0.0, 1.0, 3.0, 3.0), "stop"),
    (lambda: stimulus.ou_noise(0.0, -1.0, 5.0, seed=1), "sigma"),
    (lambda: stimulus.ou_noise(0.0, 1.0, 0.0, seed=1), "tau"),
    (lambda: stimulus.ou_noise(0.0, 1.0, 5.0, seed=None), "seed"),
    (lambda: stimulus.from_array([1.0, np.nan], 0.1), "values"),
    (lambda: stimulus.from_array([[1.0]], 0.1), "values"),
    (lambda: stimulus.constant("10"), "amplitude"),
])
def test_bad_stimulus_arguments(call, name):
    with pytest.raises((ValueError, TypeError), match=f"'{name}' parameter"):
        call()


@settings(max_examples=50, deadline=None)
@given(st.floats(-50, 50), st.floats(0, 20), st.floats(0.1, 20), st.floats(-5, 5))
def test_step_plus_constant_is_pointwise_sum(amp, start, width, offset):
    t = np.arange(500) * 0.1
    s = stimulus.step(amp, start, start + width)
    np.testing.assert_allclose((s + offset).values(t), s.values(t) + offset)
