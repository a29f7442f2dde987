"""What the exporters share: the result's parts in one shape, the optional packages."""

from __future__ import annotations

import importlib
import json

from .._core.validation import MissingExtra, install_hint, param_error
from ..network._result import NetworkResult
from ..result import SimulationResult


def need(module: str, func: str):
    """Import an optional package of the ``data`` extra, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"neurosim.formats.{func} needs {module}: "
                           + install_hint("data")) from None


def check_result(result, func: str, network_only: bool = False):
    kinds = (NetworkResult,) if network_only else (SimulationResult, NetworkResult)
    if not isinstance(result, kinds):
        what = "a NetworkResult (net.run(...))" if network_only else \
            "a SimulationResult, CableResult or NetworkResult"
        raise param_error(func, "result", what, result, TypeError)
    return result


def populations(result):
    """The result as populations: a list of (name, SpikeTrains or None, the label of each
    train's neuron, v (rows, k) or None, the label of each of v's columns, other traces
    {name: (rows, k)} with v's columns, units {name: unit}, t (ms)). A label is the neuron's
    index in its population, or a cable run's location. A simulation result is one population
    named after its model; a network result one a population."""
    if isinstance(result, NetworkResult):
        out = []
        names = [*result.spike_times, *(n for n in result.v if n not in result.spike_times)]
        for name in names:
            trains = result.spike_times.get(name)
            v = result.v.get(name)
            columns = [int(i) for i in result.v_index.get(name, ())] if v is not None else []
            out.append((name, trains, list(range(len(trains))) if trains is not None else [],
                        v, columns, {}, {"v": "mV"}, result.t))
        return out
    labels = list(getattr(result, "locations", []) or range(result.n_neurons))
    traces = dict(result.traces)
    if result.stimulus is not None:
        traces["stimulus"] = result.stimulus
    units = {"v": "mV", **result.units}
    return [(result.model, result.spike_times, labels, result.v, labels, traces, units,
             result.t)]


def provenance_text(result) -> str:
    """The result's provenance as one JSON line (what made it, with which neurosim)."""
    return json.dumps(result.provenance, sort_keys=True, default=str)


def title(result) -> str:
    if isinstance(result, NetworkResult):
        return f"neurosim network run{': ' + result.name if result.name else ''}"
    return f"neurosim {result.model} run"
