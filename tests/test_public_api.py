"""A common test over the public API, in the manner of scikit-learn's estimator checks
(issue 29): every public function of neurosim and its submodules (those in neurosim.__all__;
the bridge, plot and figures are not) has a valid call below, and
each of its parameters in turn is given an object no parameter takes. The call must raise
neurosim's InvalidInput naming that parameter: never a raw TypeError or AttributeError from
deep inside, a silent run, or an error that blames another parameter. A function made public
without a case here fails the first test."""

import inspect

import numpy as np
import pytest

import neurosim
from neurosim import (
    analysis,
    cable,
    classic,
    dynamics,
    ion_dynamics,
    ions,
    morphology,
    plasticity,
    reflex,
    registry,
)
from neurosim import stimulus as st

# neurosim and every submodule it exports: a new one joins the test by itself
MODULES = [neurosim, *(getattr(neurosim, name) for name in neurosim.__all__
                       if inspect.ismodule(getattr(neurosim, name)))]


def _public_functions():
    out = {}
    for mod in MODULES:
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return out


@pytest.fixture(scope="module")
def calls():
    """A valid call of every public function: (args, kwargs), all of them quick."""
    hh = neurosim.simulate_hh(10.0, 20.0)
    lif = neurosim.simulate_lif(2.0, 100.0)
    cab = cable.simulate_cable(morphology.axon(2000.0, 1.0, n_seg=21), 5.0,
                               stimuli=[cable.CurrentClamp("axon(0)", st.step(0.5, 0.5, 1.0))],
                               record=["axon(0.1)", "axon(0.9)"])
    net = neurosim.Network(populations=(neurosim.Population("P", "lif", 3, overrides={
        "i_ext": 2.0}),)).run(50.0)
    xs = classic.truth_table_inputs(2)
    wc, fhn = dynamics.WilsonCowan(), dynamics.FitzHughNagumo()
    curve = {"loads": np.array([0.1, 0.2]), "overlap": np.array([1.0, 0.5])}
    return {
        neurosim.simulate: (("lif", 1.0, 10.0), {}),
        neurosim.simulate_lif: ((1.0, 10.0), {}),
        neurosim.simulate_hh: ((1.0, 5.0), {}),
        neurosim.simulate_izhikevich: ((1.0, 10.0), {}),
        neurosim.simulate_adex: ((1.0, 5.0), {}),
        neurosim.hh_resting_state: ((neurosim.load_model("hodgkin_huxley_1952"),), {}),
        neurosim.list_models: ((), {}),
        neurosim.list_networks: ((), {}),
        neurosim.list_patterns: (("izhikevich_2003",), {}),
        neurosim.load_model: (("lif_lecture",), {}),
        neurosim.load_network: (("brunel_2000",), {"scale": 0.01}),
        neurosim.load_result: (("result.npz",), {}),
        neurosim.network_summary: ((net,), {}),
        neurosim.point_seed: (({"g": 1.0},), {}),
        neurosim.sweep: ((lambda g: {"y": g}, {"g": [1.0]}), {"client": "serial",
                                                              "progress": False}),
        analysis.action_potential_phases: ((hh,), {}),
        analysis.binned_counts: ((lif.spike_times, 100.0, 10.0), {}),
        analysis.brunel_gain: ((10.0, 5.0, 2.0), {}),
        analysis.brunel_rate: ((5.0, 2.0), {}),
        analysis.cv_isi: ((lif.spike_times,), {}),
        analysis.detect_spikes: ((hh.t, hh.trace()), {}),
        analysis.fano_factor: ((lif.spike_times, 100.0), {"window": 10.0}),
        analysis.fi_curve: (("lif", [1.0, 2.0]), {"duration": 50.0, "transient": 10.0}),
        analysis.firing_rate: ((lif.spike_times, 100.0), {}),
        analysis.lif_rate: ((2.0,), {}),
        analysis.pulse_threshold: ((), {}),
        analysis.rate_spectrum: ((np.ones(64), 1.0), {}),
        analysis.refractory_periods: ((), {}),
        analysis.siegert_rate: ((10.0, 5.0), {}),
        analysis.synchrony: ((np.ones((3, 10)),), {}),
        cable.conduction_velocity: ((cab, "axon(0.1)", "axon(0.9)"), {}),
        cable.input_resistance: ((100.0, 1.0, 1e4, 100.0), {}),
        cable.length_constant: ((1.0, 1e4, 100.0), {}),
        cable.simulate_cable: ((morphology.axon(100.0, 1.0, n_seg=3), 1.0),
                               {"record": ["axon(0.5)"]}),
        classic.best_linear_accuracy: ((xs, np.array([0, 1, 1, 0])), {}),
        classic.capacity_curve: ((20, [0.1]), {"trials": 1}),
        classic.critical_load: ((curve,), {}),
        classic.flip: ((np.ones(10), 0.1, 0), {}),
        classic.gate: (("AND",), {}),
        classic.load_letters: ((), {}),
        classic.mcculloch_pitts: ((xs, 1), {}),
        classic.perceptron_bound: ((xs, np.array([0, 1, 1, 1]), np.ones(2), 0.0), {}),
        classic.train_xor_mlp: ((), {"epochs": 10}),
        classic.truth_table_inputs: ((2,), {}),
        classic.xor_constraints: ((), {}),
        classic.xor_heaviside_mlp: ((), {}),
        ion_dynamics.balance: ((), {}),
        ion_dynamics.cell: ((), {}),
        ion_dynamics.electrogenic_share: ((), {}),
        ion_dynamics.simulate_ion_dynamics: ((10.0,), {}),
        ions.ghk_current: ((-65.0, 1.0, 145.0, 12.0), {}),
        ions.ghk_voltage: (({"K": 1.0, "Na": 0.05}, {"K": 5.0, "Na": 145.0},
                            {"K": 140.0, "Na": 12.0}), {}),
        ions.hodgkin_katz: ((10.0,), {}),
        ions.load_ion_set: (("ions_squid_axon",), {}),
        ions.nernst: ((145.0, 12.0), {}),
        ions.resting_potentials: ((), {}),
        ions.thermal_voltage: ((), {}),
        morphology.axon: ((100.0, 1.0), {}),
        morphology.ball_and_stick: ((), {}),
        morphology.list_morphologies: ((), {}),
        morphology.load_morphology: (("brill_1977",), {}),
        morphology.load_swc: ((morphology.swc_path(),), {}),
        morphology.swc_path: ((), {}),
        plasticity.apply_stdp: (([1.0, 20.0], [5.0, 25.0]), {}),
        plasticity.load_rule: (("stdp_pair_song_2000",), {}),
        plasticity.reciprocal_pair: ((), {"n_pairings": 2}),
        plasticity.song_abbott_2000: ((0.5,), {}),
        plasticity.song_network: ((), {}),
        plasticity.stdp_window: ((), {"delta_t": [-20, -10, 10, 20], "n_pairs": 2}),
        dynamics.bifurcation: ((wc, "i_e", [0.0]), {}),
        dynamics.classify: (([[-1.0, 0.0], [0.0, -2.0]],), {}),
        dynamics.fixed_points: ((wc,), {"n": 200}),
        dynamics.hopf_points: ((fhn, "i_ext", 0.2, 0.4), {"n": 5}),
        dynamics.limit_cycle: ((fhn,), {"transient": 10.0, "max_period": 50.0, "dt": 0.05}),
        dynamics.mean_field_rates: ((5.0, 2.0), {"duration": 10.0, "dt": 5.0}),
        dynamics.nullclines: ((wc,), {"n": 20}),
        dynamics.oscillation_onset: ((fhn, "i_ext", [0.5]), {"duration": 50.0}),
        dynamics.simulate_rates: ((wc, 1.0), {}),
        dynamics.vector_field: ((wc, (0, 1), (0, 1)), {"n": 3}),
        registry.get: (("lif",), {}),
        registry.names: ((), {}),
        registry.network_models: ((), {}),
        registry.register: ((registry.get("lif"),), {}),
        registry.specs: ((), {}),
        reflex.reflex_arc_network: ((), {"duration": 50.0}),
        reflex.run_reflex_arc: ((), {"duration": 50.0}),
        st.constant: ((1.0,), {}),
        st.from_array: ((np.ones(10), 0.1), {}),
        st.heat: ((45.0, 10.0, 100.0), {}),
        st.ou_noise: ((1.0, 0.5, 5.0, 0), {}),
        st.poisson: ((10.0, 0.1, 10, 0), {}),
        st.pulse_train: ((1.0, 1.0, 10.0), {}),
        st.ramp: ((0.0, 1.0, 0.0, 10.0), {}),
        st.step: ((1.0, 5.0), {}),
    }


def test_every_public_function_has_a_case(calls):
    listed = {f"{f.__module__}.{f.__qualname__}" for f in calls}
    missing = sorted(set(_public_functions()) - listed)
    assert missing == [], f"public functions without a case in {__name__}: {missing}"


def _hostile_calls():
    """(function, parameter) for every parameter of every public function."""
    out = []
    for name, func in sorted(_public_functions().items()):
        for pname, p in inspect.signature(func).parameters.items():
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                out.append(pytest.param(func, pname, id=f"{name.split('.', 1)[1]}:{pname}"))
    return out


class NoParameterTakesThis:
    def __repr__(self):
        return "<no parameter takes this>"


@pytest.mark.parametrize(("func", "pname"), _hostile_calls())
def test_a_value_no_parameter_takes_is_refused_by_name(calls, tmp_path, monkeypatch, func,
                                                        pname):
    monkeypatch.chdir(tmp_path)  # (anything written lands here)
    args, kwargs = calls[func]
    bound = inspect.signature(func).bind_partial(*args, **kwargs).arguments
    bound[pname] = NoParameterTakesThis()
    with pytest.raises(neurosim.InvalidInput) as info:
        func(**bound)
    # named by the parameter (or an item of it: "stimulus[0]", "rest_window[1]")
    assert str(info.value.name).startswith(pname) or f"'{pname}'" in str(info.value), \
        str(info.value)
