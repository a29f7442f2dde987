"""What a user meets first: results that print in a few lines, install hints that work from
this checkout, files with the user's permissions, and the command line's own words."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neurosim
from neurosim import stimulus

ROOT = Path(__file__).resolve().parents[1]


def _rows(obj) -> dict:
    return dict(obj._summary()[1])


def test_a_population_result_prints_its_sizes_and_rates_not_its_arrays():
    pop = neurosim.simulate_lif(np.linspace(0.0, 3.0, 20_000), 500.0, record="all")
    text = repr(pop)
    assert len(text) < 300 and "\n" not in text
    n_spikes = int(pop.spike_times.flat.size)
    rate = n_spikes / (20_000 * 0.5)
    assert f"{n_spikes:,} spikes, {rate:.3g} Hz" in text
    assert "neurons: 20,000" in text and "500 ms at dt = 0.1 ms (exact)" in text
    assert f"v at {pop.t.size:,} times" in text
    # the notebook's table holds the same rows
    html = pop._repr_html_()
    assert html.count("<tr>") == len(_rows(pop)) and "20,000" in html


def test_a_network_result_prints_in_a_few_hundred_characters():
    net = neurosim.load_network("vogels_abbott_cuba")
    res = net.run(50.0, seed=1)
    text = repr(res)
    assert len(text) < 400  # it printed 55,000-127,000 characters (graph and parameters)
    for name in ("E", "I"):
        n = res.sizes[name]
        count = int(res.spike_times[name].flat.size)
        assert f"{name}: {n:,} neurons, {count:,} spikes, {res.rate(name):.3g} Hz" in text
    assert f"synapses: {res.connectivity.n_synapses:,}" in text
    assert "<table>" in res._repr_html_()


def test_cable_reflex_and_report_reprs_are_short():
    from neurosim import cable, morphology
    from neurosim.reflex import run_reflex_arc
    from neurosim.snn_report import load_comparison, load_recurrent_comparison

    c = cable.simulate_cable(morphology.ball_and_stick(), 20.0, record=("soma", "axon(1.0)"),
                             stimuli=[cable.CurrentClamp("soma", stimulus.step(1.0, 1.0, 3.0))])
    assert "ball_and_stick: 4 sections" in repr(c) and "axon(1) 1" in repr(c)
    r = run_reflex_arc(stimulus.heat(50.0, 20.0, 200.0), 400.0)
    assert f"withdrawal: {r.reflex_latency:.1f} ms" in repr(r) and len(repr(r)) < 400
    saved = load_comparison()
    snn = 100 * np.mean(saved.report.snn_accuracy)
    assert f"SNN accuracy: {snn:.1f}" in repr(saved.report) and len(repr(saved)) < 800
    rec = load_recurrent_comparison()
    assert f"LSTM accuracy: {100 * np.mean(rec.accuracy['lstm']):.1f}" in repr(rec)


def test_install_hints_install_from_this_checkout():
    # the name neurosim on the public index is another project's: no hint may name it
    from neurosim._core.validation import install_hint

    assert install_hint("snn").startswith('pip install ".[snn]" in the neurosim checkout')
    bad = re.compile(r"pip install\s+(?:-\S+\s+)*[\"']?neurosim\b|neurosim\[")
    files = [*ROOT.glob("src/neurosim/**/*.py"), *ROOT.glob("tutorials/*.py"),
             ROOT / "README.md", *ROOT.glob("benchmarks/*.py"), ROOT / "benchmarks/README.md"]
    found = [f"{f.relative_to(ROOT)}: {m.group(0)}" for f in files
             for m in bad.finditer(f.read_text(encoding="utf-8"))]
    assert found == []


def test_a_sweep_without_dask_says_how_to_install_it():
    code = ("import sys; sys.modules['distributed'] = None\n"
            "import neurosim\n"
            "try:\n    neurosim.sweep(lambda x: {'y': x}, {'x': [1, 2]}, progress=False)\n"
            "except ImportError as e:\n    print(type(e).__name__, e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("MissingExtra neurosim.sweep needs Dask distributed: "
                          'pip install ".[distributed]" in the neurosim checkout')


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_saved_files_get_the_users_umask(tmp_path, umask):
    from neurosim.cli import main

    old = os.umask(umask)
    try:
        res = neurosim.simulate_lif(2.0, 20.0)
        path = res.save(tmp_path / "r.npz")
        net = neurosim.load_network("vogels_abbott_cuba").run(1.0)
        net_path = net.save(tmp_path / "n.npz", connectivity=False)
        assert main(["simulate", "lif", "--duration", "20", "--out",
                     str(tmp_path / "f.png")]) == 0
    finally:
        os.umask(old)
    for p in (path, net_path, tmp_path / "f.png"):
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask, p.name  # not mkstemp's 0600


def test_the_command_line_gives_its_advice_in_flags(capsys):
    from neurosim.cli import main

    assert main(["simulate", "hh", "--dt", "0.08", "--out", "x.png"]) == 2
    err = capsys.readouterr().err
    assert "use --method exp_euler for larger steps" in err and "method=" not in err
