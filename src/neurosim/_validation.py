"""Input checking for every public function, with one message form.

Every error says which parameter of which function, what was expected and what was given:
"The 'dt' parameter of simulate_hh must be a float in (0, 0.06] ms. Got -0.05 instead."
Brian2 quantities are accepted wherever a plain number in a documented unit is, and converted
here; brian2 is never imported unless the caller already passed one of its quantities.
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np


class SimulationError(RuntimeError):
    """A simulation left the range where its numbers mean anything (NaN or |V| too large)."""


# The brian2 unit that each documented unit stands for, built only when a quantity arrives.
_BRIAN2_UNITS = {
    "ms": lambda b: b.ms,
    "mV": lambda b: b.mV,
    "uA/cm^2": lambda b: b.uA / b.cm**2,
    "nA": lambda b: b.nA,
    "Hz": lambda b: b.Hz,
    "uF/cm^2": lambda b: b.uF / b.cm**2,
    "mS/cm^2": lambda b: b.msiemens / b.cm**2,
    "MOhm": lambda b: b.Mohm,
}


def _is_quantity(value) -> bool:
    return type(value).__module__.startswith("brian2") and hasattr(value, "dim")


class _Got:
    """A description of what was given, printed as is."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def param_error(func: str, name: str, expected: str, value, cls=ValueError) -> Exception:
    """Build the one-form error: The 'name' parameter of func must be expected. Got X."""
    return cls(f"The '{name}' parameter of {func} must be {expected}. Got {_describe(value)} "
               "instead.")


def got(text: str) -> _Got:
    """Wrap a description of the given value for :func:`param_error`."""
    return _Got(text)


def strip_unit(value, unit: str, func: str, name: str):
    """Return ``value`` in ``unit`` as a plain number or array; converts brian2 quantities."""
    if not _is_quantity(value):
        return value
    brian2 = sys.modules["brian2"]
    target = _BRIAN2_UNITS[unit](brian2)
    if not brian2.have_same_dimensions(value, target):
        raise param_error(func, name, f"a number in {unit} or a brian2 quantity with the "
                          f"dimensions of {unit}", value, TypeError)
    out = np.asarray(value / target, dtype=np.float64)
    return float(out) if out.ndim == 0 else out


def as_float(value, func: str, name: str, unit: str | None = None, *, low=None, high=None,
             low_open=True, high_open=False) -> float:
    """A finite real number (after unit conversion) within the given interval."""
    if unit is not None:
        value = strip_unit(value, unit, func, name)
    lo_b = "(" if low_open else "["
    hi_b = ")" if high_open else "]"
    interval = ""
    if low is not None or high is not None:
        lo_s = "-inf" if low is None else f"{low:g}"
        hi_s = "inf" if high is None else f"{high:g}"
        interval = f" in {lo_b}{lo_s}, {hi_s}{hi_b}"
    expected = f"a float{interval}" + (f" {unit}" if unit else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise param_error(func, name, expected, value, TypeError)
    x = float(value)
    if not math.isfinite(x):
        raise param_error(func, name, expected, value)
    if low is not None and (x < low or (low_open and x == low)):
        raise param_error(func, name, expected, value)
    if high is not None and (x > high or (high_open and x == high)):
        raise param_error(func, name, expected, value)
    return x


def as_int(value, func: str, name: str, *, low: int | None = None) -> int:
    expected = "an int" + (f" >= {low}" if low is not None else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise param_error(func, name, expected, value, TypeError)
    if low is not None and value < low:
        raise param_error(func, name, expected, value)
    return int(value)


def as_choice(value, func: str, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise param_error(func, name, f"one of {options}", value,
                          ValueError if isinstance(value, str) else TypeError)
    return value


def as_finite_array(value, func: str, name: str, unit: str | None = None) -> np.ndarray:
    if unit is not None:
        value = strip_unit(value, unit, func, name)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise param_error(func, name, "an array of real numbers", value, TypeError) from None
    if not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))[0]
        raise param_error(func, name, "finite everywhere (no NaN or inf)",
                          got(f"a non-finite value at flat index {bad}"))
    return arr
