"""Izhikevich, AdEx and Hodgkin-Huxley populations in networks, and time-varying currents:
the network engine's neurons against the point simulators and analytic times, the synapse
kinds they take, and the checks."""

import dataclasses

import numpy as np
import pytest

import neurosim
from neurosim import Dist, Network, Population, Projection, SpikeSource


def test_izhikevich_population_follows_the_point_simulator_step_for_step():
    # the same scheme (two half steps in v, then u): the same trajectory; the point simulator
    # times a spike inside the step, the network at the step's end
    cur = np.array([4.0, 10.0, 20.0])
    net = Network(populations=(Population("A", "izhikevich", 3, overrides={"i_ext": cur}),),
                  record_v={"A": [0, 1, 2]})
    res = net.run(300.0)
    ref = neurosim.simulate("izhikevich", cur, 300.0, dt=0.1)
    for k in range(3):
        got, want = res.spike_times["A"][k], ref.spike_times[k]
        assert got.size == want.size > 2
        assert np.all((got - want >= 0) & (got - want <= 0.1 + 1e-9))
    # between spikes V is the same number (the traces differ only where a reset is shown)
    before = ref.t < ref.spike_times[1][0] - 0.5
    np.testing.assert_allclose(res.v["A"][before, 1], ref.v[before, 1], rtol=0, atol=1e-9)
    # at rest with no input: the model's resting state, which it keeps
    assert res.v["A"][0, 0] == pytest.approx(neurosim.registry.izhikevich_rest(0.02, 0.2)[0])


def test_adex_population_fires_as_the_point_simulator():
    # forward Euler (Brian2's AdEx scheme) against the point simulator's RK4: at dt = 0.01 ms
    # the same spikes within 0.25 ms over the first 100 ms (the first-order scheme drifts by
    # about 0.04 ms a spike), and the same count over 1 s
    cur = np.array([0.6, 0.8, 1.0])
    net = Network(populations=(Population("A", "adex", 3, overrides={"i_ext": cur}),),
                  dt=0.01)
    res = net.run(1000.0)
    ref = neurosim.simulate("adex", cur, 1000.0, dt=0.01)
    for k in range(3):
        got, want = res.spike_times["A"][k], ref.spike_times[k]
        assert got.size == want.size
        early = want < 100.0
        np.testing.assert_allclose(got[early], want[early], atol=0.25)
    assert res.spike_times["A"][2].size > 20  # adapting, but firing


def test_hh_population_follows_the_point_simulator_step_for_step():
    # exponential Euler in both: the same trajectory; spikes where V rises above 0 mV, at the
    # step's end (the point simulator interpolates inside the step)
    cur = np.array([5.0, 10.0, 20.0])
    net = Network(populations=(Population("H", "hh", 3, overrides={"i_ext": cur}),),
                  record_v={"H": [0, 1, 2]}, dt=0.01)
    res = net.run(100.0)
    ref = neurosim.simulate_hh(cur, 100.0, dt=0.01, method="exp_euler")
    np.testing.assert_allclose(res.v["H"], ref.v, rtol=0, atol=1e-8)
    for k in range(3):
        got, want = res.spike_times["H"][k], ref.spike_times[k]
        assert got.size == want.size >= 1
        assert np.all((got - want >= 0) & (got - want <= 0.01 + 1e-9))
    assert res.spike_times["H"][2].size > 5  # repetitive firing at 20 uA/cm^2


def test_models_take_synapses_and_reset_by_their_rules():
    # one input spike train onto an Izhikevich and an AdEx neuron: delta jumps move V by the
    # weight at the arrival step; each spike resets by the model's rule
    src = SpikeSource("S", (np.array([10.0]),))
    net = Network(
        populations=(src, Population("Z", "izhikevich", 1),
                     Population("X", "adex", 1)),
        projections=(Projection("S", "Z", weight=5.0, connect="all_to_all", delay=1.0),
                     Projection("S", "X", weight=5.0, connect="all_to_all", delay=1.0)),
        record_v={"Z": [0], "X": [0]})
    res = net.run(20.0)
    for pop in ("Z", "X"):
        v = res.v[pop][:, 0]
        # V(t) is recorded before the arrivals due at t: the jump shows from 11.1 ms on
        assert v[111] - v[110] == pytest.approx(5.0, abs=0.3)
        assert abs(v[110] - v[109]) < 0.05
    # a strong jump makes an Izhikevich neuron spike at the arrival, reset to c, u += d
    big = dataclasses.replace(net.projections[0], weight=200.0)
    res = net.replace(projections=(big, net.projections[1])).run(20.0)
    assert res.spike_times["Z"][0].tolist() == pytest.approx([11.0])
    c = neurosim.load_model("izhikevich_2003").c
    assert res.v["Z"][111, 0] == pytest.approx(c, abs=1.0)  # one step after the reset to c


def test_an_izhikevich_network_is_irregular_and_stable():
    # Izhikevich (2003)-like: 400 RS and 100 FS neurons, random excitation and inhibition,
    # Poisson drive; it fires at a few to tens of Hz and never blows up
    rng = np.random.default_rng(0)
    re, ri = rng.random(400), rng.random(100)
    exc = Population("E", "izhikevich", 400, overrides={
        "a": 0.02, "b": 0.2, "c": -65 + 15 * re**2, "d": 8 - 6 * re**2}, v0=-65.0)
    inh = Population("I", "izhikevich", 100, overrides={
        "a": 0.02 + 0.08 * ri, "b": 0.25 - 0.05 * ri, "c": -65.0, "d": 2.0}, v0=-65.0)
    net = Network(
        populations=(exc, inh),
        projections=(
            Projection("E", "E", weight=Dist("uniform", low=0, high=1.0), p=0.2),
            Projection("E", "I", weight=Dist("uniform", low=0, high=1.0), p=0.2),
            Projection("I", "E", weight=Dist("uniform", low=-2.0, high=0), p=0.2),
            Projection("I", "I", weight=Dist("uniform", low=-2.0, high=0), p=0.2)),
        inputs=(neurosim.PoissonInput("E", rate=1000.0, count=3, weight=2.0),
                neurosim.PoissonInput("I", rate=1000.0, count=2, weight=2.0)))
    res = net.run(1000.0, seed=1)
    assert 2.0 < res.rate("E") < 60.0 and 2.0 < res.rate("I") < 150.0
    cv = neurosim.analysis.cv_isi(res.spike_times["E"])
    assert np.nanmean(cv) > 0.3


def test_models_the_engines_cannot_take_are_refused_by_key():
    with pytest.raises(neurosim.InvalidInput, match=r"populations\.A\.model"):
        Network(populations=(Population("A", "no_such_model", 2),)).validate()
    src = SpikeSource("S", (np.array([1.0]),))
    with pytest.raises(neurosim.InvalidInput, match=r"projections\.S->Z\.synapse.*Izhikevich"):
        Network(populations=(src, Population("Z", "izhikevich", 1)),
                projections=(Projection("S", "Z", weight=1.0, synapse="exp_conductance",
                                        connect="all_to_all"),)).validate()
    with pytest.raises(neurosim.InvalidInput, match=r"populations\.Z\.tau_m"):
        Network(populations=(Population("Z", "izhikevich", 1, overrides={"tau_m": 3.0}),)
                ).validate()


# -- time-varying currents ------------------------------------------------------------------

LIF = {"v_rest": -65.0, "v_th": -50.0, "v_reset": -70.0, "tau_m": 20.0, "r_m": 10.0,
       "t_ref": 2.0}


def test_a_step_current_fires_the_lif_population_at_the_analytic_times():
    # 2 nA from 50 ms to 150 ms: V -> v_rest + r_m I = -45 mV; the first spike comes
    # tau ln((vinf - v_rest) / (vinf - v_th)) after the onset, then every
    # t_ref + tau ln((vinf - v_reset) / (vinf - v_th)), timed inside the step
    net = Network(populations=(Population("L", "lif", 3, overrides=LIF),),
                  currents=(neurosim.CurrentInput("L", neurosim.stimulus.step(2.0, 50.0, 150.0),
                                                  neurons=[0, 2]),))
    res = net.run(200.0)
    vinf = -65.0 + 10.0 * 2.0
    first = 50.0 + 20.0 * np.log((vinf + 65.0) / (vinf + 50.0))
    isi = 2.0 + 20.0 * np.log((vinf + 70.0) / (vinf + 50.0))
    want = first + isi * np.arange(int((150.0 - first) // isi) + 1)
    for k in (0, 2):
        np.testing.assert_allclose(res.spike_times["L"][k], want, rtol=0, atol=1e-9)
    assert res.spike_times["L"][1].size == 0  # not driven


def test_currents_sum_and_share_columns():
    stim = neurosim.stimulus
    noise = stim.poisson(100.0, 1.0, 10, seed=1, n_neurons=3)  # a column per neuron
    net = Network(populations=(Population("L", "lif", 4, overrides=LIF),),
                  currents=(neurosim.CurrentInput("L", stim.constant(0.5)),
                            neurosim.CurrentInput("L", noise, neurons=[1, 2, 3])))
    table, cols = net.current_table(100)
    assert cols["L"][0] != cols["L"][1] != cols["L"][2] != cols["L"][3]
    np.testing.assert_allclose(table[:, cols["L"][0]], 0.5)
    np.testing.assert_allclose(table[:, cols["L"][2]],
                               0.5 + noise.sample_matrix(0.1, 100)[:, 1])
    # one stimulus for all: one shared column
    net = net.replace(currents=(neurosim.CurrentInput("L", stim.constant(0.5)),))
    assert np.unique(net.current_table(10)[1]["L"]).size == 1


@pytest.mark.parametrize("change, key", [
    ({"target": "nobody"}, r"currents\[0\]\.target"),
    ({"stimulus": 3.0}, r"currents\[0\]\.stimulus"),
    ({"neurons": [0, 7]}, r"currents\[0\]\.neurons"),
    ({"neurons": [0, 0]}, r"currents\[0\]\.neurons"),
    ({"stimulus": neurosim.stimulus.poisson(10.0, 1.0, 1, seed=0, n_neurons=2)},
     r"currents\[0\]\.stimulus"),
])
def test_bad_currents_name_the_key(change, key):
    cur = neurosim.CurrentInput("L", neurosim.stimulus.constant(1.0))
    net = Network(populations=(Population("L", "lif", 3, overrides=LIF),), currents=(cur,))
    with pytest.raises(neurosim.InvalidInput, match=key):
        net.replace(currents=(dataclasses.replace(cur, **change),))
