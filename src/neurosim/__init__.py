"""neurosim: spiking and biophysical neuron simulation for teaching and research.

    >>> import neurosim
    >>> result = neurosim.simulate_hh(10.0, duration=50.0)
    >>> result.spike_times
    array([...])

The top level imports neither brian2, torch nor matplotlib: plotting lives in
``neurosim.plot``, Brian2 builders in ``neurosim.networks`` and the snntorch bridge in
``neurosim.bridge``.
"""

from . import analysis, plasticity, stimulus
from ._simulate_hh import hh_resting_state, simulate_hh
from ._simulate_point import simulate_adex, simulate_izhikevich, simulate_lif
from ._validation import SimulationError
from .catalog import (
    AdExParams,
    HodgkinHuxleyParams,
    IzhikevichParams,
    LIFParams,
    list_models,
    list_patterns,
    load_model,
)
from .result import SimulationResult

__version__ = "0.1.0"

__all__ = [
    "AdExParams",
    "HodgkinHuxleyParams",
    "IzhikevichParams",
    "LIFParams",
    "SimulationError",
    "SimulationResult",
    "analysis",
    "hh_resting_state",
    "list_models",
    "list_patterns",
    "load_model",
    "plasticity",
    "simulate_adex",
    "simulate_hh",
    "simulate_izhikevich",
    "simulate_lif",
    "stimulus",
]
