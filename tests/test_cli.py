import subprocess
import sys

import pytest

from neurosim.cli import main


@pytest.mark.parametrize("ext", ["png", "pdf", "svg"])
def test_simulate_hh_writes_the_file(tmp_path, capsys, ext):
    out = tmp_path / f"ap.{ext}"
    assert main(["simulate", "hh", "--current", "10", "--duration", "50", "--out", str(out)]) == 0
    assert out.stat().st_size > 5000
    head = out.read_bytes()[:8]
    assert head.startswith({"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}[ext])
    text = capsys.readouterr().out
    assert "3 spikes" in text  # 10 uA/cm^2 from 5 ms: spikes at 6.9, 21.8 and 36.5 ms
    assert f"wrote {out}" in text


def test_models_lists_the_catalog(capsys):
    assert main(["models"]) == 0
    assert "hodgkin_huxley_1952" in capsys.readouterr().out


def test_bad_out_suffix_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "hh", "--out", str(tmp_path / "ap.jpg")])
    assert info.value.code == 2


def test_bad_value_is_reported_not_traced(tmp_path, capsys):
    assert main(["simulate", "hh", "--dt", "-1", "--out", str(tmp_path / "a.png")]) == 2
    assert "The 'dt' parameter of simulate_hh" in capsys.readouterr().err


def test_figures_renders_the_set_reproducibly(tmp_path):
    from neurosim.figures import FIGURE_SET

    out1, out2 = tmp_path / "a", tmp_path / "b"
    assert main(["figures", "--out", str(out1), "--format", "png,svg", "--no-progress"]) == 0
    for name in FIGURE_SET:
        png = out1 / f"{name}.png"
        assert png.stat().st_size > 20_000
        assert (out1 / f"{name}.svg").is_file()
    main(["figures", "--out", str(out2), "--format", "png,svg", "--no-progress"])
    for name in FIGURE_SET:
        for ext in ("png", "svg"):
            assert (out1 / f"{name}.{ext}").read_bytes() == (out2 / f"{name}.{ext}").read_bytes()


def test_console_script_help():
    out = subprocess.run([sys.executable, "-m", "neurosim", "--help"], capture_output=True,
                         text=True, check=True)
    for command in ("simulate", "figures", "models"):
        assert command in out.stdout


@pytest.mark.parametrize(("model", "expected"), [
    ("lif", "LIF, 2 nA from 5 ms for 100 ms (exact, dt = 0.1 ms): 5 spikes"),
    ("izhikevich", "Izhikevich (regular_spiking), 10 model units from 5 ms for 200 ms"),
    ("adex", "AdEx (regular_spiking), 0.8 nA from 5 ms for 300 ms (rk4, dt = 0.01 ms): 6 spikes"),
])
def test_simulate_point_models(tmp_path, capsys, model, expected):
    out = tmp_path / f"{model}.png"
    assert main(["simulate", model, "--out", str(out)]) == 0
    assert out.stat().st_size > 5000
    assert expected in capsys.readouterr().out


@pytest.mark.brian2
def test_reflex_command(tmp_path, capsys):
    out = tmp_path / "reflex.png"
    assert main(["reflex", "--temperature", "50", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "withdrawal (force onset): 67.5 ms" in text  # the default arc, seeded
    assert "extensor motor neurons: 30 Hz before, 0 Hz during the reflex" in text
    assert out.stat().st_size > 20_000
    assert main(["reflex", "--cut", "spinal", "--out", str(out)]) == 2  # unknown stage
