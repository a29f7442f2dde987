"""The network spec and the Numba network engine against hand-computed answers."""

import dataclasses
import math

import numpy as np
import pytest

import neurosim
from neurosim import Dist, Network, PoissonInput, Population, Projection, SpikeSource

# a neuron measured from rest, as in Brunel (2000)
UNIT = {"v_rest": 0.0, "v_th": 20.0, "v_reset": 10.0, "tau_m": 20.0, "r_m": 1.0, "t_ref": 2.0}


def one_neuron(source_times, weight, delay=1.5, synapse="delta", tau_syn=5.0, **over):
    return Network(
        populations=(SpikeSource("S", (np.asarray(source_times, float),)),
                     Population("N", "lif", 1, overrides={**UNIT, **over}, v0=0.0)),
        projections=(Projection("S", "N", weight=weight, delay=delay, connect="all_to_all",
                                synapse=synapse, tau_syn=tau_syn),),
        record_v={"N": [0]})


def test_delta_psp_is_a_jump_after_the_delay_then_exact_decay():
    res = one_neuron([1.0], weight=5.0).run(20.0)
    t, v = res.t, res.v["N"][:, 0]
    # a trace holds V at t before the arrivals due at t (the left limit of a jump)
    expected = np.where(t > 2.5 + 1e-9, 5.0 * np.exp(-(t - 2.5) / 20.0), 0.0)
    np.testing.assert_allclose(v, expected, rtol=0, atol=1e-12)
    assert res.spike_times["N"].flat.size == 0


def test_a_suprathreshold_jump_fires_at_the_arrival_and_refractory_input_is_dropped():
    # arrivals at 2.5, 3.5 (refractory until 4.5: dropped) and 6.5 ms
    res = one_neuron([1.0, 2.0, 5.0], weight=25.0).run(10.0)
    np.testing.assert_allclose(res.spike_times["N"][0], [2.5, 6.5], atol=1e-12)


def test_constant_drive_fires_at_the_analytic_times_inside_the_step():
    net = one_neuron([], weight=1.0, i_ext=30.0)  # vinf = 30 mV above threshold 20
    res = net.run(100.0)
    period = 2.0 + 20.0 * math.log((30.0 - 10.0) / (30.0 - 20.0))
    first = 20.0 * math.log(30.0 / 10.0)  # from V = 0
    expected = first + period * np.arange(20)
    expected = expected[expected <= 100.0]
    np.testing.assert_allclose(res.spike_times["N"][0], expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("tau_syn", [5.0, 20.0])
def test_exponential_current_psp_matches_the_closed_form(tau_syn):
    res = one_neuron([1.0], weight=2.0, synapse="exp_current", tau_syn=tau_syn,
                     r_m=10.0).run(40.0)
    t, v = res.t, res.v["N"][:, 0]
    s = np.clip(t - 2.5, 0.0, None)
    tm = 20.0
    if tau_syn == tm:
        psp = 10.0 * 2.0 * (s / tm) * np.exp(-s / tm)
    else:
        psp = 10.0 * 2.0 * tau_syn / (tau_syn - tm) * (np.exp(-s / tau_syn) - np.exp(-s / tm))
    np.testing.assert_allclose(v, psp, rtol=0, atol=1e-12)


def test_fixed_indegree_draws_exactly_k_distinct_inputs_without_autapses():
    net = Network(populations=(Population("A", "lif", 300),),
                  projections=(Projection("A", "A", weight=0.1, connect="fixed_indegree",
                                          indegree=40),))
    conn = net.connectivity(seed=3)
    pre, post = conn.pre[0], conn.post[0]
    assert np.all(np.bincount(post, minlength=300) == 40)
    assert not np.any(pre == post)
    pairs = post.astype(np.int64) * 300 + pre
    assert np.unique(pairs).size == pairs.size
    again = net.connectivity(seed=3)
    np.testing.assert_array_equal(again.pre[0], pre)
    assert not np.array_equal(net.connectivity(seed=4).pre[0], pre)


def test_fixed_probability_count_is_binomial():
    n, p = 400, 0.05
    net = Network(populations=(Population("A", "lif", n), Population("B", "lif", n)),
                  projections=(Projection("A", "B", weight=0.1, p=p),))
    count = net.connectivity(seed=1).n_synapses
    mean, sd = n * n * p, math.sqrt(n * n * p * (1 - p))
    assert abs(count - mean) < 5 * sd


def test_poisson_counts_have_the_poisson_distribution():
    from scipy import stats

    from neurosim._kernels._network import poisson_counts

    for lam in (0.3, 2.0, 29.0, 75.0):  # by table (<= 30) and one by one (above)
        draws = poisson_counts(lam, 12345, 40000)
        se = math.sqrt(lam / draws.size)
        assert abs(draws.mean() - lam) < 5 * se
        assert abs(draws.var() / lam - 1.0) < 0.05
        # the whole distribution: chi-square over the bins with >= 20 expected
        k = np.arange(int(lam + 6 * math.sqrt(lam) + 6))
        expected = stats.poisson.pmf(k, lam) * draws.size
        keep = expected >= 20
        observed = np.bincount(draws, minlength=k.size)[:k.size]
        chi2 = float((((observed - expected) ** 2 / expected)[keep]).sum())
        assert chi2 < stats.chi2.ppf(0.9999, int(keep.sum()) - 1)
    # a different counter, different numbers
    assert not np.array_equal(poisson_counts(2.0, 1, 100), poisson_counts(2.0, 2, 100))


def test_poisson_drive_gives_campbells_mean_potential():
    # C inputs at rate r, jumps of w mV, no threshold in reach: <V> = C r w tau
    net = Network(populations=(Population("N", "lif", 200,
                                          overrides={**UNIT, "v_th": 1e6}, v0=0.0),),
                  inputs=(PoissonInput("N", rate=10.0, count=100, weight=0.2),),
                  record_v={"N": list(range(200))})
    res = net.run(500.0, seed=2)
    late = res.v["N"][res.t >= 100.0]
    assert abs(late.mean() - 100 * 10.0 * 0.2 * 20.0 / 1000.0) < 0.05


def test_same_seed_same_spikes_and_a_given_graph_is_reused():
    net = neurosim.load_network("brunel_2000", scale=0.05)
    a = net.run(100.0, seed=7)
    b = net.run(100.0, seed=7, connectivity=a.connectivity)
    np.testing.assert_array_equal(a.spike_times["E"].flat, b.spike_times["E"].flat)
    c = net.run(100.0, seed=8)
    assert not np.array_equal(a.spike_times["E"].flat, c.spike_times["E"].flat)


def test_small_brunel_network_fires_at_its_self_consistent_suprathreshold_rate():
    """At scale 0.1 (C_E = 100) the AI preset's mean input stays above threshold, so the rate
    solves nu = 1 / (tau_rp + tau ln((mu - V_r) / (mu - theta))) with
    mu = eta theta + C_E J tau nu (1 - gamma g) (mean field, fluctuations neglected)."""
    net = neurosim.load_network("brunel_2000", state="AI", scale=0.1)
    res = net.run(500.0, seed=1)
    nu = 50.0
    for _ in range(200):
        mu = 2.0 * 20.0 + 100 * 0.1 * 20.0 * nu / 1000.0 * (1 - 0.25 * 5.0)
        nu = 0.5 * nu + 0.5 * 1000.0 / (2.0 + 20.0 * math.log((mu - 10.0) / (mu - 20.0)))
    assert res.rate("E") == pytest.approx(nu, rel=0.05)
    assert res.rate("I") == pytest.approx(nu, rel=0.05)


def test_brunel_presets_and_sizes_come_from_the_file():
    net = neurosim.load_network("brunel_2000", state="SI_slow")
    assert net.name == "brunel_2000:SI_slow"
    assert [p.size for p in net.neurons] == [10000, 2500]
    assert [p.indegree for p in net.projections] == [1000, 1000, 250, 250]
    assert net.projections[2].weight == pytest.approx(-4.5 * 0.1)
    nu_thr = 20.0 / (0.1 * 1000 * 20.0) * 1000.0  # Hz
    assert net.inputs[0].rate == pytest.approx(0.9 * nu_thr)
    assert "brunel_2000" in neurosim.list_networks()


@pytest.mark.parametrize("change, key", [
    (dict(projections=(Projection("A", "X", weight=1.0),)), "projections.A->X.post"),
    (dict(projections=(Projection("A", "A", weight=1.0, p=1.5),)), "projections.A->A.p"),
    (dict(projections=(Projection("A", "A", weight=1.0, delay=-1.0),)),
     "projections.A->A.delay"),
    (dict(projections=(Projection("A", "A", weight=1.0, delay=0.25),)),
     "projections.A->A.delay"),
    (dict(projections=(Projection("A", "A", weight=1.0, synapse="alpha"),)),
     "projections.A->A.synapse"),
    (dict(inputs=(PoissonInput("A", rate=-1.0, count=10, weight=0.1),)), "inputs[0].rate"),
    (dict(populations=(Population("A", "lif", 0),)), "populations.A.size"),
    (dict(populations=(Population("A", "lif", 10, overrides={"tau": 1.0}),)),
     "populations.A.tau"),
])
def test_a_bad_spec_is_refused_naming_the_key(change, key):
    base = Network(populations=(Population("A", "lif", 10),), dt=0.1)
    with pytest.raises(neurosim.InvalidInput, match=key.replace(".", r"\.").replace(
            "[", r"\[").replace("]", r"\]")):
        base.replace(**change)


def test_distributions_are_drawn_per_neuron_from_the_seed():
    net = Network(populations=(Population("A", "lif", 1000,
                                          overrides={"tau_m": Dist("uniform", low=10.0,
                                                                   high=30.0)},
                                          v0=Dist("normal", mean=-65.0, std=2.0)),))
    conn = net.connectivity(seed=5)
    tau = conn.params["A"]["tau_m"]
    assert 10.0 <= tau.min() and tau.max() <= 30.0 and abs(tau.mean() - 20.0) < 1.0
    assert abs(conn.v0["A"].std() - 2.0) < 0.2


def test_fixed_indegree_draws_uniform_subsets():
    # every pre neuron is equally likely: counts over 2,000 rows of 30 from 50 are binomial
    net = Network(populations=(Population("A", "lif", 50), Population("B", "lif", 2000)),
                  projections=(Projection("A", "B", weight=0.1, connect="fixed_indegree",
                                          indegree=30),))
    pre = net.connectivity(seed=11).pre[0]
    counts = np.bincount(pre, minlength=50)
    expected = 2000 * 30 / 50
    chi2 = float(((counts - expected) ** 2 / expected).sum()) * (1 - 30 / 50) ** -1
    assert chi2 < 49 + 5 * math.sqrt(2 * 49)  # chi-square, 49 d.o.f., far tail


def conductance_neuron(dt):
    # R_m = 100 MOhm; a 20 nS excitatory conductance step at 2.5 ms decaying with 5 ms
    return Network(
        populations=(SpikeSource("S", (np.array([1.0]),)),
                     Population("N", "lif", 1, overrides={
                         "v_rest": -70.0, "v_th": 0.0, "v_reset": -70.0, "tau_m": 20.0,
                         "r_m": 100.0, "t_ref": 2.0}, v0=-70.0)),
        projections=(Projection("S", "N", weight=20.0, delay=1.5, connect="all_to_all",
                                synapse="exp_conductance", tau_syn=5.0, e_rev=0.0),),
        record_v={"N": [0]}, dt=dt)


def test_conductance_psp_converges_to_the_ode_solution():
    from scipy.integrate import solve_ivp

    def rhs(t, y):
        g = 20.0 * math.exp(-(t - 2.5) / 5.0) if t >= 2.5 else 0.0
        return [(-70.0 - y[0] + 100.0 * 1e-3 * g * (0.0 - y[0])) / 20.0]

    errors = []
    for dt in (0.1, 0.01):
        res = conductance_neuron(dt).run(30.0)
        t, v = res.t, res.v["N"][:, 0]
        ref = solve_ivp(rhs, (2.5, 30.0), [-70.0], t_eval=t[t >= 2.5], rtol=1e-11,
                        atol=1e-11, max_step=0.01).y[0]
        errors.append(np.abs(v[t >= 2.5] - ref).max())
    peak = conductance_neuron(0.01).run(30.0).v["N"].max()
    assert 10.0 < peak + 70.0 < 30.0  # a real, sizeable EPSP (about 2/3 of the way to 0 mV)
    assert errors[0] < 0.2 and errors[1] < errors[0] / 7  # first order in dt


def test_ports_are_shared_by_name_and_initial_conductances_apply():
    net = neurosim.load_network("vogels_abbott_coba", scale=0.25)
    ports = net.ports()
    assert list(ports) == ["ge", "gi"]
    assert ports["ge"][:3] == ("exp_conductance", 5.0, 0.0)
    assert ports["gi"][:3] == ("exp_conductance", 10.0, -80.0)
    conn = net.connectivity(seed=2)
    assert abs(conn.syn0["E"]["gi"].mean() - 200.0) < 15.0
    with pytest.raises(neurosim.InvalidInput, match=r"projections\.II\.port"):
        net.replace(projections=(*net.projections[:3], dataclasses.replace(
            net.projections[3], tau_syn=7.0)))
    with pytest.raises(neurosim.InvalidInput, match=r"populations\.E\.init\.gx"):
        net.replace(populations=(dataclasses.replace(net.populations[0], init={"gx": 1.0}),
                                 net.populations[1]))


def test_a_network_result_saves_and_loads_with_its_graph(tmp_path):
    net = neurosim.load_network("vogels_abbott_coba", scale=0.1).replace(
        record_v={"E": [0, 3]})
    res = net.run(50.0, seed=4)
    path = res.save(tmp_path / "coba.npz")
    back = neurosim.load_result(path)
    for pop in ("E", "I"):
        np.testing.assert_array_equal(back.spike_times[pop].flat, res.spike_times[pop].flat)
        np.testing.assert_array_equal(back.population_rates[pop], res.population_rates[pop])
    np.testing.assert_array_equal(back.v["E"], res.v["E"])
    assert back.provenance["call"] == res.provenance["call"] and back.name == res.name
    # the saved graph runs again to the same spikes; constant weights were stored once
    again = net.run(50.0, seed=4, connectivity=back.connectivity)
    np.testing.assert_array_equal(again.spike_times["E"].flat, res.spike_times["E"].flat)
    assert back.connectivity.weight[0].strides[0] == 0
    assert back.connectivity.syn0["E"]["gi"].size == net.population("E").size


def test_the_result_does_not_depend_on_the_number_of_threads():
    """Chunks of neurons and parts of the synapses go to threads; every sum keeps its order,
    so one, two and three threads give the same spikes, bit for bit (delta, current and
    conductance synapses, Poisson drive)."""
    for name, scale in (("brunel_2000", 0.2), ("vogels_abbott_coba", 1.0),
                        ("vogels_abbott_cuba", 1.0)):
        net = neurosim.load_network(name, scale=scale).replace(record_v={"E": [0, 5]})
        conn = net.connectivity(2)
        one = net.run(100.0, seed=2, connectivity=conn, n_threads=1)
        for k in (2, 3):
            many = net.run(100.0, seed=2, connectivity=conn, n_threads=k)
            for pop in one.spike_times:
                np.testing.assert_array_equal(many.spike_times[pop].flat,
                                              one.spike_times[pop].flat)
            np.testing.assert_array_equal(many.v["E"], one.v["E"])
        assert one.spike_times["E"].flat.size > 100
    with pytest.raises(neurosim.InvalidInput, match="n_threads"):
        net.run(10.0, n_threads=0)


def test_a_progress_bar_does_not_change_the_run():
    # the bar cuts the run into 100 kernel calls; the kernel resumes exactly
    net = neurosim.load_network("vogels_abbott_cuba", scale=0.25).replace(record_v={"E": [1]})
    conn = net.connectivity(5)
    plain = net.run(60.0, seed=5, connectivity=conn, progress=False)
    barred = net.run(60.0, seed=5, connectivity=conn, progress=True)
    np.testing.assert_array_equal(barred.spike_times["E"].flat, plain.spike_times["E"].flat)
    np.testing.assert_array_equal(barred.v["E"], plain.v["E"])
    assert plain.spike_times["E"].flat.size > 10
