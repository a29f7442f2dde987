"""The cable engine beside NEURON and Brian2's SpatialNeuron on the same morphology, dt and
method: the ball-and-stick (passive dendrite, HH soma, hillock and axon) and the HH axon."""

import numpy as np
import pytest

from neurosim import cable, morphology, stimulus

LOCATIONS = ["soma", "dendrite(0.5)", "hillock(0.5)", "axon(0.1)", "axon(0.9)"]
CLAMP = [cable.CurrentClamp("soma", stimulus.step(1.0, 2.0, 3.0))]


def _neuron_run(morph, duration, dt, method, clamps, locations, temperature=6.3):
    pytest.importorskip("neuron")
    from reference import neuron_setup

    order = {"backward_euler": 0, "crank_nicolson": 2}[method]
    h, vecs, _keep = neuron_setup(morph, temperature, dt, order, clamps, locations)
    h.finitialize(-65.0)
    h.continuerun(duration)
    return np.array([np.array(v) for v in vecs]).T


def _ball_and_stick():
    return morphology.ball_and_stick(n_seg=None)


@pytest.mark.neuron
@pytest.mark.parametrize("method", ["backward_euler", "crank_nicolson"])
def test_ball_and_stick_traces_match_neuron(method):
    cell = _ball_and_stick()
    ref = _neuron_run(cell, 20.0, 0.025, method, CLAMP, LOCATIONS)
    ours = cable.simulate_cable(cell, 20.0, dt=0.025, method=method, stimuli=CLAMP,
                                record=LOCATIONS)
    assert ours.spike_times[4].size == 1  # the spike reached the axon's end
    np.testing.assert_allclose(ours.v, ref[:ours.v.shape[0]], rtol=0, atol=1e-8)


@pytest.mark.neuron
@pytest.mark.parametrize("myelinated", [False, True])
def test_axon_velocity_matches_neuron(myelinated):
    fibre = (morphology.axon(20000.0, 1.0, myelinated=True) if myelinated
             else morphology.axon(5000.0, 2.0, n_seg=250))
    clamp = [cable.CurrentClamp("axon(0)", stimulus.step(3.0, 0.0, 0.2))]
    a, b = "axon(0.3)", "axon(0.7)"
    ref = _neuron_run(fibre, 10.0, 0.01, "crank_nicolson", clamp, [a, b], 18.5)
    ours = cable.simulate_cable(fibre, 10.0, dt=0.01, method="crank_nicolson", stimuli=clamp,
                                record=[a, b], temperature=18.5)
    np.testing.assert_allclose(ours.v, ref[:ours.v.shape[0]], rtol=0, atol=1e-7)
    tree = fibre.compile()
    dist = tree.path_distance(tree.node(a), tree.node(b))
    lag = [_first_crossing(ref[:, k], 0.01, -20.0) for k in (0, 1)]
    assert cable.conduction_velocity(ours, a, b) == pytest.approx(
        dist / (lag[1] - lag[0]) * 1e-3, rel=0.01)


def _first_crossing(v, dt, threshold):
    k = np.flatnonzero((v[:-1] < threshold) & (v[1:] >= threshold))[0]
    return (k + (threshold - v[k]) / (v[k + 1] - v[k])) * dt


@pytest.mark.brian2
def test_ball_and_stick_and_axon_match_brian2_spatial_neuron():
    from neurosim.networks import build_spatial_neuron

    cell = _ball_and_stick()
    b2 = build_spatial_neuron(cell, dt=0.025).run(20.0, stimuli=CLAMP, record=LOCATIONS)
    ours = cable.simulate_cable(cell, 20.0, dt=0.025, stimuli=CLAMP, record=LOCATIONS)
    np.testing.assert_allclose(b2.v, ours.v[:-1], rtol=0, atol=1e-6)
    fibre = morphology.axon(5000.0, 2.0, n_seg=250)
    clamp = [cable.CurrentClamp("axon(0)", stimulus.step(3.0, 0.0, 0.2))]
    rec = ["axon(0.3)", "axon(0.7)"]
    b2 = build_spatial_neuron(fibre, dt=0.01, temperature=18.5).run(10.0, stimuli=clamp,
                                                                    record=rec)
    ours = cable.simulate_cable(fibre, 10.0, dt=0.01, stimuli=clamp, record=rec,
                                temperature=18.5)
    assert cable.conduction_velocity(b2, *rec) == pytest.approx(
        cable.conduction_velocity(ours, *rec), rel=0.01)


@pytest.mark.neuron
def test_brill_1977_fibre_matches_neuron():
    # the catalog's myelinated fibre of Brill et al. (1977), 20 C: the same V at two nodes'
    # neighbourhoods and the same velocity (18.9 m/s with 1-mm internodes)
    fibre = morphology.load_morphology("brill_1977")
    clamp = [cable.CurrentClamp("axon(0)", stimulus.step(5.0, 0.0, 0.1))]
    a, b = "axon(0.3)", "axon(0.7)"
    ref = _neuron_run(fibre, 6.0, 0.005, "crank_nicolson", clamp, [a, b], fibre.temperature)
    ours = cable.simulate_cable(fibre, 6.0, dt=0.005, method="crank_nicolson", stimuli=clamp,
                                record=[a, b])
    np.testing.assert_allclose(ours.v, ref[:ours.v.shape[0]], rtol=0, atol=1e-7)
    v = cable.conduction_velocity(ours, a, b)
    tree = fibre.compile()
    lag = [_first_crossing(ref[:, k], 0.005, -20.0) for k in (0, 1)]
    assert v == pytest.approx(tree.path_distance(tree.node(a), tree.node(b))
                              / (lag[1] - lag[0]) * 1e-3, rel=0.01)
    assert 15.0 < v < 25.0
