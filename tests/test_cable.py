"""The cable engine against the passive cable's exact solution, Hodgkin & Huxley's computed
conduction velocity, the diameter laws, and hand-solved single-compartment inputs."""

import math

import numpy as np
import pytest

import neurosim
from neurosim import cable, morphology, stimulus
from neurosim.morphology import Myelin, Section

R_M = 1.0 / 0.3e-3  # ohm cm^2 of the passive leak, 0.3 mS/cm^2


def _passive_cable(length, diameter, n_seg):
    return morphology.Morphology((Section("cable", length, diameter, n_seg=n_seg,
                                          channels="passive"),))


def _steady(morph, current, record):
    res = cable.simulate_cable(morph, 60.0, dt=0.1, record=record,
                               stimuli=[cable.CurrentClamp("cable(0)", current)])
    return res.v[-1] + 65.0


def test_passive_cable_decays_with_the_length_constant():
    lam = cable.length_constant(2.0, R_M, 35.4)
    assert lam == pytest.approx(math.sqrt(2e-4 * R_M / (4 * 35.4)) * 1e4)
    length = 10 * lam  # long: cosh((L - x)/lam) is exp(-x/lam) to 1e-8 for x < 3 lam
    morph = _passive_cable(length, 2.0, 1000)
    xs = np.linspace(0.0, 0.3, 31)
    dv = _steady(morph, 0.05, [f"cable({x:.4f})" for x in xs])
    tree = morph.compile()
    dist = np.array([tree.distance[tree.node(f"cable({x:.4f})")] for x in xs])
    slope = np.polyfit(dist, np.log(dv), 1)[0]
    assert -1.0 / slope == pytest.approx(lam, rel=0.01)
    # and point by point against exp(-x/lam)
    np.testing.assert_allclose(dv / dv[0], np.exp(-(dist - dist[0]) / lam), rtol=0.01)


def test_input_resistance_matches_the_finite_cable_formula():
    lam = cable.length_constant(1.0, R_M, 100.0)
    for length in (0.5 * lam, 2.0 * lam):
        morph = morphology.Morphology((Section("cable", length, 1.0, n_seg=400, r_a=100.0,
                                               channels="passive"),))
        current = 0.01  # nA
        dv0 = _steady(morph, current, ["cable(0)"])[0]
        # the recorded compartment's centre sits half a segment in: correct to x = 0
        x0 = length / 800
        r_in = dv0 / current / math.cosh((length - x0) / lam) * math.cosh(length / lam)
        assert r_in == pytest.approx(cable.input_resistance(length, 1.0, R_M, 100.0),
                                     rel=0.01)


def _velocity(morph, amplitude, duration, temperature, a="axon(0.4)", b="axon(0.6)",
              dt=0.01):
    res = cable.simulate_cable(morph, duration, dt=dt, method="crank_nicolson",
                               temperature=temperature, record=[a, b],
                               stimuli=[cable.CurrentClamp("axon(0)",
                                                           stimulus.step(amplitude, 0.0, 0.2))])
    return cable.conduction_velocity(res, a, b)


def test_squid_giant_axon_conducts_at_hodgkin_huxleys_velocity():
    # Hodgkin & Huxley (1952), part VI: radius 238 um, R_i 35.4 ohm cm, 18.5 C; their
    # computed velocity 18.8 m/s (measured 21.2 m/s)
    fibre = morphology.axon(20000.0, 476.0, n_seg=500)
    assert _velocity(fibre, 5000.0, 12.0, 18.5) == pytest.approx(18.8, rel=0.01)


def test_unmyelinated_velocity_grows_as_the_square_root_of_diameter():
    v = [_velocity(morphology.axon(2000.0 * d, d, n_seg=200), 3.0 * d**1.5, 20.0, 18.5)
         for d in (1.0, 4.0)]
    assert v[1] / v[0] == pytest.approx(2.0, rel=0.02)
    # and the squid axon's 18.8 m/s scaled by sqrt(d / 476 um)
    assert v[0] == pytest.approx(18.8 * math.sqrt(1.0 / 476.0), rel=0.03)


def test_myelinated_velocity_grows_in_proportion_to_diameter_and_far_faster():
    v = []
    for d in (1.0, 2.0):
        fibre = morphology.axon(20000.0 * d, d, myelinated=True)
        v.append(_velocity(fibre, 3.0 * d, 10.0, 18.5, "axon(0.3)", "axon(0.7)", dt=0.005))
    assert v[1] / v[0] == pytest.approx(2.0, rel=0.05)
    bare = _velocity(morphology.axon(2000.0, 1.0, n_seg=200), 3.0, 20.0, 18.5)
    assert v[0] > 5.0 * bare


def test_exp_current_synapse_on_one_compartment_matches_the_rc_solution():
    # one passive compartment, C dV/dt = -V/R + w exp(-t/tau_s):
    # V = w R tau_s / (tau_s - tau_m) (exp(-t/tau_s) - exp(-t/tau_m))
    d = math.sqrt(1e5 / math.pi)  # 1e-3 cm^2 of membrane: 1 nA is 1 uA/cm^2
    morph = morphology.Morphology((Section("soma", d, d, channels="passive"),))
    tau_s, w, t0 = 2.0, 0.5, 1.0
    syn = cable.Synapse("soma", [t0], w, kind="exp_current", tau=tau_s)
    res = cable.simulate_cable(morph, 30.0, dt=0.001, synapses=[syn], record="soma")
    tau_m, r = 1.0 / 0.3, R_M / 1e-3 * 1e-6  # ms, MOhm
    t = np.clip(res.t - t0, 0.0, None)
    ref = w * r * tau_s / (tau_s - tau_m) * (np.exp(-t / tau_s) - np.exp(-t / tau_m))
    assert np.max(np.abs(res.at("soma") + 65.0 - ref)) < 2e-3 * ref.max()


def test_delta_synapse_jumps_then_decays_with_the_membrane_time_constant():
    d = math.sqrt(1e5 / math.pi)
    morph = morphology.Morphology((Section("soma", d, d, channels="passive"),))
    syn = cable.Synapse("soma", [2.0, 2.0], 1.5, kind="delta")  # two at once: 3 mV
    res = cable.simulate_cable(morph, 12.0, dt=0.001, synapses=[syn])
    tau_m = 1.0 / 0.3
    after = res.t > 2.0 + 1e-9  # V at 2.0 ms is recorded before that step's events
    ref = 3.0 * np.exp(-(res.t[after] - 2.0) / tau_m)
    assert np.max(np.abs(res.at("soma")[after] + 65.0 - ref)) < 3.0 * 1e-3


def test_conductance_synapse_pulls_towards_its_reversal_potential():
    d = math.sqrt(1e5 / math.pi)
    morph = morphology.Morphology((Section("soma", d, d, channels="passive"),))
    # a conductance held high (many events) settles where its current balances the leak:
    # V = (g_l A e_l + g e) / (g_l A + g) for a constant g
    g_nS, e = 50.0, 0.0
    syn = cable.Synapse("soma", np.arange(0, 200, 0.01), g_nS * (1 - math.exp(-0.01 / 1e3)),
                        tau=1e3, e_rev=e)
    res = cable.simulate_cable(morph, 200.0, dt=0.01, synapses=[syn])
    g_leak = 0.3e-3 * 1e-3 * 1e9  # nS: 0.3 mS/cm^2 on 1e-3 cm^2
    g_end = g_nS * (1 - math.exp(-200 / 1e3))
    expected = (g_leak * -65.0 + g_end * e) / (g_leak + g_end)
    assert res.at("soma")[-1] == pytest.approx(expected, abs=0.2)


def test_result_saves_and_loads_with_its_morphology(tmp_path):
    cell = morphology.ball_and_stick()
    res = cable.simulate_cable(cell, 10.0, record=["soma", "axon(0.9)"],
                               stimuli=[cable.CurrentClamp("soma", stimulus.step(1.0, 1.0, 2.0))])
    back = neurosim.load_result(res.save(tmp_path / "cable.npz"))
    assert isinstance(back, cable.CableResult)
    np.testing.assert_array_equal(back.v, res.v)
    assert back.locations == ["soma(0.5)", "axon(0.9)"]
    assert back.spikes_at("axon(0.9)").size == 1
    assert back.morphology == cell
    assert cable.conduction_velocity(back, "soma", "axon(0.9)") == \
        cable.conduction_velocity(res, "soma", "axon(0.9)")


def test_shipped_swc_loads_and_fires_from_the_soma_down_the_axon():
    cell = morphology.load_swc(morphology.swc_path())
    names = cell.names
    assert names[0] == "soma" and "axon[0]" in names and "apic[2]" in names
    assert cell["apic[1]"].parent == "apic[0]" and cell["axon[0]"].parent == "soma"
    res = cable.simulate_cable(cell, 15.0, record=["soma", "axon[0](0.9)", "apic[1](0.9)"],
                               stimuli=[cable.CurrentClamp("soma", stimulus.step(1.0, 1.0, 3.0))])
    soma, axon_end, tuft = (res.spike_times[k] for k in range(3))
    assert soma.size == 1 and axon_end.size == 1 and axon_end[0] > soma[0]
    # the passive tuft sees the spike late and attenuated
    assert tuft.size <= 1 and (tuft.size == 0 or tuft[0] > soma[0])
    assert np.max(res.v[:, 2]) < np.max(res.v[:, 0]) - 10.0


def test_crank_nicolson_is_second_order():
    # the order p fitted to the first-spike error at dt, dt/2 and dt/4 against a dt/16 run:
    # about 2 for Crank-Nicolson, about 1 for backward Euler (measured 1.97 and 1.19), in
    # bands that do not meet, so that neither method passes for the other
    cell = morphology.ball_and_stick(n_seg=9)
    kw = dict(record="axon(0.5)", stimuli=[cable.CurrentClamp("soma",
                                                             stimulus.step(1.0, 0.0, 1.0))])

    def first_spike(method, dt):
        return cable.simulate_cable(cell, 6.0, dt=dt, method=method, **kw).spike_times[0][0]

    dts = 0.025 / np.array([1.0, 2.0, 4.0])
    for method, (low, high) in (("crank_nicolson", (1.7, 2.3)), ("backward_euler", (0.9, 1.4))):
        ref = first_spike(method, 0.025 / 16)
        err = [abs(first_spike(method, dt) - ref) for dt in dts]
        order = np.polyfit(np.log(dts), np.log(err), 1)[0]
        assert low < order < high, (method, order)


@pytest.mark.parametrize(("build", "match"), [
    (lambda: Section("a", 10.0, 0.0), "'diameter' parameter of Section"),
    (lambda: Section("a", 10.0, -1.0), "'diameter' parameter of Section"),
    (lambda: Section("a", 10.0, 1.0, n_seg=0), "'n_seg' parameter of Section"),
    (lambda: Section("a", 10.0, 1.0, channels="squid"), "'channels' parameter of Section"),
    (lambda: Section("a", 10.0, 1.0, densities={"g_x": 1.0}), "'densities'"),
    (lambda: Section("a", 10.0, 1.0, channels="hh", densities={"c_m": 2.0}), "'densities'"),
    (lambda: Section("a", 100.0, 1.0, myelin=Myelin(internode_length=200.0)),
     "myelinated section needs nodes"),
    (lambda: morphology.Morphology((Section("soma", 10, 10),
                                    Section("d", 10, 1, parent="dend"))),
     "'sections\\[1\\].parent'"),
    (lambda: morphology.Morphology((Section("soma", 10, 10), Section("soma", 10, 1,
                                                                     parent="soma"))),
     "'sections\\[1\\].name'"),
])
def test_bad_morphologies_are_named(build, match):
    with pytest.raises(neurosim.InvalidInput, match=match):
        build()


def test_bad_swc_lines_are_named(tmp_path):
    bad = tmp_path / "bad.swc"
    bad.write_text("1 1 0 0 0 5 -1\n2 3 0 10 0 1 7\n")
    with pytest.raises(neurosim.ParameterError, match="parent on line 2"):
        morphology.load_swc(bad)
    bad.write_text("1 1 0 0 0 0 -1\n")
    with pytest.raises(neurosim.ParameterError, match="radius on line 1"):
        morphology.load_swc(bad)
    bad.write_text("1 3 0 0 0 1 -1\n")
    with pytest.raises(neurosim.ParameterError, match="must have a soma"):
        morphology.load_swc(bad)


def test_bad_runs_are_named_and_blow_ups_raise():
    cell = morphology.ball_and_stick()
    with pytest.raises(neurosim.ParameterError, match="'record' parameter of simulate_cable"):
        cable.simulate_cable(cell, 5.0, record="spine(0.5)")
    with pytest.raises(neurosim.ParameterError, match="'method'"):
        cable.simulate_cable(cell, 5.0, method="rk4")
    with pytest.raises(neurosim.ParameterError, match="'dt'"):
        cable.simulate_cable(cell, 5.0, dt=0.0)
    with pytest.raises(neurosim.ParameterTypeError, match="'stimuli\\[0\\]'"):
        cable.simulate_cable(cell, 5.0, stimuli=[1.0])
    with pytest.raises(neurosim.SimulationError, match="reduce dt"):
        cable.simulate_cable(cell, 5.0, stimuli=[cable.CurrentClamp("hillock", 1e9)])
    res = cable.simulate_cable(cell, 5.0, record=["soma", "axon(0.5)"])
    with pytest.raises(neurosim.ParameterError, match="'from_' parameter of conduction"):
        cable.conduction_velocity(res, "soma", "axon(0.5)")


def test_catalog_morphology_loads_and_names_bad_keys(tmp_path):
    assert "brill_1977" in morphology.list_morphologies()
    fibre = morphology.load_morphology("brill_1977")
    assert fibre.temperature == 20.0 and "Brill" in fibre.citation
    tree = fibre.compile()
    nodes = [p for p, _, _ in tree.pieces["axon"] if ".node[" in p]
    assert len(nodes) == 50  # 49 internodes of 1000 um between 50 nodes
    inter = tree.seg_range["axon.internode[0]"]
    assert inter[1] - inter[0] == 10
    # the per-length values of the paper, converted: 1.26e8 ohm/cm over pi (5 um)^2
    assert fibre["axon"].r_a == pytest.approx(1.26e8 * math.pi * 5e-4**2, rel=1e-3)
    assert morphology.Morphology.from_dict(fibre.to_dict()) == fibre
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[sections]]\nname = "a"\nlength = 10.0\ndiameter = 1.0\n'
                   'colour = "red"\n')
    with pytest.raises(neurosim.ParameterError, match=r"'colour' key of .*bad\.toml"):
        morphology.load_morphology(bad)
    bad.write_text('name = "x"\n[[sections]]\nname = "a"\nlength = 10.0\n')
    with pytest.raises(neurosim.ParameterError, match="'diameter' key"):
        morphology.load_morphology(bad)
