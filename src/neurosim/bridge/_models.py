"""Twins: a spiking network of snntorch Leaky layers and a ReLU network of the same shape."""

from __future__ import annotations

import itertools

import snntorch as snn
import torch
from torch import nn

from .._core.validation import as_choice, as_float, as_int, param_error
from ._common import _SURROGATES, _check_sizes, beta_from_tau
from ._recurrent import build_recurrent_snn


class SpikingNet(nn.Module):
    """Linear layers, each followed by an snntorch ``Leaky`` neuron; the input is injected as a
    constant current every step. ``forward(x)`` returns (output spikes, output membrane) of
    shape (num_steps, batch, classes); class scores are the output spike counts."""

    def __init__(self, sizes, beta, threshold, surrogate_name, reset, num_steps):
        super().__init__()
        self.sizes, self.beta, self.threshold = sizes, beta, threshold
        self.reset, self.num_steps = reset, num_steps
        self.fcs = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.lifs = nn.ModuleList(
            snn.Leaky(beta=beta, threshold=threshold, spike_grad=_SURROGATES[surrogate_name](),
                      reset_mechanism=reset) for _ in self.fcs)

    def forward(self, x, record_hidden=False):
        mems = [lif.init_leaky() for lif in self.lifs]
        out_spk, out_mem, hidden = [], [], [[] for _ in self.fcs]
        for _ in range(self.num_steps):
            h = x
            for k, (fc, lif) in enumerate(zip(self.fcs, self.lifs, strict=True)):
                h, mems[k] = lif(fc(h), mems[k])
                if record_hidden:
                    hidden[k].append(h)
            out_spk.append(h)
            out_mem.append(mems[-1])
        spk, mem = torch.stack(out_spk), torch.stack(out_mem)
        if record_hidden:
            return spk, mem, [torch.stack(hs) for hs in hidden]
        return spk, mem


def build_snn(layer_sizes, *, beta=None, tau_m=None, dt=None, threshold=1.0,
              surrogate="fast_sigmoid", reset="subtract", num_steps=25, seed=0,
              recurrent=False, rows=8, repeats=1):
    """A feed-forward spiking network: ``nn.Linear`` + snntorch ``Leaky`` per layer.

    Give ``beta`` directly, or ``tau_m`` and ``dt`` (ms) and beta = exp(-dt / tau_m)
    (:func:`beta_from_tau`; back with :func:`tau_from_beta`). The initial weights come from
    ``seed`` and equal those of :func:`build_ann` with the same sizes and seed.

    ``recurrent=True`` builds the row-by-row recurrent SNN instead (snntorch ``RLeaky`` hidden
    neurons with all-to-all recurrent weights, a leaky read-out; ``layer_sizes`` = (inputs,
    hidden, classes), the inputs shown as ``rows`` rows, each for ``repeats`` steps;
    ``num_steps`` is then rows * repeats; beta defaults to 0.8 and the surrogate to atan,
    which trained it best): see :mod:`neurosim.bridge._recurrent` and its twins,
    :func:`build_rnn`.
    """
    func = "build_snn"
    if recurrent:
        if beta is None and tau_m is not None and dt is not None:
            beta = beta_from_tau(tau_m, dt)
        return build_recurrent_snn(layer_sizes, rows=rows, repeats=repeats,
                                   beta=0.8 if beta is None else beta, threshold=threshold,
                                   surrogate="atan" if surrogate == "fast_sigmoid" else surrogate,
                                   reset=reset, seed=seed)
    sizes = _check_sizes(layer_sizes, func)
    if beta is not None and (tau_m is not None or dt is not None):
        raise param_error(func, "beta", "None when tau_m and dt are given (give the decay "
                          "either as beta or as tau_m and dt, not both)", beta)
    if beta is None:
        if tau_m is None or dt is None:
            raise param_error(func, "beta", "given, or tau_m and dt given", beta, TypeError)
        beta = beta_from_tau(tau_m, dt)
    b = as_float(beta, func, "beta", low=0.0, high=1.0)
    thr = as_float(threshold, func, "threshold", low=0.0)
    name = as_choice(surrogate, func, "surrogate", tuple(_SURROGATES))
    rst = as_choice(reset, func, "reset", ("subtract", "zero"))
    steps = as_int(num_steps, func, "num_steps", low=1)
    torch.manual_seed(as_int(seed, func, "seed", low=0))
    return SpikingNet(sizes, b, thr, name, rst, steps)


def build_ann(layer_sizes, *, seed=0) -> nn.Sequential:
    """The ANN twin: the same ``nn.Linear`` layers (same initial weights for the same seed)
    with ReLU between them."""
    sizes = _check_sizes(layer_sizes, "build_ann")
    torch.manual_seed(as_int(seed, "build_ann", "seed", low=0))
    layers = []
    for k, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if k < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
