"""What a network run gives back, from either engine, and its file."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from .. import registry
from .._core.validation import SimulationError, deprecated, got, param_error
from ..result import (
    SpikeTrains,
    Summarised,
    check_run,
    listed,
    provenance,
    register_loader,
    save_path,
    shape_of,
    spikes_and_rate,
    write_atomically,
)
from ._spec import Connectivity

NETWORK_FORMAT = "neurosim-network-result-1"


@dataclass(eq=False, repr=False)
class NetworkResult(Summarised):
    """What a network run gives back.

    Attributes:
        spike_times: population name -> :class:`~neurosim.SpikeTrains` (ms).
        t: the times of the recorded traces (ms); ``v``: population name -> (len(t), k)
            membrane potentials (mV) of the neurons ``record_v`` named (``v_index``): V at t
            before the arrivals due at t (the left limit of a jump).
        population_rate_t: with ``population_rates``, the population rate in time (Hz: spikes
            per neuron per second in bins of the spec's ``rate_bin``; bin starts in ms) per
            population. (``rate_t`` and ``rates`` are their old names: they work for this
            release, with a warning.) A rate on a result is always spikes per neuron per
            second: ``firing_rates`` per neuron over the run, ``rate(population)`` their
            mean.
        connectivity: the graph the run used (reuse it with ``net.run(connectivity=...)``);
            its weights are the initial ones.
        weights: plastic projection label -> its weights at the end of the run (in the
            graph's order).
        sizes: population name -> number of neurons; ``dt``, ``duration`` (ms).
        timings: seconds spent drawing the graph (``draw``; 0 when it was given), building
            the engine's structures (``build``) and simulating (``run``).
        provenance: neurosim's version, the date, the call.
    """

    spike_times: dict
    t: np.ndarray
    v: dict
    v_index: dict
    population_rate_t: np.ndarray
    population_rates: dict
    connectivity: object
    sizes: dict
    dt: float
    duration: float
    timings: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    name: str = ""
    weights: dict = field(default_factory=dict)

    def __post_init__(self):
        f = "NetworkResult"
        for name in ("spike_times", "v", "v_index", "population_rates", "sizes", "weights",
                     "timings"):
            if not isinstance(getattr(self, name), dict):
                raise param_error(f, name, "a dict", getattr(self, name), TypeError)
        check_run(self, f)
        for name, trains in self.spike_times.items():
            if self.sizes.get(name) != len(trains):
                raise param_error(f, f"spike_times[{name!r}]", f"trains of its population's "
                                  f"{self.sizes.get(name)} neurons", got(f"{len(trains)}"))
        rows, bins = self.t.size, np.shape(self.population_rate_t)
        for name, v in self.v.items():
            idx = np.asarray(self.v_index.get(name, ()))
            size = self.sizes.get(name, 0)
            if idx.ndim != 1 or idx.dtype.kind not in "iu" or \
                    (idx.size and not (0 <= idx.min() and idx.max() < size)):
                raise param_error(f, f"v_index[{name!r}]", f"indices of neurons in [0, {size})",
                                  shape_of(idx))
            if np.shape(v) != (rows, idx.size):
                raise param_error(f, f"v[{name!r}]", f"an array of shape ({rows}, "
                                  f"{idx.size}): a row a recorded time, a column a neuron",
                                  shape_of(v))
        for name, r in self.population_rates.items():
            if np.ndim(self.population_rate_t) != 1 or np.shape(r) != bins:
                raise param_error(f, f"population_rates[{name!r}]", "one rate a bin of "
                                  f"population_rate_t {bins}", shape_of(r))

    @property
    def rates(self) -> dict:
        """The old name of ``population_rates`` (this release only)."""
        deprecated("NetworkResult", "'rates'", "'population_rates'")
        return self.population_rates

    @property
    def rate_t(self) -> np.ndarray:
        """The old name of ``population_rate_t`` (this release only)."""
        deprecated("NetworkResult", "'rate_t'", "'population_rate_t'")
        return self.population_rate_t

    @property
    def firing_rates(self) -> dict:
        """Population name -> spikes per second over the whole run (Hz), one per neuron (as
        ``SimulationResult.firing_rates``)."""
        return {name: trains.counts / (self.duration / 1000.0)
                for name, trains in self.spike_times.items()}

    def save(self, path, *, connectivity: bool = True):
        """Write the result to an ``.npz`` file (whole or not at all), with the drawn graph
        unless ``connectivity=False``; read it back with :func:`neurosim.load_result`. A
        constant weight or delay is stored once."""
        path = save_path(path, "NetworkResult.save")
        arrays = {"t": self.t, "rate_t": self.population_rate_t}  # (the file's names)
        for name, trains in self.spike_times.items():
            arrays[f"spikes:{name}:flat"] = trains.flat
            arrays[f"spikes:{name}:offsets"] = trains.offsets
            arrays[f"rate:{name}"] = self.population_rates[name]
        for k, w in enumerate(self.weights.values()):
            arrays[f"weights:{k}"] = w
        for name, v in self.v.items():
            arrays[f"v:{name}"] = v
            arrays[f"v_index:{name}"] = self.v_index[name]
        conn = self.connectivity
        meta_conn = None
        if connectivity and conn is not None:
            meta_conn = {"seed": conn.seed, "n": len(conn.pre), "params": {}, "syn0": {}}
            for k in range(len(conn.pre)):
                arrays[f"conn:{k}:pre"] = conn.pre[k]
                arrays[f"conn:{k}:post"] = conn.post[k]
                for key in ("weight", "delay"):
                    a = np.asarray(getattr(conn, key)[k])
                    const = a.size > 0 and a.strides[0] == 0
                    arrays[f"conn:{k}:{key}"] = a[:1].copy() if const else a
                    meta_conn[f"{k}:{key}:size"] = int(a.size) if const else None
            for pop, values in conn.params.items():
                meta_conn["params"][pop] = list(values)
                for key, a in values.items():
                    arrays[f"param:{pop}:{key}"] = a
                arrays[f"v0:{pop}"] = conn.v0[pop]
            for pop, ports in conn.syn0.items():
                meta_conn["syn0"][pop] = list(ports)
                for port, a in ports.items():
                    arrays[f"syn0:{pop}:{port}"] = a
        meta = {"format": NETWORK_FORMAT, "name": self.name, "dt": self.dt,
                "duration": self.duration, "sizes": self.sizes, "timings": self.timings,
                "recorded": list(self.spike_times), "traces": list(self.v),
                "weights": list(self.weights),
                "connectivity": meta_conn,
                "provenance": {**self.provenance, "saved": provenance()["date"]}}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        write_atomically(path, lambda fh: np.savez_compressed(fh, **arrays))
        return path

    def _summary(self):
        rows = [("name", self.name or "unnamed"),
                ("duration", f"{self.duration:g} ms at dt = {self.dt:g} ms")]
        for name, trains in list(self.spike_times.items())[:6]:
            rows.append((name, f"{len(trains):,} neurons, "
                         f"{spikes_and_rate(int(trains.flat.size), len(trains), self.duration)}"))
        if len(self.spike_times) > 6:
            rows.append(("more", f"{len(self.spike_times) - 6} populations"))
        if self.v:
            rows.append(("V recorded", listed(f"{name} ({v.shape[1]})"
                                              for name, v in self.v.items())))
        if self.connectivity is not None:
            rows.append(("synapses", f"{self.connectivity.n_synapses:,}"))
        if self.weights:
            rows.append(("plastic", listed(self.weights)))
        return "NetworkResult", rows

    def rate(self, population: str) -> float:
        """The population's mean firing rate over the run (Hz)."""
        trains = self._trains(population)
        return float(trains.flat.size / (len(trains) * self.duration) * 1000.0)

    def _trains(self, population: str) -> SpikeTrains:
        if population not in self.spike_times:
            raise param_error("NetworkResult", "population", f"one of "
                              f"{', '.join(self.spike_times)} (the recorded populations)",
                              population, KeyError)
        return self.spike_times[population]


def network_result(net, conn, steps, trains, v_out, timings, call,
                   weights=None) -> NetworkResult:
    """The result of either engine from its spike trains (population -> SpikeTrains, times in
    ms on neurosim's convention), traces (population -> (steps + 1, k) V) and the plastic
    projections' final weights (label -> array)."""
    dt = net.dt
    duration = steps * dt
    recorded = [p.name for p in net.populations if p.name in trains]
    wanted = recorded if net.record_spikes == "all" else \
        [name for name in net.record_spikes if name in trains]
    n_bins = max(1, math.floor(duration / net.rate_bin + 1e-9))
    spike_times, rates = {}, {}
    for name in wanted:
        size = net.population(name).size
        spike_times[name] = trains[name]
        counts = np.histogram(trains[name].flat, bins=n_bins,
                              range=(0.0, n_bins * net.rate_bin))[0]
        rates[name] = counts / (size * net.rate_bin / 1000.0)
    v_index = {name: np.asarray(net.record_v[name], dtype=np.int64) for name in v_out}
    return NetworkResult(
        spike_times=spike_times, t=np.arange(steps + 1 if v_out else 0) * dt, v=v_out,
        v_index=v_index, population_rate_t=np.arange(n_bins) * net.rate_bin,
        population_rates=rates,
        connectivity=conn, sizes={name: net.population(name).size for name in recorded},
        dt=dt, duration=duration, timings=timings, provenance=provenance(call), name=net.name,
        weights=dict(weights or {}))


def load_network_result(arrays: dict, meta: dict) -> NetworkResult:
    """The other half of :meth:`NetworkResult.save` (called by :func:`neurosim.load_result`)."""
    conn = None
    mc = meta["connectivity"]
    if mc is not None:
        pre, post, weight, delay = [], [], [], []
        for k in range(mc["n"]):
            pre.append(arrays[f"conn:{k}:pre"])
            post.append(arrays[f"conn:{k}:post"])
            for key, out in (("weight", weight), ("delay", delay)):
                a = arrays[f"conn:{k}:{key}"]
                size = mc[f"{k}:{key}:size"]
                out.append(np.broadcast_to(a[0], (size,)) if size is not None else a)
        params = {pop: {key: arrays[f"param:{pop}:{key}"] for key in keys}
                  for pop, keys in mc["params"].items()}
        v0 = {pop: arrays[f"v0:{pop}"] for pop in mc["params"]}
        syn0 = {pop: {port: arrays[f"syn0:{pop}:{port}"] for port in ports}
                for pop, ports in mc["syn0"].items()}
        conn = Connectivity(tuple(pre), tuple(post), tuple(weight), tuple(delay), params, v0,
                            int(mc["seed"]), syn0)
    spikes = {name: SpikeTrains(arrays[f"spikes:{name}:flat"],
                                arrays[f"spikes:{name}:offsets"]) for name in meta["recorded"]}
    return NetworkResult(
        spike_times=spikes, t=arrays["t"], v={n: arrays[f"v:{n}"] for n in meta["traces"]},
        v_index={n: arrays[f"v_index:{n}"] for n in meta["traces"]},
        population_rate_t=arrays["rate_t"],
        population_rates={n: arrays[f"rate:{n}"] for n in meta["recorded"]}, connectivity=conn,
        sizes=meta["sizes"], dt=meta["dt"], duration=meta["duration"],
        timings=meta["timings"], provenance=meta["provenance"], name=meta["name"],
        weights={label: arrays[f"weights:{k}"]
                 for k, label in enumerate(meta.get("weights", []))})


register_loader(NETWORK_FORMAT, load_network_result)


def check_final_bounds(net, engine: str, state, v_out) -> None:
    """Hold a finished run to its models' blow-up bounds (the registry's, as ``simulate`` and
    the Numba engine hold them) for an engine that cannot be stopped inside its step (Brian2,
    NEST): every neuron's final state, ``state(pop, spec, q)`` (variable q of every neuron of
    population pop, in its unit in ``spec.state``), and every recorded V as the result shows it
    (``v_out``). A run that left its model's range raises instead of returning."""
    for pop in net.neurons:
        spec = registry.get(pop.model)
        checks = [(np.asarray(state(pop, spec, q), dtype=float), bound)
                  for q, bound in spec.bounds.items()]
        if pop.name in v_out:
            checks.append((v_out[pop.name], spec.v_bound))
        for values, bound in checks:
            bad = ~(np.abs(values) < bound)
            if bad.any():
                k = int(np.flatnonzero(bad.any(axis=0) if values.ndim == 2 else bad)[0])
                if values.ndim == 2:  # a recorded column: the neuron's index in its group
                    k = int(net.record_v[pop.name][k])
                raise SimulationError(
                    f"Network.run (engine={engine!r}) blew up in population {pop.name!r} "
                    f"({spec.label}, neuron {k}: {spec.describe_bounds()}) with "
                    f"dt = {net.dt:g} ms: use a smaller dt, or check the weights, the inputs "
                    "and the parameters.")
