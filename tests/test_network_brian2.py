"""The two network engines against each other: the same graph and the same input spikes give
the same spikes (feed-forward), the same statistics (recurrent, chaotic)."""

import numpy as np
import pytest

import neurosim
from neurosim import Dist, Network, Population, Projection, SpikeSource

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


def _cv(res, pop):
    cvs = [np.std(np.diff(x)) / np.mean(np.diff(x)) for x in res.spike_times[pop] if x.size > 5]
    return float(np.mean(cvs))


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


def test_a_spike_source_at_time_zero_is_refused_by_the_brian2_engine():
    net = Network(populations=(SpikeSource("S", (np.array([0.0, 1.0]),)),
                               Population("A", "lif", 1, overrides=U)),
                  projections=(Projection("S", "A", weight=1.0, connect="all_to_all"),))
    with pytest.raises(neurosim.InvalidInput, match="times"):
        net.run(5.0, engine="brian2")
