"""Network statistics against processes whose answers are known, and the Brunel network
against its mean-field rate."""

import math

import numpy as np
import pytest

import neurosim
from neurosim import analysis
from neurosim.result import SpikeTrains


def poisson_trains(rate_hz, duration, n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        k = rng.poisson(rate_hz * duration / 1000.0)
        out.append(np.sort(rng.uniform(0.0, duration, k)))
    return out


def test_cv_isi_by_hand_and_for_clocks_and_poisson():
    trains = [np.array([]), np.array([1.0, 2.0, 4.0, 7.0]), np.array([5.0]),
              np.arange(0.0, 100.0, 10.0), np.array([]), np.array([])]  # silent ones too
    cv = analysis.cv_isi(trains)
    isi = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cv, [isi.std() / isi.mean(), 0.0], atol=1e-12)
    poisson = analysis.cv_isi(poisson_trains(20.0, 100_000.0, 20))
    assert abs(poisson.mean() - 1.0) < 0.03


def test_fano_factor_of_poisson_is_one_and_of_a_clock_zero():
    assert analysis.fano_factor(poisson_trains(20.0, 100_000.0, 20), 100_000.0,
                                window=100.0) == pytest.approx(1.0, abs=0.05)
    clock = [np.arange(0.5, 10_000.0, 10.0)] * 3
    assert analysis.fano_factor(clock, 10_000.0, window=100.0) == pytest.approx(0.0, abs=1e-12)


def test_synchrony_is_one_for_identical_and_one_over_root_n_for_independent_signals():
    rng = np.random.default_rng(1)
    common = rng.normal(size=(5000, 1))
    assert analysis.synchrony(np.repeat(common, 50, axis=1)) == pytest.approx(1.0)
    chi = analysis.synchrony(rng.normal(size=(20000, 100)))
    assert chi == pytest.approx(1 / math.sqrt(100), rel=0.1)


def test_rate_spectrum_peaks_at_the_oscillation():
    t = np.arange(0, 4000.0, 0.5)
    rate = 20 + 10 * np.sin(2 * np.pi * 0.04 * t)  # 40 Hz
    f, power = analysis.rate_spectrum(rate, 0.5)
    assert f[np.argmax(power)] == pytest.approx(40.0, abs=2.0)


def test_siegert_rate_tends_to_the_noiseless_lif_rate():
    mu = 25.0  # above threshold 20: deterministic rate 1 / (t_ref + tau ln((mu-Vr)/(mu-th)))
    exact = 1000.0 / (2.0 + 20.0 * math.log((mu - 10.0) / (mu - 20.0)))
    assert analysis.siegert_rate(mu, 0.05) == pytest.approx(exact, rel=1e-3)
    # below threshold, noise makes it fire; more noise, more spikes
    assert 0 < analysis.siegert_rate(15.0, 2.0) < analysis.siegert_rate(15.0, 4.0)


def test_binned_counts_by_hand():
    counts = analysis.binned_counts(SpikeTrains.from_pairs([0, 0, 1, 1], [0.5, 1.5, 1.0, 9.9],
                                                           2), 10.0, 2.0)
    np.testing.assert_array_equal(counts[:, 0], [2, 0, 0, 0, 0])
    np.testing.assert_array_equal(counts[:, 1], [1, 0, 0, 0, 1])


@pytest.mark.slow
def test_brunel_ai_state_fires_at_the_mean_field_rate_irregularly():
    """The full network (12,500 neurons, C_E = 1,000) in the AI state against the
    self-consistent Siegert rate of Brunel (2000), equations 4, 5 and 21."""
    net = neurosim.load_network("brunel_2000", state="AI")
    res = net.run(1000.0, seed=3)
    expected = analysis.brunel_rate(5.0, 2.0)
    assert 30.0 < expected < 45.0
    late = analysis.binned_counts(res.spike_times["E"], 1000.0, 1000.0 - 200.0,
                                  start=200.0).sum() / (10000 * 0.8)
    assert late == pytest.approx(expected, rel=0.05)
    cv = analysis.cv_isi(res.spike_times["E"])
    assert 0.3 < cv.mean() < 1.0  # irregular, mean-driven near threshold (a clock: 0)
    counts = analysis.binned_counts(res.spike_times["E"][:500], 1000.0, 1.0, start=200.0)
    assert analysis.synchrony(counts) < 0.3  # asynchronous


def test_the_shipped_phase_diagram_agrees_with_the_mean_field_where_it_is_asynchronous():
    """artefacts/brunel_phase (56 runs of the full network by neurosim.sweep): in the
    asynchronous region the simulated rate is Brunel's self-consistent rate; weak inhibition
    synchronises; too little drive leaves the network silent."""
    from neurosim.phase import load_brunel_phase

    phase = load_brunel_phase()
    assert phase.provenance["regenerate"].startswith("neurosim sweep brunel-phase")
    for i, eta in enumerate(phase.eta):
        for j, g in enumerate(phase.g):
            if g >= 5.0 and 1.2 <= eta <= 3.0:
                assert phase.rate[i, j] == pytest.approx(analysis.brunel_rate(g, eta),
                                                         rel=0.1), (g, eta)
    ai = phase.sync[list(phase.eta).index(2.0), list(phase.g).index(5.0)]
    sr = phase.sync[list(phase.eta).index(2.0), list(phase.g).index(3.0)]
    assert sr > 3 * ai
    assert np.all(phase.rate[list(phase.eta).index(0.6)] == 0.0)
