"""Every bad input to a public function gets the one message form."""

import numpy as np
import pytest

import neurosim
from neurosim import analysis

SIM = "simulate_hh"


@pytest.mark.parametrize(("kwargs", "name", "exc"), [
    ({"duration": -5.0}, "duration", ValueError),
    ({"duration": 0.0}, "duration", ValueError),
    ({"duration": 10.01}, "duration", ValueError),  # not a multiple of dt
    ({"dt": 0.0}, "dt", ValueError),
    ({"dt": -0.05}, "dt", ValueError),
    ({"dt": 0.08}, "dt", ValueError),  # beyond RK4's stability limit
    ({"dt": 0.2, "method": "exp_euler"}, "dt", ValueError),
    ({"dt": 0.05, "temperature": 30.0}, "dt", ValueError),  # warm rates need smaller steps
    ({"dt": "0.01"}, "dt", TypeError),
    ({"method": "euler"}, "method", ValueError),
    ({"method": 3}, "method", TypeError),
    ({"stimulus": float("nan")}, "stimulus", ValueError),
    ({"stimulus": np.array([1.0, np.inf])}, "stimulus", ValueError),
    ({"stimulus": np.zeros((7, 3))}, "stimulus", ValueError),  # wrong number of steps
    ({"stimulus": np.zeros((2, 2, 2))}, "stimulus", ValueError),
    ({"stimulus": "ten"}, "stimulus", TypeError),
    ({"stimulus": None}, "stimulus", TypeError),
    ({"params": {"g_na": 120}}, "params", TypeError),
    ({"v0": np.array([-65.0, -60.0])}, "v0", ValueError),  # one neuron, two v0
    ({"v0": 5000.0}, "v0", ValueError),
    ({"record": ("v", "calcium")}, "record", ValueError),
    ({"record_every": 0}, "record_every", ValueError),
    ({"temperature": 200.0}, "temperature", ValueError),
    ({"spike_threshold": float("nan")}, "spike_threshold", ValueError),
])
def test_simulate_hh_bad_input(kwargs, name, exc):
    args = {"stimulus": 10.0, "duration": 10.0}
    args.update(kwargs)
    stim = args.pop("stimulus")
    dur = args.pop("duration")
    with pytest.raises(exc, match=rf"The '{name}' parameter of {SIM} must be .* Got .* instead"):
        neurosim.simulate_hh(stim, dur, **args)


def test_error_message_names_expected_and_given():
    with pytest.raises(ValueError) as info:
        neurosim.simulate_hh(10.0, 10.0, dt=-0.05)
    assert str(info.value) == ("The 'dt' parameter of simulate_hh must be a float in (0, inf] "
                               "ms. Got -0.05 instead.")


def test_stimulus_unit_mismatch():
    b2 = pytest.importorskip("brian2")
    with pytest.raises(ValueError, match="an input in uA/cm\\^2"):
        neurosim.simulate_hh(neurosim.stimulus.step(1 * b2.nA, 1.0), 10.0)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: analysis.detect_spikes([0, 1, 2], [0, 1]), "v"),
    (lambda: analysis.firing_rate([1.0], 100.0, start=200.0), "start"),
    (lambda: analysis.firing_rate([1.0], -1.0), "duration"),
    (lambda: analysis.fi_curve("lif_unknown", [1.0]), "model"),
    (lambda: analysis.fi_curve("hh", [], duration=100.0), "currents"),
    (lambda: analysis.fi_curve("hh", [1.0], duration=100.0, transient=100.0), "transient"),
    (lambda: analysis.action_potential_phases("trace"), "result"),
    (lambda: analysis.action_potential_phases(neurosim.simulate_hh(0.0, 10.0)), "spike"),
])
def test_analysis_bad_input(call, name):
    with pytest.raises((ValueError, TypeError), match=f"The '{name}' parameter of"):
        call()
