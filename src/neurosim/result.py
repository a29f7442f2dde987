"""The result of a point-neuron or single-compartment run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SimulationResult", "SpikeTrains"]


class SpikeTrains(Sequence):
    """Spike times of a population, one array per neuron, stored flat.

    ``trains[i]`` is neuron i's spike times (ms, a view); ``trains.times`` and
    ``trains.indices`` give every spike as (time, neuron) pairs for rasters.
    """

    def __init__(self, times: np.ndarray, offsets: np.ndarray):
        self.flat = times
        self.offsets = offsets

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"neuron index {i} out of range for {n} neurons")
        i %= n
        return self.flat[self.offsets[i]:self.offsets[i + 1]]

    @property
    def times(self) -> np.ndarray:
        return self.flat

    @property
    def indices(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(self.offsets))

    def __repr__(self) -> str:
        return f"SpikeTrains({len(self)} neurons, {self.flat.size} spikes)"


@dataclass
class SimulationResult:
    """What a simulation recorded. Arrays are plain numpy in documented units.

    Attributes:
        t: recorded times (ms), shape (n_rec,).
        v: membrane potential (mV), shape (n_rec,) for one neuron or (n_rec, n_neurons);
            ``None`` if not recorded.
        spike_times: threshold crossings (ms): an array for one neuron; for a population a
            :class:`SpikeTrains` (``spike_times[i]`` is neuron i's array).
        spike_counts: spikes per neuron (int, or an int array for a population).
        firing_rates: spike_counts / duration (Hz).
        stimulus: the input current at the recorded times (uA/cm^2 for HH, nA for point
            neurons), same shape as ``v``; ``None`` for a population given one constant each.
        traces: other recorded variables by name (``m``, ``h``, ``n``, ``i_na``, ``i_k``,
            ``i_l`` for HH, in uA/cm^2 for currents); also readable as attributes
            (``result.m``).
        model, method, dt, duration, params, n_neurons, spike_threshold: how it was run.
    """

    t: np.ndarray
    v: np.ndarray | None
    spike_times: np.ndarray | SpikeTrains | list
    spike_counts: np.ndarray | int
    firing_rates: np.ndarray | float
    stimulus: np.ndarray | None
    model: str
    method: str
    dt: float
    duration: float
    params: object
    n_neurons: int
    spike_threshold: float
    traces: dict = field(default_factory=dict)

    @property
    def is_population(self) -> bool:
        return isinstance(self.spike_times, (SpikeTrains, list))

    def __getattr__(self, name):
        # only reached when normal lookup fails
        traces = self.__dict__.get("traces", {})
        if name in traces:
            return traces[name]
        if name in ("m", "h", "n", "i_na", "i_k", "i_l", "w", "u"):
            raise AttributeError(f"'{name}' was not recorded in this run: pass "
                                 f"record=(..., '{name}') to the simulate function.")
        raise AttributeError(f"'SimulationResult' object has no attribute '{name}'")

    def neuron(self, index: int) -> SimulationResult:
        """The run of one neuron of a population, as a single-neuron result."""
        if not self.is_population:
            return self

        def col(a):
            return None if a is None else a[:, index]

        return SimulationResult(
            t=self.t, v=col(self.v), spike_times=self.spike_times[index],
            spike_counts=int(self.spike_counts[index]),
            firing_rates=float(self.firing_rates[index]),
            stimulus=col(self.stimulus) if self.stimulus is not None and self.stimulus.ndim == 2
            else self.stimulus,
            model=self.model, method=self.method, dt=self.dt, duration=self.duration,
            params=self.params, n_neurons=1, spike_threshold=self.spike_threshold,
            traces={k: col(a) for k, a in self.traces.items()})
