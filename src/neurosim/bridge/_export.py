"""Trained spiking networks back in neurosim: the discrete-time LIF in float64 numpy."""

from __future__ import annotations

import numpy as np

from .._core.validation import as_finite_array, got, param_error
from ..snn_report import lif_step, run_discrete_lif
from ._models import SpikingNet
from ._recurrent import RecurrentSpikingNet


class NeurosimSNN:
    """A trained :class:`SpikingNet` as plain float64 arrays, run step by step in numpy with
    snntorch's Leaky update: reset_t = H(mem_{t-1} - thr) (the previous step's spike),
    mem_t = beta mem_{t-1} + W x_t + b - reset_t thr (subtract) or (1 - reset_t) (...)
    (zero), spike_t = H(mem_t - thr) with H(0) = 0."""

    def __init__(self, snn: SpikingNet):
        self.weights = [fc.weight.detach().double().numpy() for fc in snn.fcs]
        self.biases = [fc.bias.detach().double().numpy() for fc in snn.fcs]
        self.beta, self.threshold = float(snn.beta), float(snn.threshold)
        self.reset, self.num_steps = snn.reset, snn.num_steps
        self.reset_delay, self.alpha = snn.reset_delay, snn.alpha

    def _inputs(self, x, func: str) -> np.ndarray:
        x = as_finite_array(x, func, "x")
        if x.ndim == 1:
            x = x[None, :]  # one sample
        width = self.weights[0].shape[1]
        if x.ndim != 2 or x.shape[1] != width:
            raise param_error(func, "x", f"samples of {width} features, shape (batch, {width}) "
                              f"or ({width},)", got(f"an array of shape {x.shape}"))
        return x

    def run(self, x) -> list[np.ndarray]:
        """Spike counts of every layer for inputs ``x`` (batch, features) or one sample
        (features,): a list of (batch, neurons) arrays; the last one gives the prediction."""
        return [s.sum(axis=0) for s in self.spikes(x)]

    def spikes(self, x) -> list[np.ndarray]:
        """Per-step spikes of every layer, each (num_steps, batch, neurons)."""
        return run_discrete_lif(self.weights, self.biases, self.beta, self.threshold,
                                self.num_steps, self._inputs(x, "spikes"), self.reset,
                                reset_delay=self.reset_delay, alpha=self.alpha)

    def predict(self, x) -> np.ndarray:
        """The class with most output spikes, one per sample."""
        return self.spikes(x)[-1].sum(axis=0).argmax(axis=1)


class NeurosimRecurrentSNN(NeurosimSNN):
    """A trained :class:`RecurrentSpikingNet` as float64 arrays: each step, the hidden layer
    takes the current row's input current plus its own previous spikes through the recurrent
    weights (snntorch's RLeaky, the reset rule of :class:`NeurosimSNN`), and the leaky
    read-out integrates the hidden spikes; its last membrane values are the class scores."""

    def __init__(self, snn):
        def arrays(fc):
            return fc.weight.detach().double().numpy(), fc.bias.detach().double().numpy()

        (w_in, b_in), (w_rec, b_rec), (w_out, b_out) = (
            arrays(snn.fc_in), arrays(snn.rlif.recurrent), arrays(snn.fc_out))
        self.weights, self.biases = [w_in, w_out], [b_in, b_out]
        self.recurrent_weights, self.recurrent_bias = w_rec, b_rec
        self.beta, self.threshold = float(snn.beta), float(snn.threshold)
        self.reset, self.num_steps = snn.reset, snn.num_steps
        self.rows, self.repeats = snn.rows, snn.repeats

    def _inputs(self, x, func: str) -> np.ndarray:
        x = as_finite_array(x, func, "x")
        if x.ndim == 1:
            x = x[None, :]
        width = self.weights[0].shape[1] * self.rows
        if x.ndim != 2 or x.shape[1] != width:
            raise param_error(func, "x", f"samples of {width} features ({self.rows} rows), "
                              f"shape (batch, {width}) or ({width},)",
                              got(f"an array of shape {x.shape}"))
        return x

    def simulate(self, x) -> tuple[np.ndarray, np.ndarray]:
        """(hidden spikes (steps, batch, hidden), read-out membrane (steps, batch, classes))."""
        x = self._inputs(x, "simulate")
        seq = x.reshape(x.shape[0], self.rows, -1)
        (w_in, w_out), (b_in, b_out) = self.weights, self.biases
        thr, beta = self.threshold, self.beta
        n = x.shape[0]
        mem, spk = np.zeros((n, w_in.shape[0])), np.zeros((n, w_in.shape[0]))
        out = np.zeros((n, w_out.shape[0]))
        spikes = np.zeros((self.num_steps, *mem.shape))
        readout = np.zeros((self.num_steps, *out.shape))
        for t in range(self.num_steps):
            cur = seq[:, t // self.repeats] @ w_in.T + b_in \
                + spk @ self.recurrent_weights.T + self.recurrent_bias
            mem, spk = lif_step(mem, cur, beta, thr, self.reset)
            out = beta * out + spk @ w_out.T + b_out
            spikes[t], readout[t] = spk, out
        return spikes, readout

    def spikes(self, x) -> list[np.ndarray]:
        """The hidden layer's spikes, [(steps, batch, hidden)] (the read-out does not spike)."""
        return [self.simulate(x)[0]]

    def run(self, x) -> list[np.ndarray]:
        return [self.simulate(x)[0].sum(axis=0)]

    def predict(self, x) -> np.ndarray:
        return self.simulate(x)[1][-1].argmax(axis=1)


def _spiking(snn, func: str) -> SpikingNet:
    if not isinstance(snn, SpikingNet):
        raise param_error(func, "snn", "a spiking network from build_snn (an ANN twin has no "
                          "spikes to export)", snn, TypeError)
    return snn


def to_neurosim(snn: SpikingNet) -> NeurosimSNN:
    """The trained network as float64 arrays running snntorch's discrete LIF update in numpy
    (a recurrent SNN's too, as :class:`NeurosimRecurrentSNN`): the same predictions, and the
    same spike counts except where float32 and float64 round a membrane that sits within
    ~1e-6 of threshold differently."""
    if isinstance(snn, RecurrentSpikingNet):
        return NeurosimRecurrentSNN(snn)
    return NeurosimSNN(_spiking(snn, "to_neurosim"))


def to_brian2(snn: SpikingNet, x, *, target="numpy"):
    """The trained network as a Brian2 network (``neurosim.networks``) for inputs ``x``
    (batch, features): one discrete LIF neuron per unit and sample, one clock tick per time
    step, beta, threshold and the reset rule taken from the model. Call ``.run()`` for every
    layer's spike counts (for a recurrent SNN: its hidden spikes and read-out membrane per
    step, :class:`neurosim.networks.RecurrentDiscreteLIFNetwork`)."""
    from ..networks import build_discrete_lif_network, build_recurrent_discrete_lif_network

    if isinstance(snn, RecurrentSpikingNet):
        ns = NeurosimRecurrentSNN(snn)
        return build_recurrent_discrete_lif_network(
            ns.weights[0], ns.biases[0], ns.recurrent_weights, ns.recurrent_bias,
            ns.weights[1], ns.biases[1], ns.beta, ns.threshold, ns._inputs(x, "to_brian2"),
            rows=ns.rows, repeats=ns.repeats, reset=ns.reset, target=target)
    ns = NeurosimSNN(_spiking(snn, "to_brian2"))
    return build_discrete_lif_network(ns.weights, ns.biases, ns.beta, ns.threshold,
                                      ns._inputs(x, "to_brian2"), ns.num_steps,
                                      reset=ns.reset, target=target,
                                      reset_delay=ns.reset_delay, alpha=ns.alpha)
