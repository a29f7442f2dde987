"""Networks as data: populations, projections, inputs and monitors in one spec.

A :class:`Network` is built in Python or loaded from ``models/networks/*.toml`` with
:func:`load_network`; ``net.run(duration, engine=...)`` runs it and returns a
:class:`NetworkResult`. The spec holds no simulator objects: it is checked as a whole
(:meth:`Network.validate`) before anything is built, and its random parts (connections,
distributed parameters, initial states) are drawn by :meth:`Network.connectivity` from one seed,
so two engines can be given the same graph.

    >>> import neurosim
    >>> net = neurosim.load_network("brunel_2000", state="AI", scale=0.1)
    >>> res = net.run(200.0, seed=1)
    >>> res.rate("E")                     # mean rate of the excitatory population (Hz)

Units: ms, mV, Hz; delta-synapse weights are voltage jumps (mV), exponential-current weights
are jumps of a current in the post model's input unit (nA for LIF and AdEx, mV/ms for
Izhikevich, uA/cm^2 for Hodgkin-Huxley), conductance weights in nS (mS/cm^2 onto
Hodgkin-Huxley neurons): :func:`weight_unit`. Populations are of any model the registry gives
a network rule (``neurosim.registry.network_models()``).

The package: ``_spec`` (the spec, its TOML and checks, the table of engines), ``_result`` (the
result of either engine and its file), ``_numba`` (the Numba engine, which registers itself;
``import neurosim`` imports it). The Brian2 engine is :mod:`neurosim.networks`, with the rest of
Brian2.
"""

from ._result import NetworkResult
from ._spec import (
    CONNECTIONS,
    SYNAPSES,
    Connectivity,
    CurrentInput,
    Dist,
    Network,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    SpikeSource,
    list_networks,
    load_network,
)

__all__ = [
    "CONNECTIONS",
    "SYNAPSES",
    "Connectivity",
    "CurrentInput",
    "Dist",
    "Network",
    "NetworkResult",
    "PoissonInput",
    "PoissonSource",
    "Population",
    "Projection",
    "SpikeSource",
    "list_networks",
    "load_network",
]
