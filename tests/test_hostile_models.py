"""Hostile input to models and the command line (issue 29): parameters that made a model
silently wrong are refused by name, and the command line checks its flags before it runs."""

import numpy as np
import pytest

import neurosim
from neurosim.cli import main


def test_an_izhikevich_reset_at_or_above_the_cut_off_is_refused():
    # c = 40 > v_peak = 30 fired at 1360 Hz with v at -174 mV
    with pytest.raises(neurosim.ParameterError, match=r"'c' key of izhikevich_2003"
                       r":regular_spiking must be below v_peak = 30.0. Got 40.0"):
        neurosim.load_model("izhikevich_2003").replace(c=40.0)
    neurosim.load_model("izhikevich_2003").replace(c=29.0)  # just below: a model still


def test_an_adex_slope_factor_the_kernels_cannot_resolve_is_refused():
    # Delta_T = 1e-300 sat 12 mV above V_T without ever spiking (the upswing is capped)
    with pytest.raises(neurosim.ParameterError, match=r"'delta_t' key .* must be at least "
                       r"0.01 mV \(for a sharp threshold use the LIF model\)"):
        neurosim.load_model("adex_brette_gerstner_2005").replace(delta_t=1e-300)
    # at the limit it still spikes where the sharp-threshold (LIF-like) limit says: as soon as
    # the drive holds V above V_T
    p = neurosim.load_model("adex_brette_gerstner_2005").replace(delta_t=0.01)
    res = neurosim.simulate("adex", 1.0, 100.0, params=p)
    assert res.spike_counts[0] > 0


@pytest.mark.parametrize("dpi", ["5000", "0", "-5", "1e6"])
def test_the_dpi_is_bounded_before_anything_runs(tmp_path, capsys, dpi):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "lif", "--dpi", dpi, "--out", str(tmp_path / "x.png")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --dpi: must be a resolution in [10, 1200] dots per inch, got '{dpi}'" \
        in err
    assert list(tmp_path.iterdir()) == []


def test_negative_numbers_in_any_notation_are_values(tmp_path, capsys):
    out = tmp_path / "x.png"
    assert main(["simulate", "lif", "--current", "-1e-1", "--duration", "20", "--out",
                 str(out)]) == 0
    assert "-0.1 nA" in capsys.readouterr().out


def test_a_sweep_with_a_negative_duration_is_refused_before_any_point_runs(tmp_path, capsys):
    # it failed in each of the grid's 56 points, after starting a cluster for them
    import time

    t0 = time.perf_counter()
    assert main(["sweep", "brunel-phase", "--duration", "-1", "--out", str(tmp_path / "p"),
                 "--no-progress"]) == 2
    assert "--duration must be a float in (0, inf] ms. Got -1.0 instead." in \
        capsys.readouterr().err
    assert time.perf_counter() - t0 < 5.0
    assert not (tmp_path / "p" / "phase.json").exists()


@pytest.fixture
def one_gib(monkeypatch):
    """A machine with 1 GiB free: runs may keep 0.8 GiB."""
    from neurosim._core import resources as _resources

    monkeypatch.setattr(_resources, "available_memory", lambda: 2**30)


def _no_refractory():
    return neurosim.load_model("lif_lecture").replace(t_ref=0.0)


def test_a_lif_run_whose_spikes_outgrow_memory_stops_with_the_count(one_gib):
    # t_ref = 0 and 1e5 nA: each neuron fires every 2e-4 ms, 5e7 spikes in 100 ms (1 GB at 20
    # bytes a spike); the run grew to 4.7 GB before numpy's MemoryError
    with pytest.raises(neurosim.ResourceError, match=r"simulate_lif stopped at t = [\d.]+ ms: "
                       r"its 100 neuron\(s\) had fired [\d,]+ spikes \(a mean 5e\+06 Hz each\)"
                       r".*give the neurons a refractory period \(t_ref > 0\)"):
        neurosim.simulate_lif([1e5] * 100, 100.0, params=_no_refractory(), record=("spikes",))
    # a tenth of the duration fits, and fires at the analytic rate
    res = neurosim.simulate_lif([1e5] * 100, 10.0, params=_no_refractory(),
                                record=("spikes",))
    rate = neurosim.analysis.lif_rate(1e5, _no_refractory())
    assert res.spike_counts[0] == pytest.approx(rate * 0.01, abs=1)


def test_a_drive_whose_spike_buffers_cannot_fit_is_refused_before_allocating(one_gib):
    # 1e12 nA: 5e9 spikes a neuron in one 0.1-ms step; numpy tried to allocate 74.5 GiB
    with pytest.raises(neurosim.ResourceError, match=r"simulate_lif would need about [\d.]+ "
                       r"GiB of memory for spike buffers for up to 5,000,\d{3},\d{3} spikes a "
                       r"neuron in one step of 0.1 ms"):
        neurosim.simulate_lif(1e12, 10.0, params=_no_refractory())
    with pytest.raises(neurosim.ResourceError, match=r"Network.run would need .* spike "
                       r"buffers .* give the LIF neurons a refractory period"):
        neurosim.Network(populations=(neurosim.Population(
            "P", "lif", 1, overrides={"t_ref": 0.0, "i_ext": 1e12}),)).run(10.0)


def test_a_network_whose_spikes_outgrow_memory_stops_with_the_count(one_gib):
    net = neurosim.Network(populations=(neurosim.Population(
        "P", "lif", 100, overrides={"t_ref": 0.0, "i_ext": 1e5}),))
    with pytest.raises(neurosim.ResourceError, match=r"Network.run stopped at t = [\d.]+ ms: "
                       r"its 100 neuron\(s\) had fired [\d,]+ spikes \(a mean 5e\+06 Hz each\)"):
        net.run(100.0)


@pytest.mark.parametrize("build, count", [
    (lambda: neurosim.morphology.axon(1000.0, 1.0, n_seg=10**9), "1,000,000,001"),
    # the d_lambda rule lays a kilometre of 1-um axon out in 21 million compartments
    (lambda: neurosim.morphology.axon(1e9, 1.0), "21,091,458"),
    (lambda: neurosim.morphology.axon(1e9, 1.0, myelinated=True), "99,009,902"),
])
def test_a_morphology_too_big_to_compile_is_refused_when_built(one_gib, build, count):
    # these ran out of memory laying out the compartments one by one
    with pytest.raises(neurosim.ResourceError, match=rf"Morphology would need about [\d.]+ "
                       rf"GiB of memory for compiling {count} compartments, .* give the "
                       r"sections fewer compartments \(n_seg\) or a coarser d_lambda"):
        build()


def test_the_node_count_is_what_compile_lays_out():
    from neurosim import morphology

    cells = [morphology.axon(1000.0, 1.0, n_seg=7), morphology.axon(20000.0, 10.0,
                                                                     myelinated=True),
             morphology.ball_and_stick(), morphology.load_swc(morphology.swc_path())]
    for cell in cells:
        # one junction a section at most: the count is an upper bound, tight to the junctions
        n_junctions = len({(s.parent, s.parent_x) for s in cell.sections
                           if s.parent is not None and s.parent_x in (0.0, 1.0)})
        assert cell.n_nodes == cell.compile().n + len(cell.sections) - n_junctions


def test_a_cable_run_that_cannot_finish_is_refused_before_compiling(monkeypatch):
    cell = neurosim.morphology.axon(1e9, 1.0)  # 21 million compartments: 40 s to compile

    def compile(*args):
        raise AssertionError("compiled before the run was checked")

    monkeypatch.setattr(neurosim.morphology.Morphology, "compile", compile)
    with pytest.raises(neurosim.ResourceError, match=r"simulate_cable would run for about "
                       r"15.6 hours \(21,091,458 compartments x 40,000 steps\)"):
        neurosim.cable.simulate_cable(cell, 1000.0, record="axon(0.5)")


@pytest.mark.parametrize("argv, said", [
    # the library calls song2000's length "duration": it was reported as --duration, a flag
    # the stdp command does not have
    (["stdp", "song2000", "--seconds", "-5"], "--seconds must be a float in (0, inf]. Got -5.0"),
    (["reflex", "--heat-duration", "-5"], "--heat-duration must be a float in (0, inf] ms. "
     "Got -5.0"),
    (["reflex", "--duration", "-5"], "--duration must be a float in (0, inf] ms. Got -5.0"),
    # a negative duration was blamed on --start
    (["simulate", "lif", "--duration", "-5"], "--duration must be a time > 0 ms. Got -5"),
])
def test_the_command_line_blames_the_flag_that_was_typed(tmp_path, capsys, argv, said):
    assert main([*argv, "--out", str(tmp_path / "x.png")]) == 2
    assert capsys.readouterr().err == f"neurosim: error: {said} instead.\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs, said", [
    # these were blamed on siegert_rate's mu (nan), or returned a rate of 0 Hz (tau < 0)
    ({"g": float("nan")}, "'g' parameter of brunel_rate must be a float in [0, inf]. Got nan"),
    ({"tau": -20.0}, "'tau' parameter of brunel_rate must be a float in (0, inf] ms"),
    ({"t_ref": 0.0}, "'t_ref' parameter of brunel_rate must be a float in (0, inf] ms"),
    ({"v_reset": 30.0}, "'v_reset' parameter of brunel_rate must be a float in (-inf, 20) mV"),
    ({"C_E": 0}, "'C_E' parameter of brunel_rate must be an int >= 1. Got 0"),
])
def test_brunel_rate_names_its_own_parameters(kwargs, said):
    args = {"g": 5.0, "eta": 2.0, **kwargs}
    with pytest.raises(neurosim.InvalidInput) as info:
        neurosim.analysis.brunel_rate(args.pop("g"), args.pop("eta"), **args)
    assert said in str(info.value)


@pytest.mark.parametrize("address, said", [
    ("not a url", "Got 'not a url' (missing port number in address 'not a url')"),
    ("tcp://127.0.0.1:9", "Got 'tcp://127.0.0.1:9', where no scheduler answered within 1 s"),
])
def test_a_scheduler_address_that_leads_nowhere_is_one_line(tmp_path, capsys, monkeypatch,
                                                           address, said):
    # Dask's traceback came after 30 s
    from neurosim import _sweep

    monkeypatch.setattr(_sweep, "CONNECT_TIMEOUT", 1.0)
    assert main(["sweep", "brunel-phase", "--scheduler", address, "--out",
                 str(tmp_path / "phase"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == ("neurosim: error: --scheduler must be the address of a running Dask "
                   f"scheduler (tcp://host:port). {said} instead.\n")


def test_an_infinite_drive_fires_at_the_refractory_limit_and_never_returns_nan():
    # r_m = 1e308 (V_inf overflows to inf) returned NaN from the first step
    p = neurosim.load_model("lif_lecture").replace(r_m=1e308)
    res = neurosim.simulate_lif(1.0, 50.0, params=p)
    assert np.isfinite(res.v).all()
    # the exact answer to an infinite drive: a spike the moment each refractory period ends
    np.testing.assert_allclose(res.spikes(), np.arange(0.0, 50.0 + 1e-9, p.t_ref), atol=1e-9)


def test_a_model_entry_with_a_bad_network_rule_is_refused():
    # the engine would index a step that is not there: refused at registration, named
    import dataclasses

    spec = dataclasses.replace(neurosim.registry.get("qif"), name="qif_copy", catalog="x",
                               aliases=(), network=neurosim.registry.NetworkRule("sometimes"))
    with pytest.raises(neurosim.ParameterError, match="NetworkRule with spike 'exact'"):
        neurosim.registry.register(spec)
    assert "qif_copy" not in neurosim.registry.names()
