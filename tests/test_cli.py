"""The neurosim command: what it writes, and how it fails (one line, the flag's name, a
non-zero exit, no partial output)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from slides import check_slide_png

import neurosim
from neurosim.cli import main


@pytest.mark.parametrize("ext", ["png", "pdf", "svg"])
def test_simulate_hh_writes_the_file(tmp_path, capsys, ext):
    out = tmp_path / f"ap.{ext}"
    assert main(["simulate", "hh", "--current", "10", "--duration", "50", "--out", str(out)]) == 0
    head = out.read_bytes()[:8]
    assert head.startswith({"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}[ext])
    if ext == "png":
        check_slide_png(out)
    text = capsys.readouterr().out
    want = neurosim.simulate_hh(neurosim.stimulus.step(10.0, 5.0), 50.0).spikes()
    assert f"{want.size} spikes" in text
    assert ", ".join(f"{s:.3f}" for s in want) in text
    assert f"wrote {out}" in text
    assert list(tmp_path.iterdir()) == [out]  # nothing else left behind


def test_png_resolution_follows_dpi(tmp_path):
    sizes = {}
    for dpi in (100, 200):
        out = tmp_path / f"lif{dpi}.png"
        assert main(["simulate", "lif", "--dpi", str(dpi), "--out", str(out)]) == 0
        with open(out, "rb") as fh:
            head = fh.read(24)
        sizes[dpi] = int.from_bytes(head[16:20], "big")  # PNG width in pixels
    assert sizes[200] == pytest.approx(2 * sizes[100], rel=0.02)


def test_models_lists_the_registry_and_the_catalog(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for spec in neurosim.registry.specs():
        assert spec.catalog in out and spec.input_unit in out
    # one column for the input units, however long a model's names (QIF's overran it)
    columns = {line.index("input in") for line in out.splitlines() if "  input in " in line}
    assert len(columns) == 1
    assert "song_abbott_2000" in out
    # and the network specs, each with its description
    for name in neurosim.list_networks():
        assert f"{name} " in out and neurosim.load_network(name).description in out


def test_catalog_names_are_commands(tmp_path, capsys):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert main(["simulate", "lif_lecture", "--out", str(a)]) == 0
    first = capsys.readouterr().out
    assert main(["simulate", "lif", "--out", str(b)]) == 0
    assert capsys.readouterr().out.replace(str(b), "") == first.replace(str(a), "")


def test_bad_out_suffix_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "hh", "--out", str(tmp_path / "ap.jpg")])
    assert info.value.code == 2


def _fails(argv, capsys, code=2):
    """Run the command, expect exit ``code`` and exactly one line on stderr; return it."""
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neurosim: error: "), err
    return err


@pytest.mark.parametrize(("argv", "flag"), [
    (["simulate", "hh", "--dt", "-1"], "--dt must be a float in (0, inf] ms. Got -1.0"),
    (["simulate", "hh", "--dt", "0.5"], "--dt must be a float in (0, 0.06] ms"),
    (["simulate", "hh", "--temperature", "80"], "--temperature must be a float in [-20, 60]"),
    (["simulate", "lif", "--duration", "10.05", "--dt", "0.1"],
     "--duration must be a positive multiple of dt = 0.1 ms"),
    (["simulate", "lif", "--start", "200"], "--start (200 ms) must be before the end of the "
                                           "run (--duration 100 ms)"),
    (["simulate", "hh", "--start", "-2"], "--start must be a float in [0, inf] ms"),
    (["simulate", "adex", "--dt", "0.5"], "--dt must be a float in (0, 0.1] ms"),
    (["reflex", "--temperature", "200"], "--temperature must be a float in [-20, 100]"),
    (["reflex", "--cut", "spinal"], "--cut must be one of 'receptors'"),
    (["reflex", "--heat-duration", "0"], "--heat-duration must be a float in (0, inf] ms"),
    (["reflex", "--v-sensory", "-3"], "--v-sensory must be a finite number > 0 in m/s"),
    (["stdp", "pair", "--lag", "700"], "--lag must be shorter than half the pairing period"),
    (["stdp", "window", "--rule", "lif_lecture"], "--rule must be an STDP rule"),
])
def test_bad_values_name_the_flag(tmp_path, capsys, argv, flag):
    out = tmp_path / "x.png"
    err = _fails([*argv, "--out", str(out)], capsys)
    assert flag in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["nan", "inf", "ten"])
def test_non_numbers_are_refused_by_the_parser(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "hh", "--current", value, "--out", str(tmp_path / "a.png")])
    assert info.value.code == 2
    assert "--current" in capsys.readouterr().err


def test_a_blow_up_is_one_line_with_advice(tmp_path, capsys):
    err = _fails(["simulate", "hh", "--current", "-400", "--dt", "0.05", "--out",
                  str(tmp_path / "a.png")], capsys, code=1)
    assert "blew up" in err and "smaller dt" in err
    assert list(tmp_path.iterdir()) == []


def test_a_run_too_big_is_refused_before_it_starts(tmp_path, capsys):
    err = _fails(["simulate", "hh", "--duration", "1e10", "--out", str(tmp_path / "a.png")],
                 capsys, code=1)
    assert "would" in err and "Nothing was" in err


def test_unwritable_and_blocked_outputs(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    err = _fails(["simulate", "lif", "--out", str(blocker / "sub" / "a.png")], capsys)
    assert "--out" in err and "is a file" in err
    folder = tmp_path / "a.png"
    folder.mkdir()
    assert "is a folder" in _fails(["simulate", "lif", "--out", str(folder)], capsys)
    err = _fails(["figures", "--out", str(blocker), "--no-progress"], capsys)
    assert "--out" in err and "is a file" in err
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert "permission denied" in _fails(["simulate", "lif", "--out",
                                              str(locked / "a.png")], capsys)


def test_figure_set_is_written_whole_or_not_at_all(tmp_path, monkeypatch, capsys):
    from neurosim import figures

    out = tmp_path / "set"
    out.mkdir()
    (out / "keep.txt").write_text("earlier work")

    def broken():
        raise neurosim.SimulationError("a figure failed on purpose")

    monkeypatch.setitem(figures.FIGURE_SET, "02_gates", broken)
    err = _fails(["figures", "--out", str(out), "--no-progress"], capsys, code=1)
    assert "failed on purpose" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"]  # no staging folder left
    assert [p.name for p in out.iterdir()] == ["keep.txt"]  # and nothing half-written


def test_figures_renders_the_set_reproducibly(tmp_path):
    from neurosim.figures import FIGURE_SET

    out1, out2 = tmp_path / "a", tmp_path / "b"
    assert main(["figures", "--out", str(out1), "--format", "png,svg", "--no-progress"]) == 0
    for name in FIGURE_SET:
        check_slide_png(out1 / f"{name}.png")
        assert (out1 / f"{name}.svg").read_bytes().startswith(b"<?xml")
    main(["figures", "--out", str(out2), "--format", "png,svg", "--no-progress"])
    for name in FIGURE_SET:
        for ext in ("png", "svg"):
            assert (out1 / f"{name}.{ext}").read_bytes() == (out2 / f"{name}.{ext}").read_bytes()


def test_dark_theme_draws_light_on_dark(tmp_path):
    """Composite a transparent dark-theme figure on black: the trace and text are light."""
    import matplotlib.image as mpimg

    out = tmp_path / "ap.png"
    assert main(["simulate", "hh", "--theme", "dark", "--transparent", "--out", str(out)]) == 0
    rgba = mpimg.imread(out)
    on_black = rgba[..., :3] * rgba[..., 3:4]  # composite on a black slide
    drawn = rgba[..., 3] > 0.5
    assert drawn.mean() < 0.2  # the background is transparent
    brightness = on_black[drawn].mean(axis=1)
    assert np.median(brightness) > 0.6  # what is drawn is light


def test_console_script_help():
    out = subprocess.run([sys.executable, "-m", "neurosim", "--help"], capture_output=True,
                         text=True, check=True)
    for command in ("simulate", "figures", "models"):
        assert command in out.stdout


@pytest.mark.parametrize("model", ["lif", "izhikevich", "adex"])
def test_simulate_point_models_print_the_run(tmp_path, capsys, model):
    spec = neurosim.registry.get(model)
    out = tmp_path / f"{model}.png"
    assert main(["simulate", model, "--out", str(out)]) == 0
    res = neurosim.simulate(model, neurosim.stimulus.step(spec.cli_current, 5.0),
                            spec.cli_duration)
    text = capsys.readouterr().out
    assert (f"{spec.cli_current:g} {spec.input_unit} from 5 ms for {spec.cli_duration:g} ms "
            f"({res.method}, dt = {res.dt:g} ms): {res.spikes().size} spikes") in text
    check_slide_png(out)


def test_reflex_command_prints_the_model(tmp_path, capsys):
    from neurosim.reflex import run_reflex_arc

    out = tmp_path / "reflex.png"
    assert main(["reflex", "--temperature", "50", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    res = run_reflex_arc(neurosim.stimulus.heat(50.0, 20.0, 200.0), 400.0)
    assert f"withdrawal (force onset) {res.reflex_latency:.1f} ms" in text
    # the extensor's rate before the heat is its steady state: the analytic LIF rate of its
    # drive (the Numba engine times each crossing inside its step)
    rate = float(text.split("extensor motor neurons: ")[1].split(" Hz")[0])
    drive = neurosim.load_model("reflex_arc_withdrawal").extensor_drive
    assert rate == pytest.approx(neurosim.analysis.lif_rate(drive), rel=0.002)
    assert "nan" not in text.lower()
    check_slide_png(out)
