"""Network figures draw what the result holds."""

import matplotlib
import numpy as np
import pytest

import neurosim
from neurosim import plot

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def small():
    return neurosim.load_network("brunel_2000", scale=0.05).run(200.0, seed=1)


def test_raster_draws_every_spike_of_the_shown_neurons_in_their_colours(small):
    import matplotlib.pyplot as plt

    ax_r, ax_p = plot.raster(small, window=(50.0, 150.0), per_population=30)
    lines = ax_r.get_lines()
    assert len(lines) == 2
    for line, name in zip(lines, ("E", "I"), strict=True):
        tr = small.spike_times[name]
        t, i = tr.times, tr.indices
        expected = np.sum((i < 30) & (t >= 50.0) & (t <= 150.0))
        assert len(line.get_xdata()) == expected > 0
    assert lines[0].get_color() == plot.COLORS["excitatory"]
    assert lines[1].get_color() == plot.COLORS["inhibitory"]
    # the rate curve: the same spikes counted in 1-ms bins
    rate = ax_p.get_lines()[0].get_ydata()
    counts = np.histogram(small.spike_times["E"].times, bins=100, range=(50.0, 150.0))[0]
    np.testing.assert_allclose(rate, counts / (len(small.spike_times["E"]) * 1e-3))
    assert ax_p.get_xlabel() == "Time (ms)"
    plt.close(ax_r.figure)


def test_brunel_states_has_a_panel_pair_per_state_titled_with_its_parameters(small):
    import matplotlib.pyplot as plt

    fig = plot.brunel_states({"AI": small, "SR": small}, params={"AI": (5.0, 2.0)})
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0].startswith("AI: asynchronous irregular") and "g = 5" in titles[0]
    assert titles[1].startswith("SR: synchronous regular")
    assert len(fig.axes) == 4
    plt.close(fig)


def test_raster_keeps_the_populations_proportions_and_says_it_shows_a_subset(small):
    import matplotlib.pyplot as plt

    sizes = {name: len(t) for name, t in small.spike_times.items()}  # 500 E, 125 I
    ax_r, ax_p = plot.raster(small, neurons=100)
    shown = [int(line.get_ydata().max()) for line in ax_r.get_lines()]
    # 80 E and 20 I rows (4:1 as in the network), the I rows stacked above the E rows
    assert shown[0] < 80 <= shown[1] < 100
    assert sizes["E"] == 4 * sizes["I"]
    assert ax_r.get_ylabel() == f"Neuron\n(100 of {sum(sizes.values()):,} shown)"
    # the rate curves are named where they end, in their colours
    names = {t.get_text(): t.get_color() for t in ax_p.texts}
    assert names == {"E": plot.COLORS["excitatory"], "I": plot.COLORS["inhibitory"]}
    # all of a small network: no "shown"
    ax_r, _ = plot.raster(small, neurons=10_000)
    assert ax_r.get_ylabel() == "Neuron"
    plt.close("all")


@pytest.mark.slow
def test_the_synchronous_regular_state_shows_its_volleys_apart():
    import matplotlib.pyplot as plt

    # (the full network: scaled down, the state is not synchronous; it locks in by ~200 ms)
    sr = neurosim.load_network("brunel_2000", state="SR").run(300.0, seed=1)
    fig = plot.brunel_states({"SR": sr}, window={"SR": (285.0, 300.0)}, rate_bin={"SR": 0.1})
    ax_r, ax_p = fig.axes
    assert ax_p.get_xlim() == (285.0, 300.0) and "15 ms shown" in ax_r.get_title()
    rate = ax_p.get_lines()[0].get_ydata()
    assert rate.size == 150  # 0.1-ms bins
    # volleys with silence between them, half the population in a volley (two clusters that
    # take turns), one volley every delay D = 1.5 ms
    assert np.mean(rate == 0) > 0.5
    assert rate.max() == pytest.approx(0.5 / 1e-4, rel=0.05)
    high = rate > rate.max() / 2
    starts = np.flatnonzero(high[1:] & ~high[:-1]) + 1
    assert np.median(np.diff(starts)) * 0.1 == pytest.approx(1.5)
    plt.close(fig)


def test_raster_refuses_what_is_not_a_network_result():
    with pytest.raises(neurosim.InvalidInput, match="NetworkResult"):
        plot.raster(np.zeros(3))
