"""The recurrent SNN against its RNN, LSTM and GRU twins on digits read row by row."""

from __future__ import annotations

import numbers
import platform
import sys

import numpy as np
import torch

from .._core.validation import as_choice, as_float, as_int, param_error
from ..snn_report import E_AC_PJ, E_MAC_PJ, RecurrentReport, save_recurrent_comparison
from ._data import load_digits, split, tensors_of
from ._recurrent import RNN_KINDS, _sequence_sizes, build_recurrent_snn, build_rnn
from ._train import _check_seeds, _time_per_sample, evaluate, train, train_and_test

LR_GRID = (2e-3, 5e-3, 1e-2)
DEFAULT_EPOCHS = {"snn": 30, "rnn": 10, "lstm": 10, "gru": 10}
# gate blocks per step: an LSTM has four (i, f, g, o), a GRU three (r, z, n)
_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def _epochs(epochs, models, func):
    if epochs is None:
        return {m: DEFAULT_EPOCHS[m] for m in models}
    if isinstance(epochs, numbers.Integral) and not isinstance(epochs, bool):
        return {m: as_int(epochs, func, "epochs", low=1) for m in models}
    if isinstance(epochs, dict):
        return {m: as_int(epochs.get(m, DEFAULT_EPOCHS[m]), func, f"epochs[{m!r}]", low=1)
                for m in models}
    raise param_error(func, "epochs", "None (30 for the SNN, 10 for the twins), an int, or a "
                      "dict of model -> epochs", epochs, TypeError)


def operations(model: str, sizes, rows: int, repeats: int, hidden_spikes: float = 0.0):
    """(MACs, ACs) per sample, as the report's ``assumptions`` count them."""
    features, hidden, classes = sizes[0] // rows, sizes[1], sizes[2]
    steps = rows * repeats
    if model == "snn":
        macs = rows * features * hidden + steps * classes
        return float(macs), float(hidden_spikes * (hidden + classes))
    per_step = _BLOCKS[model] * (features * hidden + hidden * hidden)
    return float(rows * per_step + hidden * classes), 0.0


def compare_recurrent(layer_sizes, data, *, kinds=("rnn", "lstm", "gru"), seeds=(0, 1, 2),
                      epochs=None, lr=None, rows=8, repeats=1, batch_size=64,
                      validation_fraction=0.2, progress=True) -> RecurrentReport:
    """Train the recurrent SNN and its ``kinds`` of ANN twins (same hidden size; each twin
    starts from the SNN's initial weights where the shapes allow) for each seed on ``data`` =
    (train, test), the inputs read ``rows`` rows at a time, and measure them.

    A validation split is carved off the training data; with ``lr=None`` each model's
    learning rate is chosen from (2e-3, 5e-3, 1e-2) by its validation accuracy after the first
    seed's training, the other seeds train at the chosen rate. The test split is scored once
    per seed. ``epochs``: None (30 for the SNN, 10 for each twin), an int, or a dict.

    Returns a :class:`~neurosim.snn_report.RecurrentReport`; the first seed's trained models
    are ``report.networks``.
    """
    func = "compare_recurrent"
    sizes, rows, _ = _sequence_sizes(layer_sizes, rows, func)
    reps = as_int(repeats, func, "repeats", low=1)
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = [as_choice(k, func, "kinds", tuple(RNN_KINDS)) for k in kinds]
    models = ["snn", *kinds]
    seeds = _check_seeds(seeds, func)
    n_epochs = _epochs(epochs, models, func)
    train_set, test_set = train_and_test(data, sizes, func)
    grid = LR_GRID if lr is None else (as_float(lr, func, "lr", low=0.0),)
    frac = as_float(validation_fraction, func, "validation_fraction", low=0.0, high=0.5)
    fit_set, val_set = split(train_set, frac, seeds[0], func)

    def build(model, seed):
        snn = build_recurrent_snn(sizes, rows=rows, repeats=reps, seed=seed)
        return snn if model == "snn" else build_rnn(sizes, kind=model, rows=rows, seed=seed,
                                                    like=snn)

    def fit(net, model, rate, seed):
        return train(net, fit_set, epochs=n_epochs[model], lr=rate, batch_size=batch_size,
                     seed=seed, validation=val_set, progress=progress)

    acc, secs = {m: [] for m in models}, {m: [] for m in models}
    chosen, val_acc, first = {}, {}, {}
    for model in models:
        trials = []
        for rate in grid:
            net = build(model, seeds[0])
            hist = fit(net, model, rate, seeds[0])
            trials.append((hist["val_accuracy"][-1], -rate, rate, net, hist))
        best = max(trials, key=lambda t: (t[0], t[1]))
        chosen[model] = best[2]
        val_acc[model] = {str(t[2]): t[0] for t in trials}
        first[model] = best[3]
        for k, seed in enumerate(seeds):
            if k == 0:
                net, hist = best[3], best[4]
            else:
                net = build(model, seed)
                hist = fit(net, model, chosen[model], seed)
            acc[model].append(evaluate(net, test_set))
            secs[model].append(hist["seconds"])
    x_test, _ = tensors_of(test_set)
    snn = first["snn"]
    with torch.no_grad():
        spikes, _ = snn(x_test)
    per_sample = float(spikes.sum()) / x_test.shape[0]
    macs, acs, energy = {}, {}, {}
    for model in models:
        macs[model], acs[model] = operations(model, sizes, rows, reps, per_sample)
        energy[model] = (macs[model] * E_MAC_PJ + acs[model] * E_AC_PJ) / 1000.0

    def single(net):
        return float(np.mean([_time_per_sample(net, x_test[i:i + 1], 1) for i in range(20)]))

    report = RecurrentReport(
        layer_sizes=sizes, rows=rows, repeats=reps, seeds=seeds, epochs=n_epochs,
        accuracy=acc, train_seconds=secs,
        infer_ms_batched={m: _time_per_sample(first[m], x_test) for m in models},
        infer_ms_single={m: single(first[m]) for m in models},
        parameters={m: int(sum(p.numel() for p in first[m].parameters())) for m in models},
        macs=macs, acs=acs, energy_nj=energy, hidden_spikes_per_sample=per_sample,
        sparsity=1.0 - float(spikes.mean()),
        split={"train": len(fit_set), "validation": len(val_set), "test": int(x_test.shape[0]),
               "validation_fraction": frac},
        lr_selection={**chosen, "validation_accuracy": val_acc})
    report.networks = first
    return report


def write_recurrent_comparison(folder, *, layer_sizes=(64, 128, 10), seeds=(0, 1, 2),
                               epochs=None, progress=True, command=None, **options):
    """Run :func:`compare_recurrent` on scikit-learn's digits and save the report into
    ``folder`` through the one writer (:func:`neurosim.snn_report.save_recurrent_comparison`).
    ``neurosim snn compare-recurrent --out artefacts/snn_recurrent`` is this call."""
    import snntorch


    report = compare_recurrent(list(layer_sizes), load_digits(), seeds=seeds, epochs=epochs,
                               progress=progress, **options)
    provenance = {
        "torch": torch.__version__, "snntorch": snntorch.__version__, "device": "cpu",
        "device_name": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(), "command": command or " ".join(sys.argv),
        "data": "scikit-learn load_digits(), neurosim.bridge.load_digits(test_fraction=0.25, "
                "seed=0), each image read as 8 rows of 8 pixels"}
    return save_recurrent_comparison(folder, report, provenance=provenance)
