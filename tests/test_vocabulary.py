"""One vocabulary: the renamed arguments and the reordered ones give the same result under their
new spelling, and their old spelling still works for this release with a DeprecationWarning
that names the new one."""

import warnings

import numpy as np
import pytest

import neurosim
from neurosim import analysis
from neurosim.reflex import reflex_arc_network


def test_detect_spikes_takes_spike_threshold_and_its_old_name_with_a_warning():
    t = np.arange(0.0, 10.0, 1.0)
    v = np.array([0, 10, 20, 30, 0, 0, 40, 0, 0, 0], dtype=float)
    new = analysis.detect_spikes(t, v, spike_threshold=25.0)
    np.testing.assert_allclose(new, [2.5, 5.625])
    with pytest.warns(DeprecationWarning, match="'threshold' is now 'spike_threshold'"):
        old = analysis.detect_spikes(t, v, threshold=25.0)
    np.testing.assert_array_equal(old, new)
    with pytest.raises(TypeError, match="'threshold' parameter of detect_spikes"):
        analysis.detect_spikes(t, v, spike_threshold=1.0, threshold=2.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'thresh'"):
        analysis.detect_spikes(t, v, thresh=2.0)


def _net():
    net = neurosim.Network(populations=(neurosim.Population(
        "A", "lif", 4, overrides={"i_ext": np.array([0.0, 1.6, 2.0, 3.0])}),), rate_bin=10.0)
    return net.run(200.0)


def test_a_rate_on_a_result_is_spikes_per_neuron_per_second():
    res = _net()
    counts = res.spike_times["A"].counts
    np.testing.assert_allclose(res.firing_rates["A"], counts / 0.2)
    assert res.rate("A") == pytest.approx(res.firing_rates["A"].mean())
    # the population rate in time is its own name; its mean over the run is the same rate
    assert res.population_rates["A"].mean() == pytest.approx(res.rate("A"))
    assert res.population_rate_t[1] == 10.0


def test_network_results_old_rate_names_warn_and_give_the_same_arrays():
    res = _net()
    with pytest.warns(DeprecationWarning, match="'rates' is now 'population_rates'"):
        assert res.rates is res.population_rates
    with pytest.warns(DeprecationWarning, match="'rate_t' is now 'population_rate_t'"):
        assert res.rate_t is res.population_rate_t


def test_reflex_arc_network_takes_stimulus_and_duration_first():
    heat = neurosim.stimulus.heat(50.0, 20.0, 100.0)
    p = neurosim.load_model("reflex_arc_withdrawal")
    new = reflex_arc_network(heat, 200.0, params=p)
    with pytest.warns(DeprecationWarning, match=r"\(stimulus, duration, params=...\)"):
        old = reflex_arc_network(p, heat, 200.0)
    assert [q.name for q in old.populations] == [q.name for q in new.populations]
    for a, b in zip(old.populations[0].times, new.populations[0].times, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="at most 2 positional"):
        reflex_arc_network(p, heat, 200.0, 0.1)


@pytest.mark.brian2
def test_group_run_takes_stimulus_then_duration_and_the_old_order_with_a_warning():
    networks = pytest.importorskip("neurosim.networks")
    cur = np.array([10.0, 14.0])

    def group():
        return networks.build_neuron_group("izhikevich", 2)

    new = group().run(cur, 50.0)
    # (recorded by hand: pytest.warns would re-raise Brian2's own parser warnings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = group().run(50.0, stimulus=cur)
    assert any(w.category is DeprecationWarning and "run(stimulus, duration)" in str(w.message)
               for w in caught)
    np.testing.assert_array_equal(old.v, new.v)
    np.testing.assert_array_equal(old.spike_times.flat, new.spike_times.flat)
    named = group().run(stimulus=10.0, duration=50.0)
    np.testing.assert_array_equal(named.v[:, 0], new.v[:, 0])
    # two numbers could be either order while the old one is retired: refused, not guessed
    with pytest.raises(TypeError, match=r"run\(stimulus=..., duration=...\)"):
        group().run(10.0, 50.0)
