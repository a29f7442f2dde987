"""One training loop for both twins (BPTT for the spiking one)."""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from .._validation import as_float, as_int
from ._models import SpikingNet


def _scores(model, x):
    if isinstance(model, SpikingNet):
        spk, _ = model(x)
        return spk.sum(dim=0)  # spike counts per class
    return model(x)


def evaluate(model, data, batch_size=512) -> float:
    """Accuracy (0-1) of a model on a dataset (SNN: the class with most output spikes)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in DataLoader(data, batch_size=batch_size):
            correct += int((_scores(model, x).argmax(dim=1) == y).sum())
            total += int(y.numel())
    return correct / max(total, 1)


def train(model, data, *, epochs=20, lr=2e-3, batch_size=64, seed=0, device="auto",
          test=None, progress=True) -> dict:
    """Train an SNN (BPTT through the surrogate gradient) or its ANN twin with Adam and
    cross-entropy (on output spike counts for the SNN).

    Arguments:
        model: from :func:`build_snn` or :func:`build_ann`.
        data: a torch Dataset of (features, label), e.g. ``load_digits()[0]``, or an
            (x, y) pair of tensors.
        epochs, lr, batch_size: the usual.
        seed: shuffling and dropout-free training are deterministic given the seed.
        device: "auto" (CUDA if present, else CPU), "cpu" or "cuda".
        test: a dataset to report accuracy on after each epoch.
        progress: a tqdm bar over epochs.

    Returns:
        ``{"loss": [...], "train_accuracy": [...], "test_accuracy": [...], "seconds": t}``.
    """
    if isinstance(data, (tuple, list)) and len(data) == 2 and torch.is_tensor(data[0]):
        data = torch.utils.data.TensorDataset(data[0], data[1])  # plain (x, y) tensors
    n_epochs = as_int(epochs, "train", "epochs", low=1)
    rate = as_float(lr, "train", "lr", low=0.0)
    bs = as_int(batch_size, "train", "batch_size", low=1)
    dev = ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
    model.to(dev)
    gen = torch.Generator().manual_seed(as_int(seed, "train", "seed", low=0))
    loader = DataLoader(data, batch_size=bs, shuffle=True, generator=gen)
    opt = torch.optim.Adam(model.parameters(), lr=rate)
    loss_fn = nn.CrossEntropyLoss()
    history = {"loss": [], "train_accuracy": [], "test_accuracy": []}
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
        if test is not None:
            history["test_accuracy"].append(evaluate(model.cpu(), test))
            model.to(dev)
    history["seconds"] = time.perf_counter() - t0
    model.cpu()
    return history
