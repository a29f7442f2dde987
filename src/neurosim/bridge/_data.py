"""Data: scikit-learn's bundled 8x8 digits (no download) and spike encoders."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import TensorDataset

from .._validation import as_choice, as_float, as_int


def load_digits(*, test_fraction=0.25, seed=0):
    """The 1,797 8x8 digits shipped with scikit-learn, pixels scaled to [0, 1], split into
    (train, test) ``TensorDataset``s of (64 features, label), stratified and seeded."""
    from sklearn.datasets import load_digits as _digits
    from sklearn.model_selection import train_test_split

    frac = as_float(test_fraction, "load_digits", "test_fraction", low=0.0, high=1.0,
                    high_open=True)
    data = _digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=frac, random_state=int(seed),
                                              stratify=y)
    return (TensorDataset(torch.from_numpy(x_tr), torch.from_numpy(y_tr)),
            TensorDataset(torch.from_numpy(x_te), torch.from_numpy(y_te)))


def encode(x, num_steps, *, method="rate", seed=0):
    """Spike-encode features in [0, 1] with ``snntorch.spikegen``: ``"rate"`` (Bernoulli per
    step), ``"latency"`` (one spike, earlier for larger values) or ``"delta"`` (spikes where the
    input changes). Returns (num_steps, batch, features)."""
    from snntorch import spikegen

    method = as_choice(method, "encode", "method", ("rate", "latency", "delta"))
    steps = as_int(num_steps, "encode", "num_steps", low=1)
    x = torch.as_tensor(x, dtype=torch.float32)
    if method == "rate":
        gen = torch.Generator().manual_seed(int(seed))
        return (torch.rand((steps, *x.shape), generator=gen) < x.clamp(0, 1)).float()
    if method == "latency":
        return spikegen.latency(x, num_steps=steps, normalize=True, linear=True)
    return spikegen.delta(x.unsqueeze(0).repeat(steps, *([1] * x.dim())), threshold=0.1)
