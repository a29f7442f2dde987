"""Input checking for every public function, with one message form.

Every error says which parameter of which function, what was expected and what was given:
"The 'dt' parameter of simulate_hh must be a float in (0, 0.06] ms. Got -0.05 instead."
The errors carry those parts as attributes (``func``, ``name``, ``expected``, ``given``) so the
command line can say the same thing in its own words (``--dt``).

Brian2 quantities are accepted wherever a plain number in a documented unit is, and converted
here; brian2 is never imported unless the caller already passed one of its quantities.
:data:`UNITS` is the one table of the units neurosim's parameters and inputs are given in.
"""

from __future__ import annotations

import math
import numbers
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np


class SimulationError(RuntimeError):
    """A simulation left the range where its numbers mean anything (NaN or ``|V|`` too large)."""


class MissingExtra(ImportError):
    """An optional dependency of one part of neurosim is not installed; the message says how
    to install it from this checkout (:func:`install_hint`)."""


def install_hint(extra: str) -> str:
    """How to install an extra, said once for every message. The name ``neurosim`` on the
    public package index belongs to another project, so the hint installs from the checkout."""
    return (f"pip install \".[{extra}]\" in the neurosim checkout (the folder holding "
            "pyproject.toml; the package named neurosim on PyPI is another project)")


class InvalidInput(Exception):
    """Base of every bad-input error neurosim raises: names the function, the parameter, what
    was expected and what was given (also as the attributes of the same names)."""

    func: str | None = None
    name: str | None = None
    expected: str | None = None
    given: str | None = None


class ParameterError(InvalidInput, ValueError):
    """A parameter has the right type but a wrong value."""


class ParameterTypeError(InvalidInput, TypeError):
    """A parameter has the wrong type (or a quantity the wrong dimensions)."""


class ResourceError(MemoryError):
    """A run would not fit in memory or would not finish in reasonable time; raised before
    anything is allocated, with the estimate and what to change."""


# the public errors show in a traceback under the name a user catches them by (neurosim.X)
for _cls in (SimulationError, InvalidInput, ParameterError, ParameterTypeError, ResourceError):
    _cls.__module__ = "neurosim"


# unit -> (the brian2 unit, the dimension Brian2 equations declare)
UNITS = {
    "ms": (lambda b: b.ms, "second"),
    "mV": (lambda b: b.mV, "volt"),
    "uA/cm^2": (lambda b: b.uA / b.cm**2, "amp/meter**2"),
    "nA": (lambda b: b.nA, "amp"),
    "pA": (lambda b: b.pA, "amp"),
    "Hz": (lambda b: b.Hz, "hertz"),
    "uF/cm^2": (lambda b: b.uF / b.cm**2, "farad/meter**2"),
    "mS/cm^2": (lambda b: b.msiemens / b.cm**2, "siemens/meter**2"),
    "MOhm": (lambda b: b.Mohm, "ohm"),
    "pF": (lambda b: b.pF, "farad"),
    "nS": (lambda b: b.nS, "siemens"),
    "1/ms": (lambda b: 1 / b.ms, "1/second"),
    "mV/ms": (lambda b: b.mV / b.ms, "volt/second"),
    "mM": (lambda b: b.mmolar, "mole/meter**3"),
    "cm/s": (lambda b: b.cm / b.second, "meter/second"),
    "um": (lambda b: b.um, "meter"),
    "1": (lambda b: 1.0, "1"),
}

# Starting voltages outside this range (mV) are not a neuron's.
V0_RANGE = (-150.0, 100.0)


def brian2_unit(unit: str):
    """The brian2 unit object for one of :data:`UNITS` (imports brian2)."""
    import brian2

    return UNITS[unit][0](brian2)


def pretty_unit(unit: str) -> str:
    """A unit as a slide shows it: uA/cm^2 -> µA/cm², 1 -> '' ."""
    return {"uA/cm^2": "µA/cm²", "uF/cm^2": "µF/cm²", "mS/cm^2": "mS/cm²", "MOhm": "MΩ",
            "1": ""}.get(unit, unit)


def _is_quantity(value) -> bool:
    return type(value).__module__.startswith("brian2") and hasattr(value, "dim")


class _Got:
    """A description of what was given, printed as is."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _describe(value) -> str:
    if isinstance(value, _Got):  # a description written for the message: shown whole
        return value.text
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def param_error(func: str | None, name: str, expected: str, value, cls=ValueError) -> Exception:
    """Build the one-form error: The 'name' parameter of func must be expected. Got X."""
    given = _describe(value)
    where = f"The '{name}' parameter of {func}" if func else f"'{name}'"
    err = (ParameterTypeError if issubclass(cls, TypeError) else ParameterError)(
        f"{where} must be {expected}. Got {given} instead.")
    err.func, err.name, err.expected, err.given = func, name, expected, given
    return err


def key_error(source: str, key: str, expected: str, value, cls=ValueError) -> Exception:
    """The same form for a key of a catalog file or a parameter object."""
    err = param_error(None, key, expected, value, cls)
    err.args = (f"The '{key}' key of {source} must be {expected}. Got {err.given} instead.",)
    return err


def file_error(source, text: str) -> ParameterError:
    """An error about a whole file: '<path> <text>', the path as its name."""
    err = ParameterError(f"{source} {text}")
    err.name = str(source)
    return err


def read_text(path, raw: bytes | None = None) -> str:
    """A text file's contents (model, network, morphology and SWC files are UTF-8), from
    ``raw`` where its bytes were read already; a file that is not UTF-8 is named, with its
    first bad byte."""
    raw = Path(path).read_bytes() if raw is None else raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise file_error(path, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                         f"{exc.start}): save it as UTF-8") from None


def read_toml(path, raw: bytes | None = None) -> dict:
    """A TOML file parsed (from ``raw`` where its bytes were read already); a file that is
    not UTF-8 or not TOML is named, with why."""
    try:
        return tomllib.loads(read_text(path, raw))
    except tomllib.TOMLDecodeError as exc:
        raise file_error(path, f"is not valid TOML: {exc}") from None


def deprecated(func: str, old: str, new: str) -> None:
    """Warn that ``func``'s ``old`` spelling is now ``new`` (old spellings work for one release,
    then go)."""
    warnings.warn(f"{func}: {old} is now {new}; the old spelling works for this release only",
                  DeprecationWarning, stacklevel=3)


def renamed(func: str, extra: dict, old: str, new: str, value, default):
    """The value of parameter ``new`` whose old name ``old`` the caller may still use (in the
    keywords ``extra``, with a DeprecationWarning); any other keyword in ``extra`` is refused
    as Python refuses an unknown one."""
    extra = dict(extra)
    if old in extra:
        given = extra.pop(old)
        if value is not default:
            raise param_error(func, old, f"absent when {new} is given (it is {new}'s old name)",
                              given, TypeError)
        deprecated(func, f"'{old}'", f"'{new}'")
        value = given
    if extra:
        raise TypeError(f"{func}() got an unexpected keyword argument {next(iter(extra))!r}")
    return value


def got(text: str) -> _Got:
    """Wrap a description of the given value for :func:`param_error`."""
    return _Got(text)


def strip_unit(value, unit: str, func: str, name: str):
    """Return ``value`` in ``unit`` as a plain number or array; converts brian2 quantities."""
    if not _is_quantity(value):
        return value
    brian2 = sys.modules["brian2"]
    target = UNITS[unit][0](brian2)
    if not brian2.have_same_dimensions(value, target):
        # "Got 2. mV (volt) instead": the quantity as brian2 writes it and its SI base unit
        def base(q):
            """' (volt)': the SI unit of q's dimensions when it has a name of its own."""
            unit_ = str(getattr(brian2.get_unit(brian2.get_dimensions(q)), "name", ""))
            return f" ({unit_})" if unit_.isidentifier() else ""

        shown = (f"{value}{base(value)}" if np.ndim(value) == 0 else
                 f"an array of shape {np.shape(value)}{base(value)}")
        raise param_error(func, name, f"a number in {unit} or a brian2 quantity in {unit}"
                          f"{base(target)}", got(shown), TypeError)
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


def as_bool(value, func: str, name: str, *, none: bool = False) -> bool | None:
    """True or False (numpy's too; None as well where ``none``): a truthy object is no
    switch."""
    if (value is None and none) or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    raise param_error(func, name, "True or False" + (" or None" if none else ""), value,
                      TypeError)


def as_pair(value, func: str, name: str, expected: str) -> tuple:
    """The two items of a (tuple, list or array) pair, unchecked; anything else is refused
    as ``expected``."""
    if isinstance(value, (tuple, list, np.ndarray)) and np.shape(value) == (2,):
        return value[0], value[1]
    raise param_error(func, name, expected, value, TypeError)


def as_int(value, func: str, name: str, *, low: int | None = None, high: int | None = None) -> int:
    expected = "an int" + (f" >= {low}" if low is not None and high is None else "")
    if high is not None:
        expected = f"an int in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise param_error(func, name, expected, value, TypeError)
    if (low is not None and value < low) or (high is not None and value > high):
        raise param_error(func, name, expected, value)
    return int(value)


def as_seed(value, func: str, name: str = "seed") -> int:
    """An explicit random seed: an int >= 0."""
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise param_error(func, name, "an int >= 0 (runs are always seeded)", value, TypeError)
    return as_int(value, func, name, low=0)


def as_choice(value, func: str, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise param_error(func, name, f"one of {options}", value,
                          ValueError if isinstance(value, str) else TypeError)
    return value


def as_finite_array(value, func: str, name: str, unit: str | None = None) -> np.ndarray:
    """A float64 array of finite real numbers; strings, None and other objects are refused
    (numpy would quietly turn "2" into 2.0)."""
    if unit is not None:
        value = strip_unit(value, unit, func, name)
    expected = "a number or an array of real numbers" + (f" ({unit})" if unit else "")
    if isinstance(value, (str, bytes)) or _is_quantity(value):
        raise param_error(func, name, expected, value, TypeError)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested sequences
        raise param_error(func, name, expected, got(f"{type(value).__name__} that is not a "
                          "rectangular array"), TypeError) from None
    if raw.dtype.kind not in "iuf":
        raise param_error(func, name, expected, got(f"values of type {raw.dtype}"
                          if raw.ndim else repr(value)), TypeError)
    arr = np.asarray(raw, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))[0]
        raise param_error(func, name, "finite everywhere (no NaN or inf)",
                          got(f"a non-finite value at flat index {bad}"))
    return arr


def check_v0(v0: np.ndarray, func: str, name: str = "v0") -> None:
    """Starting voltages must be physiological (:data:`V0_RANGE`)."""
    lo, hi = V0_RANGE
    bad = (v0 < lo) | (v0 > hi)
    if np.any(bad):
        value = float(np.asarray(v0).ravel()[np.flatnonzero(np.ravel(bad))[0]])
        raise param_error(func, name, f"a membrane potential in [{lo:g}, {hi:g}] mV", value)
