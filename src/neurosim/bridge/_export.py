"""Trained spiking networks back in neurosim: the discrete-time LIF in float64 numpy."""

from __future__ import annotations

import numpy as np

from ._models import SpikingNet


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

    def run(self, x) -> list[np.ndarray]:
        """Spike counts of every layer for inputs ``x`` (batch, features): a list of
        (batch, neurons) arrays; the last one gives the prediction."""
        x = np.asarray(x, dtype=np.float64)
        mems = [np.zeros((x.shape[0], w.shape[0])) for w in self.weights]
        spikes = [np.zeros_like(m) for m in mems]
        counts = [np.zeros_like(m) for m in mems]
        thr = self.threshold
        for _ in range(self.num_steps):
            h = x
            for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                cur = h @ w.T + b
                reset = (mems[k] - thr > 0).astype(np.float64)
                if self.reset == "subtract":
                    mems[k] = self.beta * mems[k] + cur - reset * thr
                else:
                    mems[k] = (self.beta * mems[k] + cur) * (1.0 - reset)
                spikes[k] = (mems[k] - thr > 0).astype(np.float64)
                counts[k] += spikes[k]
                h = spikes[k]
        return counts

    def predict(self, x) -> np.ndarray:
        return self.run(x)[-1].argmax(axis=1)


def to_neurosim(snn: SpikingNet) -> NeurosimSNN:
    """The trained network as float64 arrays running snntorch's discrete LIF update in numpy:
    the same predictions, and the same spike counts except where float32 and float64 round a
    membrane that sits within ~1e-6 of threshold differently."""
    return NeurosimSNN(snn)
