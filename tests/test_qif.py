"""The quadratic integrate-and-fire neuron, added as its TOML, its kernel and one registry
entry: its rate against the analytic f-I curve, its spike times against a high-accuracy
integration, the theta-neuron limit, and the same neuron in both network engines."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import neurosim
from neurosim import Network, PoissonInput, Population

P = neurosim.load_model("qif_latham_2000")


def period(i, p=P):
    """The analytic interspike interval (ms) at a constant current i (nA): with x = V - v_m,
    dx/dt = (x^2 + c^2) / (delta_v tau_m), the time from reset to peak is
    delta_v tau_m / c (atan(x_peak / c) - atan(x_reset / c))."""
    vm, half = (p.v_rest + p.v_c) / 2, (p.v_c - p.v_rest) / 2
    c = math.sqrt(p.r_m * i * p.delta_v - half**2)
    return p.delta_v * p.tau_m / c * (math.atan((p.v_peak - vm) / c)
                                     - math.atan((p.v_reset - vm) / c))


RHEOBASE = ((P.v_c - P.v_rest) / 2) ** 2 / (P.r_m * P.delta_v)  # nA: c^2 = 0


def test_it_is_registered_and_resolves_by_its_names():
    spec = neurosim.registry.get("theta")
    assert spec.name == "qif" and spec.catalog == "qif_latham_2000"
    assert type(P) is spec.params_cls and RHEOBASE == pytest.approx(0.375)


def test_interspike_intervals_are_the_analytic_period():
    currents = np.array([0.4, 0.6, 1.0, 2.0, 5.0])
    res = neurosim.simulate("qif", currents, 1000.0, dt=0.1)
    for k, i in enumerate(currents):
        isi = np.diff(res.spike_times[k])
        assert isi.size >= 2
        # the first interval starts from rest, the others from the reset: exact to rounding
        np.testing.assert_allclose(isi[1:], period(i), rtol=1e-9)


def test_fi_curve_is_the_analytic_one_with_its_rheobase():
    currents = np.array([0.0, 0.37, 0.38, 0.5, 1.0, 3.0])
    curve = neurosim.analysis.fi_curve("qif", currents, duration=2000.0, transient=500.0)
    # below the rheobase (0.375 nA) it rests; above it the rate 1000 / T(I), within one spike
    # in the 1.5 s window
    assert curve.rates[0] == 0.0 and curve.rates[1] == 0.0
    for i, rate in zip(currents[2:], curve.rates[2:], strict=True):
        assert rate == pytest.approx(1000.0 / period(i), abs=1.0 / 1.5 + 1e-9)
    assert curve.rates[2] > 0.0


def test_first_spike_from_rest_matches_a_high_accuracy_integration():
    i = 0.8
    res = neurosim.simulate("qif", neurosim.stimulus.step(i, 10.0), 100.0, dt=0.5)

    def rhs(t, v):
        drive = i if t >= 10.0 else 0.0
        return [((v[0] - P.v_rest) * (v[0] - P.v_c) / P.delta_v + P.r_m * drive) / P.tau_m]

    def peak(t, v):
        return v[0] - P.v_peak

    peak.terminal = True
    ref = solve_ivp(rhs, (10.0, 100.0), [P.v_rest], events=peak, rtol=1e-12, atol=1e-12,
                    method="DOP853")
    assert res.spikes()[0] == pytest.approx(ref.t_events[0][0], abs=1e-6)


def test_far_peak_and_reset_approach_the_theta_neuron_rate():
    # v_peak, v_reset -> +-infinity: the theta neuron, T = pi delta_v tau_m / c
    p = P.replace(v_peak=5000.0, v_reset=-5000.0)
    i = 1.0
    c = math.sqrt(p.r_m * i * p.delta_v - ((p.v_c - p.v_rest) / 2) ** 2)
    res = neurosim.simulate("qif", np.array([i]), 500.0, params=p)
    isi = np.diff(res.spikes())
    assert isi.mean() == pytest.approx(math.pi * p.delta_v * p.tau_m / c, rel=0.01)


def test_numba_network_fires_at_the_analytic_period_on_its_grid():
    # exact within each step; a spike and its reset at the end of the step that reaches the
    # peak, so each interval is the analytic one rounded up to the grid, at most one step more
    cur = np.array([0.6, 1.0, 2.0])
    net = Network(populations=(Population("Q", "qif", 3, overrides={"i_ext": cur}),),
                  dt=0.1)
    res = net.run(1000.0)
    for k, i in enumerate(cur):
        isi = np.diff(res.spike_times["Q"][k])
        assert isi.size > 3
        assert np.all((isi >= period(i) - 0.1 - 1e-9) & (isi <= period(i) + 0.1 + 1e-9))


def _driven(engine, rate=20.0):
    # below the rheobase alone (0.3 nA); Poisson conductance synapses (E_rev 0 mV) move the
    # parabola's vertex and fire it: the step's closed form with a frozen conductance
    net = Network(populations=(Population("Q", "qif", 100, overrides={"i_ext": 0.3}),),
                  inputs=(PoissonInput("Q", rate=rate, count=100, weight=0.5,
                                       synapse="exp_conductance", tau_syn=5.0, e_rev=0.0),),
                  dt=0.1)
    return net.run(1000.0, seed=3, engine=engine)


def test_conductance_synapses_fire_it_in_the_numba_engine():
    # silent on its own current (below the rheobase), firing with the synapses: each spike
    # reaches the peak exactly (a vertex moved by the conductance rounds V there, not below)
    assert _driven("numba", rate=1e-9).rate("Q") == 0.0
    assert 5.0 < _driven("numba").rate("Q") < 60.0


@pytest.mark.brian2
def test_brian2_engine_runs_the_conductance_driven_network_at_the_same_rate():
    # different Poisson generators: the same rate within 10 % (100 neurons, 1 s)
    assert _driven("brian2").rate("Q") == pytest.approx(_driven("numba").rate("Q"), rel=0.1)


@pytest.mark.brian2
def test_brian2_engine_runs_the_same_network():
    cur = np.array([0.6, 1.0, 2.0])
    net = Network(populations=(Population("Q", "qif", 3, overrides={"i_ext": cur}),),
                  dt=0.01)
    ours = net.run(500.0)
    theirs = net.run(500.0, engine="brian2")
    for k, i in enumerate(cur):
        got = theirs.spike_times["Q"][k]
        # forward Euler at dt = 0.01 ms: the same count and intervals within 1 %
        assert got.size == ours.spike_times["Q"][k].size > 3
        assert np.diff(got).mean() == pytest.approx(period(i), rel=0.01)
