"""Moving concentrations and the Na+/K+ pump: the balance at rest holds for an hour, charge is
conserved, the pump's electrogenic share, and what a block does."""

import numpy as np
import pytest

import neurosim
from neurosim import ion_dynamics as idy
from neurosim.ions import nernst

HOUR = 3.6e6  # ms


@pytest.fixture(scope="module")
def params():
    return neurosim.load_model("ion_dynamics_cortical")


def test_the_balance_uses_the_ion_set_and_the_neurons_leak(params):
    b = idy.balance(params)
    ions = neurosim.ions.load_ion_set(params.ions)
    assert b["e_na"] == pytest.approx(float(nernst(ions.na_out, ions.na_in, 1, ions.temperature)),
                                      abs=1e-9)
    assert b["e_k"] == pytest.approx(float(nernst(ions.k_out, ions.k_in, 1, ions.temperature)),
                                     abs=1e-9)
    neuron = neurosim.load_model("pospischil_rs_2008", pattern="lecture")
    assert b["g_na_leak"] + b["g_k_leak"] == pytest.approx(neuron.g_l, rel=1e-12)
    # each leak equals the pump's flux of its ion (3 Na+ out, 2 K+ in), by hand
    c = idy.cell(params)
    v = b["v_rest"]
    rest = neurosim.simulate("cortical_rs", 0.0, 1.0, params=neuron, record="all")
    m, h, n, q = (rest.trace(k)[0] for k in "mhnq")
    i_na = (neuron.g_na * m**3 * h + b["g_na_leak"]) * (v - b["e_na"])
    i_k = (neuron.g_kd * n**4 + neuron.g_m * q + b["g_k_leak"]) * (v - b["e_k"])
    assert i_na == pytest.approx(-3.0 * b["i_pump"], rel=1e-9)
    assert i_k == pytest.approx(2.0 * b["i_pump"], rel=1e-9)
    assert c.i_max > b["i_pump"] > 0  # the pump runs below its maximum at rest
    assert v == pytest.approx(rest.v[0, 0], abs=1e-9)


def test_an_hour_at_rest_moves_nothing(params):
    res = idy.simulate_ion_dynamics(HOUR, params=params)
    assert res.t[-1] == HOUR and res.spikes().size == 0
    assert np.ptp(res.v) < 1e-6
    for ion in ("na_in", "k_in", "k_out"):
        assert np.ptp(res.trace(ion)) < 1e-9


def test_charge_is_conserved_with_the_pump_blocked(params):
    # no pump, no stimulus: what each ion's current carried is what its concentration lost
    res = idy.simulate_ion_dynamics(60e3, params=params, block_at=0.0, record_dt=1.0)
    assert res.spikes().size == 0  # the 20-um cell drifts for minutes before it fires
    c = idy.cell(params)
    na_moved = -np.trapezoid(res.trace("i_na"), res.t) * c.k_in_per_ua
    k_moved = -np.trapezoid(res.trace("i_k"), res.t) * c.k_in_per_ua
    d_na = res.trace("na_in")[-1] - res.trace("na_in")[0]
    d_k = res.trace("k_in")[-1] - res.trace("k_in")[0]
    assert d_na > 3.0 and d_k < -3.0  # the gradients run down
    assert na_moved == pytest.approx(d_na, rel=1e-6)
    assert k_moved == pytest.approx(d_k, rel=1e-6)
    assert np.all(res.trace("i_pump") == 0.0)


def test_the_pump_hyperpolarises_by_its_own_current(params):
    share = idy.electrogenic_share(params)
    assert -9.0 < share["share"] < -5.0  # measured -7.43 mV
    # a run without the pump's current settles where the steady state says (with the
    # extracellular K+ held at the bath's, which would otherwise creep up, as it does here)
    clamped = params.replace(tau_k=0.01)
    res = idy.simulate_ion_dynamics(1.5e3, params=clamped, electrogenic=False)
    assert res.v[-1, 0] == pytest.approx(share["v_no_pump"], abs=0.02)
    drift = idy.simulate_ion_dynamics(5e3, params=params, electrogenic=False)
    assert drift.v[-1, 0] > share["v_no_pump"] + 0.5
    assert res.v[0, 0] == pytest.approx(share["v_rest"], abs=1e-12)


def test_rundown_rate_scales_with_cell_size(params):
    # before the cell fires, Na+ leaks in at three times the lost pump current per area:
    # a cell twice the diameter (volume / surface twice) fills half as fast
    rates = []
    for d in (20.0, 40.0):
        res = idy.simulate_ion_dynamics(2e3, params=params.replace(diameter=d), block_at=0.0)
        rates.append((res.trace("na_in")[-1] - res.trace("na_in")[0]) / 2e3)
        assert res.spikes().size == 0
    assert rates[0] / rates[1] == pytest.approx(2.0, rel=0.02)
    b = idy.balance(params)
    c = idy.cell(params)
    # the first moment's rate, by hand: 3 I_pump of Na+ no longer pumped out
    assert rates[0] == pytest.approx(3 * b["i_pump"] * c.k_in_per_ua, rel=0.1)


def test_after_a_block_spikes_get_easier_then_fail():
    # a small cell (10 um) runs down in seconds; test pulses every 2 s, subthreshold at rest
    p = neurosim.load_model("ion_dynamics_cortical").replace(diameter=10.0)
    res = idy.simulate_ion_dynamics(120e3, params=p, block_at=5e3,
                                    pulses=(15.0, 2e3, 1.0, 1e3))
    spikes = res.spikes()
    assert np.all(spikes > 5e3)  # before the block the pulses are below threshold
    assert spikes.size > 20
    # then they fail: the last 50 pulses fire nothing (a pulse that lifts the depolarised
    # membrane past 0 mV is no spike: its own upstroke is missing)
    assert res.t[-1] - spikes[-1] > 100e3
    assert res.v[-1, 0] > -40.0  # depolarised: the Na+ channels are inactivated
    gap = res.trace("e_na") - res.trace("e_k")
    assert gap[-1] < 0.2 * gap[0]  # E_Na and E_K have converged


def test_tolerance_is_what_the_docstring_says(params):
    kw = {"params": params, "block_at": 1e3, "pulses": (15.0, 5e3, 1.0, 2e3)}
    a = idy.simulate_ion_dynamics(30e3, **kw)
    b = idy.simulate_ion_dynamics(30e3, rtol=1e-10, **kw)
    assert a.spikes().size == b.spikes().size >= 5
    assert np.max(np.abs(a.spikes() - b.spikes())) < 0.01
    for ion in ("na_in", "k_in", "k_out"):
        assert abs(a.trace(ion)[-1] - b.trace(ion)[-1]) < 1e-6


def test_the_result_saves_and_loads(params, tmp_path):
    res = idy.simulate_ion_dynamics(2e3, params=params, block_at=1e3)
    back = neurosim.load_result(res.save(tmp_path / "run.npz"))
    np.testing.assert_array_equal(back.trace("na_in"), res.trace("na_in"))
    assert back.params == res.params and back.model == "ion_dynamics"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"block_at": -1.0}, "'block_at' parameter of simulate_ion_dynamics"),
    ({"pulses": (1.0, 2.0)}, "'pulses' parameter"),
    ({"pulses": (1.0, 2.0, 3.0, 0.0)}, "width shorter than the interval"),
    ({"rtol": 0.1}, "'rtol' parameter"),
    ({"params": "ion_dynamics_cortical"}, "'params' parameter"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        idy.simulate_ion_dynamics(10.0, **kwargs)


def test_a_catalog_reference_must_exist(params):
    with pytest.raises(ValueError, match=r"'neuron'.*catalog entry"):
        params.replace(neuron="no_such_neuron")
    with pytest.raises(ValueError, match="cortical neuron"):
        idy.cell(params.replace(neuron="hodgkin_huxley_1952"))
