"""Twins: a spiking network of snntorch Leaky layers and a ReLU network of the same shape."""

from __future__ import annotations

import itertools

import snntorch as snn
import torch
from torch import nn

from .._core.validation import as_bool, as_choice, as_float, as_int, param_error
from ._common import _SURROGATES, _check_sizes, beta_from_tau
from ._recurrent import build_recurrent_snn


class SpikingNet(nn.Module):
    """Linear layers, each followed by an snntorch ``Leaky`` neuron (``Synaptic`` where
    ``alpha`` is given: a synaptic current that decays by alpha a step); the input is injected
    as a constant current every step. ``reset_delay``: snntorch's reset one step after the
    spike (its default), or at once (NIR's neuron). ``forward(x)`` returns (output spikes,
    output membrane) of shape (num_steps, batch, classes); class scores are the output spike
    counts."""

    def __init__(self, sizes, beta, threshold, surrogate_name, reset, num_steps,
                 reset_delay=True, alpha=None):
        super().__init__()
        self.sizes, self.beta, self.threshold = sizes, beta, threshold
        self.reset, self.num_steps = reset, num_steps
        self.reset_delay, self.alpha = reset_delay, alpha
        self.fcs = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        common = {"beta": beta, "threshold": threshold, "reset_mechanism": reset,
                  "reset_delay": reset_delay}
        self.lifs = nn.ModuleList(
            (snn.Leaky(spike_grad=_SURROGATES[surrogate_name](), **common) if alpha is None
             else snn.Synaptic(alpha=alpha, spike_grad=_SURROGATES[surrogate_name](),
                               **common)) for _ in self.fcs)

    def forward(self, x, record_hidden=False):
        mems = [lif.init_leaky() if self.alpha is None else lif.init_synaptic()
                for lif in self.lifs]
        out_spk, out_mem, hidden = [], [], [[] for _ in self.fcs]
        for _ in range(self.num_steps):
            h = x
            for k, (fc, lif) in enumerate(zip(self.fcs, self.lifs, strict=True)):
                if self.alpha is None:
                    h, mems[k] = lif(fc(h), mems[k])
                else:
                    h, syn, mem = lif(fc(h), *mems[k])
                    mems[k] = (syn, mem)
                if record_hidden:
                    hidden[k].append(h)
            out_spk.append(h)
            out_mem.append(mems[-1] if self.alpha is None else mems[-1][1])
        spk, mem = torch.stack(out_spk), torch.stack(out_mem)
        if record_hidden:
            return spk, mem, [torch.stack(hs) for hs in hidden]
        return spk, mem


def build_snn(layer_sizes, *, beta=None, tau_m=None, dt=None, threshold=1.0,
              surrogate="fast_sigmoid", reset="subtract", num_steps=25, seed=0,
              recurrent=False, rows=8, repeats=1, reset_delay=True, alpha=None):
    """A feed-forward spiking network: ``nn.Linear`` + snntorch ``Leaky`` per layer.

    Give ``beta`` directly, or ``tau_m`` and ``dt`` (ms) and beta = exp(-dt / tau_m)
    (:func:`beta_from_tau`; back with :func:`tau_from_beta`). The initial weights come from
    ``seed`` and equal those of :func:`build_ann` with the same sizes and seed.
    ``reset_delay``: the reset one step after the spike (snntorch's default) or, False, in the
    spike's own step (NIR's neuron: :func:`to_nir` needs it, with ``reset="zero"``).
    ``alpha``: None for Leaky neurons, or a synaptic current's decay in [0, 1] for snntorch's
    Synaptic neurons (NIR's CubaLIF).

    ``recurrent=True`` builds the row-by-row recurrent SNN instead (snntorch ``RLeaky`` hidden
    neurons with all-to-all recurrent weights, a leaky read-out; ``layer_sizes`` = (inputs,
    hidden, classes), the inputs shown as ``rows`` rows, each for ``repeats`` steps;
    ``num_steps`` is then rows * repeats; beta defaults to 0.8 and the surrogate to atan,
    which trained it best): see :class:`RecurrentSpikingNet` and its twins,
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
    delay = as_bool(reset_delay, func, "reset_delay")
    a = None if alpha is None else as_float(alpha, func, "alpha", low=0.0, high=1.0)
    torch.manual_seed(as_int(seed, func, "seed", low=0))
    return SpikingNet(sizes, b, thr, name, rst, steps, delay, a)


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
