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

import numpy as np

__all__ = [
    "AdExParams",
    "HodgkinHuxleyParams",
    "IzhikevichParams",
    "LIFParams",
    "PairSTDPParams",
    "ReflexArcParams",
    "TripletSTDPParams",
    "catalog_dir",
    "list_models",
    "list_patterns",
    "load_model",
]


def _p(unit: str, check: str, doc: str):
    """A parameter field: its unit, its physical constraint and a one-line description."""
    return field(metadata={"unit": unit, "check": check, "doc": doc})


def _choice(doc: str, *choices: str):
    """A parameter that names one of several variants (unit "")."""
    return field(metadata={"unit": "", "check": "any", "doc": doc, "choices": choices})


def _meta():
    return field(default="", compare=False, repr=False)


_CHECKS = {
    "negative": (lambda x: x < 0, "< 0"),
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
    """Check every parameter field: a finite real number (or, where ``allows_arrays``, a 1-D
    array with one value per neuron) that meets its physical constraint."""
    arrays_ok = getattr(params, "allows_arrays", False)
    for f in params.parameter_fields():
        value = getattr(params, f.name)
        if "choices" in f.metadata:
            if value not in f.metadata["choices"]:
                options = " or ".join(repr(c) for c in f.metadata["choices"])
                raise ValueError(f"The '{f.name}' key of {source} must be {options}. "
                                 f"Got {value!r} instead.")
            continue
        ok, text = _CHECKS[f.metadata["check"]]
        expected = f"a finite number{(' ' + text) if text else ''} in {f.metadata['unit']}"
        if arrays_ok:
            expected += " (or a 1-D array of them, one per neuron)"
        if arrays_ok and isinstance(value, np.ndarray):
            if value.ndim != 1 or value.size == 0 or not np.issubdtype(value.dtype, np.number):
                raise TypeError(f"The '{f.name}' key of {source} must be {expected}. "
                                f"Got an array of shape {value.shape} instead.")
            if not np.all(np.isfinite(value)) or not np.all(ok(value)):
                bad = value[~(np.isfinite(value) & ok(value))][0]
                raise ValueError(f"The '{f.name}' key of {source} must be {expected}. "
                                 f"Got an array containing {bad!r} instead.")
            continue
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


class _PointParams(_Params):
    """Point-neuron parameters: any of them may be a 1-D array, one value per neuron."""

    allows_arrays = True

    def n_values(self) -> int:
        """1, or the length of the array-valued parameters (which must agree)."""
        sizes = {np.size(getattr(self, f.name)) for f in self.parameter_fields()
                 if isinstance(getattr(self, f.name), np.ndarray)}
        if len(sizes) > 1:
            raise ValueError(f"The array-valued parameters of {type(self).__name__} must have "
                             f"one length (one value per neuron). Got lengths {sorted(sizes)} "
                             "instead.")
        return sizes.pop() if sizes else 1


@dataclass(frozen=True, eq=False)
class LIFParams(_PointParams):
    """Leaky integrate-and-fire: tau_m dV/dt = -(V - v_rest) + r_m I; spike at v_th, then V is
    held at v_reset for t_ref."""

    v_rest: float = _p("mV", "any", "resting (leak reversal) potential")
    v_th: float = _p("mV", "any", "spike threshold")
    v_reset: float = _p("mV", "any", "reset potential")
    tau_m: float = _p("ms", "positive", "membrane time constant")
    r_m: float = _p("MOhm", "positive", "membrane resistance")
    t_ref: float = _p("ms", "nonnegative", "absolute refractory period")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()

    def __post_init__(self):
        super().__post_init__()
        if np.any(np.asarray(self.v_reset) >= np.asarray(self.v_th)):
            raise ValueError(f"The 'v_reset' key of {self.name or 'LIFParams'} must be below "
                             f"v_th. Got v_reset = {self.v_reset!r}, v_th = {self.v_th!r} "
                             "instead.")


@dataclass(frozen=True, eq=False)
class IzhikevichParams(_PointParams):
    """Izhikevich (2003): dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u); at
    v >= v_peak: v <- c, u <- u + d. v in mV, t in ms, I in the model's units (mV/ms)."""

    a: float = _p("1/ms", "positive", "recovery rate")
    b: float = _p("1/ms", "any", "recovery sensitivity to v")
    c: float = _p("mV", "any", "reset of v")
    d: float = _p("mV/ms", "any", "jump of u at a spike")
    v_peak: float = _p("mV", "any", "spike cut-off")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True, eq=False)
class AdExParams(_PointParams):
    """Adaptive exponential integrate-and-fire (Brette & Gerstner 2005):
    C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I,
    tau_w dw/dt = a (V - E_L) - w; at V >= v_peak: V <- v_reset, w <- w + b."""

    c_m: float = _p("pF", "positive", "membrane capacitance")
    g_l: float = _p("nS", "positive", "leak conductance")
    e_l: float = _p("mV", "any", "leak reversal potential")
    v_t: float = _p("mV", "any", "threshold slope factor's midpoint (rheobase threshold)")
    delta_t: float = _p("mV", "positive", "slope factor (sharpness of spike initiation)")
    tau_w: float = _p("ms", "positive", "adaptation time constant")
    a: float = _p("nS", "any", "subthreshold adaptation")
    b: float = _p("nA", "any", "spike-triggered adaptation")
    v_reset: float = _p("mV", "any", "reset potential")
    v_peak: float = _p("mV", "any", "spike cut-off")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class ReflexArcParams(_Params):
    """The withdrawal reflex arc: receptor coding, conduction, synapses, muscle, brain path.

    Every value and its source is in ``models/reflex_arc_withdrawal.toml``."""

    skin_temperature: float = _p("degC", "any", "resting skin temperature")
    heat_threshold: float = _p("degC", "any", "nociceptor heat threshold")
    rate_gain: float = _p("Hz/degC", "positive", "receptor rate per degree above threshold")
    rate_max: float = _p("Hz", "positive", "highest receptor rate")
    gain_spread: float = _p("1", "nonnegative", "relative spread of receptor gains")
    v_sensory: float = _p("m/s", "positive", "A-delta conduction velocity")
    v_motor: float = _p("m/s", "positive", "motor conduction velocity")
    v_spinothalamic: float = _p("m/s", "positive", "ascending conduction velocity")
    v_thalamocortical: float = _p("m/s", "positive", "thalamocortical conduction velocity")
    hand_to_cord: float = _p("m", "positive", "hand to spinal cord")
    cord_to_muscle: float = _p("m", "positive", "spinal cord to muscle")
    cord_to_thalamus: float = _p("m", "positive", "spinal cord to thalamus")
    thalamus_to_cortex: float = _p("m", "positive", "thalamus to cortex")
    synaptic_delay: float = _p("ms", "positive", "central synaptic delay")
    nmj_delay: float = _p("ms", "positive", "neuromuscular delay")
    twitch_time: float = _p("ms", "positive", "twitch contraction time")
    unit_force: float = _p("1", "positive", "peak twitch force of one motor unit")
    cortical_processing: float = _p("ms", "nonnegative", "cortex to conscious perception")
    voluntary_delay: float = _p("ms", "nonnegative", "perception to voluntary command")
    cortex_to_cord: float = _p("m", "positive", "corticospinal path length")
    v_corticospinal: float = _p("m/s", "positive", "corticospinal conduction velocity")
    n_per_stage: int = _p("1", "positive", "neurons in each stage")
    fan_in: int = _p("1", "positive", "presynaptic neurons per neuron")
    w_exc: float = _p("mV", "positive", "EPSP size")
    w_inh: float = _p("mV", "nonnegative", "IPSP size")
    extensor_drive: float = _p("nA", "any", "tonic drive of extensor motor neurons")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()

    def __post_init__(self):
        super().__post_init__()
        for key in ("n_per_stage", "fan_in"):
            value = getattr(self, key)
            if value != int(value):
                raise ValueError(f"The '{key}' key of {self.name or 'ReflexArcParams'} must be "
                                 f"a whole number. Got {value!r} instead.")
        if self.fan_in > self.n_per_stage:
            raise ValueError(f"The 'fan_in' key of {self.name or 'ReflexArcParams'} must be at "
                             f"most n_per_stage = {self.n_per_stage}. Got {self.fan_in!r} "
                             "instead.")


@dataclass(frozen=True)
class PairSTDPParams(_Params):
    """Pair-based STDP with exponential traces (Song, Miller & Abbott 2000; van Rossum et al.
    2000). With dt = t_post - t_pre, one pair changes the weight by
    a_plus * exp(-dt / tau_plus) (dt > 0) or a_minus * exp(dt / tau_minus) (dt < 0), times
    w_max (additive, hard bounds at 0 and w_max) or times (w_max - w) and w (multiplicative,
    soft bounds). ``pairing`` is "all_to_all" (traces add up) or "nearest" (traces reset).
    ``a_minus`` is the signed change: negative."""

    tau_plus: float = _p("ms", "positive", "potentiation time constant")
    tau_minus: float = _p("ms", "positive", "depression time constant")
    a_plus: float = _p("1", "positive", "potentiation per pair, fraction of w_max")
    a_minus: float = _p("1", "negative", "depression per pair, fraction of w_max (signed)")
    w_max: float = _p("1", "positive", "upper weight bound")
    weight_dependence: str = _choice("additive (hard bounds) or multiplicative (soft bounds)",
                                     "additive", "multiplicative")
    pairing: str = _choice("all_to_all or nearest", "all_to_all", "nearest")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class TripletSTDPParams(_Params):
    """Triplet STDP (Pfister & Gerstner 2006), all-to-all, additive with hard bounds.

    Traces r1 (tau_plus), r2 (tau_x) of pre spikes and o1 (tau_minus), o2 (tau_y) of post
    spikes jump by 1 at each spike. At a pre spike w -= w_max o1 (a2_minus + a3_minus r2), at
    a post spike w += w_max r1 (a2_plus + a3_plus o2), the r2 and o2 taken just before the
    spike."""

    tau_plus: float = _p("ms", "positive", "pair potentiation time constant")
    tau_minus: float = _p("ms", "positive", "pair depression time constant")
    tau_x: float = _p("ms", "positive", "triplet pre trace time constant")
    tau_y: float = _p("ms", "positive", "triplet post trace time constant")
    a2_plus: float = _p("1", "nonnegative", "pair potentiation amplitude")
    a3_plus: float = _p("1", "nonnegative", "triplet potentiation amplitude")
    a2_minus: float = _p("1", "nonnegative", "pair depression amplitude (magnitude)")
    a3_minus: float = _p("1", "nonnegative", "triplet depression amplitude (magnitude)")
    w_max: float = _p("1", "positive", "upper weight bound")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


MODEL_KINDS: dict[str, type] = {
    "hodgkin_huxley": HodgkinHuxleyParams,
    "lif": LIFParams,
    "izhikevich": IzhikevichParams,
    "adex": AdExParams,
    "reflex_arc": ReflexArcParams,
    "stdp_pair": PairSTDPParams,
    "stdp_triplet": TripletSTDPParams,
}


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


def load_model(name_or_path, pattern=None):
    """Load a catalog model by name (see :func:`list_models`) or a TOML file by path.

    Arguments:
        name_or_path: a catalog name such as ``"hodgkin_huxley_1952"`` or a path to a TOML file
            in the same format (a lecturer's edited copy).
        pattern: for files with named parameter sets (``[patterns.NAME]`` tables, e.g. the
            Izhikevich firing patterns), which one; default the file's ``default_pattern``.

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
    allowed = {"name", "model", "description", "citation", "parameters", "patterns",
               "default_pattern"}
    extra = set(data) - allowed
    if extra:
        raise ValueError(f"{src} has unknown top-level key(s) {sorted(extra)}; expected "
                         f"{', '.join(sorted(allowed))}.")
    table = dict(data["parameters"])
    patterns = data.get("patterns", {})
    if pattern is not None or patterns:
        chosen = pattern if pattern is not None else data.get("default_pattern")
        if chosen not in patterns:
            options = ", ".join(sorted(patterns)) or f"none ({src} has no patterns)"
            raise ValueError(f"The 'pattern' parameter of load_model must be one of {options}. "
                             f"Got {chosen!r} instead.")
        table.update(patterns[chosen])
    kind = data["model"]
    if kind not in MODEL_KINDS:
        raise ValueError(f"The 'model' key of {src} must be one of {sorted(MODEL_KINDS)}. "
                         f"Got {kind!r} instead.")
    cls = MODEL_KINDS[kind]
    fields = {f.name: f for f in cls.parameter_fields()}
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
    name = str(data["name"]) + (f":{chosen}" if patterns else "")
    return cls(**values, name=name, description=str(data.get("description", "")),
               citation=str(data.get("citation", "")).strip())


def list_patterns(name_or_path) -> list[str]:
    """The named parameter sets of a catalog file (e.g. Izhikevich firing patterns)."""
    path = _resolve(name_or_path)
    with path.open("rb") as fh:
        return list(tomllib.load(fh).get("patterns", {}))
