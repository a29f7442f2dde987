"""Nernst and Goldman-Hodgkin-Katz potentials against hand computation and their limits."""

import math

import numpy as np
import pytest

import neurosim
from neurosim import ions

R, F = 8.314462618, 96485.33212


def test_nernst_against_hand_computed_values():
    # K+ 5 mM out / 140 mM in at 37 C: (RT/F) ln(5/140) = 26.727 mV x (-3.3322) = -89.06 mV
    rt_f = 1000 * R * 310.15 / F
    assert rt_f == pytest.approx(26.7267, abs=1e-4)
    assert ions.nernst(5.0, 140.0, 1, 37.0) == pytest.approx(rt_f * math.log(5 / 140), rel=1e-12)
    assert ions.nernst(5.0, 140.0, 1, 37.0) == pytest.approx(-89.06, abs=0.01)
    # Na+ 145 / 12: +66.6 mV; Cl- 110 / 10 (z = -1): -64.1 mV; Ca2+ 2 / 1e-4 (z = 2): +132.3 mV
    assert ions.nernst(145.0, 12.0, 1) == pytest.approx(66.60, abs=0.01)
    assert ions.nernst(110.0, 10.0, -1) == pytest.approx(-64.09, abs=0.01)
    assert ions.nernst(2.0, 1e-4, 2) == pytest.approx(132.34, abs=0.01)
    # equal concentrations: no potential; vectorised
    np.testing.assert_allclose(ions.nernst([1.0, 10.0], [1.0, 1.0]), [0.0, rt_f * math.log(10)])


def test_nernst_slope_per_decade():
    # ln(10) RT/F: 61.5 mV per decade at 37 C, 58.2 at 20 C
    decade = ions.nernst(10.0, 1.0) - ions.nernst(1.0, 1.0)
    assert decade == pytest.approx(61.54, abs=0.01)
    assert ions.nernst(10.0, 1.0, temperature=20.0) == pytest.approx(58.17, abs=0.01)
    # a Brian2 temperature in kelvin is the same temperature
    b2 = pytest.importorskip("brian2")
    assert ions.nernst(10.0, 1.0, temperature=310.15 * b2.kelvin) == pytest.approx(decade)
    assert ions.nernst(10 * b2.mM, 1 * b2.mM) == pytest.approx(decade)


def test_ghk_reduces_to_nernst_for_one_permeant_ion():
    out = {"K": 5.0, "Na": 145.0, "Cl": 110.0}
    inside = {"K": 140.0, "Na": 12.0, "Cl": 10.0}
    assert ions.ghk_voltage({"K": 1.0}, out, inside) == pytest.approx(ions.nernst(5.0, 140.0))
    assert ions.ghk_voltage({"K": 0.0, "Na": 1.0}, out, inside) == \
        pytest.approx(ions.nernst(145.0, 12.0))
    # Cl- alone: its own (negative-valence) Nernst potential, inside and outside exchanged
    assert ions.ghk_voltage({"K": 0.0, "Cl": 1.0}, out, inside) == \
        pytest.approx(ions.nernst(110.0, 10.0, z=-1))
    # between the two when both are permeant
    v = ions.ghk_voltage({"K": 1.0, "Na": 0.05}, out, inside)
    assert ions.nernst(5.0, 140.0) < v < ions.nernst(145.0, 12.0)


def test_ghk_currents_cancel_at_the_ghk_voltage():
    perm = {"K": 1e-6, "Na": 0.04e-6, "Cl": 0.45e-6}  # cm/s
    out = {"K": 20.0, "Na": 440.0, "Cl": 560.0}
    inside = {"K": 400.0, "Na": 50.0, "Cl": 40.0}
    v = ions.ghk_voltage(perm, out, inside, 6.3)
    z = {"K": 1, "Na": 1, "Cl": -1}
    currents = {ion: ions.ghk_current(v, perm[ion], out[ion], inside[ion], z[ion], 6.3)
                for ion in perm}
    total = sum(currents.values())
    assert abs(total) < 1e-9 * max(abs(c) for c in currents.values())
    assert currents["K"] > 0 and currents["Na"] < 0  # K+ leaks out, Na+ in
    # each ion's current is zero at its own Nernst potential, outward above it
    e_k = ions.nernst(20.0, 400.0, 1, 6.3)
    assert abs(ions.ghk_current(e_k, 1e-6, 20.0, 400.0, 1, 6.3)) < 1e-12
    assert ions.ghk_current(e_k + 10, 1e-6, 20.0, 400.0, 1, 6.3) > 0
    # at V = 0 the limit P z F (c_in - c_out): 1e-8 m/s x 96485 x 380 mol/m^3 = 0.3667 A/m^2
    assert ions.ghk_current(0.0, 1e-6, 20.0, 400.0) == pytest.approx(36.66, rel=1e-3)
    assert ions.ghk_current(1e-12, 1e-6, 20.0, 400.0) == pytest.approx(
        ions.ghk_current(0.0, 1e-6, 20.0, 400.0), rel=1e-9)


def test_catalog_ion_sets_rest_where_the_lecture_says():
    mammal = ions.resting_potentials("ions_mammalian_neuron")
    assert mammal["rest"] == pytest.approx(-70.0, abs=0.5)  # the lecture's -70 mV
    # the ladder: E_K < rest < E_Na, with E_Cl near rest and E_Ca far above
    assert mammal["K"] < mammal["rest"] < 0 < mammal["Na"] < mammal["Ca"]
    assert abs(mammal["Cl"] - mammal["rest"]) < 10.0
    squid = ions.resting_potentials("ions_squid_axon")
    # Hodgkin & Katz's squid axon: rest near -60 mV, E_K near -72, E_Na near +52 at 6.3 C
    assert squid["rest"] == pytest.approx(-59.4, abs=0.5)
    assert squid["K"] == pytest.approx(-72.1, abs=0.1)
    assert squid["Na"] == pytest.approx(52.4, abs=0.1)


def test_hodgkin_katz_rest_bends_away_from_e_k_at_low_potassium():
    k = np.geomspace(2.0, 400.0, 60)
    hk = ions.hodgkin_katz(k, "ions_squid_axon", temperature=20.0)
    # E_K: a straight line of 58.2 mV per decade at 20 C
    slope_ek = np.polyfit(np.log10(k), hk["e_k"], 1)[0]
    assert slope_ek == pytest.approx(58.17, abs=0.01)
    # the rest follows E_K at high [K]o (within 3.5 mV above 100 mM) and departs from it at low
    # [K]o, where the Na+ permeability holds it up (over 15 mV at 2 mM)
    gap = hk["rest"] - hk["e_k"]
    assert np.all(gap > 0)
    assert np.all(gap[k > 100] < 3.5) and gap[0] > 15.0
    high = k > 100
    slope_rest = np.polyfit(np.log10(k[high]), hk["rest"][high], 1)[0]
    assert 50.0 < slope_rest < 58.2


@pytest.mark.parametrize("call, match", [
    (lambda: ions.nernst(-5.0, 140.0), "'c_out' parameter of nernst must be concentrations > 0"),
    (lambda: ions.nernst(5.0, 0.0), "'c_in' parameter of nernst must be concentrations > 0"),
    (lambda: ions.nernst(5.0, 140.0, temperature=-300.0), "above absolute zero"),
    (lambda: ions.nernst(5.0, 140.0, z=0), "'z' parameter of nernst"),
    (lambda: ions.ghk_voltage({"Na": 1.0}, {"Na": 1.0}, {"Na": 1.0}), "with K\\+"),
    (lambda: ions.ghk_voltage({"K": 1.0, "Ca": 1.0}, {"K": 1.0}, {"K": 1.0}), "'Ca'"),
    (lambda: ions.ghk_voltage({"K": 1.0, "Na": 1.0}, {"K": 1.0}, {"K": 1.0, "Na": 1.0}),
     "'Na' is missing"),
    (lambda: ions.ghk_current(0.0, -1.0, 5.0, 140.0), "'permeability' parameter"),
    (lambda: ions.resting_potentials("lif_lecture"), "'ion_set' parameter"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(neurosim.InvalidInput, match=match):
        call()


def test_the_ion_figures_label_what_they_show():
    import matplotlib.pyplot as plt

    from neurosim import figures

    fig = figures.fig_ion_ladder()
    text = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "rest (GHK)  −70 mV" in text and "rest (GHK)  −59 mV" in text
    assert "−89 mV" in text and "+67 mV" in text
    plt.close(fig)
    fig = figures.fig_hodgkin_katz()
    text = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "58 mV per tenfold" in text  # ln(10) RT/F at 20 C
    plt.close(fig)
