"""The withdrawal reflex arc on Brian2: a thin wrapper that runs the arc's network spec
(:mod:`neurosim.reflex`) with the network's Brian2 engine."""

from __future__ import annotations

from .._core.validation import as_choice
from ..catalog import ReflexArcParams
from ..reflex import STAGES, ReflexResult, _check, _run, _stimulus
from ._groups import TARGETS

__all__ = ["STAGES", "ReflexArc", "ReflexResult", "build_reflex_arc"]


class ReflexArc:
    """The reflex arc on Brian2: the spec of :func:`neurosim.reflex.run_reflex_arc` (the
    catalog's arc as a network) run by the network's Brian2 engine on ``target``.
    ``run(stimulus, duration)`` returns a :class:`ReflexResult`; every run starts from the
    same resting state."""

    def __init__(self, params: ReflexArcParams, target: str, dt: float, lesions: tuple,
                 block_inhibition: bool, seed: int, settle: float):
        self.params, self.target, self.dt = params, target, dt
        self.lesions, self.block_inhibition = lesions, block_inhibition
        self.seed, self.settle = seed, settle

    def run(self, stimulus=None, duration=500.0) -> ReflexResult:
        """Settle at rest, then apply ``stimulus`` (``neurosim.stimulus.heat``; default 50 C
        from 20 ms for 200 ms) and run for ``duration`` ms. Each call starts from rest."""
        stimulus, dur = _stimulus("ReflexArc.run", stimulus, duration, self.params)
        return _run(self.params, stimulus, dur, self.lesions, self.block_inhibition, "brian2",
                    self.target, self.dt, self.seed, self.settle)


def build_reflex_arc(params=None, *, lesions=(), block_inhibition=False, target="numpy",
                     dt=0.1, seed=0, settle=300.0) -> ReflexArc:
    """Build the withdrawal reflex arc from ``models/reflex_arc_withdrawal.toml`` on Brian2
    (the same spec as :func:`neurosim.reflex.run_reflex_arc`, which runs it on the Numba
    engine by default).

    Arguments:
        params: a :class:`~neurosim.catalog.ReflexArcParams` (default the catalog's); change a
            number with ``params.replace(v_sensory=5.0)`` (slower fibres: longer latency).
        lesions: stage names to cut out (their synapses are removed), e.g.
            ``("interneurons",)``: no reflex.
        block_inhibition: silence the inhibitory interneurons' synapses (strychnine-like):
            the extensor keeps firing during the reflex (co-contraction).
        target: Brian2 code generation target, ``"numpy"`` (default) or ``"cython"``.
        dt: time step (ms).
        seed: seeds the random choice of each neuron's presynaptic partners.
        settle: ms run at rest before every run's t = 0, so the tonically firing extensor
            pool is in its steady state when the result starts.

    Returns:
        :class:`ReflexArc`; ``arc.run(neurosim.stimulus.heat(50, 20, 200), duration=500)``.
    """
    func = "build_reflex_arc"
    params, lesions, block, step, seed, rest = _check(func, params, lesions, block_inhibition,
                                                      dt, seed, settle)
    target = as_choice(target, func, "target", TARGETS[:2])
    return ReflexArc(params, target, step, lesions, block, seed, rest)
