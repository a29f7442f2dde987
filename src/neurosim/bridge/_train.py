"""One training loop for both twins (BPTT for the spiking one)."""

from __future__ import annotations

import numbers
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from .._core.validation import as_choice, as_float, as_int, param_error
from ._data import as_dataset, check_shapes
from ._models import SpikingNet
from ._recurrent import RecurrentANN, RecurrentSpikingNet


def _scores(model, x):
    if isinstance(model, SpikingNet):
        spk, _ = model(x)
        return spk.sum(dim=0)  # spike counts per class
    if isinstance(model, RecurrentSpikingNet):
        return model(x)[1][-1]  # the read-out's membrane at the last step
    return model(x)


def layer_sizes_of(model, func: str) -> list[int]:
    """[inputs, ..., outputs] of a twin from build_snn, build_ann or build_rnn."""
    if isinstance(model, (SpikingNet, RecurrentSpikingNet, RecurrentANN)):
        return list(model.sizes)
    linears = [m for m in getattr(model, "modules", lambda: [])() if isinstance(m, nn.Linear)]
    if not isinstance(model, nn.Module) or not linears:
        raise param_error(func, "model", "a network from build_snn or build_ann", model,
                          TypeError)
    return [linears[0].in_features] + [m.out_features for m in linears]


def evaluate(model, data, batch_size=512) -> float:
    """Accuracy (0-1) of a model on a dataset (SNN: the class with most output spikes)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in DataLoader(data, batch_size=batch_size):
            correct += int((_scores(model, x).argmax(dim=1) == y).sum())
            total += int(y.numel())
    return correct / max(total, 1)


def resolve_device(device, func: str) -> str:
    device = as_choice(device, func, "device", ("auto", "cpu", "cuda"))
    if device == "cuda" and not torch.cuda.is_available():
        raise param_error(func, "device", "'cpu' or 'auto' on this machine (torch sees no CUDA "
                          "device: install a CUDA build of torch on a machine with a GPU, or "
                          "use device='cpu')", device)
    return ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device


def train(model, data, *, epochs=20, lr=2e-3, batch_size=64, seed=0, device="auto",
          validation=None, progress=True) -> dict:
    """Train an SNN (BPTT through the surrogate gradient) or its ANN twin with Adam and
    cross-entropy (on output spike counts for the SNN).

    Arguments:
        model: from :func:`build_snn` or :func:`build_ann`.
        data: a torch Dataset of (features, label), e.g. ``load_digits()[0]``, or an (x, y)
            pair of tensors or numpy arrays.
        epochs, lr, batch_size: the usual.
        seed: shuffling and dropout-free training are deterministic given the seed.
        device: "auto" (CUDA if present, else CPU), "cpu" or "cuda".
        validation: a dataset to report accuracy on after each epoch (carve it from the
            training data; the test set is for the one final score).
        progress: a tqdm bar over epochs.

    Returns:
        dict: ``loss``, ``train_accuracy`` and ``val_accuracy`` (one value an epoch),
        ``seconds`` (the training's time) and ``device``.
    """
    func = "train"
    sizes = layer_sizes_of(model, func)
    data = as_dataset(data, func)
    check_shapes(sizes, data, func)
    if validation is not None:
        validation = as_dataset(validation, func, "validation")
        check_shapes(sizes, validation, func, "validation")
    n_epochs = as_int(epochs, func, "epochs", low=1)
    rate = as_float(lr, func, "lr", low=0.0)
    bs = as_int(batch_size, func, "batch_size", low=1)
    dev = resolve_device(device, func)
    model.to(dev)
    gen = torch.Generator().manual_seed(as_int(seed, func, "seed", low=0))
    loader = DataLoader(data, batch_size=bs, shuffle=True, generator=gen)
    opt = torch.optim.Adam(model.parameters(), lr=rate)
    loss_fn = nn.CrossEntropyLoss()
    history = {"loss": [], "train_accuracy": [], "val_accuracy": []}
    epochs_iter = range(n_epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs_iter = tqdm(epochs_iter, desc=f"train {type(model).__name__}", leave=False)
    t0 = time.perf_counter()
    for _ in epochs_iter:
        model.train()
        # running sums stay tensors: no host synchronisation inside the batch loop
        total = torch.zeros((), device=dev)
        correct = torch.zeros((), device=dev, dtype=torch.long)
        count = 0
        for x, y in loader:
            x, y = x.to(dev), y.to(dev)
            scores = _scores(model, x)
            loss = loss_fn(scores, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                total += loss.detach() * y.numel()
                correct += (scores.argmax(dim=1) == y).sum()
            count += y.numel()
        history["loss"].append(float(total) / count)
        history["train_accuracy"].append(int(correct) / count)
        if validation is not None:
            history["val_accuracy"].append(evaluate(model.cpu(), validation))
            model.to(dev)
    history["seconds"] = time.perf_counter() - t0
    history["device"] = dev
    model.cpu()
    return history


def _time_per_sample(fn, x, repeats=3):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        with torch.no_grad():
            fn(x)
        best = min(best, time.perf_counter() - t0)
    return 1000.0 * best / x.shape[0]


def _check_seeds(seeds, func: str) -> list[int]:
    if isinstance(seeds, numbers.Integral) or isinstance(seeds, (str, bytes)):
        raise param_error(func, "seeds", "a non-empty sequence of ints >= 0 (e.g. (0, 1, 2))",
                          seeds, TypeError)
    seeds = list(seeds)
    if not seeds:
        raise param_error(func, "seeds", "a non-empty sequence of ints >= 0 (e.g. (0, 1, 2))",
                          seeds)
    return [as_int(s, func, "seeds", low=0) for s in seeds]


def train_and_test(data, sizes, func: str):
    """The (train, test) datasets of ``data``, checked against the network's sizes."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise param_error(func, "data", "a (train, test) pair of datasets (load_digits())",
                          data, TypeError)
    train_set, test_set = (as_dataset(d, func, "data") for d in data)
    check_shapes(sizes, train_set, func)
    check_shapes(sizes, test_set, func)
    return train_set, test_set
