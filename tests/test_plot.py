import numpy as np
import pytest
from matplotlib.text import Text

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
    ph = neurosim.analysis.action_potential_phases(ap)
    for phase in ("Depolarisation", "Overshoot", "Repolarisation", "Hyperpolarisation",
                  f"Rest\n{ph.rest_v:.0f} mV".replace("-", "\u2212"),
                  f"Threshold\n≈{ph.threshold_v:.0f} mV".replace("-", "\u2212")):
        assert phase in text
    assert ax.get_ylabel() == "Membrane potential (mV)"
    assert len(ax.figure.axes) == 2  # V and the stimulus panel
    assert ax.figure.axes[1].get_xlabel() == "Time (ms)"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ap.trace("v"))


def _text_boxes(ax):
    renderer = ax.figure.canvas.get_renderer()
    boxes = []
    for t in ax.texts:
        t.update_positions(renderer)
        boxes.append(Text.get_window_extent(t, renderer))
    return boxes


@pytest.mark.parametrize("model", ["hh", "lif", "izhikevich", "adex"])
def test_membrane_labels_stay_off_the_trace_and_each_other(model):
    """What the CLI draws for every model: no label box touches the V trace or another label,
    and each lies inside the figure."""
    spec = neurosim.registry.get(model)
    res = neurosim.simulate(model, neurosim.stimulus.step(spec.cli_current, 5.0),
                            spec.cli_duration, record="all")
    ax = plot.membrane(res)
    fig = ax.figure
    fig.canvas.draw()
    trace = ax.lines[0].get_transform().transform(np.column_stack(ax.lines[0].get_data()))
    boxes = _text_boxes(ax)
    fig_box = fig.bbox
    for k, box in enumerate(boxes):
        inside = ((trace[:, 0] > box.x0) & (trace[:, 0] < box.x1)
                  & (trace[:, 1] > box.y0) & (trace[:, 1] < box.y1))
        assert not inside.any(), ax.texts[k].get_text()
        assert fig_box.x0 <= box.x0 and box.x1 <= fig_box.x1, ax.texts[k].get_text()
        for other in boxes[k + 1:]:
            assert not box.overlaps(other), ax.texts[k].get_text()


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
    for label in ("Threshold\n−55 mV", "Reset\n−75 mV", "Rest\n−70 mV", "refractory"):
        assert label in text
    shaded = [p for p in ax.patches]  # one refractory span per spike
    assert len(shaded) == res.spike_counts[0] == 4
    x0, x1 = shaded[0].get_x(), shaded[0].get_x() + shaded[0].get_width()
    assert (x0, x1) == pytest.approx((res.spikes()[0], res.spikes()[0] + 2.0))
    # each spike is drawn as a stroke up to +20 mV
    assert max(ax.lines[0].get_ydata()) == 20.0


def test_firing_patterns_gallery():
    results = {name: neurosim.simulate_izhikevich(10.0, 100.0, pattern=name)
               for name in ("regular_spiking", "chattering", "fast_spiking")}
    axes = plot.firing_patterns(results)
    titles = [a.get_title(loc="left") for a in axes if a.get_visible()]
    assert titles == ["Regular spiking   (I = 10 mV/ms)", "Chattering   (I = 10 mV/ms)",
                      "Fast spiking   (I = 10 mV/ms)"]


@pytest.mark.parametrize(("rule", "plus", "title"), [
    ("stdp_pair_song_2000", "pre before post: stronger", "the order of two spikes decides"),
    ("stdp_triplet_pfister_2006", "pre before post: no change", "one way only"),
])
def test_stdp_window_captions_follow_the_fit(rule, plus, title):
    from neurosim.figures import fig_stdp_window

    fig = fig_stdp_window(rule)
    text = _texts(fig)
    assert plus in text and "post before pre: weaker" in text
    assert title in fig.axes[0].get_title()
    assert "-" not in text.replace("\n", " ").split("A$_-$")[1][:6]  # a true minus sign
