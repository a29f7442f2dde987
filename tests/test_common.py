"""Every registered model through every room (the scikit-learn "common tests" habit): a model
added to the registry is run here without a line of this file changing."""

import re

import numpy as np
import pytest

import neurosim
from neurosim import registry

MODELS = registry.names()


def _step(spec, factor=1.0):
    return neurosim.stimulus.step(factor * spec.cli_current, 5.0)


@pytest.fixture(params=MODELS)
def spec(request):
    return registry.get(request.param)


def test_every_name_resolves_to_its_entry(spec):
    for name in spec.names():
        assert registry.get(name) is spec
    assert spec.params_cls is type(neurosim.load_model(spec.catalog))
    assert next(iter(spec.state)) == "v"


def test_one_neuron_fires_and_records_its_state(spec):
    res = neurosim.simulate(spec.catalog, _step(spec), spec.cli_duration, record="all")
    assert res.model == spec.name and res.n_neurons == 1
    assert res.v.shape == (res.t.size, 1)
    assert set(res.traces) == set(spec.recordable) - {"v"}
    assert res.spikes().size >= 2
    assert res.units["stimulus"] == spec.input_unit
    # before the step the neuron sits at its resting state
    quiet = res.trace("v")[res.t < 5.0]
    assert np.ptp(quiet) < 1e-6


def test_population_with_per_neuron_parameters_equals_one_by_one(spec):
    base = neurosim.load_model(spec.catalog)
    first = spec.params_cls.parameter_fields()[0].name
    value = getattr(base, first)
    values = np.array([value, 1.05 * value, 0.95 * value]) if value else np.array([0.0, 0.1,
                                                                                     0.2])
    pop = neurosim.simulate(spec.name, _step(spec, 1.5), 60.0,
                            params=base.replace(**{first: values}))
    assert pop.n_neurons == 3
    for k in range(3):
        one = neurosim.simulate(spec.name, _step(spec, 1.5), 60.0,
                                params=base.replace(**{first: float(values[k])}))
        np.testing.assert_array_equal(pop.v[:, k], one.trace("v"))
        np.testing.assert_array_equal(pop.spike_times[k], one.spikes())


@pytest.mark.brian2
def test_brian2_builder_runs_the_same_model(spec):
    networks = pytest.importorskip("neurosim.networks")
    dt = spec.brian2.dt
    group = networks.build_neuron_group(spec.catalog, 2, record="all")
    res = group.run(np.array([spec.cli_current, 1.5 * spec.cli_current]), 100.0)
    assert res.model == spec.name and set(res.traces) == set(spec.recordable) - {"v"}
    ours = neurosim.simulate(spec.name, np.array([spec.cli_current, 1.5 * spec.cli_current]),
                             100.0, dt=dt, method="exp_euler" if "exp_euler" in spec.methods
                             else None)
    # same model, same parameters: the same spike counts, first spikes within four steps
    # (Brian2 stamps the start of the crossing step; AdEx there is Euler, here RK4)
    np.testing.assert_array_equal(res.spike_counts, ours.spike_counts)
    for k in range(2):
        assert abs(res.spike_times[k][0] - ours.spike_times[k][0]) <= 4 * dt + 1e-9


def test_fi_curve_is_silent_at_zero_and_fires_above(spec):
    currents = np.array([0.0, spec.cli_current, 2.0 * spec.cli_current])
    curve = neurosim.analysis.fi_curve(spec.catalog, currents, duration=500.0, transient=100.0)
    assert curve.model == spec.name and curve.unit == spec.input_unit
    assert curve.rates[0] == 0.0
    assert 0.0 < curve.rates[1] < curve.rates[2]
    # (the rheobase against each model's own reference: tests/test_analysis.py)


def test_membrane_plot_draws_the_trace(spec, close_figures):
    from neurosim import plot

    res = neurosim.simulate(spec.name, _step(spec), spec.cli_duration, record="all")
    ax = plot.membrane(res)
    ydata = np.asarray(ax.lines[0].get_ydata())
    v = res.trace("v")
    assert np.isin(v, ydata).all()  # every sample of V is on the drawn line
    assert ax.get_ylabel() == "Membrane potential (mV)"


def test_cli_simulates_it_by_catalog_name(spec, tmp_path, capsys):
    from neurosim.cli import main

    out = tmp_path / "v.png"
    assert main(["simulate", spec.catalog, "--out", str(out)]) == 0
    res = neurosim.simulate(spec.name, _step(spec), spec.cli_duration)
    assert f"{res.spikes().size} spikes" in capsys.readouterr().out
    assert out.stat().st_size > 5000


def test_a_quantity_of_the_wrong_dimension_names_the_unit(spec):
    b2 = pytest.importorskip("brian2")
    wrong = 1.0 * b2.mV if spec.input_unit != "mV" else 1.0 * b2.nA
    unit = re.escape(spec.input_unit)
    with pytest.raises(TypeError, match=f"a number in {unit} or a brian2 quantity"):
        neurosim.simulate(spec.name, wrong, 10.0)
    right = spec.cli_current * neurosim._core.validation.brian2_unit(spec.input_unit)
    a = neurosim.simulate(spec.name, right, 20.0)
    b = neurosim.simulate(spec.name, spec.cli_current, 20.0)
    np.testing.assert_allclose(a.v, b.v, rtol=1e-9)


def test_results_save_and_load_every_field(spec, tmp_path):
    base = neurosim.load_model(spec.catalog)
    first = spec.params_cls.parameter_fields()[0].name
    params = base.replace(**{first: np.array([getattr(base, first)] * 2)})
    res = neurosim.simulate(spec.name, _step(spec), 50.0, params=params, record="all",
                            record_every=2)
    path = res.save(tmp_path / "run.npz")
    back = neurosim.load_result(path)
    for name in ("t", "v", "stimulus"):
        np.testing.assert_array_equal(getattr(back, name), getattr(res, name))
    assert back.traces.keys() == res.traces.keys()
    for name in res.traces:
        np.testing.assert_array_equal(back.traces[name], res.traces[name])
    np.testing.assert_array_equal(back.spike_times.flat, res.spike_times.flat)
    np.testing.assert_array_equal(back.spike_counts, res.spike_counts)
    for key in ("model", "method", "dt", "duration", "units"):
        assert getattr(back, key) == getattr(res, key)
    assert type(back.params) is spec.params_cls
    for key, value in res.params.values().items():
        np.testing.assert_array_equal(getattr(back.params, key), value)
    assert back.provenance["call"] == res.provenance["call"]
    assert back.provenance["neurosim"] == neurosim.__version__
    assert "saved" in back.provenance and "date" in back.provenance
    # the loaded result drives the analysis like the original
    assert neurosim.analysis.firing_rate(back.spike_times, 50.0).tolist() == \
        res.firing_rates.tolist()


@pytest.mark.parametrize("engine", ["numba", pytest.param("brian2", marks=pytest.mark.brian2)])
def test_both_network_engines_run_it_as_simulate_does(spec, engine):
    # a population of two at the command line's current and 1.5 times it, alone in a network:
    # the spike counts of simulate at the network's dt (each engine's own scheme: at most one
    # spike apart over the run, where a spike falls on the last step or a scheme differs)
    assert spec.network is not None  # every registered model runs in the network engines
    cur = np.array([spec.cli_current, 1.5 * spec.cli_current])
    dt = spec.brian2.dt
    net = neurosim.Network(populations=(neurosim.Population(
        "P", spec.name, 2, overrides={"i_ext": cur}),), dt=dt)
    res = net.run(spec.cli_duration, engine=engine)
    ours = neurosim.simulate(spec.name, cur, spec.cli_duration, dt=dt,
                             method="exp_euler" if "exp_euler" in spec.methods else None)
    for k in range(2):
        assert res.spike_times["P"][k].size >= 2
        assert abs(res.spike_times["P"][k].size - ours.spike_times[k].size) <= 1


@pytest.mark.nest
def test_nest_runs_every_model_it_has_as_simulate_does(spec):
    # the models whose registry entry names a NEST model, alone in a network as above, on
    # NEST's own scheme; the others are refused by name
    net = neurosim.Network(populations=(neurosim.Population(
        "P", spec.name, 2, overrides={"i_ext": np.array([spec.cli_current,
                                                         1.5 * spec.cli_current])}),),
        dt=spec.brian2.dt)
    if spec.nest is None:
        with pytest.raises(neurosim.InvalidInput, match="a model NEST has"):
            net.run(spec.cli_duration, engine="nest")
        return
    res = net.run(spec.cli_duration, engine="nest")
    ours = neurosim.simulate(spec.name, np.array([spec.cli_current, 1.5 * spec.cli_current]),
                             spec.cli_duration, dt=spec.brian2.dt)
    for k in range(2):
        assert res.spike_times["P"][k].size >= 2
        assert abs(res.spike_times["P"][k].size - ours.spike_times[k].size) <= 1
