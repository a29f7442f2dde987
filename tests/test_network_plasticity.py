"""Plastic projections and Poisson source populations in the Numba network engine: weights
against the rule applied by hand to the same spike times, the Song experiment as a spec
against the dedicated Song kernel, Poisson sources against their rate."""

import numpy as np
import pytest

import neurosim
from neurosim import Dist, Network, PoissonSource, Population, Projection, SpikeSource
from neurosim.plasticity import apply_stdp, load_rule

U = {"v_rest": -65.0, "v_th": -50.0, "v_reset": -70.0, "tau_m": 20.0, "r_m": 10.0, "t_ref": 2.0}


def taught(rule, w0, delay=1.0):
    """One plastic synapse (weight w0 mV, at most 1 mV: too weak to make the neuron fire)
    from 60 irregular presynaptic spikes; the postsynaptic spikes are forced by a strong
    teacher input, so their times are known."""
    rng = np.random.default_rng(4)
    pre = np.unique(rng.uniform(1.0, 480.0, 60).round(1))
    teach = np.unique(rng.uniform(1.0, 480.0, 25).round(1))
    teach = teach[np.r_[True, np.diff(teach) > 3.0]]  # beyond t_ref apart
    net = Network(
        populations=(SpikeSource("pre", (pre,)), SpikeSource("teacher", (teach,)),
                     Population("post", "lif", 1, overrides=U)),
        projections=(Projection("pre", "post", weight=w0, connect="all_to_all", delay=delay,
                                plasticity=rule, w_max=1.0, name="plastic"),
                     Projection("teacher", "post", weight=30.0, connect="all_to_all",
                                delay=0.1)))
    return net, pre, teach


@pytest.mark.parametrize("rule", ["stdp_pair_song_2000", "stdp_pair_bi_poo_1998",
                                  "stdp_triplet_pfister_2006"])
def test_plastic_weight_follows_the_rule_applied_to_the_arrival_and_spike_times(rule):
    # the rule by hand (plasticity.apply_stdp, an event-by-event kernel of its own): the
    # presynaptic spike counts when it arrives (t + delay), a postsynaptic spike one step
    # after it (Brian2's order), so the rule sees post spikes at t_post + dt
    r = load_rule(rule)
    net, pre, teach = taught(rule, 0.5)
    res = net.run(500.0)
    post = res.spike_times["post"][0]
    np.testing.assert_allclose(post, teach + 0.1, atol=1e-9)  # only the teacher drives it
    expected = apply_stdp(pre + 1.0, post + net.dt, r, 0.5).final
    assert res.weights["plastic"][0] == pytest.approx(expected, abs=1e-12)
    assert abs(expected - 0.5) > 0.01  # the spikes did change the weight


def test_one_pair_changes_the_weight_by_the_window_value():
    # pre arrives at 11 ms, post at 20 ms (acting at 20.1): +a_plus w_max exp(-9.1 / 20)
    net = Network(
        populations=(SpikeSource("S", (np.array([10.0]),)),
                     SpikeSource("K", (np.array([19.9]),)),
                     Population("A", "lif", 1, overrides=U)),
        projections=(Projection("S", "A", weight=0.5, connect="all_to_all", delay=1.0,
                                plasticity="stdp_pair_song_2000", name="p"),
                     Projection("K", "A", weight=30.0, connect="all_to_all", delay=0.1)))
    res = net.run(40.0)
    assert res.spike_times["A"][0].tolist() == pytest.approx([20.0])
    assert res.weights["p"][0] == pytest.approx(0.5 + 0.005 * np.exp(-9.1 / 20.0), abs=1e-12)
    # post before pre: the arrival at 31 ms depresses by a_minus w_max exp(-(31 - 20.1) / 20)
    late = net.replace(populations=(SpikeSource("S", (np.array([30.0]),)),
                                    *net.populations[1:]))
    assert late.run(40.0).weights["p"][0] == pytest.approx(
        0.5 - 0.00525 * np.exp(-10.9 / 20.0), abs=1e-12)
    # the initial weights are left as drawn in the connectivity
    assert float(res.connectivity.weight[0][0]) == 0.5


def test_poisson_sources_fire_at_their_rate_at_most_once_a_step():
    net = Network(populations=(PoissonSource("P", 400, 50.0),
                               Population("A", "lif", 1, overrides=U)),
                  projections=(Projection("P", "A", weight=0.0, connect="all_to_all"),))
    res = net.run(1000.0, seed=2)
    n = res.spike_times["P"].flat.size
    expected = 400 * 1000.0 * (50.0 * 0.1 / 1000.0) / 0.1  # Bernoulli p = rate dt per step
    assert abs(n - expected) < 4 * np.sqrt(expected)
    for train in res.spike_times["P"]:
        assert np.all(np.diff(train) > 0.05)
    assert res.rate("P") == pytest.approx(50.0, rel=0.02)
    # another seed, other spikes
    assert net.run(1000.0, seed=3).spike_times["P"].flat.size != n


def test_song_spec_gives_the_weights_of_the_song_kernel():
    # the spec (models/networks/song_abbott_2000.toml) against plasticity.song_abbott_2000,
    # the experiment's dedicated kernel (forward Euler, its own Poisson inputs): after 60 s
    # of simulated time both have moved the same share of weights to the bounds
    net = neurosim.load_network("song_abbott_2000")
    res = net.run(60_000.0, seed=1)
    w = res.weights["stdp"] / net.w_max(net.projections[0])
    spec = np.mean((w < 0.1) | (w > 0.9))
    old = neurosim.plasticity.song_abbott_2000(60.0, seed=1).bimodal_fraction[-1]
    assert spec > 0.3  # uniform weights would give 0.2
    assert abs(spec - old) < 0.05
    rate = res.population_rates["neuron"][-20:].mean()  # the last 20 s
    assert 10.0 < rate < 40.0


def test_song_spec_has_the_values_of_the_song_neuron():
    # the two catalog files describe one experiment: they must agree
    p = neurosim.load_model("song_abbott_2000")
    net = neurosim.load_network("song_abbott_2000")
    neuron = net.population("neuron").overrides
    assert (neuron["tau_m"], neuron["v_rest"], neuron["v_th"], neuron["v_reset"]) == \
        (p.tau_m, p.e_l, p.v_th, p.v_reset)
    proj = net.projections[0]
    assert (proj.tau_syn, proj.e_rev) == (p.tau_e, p.e_e)
    assert net.population("inputs").rate == p.input_rate
    assert net.population("inputs").size == p.n_inputs
    # g_max in units of the leak conductance: w_max (nS) * R_m (MOhm) / 1000
    assert proj.w_max * neuron["r_m"] / 1000.0 == pytest.approx(p.g_max)


def test_plastic_result_saves_and_loads_its_weights(tmp_path):
    net, _, _ = taught("stdp_pair_song_2000", 0.5)
    res = net.run(200.0)
    back = neurosim.load_result(res.save(tmp_path / "r.npz"))
    np.testing.assert_array_equal(back.weights["plastic"], res.weights["plastic"])


@pytest.mark.parametrize("change, key", [
    ({"plasticity": "no_such_rule"}, "plastic.plasticity"),
    ({"plasticity": "lif_lecture"}, "plastic.plasticity"),
    ({"delay": Dist("uniform", low=0.5, high=1.0)}, "plastic.delay"),
    ({"w_max": -1.0}, "plastic.w_max"),
])
def test_bad_plastic_projections_name_the_key(change, key):
    net, _, _ = taught("stdp_pair_song_2000", 0.5)
    proj = net.projections[0]
    import dataclasses

    with pytest.raises(neurosim.InvalidInput, match=key.replace(".", r"\.")):
        net.replace(projections=(dataclasses.replace(proj, **change), net.projections[1]))


def test_initial_weights_outside_the_bounds_and_shared_names_are_refused():
    net, _, _ = taught("stdp_pair_song_2000", 1.5)
    with pytest.raises(neurosim.InvalidInput, match=r"plastic\.weight.*\[0, w_max = 1\]"):
        net.connectivity()
    net, _, _ = taught("stdp_pair_song_2000", 0.5)
    import dataclasses

    twin = dataclasses.replace(net.projections[1], name="plastic")
    with pytest.raises(neurosim.InvalidInput, match=r"plastic\.name"):
        net.replace(projections=(net.projections[0], twin))
    with pytest.raises(neurosim.InvalidInput, match=r"populations\.P\.rate"):
        Network(populations=(PoissonSource("P", 3, -1.0),)).validate()


def test_plastic_run_does_not_depend_on_threads():
    net = neurosim.load_network("song_abbott_2000", scale=0.3)
    a = net.run(2000.0, seed=5)
    b = net.run(2000.0, seed=5, n_threads=2)
    np.testing.assert_array_equal(a.weights["stdp"], b.weights["stdp"])
    np.testing.assert_array_equal(a.spike_times["neuron"].flat, b.spike_times["neuron"].flat)


def test_song_network_builds_the_catalog_spec_from_the_neuron_and_rule():
    from neurosim.plasticity import song_network

    spec = neurosim.load_network("song_abbott_2000")
    net = song_network()
    assert net.w_max(net.projections[0]) == pytest.approx(spec.w_max(spec.projections[0]))
    # a rule with another bound and a faster neuron: the spec follows them
    rule = neurosim.load_model("stdp_pair_song_2000").replace(w_max=0.5)
    p = neurosim.load_model("song_abbott_2000").replace(tau_m=5.0)
    net = song_network(p, rule=rule, n_inputs=10)
    assert net.w_max(net.projections[0]) == pytest.approx(0.05)
    assert net.population("neuron").overrides["tau_m"] == 5.0
    assert net.population("inputs").size == 10
    with pytest.raises(neurosim.InvalidInput, match="'neuron' parameter of song_network"):
        song_network("lif_lecture")
