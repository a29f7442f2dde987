"""Slide-ready figures. The only part of neurosim that imports matplotlib.

Every function takes result objects (it never runs a simulation), draws into ``ax`` if given
(else a new figure in the lecture style), returns matplotlib objects and never calls ``show``.
"""

from ._cable import dendritic_summation, propagation, saltatory, velocity_vs_diameter
from ._classic import (
    hopfield_capacity,
    hopfield_recall,
    mp_gates,
    mp_unit,
    perceptron_learning,
    xor_mlp,
)
from ._dynamics import (
    bifurcation,
    coverage,
    phase_plane,
    posterior_pairs,
    posterior_predictive,
)
from ._experiments import all_or_nothing, fi_curve, firing_patterns, refractoriness
from ._ions import hodgkin_katz, ion_ladder, pump_block, rest_vs_permeability
from ._membrane import currents, gates, membrane
from ._network import brunel_phase, brunel_states, raster
from ._reflex import reflex_arc
from ._snn import (
    comparison,
    hidden_raster,
    recurrent_comparison,
    spikes_per_layer,
    training_curves,
)
from ._stdp import rate_regulation, stdp_window, weight_histogram, weight_traces
from ._style import COLORS, OKABE_ITO, lecture_style, new_figure

__all__ = [
    "COLORS",
    "OKABE_ITO",
    "all_or_nothing",
    "bifurcation",
    "brunel_phase",
    "brunel_states",
    "comparison",
    "coverage",
    "currents",
    "dendritic_summation",
    "fi_curve",
    "firing_patterns",
    "gates",
    "hidden_raster",
    "hodgkin_katz",
    "hopfield_capacity",
    "hopfield_recall",
    "ion_ladder",
    "lecture_style",
    "membrane",
    "mp_gates",
    "mp_unit",
    "new_figure",
    "perceptron_learning",
    "phase_plane",
    "posterior_pairs",
    "posterior_predictive",
    "propagation",
    "pump_block",
    "raster",
    "rate_regulation",
    "recurrent_comparison",
    "reflex_arc",
    "refractoriness",
    "rest_vs_permeability",
    "saltatory",
    "spikes_per_layer",
    "stdp_window",
    "training_curves",
    "velocity_vs_diameter",
    "weight_histogram",
    "weight_traces",
    "xor_mlp",
]
