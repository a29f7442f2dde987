"""neurosim: spiking and biophysical neuron simulation for teaching and research.

    >>> import neurosim
    >>> result = neurosim.simulate_hh(10.0, duration=50.0)
    >>> result.spike_times[0]          # neuron 0's spike times (ms)
    array([...])

Every neuron model is described once, in :mod:`neurosim.registry`; ``neurosim.simulate(model,
...)`` runs any of them. The top level imports neither brian2, torch nor matplotlib: plotting
lives in ``neurosim.plot``, Brian2 builders in ``neurosim.networks`` and the snntorch bridge in
``neurosim.bridge``.
"""

from . import (
    analysis,
    cable,
    classic,
    dynamics,
    ion_dynamics,
    ions,
    morphology,
    nest_engine,  # noqa: F401 - the NEST engine: it registers itself (nest on first run)
    plasticity,
    reflex,
    registry,
    stimulus,
)
from ._core.resources import limits
from ._core.validation import (
    InvalidInput,
    ParameterError,
    ParameterTypeError,
    ResourceError,
    SimulationError,
)
from ._core.version import __version__ as __version__
from ._simulate import simulate, simulate_adex, simulate_hh, simulate_izhikevich, simulate_lif
from ._single.hh import hh_resting_state
from ._sweep import network_summary, point_seed, sweep
from .catalog import list_models, list_patterns, load_model
from .network import (
    CurrentInput,
    Dist,
    Network,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    SpikeSource,
    _numba,  # noqa: F401 - the Numba engine: it registers itself
    list_networks,
    load_network,
)
from .network._spec import register_engine as _register_engine
from .registry import (
    AdExParams,
    CorticalParams,
    HodgkinHuxleyParams,
    IzhikevichParams,
    LIFParams,
)
from .result import SimulationResult, SpikeTrains, load_result


def _run_brian2(*args):
    """The Brian2 engine of ``Network.run``, imported on first use (brian2 is heavy)."""
    from .networks._spec import run_brian2

    return run_brian2(*args)


_register_engine("brian2", _run_brian2)

__all__ = [
    "AdExParams",
    "CorticalParams",
    "CurrentInput",
    "Dist",
    "HodgkinHuxleyParams",
    "InvalidInput",
    "IzhikevichParams",
    "LIFParams",
    "Network",
    "ParameterError",
    "ParameterTypeError",
    "PoissonInput",
    "PoissonSource",
    "Population",
    "Projection",
    "ResourceError",
    "SimulationError",
    "SimulationResult",
    "SpikeSource",
    "SpikeTrains",
    "analysis",
    "cable",
    "classic",
    "dynamics",
    "hh_resting_state",
    "ion_dynamics",
    "ions",
    "limits",
    "list_models",
    "list_networks",
    "list_patterns",
    "load_model",
    "load_network",
    "load_result",
    "morphology",
    "network_summary",
    "plasticity",
    "point_seed",
    "reflex",
    "registry",
    "simulate",
    "simulate_adex",
    "simulate_hh",
    "simulate_izhikevich",
    "simulate_lif",
    "stimulus",
    "sweep",
]
