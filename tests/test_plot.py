import numpy as np
import pytest

import neurosim
from neurosim import plot

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def ap():
    return neurosim.simulate_hh(neurosim.stimulus.step(15.0, 5.0, 6.0), 25.0, record="all")


def _texts(fig):
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_membrane_labels_every_phase(ap):
    ax = plot.membrane(ap)
    text = _texts(ax.figure)
    for phase in ("Depolarisation", "Overshoot", "Repolarisation", "Hyperpolarisation",
                  "Resting potential", "Threshold"):
        assert phase in text
    assert ax.get_ylabel() == "Membrane potential (mV)"
    assert len(ax.figure.axes) == 2  # V and the stimulus panel
    assert ax.figure.axes[1].get_xlabel() == "Time (ms)"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ap.v)


def test_membrane_draws_into_given_axes(ap):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out = plot.membrane(ap, ax=ax, annotate=False, color="red")
    assert out is ax and len(fig.axes) == 1 and ax.lines[0].get_color() == "red"


def test_lecture_style_sizes():
    import matplotlib as mpl

    with plot.lecture_style():
        assert mpl.rcParams["font.size"] >= 14
        assert mpl.rcParams["lines.linewidth"] >= 2
        assert mpl.rcParams["xtick.labelsize"] >= 14


def test_gates_and_currents_need_recorded_variables():
    res = neurosim.simulate_hh(10.0, 20.0)
    with pytest.raises(ValueError, match="recorded 'm'"):
        plot.gates(res)
    with pytest.raises(ValueError, match="recorded 'i_na'"):
        plot.currents(res)


def test_gates_and_currents(ap):
    ax = plot.gates(ap)
    assert [line.get_color() for line in ax.lines] == [plot.COLORS["na"], plot.COLORS["h"],
                                                       plot.COLORS["k"]]
    ax = plot.currents(ap)
    assert "Na⁺ flows in" in _texts(ax.figure)


def test_population_needs_a_neuron_index():
    res = neurosim.simulate_hh([5.0, 10.0], 20.0)
    with pytest.raises(ValueError, match="'neuron' parameter"):
        plot.membrane(res)
    ax = plot.membrane(res, neuron=1, annotate=False)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), res.v[:, 1])


def test_lif_membrane_marks_threshold_reset_refractory():
    res = neurosim.simulate_lif(neurosim.stimulus.step(2.0, 30.0, 110.0), 130.0)
    ax = plot.membrane(res)
    text = _texts(ax.figure)
    for label in ("Threshold (−55 mV)", "Reset (−75 mV)", "Rest (−70 mV)", "refractory"):
        assert label in text
    shaded = [p for p in ax.patches]  # one refractory span per spike
    assert len(shaded) == res.spike_counts == 4
    x0, x1 = shaded[0].get_x(), shaded[0].get_x() + shaded[0].get_width()
    assert (x0, x1) == pytest.approx((res.spike_times[0], res.spike_times[0] + 2.0))
    # each spike is drawn as a stroke up to +20 mV
    assert max(ax.lines[0].get_ydata()) == 20.0


def test_firing_patterns_gallery():
    results = {name: neurosim.simulate_izhikevich(10.0, 100.0, pattern=name)
               for name in ("regular_spiking", "chattering", "fast_spiking")}
    axes = plot.firing_patterns(results)
    titles = [a.get_title(loc="left") for a in axes if a.get_visible()]
    assert titles == ["Regular spiking", "Chattering", "Fast spiking"]
