"""The snntorch bridge (needs the 'snn' extra)."""

import math
import subprocess
import sys

import numpy as np
import pytest
from slides import check_slide_png

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
    history = bridge.train(snn, train, epochs=6, seed=0, progress=False)
    return snn, history, test


def test_short_training_reaches_accuracy(trained):
    snn, history, test = trained
    # 6 epochs (20 reach ~97 %); the loss falls to under half its first value
    from neurosim.bridge._train import evaluate

    assert evaluate(snn, test) > 0.93
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"] == []  # no validation set given: nothing measured


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
    # one sample given as a 1-D array is one sample
    one = bridge.to_neurosim(snn).predict(x[0].numpy())
    assert one.shape == (1,) and one[0] == spk.sum(0).numpy().argmax(1)[0]


def test_missing_torch_names_the_extra_and_the_cpu_build():
    # the saved reports read without torch; what trains needs it, and says how to get it
    code = ("import sys; sys.modules['torch'] = None\n"
            "import neurosim.bridge as bridge\n"
            "rep = bridge.load_recurrent_comparison()\n"
            "print(round(100 * sum(rep.accuracy['snn']) / len(rep.accuracy['snn']), 1))\n"
            "try:\n    bridge.train\nexcept ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    from neurosim.snn_report import load_recurrent_comparison

    acc = load_recurrent_comparison().accuracy["snn"]
    assert out.stdout.splitlines()[0] == f"{round(100 * sum(acc) / len(acc), 1)}"
    # from this checkout: the name neurosim on the public index is another project's
    assert 'pip install ".[snn]" in the neurosim checkout' in out.stdout
    assert "neurosim[" not in out.stdout
    assert "--index-url https://download.pytorch.org/whl/cpu" in out.stdout


def test_compare_counts_operations_by_the_stated_formula():
    data = bridge.load_digits(seed=0)
    rep = bridge.compare([64, 8, 10], data, seeds=(0,), epochs=1, num_steps=5, lr=2e-3,
                         steps_sweep=(5,), progress=False)
    assert rep.parameters == 64 * 8 + 8 + 8 * 10 + 10
    assert rep.ann_macs == 64 * 8 + 8 * 10
    # direct encoding: the input layer's W x once per sample, then 10 accumulates per spike
    assert rep.snn_input_macs == 64 * 8
    assert rep.snn_synops == pytest.approx(rep.spikes_per_sample[0] * 10)
    assert rep.snn_energy_nj == pytest.approx((64 * 8 * 4.6 + rep.snn_synops * 0.9) / 1000)
    assert rep.snn_energy_nj_input_every_step == pytest.approx(
        (64 * 8 * 5 * 4.6 + rep.snn_synops * 0.9) / 1000)
    assert rep.ann_energy_nj == pytest.approx((64 * 8 + 8 * 10) * 4.6 / 1000)
    assert 0.0 <= rep.sparsity[0] <= 1.0
    # the validation split is carved from the training data: 1347 = 1077 + 270
    assert rep.split == {"train": 1077, "validation": 270, "test": 450,
                         "validation_fraction": 0.2}
    assert len(rep.histories["0"]["snn"]["val_accuracy"]) == 1


def test_learning_rate_is_chosen_on_validation_not_test():
    data = bridge.load_digits(seed=0)
    rep = bridge.compare([64, 8, 10], data, seeds=(0,), epochs=2, num_steps=5,
                         steps_sweep=(5,), progress=False)
    sel = rep.lr_selection
    for twin in ("snn", "ann"):
        scores = sel["validation_accuracy"][twin]
        assert set(scores) == {"0.001", "0.002", "0.005"}
        best = max(scores.values())
        # the chosen rate is the best on validation (the smaller rate on a tie)
        assert sel[twin] == min(float(k) for k, v in scores.items() if v == best)
    # the first seed's reported validation curve is the chosen run's
    assert rep.histories["0"]["snn"]["val_accuracy"][-1] == \
        sel["validation_accuracy"]["snn"][str(sel["snn"])]


def test_shipped_artefact_is_the_network_its_report_describes():
    """The figure set's SNN comes from artefacts/snn_digits: its weights reproduce the
    report's first-seed test accuracy on the whole saved test split, in numpy."""
    from neurosim.snn_report import load_comparison

    saved = load_comparison()
    assert saved.test_x.shape == (saved.report.split["test"], 64)
    assert saved.test_accuracy() == pytest.approx(saved.report.snn_accuracy[0], abs=1e-12)
    prov = saved.report.provenance
    for key in ("neurosim", "torch", "snntorch", "device", "command", "git", "date"):
        assert prov[key], key
    assert prov["command"].startswith("neurosim snn compare --out")


def test_saved_comparison_renders_without_torch(tmp_path):
    code = ("import sys; sys.modules['torch'] = None; sys.modules['snntorch'] = None\n"
            "from neurosim.figures import render_figure_set\n"
            f"render_figure_set({str(tmp_path)!r}, ['png'], only=['15_snn_vs_ann', "
            "'16_snn_hidden_raster'], progress=False)\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    # the same figures, pixel for pixel, as rendered here with torch loaded
    from neurosim.figures import render_figure_set

    with_torch = tmp_path / "with_torch"
    render_figure_set(with_torch, ["png"], only=["15_snn_vs_ann", "16_snn_hidden_raster"],
                      progress=False)
    for name in ("15_snn_vs_ann", "16_snn_hidden_raster"):
        np.testing.assert_array_equal(check_slide_png(tmp_path / f"{name}.png"),
                                      check_slide_png(with_torch / f"{name}.png"))


def test_snn_compare_command_writes_one_consistent_artefact(tmp_path, capsys):
    from neurosim.cli import main
    from neurosim.snn_report import load_comparison

    assert main(["snn", "compare", "--epochs", "1", "--seeds", "1", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    assert "| parameters | 9610 | 9610 |" in capsys.readouterr().out
    for name in ("snn_vs_ann.png", "training_loss.png", "spikes_per_layer.png",
                 "hidden_raster.png"):
        check_slide_png(tmp_path / name)
    saved = load_comparison(tmp_path)
    assert saved.report.epochs == 1 and saved.report.seeds == [0]
    assert saved.test_accuracy() == pytest.approx(saved.report.snn_accuracy[0], abs=1e-12)


@pytest.mark.slow
def test_retraining_lands_on_the_shipped_report():
    """Run the shipped comparison's recipe again (first seed): the test accuracy lands within
    1.5 percentage points of the report (training on CPU is deterministic for a fixed thread
    count; the tolerance covers other machines)."""
    from neurosim.snn_report import load_comparison

    saved = load_comparison().report
    torch.set_num_threads(2)
    rep = bridge.compare(saved.layer_sizes, bridge.load_digits(), seeds=(0,),
                         epochs=saved.epochs, num_steps=saved.num_steps, progress=False)
    # the rate choice is the same, or a near-tie that another CPU's rounding broke the other
    # way: on this machine the saved rate also scores within two validation samples of the
    # chosen one (2026-12-03: 1e-3 and 2e-3 swapped places, 0.970 and 0.974 of 270)
    for net in ("snn", "ann"):
        val = rep.lr_selection["validation_accuracy"][net]
        chosen, before = rep.lr_selection[net], saved.lr_selection[net]
        assert chosen == before or val[str(before)] >= val[str(chosen)] - 2.0 / \
            rep.split["validation"]
    assert rep.snn_accuracy[0] == pytest.approx(saved.snn_accuracy[0], abs=0.015)
    assert rep.ann_accuracy[0] == pytest.approx(saved.ann_accuracy[0], abs=0.015)


@pytest.mark.parametrize(("call", "name", "exc"), [
    (lambda b, d: b.train(b.build_snn([32, 16, 10], beta=0.9), d[0], epochs=1, progress=False),
     "layer_sizes", ValueError),  # 64 features in the data
    (lambda b, d: b.train(b.build_ann([64, 16, 5]), d[0], epochs=1, progress=False),
     "layer_sizes", ValueError),  # 10 classes in the data
    (lambda b, d: b.train(b.build_ann([64, 10]), d[0].tensors[0].numpy(), epochs=1,
                          progress=False), "data", TypeError),  # no labels
    (lambda b, d: b.train(b.build_ann([64, 10]), d[0], device="cuda", epochs=1,
                          progress=False), "device", ValueError),
    (lambda b, d: b.train(b.build_ann([64, 10]), (d[0].tensors[0] * float("nan"),
                          d[0].tensors[1]), epochs=1, progress=False), "data", ValueError),
    (lambda b, d: b.to_neurosim(b.build_ann([64, 10])), "snn", TypeError),
    (lambda b, d: b.to_neurosim(b.build_snn([64, 10], beta=0.9)).predict(np.zeros((2, 8))),
     "x", ValueError),
    (lambda b, d: b.to_neurosim(b.build_snn([64, 10], beta=0.9)).predict(
        np.full((1, 64), np.nan)), "x", ValueError),
    (lambda b, d: b.compare([64, 10], d, seeds=()), "seeds", ValueError),
    (lambda b, d: b.build_snn([64, 10], beta=0.9, tau_m=10.0, dt=1.0), "beta", ValueError),
])
def test_bridge_bad_input(call, name, exc):
    if name == "device" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA, so device='cuda' is valid here")
    data = bridge.load_digits(seed=0)
    with pytest.raises(exc, match=f"The '{name}' parameter of"):
        call(bridge, data)


def test_numpy_arrays_train_like_tensors():
    train, _ = bridge.load_digits(seed=0)
    x, y = train.tensors
    a = bridge.train(bridge.build_ann([64, 10], seed=2), (x.numpy(), y.numpy()), epochs=1,
                     seed=2, progress=False)["loss"]
    b = bridge.train(bridge.build_ann([64, 10], seed=2), train, epochs=1, seed=2,
                     progress=False)["loss"]
    assert a == b


def test_cli_refuses_an_empty_seed_list(capsys):
    from neurosim.cli import main

    with pytest.raises(SystemExit) as info:
        main(["snn", "compare", "--seeds", "0", "--out", "unused"])
    assert info.value.code == 2
    assert "--seeds: must be a whole number >= 1, got '0'" in capsys.readouterr().err


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


def test_a_network_too_big_to_train_is_refused_before_a_tensor_is_made():
    # [64, 10**8, 10]: 7.5e9 weights, torch allocated what it could and then failed
    from neurosim import ResourceError

    with pytest.raises(ResourceError, match=r"build_snn would need about 112 GiB of memory "
                       r"for layers \[64, 100000000, 10\]: about 7,500,000,010 weights"):
        bridge.build_snn([64, 10**8, 10], beta=0.9)
    with pytest.raises(ResourceError, match=r"build_ann would need"):
        bridge.build_ann([64, 10**8, 10])
