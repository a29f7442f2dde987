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


def test_raster_refuses_what_is_not_a_network_result():
    with pytest.raises(neurosim.InvalidInput, match="NetworkResult"):
        plot.raster(np.zeros(3))
