"""The snntorch bridge: training-loop overhead against a bare snntorch loop, and the time of
the full 3-seed SNN-vs-ANN comparison on the digits (64-128-10, 25 steps, 20 epochs).

    python benchmarks/snn_bridge.py
"""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from neurosim import bridge


def bare_loop(snn, data, epochs, lr=2e-3, batch_size=64, seed=0):
    """The loop an snnTorch tutorial writes, on the same model and data."""
    gen = torch.Generator().manual_seed(seed)
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, generator=gen)
    opt = torch.optim.Adam(snn.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(epochs):
        for x, y in loader:
            spk, _ = snn(x)
            loss = loss_fn(spk.sum(0), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return time.perf_counter() - t0


def main():
    torch.set_num_threads(2)
    train, test = bridge.load_digits()
    epochs = 5
    bare = min(bare_loop(bridge.build_snn([64, 128, 10], beta=0.9, seed=0), train, epochs)
               for _ in range(2))
    ours = min(bridge.train(bridge.build_snn([64, 128, 10], beta=0.9, seed=0), train,
                            epochs=epochs, seed=0, progress=False)["seconds"] for _ in range(2))
    print(f"Training {epochs} epochs: bare snntorch loop {bare:.2f} s, neurosim.bridge.train "
          f"{ours:.2f} s ({100 * (ours / bare - 1):+.1f} %; target <= +10 %)")
    t0 = time.perf_counter()
    report = bridge.compare([64, 128, 10], (train, test), progress=False)
    total = time.perf_counter() - t0
    print(f"Full 3-seed comparison: {total:.1f} s (target < 120 s)\n")
    print(report.to_markdown())


if __name__ == "__main__":
    main()
