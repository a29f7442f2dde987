"""The snntorch bridge (needs the 'snn' extra)."""

import math
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")
pytest.importorskip("snntorch")
bridge = pytest.importorskip("neurosim.bridge")


def test_beta_tau_mapping_both_ways():
    assert bridge.beta_from_tau(10.0, 1.0) == pytest.approx(math.exp(-0.1))
    assert bridge.tau_from_beta(math.exp(-0.1), 1.0) == pytest.approx(10.0)
    for beta in (0.5, 0.9, 0.99):
        assert bridge.beta_from_tau(bridge.tau_from_beta(beta, 0.5), 0.5) == pytest.approx(beta)
    snn = bridge.build_snn([4, 3], tau_m=20.0, dt=1.0)
    assert snn.beta == pytest.approx(math.exp(-1 / 20))
    with pytest.raises(ValueError, match="'beta' parameter of tau_from_beta"):
        bridge.tau_from_beta(1.5, 1.0)


def test_twins_share_shape_and_initial_weights():
    snn = bridge.build_snn([64, 32, 10], beta=0.9, seed=3)
    ann = bridge.build_ann([64, 32, 10], seed=3)
    assert sum(p.numel() for p in snn.parameters()) == sum(p.numel() for p in ann.parameters())
    assert torch.equal(snn.fcs[0].weight, ann[0].weight)
    assert torch.equal(snn.fcs[1].bias, ann[2].bias)


def test_surrogate_gradient_is_nonzero_where_the_step_is_flat():
    snn = bridge.build_snn([2, 1], beta=0.9, num_steps=1)
    with torch.no_grad():
        snn.fcs[0].weight.fill_(0.2)
        snn.fcs[0].bias.zero_()
    x = torch.tensor([[1.0, 1.0]])  # membrane 0.4: below threshold, the step's slope is 0
    spk, _ = snn(x)
    spk.sum().backward()
    assert float(spk.detach().sum()) == 0.0
    assert float(snn.fcs[0].weight.grad.abs().sum()) > 0.0


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(2)
    train, test = bridge.load_digits(seed=0)
    snn = bridge.build_snn([64, 128, 10], beta=0.9, num_steps=25, seed=0)
    history = bridge.train(snn, train, epochs=6, seed=0, test=test, progress=False)
    return snn, history, test


def test_short_training_reaches_accuracy(trained):
    _, history, _ = trained
    # 6 epochs (20 reach ~97.5 %); the loss falls every epoch or nearly
    assert history["test_accuracy"][-1] > 0.93
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_training_is_deterministic():
    train, _ = bridge.load_digits(seed=0)
    runs = []
    for _ in range(2):
        ann = bridge.build_ann([64, 16, 10], seed=1)
        runs.append(bridge.train(ann, train, epochs=2, seed=1, progress=False)["loss"])
    assert runs[0] == runs[1]


def test_neurosim_export_matches_snntorch_spike_for_spike(trained):
    snn, _, test = trained
    x = test.tensors[0]
    with torch.no_grad():
        spk, _, hidden = snn(x, record_hidden=True)
    exported = bridge.to_neurosim(snn).run(x.numpy())
    np.testing.assert_array_equal(exported[-1].argmax(1), spk.sum(0).numpy().argmax(1))
    for ours, theirs in zip(exported, [h.sum(0).numpy() for h in hidden], strict=True):
        assert (ours == theirs).mean() >= 0.999


def test_missing_torch_names_the_extra():
    code = ("import sys; sys.modules['torch'] = None\n"
            "try:\n    import neurosim.bridge\nexcept ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert 'pip install "neurosim[snn]"' in out.stdout


def test_compare_counts_operations_by_the_stated_formula():
    data = bridge.load_digits(seed=0)
    rep = bridge.compare([64, 8, 10], data, seeds=(0,), epochs=1, num_steps=5,
                         steps_sweep=(5,), progress=False)
    assert rep.parameters == 64 * 8 + 8 + 8 * 10 + 10
    assert rep.ann_macs == 64 * 8 + 8 * 10
    # analog input: 64 x 8 MACs every step; each hidden spike: 10 accumulates
    assert rep.snn_synops == pytest.approx(64 * 8 * 5 + rep.spikes_per_sample[0] * 10)
    assert rep.snn_energy_nj == pytest.approx((rep.spikes_per_sample[0] * 10 * 0.9
                                               + 64 * 8 * 5 * 4.6) / 1000)
    assert rep.ann_energy_nj == pytest.approx((64 * 8 + 8 * 10) * 4.6 / 1000)
    assert 0.0 <= rep.sparsity[0] <= 1.0
    assert "| parameters | 610 | 610 |" in rep.to_markdown()
    assert '"num_steps": 5' in rep.to_json()


def test_saved_model_reproduces_its_report_and_renders_without_torch(tmp_path):
    """The figure set's SNN figures come from models/ and need no torch."""
    from neurosim.snn_report import load_saved_comparison, run_discrete_lif

    saved = load_saved_comparison()
    spikes = run_discrete_lif(saved.weights, saved.biases, saved.beta, saved.threshold,
                              saved.num_steps, saved.test_x)
    accuracy = (spikes[-1].sum(axis=0).argmax(axis=1) == saved.test_y).mean()
    assert accuracy >= 0.9  # 50 saved test digits
    assert np.mean(saved.report["snn_accuracy"]) >= 0.97
    code = ("import sys; sys.modules['torch'] = None; sys.modules['snntorch'] = None\n"
            "from neurosim.figures import render_figure_set\n"
            f"render_figure_set({str(tmp_path)!r}, ['png'], only=['15_snn_vs_ann', "
            "'16_snn_hidden_raster'], progress=False)\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert (tmp_path / "15_snn_vs_ann.png").stat().st_size > 20_000
    assert (tmp_path / "16_snn_hidden_raster.png").stat().st_size > 10_000


def test_snn_compare_command(tmp_path, capsys):
    from neurosim.cli import main

    assert main(["snn", "compare", "--epochs", "1", "--seeds", "1", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    assert "| parameters | 9610 | 9610 |" in capsys.readouterr().out
    for name in ("snn_digits_report.json", "snn_digits_weights.npz", "snn_vs_ann.png",
                 "training_loss.png", "spikes_per_layer.png", "hidden_raster.png"):
        assert (tmp_path / name).stat().st_size > 1000


@pytest.mark.brian2
def test_brian2_export_matches_snntorch_spike_for_spike(trained):
    snn, _, test = trained
    x = test.tensors[0]
    with torch.no_grad():
        spk, _, hidden = snn(x, record_hidden=True)
    counts = bridge.to_brian2(snn, x.numpy()).run()
    np.testing.assert_array_equal(counts[-1].argmax(1), spk.sum(0).numpy().argmax(1))
    for ours, theirs in zip(counts, [h.sum(0).numpy() for h in hidden], strict=True):
        assert (ours == theirs).mean() >= 0.999


def test_encoders():
    x = torch.tensor([[0.0, 0.25, 1.0]])
    rate = bridge.encode(x, 2000, method="rate", seed=1)
    assert rate.shape == (2000, 1, 3)
    np.testing.assert_allclose(rate.mean(0).numpy()[0], [0.0, 0.25, 1.0], atol=0.03)
    latency = bridge.encode(x, 20, method="latency")
    assert latency.sum(0).numpy()[0].tolist() == [1.0, 1.0, 1.0]  # one spike per feature
    first = latency.argmax(0).numpy()[0]
    assert first[2] < first[1] < first[0]  # brighter pixels fire earlier
    with pytest.raises(ValueError, match="'method' parameter of encode"):
        bridge.encode(x, 5, method="phase")
