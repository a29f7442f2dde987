"""Recurrent twins on a task that needs memory: digits read row by row.

A sample of ``rows * features`` values (the 8 x 8 digits' 64 pixels) is shown one row per time
step (each row held for ``repeats`` steps), so the class is only known once the last row has
been seen. The recurrent SNN is an input layer into snntorch ``RLeaky`` neurons with all-to-all
recurrent weights, read out by a non-spiking leaky integrator whose last membrane values are
the class scores (a spike-count read-out trained to 88 % where this one reaches 94 % on the
digits, measured while choosing); its ANN twins are an Elman RNN, an LSTM and a GRU of the
same hidden size, read out from the last hidden state.
"""

from __future__ import annotations

import snntorch as snn
import torch
from torch import nn

from .._core.validation import as_choice, as_float, as_int, param_error
from ._common import _SURROGATES, _check_sizes

RNN_KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
# the block of an LSTM's / GRU's input weights that acts as the input current: the cell
# candidate g (third of i, f, g, o) and the new gate n (third of r, z, n)
_CURRENT_BLOCK = {"rnn": 0, "lstm": 2, "gru": 2}


def _sequence_sizes(layer_sizes, rows, func):
    sizes = _check_sizes(layer_sizes, func, recurrent=True)
    if len(sizes) != 3:
        raise param_error(func, "layer_sizes", "(inputs, hidden, classes): one recurrent "
                          "hidden layer", layer_sizes)
    rows = as_int(rows, func, "rows", low=1)
    if sizes[0] % rows:
        raise param_error(func, "rows", f"a divisor of the {sizes[0]} inputs (each step shows "
                          "one row)", rows)
    return sizes, rows, sizes[0] // rows


class RecurrentSpikingNet(nn.Module):
    """Row-by-row spiking network: ``fc_in`` (features -> hidden) into ``RLeaky`` neurons with
    all-to-all recurrent weights (``rlif.recurrent``), read out by ``fc_out`` into a leaky
    integrator (mem = beta mem + fc_out(spikes), no threshold) whose membrane at the last
    step gives the class scores.

    ``forward(x)`` takes (batch, rows * features) and returns (hidden spikes (steps, batch,
    hidden), read-out membrane (steps, batch, classes)), steps = rows * repeats.
    """

    def __init__(self, sizes, rows, repeats, beta, threshold, surrogate_name, reset):
        super().__init__()
        self.sizes, self.rows, self.repeats = sizes, rows, repeats
        self.features = sizes[0] // rows
        self.beta, self.threshold, self.reset = beta, threshold, reset
        self.num_steps = rows * repeats
        hidden, classes = sizes[1], sizes[2]
        self.fc_in = nn.Linear(self.features, hidden)
        self.rlif = snn.RLeaky(beta=beta, threshold=threshold, linear_features=hidden,
                               all_to_all=True, spike_grad=_SURROGATES[surrogate_name](),
                               reset_mechanism=reset)
        self.fc_out = nn.Linear(hidden, classes)

    def forward(self, x):
        seq = x.reshape(x.shape[0], self.rows, self.features)
        spk = torch.zeros(x.shape[0], self.sizes[1], dtype=x.dtype, device=x.device)
        mem = torch.zeros_like(spk)
        out = torch.zeros(x.shape[0], self.sizes[2], dtype=x.dtype, device=x.device)
        spikes, readout = [], []
        for t in range(self.num_steps):
            spk, mem = self.rlif(self.fc_in(seq[:, t // self.repeats]), spk, mem)
            spk = spk.to(x.dtype)  # snntorch's spikes are float32 even for a float64 run
            out = self.beta * out + self.fc_out(spk)
            spikes.append(spk)
            readout.append(out)
        return torch.stack(spikes), torch.stack(readout)


class RecurrentANN(nn.Module):
    """An RNN / LSTM / GRU over the rows (batch first), read out from its last hidden state
    by ``fc_out``; ``forward(x)`` takes (batch, rows * features) and returns class scores."""

    def __init__(self, kind, sizes, rows):
        super().__init__()
        self.kind, self.sizes, self.rows = kind, sizes, rows
        self.features = sizes[0] // rows
        self.cell = RNN_KINDS[kind](self.features, sizes[1], batch_first=True)
        self.fc_out = nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        out, _ = self.cell(x.reshape(x.shape[0], self.rows, self.features))
        return self.fc_out(out[:, -1])


def build_recurrent_snn(layer_sizes, *, rows=8, repeats=1, beta=0.8, threshold=1.0,
                        surrogate="atan", reset="subtract", seed=0
                        ) -> RecurrentSpikingNet:
    """The recurrent SNN for ``layer_sizes`` = (inputs, hidden, classes), inputs shown in
    ``rows`` steps of inputs / rows features, each held ``repeats`` steps; initial weights from
    ``seed``."""
    func = "build_snn"
    sizes, rows, _ = _sequence_sizes(layer_sizes, rows, func)
    reps = as_int(repeats, func, "repeats", low=1)
    b = as_float(beta, func, "beta", low=0.0, high=1.0)
    thr = as_float(threshold, func, "threshold", low=0.0)
    name = as_choice(surrogate, func, "surrogate", tuple(_SURROGATES))
    rst = as_choice(reset, func, "reset", ("subtract", "zero"))
    torch.manual_seed(as_int(seed, func, "seed", low=0))
    return RecurrentSpikingNet(sizes, rows, reps, b, thr, name, rst)


def build_rnn(layer_sizes, *, kind="lstm", rows=8, seed=0, like=None) -> RecurrentANN:
    """A recurrent ANN twin: ``kind`` "rnn" (Elman, tanh), "lstm" or "gru" with the hidden size
    of ``layer_sizes`` = (inputs, hidden, classes), over ``rows`` steps.

    ``like``: a :class:`RecurrentSpikingNet` of the same sizes whose initial weights the twin
    takes where the shapes allow: the input weights (into the RNN's input weights, the LSTM's
    cell candidate, the GRU's new gate), the recurrent weights (RNN only; the LSTM and GRU
    keep their own) and the read-out.
    """
    func = "build_rnn"
    kind = as_choice(kind, func, "kind", tuple(RNN_KINDS))
    sizes, rows, _ = _sequence_sizes(layer_sizes, rows, func)
    torch.manual_seed(as_int(seed, func, "seed", low=0))
    net = RecurrentANN(kind, sizes, rows)
    if like is not None:
        if not isinstance(like, RecurrentSpikingNet) or like.sizes != sizes or \
                like.rows != rows:
            raise param_error(func, "like", f"a recurrent SNN of sizes {sizes} over {rows} "
                              "rows (build_snn(..., recurrent=True))", like, TypeError)
        h = sizes[1]
        k = _CURRENT_BLOCK[kind]
        with torch.no_grad():
            net.cell.weight_ih_l0[k * h:(k + 1) * h] = like.fc_in.weight
            net.cell.bias_ih_l0[k * h:(k + 1) * h] = like.fc_in.bias
            if kind == "rnn":
                net.cell.weight_hh_l0.copy_(like.rlif.recurrent.weight)
                net.cell.bias_hh_l0.copy_(like.rlif.recurrent.bias)
            net.fc_out.weight.copy_(like.fc_out.weight)
            net.fc_out.bias.copy_(like.fc_out.bias)
    return net
