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

Each parameter class names its ``kind`` (``class LIFParams(NeuronParams, kind="lif")``) and is
found by it; the neuron models' classes live with their registry entries
(:mod:`neurosim.registry`), the circuits' and rules' here.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._core.validation import ParameterError, file_error, key_error, param_error, read_toml

__all__ = [
    "MODEL_KINDS",
    "FitzHughNagumoParams",
    "IonDynamicsParams",
    "IonSetParams",
    "NeuronParams",
    "PairSTDPParams",
    "ReflexArcParams",
    "SongAbbottParams",
    "TripletSTDPParams",
    "WilsonCowanParams",
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


def _ref(doc: str):
    """A parameter that names a catalog entry (unit ""; ``"name:pattern"`` picks a named
    parameter set)."""
    return field(metadata={"unit": "", "check": "any", "doc": doc, "catalog": True})


def _meta():
    return field(default="", compare=False, repr=False)


_CHECKS = {
    "negative": (lambda x: x < 0, "< 0"),
    "positive": (lambda x: x > 0, "> 0"),
    "nonnegative": (lambda x: x >= 0, ">= 0"),
    "any": (lambda x: True, ""),
}


# kind (the TOML file's ``model`` key) -> parameter class; filled as the classes are defined
MODEL_KINDS: dict[str, type] = {}


class _Params:
    """Validation shared by every parameter dataclass."""

    kind: str = ""
    allows_arrays = False

    def __init_subclass__(cls, kind: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if kind is not None:
            cls.kind = kind
            MODEL_KINDS[kind] = cls

    def __post_init__(self):
        validate_params(self, source=f"{type(self).__name__}")

    @classmethod
    def parameter_fields(cls):
        return [f for f in dataclasses.fields(cls) if "unit" in f.metadata]

    def replace(self, **changes):
        """A copy with some parameters changed (validated like a loaded file)."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            names = ", ".join(f.name for f in self.parameter_fields())
            raise param_error("replace", unknown[0], f"one of the parameters of "
                              f"{type(self).__name__} ({names})", changes[unknown[0]], TypeError)
        return dataclasses.replace(self, **changes)

    @classmethod
    def units(cls) -> dict[str, str]:
        """Parameter name -> its unit (on the class or on an instance)."""
        return {f.name: f.metadata["unit"] for f in cls.parameter_fields()}

    def values(self) -> dict:
        """Every parameter by name (numbers, strings or per-neuron arrays)."""
        return {f.name: getattr(self, f.name) for f in self.parameter_fields()}


class NeuronParams(_Params):
    """Parameters of a neuron model: any of them may be a 1-D array, one value per neuron."""

    allows_arrays = True

    def n_values(self) -> int:
        """1, or the length of the array-valued parameters (which must agree)."""
        sizes = {np.size(getattr(self, f.name)) for f in self.parameter_fields()
                 if isinstance(getattr(self, f.name), np.ndarray)}
        if len(sizes) > 1:
            raise ParameterError(f"The array-valued parameters of {type(self).__name__} must "
                                 f"have one length (one value per neuron). Got lengths "
                                 f"{sorted(sizes)} instead.")
        return sizes.pop() if sizes else 1

    def per_neuron(self, n: int, func: str) -> dict[str, np.ndarray]:
        """Every parameter as a contiguous float64 array of length ``n``."""
        out = {}
        for f in self.parameter_fields():
            value = np.asarray(getattr(self, f.name), dtype=np.float64)
            if value.ndim == 1 and value.size != n:
                raise param_error(func, "params", f"array parameters with one value per neuron "
                                  f"({n})", value)
            out[f.name] = np.ascontiguousarray(np.broadcast_to(value, (n,)))
        return out

    def neuron(self, i: int):
        """The parameters of neuron ``i`` (scalars)."""
        return dataclasses.replace(self, **{
            f.name: float(getattr(self, f.name)[i]) for f in self.parameter_fields()
            if isinstance(getattr(self, f.name), np.ndarray)})


def validate_params(params, source: str) -> None:
    """Check every parameter field: a finite real number (or, where ``allows_arrays``, a 1-D
    array with one value per neuron) that meets its physical constraint."""
    arrays_ok = params.allows_arrays
    for f in params.parameter_fields():
        value = getattr(params, f.name)
        if "catalog" in f.metadata:
            if not isinstance(value, str) or value.split(":")[0] not in list_models():
                raise key_error(source, f.name, f"the name of a catalog entry (one of "
                                f"{', '.join(list_models())})", value)
            continue
        if "choices" in f.metadata:
            if value not in f.metadata["choices"]:
                options = " or ".join(repr(c) for c in f.metadata["choices"])
                raise key_error(source, f.name, options, value)
            continue
        ok, text = _CHECKS[f.metadata["check"]]
        expected = f"a finite number{(' ' + text) if text else ''} in {f.metadata['unit']}"
        if arrays_ok:
            expected += " (or a 1-D array of them, one per neuron)"
        if arrays_ok and isinstance(value, np.ndarray):
            if value.ndim != 1 or value.size == 0 or value.dtype.kind not in "iuf":
                raise key_error(source, f.name, expected, value, TypeError)
            if not np.all(np.isfinite(value)) or not np.all(ok(value)):
                bad = value[~(np.isfinite(value) & ok(value))][0]
                raise key_error(source, f.name, expected, float(bad))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise key_error(source, f.name, expected, value, TypeError)
        if not math.isfinite(value) or not ok(value):
            raise key_error(source, f.name, expected, value)


@dataclass(frozen=True)
class ReflexArcParams(_Params, kind="reflex_arc"):
    """The withdrawal reflex arc: receptor coding, conduction, synapses, muscle, and the
    measured human latencies it is compared with (not parts of the model).

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
    n_per_stage: int = _p("1", "positive", "neurons in each stage")
    fan_in: int = _p("1", "positive", "presynaptic neurons per neuron")
    w_exc: float = _p("mV", "positive", "EPSP size")
    w_inh: float = _p("mV", "nonnegative", "IPSP size")
    extensor_drive: float = _p("nA", "any", "tonic drive of extensor motor neurons")
    nwr_emg_latency: float = _p("ms", "positive", "measured withdrawal-reflex EMG onset")
    nwr_emg_latency_sd: float = _p("ms", "nonnegative", "its standard deviation")
    reaction_time_low: float = _p("ms", "positive", "measured reaction time to heat pain, low")
    reaction_time_high: float = _p("ms", "positive", "measured reaction time, high")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()

    def __post_init__(self):
        super().__post_init__()
        for key in ("n_per_stage", "fan_in"):
            value = getattr(self, key)
            if value != int(value):
                raise key_error(self.name or "ReflexArcParams", key, "a whole number", value)
        if self.fan_in > self.n_per_stage:
            raise key_error(self.name or "ReflexArcParams", "fan_in",
                            f"at most n_per_stage = {self.n_per_stage}", self.fan_in)


@dataclass(frozen=True)
class PairSTDPParams(_Params, kind="stdp_pair"):
    """Pair-based STDP with exponential traces. With dt = t_post - t_pre, one pair changes the
    weight by a_plus * exp(-dt / tau_plus) (dt > 0) or a_minus * exp(dt / tau_minus) (dt < 0),
    times a weight dependence:

    - ``"additive"`` (Song, Miller & Abbott 2000): times w_max, with hard bounds at 0 and w_max;
    - ``"multiplicative"``: potentiation times (w_max - w), depression times w (soft bounds),
      the form of Rubin, Lee & Sompolinsky (2001) and of Guetig et al. (2003) with mu = 1.

    ``pairing`` is ``"all_to_all"`` (every earlier spike of the other neuron counts: the traces
    add up) or ``"nearest"``, the symmetric nearest-spike scheme of Morrison, Diesmann &
    Gerstner (2008): each spike pairs only with the most recent spike of the other neuron (the
    traces are reset to 1 at a spike instead of incremented). ``a_minus`` is the signed change:
    negative."""

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
class TripletSTDPParams(_Params, kind="stdp_triplet"):
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




@dataclass(frozen=True)
class SongAbbottParams(_Params, kind="song_abbott_2000"):
    """The neuron and inputs of Song, Miller & Abbott's (2000) competition experiment: a
    conductance-based integrate-and-fire neuron, tau_m dV/dt = (E_L - V) + g (E_e - V), g
    decaying with tau_e and jumping by w g_max at each input spike (g in units of the leak
    conductance). Values in ``models/song_abbott_2000.toml``."""

    tau_m: float = _p("ms", "positive", "membrane time constant")
    e_l: float = _p("mV", "any", "leak reversal (resting) potential")
    v_th: float = _p("mV", "any", "spike threshold")
    v_reset: float = _p("mV", "any", "reset potential")
    e_e: float = _p("mV", "any", "excitatory reversal potential")
    tau_e: float = _p("ms", "positive", "excitatory conductance decay time")
    g_max: float = _p("1", "positive", "peak conductance of a synapse at w = w_max (x leak)")
    input_rate: float = _p("Hz", "positive", "rate of each Poisson input")
    n_inputs: int = _p("1", "positive", "number of excitatory inputs")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class IonSetParams(_Params, kind="ion_set"):
    """The ions on both sides of a membrane at rest: free concentrations (mM) of K+, Na+, Cl-
    and Ca2+ inside and outside, the resting membrane's relative permeabilities to K+, Na+ and
    Cl- (P_K = 1), and the temperature. Values in ``models/ions_*.toml``; used by
    :mod:`neurosim.ions`."""

    temperature: float = _p("degC", "any", "temperature")
    k_in: float = _p("mM", "positive", "K+ inside")
    k_out: float = _p("mM", "positive", "K+ outside")
    na_in: float = _p("mM", "positive", "Na+ inside")
    na_out: float = _p("mM", "positive", "Na+ outside")
    cl_in: float = _p("mM", "positive", "Cl- inside")
    cl_out: float = _p("mM", "positive", "Cl- outside")
    ca_in: float = _p("mM", "positive", "Ca2+ inside (free)")
    ca_out: float = _p("mM", "positive", "Ca2+ outside")
    p_k: float = _p("1", "positive", "K+ permeability at rest (the reference, 1)")
    p_na: float = _p("1", "nonnegative", "Na+ permeability at rest, relative to K+")
    p_cl: float = _p("1", "nonnegative", "Cl- permeability at rest, relative to K+")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class IonDynamicsParams(_Params, kind="ion_dynamics"):
    """A neuron whose ion concentrations move: the membrane of a catalog neuron (its channels;
    its leak split into Na+ and K+ leaks), the ions of a catalog ion set, a cell of the given
    diameter (a sphere: volume / surface = diameter / 6) in a restricted extracellular space
    that exchanges K+ with a bath, and an electrogenic Na+/K+-ATPase of Kager et al. (2000)'s
    form. Used by :mod:`neurosim.ion_dynamics`."""

    neuron: str = _ref("the neuron whose channels the membrane has")
    ions: str = _ref("the ion set: concentrations at rest and temperature")
    diameter: float = _p("um", "positive", "cell diameter (a sphere)")
    volume_ratio: float = _p("1", "positive", "extracellular / intracellular volume")
    tau_k: float = _p("ms", "positive", "time constant of K+ exchange with the bath")
    km_na: float = _p("mM", "positive", "pump's half-saturation constant for Na+ inside")
    km_k: float = _p("mM", "positive", "pump's half-saturation constant for K+ outside")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class WilsonCowanParams(_Params, kind="wilson_cowan"):
    """The Wilson & Cowan (1972) excitatory-inhibitory rate model, as teaching sets write it:
    tau_e dE/dt = -E + (1 - r_e E) F_e(w_ee E - w_ei I + i_e),
    tau_i dI/dt = -I + (1 - r_i I) F_i(w_ie E - w_ii I + i_i), with the sigmoid gain
    F(x) = 1/(1 + exp(-a (x - theta))) - 1/(1 + exp(a theta)) (F(0) = 0). Used by
    :mod:`neurosim.dynamics`."""

    tau_e: float = _p("ms", "positive", "time constant of the excitatory population")
    tau_i: float = _p("ms", "positive", "time constant of the inhibitory population")
    a_e: float = _p("1", "positive", "gain (slope) of the excitatory sigmoid")
    theta_e: float = _p("1", "any", "threshold of the excitatory sigmoid")
    a_i: float = _p("1", "positive", "gain (slope) of the inhibitory sigmoid")
    theta_i: float = _p("1", "any", "threshold of the inhibitory sigmoid")
    w_ee: float = _p("1", "nonnegative", "E to E coupling")
    w_ei: float = _p("1", "nonnegative", "I to E coupling (inhibition of E)")
    w_ie: float = _p("1", "nonnegative", "E to I coupling")
    w_ii: float = _p("1", "nonnegative", "I to I coupling")
    r_e: float = _p("1", "nonnegative", "refractory factor of E (0: none)")
    r_i: float = _p("1", "nonnegative", "refractory factor of I (0: none)")
    i_e: float = _p("1", "any", "external drive to E")
    i_i: float = _p("1", "any", "external drive to I")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


@dataclass(frozen=True)
class FitzHughNagumoParams(_Params, kind="fitzhugh_nagumo"):
    """The FitzHugh-Nagumo model, a two-variable reduction of Hodgkin-Huxley:
    dv/dt = v - v^3/3 - w + i_ext, tau dw/dt = v + a - b w (dimensionless; time in ms as the
    teaching sets scale it). Used by :mod:`neurosim.dynamics`."""

    a: float = _p("1", "any", "offset of the recovery nullcline")
    b: float = _p("1", "nonnegative", "slope factor of the recovery variable")
    tau: float = _p("ms", "positive", "time scale of the recovery variable")
    i_ext: float = _p("1", "any", "external drive")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


def _data_dir(installed: str, checkout: str, pattern: str, what: str) -> Path:
    """A data folder shipped with neurosim: ``neurosim/<installed>`` in a wheel, ``<checkout>``
    at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / installed, here.parents[1] / checkout):
        if candidate.is_dir() and any(candidate.glob(pattern)):
            return candidate
    raise FileNotFoundError(
        f"neurosim's {what} was not found: looked in {here / installed} (installed wheel) and "
        f"{here.parents[1] / checkout} (source checkout). Reinstall it from the checkout: "
        "pip install .")


@functools.cache
def catalog_dir() -> Path:
    """The folder holding the catalog's TOML files (wheel install or source checkout)."""
    return _data_dir("_catalog", "models", "*.toml", "model catalog")


def artefacts_dir() -> Path:
    """The folder of generated artefacts (trained weights and their reports), kept apart from
    the hand-written catalog."""
    return _data_dir("_artefacts", "artefacts", "*/*", "artefact folder")


# parsed TOML files by content: a simulation that names its model resolves it on every call,
# and parsing is most of a short run's fixed cost (reading the bytes is not)
_PARSED: dict[bytes, dict] = {}


def _read_toml(path: Path) -> dict:
    """The parsed file (shared: callers copy before they change anything); a file that is not
    UTF-8 TOML is named, with why."""
    raw = path.read_bytes()
    if raw not in _PARSED:
        data = read_toml(path, raw)
        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[raw] = data
    return _PARSED[raw]


def list_models() -> list[str]:
    """Names of the models in the catalog, for :func:`load_model`."""
    return sorted(p.stem for p in catalog_dir().glob("*.toml"))


def _resolve(name_or_path, func: str = "load_model") -> Path:
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise param_error(func, "name_or_path", "a catalog name (a str) or a path",
                          name_or_path, TypeError)
    text = os.fspath(name_or_path)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"The 'name_or_path' parameter of {func} names the file "
                                    f"{path}, which does not exist.")
        return path
    path = catalog_dir() / f"{text}.toml"
    if not path.is_file():
        raise param_error(func, "name_or_path", f"one of {', '.join(list_models())} or a path "
                          "to a .toml file", text)
    return path


def load_model(name_or_path, pattern=None):
    """Load a catalog model by name (see :func:`list_models`) or a TOML file by path.

    Arguments:
        name_or_path: a catalog name such as ``"hodgkin_huxley_1952"`` or a path to a TOML file
            in the same format (a lecturer's edited copy).
        pattern: for files with named parameter sets (``[patterns.NAME]`` tables, e.g. the
            Izhikevich firing patterns), which one; default the file's ``default_pattern``.

    Returns:
        A frozen parameter dataclass, e.g. :class:`~neurosim.HodgkinHuxleyParams`; values are in
        the units the file states (``params.units()``).

    Raises:
        neurosim.ParameterError: naming the file and the key, for unknown, missing, wrongly
            unit-ed, non-finite or non-physical entries (a ValueError; ParameterTypeError, a
            TypeError, for a value of the wrong type).
    """
    path = _resolve(name_or_path)
    data = _read_toml(path)
    src = str(path)
    for key in ("name", "model", "parameters"):
        if key not in data:
            raise file_error(src, f"is missing the top-level key '{key}'.")
    allowed = {"name", "model", "description", "citation", "parameters", "patterns",
               "default_pattern"}
    extra = set(data) - allowed
    if extra:
        raise file_error(src, f"has unknown top-level key(s) {sorted(extra)}; expected "
                          f"{', '.join(sorted(allowed))}.")
    table = dict(data["parameters"])
    patterns = data.get("patterns", {})
    if pattern is not None or patterns:
        chosen = pattern if pattern is not None else data.get("default_pattern")
        if chosen not in patterns:
            options = ", ".join(sorted(patterns)) or f"none ({src} has no patterns)"
            raise param_error("load_model", "pattern", f"one of {options}", chosen)
        table.update(patterns[chosen])
    kind = data["model"]
    if kind not in MODEL_KINDS:
        raise key_error(src, "model", f"one of {sorted(MODEL_KINDS)}", kind)
    cls = MODEL_KINDS[kind]
    fields = {f.name: f for f in cls.parameter_fields()}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise file_error(src, f"has unknown parameter key(s) {unknown} for a {kind} model; "
                          f"expected {sorted(fields)}.")
    missing = sorted(set(fields) - set(table))
    if missing:
        raise file_error(src, f"is missing the parameter key(s) {missing}.")
    values = {}
    for key, entry in table.items():
        unit = fields[key].metadata["unit"]
        if not isinstance(entry, dict) or "value" not in entry or "unit" not in entry:
            raise key_error(src, key, f"a table {{ value = ..., unit = \"{unit}\" }}", entry)
        if entry["unit"] != unit:
            raise key_error(src, key, f"given in {unit}", f"unit {entry['unit']!r}")
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
    path = _resolve(name_or_path, "list_patterns")
    return list(_read_toml(path).get("patterns", {}))


def load_rule(rule) -> PairSTDPParams | TripletSTDPParams:
    """A rule from a catalog name (``"stdp_pair_song_2000"``), a path, or a params object."""
    if isinstance(rule, (PairSTDPParams, TripletSTDPParams)):
        return rule
    if isinstance(rule, str):
        params = load_model(rule)
        if isinstance(params, (PairSTDPParams, TripletSTDPParams)):
            return params
    raise param_error("load_rule", "rule", "an STDP rule: PairSTDPParams, TripletSTDPParams or "
                      "a catalog name such as 'stdp_pair_song_2000'", rule, TypeError)
