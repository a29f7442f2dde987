"""SNN against its ANN twin: accuracy, time, spikes, operations and energy."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from .._validation import as_int
from ._models import build_ann, build_snn
from ._train import evaluate, train

# 45 nm CMOS, 32-bit float (Horowitz 2014, ISSCC): an add 0.9 pJ, a multiply-accumulate 4.6 pJ
E_AC_PJ = 0.9
E_MAC_PJ = 4.6


@dataclass
class ComparisonReport:
    """Numbers from :func:`compare`; ``to_markdown()`` and ``to_json()`` print them."""

    layer_sizes: list
    seeds: list
    num_steps: int
    snn_accuracy: list
    ann_accuracy: list
    snn_train_seconds: list
    ann_train_seconds: list
    snn_infer_ms_batched: float
    ann_infer_ms_batched: float
    snn_infer_ms_single: float
    ann_infer_ms_single: float
    parameters: int
    spikes_per_sample: list
    sparsity: list
    snn_synops: float
    ann_macs: float
    snn_energy_nj: float
    ann_energy_nj: float
    accuracy_vs_steps: dict = field(default_factory=dict)
    histories: dict = field(default_factory=dict)
    assumptions: str = (f"Energy: SNN synaptic operations (one {E_AC_PJ} pJ accumulate per "
                        "spike per outgoing synapse, plus the input layer's MACs on the analog "
                        f"input each step) against ANN MACs at {E_MAC_PJ} pJ; 45 nm CMOS "
                        "figures from Horowitz (2014). Neuron updates and memory are not "
                        "counted.")

    @staticmethod
    def _ms(values):
        return float(np.mean(values)), float(np.std(values))

    def to_markdown(self) -> str:
        sm, ss = self._ms(self.snn_accuracy)
        am, as_ = self._ms(self.ann_accuracy)
        rows = [
            ("test accuracy (mean ± s.d. over seeds)", f"{100 * sm:.1f} ± {100 * ss:.1f} %",
             f"{100 * am:.1f} ± {100 * as_:.1f} %"),
            ("training time per seed", f"{np.mean(self.snn_train_seconds):.1f} s",
             f"{np.mean(self.ann_train_seconds):.2f} s"),
            ("inference per sample, batched", f"{self.snn_infer_ms_batched:.3f} ms",
             f"{self.ann_infer_ms_batched:.4f} ms"),
            ("inference per sample, batch of 1", f"{self.snn_infer_ms_single:.2f} ms",
             f"{self.ann_infer_ms_single:.3f} ms"),
            ("parameters", f"{self.parameters}", f"{self.parameters}"),
            ("spikes per sample per layer", ", ".join(f"{s:.1f}" for s in self.spikes_per_sample),
             "-"),
            ("operations per sample", f"{self.snn_synops:.3g} SynOps", f"{self.ann_macs:.3g} MACs"),
            ("energy per sample", f"{self.snn_energy_nj:.2f} nJ", f"{self.ann_energy_nj:.2f} nJ"),
        ]
        lines = [f"SNN vs ANN, layers {self.layer_sizes}, {self.num_steps} steps, seeds "
                 f"{self.seeds}", "", "| | SNN | ANN |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
        if self.accuracy_vs_steps:
            lines += ["", "SNN accuracy by number of time steps (first seed): " + ", ".join(
                f"{k}: {100 * v:.1f} %" for k, v in self.accuracy_vs_steps.items())]
        lines += ["", self.assumptions]
        return "\n".join(lines)

    def to_json(self) -> str:
        d = asdict(self)
        d["accuracy_vs_steps"] = {str(k): v for k, v in self.accuracy_vs_steps.items()}
        return json.dumps(d, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ComparisonReport:
        return report_from_json(text, cls)


def report_from_json(text, cls=None):
    """A report back from ``to_json`` (torch is not needed for this)."""
    d = json.loads(text)
    d["accuracy_vs_steps"] = {int(k): v for k, v in d["accuracy_vs_steps"].items()}
    return (cls or ComparisonReport)(**d)


def _time_per_sample(fn, x, repeats=3):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        with torch.no_grad():
            fn(x)
        best = min(best, time.perf_counter() - t0)
    return 1000.0 * best / x.shape[0]


def compare(layer_sizes, data, *, seeds=(0, 1, 2), epochs=20, lr=(2e-3, 5e-3), batch_size=64,
            beta=0.9, num_steps=25, steps_sweep=(5, 10, 15, 25), progress=True):
    """Train the SNN and its ANN twin for each seed on ``data`` = (train, test) and measure.

    ``lr`` is one learning rate for both twins or (SNN, ANN); the defaults are the ones that
    did best here for each (2e-3 and 5e-3 with Adam, 20 epochs).

    Returns a :class:`ComparisonReport`: accuracies per seed, training times, inference time
    per sample (batched and one at a time), parameter count, SNN spikes per sample per layer and
    sparsity, synaptic operations against MACs and the energy estimate (assumptions stated in
    the report), and the first seed's accuracy as the number of time steps varies.
    """
    train_set, test_set = data
    lr_snn, lr_ann = (lr, lr) if isinstance(lr, (int, float)) else lr
    steps = as_int(num_steps, "compare", "num_steps", low=1)
    sizes = list(layer_sizes)
    rep = {k: [] for k in ("snn_acc", "ann_acc", "snn_t", "ann_t")}
    histories = {}
    first_snn = first_ann = None
    for seed in seeds:
        snn = build_snn(sizes, beta=beta, num_steps=steps, seed=seed)
        ann = build_ann(sizes, seed=seed)
        hs = train(snn, train_set, epochs=epochs, lr=lr_snn, batch_size=batch_size, seed=seed,
                   test=test_set, progress=progress)
        ha = train(ann, train_set, epochs=epochs, lr=lr_ann, batch_size=batch_size, seed=seed,
                   test=test_set, progress=progress)
        rep["snn_acc"].append(hs["test_accuracy"][-1])
        rep["ann_acc"].append(ha["test_accuracy"][-1])
        rep["snn_t"].append(hs["seconds"])
        rep["ann_t"].append(ha["seconds"])
        histories[str(seed)] = {"snn": hs, "ann": ha}
        if first_snn is None:
            first_snn, first_ann = snn, ann
    x = test_set.tensors[0]
    n = x.shape[0]
    with torch.no_grad():
        _, _, hidden = first_snn(x, record_hidden=True)
    spikes = [float(h.sum()) / n for h in hidden]
    sparsity = [1.0 - float(h.mean()) for h in hidden]
    # SynOps: the first layer gets analog input every step (MACs); each spike of layer k
    # drives its fan-out in layer k + 1 with one accumulate
    macs_in = sizes[0] * sizes[1] * steps
    synops = sum(spikes[k] * sizes[k + 2] for k in range(len(spikes) - 1))
    ann_macs = float(sum(a * b for a, b in itertools.pairwise(sizes)))
    acc_steps = {}
    for s in steps_sweep:
        first_snn.num_steps = s
        acc_steps[int(s)] = evaluate(first_snn, test_set)
    first_snn.num_steps = steps
    return ComparisonReport(
        layer_sizes=sizes, seeds=list(seeds), num_steps=steps, snn_accuracy=rep["snn_acc"],
        ann_accuracy=rep["ann_acc"], snn_train_seconds=rep["snn_t"],
        ann_train_seconds=rep["ann_t"],
        snn_infer_ms_batched=_time_per_sample(first_snn, x),
        ann_infer_ms_batched=_time_per_sample(first_ann, x),
        snn_infer_ms_single=float(np.mean([_time_per_sample(first_snn, x[i:i + 1], 1)
                                           for i in range(20)])),
        ann_infer_ms_single=float(np.mean([_time_per_sample(first_ann, x[i:i + 1], 1)
                                           for i in range(20)])),
        parameters=int(sum(p.numel() for p in first_ann.parameters())),
        spikes_per_sample=spikes, sparsity=sparsity, snn_synops=float(synops + macs_in),
        ann_macs=ann_macs,
        snn_energy_nj=(synops * E_AC_PJ + macs_in * E_MAC_PJ) / 1000.0,
        ann_energy_nj=ann_macs * E_MAC_PJ / 1000.0, accuracy_vs_steps=acc_steps,
        histories=histories)
