"""Refuse runs that cannot fit or finish, before anything is allocated.

Every entry point that allocates in proportion to its input (simulations, Brian2 groups, the
Song experiment, the bridge) estimates its memory and time first and raises
:class:`~neurosim.ResourceError` with the estimate and the fix when the run would not fit in the
memory this machine has free, or would take longer than :data:`limits.max_seconds`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .validation import ResourceError


@dataclass
class Limits:
    """What neurosim agrees to attempt. Change the fields to allow bigger runs:
    ``neurosim.limits.max_seconds = 24 * 3600``.

    Attributes:
        max_seconds: the longest estimated run time accepted (s).
        memory_fraction: the share of the currently available memory a run may use.
        max_dpi: the highest resolution a figure is saved at (dots per inch; 1,200 is
            print quality: a 10-inch slide at 12,000 pixels).
    """

    max_seconds: float = 6 * 3600.0
    memory_fraction: float = 0.8
    max_dpi: float = 1200.0


limits = Limits()


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 1024**3


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}" if unit != "bytes" else f"{n:.0f} bytes"
        n /= 1024.0
    raise AssertionError  # pragma: no cover


def human_seconds(s: float) -> str:
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} minutes"
    if s < 2 * 86400:
        return f"{s / 3600:.3g} hours"
    if s < 2 * 365 * 86400:
        return f"{s / 86400:.3g} days"
    return f"{s / (365 * 86400):.3g} years"


def check(func: str, *, memory: float = 0.0, seconds: float = 0.0, what: str, fix: str) -> None:
    """Raise ResourceError if ``memory`` bytes or ``seconds`` exceed what is allowed.

    ``what`` describes the run ("10,000,000 neurons x 1,000 recorded steps x 7 traces") and
    ``fix`` says what to change."""
    free = available_memory()
    if memory > limits.memory_fraction * free:
        raise ResourceError(
            f"{func} would need about {human_bytes(memory)} of memory for {what}, but "
            f"{human_bytes(free)} is available: {fix}. Nothing was allocated.")
    if seconds > limits.max_seconds:
        raise ResourceError(
            f"{func} would run for about {human_seconds(seconds)} ({what}), beyond "
            f"neurosim.limits.max_seconds = {human_seconds(limits.max_seconds)}: {fix} (or raise "
            "neurosim.limits.max_seconds). Nothing was run.")


class SpikeBudget:
    """The spikes a run may keep: what the memory free when it starts holds at
    ``bytes_per_spike``, less what the run has already allocated. Spike counts cannot be
    estimated before a run (they depend on the drive), so the drivers count them as they
    collect them and stop the run, with the count and the fix, once the next batch would not
    fit; nothing is returned then.

    ``neurons`` and ``dt`` (ms) turn the count into a mean rate for the message."""

    def __init__(self, func: str, bytes_per_spike: float, neurons: int, dt: float,
                 allocated: float = 0.0):
        self.func, self.neurons, self.dt = func, max(int(neurons), 1), float(dt)
        self.bytes_per_spike = float(bytes_per_spike)
        room = limits.memory_fraction * available_memory() - allocated
        self.max_spikes = max(int(room // self.bytes_per_spike), 0)
        self.spikes = 0

    def take(self, count: int, step: int) -> None:
        """Count ``count`` more spikes, collected by step ``step``; raise ResourceError if the
        run's spikes no longer fit."""
        self.spikes += int(count)
        if self.spikes <= self.max_spikes:
            return
        t = step * self.dt
        rate = self.spikes / self.neurons / max(t, self.dt) * 1000.0
        raise ResourceError(
            f"{self.func} stopped at t = {t:.4g} ms: its {self.neurons:,} neuron(s) had fired "
            f"{self.spikes:,} spikes (a mean {rate:.3g} Hz each), and keeping more would need "
            f"over {human_bytes(self.max_spikes * self.bytes_per_spike)}, the memory "
            f"neurosim.limits allows: lower the drive, give the neurons a refractory period "
            f"(t_ref > 0), or run fewer neurons or a shorter duration. Nothing was returned.")
