"""Data: scikit-learn's bundled 8x8 digits (no download), spike encoders, and the checks every
function that takes data shares."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset, Subset, TensorDataset

from .._core.validation import as_choice, as_float, as_int, got, param_error


def load_digits(*, test_fraction=0.25, seed=0):
    """The 1,797 8x8 digits shipped with scikit-learn, pixels scaled to [0, 1], split into
    a (train, test) pair of ``TensorDataset`` objects of (64 features, label), stratified and
    seeded."""
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


def as_dataset(data, func: str, name: str = "data") -> Dataset:
    """A torch Dataset of (features, label) from a Dataset or an (x, y) pair of tensors or
    numpy arrays, checked: 2-D finite features, 1-D integer labels of the same length."""
    if isinstance(data, Dataset) and not isinstance(data, (tuple, list)):
        x, y = tensors_of(data)
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            x, y = torch.as_tensor(np.asarray(x, dtype=np.float32)), torch.as_tensor(
                np.asarray(y))
        if not (torch.is_tensor(x) and torch.is_tensor(y)):
            raise param_error(func, name, "a torch Dataset or an (x, y) pair of tensors or "
                              "numpy arrays", data, TypeError)
    else:
        raise param_error(func, name, "a torch Dataset (e.g. load_digits()[0]) or an (x, y) "
                          "pair of tensors or numpy arrays (features and labels)",
                          got(f"an array of shape {np.shape(data)} (labels missing)")
                          if isinstance(data, (np.ndarray, torch.Tensor)) else data,
                          TypeError)
    if x.dim() != 2 or y.dim() != 1 or x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise param_error(func, name, "features of shape (samples, features) and labels of "
                          "shape (samples,)", got(f"shapes {tuple(x.shape)} and "
                                                  f"{tuple(y.shape)}"))
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise param_error(func, name, "integer class labels", got(f"labels of dtype {y.dtype}"),
                          TypeError)
    if not torch.isfinite(x).all():
        raise param_error(func, name, "finite features (no NaN or inf)",
                          got("features containing NaN or inf"))
    if int(y.min()) < 0:
        raise param_error(func, name, "class labels >= 0", int(y.min()))
    if isinstance(data, Dataset):
        return data
    return TensorDataset(x.float(), y.long())


def tensors_of(data):
    """(x, y) tensors of a TensorDataset or a Subset of one (without copying what it needn't)."""
    if isinstance(data, TensorDataset):
        return data.tensors[0], data.tensors[1]
    if isinstance(data, Subset):
        x, y = tensors_of(data.dataset)
        idx = torch.as_tensor(data.indices)
        return x[idx], y[idx]
    xs, ys = zip(*(data[i] for i in range(len(data))), strict=True)
    return torch.stack([torch.as_tensor(x) for x in xs]), torch.as_tensor(ys)


def check_shapes(layer_sizes, data, func: str, name: str = "data") -> None:
    """The network's input width must be the data's features, its output the classes."""
    x, y = tensors_of(data)
    n_classes = int(y.max()) + 1
    if x.shape[1] != layer_sizes[0]:
        raise param_error(func, "layer_sizes", f"a network whose input layer has the data's "
                          f"{x.shape[1]} features (layer_sizes[0] = {x.shape[1]})",
                          list(layer_sizes))
    if layer_sizes[-1] < n_classes:
        raise param_error(func, "layer_sizes", f"a network with an output per class of the "
                          f"data ({n_classes}: layer_sizes[-1] >= {n_classes})",
                          list(layer_sizes))


def split(data, fraction: float, seed: int, func: str):
    """(rest, held out): a stratified, seeded split of a dataset."""
    from sklearn.model_selection import train_test_split

    _, y = tensors_of(data)
    idx = np.arange(len(y))
    keep, held = train_test_split(idx, test_size=fraction, random_state=seed,
                                  stratify=y.numpy())
    return Subset(data, keep.tolist()), Subset(data, held.tolist())


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
