"""Reading a saved SNN-vs-ANN comparison and trained weights without torch.

``neurosim snn compare --out DIR`` (needs the 'snn' extra) writes ``report.json`` and
``weights.npz``; the figure set uses the copies under ``models/`` so that rendering it needs
neither torch nor training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .catalog import catalog_dir

__all__ = ["SavedComparison", "load_saved_comparison", "run_discrete_lif"]


@dataclass
class SavedComparison:
    report: dict
    weights: list
    biases: list
    beta: float
    threshold: float
    num_steps: int
    test_x: np.ndarray
    test_y: np.ndarray


def load_saved_comparison(folder=None) -> SavedComparison:
    """The report and weights saved by ``neurosim snn compare`` (default: the catalog's)."""
    base = Path(folder) if folder is not None else catalog_dir()
    report = json.loads((base / "snn_digits_report.json").read_text())
    z = np.load(base / "snn_digits_weights.npz")
    n_layers = int(z["n_layers"])
    return SavedComparison(
        report=report, weights=[z[f"w{k}"].astype(np.float64) for k in range(n_layers)],
        biases=[z[f"b{k}"].astype(np.float64) for k in range(n_layers)],
        beta=float(z["beta"]), threshold=float(z["threshold"]), num_steps=int(z["num_steps"]),
        test_x=z["test_x"].astype(np.float64), test_y=z["test_y"])


def run_discrete_lif(weights, biases, beta, threshold, num_steps, x, reset="subtract"):
    """snntorch's Leaky update in float64 numpy (see :class:`neurosim.bridge.NeurosimSNN`).

    Returns per-layer spikes of shape (num_steps, batch, neurons)."""
    x = np.asarray(x, dtype=np.float64)
    mems = [np.zeros((x.shape[0], w.shape[0])) for w in weights]
    out = [np.zeros((num_steps, x.shape[0], w.shape[0])) for w in weights]
    for t in range(num_steps):
        h = x
        for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
            cur = h @ w.T + b
            fired = (mems[k] - threshold > 0).astype(np.float64)
            if reset == "subtract":
                mems[k] = beta * mems[k] + cur - fired * threshold
            else:
                mems[k] = (beta * mems[k] + cur) * (1.0 - fired)
            h = (mems[k] - threshold > 0).astype(np.float64)
            out[k][t] = h
    return out
