"""The two network engines against each other: the same graph and the same input spikes give
the same spikes (feed-forward), the same statistics (recurrent, chaotic)."""

import numpy as np
import pytest

import neurosim
from neurosim import Dist, Network, PoissonSource, Population, Projection, SpikeSource

pytestmark = pytest.mark.brian2

U = {"v_rest": -65.0, "v_th": -50.0, "v_reset": -70.0, "tau_m": 20.0, "r_m": 10.0, "t_ref": 2.0}


def feed_forward():
    rng = np.random.default_rng(0)
    # 50 sources, 40 spikes each over 200 ms on the 0.1 ms grid (repeats within a step too)
    src = SpikeSource("S", tuple(np.sort(rng.uniform(0.1, 200.0, 40)).round(1)
                                 for _ in range(50)))
    return Network(
        populations=(src, Population("A", "lif", 40, overrides=U, v0=-65.0),
                     # t_ref on the grid: the Numba engine releases an off-grid t_ref inside
                     # the step, Brian2 at a step's end
                     Population("B", "lif", 30, overrides={**U, "t_ref": 3.0},
                                v0=Dist("uniform", low=-70, high=-55))),
        projections=(
            Projection("S", "A", weight=Dist("uniform", low=0.0, high=6.0), p=0.3, delay=1.0),
            Projection("S", "A", weight=Dist("uniform", low=0.0, high=1.0), p=0.3, delay=0.5,
                       synapse="exp_current", tau_syn=5.0),
            Projection("A", "B", weight=Dist("uniform", low=0.0, high=8.0), p=0.3,
                       delay=Dist("uniform", low=0.1, high=3.0)),
            Projection("A", "B", weight=Dist("uniform", low=0.0, high=30.0), p=0.2, delay=2.0,
                       synapse="exp_conductance", tau_syn=3.0, e_rev=0.0),
            Projection("A", "B", weight=Dist("uniform", low=0.0, high=20.0), p=0.2, delay=1.0,
                       synapse="exp_conductance", tau_syn=8.0, e_rev=-80.0)),
        record_v={"A": [0, 1], "B": [0, 1, 2]})


def test_feed_forward_network_gives_the_same_spikes_in_both_engines():
    net = feed_forward()
    conn = net.connectivity(seed=3)
    a = net.run(200.0, connectivity=conn)
    b = net.run(200.0, connectivity=conn, engine="brian2")
    for pop in ("A", "B"):
        assert a.spike_times[pop].flat.size > 200  # the input does make them fire
        for x, y in zip(a.spike_times[pop], b.spike_times[pop], strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.v[pop], b.v[pop], rtol=0, atol=1e-9)
    # the exponential-current and conductance inputs matter: without them A fires less
    plain = net.replace(projections=net.projections[:1] + net.projections[2:])
    assert plain.run(200.0, seed=3).spike_times["A"].flat.size < \
        a.spike_times["A"].flat.size


def test_izhikevich_adex_and_lif_populations_give_the_same_spikes_in_both_engines():
    rng = np.random.default_rng(0)
    src = SpikeSource("S", tuple(np.unique(rng.uniform(0.1, 300.0, 40).round(1))
                                 for _ in range(50)))
    net = Network(
        populations=(src, Population("Z", "izhikevich", 30, overrides={"i_ext": 2.0},
                                     v0=Dist("uniform", low=-70, high=-60)),
                     Population("X", "adex", 30, overrides={"i_ext": 0.3}),
                     Population("L", "lif", 10, overrides=U)),
        projections=(
            Projection("S", "Z", weight=Dist("uniform", low=0, high=6.0), p=0.3),
            Projection("S", "Z", weight=Dist("uniform", low=0, high=3.0), p=0.3, delay=0.5,
                       synapse="exp_current", tau_syn=5.0),
            Projection("S", "X", weight=Dist("uniform", low=0, high=4.0), p=0.3),
            Projection("S", "X", weight=Dist("uniform", low=0, high=0.5), p=0.3, delay=0.5,
                       synapse="exp_current", tau_syn=5.0),
            Projection("Z", "X", weight=Dist("uniform", low=0, high=10.0), p=0.3, delay=2.0,
                       synapse="exp_conductance", tau_syn=3.0, e_rev=0.0),
            Projection("X", "L", weight=Dist("uniform", low=0, high=8.0), p=0.5),
            # inhibitory jumps that can cancel a threshold crossing in the same step
            Projection("L", "Z", weight=Dist("uniform", low=-5, high=0.0), p=0.5)),
        record_v={"Z": [0, 1], "X": [0, 1]})
    conn = net.connectivity(3)
    a = net.run(300.0, connectivity=conn)
    b = net.run(300.0, connectivity=conn, engine="brian2")
    for pop in ("Z", "X", "L"):
        assert a.spike_times[pop].flat.size > 300
        for x, y in zip(a.spike_times[pop], b.spike_times[pop], strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
    for pop in ("Z", "X"):  # Brian2 computes in volts: the same V to rounding
        np.testing.assert_allclose(a.v[pop], b.v[pop], rtol=0, atol=1e-8)


def test_time_varying_currents_drive_both_engines_alike():
    stim = neurosim.stimulus
    net = Network(
        populations=(Population("L", "lif", 20, overrides=U), Population("Z", "izhikevich", 10),
                     Population("X", "adex", 5)),
        projections=(Projection("L", "Z", weight=Dist("uniform", low=0, high=3.0), p=0.5),),
        currents=(neurosim.CurrentInput("L", stim.step(2.0, 50.0, 100.0)
                                        + stim.ou_noise(0.0, 0.5, 5.0, seed=3)),
                  neurosim.CurrentInput("L", stim.ramp(0.0, 1.0, 0.0, 200.0),
                                        neurons=np.arange(10)),
                  neurosim.CurrentInput("Z", stim.step(8.0, 20.0, 150.0), neurons=[0, 2, 4]),
                  neurosim.CurrentInput("X", stim.pulse_train(3.0, 5.0, 20.0, 10.0))),
        record_v={"Z": [0, 1], "X": [0]})
    a = net.run(200.0)
    b = net.run(200.0, engine="brian2", connectivity=a.connectivity)
    for pop in ("Z", "X"):  # step-end spikes: the same
        assert a.spike_times[pop].flat.size >= 10
        for x, y in zip(a.spike_times[pop], b.spike_times[pop], strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.v[pop], b.v[pop], rtol=0, atol=1e-8)
    # LIF with a current and no synaptic input: the Numba engine times its crossings inside
    # the step, Brian2 at the step's end; both fire the same spikes
    assert a.spike_times["L"].flat.size > 20
    for x, y in zip(a.spike_times["L"], b.spike_times["L"], strict=True):
        assert x.size == y.size
        assert np.all((y - x >= 0) & (y - x < net.dt))


@pytest.mark.parametrize(("model", "i_ext"), [("hh", 2.0), ("cortical_rs", 1.0)])
def test_gated_population_gives_the_same_spikes_in_both_engines(model, i_ext):
    # delta, current and conductance synapses (mS/cm^2) onto Hodgkin-Huxley or cortical
    # neurons
    rng = np.random.default_rng(0)
    src = SpikeSource("S", tuple(np.unique(rng.uniform(0.1, 100.0, 30).round(2))
                                 for _ in range(20)))
    net = Network(
        populations=(src, Population("H", model, 10, overrides={"i_ext": i_ext}),
                     Population("L", "lif", 5, overrides=U)),
        projections=(
            Projection("S", "H", weight=Dist("uniform", low=0, high=4.0), p=0.3, delay=0.5),
            Projection("S", "H", weight=Dist("uniform", low=0, high=0.5), p=0.3, delay=0.5,
                       synapse="exp_conductance", tau_syn=3.0, e_rev=0.0),
            Projection("S", "H", weight=Dist("uniform", low=0, high=0.3), p=0.3, delay=0.7,
                       synapse="exp_conductance", tau_syn=8.0, e_rev=-80.0),
            Projection("S", "H", weight=Dist("uniform", low=0, high=2.0), p=0.3, delay=1.0,
                       synapse="exp_current", tau_syn=5.0),
            Projection("H", "L", weight=Dist("uniform", low=0, high=8.0), p=0.5)),
        record_v={"H": [0, 1]}, dt=0.01)
    conn = net.connectivity(2)
    a = net.run(100.0, connectivity=conn)
    b = net.run(100.0, connectivity=conn, engine="brian2")
    for pop in ("H", "L"):
        assert a.spike_times[pop].flat.size >= 5
        for x, y in zip(a.spike_times[pop], b.spike_times[pop], strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.v["H"], b.v["H"], rtol=0, atol=1e-8)


def plastic_feed_forward(poisson):
    rng = np.random.default_rng(0)
    src = SpikeSource("S", tuple(np.unique(rng.uniform(0.1, 300.0, 30).round(1))
                                 for _ in range(40)))
    drive = PoissonSource("P", 30, 20.0) if poisson is None else poisson
    return Network(
        populations=(src, drive, Population("A", "lif", 20, overrides=U, v0=-65.0)),
        projections=(
            # additive all-to-all (Song) on delta synapses, multiplicative nearest-spike
            # (Bi & Poo) on current synapses, additive on conductance synapses
            Projection("S", "A", weight=Dist("uniform", low=0.0, high=4.0), p=0.5, delay=1.0,
                       plasticity="stdp_pair_song_2000", w_max=6.0, name="SA"),
            Projection("P", "A", weight=Dist("uniform", low=0.0, high=2.0), p=0.5, delay=0.5,
                       synapse="exp_current", tau_syn=5.0, plasticity="stdp_pair_bi_poo_1998",
                       w_max=3.0, name="PA"),
            Projection("S", "A", weight=Dist("uniform", low=0.0, high=20.0), p=0.3,
                       delay=2.0, synapse="exp_conductance", tau_syn=3.0,
                       plasticity="stdp_pair_song_2000", w_max=40.0, name="SAg"),
            # and the triplet rule (Pfister & Gerstner) on delta synapses
            Projection("S", "A", weight=Dist("uniform", low=0.0, high=3.0), p=0.3, delay=1.5,
                       plasticity="stdp_triplet_pfister_2006", w_max=5.0, name="SAt")))


def test_plastic_network_gives_the_same_spikes_and_weights_in_both_engines():
    # Poisson sources come from different generators: run the Numba engine's, then give
    # both engines its spikes as a spike source
    net = plastic_feed_forward(None)
    first = net.run(300.0, seed=3)
    assert first.rate("P") == pytest.approx(20.0, rel=0.2)
    fixed = plastic_feed_forward(SpikeSource("P", tuple(first.spike_times["P"])))
    conn = fixed.connectivity(seed=3)
    a = fixed.run(300.0, connectivity=conn)
    b = fixed.run(300.0, connectivity=conn, engine="brian2")
    assert a.spike_times["A"].flat.size > 300
    # the spike source reproduces the Poisson source's run exactly
    for x, y in zip(a.spike_times["A"], first.spike_times["A"], strict=True):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(a.spike_times["A"], b.spike_times["A"], strict=True):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
    for k, label in enumerate(("SA", "PA", "SAg", "SAt")):
        np.testing.assert_allclose(a.weights[label], b.weights[label], rtol=0, atol=1e-9)
        assert np.abs(a.weights[label] - conn.weight[k]).max() > 0.1  # they did learn


def _cv(res, pop):
    """The mean CV of the interspike intervals over the neurons with more than 5 spikes."""
    return float(np.mean(neurosim.analysis.cv_isi(res.spike_times[pop], min_spikes=6)))


@pytest.mark.slow
def test_brunel_ai_state_agrees_statistically_over_twenty_seeds():
    # 2,500 neurons with C_E J as in the full network (J = 0.5 mV, C_E = 200): asynchronous
    # and irregular; chaos makes single spikes differ, so compare the statistics
    net = neurosim.load_network("brunel_2000", state="AI", scale=0.2, J=0.5)
    rates, cvs = {"numba": [], "brian2": []}, {"numba": [], "brian2": []}
    for seed in range(20):
        conn = net.connectivity(seed)
        for engine in rates:
            res = net.run(400.0, seed=seed, connectivity=conn, engine=engine)
            rates[engine].append(res.rate("E"))
            cvs[engine].append(_cv(res, "E"))
    a, b = np.mean(rates["numba"]), np.mean(rates["brian2"])
    assert 20.0 < a < 100.0
    assert abs(a - b) < 0.05 * b
    assert abs(np.mean(cvs["numba"]) - np.mean(cvs["brian2"])) < 0.05
    assert np.mean(cvs["numba"]) > 0.8  # irregular


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vogels_abbott_coba", "vogels_abbott_cuba", "brunel_2000"])
def test_every_catalog_network_runs_on_both_engines_at_the_same_rate(name):
    net = neurosim.load_network(name)
    conn = net.connectivity(1)
    a = net.run(200.0, seed=1, connectivity=conn)
    b = net.run(200.0, seed=1, connectivity=conn, engine="brian2")
    for pop in a.spike_times:
        assert a.rate(pop) > 1.0
        assert a.rate(pop) == pytest.approx(b.rate(pop), rel=0.05)


@pytest.mark.slow
def test_song_spec_learns_alike_on_both_engines():
    # 1,000 Poisson inputs (each engine its own generator): after 10 s the output rate and
    # the drift of the weights agree statistically
    net = neurosim.load_network("song_abbott_2000")
    conn = net.connectivity(1)
    a = net.run(10_000.0, seed=1, connectivity=conn)
    b = net.run(10_000.0, seed=1, connectivity=conn, engine="brian2")
    assert a.rate("inputs") == pytest.approx(15.0, rel=0.02)
    assert b.rate("inputs") == pytest.approx(15.0, rel=0.02)
    assert a.rate("neuron") == pytest.approx(b.rate("neuron"), rel=0.15)
    w0 = conn.weight[0]
    da, db = a.weights["stdp"] - w0, b.weights["stdp"] - w0
    # depression slightly dominates (A-/A+ = 1.05): the mean weight falls on both, by the
    # same amount within the spread over seeds (-0.5 to -1.2 % of w_max, measured); the
    # weights spread apart alike (4.2-4.5 % of w_max, measured)
    w_max = net.w_max(net.projections[0])
    assert da.mean() < 0 and db.mean() < 0
    assert abs(da.mean() - db.mean()) < 0.01 * w_max
    assert da.std() == pytest.approx(db.std(), rel=0.1)
    assert da.std() > 0.03 * w_max
    assert np.corrcoef(da, db)[0, 1] < 0.5  # different inputs: different winners


def test_a_spike_source_at_time_zero_is_refused_by_the_brian2_engine():
    net = Network(populations=(SpikeSource("S", (np.array([0.0, 1.0]),)),
                               Population("A", "lif", 1, overrides=U)),
                  projections=(Projection("S", "A", weight=1.0, connect="all_to_all"),))
    with pytest.raises(neurosim.InvalidInput, match="times"):
        net.run(5.0, engine="brian2")
