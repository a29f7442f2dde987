"""Bad input, tried as a new user would: every case gets a named error in the one form (or a
ResourceError with the estimate and the fix) before anything is allocated or run.

``CASES`` is also what the closing note's table is made from (``python tests/test_bad_inputs.py``
prints each case with its message)."""

import numpy as np
import pytest

import neurosim
from neurosim import analysis, figures, plasticity, plot, stimulus

SONG = "stdp_pair_song_2000"
lif = neurosim.load_model("lif_lecture")
hh = neurosim.load_model("hodgkin_huxley_1952")

# (what a user typed, the call, the exception, a fragment the message must contain)
CASES = [
    # simulate_* and simulate
    ("simulate_hh(10, -5)", lambda: neurosim.simulate_hh(10.0, -5.0), ValueError,
     "'duration' parameter of simulate_hh must be a float in (0, inf] ms"),
    ("simulate_hh(10, 10.01)", lambda: neurosim.simulate_hh(10.0, 10.01), ValueError,
     "must be a positive multiple of dt = 0.025 ms"),
    ("simulate_hh(10, 50, dt=0.2)", lambda: neurosim.simulate_hh(10.0, 50.0, dt=0.2),
     ValueError, "RK4's stability limit"),
    ("simulate_hh(10, 50, dt='0.01')", lambda: neurosim.simulate_hh(10.0, 50.0, dt="0.01"),
     TypeError, "'dt' parameter of simulate_hh must be a float"),
    ("simulate_hh(10, 50, method='euler')",
     lambda: neurosim.simulate_hh(10.0, 50.0, method="euler"), ValueError,
     "'method' parameter of simulate_hh must be one of 'rk4', 'exp_euler'"),
    ("simulate_hh(nan, 50)", lambda: neurosim.simulate_hh(float("nan"), 50.0), ValueError,
     "'stimulus' parameter of simulate_hh must be a float"),
    ("simulate_hh('ten', 50)", lambda: neurosim.simulate_hh("ten", 50.0), TypeError,
     "'stimulus' parameter of simulate_hh must be a number (uA/cm^2)"),
    ("simulate_hh(None, 50)", lambda: neurosim.simulate_hh(None, 50.0), TypeError,
     "'stimulus' parameter of simulate_hh"),
    ("simulate_hh([1, inf], 50)", lambda: neurosim.simulate_hh([1.0, np.inf], 50.0),
     ValueError, "finite everywhere"),
    ("simulate_hh(zeros((7, 3)), 50)", lambda: neurosim.simulate_hh(np.zeros((7, 3)), 50.0),
     ValueError, "one row per step (duration / dt = 2000 rows)"),
    ("simulate_hh(zeros((2, 2, 2)), 50)",
     lambda: neurosim.simulate_hh(np.zeros((2, 2, 2)), 50.0), ValueError,
     "a non-empty 1-D array"),
    ("simulate_hh([], 50)", lambda: neurosim.simulate_hh([], 50.0), ValueError,
     "a non-empty 1-D array"),
    ("simulate_hh(['1', '2'], 50)", lambda: neurosim.simulate_hh(["1", "2"], 50.0), TypeError,
     "'stimulus' parameter of simulate_hh must be a number or an array of real numbers"),
    ("simulate_hh(10, 50, params={'g_na': 120})",
     lambda: neurosim.simulate_hh(10.0, 50.0, params={"g_na": 120}), TypeError,
     "'params' parameter of simulate_hh must be a HodgkinHuxleyParams"),
    ("simulate_hh(10, 50, params=lif)", lambda: neurosim.simulate_hh(10.0, 50.0, params=lif),
     TypeError, "must be a HodgkinHuxleyParams"),
    ("simulate_hh(10, 50, v0=[-65, -60])",
     lambda: neurosim.simulate_hh(10.0, 50.0, v0=[-65.0, -60.0]), ValueError,
     "'v0' parameter of simulate_hh must be a number or an array of shape (1,)"),
    ("simulate_hh(10, 50, v0=5000)", lambda: neurosim.simulate_hh(10.0, 50.0, v0=5000.0),
     ValueError, "'v0' parameter of simulate_hh must be a membrane potential in [-150, 100]"),
    ("simulate_lif(1, 50, v0=-300)", lambda: neurosim.simulate_lif(1.0, 50.0, v0=-300.0),
     ValueError, "must be a membrane potential in [-150, 100] mV"),
    ("simulate_hh(10, 50, record=('v', 'calcium'))",
     lambda: neurosim.simulate_hh(10.0, 50.0, record=("v", "calcium")), ValueError,
     "'record' parameter of simulate_hh must be one of 'v', 'm', 'h', 'n'"),
    ("simulate_hh(10, 50, record=5)", lambda: neurosim.simulate_hh(10.0, 50.0, record=5),
     TypeError, "'record' parameter of simulate_hh must be 'all' or a sequence"),
    ("simulate_hh(10, 50, record_every=0)",
     lambda: neurosim.simulate_hh(10.0, 50.0, record_every=0), ValueError,
     "'record_every' parameter of simulate_hh must be an int in [1, 2000]"),
    ("simulate_hh(10, 50, temperature=200)",
     lambda: neurosim.simulate_hh(10.0, 50.0, temperature=200.0), ValueError,
     "'temperature' parameter of simulate_hh must be a float in [-20, 60]"),
    ("simulate_hh(10, 50, spike_threshold=nan)",
     lambda: neurosim.simulate_hh(10.0, 50.0, spike_threshold=float("nan")), ValueError,
     "'spike_threshold' parameter of simulate_hh"),
    ("simulate_hh(10, 50, n_threads=0)", lambda: neurosim.simulate_hh(10.0, 50.0, n_threads=0),
     ValueError, "'n_threads' parameter of simulate_hh must be an int >= 1"),
    ("simulate_lif(1, 50, dt=0)", lambda: neurosim.simulate_lif(1.0, 50.0, dt=0.0),
     ValueError, "'dt' parameter of simulate_lif must be a float in (0, inf] ms"),
    ("simulate_lif(1, 50, record=('u',))", lambda: neurosim.simulate_lif(1.0, 50.0,
                                                                          record=("u",)),
     ValueError, "'record' parameter of simulate_lif must be one of 'v'"),
    ("simulate_lif(ones(3), 50, params with 2 tau_m)",
     lambda: neurosim.simulate_lif(np.ones(3), 50.0,
                                   params=lif.replace(tau_m=np.array([1.0, 2.0]))),
     ValueError, "one value per neuron of the stimulus (3)"),
    ("simulate_lif(1, 50, temperature=20)",
     lambda: neurosim.simulate_lif(1.0, 50.0, temperature=20.0), TypeError,
     "got an unexpected keyword argument"),
    ("simulate('lif', 1, 50, temperature=20)",
     lambda: neurosim.simulate("lif", 1.0, 50.0, temperature=20.0), ValueError,
     "'temperature' parameter of simulate must be None (Leaky integrate-and-fire has no "
     "temperature dependence)"),
    ("simulate('lif', 1, 50, spike_threshold=0)",
     lambda: neurosim.simulate("lif", 1.0, 50.0, spike_threshold=0.0), ValueError,
     "'spike_threshold' parameter of simulate must be None"),
    ("simulate('squid', 1, 50)", lambda: neurosim.simulate("squid", 1.0, 50.0), ValueError,
     "'model' parameter of simulate must be a registered model"),
    ("simulate(3, 1, 50)", lambda: neurosim.simulate(3, 1.0, 50.0), TypeError,
     "'model' parameter of simulate must be a registered model"),
    ("simulate_izhikevich(10, 50, pattern='bursty')",
     lambda: neurosim.simulate_izhikevich(10.0, 50.0, pattern="bursty"), ValueError,
     "'pattern' parameter of simulate_izhikevich must be one of 'regular_spiking'"),
    ("simulate_izhikevich(10, 50, pattern=..., params=...)",
     lambda: neurosim.simulate_izhikevich(10.0, 50.0, pattern="chattering",
                                          params=neurosim.load_model("izhikevich_2003")),
     ValueError, "'pattern' parameter of simulate_izhikevich must be None when params"),
    ("simulate_hh(10, 50, pattern='fast')",
     lambda: neurosim.simulate("hh", 10.0, 50.0, pattern="fast"), ValueError,
     "hodgkin_huxley_1952 has no named parameter sets"),
    ("simulate_adex(1, 50, dt=0.5)", lambda: neurosim.simulate_adex(1.0, 50.0, dt=0.5),
     ValueError, "'dt' parameter of simulate_adex must be a float in (0, 0.1] ms"),
    # the quantity given, as brian2 writes it, and its SI unit beside the one expected
    ("simulate_izhikevich(10 nA, 50)", "brian2:izh_na", TypeError,
     "a number in mV/ms or a brian2 quantity in mV/ms. Got 10. nA (amp)"),
    ("simulate_hh(10 nA, 50)", "brian2:hh_na", TypeError,
     "a number in uA/cm^2 or a brian2 quantity in uA/cm^2. Got 10. nA (amp)"),
    ("simulate_lif(1, 50 mV)", "brian2:lif_mv_duration", TypeError,
     "'duration' parameter of simulate_lif must be a number in ms or a brian2 quantity in "
     "ms (second). Got 50. mV (volt) instead"),
    ("simulate_lif(2 mV, 50)", "brian2:lif_mv_stimulus", TypeError,
     "must be a number in nA or a brian2 quantity in nA (amp). Got 2. mV (volt) instead"),
    ("simulate_hh(step(1 nA, 0), 50)", "brian2:hh_step_na", ValueError,
     "must be an input in uA/cm^2. Got a stimulus in nA"),
    # too big to fit or finish: refused before anything is allocated
    ("simulate_hh(zeros(10**9), 100)", lambda: neurosim.simulate_hh(np.zeros(10**9), 100.0),
     neurosim.ResourceError, "simulate_hh would need about"),
    ("simulate_hh(zeros(10**6), 100, record='all')",
     lambda: neurosim.simulate_hh(np.zeros(10**6), 100.0, record="all"),
     neurosim.ResourceError, "record fewer variables (record=('spikes',))"),
    ("simulate_lif(zeros(10**7), 100)", lambda: neurosim.simulate_lif(np.zeros(10**7), 100.0),
     neurosim.ResourceError, "10,000,000 neurons"),
    ("simulate_lif(poisson(..., n_neurons=10**7), 100, record=('spikes',))",
     lambda: neurosim.simulate_lif(stimulus.poisson(10.0, 0.5, 100, seed=1, n_neurons=10**7),
                                   100.0, record=("spikes",)),
     neurosim.ResourceError, "would need about"),
    ("simulate_hh(10, 1e10)", lambda: neurosim.simulate_hh(10.0, 1e10, record=("spikes",)),
     neurosim.ResourceError, "simulate_hh would run for about"),
    ("song_abbott_2000(100, n_inputs=10**8)",
     lambda: plasticity.song_abbott_2000(100.0, n_inputs=10**8), neurosim.ResourceError,
     "song_abbott_2000 would"),
    ("build_neuron_group('hh', 10**12)", "brian2:big_group", neurosim.ResourceError,
     "build_neuron_group would need about"),
    # stimuli
    ("step(1, 5, 2)", lambda: stimulus.step(1.0, 5.0, 2.0), ValueError,
     "'stop' parameter of step must be a time later than start = 5 ms"),
    ("step(nan, 0)", lambda: stimulus.step(float("nan"), 0.0), ValueError,
     "'amplitude' parameter of step"),
    ("step(1, -1)", lambda: stimulus.step(1.0, -1.0), ValueError,
     "'start' parameter of step must be a float in [0, inf] ms"),
    ("constant('10')", lambda: stimulus.constant("10"), TypeError,
     "'amplitude' parameter of constant must be a float"),
    ("pulse_train(1, 5, 2)", lambda: stimulus.pulse_train(1.0, 5.0, 2.0), ValueError,
     "'width' parameter of pulse_train must be at most the interval (2 ms)"),
    ("pulse_train(1, 1, 2, n_pulses=0)",
     lambda: stimulus.pulse_train(1.0, 1.0, 2.0, n_pulses=0), ValueError,
     "'n_pulses' parameter of pulse_train must be an int >= 1"),
    ("ramp(0, 1, 3, 3)", lambda: stimulus.ramp(0.0, 1.0, 3.0, 3.0), ValueError,
     "'stop' parameter of ramp"),
    ("ou_noise(0, -1, 5, seed=1)", lambda: stimulus.ou_noise(0.0, -1.0, 5.0, seed=1),
     ValueError, "'sigma' parameter of ou_noise must be a float >= 0"),
    ("ou_noise(0, 1, 5, seed=None)", lambda: stimulus.ou_noise(0.0, 1.0, 5.0, seed=None),
     TypeError, "'seed' parameter of ou_noise must be an int >= 0 (runs are always seeded)"),
    ("poisson(10, 0.5, 100, seed=-1)", lambda: stimulus.poisson(10.0, 0.5, 100, seed=-1),
     ValueError, "'seed' parameter of poisson must be an int >= 0"),
    ("poisson(-5, 0.5, 100, seed=1)", lambda: stimulus.poisson(-5.0, 0.5, 100, seed=1),
     ValueError, "'rate_hz' parameter of poisson must be a float in [0, inf] Hz"),
    ("from_array([1, nan], 0.1)", lambda: stimulus.from_array([1.0, np.nan], 0.1),
     ValueError, "'values' parameter of from_array must be finite everywhere"),
    ("from_array([[1]], 0.1)", lambda: stimulus.from_array([[1.0]], 0.1), ValueError,
     "'values' parameter of from_array must be a non-empty 1-D array"),
    ("heat(500, 0, 10)", lambda: stimulus.heat(500.0, 0.0, 10.0), ValueError,
     "'temperature_c' parameter of heat must be a float in [-20, 100]"),
    # analysis
    ("lif_rate('2')", lambda: analysis.lif_rate("2"), TypeError,
     "'current' parameter of lif_rate must be a number or an array of real numbers (nA)"),
    ("lif_rate(2, params=hh)", lambda: analysis.lif_rate(2.0, params=hh), TypeError,
     "'params' parameter of lif_rate must be a LIFParams"),
    ("firing_rate([1], 100, start=200)", lambda: analysis.firing_rate([1.0], 100.0,
                                                                      start=200.0),
     ValueError, "'start' parameter of firing_rate must be earlier than duration = 100 ms"),
    ("firing_rate([1], -1)", lambda: analysis.firing_rate([1.0], -1.0), ValueError,
     "'duration' parameter of firing_rate"),
    ("firing_rate(['a'], 100)", lambda: analysis.firing_rate(["a"], 100.0), TypeError,
     "'spike_times' parameter of firing_rate"),
    ("detect_spikes([0, 1, 2], [0, 1])", lambda: analysis.detect_spikes([0, 1, 2], [0, 1]),
     ValueError, "'v' parameter of detect_spikes must be an array of shape (3,)"),
    ("fi_curve('lif_unknown', [1])", lambda: analysis.fi_curve("lif_unknown", [1.0]),
     ValueError, "'model' parameter of fi_curve must be a registered model"),
    ("fi_curve('hh', [])", lambda: analysis.fi_curve("hh", [], duration=100.0), ValueError,
     "'currents' parameter of fi_curve must be a non-empty 1-D array"),
    ("fi_curve('hh', [1], transient=duration)",
     lambda: analysis.fi_curve("hh", [1.0], duration=100.0, transient=100.0), ValueError,
     "'transient' parameter of fi_curve must be shorter than duration = 100 ms"),
    ("action_potential_phases('trace')", lambda: analysis.action_potential_phases("trace"),
     TypeError, "'result' parameter of action_potential_phases must be a SimulationResult"),
    ("action_potential_phases(a run without spikes)",
     lambda: analysis.action_potential_phases(neurosim.simulate_hh(0.0, 10.0)), ValueError,
     "'spike' parameter of action_potential_phases must be an int in [0, 0)"),
    ("action_potential_phases(population)",
     lambda: analysis.action_potential_phases(neurosim.simulate_hh([10.0, 20.0], 30.0)),
     ValueError, "'neuron' parameter of action_potential_phases must be an int in [0, 2)"),
    ("pulse_threshold(1, hi=1)", lambda: analysis.pulse_threshold(1.0, hi=1.0), ValueError,
     "'hi' parameter of pulse_threshold must be large enough for a 1-ms pulse to fire"),
    # results
    ("result.trace('m') of a run without m",
     lambda: neurosim.simulate_hh(10.0, 10.0).trace("m"), ValueError,
     "'name' parameter of trace must be a recorded variable"),
    ("result.spikes() of a population",
     lambda: neurosim.simulate_hh([1.0, 2.0], 10.0).spikes(), ValueError,
     "'neuron' parameter of spikes must be an int in [0, 2)"),
    ("result.neuron(5) of two", lambda: neurosim.simulate_hh([1.0, 2.0], 10.0).neuron(5),
     ValueError, "'neuron' parameter of neuron must be an int in [0, 1]"),
    ("result.save('run.txt')", lambda: neurosim.simulate_lif(1.0, 10.0).save("run.txt"),
     ValueError, "'path' parameter of save must be a file name ending in .npz"),
    # catalog and parameters
    ("load_model('no_such_model')", lambda: neurosim.load_model("no_such_model"), ValueError,
     "'name_or_path' parameter of load_model must be one of"),
    ("load_model(42)", lambda: neurosim.load_model(42), TypeError,
     "'name_or_path' parameter of load_model must be a catalog name"),
    ("load_model('izhikevich_2003', pattern='x')",
     lambda: neurosim.load_model("izhikevich_2003", pattern="x"), ValueError,
     "'pattern' parameter of load_model must be one of chattering"),
    ("lif.replace(tau_m=-1)", lambda: lif.replace(tau_m=-1.0), ValueError,
     "'tau_m' key of LIFParams must be a finite number > 0 in ms"),
    ("lif.replace(tau_m=[1, 0])", lambda: lif.replace(tau_m=np.array([1.0, 0.0])),
     ValueError, "'tau_m' key of LIFParams"),
    ("lif.replace(v_reset=-50)", lambda: lif.replace(v_reset=-50.0), ValueError,
     "'v_reset' key of lif_lecture must be below v_th = -55.0"),
    ("lif.replace(tau=5)", lambda: lif.replace(tau=5.0), TypeError,
     "'tau' parameter of replace must be one of the parameters of LIFParams"),
    ("hh.replace(c_m=0)", lambda: hh.replace(c_m=0.0), ValueError,
     "'c_m' key of HodgkinHuxleyParams must be a finite number > 0 in uF/cm^2"),
    ("adex.replace(v_reset=5)",
     lambda: neurosim.load_model("adex_brette_gerstner_2005").replace(v_reset=5.0),
     ValueError, "'v_reset' key of adex_brette_gerstner_2005:regular_spiking must be below"),
    # plasticity
    ("apply_stdp([1], [2], w0=1.5)", lambda: plasticity.apply_stdp([1.0], [2.0], SONG,
                                                                   w0=1.5),
     ValueError, "'w0' parameter of apply_stdp must be a float in [0, 1]"),
    ("apply_stdp([5, 1], [2])", lambda: plasticity.apply_stdp([5.0, 1.0], [2.0], SONG),
     ValueError, "'pre_times' parameter of apply_stdp must be sorted in increasing time"),
    ("apply_stdp([1], [2], rule='hodgkin_huxley_1952')",
     lambda: plasticity.apply_stdp([1.0], [2.0], "hodgkin_huxley_1952"), TypeError,
     "'rule' parameter of load_rule must be an STDP rule"),
    ("stdp_window(delta_t=[1, 2])", lambda: plasticity.stdp_window(delta_t=[1.0, 2.0]),
     ValueError, "'delta_t' parameter of stdp_window must be at least 4 delays"),
    ("reciprocal_pair(lag=700)", lambda: plasticity.reciprocal_pair(lag=700.0), ValueError,
     "'lag' parameter of reciprocal_pair must be shorter than half the pairing period"),
    ("song_abbott_2000(1, correlation=2)",
     lambda: plasticity.song_abbott_2000(1.0, correlation=2.0), ValueError,
     "'correlation' parameter of song_abbott_2000 must be a float in [0, 1]"),
    ("song_abbott_2000(1, n_correlated=2000)",
     lambda: plasticity.song_abbott_2000(1.0, n_correlated=2000), ValueError,
     "'n_correlated' parameter of song_abbott_2000 must be at most n_inputs = 1000"),
    # figures and plots
    ("render_figure_set(out, ['gif'])",
     lambda: figures.render_figure_set("unused", ["gif"]), ValueError,
     "'formats' parameter of render_figure_set must be a list from png, pdf, svg"),
    ("render_figure_set(out, dpi=0)",
     lambda: figures.render_figure_set("unused", dpi=0), ValueError,
     "'dpi' parameter of render_figure_set must be a float in [10, 1200]"),
    ("render_figure_set(out, theme='neon')",
     lambda: figures.render_figure_set("unused", theme="neon"), ValueError,
     "'theme' parameter of render_figure_set must be one of 'light', 'dark'"),
    ("plot.membrane(population)",
     lambda: plot.membrane(neurosim.simulate_hh([5.0, 10.0], 20.0)), ValueError,
     "'neuron' parameter of membrane must be an int in [0, 2)"),
    ("plot.gates(run without gates)", lambda: plot.gates(neurosim.simulate_hh(
        10.0, 20.0)), ValueError, "'result' parameter of gates must be a run that recorded 'm'"),
]


def _brian2_case(key):
    b2 = pytest.importorskip("brian2")
    networks = pytest.importorskip("neurosim.networks")
    return {
        "izh_na": lambda: neurosim.simulate_izhikevich(10 * b2.nA, 50.0),
        "hh_na": lambda: neurosim.simulate_hh(10 * b2.nA, 50.0),
        "lif_mv_duration": lambda: neurosim.simulate_lif(1.0, 50 * b2.mV),
        "lif_mv_stimulus": lambda: neurosim.simulate_lif(2 * b2.mV, 50.0),
        "hh_step_na": lambda: neurosim.simulate_hh(stimulus.step(1 * b2.nA, 0.0), 50.0),
        "big_group": lambda: networks.build_neuron_group("hh", 10**12),
    }[key]


@pytest.mark.parametrize(("typed", "call", "exc", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_gets_a_named_error(typed, call, exc, fragment, close_figures):
    if isinstance(call, str):
        call = _brian2_case(call.split(":")[1])
    with pytest.raises(exc) as info:
        call()
    message = str(info.value)
    assert fragment in message, message
    if issubclass(exc, (ValueError, TypeError)) and "unexpected keyword" not in fragment:
        assert isinstance(info.value, neurosim.InvalidInput), type(info.value)
    if exc is neurosim.ResourceError:
        assert "Nothing was" in message


def test_izhikevich_takes_its_own_unit():
    b2 = pytest.importorskip("brian2")
    a = neurosim.simulate_izhikevich(10 * b2.mV / b2.ms, 50.0)
    b = neurosim.simulate_izhikevich(10.0, 50.0)
    np.testing.assert_allclose(a.v, b.v, rtol=1e-12)


if __name__ == "__main__":  # the closing note's table: each case and its message
    for typed, call, _exc, _ in CASES:
        if isinstance(call, str):
            call = _brian2_case(call.split(":")[1])
        try:
            call()
            print(f"| `{typed}` | (no error!) |")
        except Exception as err:
            print(f"| `{typed}` | {type(err).__name__}: {str(err).splitlines()[0]} |")
