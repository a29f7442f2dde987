"""An outside check: NEURON's built-in hh mechanism, integrated by CVODE at tight tolerance."""

import numpy as np
import pytest

import neurosim

pytestmark = pytest.mark.neuron


def _neuron_spike_times(current, duration):
    neuron = pytest.importorskip("neuron")
    h = neuron.h
    h.load_file("stdrun.hoc")
    soma = h.Section(name="soma")
    # a cylinder of 1e5 um^2 lateral area, so that 1 nA is 1 uA/cm^2
    soma.L = soma.diam = float(np.sqrt(1e5 / np.pi))
    soma.cm = 1.0
    soma.insert("hh")
    seg = soma(0.5)
    seg.hh.gnabar, seg.hh.gkbar, seg.hh.gl, seg.hh.el = 0.12, 0.036, 0.0003, -54.387
    soma.ena, soma.ek = 50.0, -77.0
    h.celsius = 6.3
    h.usetable_hh = 0  # hh.mod interpolates its rates from a 1-mV table unless told not to
    stim = h.IClamp(seg)
    stim.delay, stim.dur, stim.amp = 0.0, 1e9, current
    times = h.Vector()
    nc = h.NetCon(seg._ref_v, None, sec=soma)
    nc.threshold = 0.0
    nc.record(times)
    cvode = h.CVode()
    cvode.active(1)
    cvode.atol(1e-9)
    cvode.rtol(1e-9)
    v_rest = neurosim.hh_resting_state(neurosim.load_model("hodgkin_huxley_1952"))[0]
    h.finitialize(v_rest)
    h.continuerun(duration)
    out = np.array(times.to_python())
    cvode.active(0)
    return out


@pytest.mark.parametrize("current", [7.0, 20.0])
def test_spike_times_agree_with_neuron_cvode(current):
    ref = _neuron_spike_times(current, 100.0)
    ours = neurosim.simulate_hh(current, 100.0).spikes()
    assert ref.size == ours.size >= 5
    assert np.max(np.abs(ref - ours)) < 0.01
