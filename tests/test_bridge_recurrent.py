"""Recurrent twins on the digits read row by row: the recurrent SNN (RLeaky) and RNN / LSTM /
GRU twins, their accuracy, shared initial weights, and the exports spike for spike."""

import numpy as np
import pytest

import neurosim

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")
pytest.importorskip("snntorch")
bridge = pytest.importorskip("neurosim.bridge")

SIZES = [64, 128, 10]


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(2)
    train, test = bridge.load_digits(seed=0)
    snn = bridge.build_snn(SIZES, recurrent=True, seed=0)
    bridge.train(snn, train, epochs=30, lr=5e-3, seed=0, progress=False)
    lstm = bridge.build_rnn(SIZES, kind="lstm", seed=0)
    bridge.train(lstm, train, epochs=10, lr=5e-3, seed=0, progress=False)
    return snn, lstm, test


def test_recurrent_snn_and_lstm_reach_their_stated_accuracy(trained):
    from neurosim.bridge._train import evaluate

    snn, lstm, test = trained
    # measured 0.936 and 0.931 (seed 0, 2 threads); chance is 0.1, and a row at a time
    # leaves the class unknown until the last row
    assert evaluate(snn, test) >= 0.90
    assert evaluate(lstm, test) >= 0.90


def test_the_task_needs_memory():
    # the last row alone does not tell the digits apart: an LSTM shown only it stays far
    # below one that reads every row
    from neurosim.bridge._train import evaluate

    torch.set_num_threads(2)
    train, test = bridge.load_digits(seed=0)
    last = [torch.cat([torch.zeros(len(d), 56), d.tensors[0][:, 56:]], 1) for d in (train, test)]
    lstm = bridge.build_rnn(SIZES, kind="lstm", seed=0)
    bridge.train(lstm, (last[0], train.tensors[1]), epochs=10, lr=5e-3, progress=False)
    from torch.utils.data import TensorDataset

    assert evaluate(lstm, TensorDataset(last[1], test.tensors[1])) < 0.6


def test_twins_share_input_weights_where_the_shapes_allow():
    snn = bridge.build_snn(SIZES, recurrent=True, seed=4)
    rnn = bridge.build_rnn(SIZES, kind="rnn", seed=4, like=snn)
    assert torch.equal(rnn.cell.weight_ih_l0, snn.fc_in.weight)
    assert torch.equal(rnn.cell.weight_hh_l0, snn.rlif.recurrent.weight)
    assert torch.equal(rnn.fc_out.weight, snn.fc_out.weight)
    h = SIZES[1]
    lstm = bridge.build_rnn(SIZES, kind="lstm", seed=4, like=snn)
    assert torch.equal(lstm.cell.weight_ih_l0[2 * h:3 * h], snn.fc_in.weight)  # cell input g
    gru = bridge.build_rnn(SIZES, kind="gru", seed=4, like=snn)
    assert torch.equal(gru.cell.weight_ih_l0[2 * h:3 * h], snn.fc_in.weight)  # new gate n
    # matched hidden sizes: the same read-out and per-step input width
    assert rnn.cell.hidden_size == lstm.cell.hidden_size == gru.cell.hidden_size == h
    assert rnn.cell.input_size == snn.fc_in.in_features == 8


def test_numpy_export_is_spike_for_spike(trained):
    snn, _, test = trained
    x = test.tensors[0]
    ours_spk, ours_out = bridge.to_neurosim(snn).simulate(x.numpy())
    # against the same network run by torch in float64: identical
    twin = bridge.build_snn(SIZES, recurrent=True, seed=0)
    twin.load_state_dict(snn.state_dict())
    twin = twin.double()
    with torch.no_grad():
        spk64, out64 = twin(x.double())
        spk32, out32 = snn(x)
    np.testing.assert_array_equal(ours_spk, spk64.numpy())
    np.testing.assert_allclose(ours_out, out64.numpy(), rtol=0, atol=1e-12)
    # and the float32 training run: the same predictions, spikes apart only where a membrane
    # sits within float32 rounding of threshold
    assert (ours_spk == spk32.numpy()).mean() >= 0.999
    np.testing.assert_array_equal(bridge.to_neurosim(snn).predict(x.numpy()),
                                  out32[-1].argmax(1).numpy())


@pytest.mark.brian2
def test_brian2_export_is_spike_for_spike(trained):
    snn, _, test = trained
    x = test.tensors[0][:60].numpy()
    spk, out = bridge.to_brian2(snn, x).run()
    ours_spk, ours_out = bridge.to_neurosim(snn).simulate(x)
    np.testing.assert_array_equal(spk, ours_spk)
    np.testing.assert_allclose(out, ours_out, rtol=0, atol=1e-9)
    assert spk.sum() > 0


@pytest.mark.parametrize(("call", "name"), [
    (lambda: bridge.build_snn([64, 32, 16, 10], recurrent=True), "'layer_sizes'"),
    (lambda: bridge.build_snn([64, 32, 10], recurrent=True, rows=7), "'rows'"),
    (lambda: bridge.build_rnn([64, 32, 10], kind="transformer"), "'kind'"),
    (lambda: bridge.build_rnn([64, 32, 10], like=bridge.build_snn([64, 16, 10],
                                                                  recurrent=True)), "'like'"),
    (lambda: bridge.to_neurosim(bridge.build_snn(SIZES, recurrent=True)).predict(
        np.zeros((2, 8))), "'x'"),
])
def test_bad_recurrent_input_is_named(call, name):
    with pytest.raises(neurosim.InvalidInput, match=name):
        call()


def test_compare_recurrent_reports_every_twin_and_saves(tmp_path):
    from neurosim.snn_report import load_recurrent_comparison, save_recurrent_comparison

    torch.set_num_threads(2)
    rep = bridge.compare([64, 32, 10], bridge.load_digits(), seeds=(0, 1), epochs=1,
                         lr=5e-3, progress=False, recurrent=True)
    assert rep.models() == ["snn", "rnn", "lstm", "gru"]
    assert all(len(rep.accuracy[m]) == 2 for m in rep.models())
    # matched sizes: the SNN and the RNN have the same parameters; an LSTM four blocks
    f, h, c = 8, 32, 10
    assert rep.parameters["snn"] == rep.parameters["rnn"] == (f * h + h) + (h * h + h) + \
        (h * c + c)
    assert rep.parameters["lstm"] == 4 * (f * h + h * h + 2 * h) + h * c + c
    # operations as the assumptions count them, by hand: 8 rows of 8 x 32 input MACs and the
    # read-out's leak; every hidden spike one AC per recurrent and read-out synapse
    assert rep.macs["snn"] == 8 * 8 * 32 + 8 * 10
    assert rep.acs["snn"] == pytest.approx(rep.hidden_spikes_per_sample * (32 + 10))
    assert rep.macs["gru"] == 8 * 3 * (8 * 32 + 32 * 32) + 32 * 10
    assert rep.energy_nj["lstm"] == pytest.approx(rep.macs["lstm"] * 4.6 / 1000)
    path = save_recurrent_comparison(tmp_path, rep, provenance={"command": "test"})
    back = load_recurrent_comparison(path.parent)
    assert back.accuracy == rep.accuracy and back.provenance["command"] == "test"
    assert "| | recurrent SNN | RNN | LSTM | GRU |" in back.to_markdown()


def test_shipped_recurrent_report_is_the_regenerated_kind():
    from neurosim.snn_report import load_recurrent_comparison

    rep = load_recurrent_comparison()
    assert rep.seeds == [0, 1, 2] and rep.layer_sizes == SIZES
    assert "compare-recurrent" in rep.provenance["command"]
    # the stated accuracies, on average over the seeds (measured 2026-12-03: SNN 89.4 %,
    # RNN 96.3, LSTM 95.7, GRU 97.8)
    assert np.mean(rep.accuracy["snn"]) >= 0.85
    assert all(np.mean(rep.accuracy[m]) >= 0.93 for m in ("rnn", "lstm", "gru"))


def test_cli_writes_the_recurrent_report_and_its_figure(tmp_path, capsys):
    from neurosim.cli import main
    from neurosim.snn_report import load_recurrent_comparison

    torch.set_num_threads(2)
    assert main(["snn", "compare-recurrent", "--epochs", "1", "--seeds", "1", "--out",
                 str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "| | recurrent SNN | RNN | LSTM | GRU |" in out
    rep = load_recurrent_comparison(tmp_path)
    assert rep.epochs == {"snn": 1, "rnn": 1, "lstm": 1, "gru": 1} and rep.seeds == [0]
    assert (tmp_path / "recurrent_snn_vs_twins.png").stat().st_size > 1000
