"""Helpers shared by the plot functions."""

from __future__ import annotations

import functools

from .._core.validation import param_error
from ..result import SimulationResult
from ._style import lecture_style


def styled(func):
    """Run ``func`` in the lecture style when it makes its own figure (``ax=None``)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if kwargs.get("ax") is None:
            with lecture_style():
                return func(*args, **kwargs)
        return func(*args, **kwargs)

    return wrapper


def single(result, func: str, neuron: int | None = None) -> SimulationResult:
    """The one neuron to draw: the result itself if it holds one, else ``neuron`` of it."""
    if not isinstance(result, SimulationResult):
        raise param_error(func, "result", "a SimulationResult", result, TypeError)
    if result.n_neurons == 1 and neuron in (None, 0):
        return result
    if neuron is None:
        raise param_error(func, "neuron", f"an int in [0, {result.n_neurons}) to pick one "
                          "neuron of this population", neuron)
    return result.neuron(neuron)


def need(result: SimulationResult, names, func: str) -> None:
    for name in names:
        value = result.v if name == "v" else result.traces.get(name)
        if value is None:
            raise param_error(func, "result", f"a run that recorded '{name}' (pass "
                              f"record={tuple(names)!r} or record='all')",
                              f"a run without '{name}'")
