"""Simulation-based inference (neurosim.inference): the features computed as the trace is made
against numpy and scipy on the recorded trace, the noise against the exact variance of the
discretised Ornstein-Uhlenbeck process, seeding, a small NPE fit, calibration arithmetic, the
saved report, and bad input."""

import math

import numpy as np
import pytest
from scipy import stats

import neurosim
from neurosim import inference

THETA = np.array([[50.0, 5.0], [20.0, 15.0], [0.5, 15.0], [80.0, 1e-4]])


@pytest.fixture(scope="module")
def sim():
    return inference.HHSimulator()


@pytest.fixture(scope="module")
def runs(sim):
    return sim.features(THETA, seed=3), sim.traces(THETA, seed=3)


def test_features_made_online_equal_those_of_the_recorded_trace(sim, runs):
    x, traces = runs
    np.testing.assert_array_equal(sim.trace_features(traces), x)
    assert x[2, 0] == 0  # (0.5, 15) is silent: its shape features are the stand-ins
    assert x[2, 8] == 0.0 and x[2, 10] == sim.t_off - sim.t_on


def test_features_against_numpy_and_scipy(sim, runs):
    x, traces = runs
    t = sim.t
    for k, v in enumerate(traces):
        on, off = sim.k_on, sim.k_off
        window = v[on:off]
        up = np.flatnonzero((v[on:off - 1] < -10.0) & (v[on + 1:off] >= -10.0)) + on
        assert x[k, 0] == up.size
        assert x[k, 1] == pytest.approx(v[:on].mean(), rel=1e-12)
        assert x[k, 2] == pytest.approx(v[sim.k_rest:on].std(), rel=1e-9)
        assert x[k, 3] == pytest.approx(window.mean(), rel=1e-12)
        assert x[k, 4] == pytest.approx(window.std(), rel=1e-9)
        assert x[k, 5] == pytest.approx(stats.skew(window), rel=1e-8)
        assert x[k, 6] == pytest.approx(stats.kurtosis(window, fisher=False), rel=1e-8)
        if up.size >= 2:
            crossings = t[up] + (-10.0 - v[up]) / (v[up + 1] - v[up]) * sim.dt
            isi = np.diff(crossings)
            assert x[k, 10] == pytest.approx(crossings[0] - sim.t_on, abs=1e-9)
            assert x[k, 11] == pytest.approx(isi.mean(), rel=1e-9)
            assert x[k, 12] == pytest.approx(isi.std() / isi.mean(), rel=1e-6)
            ends = [*up[1:], off]
            peaks = [v[a:b].max() for a, b in zip(up, ends, strict=True)]
            assert x[k, 7] == pytest.approx(np.mean(peaks), rel=1e-12)


def test_the_tutorials_trace_spikes_like_sbis(runs):
    x, _ = runs
    # sbi's tutorial shows 5 spikes for (50, 5), a resting potential near -70 mV, spikes
    # reaching about +50 mV (E_Na = 53 mV) and an after-hyperpolarisation below the rest
    assert x[0, 0] == 5
    assert -70.6 < x[0, 1] < -70.0
    assert 45.0 < x[0, 7] < 53.0
    assert x[0, 9] < x[0, 1]


def test_noise_has_the_exact_variance_of_the_discretised_ou_process():
    # a passive membrane (no Na, K or M conductance), no step: V is an AR(1) process with
    # a = exp(-dt g/C) and b = sigma / sqrt(dt) (1 - a) / g, variance b^2 / (1 - a^2)
    params = neurosim.load_model("pospischil_rs_2008", pattern="goncalves_2020").replace(
        g_m=0.0)
    sim = inference.HHSimulator(("g_na", "g_kd"), params, amplitude=0.0, duration=1000.0,
                                t_on=100.0, t_off=1000.0, noise=0.5)
    x = sim.features(np.zeros((200, 2)), seed=0)
    g, dt = params.g_l, sim.dt
    a = math.exp(-dt * g / params.c_m)
    b = sim.noise / math.sqrt(dt) * (1 - a) / g
    var = b * b / (1 - a * a)
    tau, window = params.c_m / g, sim.t_off - sim.t_on
    expected = var * (1 - 2 * tau / window)  # the window's sample variance, to first order
    assert np.mean(x[:, 4] ** 2) == pytest.approx(expected, rel=0.03)
    # the window mean of an OU process varies by var 2 tau / window: four s.d. of the mean of
    # 200 of them
    assert np.mean(x[:, 3]) == pytest.approx(params.e_l,
                                             abs=4 * math.sqrt(var * 2 * tau / window / 200))


def test_a_simulation_depends_on_its_seed_and_index_only(sim):
    both = sim.features(THETA[:2], seed=7)
    alone = sim.features(THETA[1:2], seed=7)
    assert not np.array_equal(both[1], alone[0])  # index 1 against index 0: other noise
    first = sim.features(THETA[:1], seed=7)
    np.testing.assert_array_equal(both[0], first[0])
    assert not np.array_equal(sim.features(THETA[:1], seed=8), first)


def test_calibration_counts_the_truth_inside_each_interval():
    ranks = np.array([[0], [250], [500], [900], [999]])
    cal = inference.Calibration(["g_na"], np.ones((5, 1)), np.ones((5, 1)), ranks, 1000)
    # quantiles 0, 0.25, 0.5, 0.9, 0.999: inside the central 90 % are 0.25, 0.5 and 0.9
    assert cal.inside[:, 0].tolist() == [False, True, True, True, False]
    np.testing.assert_allclose(cal.coverage([0.1, 0.5, 0.9])[:, 0], [0.2, 0.4, 0.6])


def test_prior_draws_lie_in_the_box_and_are_seeded():
    draws = inference.TUTORIAL_PRIOR.sample(1000, seed=4)
    assert draws.shape == (1000, 2)
    assert np.all(draws >= inference.TUTORIAL_PRIOR.low)
    assert np.all(draws <= inference.TUTORIAL_PRIOR.high)
    np.testing.assert_array_equal(draws, inference.TUTORIAL_PRIOR.sample(1000, seed=4))


@pytest.mark.parametrize(("call", "match"), [
    (lambda s: inference.fit(s.traces([[0.5, 15.0]])[0], n_simulations=100),
     "'observation' parameter of fit must be a trace with at least one spike"),
    (lambda s: inference.fit(np.full(s.n_samples, np.nan)),
     "'observation' parameter of fit must be finite everywhere"),
    (lambda s: inference.fit(np.zeros(100)),
     "'observation' parameter of fit must be a trace of 12001 samples"),
    (lambda s: inference.Prior({"g_na": (80.0, 0.5)}),
     r"'bounds\['g_na'\]' parameter of Prior must be low < high"),
    (lambda s: inference.Prior({"g_x": (0.0, 1.0)}), "'bounds' parameter of Prior must be"),
    (lambda s: s.features([[-1.0, 5.0]]), "'theta' parameter of HHSimulator.features must be "
     "g_na >= 0"),
    (lambda s: s.features(np.ones((3, 3))), "must be an \\(n, 2\\) array"),
    (lambda s: inference.fit(s.traces([[50.0, 5.0]])[0], simulator=s,
                             prior=inference.Prior({"g_kd": (1.0, 9.0)})),
     "'prior' parameter of fit must be bounds for the simulator's free parameters"),
    (lambda s: inference.HHSimulator(("g_na", "g_na")), "'free' parameter of HHSimulator"),
    # the model's own limit, from the registry, as simulate holds it to it
    (lambda s: inference.HHSimulator(dt=0.2), r"'dt' parameter of HHSimulator must be a float "
     r"in \(0, 0.1\]"),
])
def test_bad_input_is_named(sim, call, match):
    with pytest.raises(neurosim.InvalidInput, match=match):
        call(sim)


def test_a_simulation_that_blows_up_raises():
    sim = inference.HHSimulator(("noise",))
    with pytest.raises(neurosim.SimulationError, match=r"simulation 1 \(noise = 1e\+07\) blew up"
                       r" at t = .* ms \(NaN or \|V\| >= 1000 mV\)"):
        sim.features([[0.1], [1e7]])


def test_shipped_report_loads_with_its_provenance():
    rep = inference.load_inference_report()
    assert rep.names == ["g_na", "g_kd"]
    assert rep.provenance["command"] == ("python tutorials/11_inferring_hh_parameters.py "
                                         "--save")
    assert rep.provenance["fit"]["n_simulations"] == 10_000
    # the example's posterior holds the truth
    lo, hi = np.percentile(rep.samples, [5, 95], axis=0)
    assert np.all((lo < rep.truth) & (rep.truth < hi))
    assert rep.trace.size == rep.t.size == 12001


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "report.json"
    path.write_text('{"format": "something-else"}')
    with pytest.raises(neurosim.InvalidInput, match="neurosim-hh-inference-1"):
        inference.load_inference_report(path)


@pytest.mark.torch
@pytest.mark.slow
def test_a_small_fit_moves_towards_the_truth_and_round_trips(sim, tmp_path, monkeypatch):
    pytest.importorskip("sbi", reason="fit needs the 'inference' extra")
    monkeypatch.chdir(tmp_path)  # fit must write nothing (sbi's default tracker would log here)
    trace = sim.traces([[50.0, 5.0]], seed=1)[0]
    post = inference.fit(trace, n_simulations=1000, seed=0, max_epochs=60)
    draws = post.sample(500, seed=0)
    assert draws.shape == (500, 2)
    prior = inference.TUTORIAL_PRIOR
    assert np.all((draws >= prior.low) & (draws <= prior.high))
    truth = np.array([50.0, 5.0])
    prior_mean = (prior.low + prior.high) / 2
    # the posterior mean is nearer the truth than the prior's, for both conductances
    assert np.all(np.abs(draws.mean(axis=0) - truth) < 0.5 * np.abs(prior_mean - truth))
    np.testing.assert_array_equal(draws, post.sample(500, seed=0))
    other = post.sample(200, seed=0, observation=sim.traces([[20.0, 10.0]], seed=2)[0])
    assert other.mean(axis=0)[0] < 35.0
    cal = inference.calibrate(post, n_tests=5, n_samples=200, seed=1)
    path = inference.save_inference_report(
        tmp_path / "r.json", post, cal, truth=truth, trace=trace, samples=draws,
        predictive=post.predictive(2, seed=0), command="test")
    rep = inference.load_inference_report(path)
    np.testing.assert_allclose(rep.samples, draws, atol=1e-5)
    np.testing.assert_array_equal(rep.calibration.ranks, cal.ranks)
    assert rep.provenance["fit"]["epochs"] == post.info["epochs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_traces_that_would_not_fit_are_refused_before_anything_runs(sim):
    theta = np.tile([50.0, 5.0], (1_000_000, 1))  # 12,001 samples each: about 96 GB
    with pytest.raises(neurosim.ResourceError, match=r"each trace of 12,001 samples kept.*"
                       "Nothing was allocated"):
        sim.traces(theta)
