"""The model catalog: one TOML file per model, loaded into a frozen parameter dataclass.

The TOML files live in ``models/`` in a checkout and are packed into the wheel as
``neurosim/_catalog``; :func:`catalog_dir` finds whichever is there. A file names its ``model``
kind, and every parameter carries its value and unit::

    name = "hodgkin_huxley_1952"
    model = "hodgkin_huxley"
    description = "..."
    citation = "..."
    [parameters]
    c_m = { value = 1.0, unit = "uF/cm^2", description = "membrane capacitance" }

Unknown keys, missing keys, wrong units, non-finite and non-physical values are errors that name
the file and the key.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["HodgkinHuxleyParams", "catalog_dir", "list_models", "load_model"]


def _p(unit: str, check: str, doc: str):
    """A parameter field: its unit, its physical constraint and a one-line description."""
    return field(metadata={"unit": unit, "check": check, "doc": doc})


def _meta():
    return field(default="", compare=False, repr=False)


_CHECKS = {
    "positive": (lambda x: x > 0, "> 0"),
    "nonnegative": (lambda x: x >= 0, ">= 0"),
    "any": (lambda x: True, ""),
}


class _Params:
    """Validation shared by every parameter dataclass."""

    def __post_init__(self):
        validate_params(self, source=f"{type(self).__name__}")

    @classmethod
    def parameter_fields(cls):
        return [f for f in dataclasses.fields(cls) if "unit" in f.metadata]

    def replace(self, **changes):
        """A copy with some parameters changed (validated like a loaded file)."""
        return dataclasses.replace(self, **changes)

    def units(self) -> dict[str, str]:
        return {f.name: f.metadata["unit"] for f in self.parameter_fields()}


def validate_params(params, source: str) -> None:
    for f in params.parameter_fields():
        value = getattr(params, f.name)
        ok, text = _CHECKS[f.metadata["check"]]
        expected = f"a finite number{(' ' + text) if text else ''} in {f.metadata['unit']}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"The '{f.name}' key of {source} must be {expected}. "
                            f"Got {value!r} instead.")
        if not math.isfinite(value) or not ok(value):
            raise ValueError(f"The '{f.name}' key of {source} must be {expected}. "
                             f"Got {value!r} instead.")


@dataclass(frozen=True)
class HodgkinHuxleyParams(_Params):
    """Hodgkin-Huxley membrane: capacitance, three conductances, reversal potentials, rates.

    ``v_offset`` shifts the 1952 rate functions (whose V = 0 was rest) onto the modern scale;
    rates are multiplied by ``q10 ** ((T - temperature_ref) / 10)`` at temperature T.
    """

    c_m: float = _p("uF/cm^2", "positive", "membrane capacitance")
    g_na: float = _p("mS/cm^2", "nonnegative", "maximal sodium conductance")
    g_k: float = _p("mS/cm^2", "nonnegative", "maximal potassium conductance")
    g_l: float = _p("mS/cm^2", "nonnegative", "leak conductance")
    e_na: float = _p("mV", "any", "sodium reversal potential")
    e_k: float = _p("mV", "any", "potassium reversal potential")
    e_l: float = _p("mV", "any", "leak reversal potential")
    v_offset: float = _p("mV", "any", "shift of the 1952 rate functions")
    temperature_ref: float = _p("degC", "any", "temperature at which the rates hold")
    q10: float = _p("1", "positive", "rate factor per 10 C")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


MODEL_KINDS: dict[str, type] = {"hodgkin_huxley": HodgkinHuxleyParams}


def catalog_dir() -> Path:
    """The folder holding the catalog's TOML files (wheel install or source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_catalog", here.parents[1] / "models"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    raise FileNotFoundError(
        f"neurosim's model catalog was not found: looked in {here / '_catalog'} (installed "
        f"wheel) and {here.parents[1] / 'models'} (source checkout). Reinstall neurosim.")


def list_models() -> list[str]:
    """Names of the models in the catalog, for :func:`load_model`."""
    return sorted(p.stem for p in catalog_dir().glob("*.toml"))


def _resolve(name_or_path) -> Path:
    text = os.fspath(name_or_path)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"The 'name_or_path' parameter of load_model names the file "
                                    f"{path}, which does not exist.")
        return path
    path = catalog_dir() / f"{text}.toml"
    if not path.is_file():
        raise ValueError(f"The 'name_or_path' parameter of load_model must be one of "
                         f"{', '.join(list_models())} or a path to a .toml file. Got {text!r} "
                         "instead.")
    return path


def load_model(name_or_path):
    """Load a catalog model by name (see :func:`list_models`) or a TOML file by path.

    Arguments:
        name_or_path: a catalog name such as ``"hodgkin_huxley_1952"`` or a path to a TOML file
            in the same format (a lecturer's edited copy).

    Returns:
        A frozen parameter dataclass, e.g. :class:`HodgkinHuxleyParams`; values are in the units
        the file states (``params.units()``).

    Raises:
        ValueError / TypeError: naming the file and the key, for unknown, missing, wrongly
            unit-ed, non-finite or non-physical entries.
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"The 'name_or_path' parameter of load_model must be a str or a path. "
                        f"Got {name_or_path!r} instead.")
    path = _resolve(name_or_path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    src = str(path)
    for key in ("name", "model", "parameters"):
        if key not in data:
            raise ValueError(f"{src} is missing the top-level key '{key}'.")
    extra = set(data) - {"name", "model", "description", "citation", "parameters"}
    if extra:
        raise ValueError(f"{src} has unknown top-level key(s) {sorted(extra)}; expected name, "
                         "model, description, citation, parameters.")
    kind = data["model"]
    if kind not in MODEL_KINDS:
        raise ValueError(f"The 'model' key of {src} must be one of {sorted(MODEL_KINDS)}. "
                         f"Got {kind!r} instead.")
    cls = MODEL_KINDS[kind]
    fields = {f.name: f for f in cls.parameter_fields()}
    table = data["parameters"]
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ValueError(f"{src} has unknown parameter key(s) {unknown} for a {kind} model; "
                         f"expected {sorted(fields)}.")
    missing = sorted(set(fields) - set(table))
    if missing:
        raise ValueError(f"{src} is missing the parameter key(s) {missing}.")
    values = {}
    for key, entry in table.items():
        unit = fields[key].metadata["unit"]
        if not isinstance(entry, dict) or "value" not in entry or "unit" not in entry:
            raise ValueError(f"The '{key}' key of {src} must be a table "
                             f"{{ value = ..., unit = \"{unit}\" }}. Got {entry!r} instead.")
        if entry["unit"] != unit:
            raise ValueError(f"The '{key}' key of {src} must be given in {unit}. "
                             f"Got unit {entry['unit']!r} instead.")
        values[key] = entry["value"]
    probe = object.__new__(cls)
    for key, value in values.items():
        object.__setattr__(probe, key, value)
    validate_params(probe, source=src)
    return cls(**values, name=str(data["name"]), description=str(data.get("description", "")),
               citation=str(data.get("citation", "")).strip())
