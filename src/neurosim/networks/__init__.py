"""Brian2 network builders. The only part of neurosim that imports brian2.

Every builder returns an object holding a self-contained ``brian2.Network`` (explicit
namespaces, every group and monitor named, no magic ``run()``) and a ``run`` method whose result
has the same field names as :class:`neurosim.result.SimulationResult`.
"""

from ._cable import SpatialNeuronSimulation, build_spatial_neuron
from ._discrete import (
    DiscreteLIFNetwork,
    RecurrentDiscreteLIFNetwork,
    build_discrete_lif_network,
    build_recurrent_discrete_lif_network,
)
from ._groups import TARGETS, GroupSimulation, build_neuron_group
from ._reflex import STAGES, ReflexArc, ReflexResult, build_reflex_arc
from ._stdp import build_song_abbott_2000, build_stdp_synapses, run_stdp_pair

__all__ = [
    "STAGES",
    "TARGETS",
    "DiscreteLIFNetwork",
    "GroupSimulation",
    "RecurrentDiscreteLIFNetwork",
    "ReflexArc",
    "ReflexResult",
    "SpatialNeuronSimulation",
    "build_discrete_lif_network",
    "build_neuron_group",
    "build_recurrent_discrete_lif_network",
    "build_reflex_arc",
    "build_song_abbott_2000",
    "build_spatial_neuron",
    "build_stdp_synapses",
    "run_stdp_pair",
]
