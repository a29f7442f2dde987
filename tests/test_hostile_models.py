"""Hostile input to models and the command line (issue 29): parameters that made a model
silently wrong are refused by name, and the command line checks its flags before it runs."""

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
