"""The network engines hold every model to the limits ``simulate`` holds it to: the registry's
largest time step, and its blow-up bounds, checked inside the kernel at every step."""

import dataclasses
import re

import numpy as np
import pytest

import neurosim
from neurosim import Network, Population, Projection, SpikeSource, registry
from neurosim.registry import network_models


def _one(model, i_ext=0.0, dt=0.1, **extra):
    return Network(populations=(Population("P", model, 1, overrides={"i_ext": i_ext}),),
                   dt=dt, record_v={"P": [0]}, **extra)


@pytest.mark.parametrize("model", network_models())
def test_a_step_beyond_the_models_limit_is_refused_as_simulate_refuses_it(model):
    spec = registry.get(model)
    too_big = min(1.0, 2 * spec.dt_max)
    if too_big <= spec.dt_max:  # (LIF's limit is above the network's 1 ms)
        assert spec.dt_max >= 1.0
        _one(model, dt=1.0).validate()
        return
    with pytest.raises(neurosim.ParameterError, match=re.escape(
            f"at most {spec.dt_max:g} ms (population 'P' is {spec.label}")):
        _one(model, dt=too_big).validate()
    # simulate refuses the same step with the method the network steps the model by
    method = "exp_euler" if "exp_euler" in spec.methods else None
    with pytest.raises(neurosim.ParameterError, match="'dt' parameter"):
        neurosim.simulate(model, spec.cli_current, 10 * too_big, dt=too_big, method=method)
    # and the limit itself is taken
    _one(model, dt=spec.dt_max).validate()


def test_hh_at_one_millisecond_is_refused_instead_of_giving_one_spike():
    # the case: dt = 1 ms gave 1 spike where there are 21
    with pytest.raises(neurosim.ParameterError, match=r"at most 0\.1 ms"):
        _one("hh", 10.0, dt=1.0).run(300.0)


# (model, constant input, the bound that catches it): each drives the model out of range;
# simulate raises for every one of them, so the network engine must too
BLOW_UPS = [
    ("izhikevich", 1e6), ("izhikevich", -1e6), ("adex", -1e7), ("hh", 1e5),
    ("cortical_rs", 1e5), ("lif", -1e6),
]


def _network_blows_up(model, i_ext):
    """None if the network engine stops the run with a SimulationError naming the population
    and the model (the point simulator agrees it blows up), else the result it let through."""
    with pytest.raises(neurosim.SimulationError, match="blew up"):
        # (at the network's dt, by the network's method: exponential Euler for HH types)
        method = "exp_euler" if "exp_euler" in registry.get(model).methods else None
        neurosim.simulate(model, i_ext, 20.0, dt=0.1, method=method)
    try:
        res = _one(model, i_ext).run(20.0)
    except neurosim.SimulationError as exc:
        text = str(exc)
        assert "population 'P'" in text and registry.get(model).label in text
        assert "smaller dt" in text
        return None
    return res


@pytest.mark.parametrize(("model", "i_ext"), BLOW_UPS)
def test_a_network_that_blows_up_raises_as_simulate_does(model, i_ext):
    assert _network_blows_up(model, i_ext) is None


def test_the_check_reads_the_registrys_bound(monkeypatch):
    # the mutation the issue asks for: with the registry's HH bound lifted, the engine lets
    # the blown-up run through (the test above would fail) ...
    spec = registry.get("hh")
    monkeypatch.setitem(registry._REGISTRY, spec.name,
                        dataclasses.replace(spec, v_bound=np.inf))
    res = _network_blows_up("hh", 1e5)
    assert res is not None and np.abs(res.v["P"]).max() > 1000.0  # silently far out of range
    # ... and with it set below the spike's peak (+40 mV), an ordinary spiking run stops
    monkeypatch.setitem(registry._REGISTRY, spec.name, dataclasses.replace(spec, v_bound=30.0))
    with pytest.raises(neurosim.SimulationError, match=r"\|V\| >= 30 mV"):
        _one("hh", 10.0).run(20.0)


def test_a_huge_inhibitory_jump_stops_the_run_in_the_step_after_it():
    # weight -1e6 mV drove V to -2.8e6 mV without a word; it arrives at t = 1 + 1 ms
    net = Network(
        populations=(SpikeSource("S", ([1.0],)), Population("P", "lif", 1)),
        projections=(Projection("S", "P", weight=-1e6, delay=1.0, connect="one_to_one"),),
        record_v={"P": [0]})
    with pytest.raises(neurosim.SimulationError, match=r"t = 2.1 ms in neuron 0 of "
                       r"population 'P' \(Leaky integrate-and-fire"):
        net.run(10.0)
    # and a weight within range runs: the jump, then exact decay towards rest
    ok = net.replace(projections=(dataclasses.replace(net.projections[0], weight=-10.0),))
    res = ok.run(10.0)
    k = round(2.0 / 0.1)
    assert res.v["P"][k + 1, 0] == pytest.approx(-70.0 - 10.0 * np.exp(-0.1 / 10.0), abs=1e-9)


@pytest.mark.brian2
@pytest.mark.parametrize(("model", "i_ext"), [("izhikevich", 1e6), ("adex", -1e7),
                                              ("lif", -1e6)])
def test_the_brian2_engine_raises_for_the_same_runs(model, i_ext):
    # Brian2 cannot be stopped inside its step: the state its run ends in, and the V it
    # recorded, are held to the registry's bounds when it ends
    with pytest.raises(neurosim.SimulationError, match=re.escape(
            f"blew up in population 'P' ({registry.get(model).label}, neuron 0")):
        _one(model, i_ext).run(20.0, engine="brian2")
    # and an ordinary run of the same model is let through with its spikes
    ok = _one(model, registry.get(model).cli_current).run(20.0, engine="brian2")
    assert ok.spike_times["P"].flat.size >= 1
