"""The regular-spiking cortical neuron of Pospischil et al. (2008): its rest, threshold and
spikes against a high-accuracy reference of the paper's equations, and the same trajectory
in the point simulator, the network engine and Brian2."""

import numpy as np
import pytest
from reference import cortical_rates, cortical_spike_times_reference
from scipy.optimize import brentq

import neurosim
from neurosim.network import Network, Population

CURRENTS = [1.0, 2.0, 3.0, 5.0, 10.0]


@pytest.fixture(scope="module")
def rs():
    return neurosim.load_model("pospischil_rs_2008")


def _rest_reference(p):
    def i_ss(v):
        am, bm, ah, bh, an, bn, q_inf, _ = cortical_rates(v, p.v_t)
        m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return (p.g_na * m**3 * h * (v - p.e_na) + (p.g_kd * n**4 + p.g_m * q_inf) * (v - p.e_k)
                + p.g_l * (v - p.e_l))

    return brentq(i_ss, -90.0, -60.0, xtol=1e-13)


@pytest.mark.parametrize("pattern", ["regular_spiking", "lecture"])
def test_rest_is_near_minus_70_where_the_steady_current_vanishes(pattern):
    p = neurosim.load_model("pospischil_rs_2008", pattern=pattern)
    res = neurosim.simulate("cortical_rs", 0.0, 50.0, params=p, record="all")
    # the resting state is a fixed point: nothing moves over 50 ms
    assert np.ptp(res.v) < 1e-9
    assert res.v[0, 0] == pytest.approx(_rest_reference(p), abs=1e-9)
    assert res.v[0, 0] == pytest.approx(-70.4, abs=0.05)  # E_leak = -70 mV plus the M current


def test_spike_times_match_a_high_accuracy_reference(rs):
    res = neurosim.simulate("cortical_rs", np.array(CURRENTS), 300.0, record=("spikes",))
    v0 = _rest_reference(rs)
    for k, current in enumerate(CURRENTS):
        ref = cortical_spike_times_reference(current, 300.0, rs, v0)
        got = res.spike_times[k]
        assert got.size == ref.size, f"I = {current}: {got.size} spikes, reference {ref.size}"
        if ref.size:  # RK4 at dt = 0.025 ms: measured 1.8e-3 ms at most over 300 ms
            assert np.max(np.abs(got - ref)) < 5e-3, f"I = {current}"
    assert res.spike_times[0].size == 0 and res.spike_times[-1].size > 40


def _pulse_threshold_voltage(p, dt=0.01, width=1.0):
    """The separatrix: the highest V a just-subthreshold 1-ms pulse reaches (mV), and the
    pulse amplitude (uA/cm^2) that fires."""
    n = round(40.0 / dt)

    def run(amp):
        drive = np.zeros((n, 1))
        drive[round(5.0 / dt):round((5.0 + width) / dt)] = amp
        return neurosim.simulate("cortical_rs", drive, 40.0, dt=dt, params=p)

    lo, hi = 0.0, 200.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if run(mid).spikes().size else (mid, hi)
    return float(run(lo).v[round(6.0 / dt):].max()), hi


def test_threshold_of_the_lecture_set_is_minus_55_and_of_the_paper_minus_47():
    lecture = neurosim.load_model("pospischil_rs_2008", pattern="lecture")
    paper = neurosim.load_model("pospischil_rs_2008")
    v_lecture, _ = _pulse_threshold_voltage(lecture)
    v_paper, _ = _pulse_threshold_voltage(paper)
    assert v_lecture == pytest.approx(-55.0, abs=0.5)  # measured -54.84
    assert v_paper == pytest.approx(-47.0, abs=0.5)  # measured -47.02


def test_the_action_potential_has_overshoot_and_undershoot():
    p = neurosim.load_model("pospischil_rs_2008", pattern="lecture")
    drive = np.zeros((6000, 1))
    drive[500:600] = 40.0  # a 1-ms pulse above threshold
    res = neurosim.simulate("cortical_rs", drive, 60.0, dt=0.01, params=p)
    ph = neurosim.analysis.action_potential_phases(res)
    assert res.spikes().size == 1
    assert ph.rest_v == pytest.approx(-70.4, abs=0.05)
    assert 40.0 < ph.peak_v < 55.0  # overshoot above 0 mV (measured 46.7)
    assert ph.ahp_v < ph.rest_v - 0.5  # undershoot below rest (measured -71.3)
    assert 0.6 < ph.half_width < 0.9  # a cortical spike: under 1 ms wide (measured 0.72)


def test_regular_spiking_adapts_and_its_fi_curve_follows_the_reference(rs):
    currents = np.array([1.5, 3.0, 6.0])
    curve = neurosim.analysis.fi_curve("cortical_rs", currents, duration=1000.0,
                                       transient=200.0)
    v0 = _rest_reference(rs)
    for k, current in enumerate(currents):
        ref = cortical_spike_times_reference(current, 1000.0, rs, v0)
        want = np.sum(ref >= 200.0) / 0.8
        assert curve.rates[k] == pytest.approx(want, abs=1.3)  # one spike in 0.8 s
    assert curve.rates[0] == 0.0 and curve.rates[2] > 80.0
    # spike-frequency adaptation, the RS signature (the M current): the ISIs lengthen
    isi = np.diff(neurosim.simulate("cortical_rs", 3.0, 500.0).spikes())
    assert isi[-1] > 2.0 * isi[0]


def test_network_population_follows_the_point_simulator_step_for_step():
    cur = np.array([2.0, 4.0, 8.0])
    net = Network(populations=(Population("C", "cortical_rs", 3, overrides={"i_ext": cur}),),
                  record_v={"C": [0, 1, 2]}, dt=0.01)
    res = net.run(100.0)
    ref = neurosim.simulate("cortical_rs", cur, 100.0, dt=0.01, method="exp_euler")
    np.testing.assert_allclose(res.v["C"], ref.v, rtol=0, atol=1e-9)
    for k in range(3):
        got, want = res.spike_times["C"][k], ref.spike_times[k]
        assert got.size == want.size >= 1
        assert np.all((got - want >= 0) & (got - want <= 0.01 + 1e-9))


@pytest.mark.brian2
def test_brian2_builder_equals_numba_exp_euler():
    networks = pytest.importorskip("neurosim.networks")
    cur = np.array([2.0, 4.0, 8.0])
    b2 = networks.build_neuron_group("cortical_rs", 3, dt=0.01).run(cur, 100.0)
    ours = neurosim.simulate("cortical_rs", cur, 100.0, dt=0.01, method="exp_euler")
    np.testing.assert_allclose(b2.v, ours.v[:-1], rtol=0, atol=1e-8)
    np.testing.assert_array_equal(b2.spike_counts, ours.spike_counts)
