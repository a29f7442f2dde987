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
    # one line each, so that rest and reset, 5 mV apart, keep their labels beside them
    for label in ("Threshold −55 mV", "Reset −75 mV", "Rest −70 mV", "refractory"):
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
    axes = plot.firing_patterns(results, titles={"chattering": "Chattering (CH)"})
    titles = [a.get_title(loc="left") for a in axes if a.get_visible()]
    assert titles == ["Regular spiking   I = 10", "Chattering (CH)   I = 10",
                      "Fast spiking   I = 10"]
    assert "input I in mV/ms" in axes[0].figure.get_supxlabel()


def _arrow_of(ax, text):
    """(text position, arrow tip) of the annotation whose text starts with ``text``, in
    data coordinates."""
    ann = next(t for t in ax.texts if t.get_text().startswith(text))
    inv = ax.transData.inverted()
    start = inv.transform(ann.get_transform().transform(ann.xyann)) \
        if ann.anncoords != "data" else np.asarray(ann.xyann, float)
    return start, np.asarray(ann.xy, float)


def _crosses(line, p0, p1, n=400):
    """Whether the straight segment p0 -> p1 (data coordinates) crosses the polyline."""
    x, y = (np.asarray(a, float) for a in line.get_data())
    xs = np.linspace(p0[0], p1[0], n)[:-5]  # (not the tip, which touches its own target)
    ys = np.linspace(p0[1], p1[1], n)[:-5]
    inside = (xs >= x.min()) & (xs <= x.max())
    side = np.sign(ys[inside] - np.interp(xs[inside], x, y))
    return bool(np.any(side[1:] * side[:-1] < 0))


def test_mammalian_undershoot_arrow_points_at_the_undershoot_and_labels_cross_no_trace():
    from neurosim.figures import fig_mammalian_action_potential

    fig = fig_mammalian_action_potential()
    ax = fig.axes[0]
    spike, sub = ax.lines[0], next(line for line in ax.lines[1:] if len(line.get_xdata()) > 100)
    t, v = (np.asarray(a, float) for a in spike.get_data())
    rest = float(v[t < 5.0].mean())
    _, tip = _arrow_of(ax, "Hyperpolarisation")
    # the undershoot is reached at 8-10 ms (V goes on creeping down for tens of ms: the slow
    # M current; the arrow pointed at the trace's end, 16 ms, before)
    assert 8.0 < tip[0] < 10.0
    assert tip[1] < rest and tip[1] == pytest.approx(np.interp(tip[0], t, v), abs=0.05)
    start, tip = _arrow_of(ax, "90% of the pulse")
    assert tip[1] == pytest.approx(np.interp(tip[0], *sub.get_data()), abs=0.05)
    assert not _crosses(spike, start, tip)


def test_the_resonator_fires_to_pulses_one_period_apart_and_not_half_a_period():
    from neurosim.figures import GALLERY_TITLES, RESONATOR_PAIRS, _pulse_drive

    # its damped ringing at rest: period 2 pi / Im(lambda) of the linearised model
    p = neurosim.load_model("izhikevich_2003", pattern="resonator")
    v_rest = min(np.roots([0.04, 5.0 - p.b, 140.0]).real)
    lam = np.linalg.eigvals([[0.08 * v_rest + 5.0, -1.0], [p.a * p.b, -p.a]])
    period = 2 * np.pi / abs(lam[0].imag)
    t0, t1, t2, t3 = RESONATOR_PAIRS["onsets"]
    assert t3 - t2 == pytest.approx(period, rel=0.05)  # the resonant pair: one period
    assert t1 - t0 == pytest.approx(period / 2, rel=0.05)  # half a period: they cancel
    drive = _pulse_drive(200.0, 0.05, [RESONATOR_PAIRS["onsets"]], RESONATOR_PAIRS["width"],
                         [RESONATOR_PAIRS["amplitude"]])
    spikes = neurosim.simulate_izhikevich(drive, 200.0, pattern="resonator", dt=0.05).spikes()
    assert spikes.size == 1 and t3 < spikes[0] < t3 + 20.0
    assert GALLERY_TITLES["thalamo_cortical"] == "Thalamo-cortical"


def test_refractoriness_says_whose_periods_it_shades():
    from neurosim.figures import fig_refractoriness

    fig = fig_refractoriness(intervals=(16.0, 3.0))
    assert "squid axon, 6.3 °C" in fig.axes[0].get_title()


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
