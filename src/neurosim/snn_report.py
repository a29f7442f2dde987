"""The saved SNN-versus-ANN comparison: written by one function, read by one function, no torch.

A saved comparison is a folder with ``report.json`` (every number of the report, with its
provenance) and ``weights.npz`` (the seed-0 SNN whose numbers the report gives, and the whole
test split it was scored on). The lecture figure set reads the copy in ``artefacts/snn_digits``;
regenerate it with ``neurosim snn compare --out artefacts/snn_digits`` (needs the 'snn' extra).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import platform
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from ._core.validation import param_error
from ._core.version import __version__
from .catalog import artefacts_dir
from .result import Summarised, write_atomically

__all__ = ["ComparisonReport", "RecurrentReport", "SavedComparison", "lif_step",
           "load_comparison", "load_recurrent_comparison", "run_discrete_lif", "save_comparison",
           "save_recurrent_comparison"]

FORMAT = "neurosim-snn-comparison-2"
# 45 nm CMOS, 32-bit float (Horowitz 2014, ISSCC): an add 0.9 pJ, a multiply-accumulate 4.6 pJ
E_AC_PJ = 0.9
E_MAC_PJ = 4.6


@dataclass(repr=False)
class ComparisonReport(Summarised):
    """The numbers of an SNN-vs-ANN comparison (:func:`neurosim.bridge.compare`).

    Accuracies are on the test split, measured once per seed after training; learning rates
    were chosen on a validation split carved from the training data (``lr_selection``), and
    the per-epoch curves in ``histories`` are on that validation split.

    Energy is counted two ways and both are reported: with direct encoding the input layer sees
    the same image every time step, so its multiply-accumulates W x need be computed only once
    (``snn_energy_nj``, the verdict's basis); counted again at every step, as a naive
    implementation would, they give ``snn_energy_nj_input_every_step``.
    """

    layer_sizes: list
    seeds: list
    num_steps: int
    epochs: int
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
    snn_input_macs: float
    ann_macs: float
    snn_energy_nj: float
    snn_energy_nj_input_every_step: float
    ann_energy_nj: float
    split: dict = field(default_factory=dict)
    lr_selection: dict = field(default_factory=dict)
    accuracy_vs_steps: dict = field(default_factory=dict)
    histories: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    #: The accounting behind the energy numbers, in words (the report prints it).
    assumptions: str = (
        f"Energy per sample, 45 nm CMOS (Horowitz 2014): {E_MAC_PJ} pJ per multiply-accumulate, "
        f"{E_AC_PJ} pJ per accumulate. The SNN's input layer gets the same (direct-encoded) "
        "image every step, so W x is computed once per sample; every hidden spike then costs one "
        "accumulate per outgoing synapse. The ANN costs one MAC per weight. Neuron updates, "
        "memory traffic and the input encoding are not counted.")

    @staticmethod
    def _ms(values):
        return float(np.mean(values)), float(np.std(values))

    def _summary(self):
        sm, ss = self._ms(self.snn_accuracy)
        am, as_ = self._ms(self.ann_accuracy)
        return "ComparisonReport", [
            ("layers", str(self.layer_sizes)), ("seeds", str(self.seeds)),
            ("SNN accuracy", f"{100 * sm:.1f} ± {100 * ss:.1f} %"),
            ("ANN accuracy", f"{100 * am:.1f} ± {100 * as_:.1f} %"),
            ("energy per sample", f"SNN {self.snn_energy_nj:.1f} nJ, ANN "
                                  f"{self.ann_energy_nj:.1f} nJ"),
            ("made", self.provenance.get("date", "unknown"))]

    def to_markdown(self) -> str:
        sm, ss = self._ms(self.snn_accuracy)
        am, as_ = self._ms(self.ann_accuracy)
        rows = [
            ("test accuracy (mean ± s.d. over seeds)", f"{100 * sm:.1f} ± {100 * ss:.1f} %",
             f"{100 * am:.1f} ± {100 * as_:.1f} %"),
            ("learning rate (chosen on validation)", f"{self.lr_selection.get('snn', '-')}",
             f"{self.lr_selection.get('ann', '-')}"),
            ("training time per seed", f"{np.mean(self.snn_train_seconds):.1f} s",
             f"{np.mean(self.ann_train_seconds):.2f} s"),
            ("inference per sample, batched", f"{self.snn_infer_ms_batched:.3f} ms",
             f"{self.ann_infer_ms_batched:.4f} ms"),
            ("inference per sample, batch of 1", f"{self.snn_infer_ms_single:.2f} ms",
             f"{self.ann_infer_ms_single:.3f} ms"),
            ("parameters", f"{self.parameters}", f"{self.parameters}"),
            ("spikes per sample per layer", ", ".join(f"{s:.1f}" for s in self.spikes_per_sample),
             "-"),
            ("operations per sample", f"{self.snn_input_macs:,.0f} MACs (input, once) + "
             f"{self.snn_synops:,.0f} SynOps", f"{self.ann_macs:,.0f} MACs"),
            ("energy per sample (input W x once)", f"{self.snn_energy_nj:.1f} nJ",
             f"{self.ann_energy_nj:.1f} nJ"),
            ("energy per sample (input W x every step)",
             f"{self.snn_energy_nj_input_every_step:.1f} nJ", f"{self.ann_energy_nj:.1f} nJ"),
        ]
        lines = [f"SNN vs ANN, layers {self.layer_sizes}, {self.num_steps} steps, "
                 f"{self.epochs} epochs, seeds {self.seeds}", "", "| | SNN | ANN |",
                 "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
        if self.accuracy_vs_steps:
            lines += ["", "SNN validation accuracy by number of time steps (first seed): "
                      + ", ".join(f"{k}: {100 * v:.1f} %"
                                  for k, v in self.accuracy_vs_steps.items())]
        lines += ["", self.assumptions]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["accuracy_vs_steps"] = {str(k): v for k, v in self.accuracy_vs_steps.items()}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> ComparisonReport:
        d = _report_fields(cls, d)
        d["accuracy_vs_steps"] = {int(k): v for k, v in d.get("accuracy_vs_steps", {}).items()}
        return cls(**d)


def _report_fields(cls, d: dict) -> dict:
    """The fields of report class ``cls`` in ``d``; every field without a default must be
    there."""
    required = {f.name for f in fields(cls) if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING}
    missing = sorted(required - set(d))
    if missing:
        raise param_error(f"{cls.__name__}.from_dict", "d", f"a report with every field "
                          f"(missing {missing})", "an incomplete report")
    known = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in known}


@dataclass(repr=False)
class SavedComparison(Summarised):
    """A comparison read back by :func:`load_comparison`: the report, the seed-0 SNN's
    weights, biases, beta, threshold, reset and number of steps, and the test split."""

    report: ComparisonReport
    weights: list
    biases: list
    beta: float
    threshold: float
    reset: str
    num_steps: int
    test_x: np.ndarray
    test_y: np.ndarray
    folder: Path

    def _summary(self):
        return "SavedComparison", [
            ("folder", str(self.folder)), ("report", repr(self.report)),
            ("network", f"layers {self.report.layer_sizes}, {self.num_steps} steps"),
            ("test split", f"{len(self.test_y):,} samples")]

    def predict(self, x) -> np.ndarray:
        return run_discrete_lif(self.weights, self.biases, self.beta, self.threshold,
                                self.num_steps, x, self.reset)[-1].sum(axis=0).argmax(axis=1)

    def test_accuracy(self) -> float:
        """The saved SNN's accuracy on the whole saved test split, run in numpy."""
        return float(np.mean(self.predict(self.test_x) == self.test_y))


def default_folder() -> Path:
    return artefacts_dir() / "snn_digits"


def _git_revision() -> str:
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=here, capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    if rev.returncode != 0:
        return "unknown (not a git checkout)"
    return rev.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def save_comparison(folder, report: ComparisonReport, *, weights, biases, beta, threshold,
                    reset, num_steps, test_x, test_y, provenance: dict) -> list[Path]:
    """Write ``report.json`` and ``weights.npz`` into ``folder``, whole or not at all (both are
    written into a temporary folder and moved into place together).

    ``provenance`` (library versions, device, command) is completed with neurosim's version,
    the date and the git revision, and stored in both files."""
    folder = Path(folder)
    prov = {"neurosim": __version__, "numpy": np.__version__,
            "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git": _git_revision(), **provenance}
    report.provenance = prov
    meta = {"format": FORMAT, "provenance": prov}
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        (staging / "report.json").write_text(json.dumps(
            {"format": FORMAT, **report.to_dict()}, indent=2))
        arrays = {f"w{k}": np.asarray(w, dtype=np.float32) for k, w in enumerate(weights)}
        arrays.update({f"b{k}": np.asarray(b, dtype=np.float32) for k, b in enumerate(biases)})
        np.savez_compressed(staging / "weights.npz", n_layers=len(weights), beta=beta,
                            threshold=threshold, reset=reset, num_steps=num_steps,
                            test_x=np.asarray(test_x, dtype=np.float32),
                            test_y=np.asarray(test_y, dtype=np.int64),
                            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                            **arrays)
        folder.mkdir(exist_ok=True)
        written = []
        for name in ("weights.npz", "report.json"):
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_comparison(folder=None) -> SavedComparison:
    """Read a comparison written by :func:`~neurosim.snn_report.save_comparison` (default:
    the one shipped in ``artefacts/snn_digits``, from which the lecture figures are drawn)."""
    func = "load_comparison"
    base = default_folder() if folder is None else Path(folder)
    report_path, weights_path = base / "report.json", base / "weights.npz"
    for path in (report_path, weights_path):
        if not path.is_file():
            raise param_error(func, "folder", "a folder written by save_comparison (neurosim "
                              "snn compare --out FOLDER)", f"{base}, which has no {path.name}")
    data = json.loads(report_path.read_text())
    if data.get("format") != FORMAT:
        raise param_error(func, "folder", f"a {FORMAT} comparison (regenerate it with "
                          f"neurosim snn compare --out {base})", data.get("format"))
    data.pop("format")
    report = ComparisonReport.from_dict(data)
    with np.load(weights_path) as z:
        n_layers = int(z["n_layers"])
        return SavedComparison(
            report=report, weights=[z[f"w{k}"].astype(np.float64) for k in range(n_layers)],
            biases=[z[f"b{k}"].astype(np.float64) for k in range(n_layers)],
            beta=float(z["beta"]), threshold=float(z["threshold"]), reset=str(z["reset"]),
            num_steps=int(z["num_steps"]), test_x=z["test_x"].astype(np.float64),
            test_y=z["test_y"], folder=base)


def run_discrete_lif(weights, biases, beta, threshold, num_steps, x, reset="subtract", *,
                     reset_delay=True, alpha=None):
    """snntorch's Leaky update (Synaptic where ``alpha`` is given: the input current first
    decays by alpha and adds up, syn = alpha syn + W x + b) in float64 numpy (see
    :class:`neurosim.bridge.NeurosimSNN`).

    Returns per-layer spikes of shape (num_steps, batch, neurons)."""
    x = np.asarray(x, dtype=np.float64)
    mems = [np.zeros((x.shape[0], w.shape[0])) for w in weights]
    syns = [np.zeros_like(m) for m in mems]
    out = [np.zeros((num_steps, x.shape[0], w.shape[0])) for w in weights]
    for t in range(num_steps):
        h = x
        for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
            cur = h @ w.T + b
            if alpha is not None:
                syns[k] = alpha * syns[k] + cur
                cur = syns[k]
            mems[k], h = lif_step(mems[k], cur, beta, threshold, reset, reset_delay)
            out[k][t] = h
    return out


def lif_step(mem, cur, beta, threshold, reset="subtract", reset_delay=True):
    """One step of snntorch's Leaky update in numpy. With the reset delayed (snntorch's
    default): the reset from the previous step's spike (H(mem - thr), H(0) = 0), then
    mem = beta mem + cur - reset thr ("subtract") or (beta mem + cur)(1 - reset) ("zero").
    Without (``reset_delay=False``, NIR's neuron): mem = beta mem + cur, the spike, then the
    reset at once (mem - spike thr, or mem (1 - spike)). Returns (mem, spikes)."""
    if not reset_delay:
        mem = beta * mem + cur
        spk = (mem - threshold > 0).astype(np.float64)
        mem = mem - spk * threshold if reset == "subtract" else mem * (1.0 - spk)
        return mem, spk
    fired = (mem - threshold > 0).astype(np.float64)
    if reset == "subtract":
        mem = beta * mem + cur - fired * threshold
    else:
        mem = (beta * mem + cur) * (1.0 - fired)
    return mem, (mem - threshold > 0).astype(np.float64)


# --------------------------------------------------------------------------------------------
# the recurrent comparison: the recurrent SNN against RNN / LSTM / GRU twins

RECURRENT_FORMAT = "neurosim-snn-recurrent-1"
MODEL_LABELS = {"snn": "recurrent SNN", "rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


@dataclass(repr=False)
class RecurrentReport(Summarised):
    """The numbers of :func:`neurosim.bridge.compare_recurrent`: per model ("snn", "rnn",
    "lstm", "gru"), test accuracies per seed, the learning rate chosen on the validation split,
    training time per seed, inference time per sample (batched, and one at a time),
    parameters, operations per sample (multiply-accumulates and accumulates) and energy per
    sample; for the SNN, hidden spikes per sample and sparsity. See ``assumptions``."""

    layer_sizes: list
    rows: int
    repeats: int
    seeds: list
    epochs: dict
    accuracy: dict
    train_seconds: dict
    infer_ms_batched: dict
    infer_ms_single: dict
    parameters: dict
    macs: dict
    acs: dict
    energy_nj: dict
    hidden_spikes_per_sample: float
    sparsity: float
    split: dict = field(default_factory=dict)
    lr_selection: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    #: The accounting behind the energy numbers, in words (the report prints it).
    assumptions: str = (
        f"Energy per sample, 45 nm CMOS (Horowitz 2014): {E_MAC_PJ} pJ per multiply-accumulate "
        f"(MAC), {E_AC_PJ} pJ per accumulate (AC). The SNN computes each row's input current "
        "W x once (MACs), each hidden spike costs one AC per recurrent and read-out synapse, "
        "and the read-out's leak one MAC per class and step. An RNN step costs one MAC per "
        "input and recurrent weight, an LSTM four such blocks, a GRU three; the read-out one "
        "MAC per weight. Nonlinearities, gate products, memory traffic and neuron updates are "
        "not counted.")

    def models(self) -> list[str]:
        return list(self.accuracy)

    def _summary(self):
        rows = [("layers", str(self.layer_sizes)), ("seeds", str(self.seeds))]
        rows += [(f"{MODEL_LABELS.get(m, m)} accuracy",
                  f"{100 * np.mean(self.accuracy[m]):.1f} ± {100 * np.std(self.accuracy[m]):.1f}"
                  f" %, {self.energy_nj[m]:.0f} nJ") for m in self.models()]
        rows.append(("made", self.provenance.get("date", "unknown")))
        return "RecurrentReport", rows

    def to_markdown(self) -> str:
        ms = self.models()
        rows = [("test accuracy (mean ± s.d. over seeds)",
                 [f"{100 * np.mean(self.accuracy[m]):.1f} ± {100 * np.std(self.accuracy[m]):.1f}"
                  " %" for m in ms]),
                ("learning rate (chosen on validation)",
                 [f"{self.lr_selection.get(m, '-')}" for m in ms]),
                ("epochs", [f"{self.epochs[m]}" for m in ms]),
                ("training time per seed", [f"{np.mean(self.train_seconds[m]):.1f} s"
                                            for m in ms]),
                ("inference per sample, batched", [f"{self.infer_ms_batched[m]:.4f} ms"
                                                   for m in ms]),
                ("inference per sample, batch of 1", [f"{self.infer_ms_single[m]:.3f} ms"
                                                      for m in ms]),
                ("parameters", [f"{self.parameters[m]:,}" for m in ms]),
                ("operations per sample", [f"{self.macs[m]:,.0f} MACs + {self.acs[m]:,.0f} ACs"
                                           for m in ms]),
                ("energy per sample", [f"{self.energy_nj[m]:.1f} nJ" for m in ms])]
        lines = [f"Recurrent SNN vs RNN twins, layers {self.layer_sizes}, {self.rows} rows x "
                 f"{self.repeats} steps, seeds {self.seeds}", "",
                 "| | " + " | ".join(MODEL_LABELS[m] for m in ms) + " |",
                 "|---|" + "---|" * len(ms)]
        lines += [f"| {name} | " + " | ".join(vals) + " |" for name, vals in rows]
        lines += ["", f"SNN hidden spikes per sample: {self.hidden_spikes_per_sample:.1f} "
                  f"(sparsity {100 * self.sparsity:.1f} %)", "", self.assumptions]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RecurrentReport:
        return cls(**_report_fields(cls, d))


def default_recurrent_folder() -> Path:
    return artefacts_dir() / "snn_recurrent"


def save_recurrent_comparison(folder, report: RecurrentReport, *, provenance: dict) -> Path:
    """Write ``report.json`` into ``folder`` (whole or not at all), its provenance completed
    with neurosim's version, the date and the git revision."""
    prov = {"neurosim": __version__, "numpy": np.__version__,
            "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git": _git_revision(), **provenance}
    report.provenance = prov
    path = Path(folder) / "report.json"
    text = json.dumps({"format": RECURRENT_FORMAT, **report.to_dict()}, indent=2)
    write_atomically(path, lambda fh: fh.write(text.encode()))
    return path


def load_recurrent_comparison(folder=None) -> RecurrentReport:
    """Read a report written by :func:`~neurosim.snn_report.save_recurrent_comparison`
    (default: the one shipped in ``artefacts/snn_recurrent``, from which the lecture figure is
    drawn)."""
    func = "load_recurrent_comparison"
    base = default_recurrent_folder() if folder is None else Path(folder)
    path = base / "report.json"
    if not path.is_file():
        raise param_error(func, "folder", "a folder written by save_recurrent_comparison "
                          "(neurosim snn compare-recurrent --out FOLDER)",
                          f"{base}, which has no report.json")
    data = json.loads(path.read_text())
    if data.get("format") != RECURRENT_FORMAT:
        raise param_error(func, "folder", f"a {RECURRENT_FORMAT} report (regenerate it with "
                          f"neurosim snn compare-recurrent --out {base})", data.get("format"))
    data.pop("format")
    return RecurrentReport.from_dict(data)
