"""Brian2 builders: cross-checks against the Numba integrators, and the reflex arc."""

import numpy as np
import pytest

import neurosim
from neurosim import stimulus
from neurosim.analysis import detect_spikes

pytestmark = pytest.mark.brian2
networks = pytest.importorskip("neurosim.networks")


def test_brian2_hh_equals_numba_exp_euler():
    """Same algorithm (exponential Euler, all variables from the start of the step) on both
    sides: traces agree to 1e-9 mV and interpolated spike times to 1e-9 ms (float rounding)."""
    currents = np.array([5.0, 10.0, 20.0])
    b2 = networks.build_neuron_group("hh", 3, dt=0.01).run(50.0, stimulus=currents)
    ours = neurosim.simulate_hh(currents, 50.0, dt=0.01, method="exp_euler")
    # Brian2 records the state at the start of each step: 0 .. duration - dt
    np.testing.assert_allclose(b2.v, ours.v[:-1], atol=1e-9)
    for k in range(3):
        a = detect_spikes(b2.t, b2.v[:, k])
        b = detect_spikes(ours.t[:-1], ours.v[:-1, k])
        assert a.size == b.size >= 1
        np.testing.assert_allclose(a, b, atol=1e-9)


def test_brian2_lif_matches_exact_lif_to_grid_resolution():
    """Brian2 puts each spike at the start of the step in which V crosses threshold and counts
    the refractory period from there, so its k-th spike (k = 0, 1, ...) comes up to (k + 1) dt
    early; never late, and never by more."""
    dt = 0.01
    currents = np.array([1.6, 2.0, 4.0])
    b2 = networks.build_neuron_group("lif", 3, dt=dt).run(200.0, stimulus=currents)
    ours = neurosim.simulate_lif(currents, 200.0, dt=dt)
    for k in range(3):
        a, b = b2.spike_times[k], ours.spike_times[k]
        assert a.size == b.size >= 5
        lag = b - a
        assert np.all(lag >= -1e-9)
        assert np.all(lag <= (np.arange(a.size) + 1) * dt + 1e-9)


@pytest.mark.parametrize("model", ["izhikevich", "adex"])
def test_other_models_build_and_fire_like_numba(model):
    current = 10.0 if model == "izhikevich" else 0.8
    b2 = networks.build_neuron_group(model, 1, record=()).run(300.0, stimulus=current)
    ours = getattr(neurosim, f"simulate_{model}")(current, 300.0)
    assert abs(int(b2.spike_counts[0]) - ours.spike_counts) <= 1
    assert b2.spike_times[0][0] == pytest.approx(ours.spike_times[0], abs=0.2)


def test_builder_bad_input():
    with pytest.raises(ValueError, match="'model' parameter of build_neuron_group"):
        networks.build_neuron_group("squid", 1)
    with pytest.raises(ValueError, match="'target' parameter of build_neuron_group"):
        networks.build_neuron_group("lif", 1, target="gpu")
    with pytest.raises(TypeError, match="'params' parameter of build_neuron_group"):
        networks.build_neuron_group("lif", 1, params=neurosim.load_model("hodgkin_huxley_1952"))


@pytest.fixture(scope="module")
def arc_and_result():
    arc = networks.build_reflex_arc()
    return arc, arc.run(stimulus.heat(50.0, 20.0, 200.0), duration=400.0)


@pytest.fixture(scope="module")
def reflex(arc_and_result):
    return arc_and_result[1]


def test_each_stage_latency_is_its_delays_plus_integration(reflex):
    p = neurosim.load_model("reflex_arc_withdrawal")
    lat, d = reflex.latencies, reflex.delays
    # receptors: one cycle at the most sensitive receptor's rate (gain x (1 + spread))
    rate = p.rate_gain * (1 + p.gain_spread) * (50.0 - p.heat_threshold)
    assert lat["receptors"] == pytest.approx(1000.0 / rate, abs=0.11)
    assert 0.0 <= lat["sensory"] - lat["receptors"] <= 0.21  # encoder: delay + one step
    # downstream stages: conduction + synaptic delay, plus the time to sum ~3 EPSPs (< 5 ms)
    for stage, before in (("interneurons", "sensory"), ("inhibitory", "sensory"),
                          ("flexor_motor", "interneurons"), ("thalamus", "sensory"),
                          ("cortex", "thalamus")):
        integration = lat[stage] - lat[before] - d[stage]
        assert -0.11 <= integration <= 5.0, stage
    assert d["interneurons"] == pytest.approx(p.hand_to_cord / p.v_sensory * 1e3
                                              + p.synaptic_delay)


def test_reflex_latency_is_physiological_and_faster_than_perception(reflex):
    # nociceptive withdrawal reflexes of the arm start within about 50-150 ms (Sandrini et al.
    # 2005 review); conscious pain comes later, through thalamus and cortex
    assert 50.0 <= reflex.reflex_latency <= 150.0
    assert reflex.perception_latency > reflex.reflex_latency + 100.0
    assert reflex.voluntary_latency > reflex.perception_latency
    # the force is the linear sum of twitches: it rises only after the motor spikes arrive
    assert reflex.reflex_latency > reflex.latencies["flexor_motor"] + reflex.delays["muscle"]


def test_reciprocal_inhibition_silences_the_extensor(reflex):
    assert reflex.extensor_rate_before > 10.0
    assert reflex.extensor_rate_during == 0.0


def test_subthreshold_heat_gives_no_reflex():
    res = networks.build_reflex_arc().run(stimulus.heat(42.0, 20.0, 200.0), duration=300.0)
    assert res.stages["receptors"].spike_counts.sum() == 0
    assert res.stages["flexor_motor"].spike_counts.sum() == 0
    assert not res.withdrew and np.isnan(res.perception_latency)


def test_cutting_the_interneurons_abolishes_the_reflex_but_not_the_pain():
    res = networks.build_reflex_arc(lesions=("interneurons",)).run(duration=400.0)
    assert res.stages["flexor_motor"].spike_counts.sum() == 0
    assert not res.withdrew
    assert np.isfinite(res.perception_latency)


def test_blocking_inhibition_lets_the_extensor_fire():
    res = networks.build_reflex_arc(block_inhibition=True).run(duration=300.0)
    assert res.extensor_rate_during > 10.0  # co-contraction
    assert res.withdrew


def test_slower_fibres_lengthen_the_latency(reflex):
    p = neurosim.load_model("reflex_arc_withdrawal")
    slow = networks.build_reflex_arc(p.replace(v_sensory=10.0)).run(duration=400.0)
    extra = p.hand_to_cord / 10.0 * 1e3 - p.hand_to_cord / p.v_sensory * 1e3  # 45 ms
    assert slow.reflex_latency - reflex.reflex_latency == pytest.approx(extra, abs=5.0)


def test_reflex_bad_parameters(arc_and_result):
    arc = arc_and_result[0]
    p = neurosim.load_model("reflex_arc_withdrawal")
    with pytest.raises(ValueError, match="'v_sensory' key"):
        p.replace(v_sensory=-3.0)
    with pytest.raises(ValueError, match="'lesions' parameter of build_reflex_arc"):
        networks.build_reflex_arc(lesions=("spinal_cord",))
    with pytest.raises(TypeError, match=r"'stimulus' parameter of ReflexArc\.run"):
        arc.run(stimulus.step(1.0, 0.0), duration=100.0)
    with pytest.raises(RuntimeError, match="has run already"):
        arc.run(duration=100.0)
    with pytest.raises(ValueError, match="'temperature_c' parameter of heat"):
        stimulus.heat(500.0, 0.0, 10.0)


def test_reflex_plot_marks_latencies(reflex):
    import matplotlib.pyplot as plt

    from neurosim import plot

    axes = plot.reflex_arc(reflex)
    text = " ".join(t.get_text() for a in axes for t in a.texts)
    assert f"{reflex.latencies['interneurons']:.0f} ms" in text
    assert "withdrawal" in text and "ouch" in text
    plt.close(axes[0].figure)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["cython", "cpp_standalone"])
def test_compiled_targets_give_the_same_hh(target):
    """The generated code differs per target; the numbers must not (compiles: ~10-30 s)."""
    currents = np.array([5.0, 10.0, 20.0])
    res = networks.build_neuron_group("hh", 3, dt=0.01, target=target).run(30.0, currents)
    ours = neurosim.simulate_hh(currents, 30.0, dt=0.01, method="exp_euler")
    np.testing.assert_allclose(res.v, ours.v[:-1], atol=1e-8)
    # and the runtime device works again afterwards
    after = networks.build_neuron_group("lif", 1).run(60.0, stimulus=2.0)
    assert after.spike_counts[0] == neurosim.simulate_lif(2.0, 60.0).spike_counts == 3
