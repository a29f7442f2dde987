import numpy as np
import pytest
from reference import hh_rates, hh_steady_state
from scipy.integrate import solve_ivp

import neurosim
from neurosim import analysis


def test_detect_spikes_interpolates_linearly():
    t = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    v = np.array([-10.0, 10.0, -5.0, -5.0, 5.0, 20.0])
    np.testing.assert_allclose(analysis.detect_spikes(t, v), [0.5, 3.5])
    np.testing.assert_allclose(analysis.detect_spikes(t, v, spike_threshold=15.0), [4 + 10 / 15])
    two = analysis.detect_spikes(t, np.stack([v, -v], axis=1))
    np.testing.assert_allclose(two[1], [1.0 + 10 / 15])


def test_detect_spikes_agrees_with_simulator():
    res = neurosim.simulate_hh(10.0, 100.0, dt=0.01)
    lin = analysis.detect_spikes(res.t, res.trace("v"))
    # the simulator interpolates with a cubic; the straight line is within dt^2-sized error
    np.testing.assert_allclose(lin, res.spikes(), atol=0.005)


def test_firing_rate_counts_the_window():
    spikes = np.array([10.0, 250.0, 260.0, 990.0])
    assert analysis.firing_rate(spikes, 1000.0) == pytest.approx(4.0)
    assert analysis.firing_rate(spikes, 1000.0, start=200.0) == pytest.approx(3 / 0.8)
    np.testing.assert_allclose(analysis.firing_rate([spikes, spikes[:1]], 1000.0), [4.0, 1.0])
    # a list of numbers is one neuron's spike times, like an array
    assert analysis.firing_rate([1.0, 2.0], 100.0) == analysis.firing_rate(np.array([1.0, 2.0]),
                                                                           100.0) == 20.0
    with pytest.raises(TypeError, match="'spike_times' parameter of firing_rate"):
        analysis.firing_rate(["1", "2"], 100.0)


def _reference_trace(hh_params, t_end=25.0):
    """A single AP from a 1-ms, 15 uA/cm^2 pulse at 5 ms, integrated by DOP853."""
    p = hh_params
    v0 = neurosim.hh_resting_state(p)[0]

    def rhs(t, y, i_ext):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = hh_rates(v)
        i_ion = p.g_na * m**3 * h * (v - p.e_na) + p.g_k * n**4 * (v - p.e_k) + p.g_l * (
            v - p.e_l)
        return [(i_ext - i_ion) / p.c_m, am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                an * (1 - n) - bn * n]

    y = [v0, *hh_steady_state(v0)]
    ts, vs = [], []
    for (a, b), cur in (((0, 5), 0.0), ((5, 6), 15.0), ((6, t_end), 0.0)):
        sol = solve_ivp(rhs, (a, b), y, args=(cur,), method="DOP853", rtol=1e-11, atol=1e-11,
                        dense_output=True)
        tt = np.linspace(a, b, 20001)
        ts.append(tt)
        vs.append(sol.sol(tt)[0])
        y = sol.y[:, -1]
    return np.concatenate(ts), np.concatenate(vs)


def test_action_potential_phases_match_reference(hh_params):
    stim = neurosim.stimulus.step(15.0, 5.0, 6.0)
    res = neurosim.simulate_hh(stim, 25.0, dt=0.01)
    ph = analysis.action_potential_phases(res)
    t_ref, v_ref = _reference_trace(hh_params)
    assert ph.rest_v == pytest.approx(-65.0, abs=0.01)
    assert ph.peak_v == pytest.approx(v_ref.max(), abs=0.05)
    assert ph.peak_t == pytest.approx(t_ref[np.argmax(v_ref)], abs=0.01)
    after = t_ref > t_ref[np.argmax(v_ref)]
    assert ph.ahp_v == pytest.approx(v_ref[after].min(), abs=0.01)
    # ordering of the phases and sensible values for the squid axon at 6.3 C
    assert 5.0 < ph.threshold_t < ph.max_dvdt_t < ph.peak_t < ph.repolarisation_t < ph.ahp_t
    assert -60.0 < ph.threshold_v < -45.0
    assert ph.ahp_v < ph.rest_v - 5.0
    assert ph.half_width == pytest.approx(1.5, abs=0.5)  # about 1.3 ms at 6.3 C


def test_threshold_criterion_on_a_synthetic_trace():
    """dV/dt = 2 mV/ms until t = 5, then rises linearly: crosses 10 mV/ms at t = 5 + 8/20."""
    t = np.linspace(0, 10, 10001)
    dvdt = np.where(t < 5, 2.0, 2.0 + 20.0 * (t - 5))
    v = -65 + np.concatenate([[0], np.cumsum(0.5 * (dvdt[1:] + dvdt[:-1]) * np.diff(t))])
    v = np.where(t < 8, v, np.maximum(v[t < 8][-1] - 80 * (t - 8), -70.0))  # fall back down
    spikes = analysis.detect_spikes(t, v, spike_threshold=-30.0)
    res = neurosim.SimulationResult(
        t=t, v=v[:, None], spike_times=neurosim.SpikeTrains(spikes, [0, spikes.size]),
        stimulus=None, model="synthetic", method="", dt=0.001, duration=10.0, params=None,
        spike_threshold=-30.0)
    ph = analysis.action_potential_phases(res)
    assert ph.threshold_t == pytest.approx(5.4, abs=2e-3)


def test_rheobase_is_where_firing_is_sustained_and_does_not_depend_on_the_transient():
    # Hodgkin-Huxley starts firing repetitively at 6.26 uA/cm^2 (the saddle-node of limit
    # cycles, Rinzel & Miller 1980); just below, a step fires a train that dies out (8 spikes
    # in 140 ms at 6.25): not firing, whatever the transient
    grid = np.round(np.arange(6.0, 6.6, 0.05), 2)
    for transient in (50.0, 100.0, 200.0):
        curve = analysis.fi_curve("hh", grid, duration=1000.0, transient=transient)
        assert curve.rheobase == 6.3
        assert np.all(curve.rates[grid < 6.3] == 0.0)
        assert 50.0 < curve.rates[grid == 6.3][0] < 55.0


def test_adex_rheobase_is_where_its_resting_state_vanishes():
    # Touboul & Brette (2008): I_rh = (g_L + a) (V_T - E_L - Delta_T + Delta_T ln(1 + a/g_L))
    p = neurosim.load_model("adex_brette_gerstner_2005")
    i_rh = (p.g_l + p.a) * (p.v_t - p.e_l - p.delta_t
                            + p.delta_t * np.log(1.0 + p.a / p.g_l)) / 1000.0  # pA -> nA
    assert i_rh == pytest.approx(0.6273, abs=1e-4)
    grid = np.round(np.arange(0.600, 0.660, 0.002), 3)
    curve = analysis.fi_curve("adex", grid, duration=2000.0, transient=500.0)
    assert curve.rheobase == grid[grid >= i_rh][0]


def test_fi_curve_is_type_ii():
    curve = analysis.fi_curve("hh", np.arange(0.0, 20.0, 0.25), duration=600.0)
    assert 6.0 <= curve.rheobase <= 6.5  # repetitive firing starts near 6.3 uA/cm^2
    onset = curve.rates[curve.currents == curve.rheobase][0]
    assert onset > 40.0  # jumps from 0 straight to ~50 Hz: no low rates (type II)
    assert np.all(curve.rates[curve.currents < curve.rheobase] == 0)
    assert np.all(np.diff(curve.rates[curve.currents >= curve.rheobase]) > -3.0)


def _pair(width, first, interval, a1, a2, duration):
    drive = (neurosim.stimulus.step(a1, first, first + width)
             + neurosim.stimulus.step(a2, first + interval, first + interval + width))
    return neurosim.simulate_hh(drive, duration, record=("spikes",)).spikes().size


def test_refractory_periods_are_what_direct_runs_show():
    """The measured periods, checked by running the pulse pairs they describe."""
    rp = analysis.refractory_periods(width=0.5, intervals=np.arange(2.0, 22.01, 0.5))
    dur = 40.0
    assert rp.baseline == pytest.approx(analysis.pulse_threshold(0.5), rel=1e-3)
    # just before the absolute period ends, the strongest pulse tried cannot fire again ...
    assert _pair(0.5, 2.0, rp.absolute - 0.5, 2 * rp.baseline, rp.max_amplitude, dur) == 1
    # ... at its end a pulse at its measured threshold can
    k = int(np.flatnonzero(rp.intervals == rp.absolute)[0])
    assert _pair(0.5, 2.0, rp.absolute, 2 * rp.baseline, 1.01 * rp.thresholds[k], dur) == 2
    # in the relative period a rested membrane's threshold is not enough; after it, it is
    mid = 0.5 * (rp.absolute + rp.relative)
    assert _pair(0.5, 2.0, mid, 2 * rp.baseline, 1.01 * rp.baseline, dur) == 1
    assert _pair(0.5, 2.0, rp.relative + 1.0, 2 * rp.baseline, 1.1 * rp.baseline, dur) == 2
    assert 2.0 < rp.absolute < rp.relative < 22.0
