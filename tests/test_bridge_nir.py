"""Trained SNNs through NIR: neurosim writes what snnTorch's own NIR import runs spike for
spike, and reads NIR graphs (LIF, CubaLIF, Affine, Linear) into the bridge, numpy and Brian2."""

import numpy as np
import pytest

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")
snntorch = pytest.importorskip("snntorch")
nir = pytest.importorskip("nir")
bridge = pytest.importorskip("neurosim.bridge")

from snntorch.import_nir import import_from_nir  # noqa: E402
from snntorch.utils import reset as reset_states  # noqa: E402

import neurosim  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    # NIR's reset: to zero, in the step the neuron spikes
    torch.set_num_threads(2)
    train, test = bridge.load_digits(seed=0)
    snn = bridge.build_snn([64, 64, 10], beta=0.9, num_steps=20, seed=0, reset="zero",
                           reset_delay=False)
    bridge.train(snn, train, epochs=4, seed=0, progress=False)
    return snn, test


def _steps(module, x, num_steps):
    """An imported snnTorch graph (a torch.fx module whose neurons keep their state; it
    returns (output, graph state)) run for num_steps on the constant input x: the output
    spikes, (num_steps, batch, classes)."""
    reset_states(module)
    with torch.no_grad():
        return torch.stack([module(x)[0] for _ in range(num_steps)])


def test_snntorch_runs_the_exported_graph_spike_for_spike(trained, tmp_path):
    snn, test = trained
    x = test.tensors[0]
    with torch.no_grad():
        spk, _ = snn(x)
    accuracy = float((spk.sum(0).argmax(1) == test.tensors[1]).float().mean())
    assert accuracy > 0.85  # it learned
    path = tmp_path / "digits.nir"
    graph = bridge.to_nir(snn, path)
    assert [type(n).__name__ for n in graph.nodes.values()] == \
        ["Input", "Affine", "LIF", "Affine", "LIF", "Output"]
    lif = graph.nodes["lif0"]
    assert float(lif.tau[0]) == pytest.approx(1e-4 / (1 - 0.9))
    assert float(lif.r[0] * 1e-4 / lif.tau[0]) == pytest.approx(1.0)
    read = nir.read(str(path))
    assert read.metadata["num_steps"] == 20
    theirs = _steps(import_from_nir(read), x, snn.num_steps)
    # the whole test set, every step: the same spikes
    assert torch.equal(theirs, spk)


def test_a_nir_graph_comes_back_into_the_bridge_numpy_and_brian2(trained, tmp_path):
    snn, test = trained
    x = test.tensors[0][:60]
    path = tmp_path / "digits.nir"
    bridge.to_nir(snn, path)
    back = bridge.from_nir(path, num_steps=snn.num_steps)
    assert (back.reset, back.reset_delay, back.alpha) == ("zero", False, None)
    assert back.beta == pytest.approx(0.9)
    with torch.no_grad():
        spk, _ = snn(x)
        again, _ = back(x)
    assert torch.equal(again, spk)
    counts = spk.sum(0).numpy()
    ours = bridge.to_neurosim(back).run(x.numpy())[-1]
    assert (ours == counts).mean() >= 0.999  # float64 against float32
    brian = bridge.to_brian2(back, x.numpy()).run()[-1]
    assert (brian == counts).mean() >= 0.999


def _cuba_graph(rng, dt=1e-4):
    """A hand-made NIR graph: Linear -> CubaLIF -> Affine -> LIF, the first gain not one."""
    tau_syn, tau_mem = dt / (1 - 0.8), dt / (1 - 0.9)
    n_in, n_hid, n_out = 12, 20, 5
    return nir.NIRGraph(nodes={
        "input": nir.Input(input_type={"input": np.array([n_in])}),
        "w0": nir.Linear(weight=rng.normal(0.0, 0.6, (n_hid, n_in))),
        "cuba": nir.CubaLIF(tau_syn=np.full(n_hid, tau_syn), tau_mem=np.full(n_hid, tau_mem),
                            r=np.full(n_hid, tau_mem / dt), v_leak=np.zeros(n_hid),
                            v_threshold=np.full(n_hid, 1.0),
                            w_in=np.full(n_hid, 2.0 * tau_syn / dt)),
        "w1": nir.Affine(weight=rng.normal(0.0, 0.8, (n_out, n_hid)),
                         bias=rng.normal(0.0, 0.1, n_out)),
        "lif": nir.CubaLIF(tau_syn=np.full(n_out, tau_syn), tau_mem=np.full(n_out, tau_mem),
                           r=np.full(n_out, tau_mem / dt), v_leak=np.zeros(n_out),
                           v_threshold=np.full(n_out, 1.0),
                           w_in=np.full(n_out, tau_syn / dt)),
        "output": nir.Output(output_type={"output": np.array([n_out])})},
        edges=[("input", "w0"), ("w0", "cuba"), ("cuba", "w1"), ("w1", "lif"),
               ("lif", "output")])


def test_cubalif_graphs_import_into_synaptic_layers(capsys):
    rng = np.random.default_rng(4)
    graph = _cuba_graph(rng)
    snn = bridge.from_nir(graph, num_steps=30)
    assert snn.alpha == pytest.approx(0.8) and snn.beta == pytest.approx(0.9)
    # the gain of 2 on the first node's input is folded into its weights
    np.testing.assert_allclose(snn.fcs[0].weight.detach().numpy(),
                               2.0 * graph.nodes["w0"].weight, rtol=1e-6)
    x = torch.as_tensor(rng.uniform(0.0, 1.0, (40, 12)), dtype=torch.float32)
    with torch.no_grad():
        spk, _, hidden = snn(x, record_hidden=True)
    assert 0 < float(hidden[0].mean()) < 0.5  # the hidden layer spikes, not always
    # by hand, in float64: syn = alpha syn + W x + b; mem = beta mem + syn; a spike resets
    # mem to zero in its step
    ws = [(2.0 * graph.nodes["w0"].weight, np.zeros(20)),
          (graph.nodes["w1"].weight, graph.nodes["w1"].bias)]
    h, state = x.numpy().astype(np.float64), [np.zeros((40, 20)), np.zeros((40, 5))]
    syn = [np.zeros((40, 20)), np.zeros((40, 5))]
    counts = [np.zeros((40, 20)), np.zeros((40, 5))]
    for _ in range(30):
        h = x.numpy().astype(np.float64)
        for k, (w, b) in enumerate(ws):
            syn[k] = 0.8 * syn[k] + h @ w.T + b
            state[k] = 0.9 * state[k] + syn[k]
            h = (state[k] > 1.0).astype(float)
            state[k] = state[k] * (1.0 - h)
            counts[k] += h
    assert (hidden[0].sum(0).numpy() == counts[0]).mean() >= 0.999
    assert (spk.sum(0).numpy() == counts[1]).mean() >= 0.99
    np.testing.assert_array_equal(bridge.to_neurosim(snn).run(x.numpy())[0], counts[0])
    assert (bridge.to_brian2(snn, x.numpy()).run()[0] == counts[0]).mean() >= 0.999
    # snnTorch's own import of the same graph: the same output spikes
    theirs = _steps(import_from_nir(_cuba_graph(np.random.default_rng(4))), x, 30)
    capsys.readouterr()  # (snnTorch prints a warning about the folded gain)
    assert (theirs.sum(0).numpy() == spk.sum(0).numpy()).mean() >= 0.99


@pytest.mark.parametrize(("call", "name"), [
    (lambda: bridge.to_nir(bridge.build_snn([4, 3], beta=0.9)), "snn"),  # delayed subtract
    (lambda: bridge.to_nir(bridge.build_ann([4, 3])), "snn"),
    (lambda: bridge.to_nir(bridge.build_snn([4, 3], beta=1.0, reset="zero",
                                            reset_delay=False)), "snn"),
    (lambda: bridge.to_nir(bridge.build_snn([4, 3], beta=0.9, reset="zero",
                                            reset_delay=False), "x.h5"), "path"),
    (lambda: bridge.from_nir("a graph", num_steps=5), "path"),
    (lambda: bridge.from_nir(nir.NIRGraph(nodes={
        "input": nir.Input(input_type={"input": np.array([2])}),
        "w": nir.Affine(weight=np.ones((2, 2)), bias=np.zeros(2)),
        "lif": nir.LIF(tau=np.array([1e-3, 2e-3]), r=np.array([10.0, 20.0]),
                       v_leak=np.zeros(2), v_threshold=np.ones(2)),
        "output": nir.Output(output_type={"output": np.array([2])})},
        edges=[("input", "w"), ("w", "lif"), ("lif", "output")]), num_steps=5), "graph"),
    (lambda: bridge.from_nir(nir.NIRGraph(nodes={
        "input": nir.Input(input_type={"input": np.array([2])}),
        "w": nir.Affine(weight=np.ones((2, 2)), bias=np.zeros(2)),
        "output": nir.Output(output_type={"output": np.array([2])})},
        edges=[("input", "w"), ("w", "output")]), num_steps=5), "graph"),
    (lambda: bridge.from_nir(_cuba_graph(np.random.default_rng(0)), num_steps=0),
     "num_steps"),
])
def test_what_nir_cannot_carry_is_refused_by_name(call, name):
    with pytest.raises(neurosim.InvalidInput) as info:
        call()
    assert info.value.name == name


def test_without_nir_the_error_says_how_to_install_it(monkeypatch):
    import sys

    from neurosim._core.validation import MissingExtra

    monkeypatch.setitem(sys.modules, "nir", None)  # import nir raises ImportError
    monkeypatch.delattr(bridge, "to_nir", raising=False)  # (a name is cached once looked up)
    with pytest.raises(MissingExtra, match=r'need nir .*pip install "\.\[nir\]"'):
        bridge.to_nir  # noqa: B018
