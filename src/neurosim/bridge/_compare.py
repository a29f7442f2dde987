"""SNN against its ANN twin: accuracy, time, spikes, operations and energy; learning rates
chosen on a validation split, the test split scored once."""

from __future__ import annotations

import itertools
import numbers
import platform
import sys

import numpy as np
import torch

from .._core.validation import as_float, as_int, param_error
from ..snn_report import E_AC_PJ, E_MAC_PJ, ComparisonReport, save_comparison
from ._common import _check_sizes
from ._compare_recurrent import compare_recurrent
from ._data import load_digits, split, tensors_of
from ._export import to_neurosim
from ._models import build_ann, build_snn
from ._train import _check_seeds, _time_per_sample, evaluate, train, train_and_test

LR_GRID = (1e-3, 2e-3, 5e-3)


def _lrs(lr, func: str):
    """(SNN candidates, ANN candidates)."""
    if lr is None:
        return LR_GRID, LR_GRID
    if isinstance(lr, numbers.Real):
        rate = as_float(lr, func, "lr", low=0.0)
        return (rate,), (rate,)
    if isinstance(lr, (tuple, list)) and len(lr) == 2:
        return ((as_float(lr[0], func, "lr", low=0.0),),
                (as_float(lr[1], func, "lr", low=0.0),))
    raise param_error(func, "lr", "None (choose from a grid on the validation split), one "
                      "learning rate, or an (SNN, ANN) pair", lr, TypeError)


def compare(layer_sizes, data, *, seeds=(0, 1, 2), epochs=None, lr=None, batch_size=64,
            beta=0.9, num_steps=25, validation_fraction=0.2, steps_sweep=(5, 10, 15, 25),
            progress=True, recurrent=False) -> ComparisonReport:
    """Train the SNN and its ANN twin for each seed on ``data`` = (train, test) and measure.

    ``recurrent=True`` compares the recurrent SNN with its RNN, LSTM and GRU twins on the
    data read row by row instead: :func:`neurosim.bridge.compare_recurrent` (``epochs`` None
    then means 30 for the SNN and 10 for each twin), returning its
    :class:`~neurosim.snn_report.RecurrentReport`. ``epochs`` None is 20 here.

    A validation split (``validation_fraction`` of the training data, stratified, seeded) is
    carved off first; both twins train on the rest. With ``lr=None`` each twin's learning rate
    is chosen from (1e-3, 2e-3, 5e-3) by its validation accuracy after the first seed's
    training (that run is kept as the first seed's model); the other seeds train at the chosen
    rates. The test split is scored once per seed, after training.

    Returns a :class:`~neurosim.snn_report.ComparisonReport`: test accuracies per seed, the
    chosen rates and their validation accuracies, training times, inference time per sample
    (batched and one at a time), parameter count, SNN spikes per sample per layer and
    sparsity, operations and the energy estimate counted two ways (assumptions stated in the
    report), and the first seed's validation accuracy as the number of time steps varies. The
    first seed's trained networks are ``report.networks["snn"]`` and ``["ann"]`` (not saved in
    the report; :func:`write_comparison` saves the SNN).
    """
    func = "compare"
    if recurrent:
        return compare_recurrent(layer_sizes, data, seeds=seeds, epochs=epochs, lr=lr,
                                 batch_size=batch_size,
                                 validation_fraction=validation_fraction, progress=progress)
    epochs = 20 if epochs is None else epochs
    sizes = _check_sizes(layer_sizes, func)
    seeds = _check_seeds(seeds, func)
    train_set, test_set = train_and_test(data, sizes, func)
    n_epochs = as_int(epochs, func, "epochs", low=1)
    steps = as_int(num_steps, func, "num_steps", low=1)
    frac = as_float(validation_fraction, func, "validation_fraction", low=0.0, high=0.5)
    snn_lrs, ann_lrs = _lrs(lr, func)
    fit_set, val_set = split(train_set, frac, seeds[0], func)
    common = {"epochs": n_epochs, "batch_size": batch_size, "validation": val_set,
              "progress": progress}

    def first_seed(build, candidates):
        trials = []
        for rate in candidates:
            model = build(seeds[0])
            hist = train(model, fit_set, lr=rate, seed=seeds[0], **common)
            trials.append((hist["val_accuracy"][-1], -rate, rate, model, hist))
        best = max(trials, key=lambda t: (t[0], t[1]))
        return best[2], best[3], best[4], {str(t[2]): t[0] for t in trials}

    def snn_of(seed):
        return build_snn(sizes, beta=beta, num_steps=steps, seed=seed)

    def ann_of(seed):
        return build_ann(sizes, seed=seed)

    lr_snn, snn0, hist_snn0, val_snn = first_seed(snn_of, snn_lrs)
    lr_ann, ann0, hist_ann0, val_ann = first_seed(ann_of, ann_lrs)
    acc = {"snn": [], "ann": []}
    secs = {"snn": [], "ann": []}
    histories = {}
    for k, seed in enumerate(seeds):
        if k == 0:
            snn, ann, hs, ha = snn0, ann0, hist_snn0, hist_ann0
        else:
            snn, ann = snn_of(seed), ann_of(seed)
            hs = train(snn, fit_set, lr=lr_snn, seed=seed, **common)
            ha = train(ann, fit_set, lr=lr_ann, seed=seed, **common)
        acc["snn"].append(evaluate(snn, test_set))  # the one test score of this seed
        acc["ann"].append(evaluate(ann, test_set))
        secs["snn"].append(hs["seconds"])
        secs["ann"].append(ha["seconds"])
        histories[str(seed)] = {"snn": hs, "ann": ha}
    x_test, y_test = tensors_of(test_set)
    n = x_test.shape[0]
    with torch.no_grad():
        _, _, hidden = snn0(x_test, record_hidden=True)
    spikes = [float(h.sum()) / n for h in hidden]
    sparsity = [1.0 - float(h.mean()) for h in hidden]
    # the input layer: the same image every step, so W x (+ b) is computed once per sample;
    # each spike of layer k then drives its fan-out in layer k + 1 with one accumulate
    input_macs = float(sizes[0] * sizes[1])
    synops = float(sum(spikes[k] * sizes[k + 2] for k in range(len(spikes) - 1)))
    ann_macs = float(sum(a * b for a, b in itertools.pairwise(sizes)))
    acc_steps = {}
    for s in steps_sweep:
        snn0.num_steps = int(s)
        acc_steps[int(s)] = evaluate(snn0, val_set)
    snn0.num_steps = steps
    report = ComparisonReport(
        layer_sizes=sizes, seeds=seeds, num_steps=steps, epochs=n_epochs,
        snn_accuracy=acc["snn"], ann_accuracy=acc["ann"], snn_train_seconds=secs["snn"],
        ann_train_seconds=secs["ann"],
        snn_infer_ms_batched=_time_per_sample(snn0, x_test),
        ann_infer_ms_batched=_time_per_sample(ann0, x_test),
        snn_infer_ms_single=float(np.mean([_time_per_sample(snn0, x_test[i:i + 1], 1)
                                           for i in range(20)])),
        ann_infer_ms_single=float(np.mean([_time_per_sample(ann0, x_test[i:i + 1], 1)
                                           for i in range(20)])),
        parameters=int(sum(p.numel() for p in ann0.parameters())),
        spikes_per_sample=spikes, sparsity=sparsity, snn_synops=synops,
        snn_input_macs=input_macs, ann_macs=ann_macs,
        snn_energy_nj=(input_macs * E_MAC_PJ + synops * E_AC_PJ) / 1000.0,
        snn_energy_nj_input_every_step=(input_macs * steps * E_MAC_PJ
                                        + synops * E_AC_PJ) / 1000.0,
        ann_energy_nj=ann_macs * E_MAC_PJ / 1000.0,
        split={"train": len(fit_set), "validation": len(val_set), "test": int(n),
               "validation_fraction": frac},
        lr_selection={"snn": lr_snn, "ann": lr_ann,
                      "validation_accuracy": {"snn": val_snn, "ann": val_ann}},
        accuracy_vs_steps=acc_steps, histories=histories)
    report.networks = {"snn": snn0, "ann": ann0, "test": (x_test, y_test)}
    return report


def write_comparison(folder, *, layer_sizes=(64, 128, 10), seeds=(0, 1, 2), epochs=20,
                     progress=True, command=None, **options):
    """Run :func:`compare` on scikit-learn's digits and save the report with the first seed's
    SNN (whose accuracy the report gives) and the whole test split into ``folder``, through the
    one writer (:func:`neurosim.snn_report.save_comparison`). ``neurosim snn compare --out
    artefacts/snn_digits`` is this call. Returns the paths written."""
    import snntorch


    data = load_digits()
    report = compare(list(layer_sizes), data, seeds=seeds, epochs=epochs, progress=progress,
                     **options)
    snn = report.networks["snn"]
    x_test, y_test = report.networks["test"]
    ns = to_neurosim(snn)
    device = report.histories[str(report.seeds[0])]["snn"]["device"]
    provenance = {
        "torch": torch.__version__, "snntorch": snntorch.__version__, "device": device,
        "device_name": (torch.cuda.get_device_name(0) if device == "cuda"
                        else platform.processor() or platform.machine()),
        "command": command or " ".join(sys.argv),
        "data": "scikit-learn load_digits(), neurosim.bridge.load_digits(test_fraction=0.25, "
                "seed=0)",
        "saved_network": f"the SNN of seed {report.seeds[0]}"}
    return save_comparison(folder, report, weights=ns.weights, biases=ns.biases, beta=ns.beta,
                           threshold=ns.threshold, reset=ns.reset, num_steps=ns.num_steps,
                           test_x=x_test.numpy(), test_y=y_test.numpy(), provenance=provenance)
