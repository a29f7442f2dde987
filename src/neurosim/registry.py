"""The model registry: every neuron model described once.

An entry (:class:`ModelSpec`) holds everything the rest of neurosim needs to know about a model:
its catalog file and aliases, its parameter class, its state variables and their units, the unit
of its input, its Numba kernel, its Brian2 equations (threshold, reset, initial state, method),
its default time step and method, and how it is plotted. The simulators, ``fi_curve``,
``build_neuron_group``, the plots and the command line read the entry; none keeps its own list
of model names.

Adding a point model is its TOML file in ``models/``, its kernel in ``neurosim._kernels`` and
one entry here (its parameter class, a kernel adapter and a :func:`register` call whose
:class:`NetworkRule` hands the Numba network engine its step); the common tests
(``tests/test_common.py``) then run it through every room, both network engines included. The
quadratic integrate-and-fire neuron (``qif``) was added that way.

    >>> from neurosim import registry
    >>> registry.get("lif_lecture").name          # catalog names and aliases resolve
    'lif'
    >>> registry.get("hh").input_unit
    'uA/cm^2'
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import stimulus
from ._core.validation import as_choice, as_float, got, key_error, param_error
from ._kernels._limits import ADEX_W_BOUND, CONDUCTANCE_V_BOUND, POINT_V_BOUND
from ._single import cortical as _simulate_cortical
from ._single import hh as _simulate_hh
from ._single import point as _simulate_point
from .catalog import NeuronParams, _meta, _p, list_patterns, load_model


def _kernel(name: str):
    """A kernel module of ``neurosim._kernels``, imported on first use so that ``import
    neurosim`` does not load Numba."""
    return importlib.import_module(f"._kernels.{name}", __package__)


def _point():
    """The point-neuron kernels (imported on first use)."""
    return _kernel("_point")


__all__ = [
    "AdExParams",
    "Brian2Spec",
    "CorticalParams",
    "HodgkinHuxleyParams",
    "IzhikevichParams",
    "LIFParams",
    "ModelSpec",
    "NestSpec",
    "NetworkRule",
    "QIFParams",
    "get",
    "names",
    "network_models",
    "register",
    "specs",
]


@dataclass(frozen=True)
class Brian2Spec:
    """How ``neurosim.networks.build_neuron_group`` writes a model for Brian2.

    ``equations`` use the model's parameter names (the builder declares each as a per-neuron
    constant with its unit) and ``I``, the input (declared by the builder in the model's input
    unit). ``update``, if given, is code run once per time step instead of integrating
    ``equations`` (for a model whose published integration scheme is part of its definition).
    ``constants(p, temperature)`` adds derived per-neuron constants: name -> (values, unit).
    ``skip`` lists parameters the equations do not use.
    """

    equations: str
    threshold: str
    reset: str | None = None
    refractory: str | None = None
    method: str = "euler"
    dt: float = 0.1
    update: str | None = None
    constants: Callable | None = None
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkRule:
    """How the Numba network engine runs a model.

    ``spike`` says how it fires: ``"exact"`` is the engine's own exact LIF integration (LIF
    only); ``"reset"``: at its cut-off V resets and the second state variable ``u`` (in the
    kernel's units: its unit in ``state`` times ``u_scale``) jumps by the parameter ``jump``
    (the cut-off and reset are the model's ``spike_peak``/``marks``); ``"crossing"``: a spike
    where V rises above ``threshold`` (mV), no reset, the state variables after V are gates.
    ``step()`` returns the Numba step (imported on first use),
    ``step(lo, hi, dt, v, u, hg, mp, cur, gs, gev)``: neurons lo..hi-1 over one step with the
    input ``cur`` (the model's unit) and the synaptic conductance ``gs`` (and ``gs E_rev`` in
    ``gev``) frozen at the step's start, parameters by row of ``mp`` as ``rows(q)`` gives them
    from the per-neuron parameter dict ``q``, gates by row of ``hg``. ``conductance``: whether
    it takes conductance synapses.
    """

    spike: str
    step: Callable | None = None
    rows: Callable | None = None
    threshold: float = 0.0
    jump: str | None = None
    u_scale: float = 1.0
    conductance: bool = True


@dataclass(frozen=True)
class NestSpec:
    """How the NEST engine (``Network.run(engine="nest")``) runs a model.

    ``models``: synapse kind (``"delta"``, ``"exp_current"``, ``"exp_conductance"``) -> the NEST
    model of a population whose synapses are all of that kind, ``"none"`` that of one without
    synapses (default the ``"delta"`` model). ``params(p, kind)``: NEST's parameters (name -> a
    per-neuron array or a constant, in NEST's units) from neurosim's per-neuron parameter dict
    ``p`` (``i_ext`` included). ``state``: neurosim's state variable -> (NEST's name, the factor
    from neurosim's unit to NEST's). ``current``: the factor from the model's input unit to
    NEST's current (pA; Izhikevich's own mV/ms). ``weight``: synapse kind -> the factor from the
    weight's unit to NEST's (mV, pA, nS). ``delta_per_step``: NEST integrates a delta weight
    over the step as a drive (mV/ms) instead of jumping V by it (``izhikevich`` with the paper's
    numerics): the engine divides such weights by dt.
    """

    models: dict
    params: Callable
    state: dict
    current: float = 1000.0
    weight: dict = field(default_factory=lambda: {"delta": 1.0, "exp_current": 1000.0,
                                                  "exp_conductance": 1.0})
    delta_per_step: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """One neuron model. See the module docstring; fields:

    Attributes:
        name: the short name (``"lif"``); ``catalog``: its catalog file's name; ``aliases``.
        label: how figures and the command line name it.
        params_cls: its parameter dataclass.
        state: recorded variable -> unit, ``v`` first; ``derived``: variables computed from the
            recorded state afterwards (name -> unit), by ``derive(params_arrays, state)``.
        input_unit: the unit of its input (a current, a current density or, for Izhikevich,
            the model's own mV/ms); ``input_drive(p, I)``: the dV/dt (mV/ms) the input alone
            causes, per unit of input.
        methods: integration methods of the Numba engine, the default first; ``dt`` the default
            time step (ms), ``dt_max`` the largest accepted (by ``simulate`` and the network
            engines; for an HH-type model, exponential Euler's, the network's method: RK4 has
            a smaller limit of its own); ``speed``: measured neuron-steps
            per second per thread for each method (for the run-time estimate).
        run: the Numba driver, ``run(spec, stimulus, duration, func=..., **options)``;
            ``kernel``: the point-model kernel adapter (None for conductance models).
        initial_state: ``(p, n, v0, temperature) -> {variable: array}``, the resting state when
            ``v0`` is None, else V = v0 with the other variables at their steady state there.
        brian2: its :class:`Brian2Spec`.
        plot: ``"action_potential"`` (phases annotated) or ``"integrate_and_fire"`` (spikes
            drawn as strokes up to ``spike_peak``, a value in mV or a parameter name); ``marks``:
            the lines a membrane plot draws (``rest``, ``threshold``, ``reset``: parameter names,
            ``refractory``: a parameter name for the shaded period).
        temperature: whether its rates depend on temperature (Q10).
        v_bound: a run has blown up when V (mV), or the second state variable (in its unit in
            ``state``: ``u_bound``), is NaN or reaches this magnitude; ``simulate``'s kernels
            and the network engines hold the model to the same bounds.
        cli_current: the command line's default current for ``neurosim simulate``, and
            ``cli_duration`` its default duration.
        network: its :class:`NetworkRule` (None: the network engines do not take it).
        nest: its :class:`NestSpec` (None: NEST has no model of it).
    """

    name: str
    catalog: str
    label: str
    params_cls: type
    state: dict
    input_unit: str
    input_drive: Callable
    methods: tuple
    dt: float
    dt_max: float
    speed: dict
    run: Callable
    initial_state: Callable
    brian2: Brian2Spec
    plot: str
    cli_current: float
    cli_duration: float
    aliases: tuple = ()
    derived: dict = field(default_factory=dict)
    derive: Callable | None = None
    kernel: object = None
    marks: dict = field(default_factory=dict)
    spike_peak: float | str | None = None
    temperature: bool = False
    v_bound: float = POINT_V_BOUND
    u_bound: float = math.inf
    network: NetworkRule | None = None
    nest: NestSpec | None = None

    @property
    def bounds(self) -> dict:
        """State variable -> its blow-up bound, in its unit in ``state``: V always, the second
        variable where it has a bound of its own."""
        out = {"v": self.v_bound}
        if self.u_bound < math.inf:
            out[next(q for q in self.state if q != "v")] = self.u_bound
        return out

    def describe_bounds(self) -> str:
        """``'NaN or |V| >= 10000 mV or |u| >= 10000 mV/ms'``: what a blow-up is, for messages."""
        return "NaN or " + " or ".join(
            f"|{'V' if q == 'v' else q}| >= {b:g} {self.state[q]}" for q, b in self.bounds.items())

    @property
    def recordable(self) -> dict:
        """Every variable a run can record, with its unit."""
        return {**self.state, **self.derived}

    def names(self) -> tuple[str, ...]:
        """The short name, the catalog name and the aliases."""
        return (self.name, self.catalog, *self.aliases)

    def resolve_params(self, params, pattern, func: str):
        """The parameters to run: ``params`` if given (of this model's class), else the
        catalog's (``pattern`` picks a named set)."""
        if params is None:
            patterns = list_patterns(self.catalog)
            if pattern is None:
                return load_model(self.catalog)
            if not patterns:
                raise param_error(func, "pattern", f"None ({self.catalog} has no named "
                                  "parameter sets)", pattern)

            return load_model(self.catalog, pattern=as_choice(pattern, func, "pattern",
                                                              tuple(patterns)))
        if pattern is not None:
            raise param_error(func, "pattern", "None when params is given (the pattern names a "
                              "catalog parameter set; params replaces it)", pattern)
        if not isinstance(params, self.params_cls):
            raise param_error(func, "params", f"a {self.params_cls.__name__} (neurosim."
                              f"load_model({self.catalog!r}))", params, TypeError)
        return params

    def check_temperature(self, temperature, func: str) -> float | None:
        """``temperature`` (C) checked: None, or a float in [-20, 60] for a model whose rates
        depend on it."""
        if temperature is None:
            return None
        if not self.temperature:
            raise param_error(func, "temperature", f"None ({self.label} has no temperature "
                              "dependence)", temperature)

        return as_float(temperature, func, "temperature", low=-20.0, high=60.0, low_open=False)

    def peak(self, params) -> float:
        """The height (mV) to which a plot draws a spike."""
        if isinstance(self.spike_peak, str):
            return float(np.max(getattr(params, self.spike_peak)))
        return float(self.spike_peak) if self.spike_peak is not None else float("nan")


_REGISTRY: dict[str, ModelSpec] = {}
_LOOKUP: dict[str, str] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add a model to the registry (its names must be new)."""
    if not isinstance(spec, ModelSpec):
        raise param_error("register", "spec", "a ModelSpec", spec, TypeError)
    rule = spec.network
    if rule is not None and not (
            isinstance(rule, NetworkRule) and rule.spike in ("exact", "reset", "crossing")
            and (rule.spike == "exact" or (callable(rule.step) and callable(rule.rows)))):
        raise param_error("register", "spec", "a ModelSpec whose network is None or a "
                          "NetworkRule with spike 'exact', 'reset' or 'crossing' (the last two "
                          "with a step and its rows)", got(f"network={rule!r}"))
    for key in spec.names():
        if key in _LOOKUP:
            raise param_error("register", "spec", "a model whose names are new", got(
                f"the name {key!r}, registered already (for {_LOOKUP[key]!r})"))
    _REGISTRY[spec.name] = spec
    for key in spec.names():
        _LOOKUP[key] = spec.name
    stimulus.add_input_unit(spec.input_unit)
    return spec


def names() -> list[str]:
    """The short names of the registered models."""
    return list(_REGISTRY)


def specs() -> list[ModelSpec]:
    """Every registered model's entry."""
    return list(_REGISTRY.values())


def network_models() -> list[str]:
    """The models the network engines take, in the Numba engine's order: LIF, then the reset
    models, then the crossing models (each in the order they were registered)."""
    order = ("exact", "reset", "crossing")
    taken = [s for s in _REGISTRY.values() if s.network is not None]
    return [s.name for s in sorted(taken, key=lambda s: order.index(s.network.spike))]


def get(model, func: str = "get", name: str = "model") -> ModelSpec:
    """The entry for a model's short name, catalog name or alias (or the entry itself).
    ``func`` and ``name`` are the caller's, for the error."""
    for key, value in (("func", func), ("name", name)):
        if not isinstance(value, str):
            raise param_error("get", key, "a str (the caller's name, for the error)", value,
                              TypeError)
    if isinstance(model, ModelSpec):
        return model
    if isinstance(model, str) and model in _LOOKUP:
        return _REGISTRY[_LOOKUP[model]]
    options = ", ".join(f"{s.name!r} ({s.catalog!r})" for s in _REGISTRY.values())
    raise param_error(func, name, f"a registered model: one of {options}", model,
                      ValueError if isinstance(model, str) else TypeError)


# --------------------------------------------------------------------------------------------
# Hodgkin-Huxley


@dataclass(frozen=True, eq=False)
class HodgkinHuxleyParams(NeuronParams, kind="hodgkin_huxley"):
    """Hodgkin-Huxley membrane: capacitance, three conductances, reversal potentials, rates.

    ``v_offset`` shifts the 1952 rate functions (whose V = 0 was rest) onto the modern scale;
    rates are multiplied by ``q10 ** ((T - temperature_ref) / 10)`` at temperature T. Any
    parameter may be a 1-D array, one value per neuron.
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


def _hh_currents(p, state):
    out = {}
    if "m" in state and "h" in state:
        out["i_na"] = p["g_na"] * state["m"] ** 3 * state["h"] * (state["v"] - p["e_na"])
    if "n" in state:
        out["i_k"] = p["g_k"] * state["n"] ** 4 * (state["v"] - p["e_k"])
    out["i_l"] = p["g_l"] * (state["v"] - p["e_l"])
    return out


_HH_RATES = """
x_m = (25*mV - (v - v_offset))/(10*mV) : 1
x_n = (10*mV - (v - v_offset))/(10*mV) : 1
alpha_m = {inv_m}/ms : Hz
beta_m = 4*exp(-(v - v_offset)/(18*mV))/ms : Hz
alpha_h = 0.07*exp(-(v - v_offset)/(20*mV))/ms : Hz
beta_h = 1/(exp((30*mV - (v - v_offset))/(10*mV)) + 1)/ms : Hz
alpha_n = 0.1*{inv_n}/ms : Hz
beta_n = 0.125*exp(-(v - v_offset)/(80*mV))/ms : Hz
"""
# x / (exp(x) - 1) without exprel: Brian2's numpy target formats the whole argument array into
# an error message on every exprel call, which makes groups of <= 1,000 neurons ~100x slower.
# The series branch covers |x| < 1e-6; the "+ int(...)" keeps the unused branch from 0/0.
_INV_EXPREL = ("(int(abs({x}) < 1e-6)*(1 - {x}/2) + int(abs({x}) >= 1e-6)*{x}"
               "/(exp({x}) - 1 + int(abs({x}) < 1e-6)))")

def _hh_nest(p, kind):
    # hh_psc_alpha's rate functions are the 1952 ones with rest at -65 mV and no temperature
    # factor: other parameters of ours would be another neuron there
    if np.any(np.abs(p["v_offset"] + 65.0) > 1e-9):
        raise param_error("Network.run", "params.v_offset", "-65 mV on the nest engine (NEST's "
                          "hh_psc_alpha has the rate functions of rest at -65 mV)",
                          float(np.max(p["v_offset"])))
    phi = _simulate_hh.phi_factor(p, None)
    if np.any(np.abs(np.asarray(phi) - 1.0) > 1e-12):
        raise param_error("Network.run", "params.temperature_ref", "the model's temperature "
                          "on the nest engine (NEST's hh_psc_alpha has no Q10 factor)",
                          float(np.max(p["temperature_ref"])))
    area = 100.0  # 1e-4 cm^2: uF/cm^2 -> pF, mS/cm^2 -> nS, uA/cm^2 -> pA
    return {"C_m": area * p["c_m"], "g_Na": area * p["g_na"], "g_K": area * p["g_k"],
            "g_L": area * p["g_l"], "E_Na": p["e_na"], "E_K": p["e_k"], "E_L": p["e_l"],
            "I_e": area * p["i_ext"]}


register(ModelSpec(
    name="hodgkin_huxley", catalog="hodgkin_huxley_1952", aliases=("hh",),
    label="Hodgkin–Huxley", params_cls=HodgkinHuxleyParams,
    state={"v": "mV", "m": "1", "h": "1", "n": "1"},
    derived={"i_na": "uA/cm^2", "i_k": "uA/cm^2", "i_l": "uA/cm^2"}, derive=_hh_currents,
    input_unit="uA/cm^2", input_drive=lambda p, i: i / p["c_m"],
    methods=("rk4", "exp_euler"), dt=0.025, dt_max=0.1,
    speed={"rk4": 1.3e7, "exp_euler": 3.3e7},
    run=_simulate_hh.run_hh, initial_state=_simulate_hh.initial_state,
    brian2=Brian2Spec(
        equations="""
dv/dt = (I - g_na*m**3*h*(v - e_na) - g_k*n**4*(v - e_k) - g_l*(v - e_l)) / c_m : volt
dm/dt = phi*(alpha_m*(1 - m) - beta_m*m) : 1
dh/dt = phi*(alpha_h*(1 - h) - beta_h*h) : 1
dn/dt = phi*(alpha_n*(1 - n) - beta_n*n) : 1
""" + _HH_RATES.format(inv_m=_INV_EXPREL.format(x="x_m"), inv_n=_INV_EXPREL.format(x="x_n")),
        threshold="v > 0*mV", refractory="v > 0*mV", method="exponential_euler", dt=0.01,
        constants=lambda p, temperature: {"phi": (_simulate_hh.phi_factor(p, temperature),
                                                  "1")},
        skip=("temperature_ref", "q10")),
    plot="action_potential", temperature=True, cli_current=10.0, cli_duration=50.0,
    v_bound=CONDUCTANCE_V_BOUND,
    network=NetworkRule(
        spike="crossing", step=lambda: _kernel("_hh").network_step,
        rows=lambda q: [q[k] for k in _simulate_hh._PARAM_ROWS]
        + [_simulate_hh.phi_factor(q, None)]),
    # NEST's hh_psc_alpha: the same kinetics on a membrane of 1e-4 cm^2 (100 pF), driven by
    # currents; its synapses are alpha-shaped currents, a kind neurosim's networks do not have
    nest=NestSpec(models={"none": "hh_psc_alpha"}, params=_hh_nest, current=100.0,
                  state={"v": ("V_m", 1.0), "m": ("Act_m", 1.0), "h": ("Inact_h", 1.0),
                         "n": ("Act_n", 1.0)})))


# --------------------------------------------------------------------------------------------
# The regular-spiking cortical neuron of Pospischil et al. (2008)


@dataclass(frozen=True, eq=False)
class CorticalParams(NeuronParams, kind="cortical_rs"):
    """A Pospischil et al. (2008) cortical neuron: Traub & Miles's Na+ and delayed-rectifier K+
    kinetics shifted by ``v_t``, a slow non-inactivating K+ (M) current with time constant up
    to ``tau_max``, and a leak. Any parameter may be a 1-D array, one value per neuron."""

    c_m: float = _p("uF/cm^2", "positive", "membrane capacitance")
    g_na: float = _p("mS/cm^2", "nonnegative", "maximal sodium conductance")
    g_kd: float = _p("mS/cm^2", "nonnegative", "maximal delayed-rectifier K+ conductance")
    g_m: float = _p("mS/cm^2", "nonnegative", "maximal slow (M) K+ conductance")
    g_l: float = _p("mS/cm^2", "nonnegative", "leak conductance")
    e_na: float = _p("mV", "any", "sodium reversal potential")
    e_k: float = _p("mV", "any", "potassium reversal potential")
    e_l: float = _p("mV", "any", "leak reversal potential")
    v_t: float = _p("mV", "any", "shift of the Na+ and K+ rate functions")
    tau_max: float = _p("ms", "positive", "largest time constant of the M current")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()


register(ModelSpec(
    name="cortical_rs", catalog="pospischil_rs_2008", aliases=("pospischil_rs",),
    label="Cortical RS (Pospischil)", params_cls=CorticalParams,
    state={"v": "mV", "m": "1", "h": "1", "n": "1", "q": "1"},
    derived={"i_na": "uA/cm^2", "i_kd": "uA/cm^2", "i_m": "uA/cm^2", "i_l": "uA/cm^2"},
    derive=_simulate_cortical.cortical_currents,
    input_unit="uA/cm^2", input_drive=lambda p, i: i / p["c_m"],
    methods=("rk4", "exp_euler"), dt=0.025, dt_max=0.1,
    speed={"rk4": 1.0e7, "exp_euler": 2.5e7},
    run=_simulate_cortical.run_cortical, initial_state=_simulate_cortical.initial_state,
    brian2=Brian2Spec(
        equations="""
dv/dt = (I - g_na*m**3*h*(v - e_na) - (g_kd*n**4 + g_m*q)*(v - e_k) - g_l*(v - e_l)) / c_m : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dq/dt = (q_inf - q)/tau_q : 1
z_am = -(v - v_t - 13*mV)/(4*mV) : 1
z_bm = (v - v_t - 40*mV)/(5*mV) : 1
z_an = -(v - v_t - 15*mV)/(5*mV) : 1
alpha_m = 1.28*{inv_am}/ms : Hz
beta_m = 1.4*{inv_bm}/ms : Hz
alpha_h = 0.128*exp(-(v - v_t - 17*mV)/(18*mV))/ms : Hz
beta_h = 4/(1 + exp(-z_bm))/ms : Hz
alpha_n = 0.16*{inv_an}/ms : Hz
beta_n = 0.5*exp(-(v - v_t - 10*mV)/(40*mV))/ms : Hz
q_inf = 1/(1 + exp(-(v + 35*mV)/(10*mV))) : 1
tau_q = tau_max/(3.3*exp((v + 35*mV)/(20*mV)) + exp(-(v + 35*mV)/(20*mV))) : second
""".format(**{f"inv_{k}": _INV_EXPREL.format(x=f"z_{k}") for k in ("am", "bm", "an")}),
        threshold="v > 0*mV", refractory="v > 0*mV", method="exponential_euler", dt=0.01),
    plot="action_potential", cli_current=3.0, cli_duration=200.0,
    v_bound=CONDUCTANCE_V_BOUND,
    network=NetworkRule(
        spike="crossing", step=lambda: _kernel("_cortical").network_step,
        rows=lambda q: [q[k] for k in _simulate_cortical.PARAM_ROWS])))


# --------------------------------------------------------------------------------------------
# Leaky integrate-and-fire


@dataclass(frozen=True, eq=False)
class LIFParams(NeuronParams, kind="lif"):
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
            raise key_error(self.name or "LIFParams", "v_reset", f"below v_th = {self.v_th!r}",
                            self.v_reset)


ADEX_MIN_DELTA_T = 0.01  # mV: the sharpest spike initiation the AdEx kernels resolve


class _LIFKernel:
    """Exact LIF: state (V, refractory time left); spikes and releases timed inside the step."""

    chunk = property(lambda self: _point().LIF_CHUNK)

    @staticmethod
    def state(init):
        return [init["v"].copy(), np.zeros_like(init["v"])]

    @staticmethod
    def run(pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err_step = bufs
        pool.run(_point().run_lif, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["v_rest"], p["r_m"], p["v_th"], p["v_reset"], p["tau_m"], p["t_ref"],
                 max_events, rec_every, recs["v"], spk_idx, spk_t, spk_n, err_step)

    @staticmethod
    def max_events(p, matrix, dt) -> int:
        """An upper bound on the spikes one neuron can fire within one step."""
        vinf = p["v_rest"] + p["r_m"] * float(matrix.max())
        above = vinf > p["v_th"]
        if not above.any():
            return 1
        t_fire = p["tau_m"][above] * np.log((vinf[above] - p["v_reset"][above])
                                            / (vinf[above] - p["v_th"][above]))
        cycle = float(np.min(p["t_ref"][above] + t_fire))
        return math.floor(dt / cycle) + 1 if cycle > 0 else 1


def _lif_nest(p, kind):
    # NEST's membrane is C_m (pF) = tau_m / r_m; a conductance neuron's leak is g_L = C_m / tau_m
    c_m = 1000.0 * p["tau_m"] / p["r_m"]
    leak = {"g_L": c_m / p["tau_m"]} if kind == "exp_conductance" else {"tau_m": p["tau_m"]}
    return {"E_L": p["v_rest"], "V_th": p["v_th"], "V_reset": p["v_reset"], "C_m": c_m,
            "t_ref": p["t_ref"], "I_e": 1000.0 * p["i_ext"], **leak}


def _lif_initial(p, n, v0, temperature):
    return {"v": np.array(p["v_rest"] if v0 is None else np.broadcast_to(v0, (n,)), float)}


register(ModelSpec(
    name="lif", catalog="lif_lecture", aliases=("leaky_integrate_and_fire",),
    label="Leaky integrate-and-fire", params_cls=LIFParams, state={"v": "mV"},
    input_unit="nA", input_drive=lambda p, i: p["r_m"] * i / p["tau_m"],
    methods=("exact",), dt=0.1, dt_max=10.0, speed={"exact": 5e8},
    run=_simulate_point.run_point, kernel=_LIFKernel(), initial_state=_lif_initial,
    brian2=Brian2Spec(
        equations="dv/dt = (v_rest - v + r_m*I)/tau_m : volt (unless refractory)",
        threshold="v >= v_th", reset="v = v_reset", refractory="t_ref", method="exact",
        dt=0.1),
    plot="integrate_and_fire", spike_peak=20.0,
    marks={"rest": "v_rest", "threshold": "v_th", "reset": "v_reset", "refractory": "t_ref"},
    cli_current=2.0, cli_duration=100.0, network=NetworkRule(spike="exact"),
    nest=NestSpec(models={"delta": "iaf_psc_delta", "exp_current": "iaf_psc_exp",
                          "exp_conductance": "iaf_cond_exp"},
                  params=_lif_nest, state={"v": ("V_m", 1.0)})))


# --------------------------------------------------------------------------------------------
# Izhikevich (2003)


@dataclass(frozen=True, eq=False)
class IzhikevichParams(NeuronParams, kind="izhikevich"):
    """Izhikevich (2003): dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u); at
    v >= v_peak: v <- c, u <- u + d. v in mV, t in ms, u and I in the model's units (mV/ms)."""

    a: float = _p("1/ms", "positive", "recovery rate")
    b: float = _p("1/ms", "any", "recovery sensitivity to v")
    c: float = _p("mV", "any", "reset of v")
    d: float = _p("mV/ms", "any", "jump of u at a spike")
    v_peak: float = _p("mV", "any", "spike cut-off")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()

    def __post_init__(self):
        super().__post_init__()
        # a reset at or above the cut-off fires again at once, every step (c = 40 fired at
        # 1360 Hz with v at -174 mV); LIF and AdEx refuse the same
        if np.any(np.asarray(self.c) >= np.asarray(self.v_peak)):
            raise key_error(self.name or "IzhikevichParams", "c",
                            f"below v_peak = {self.v_peak!r}", self.c)


class _IzhikevichKernel:
    chunk = property(lambda self: _point().IZHIKEVICH_CHUNK)

    @staticmethod
    def state(init):
        return [init["v"].copy(), init["u"].copy()]

    @staticmethod
    def run(pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err = bufs
        pool.run(_point().run_izhikevich, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["a"], p["b"], p["c"], p["d"], p["v_peak"], rec_every, recs["v"], recs["u"],
                 spk_idx, spk_t, spk_n, err)

    max_events = None


def izhikevich_rest(a, b):
    """The resting state (v, u) at zero input: the lower root of 0.04 v^2 + (5 - b) v + 140 = 0
    with u = b v (the stable fixed point); NaN where the model has none (it fires at rest)."""
    disc = (5.0 - b) ** 2 - 4.0 * 0.04 * 140.0
    with np.errstate(invalid="ignore"):
        v = (-(5.0 - b) - np.sqrt(disc)) / (2.0 * 0.04)
    return v, b * v


def _izh_initial(p, n, v0, temperature):
    if v0 is None:
        v, _ = izhikevich_rest(p["a"], p["b"])
        v = np.where(np.isfinite(v), v, p["c"])  # no resting state: start from the reset
    else:
        v = np.array(np.broadcast_to(v0, (n,)), float)
    return {"v": v, "u": p["b"] * v}


register(ModelSpec(
    name="izhikevich", catalog="izhikevich_2003", label="Izhikevich",
    params_cls=IzhikevichParams, state={"v": "mV", "u": "mV/ms"},
    input_unit="mV/ms", input_drive=lambda p, i: i,
    methods=("euler",), dt=0.1, dt_max=1.0, speed={"euler": 2e8},
    run=_simulate_point.run_point, kernel=_IzhikevichKernel(), initial_state=_izh_initial,
    brian2=Brian2Spec(
        equations="v : volt\nu : volt/second",
        # the paper's scheme, as the Numba kernel: v in two half steps, then u with the new v
        update=("v = v + 0.5*dt*((0.04/mV/ms)*v**2 + (5/ms)*v + 140*mV/ms - u + I)\n"
                "v = v + 0.5*dt*((0.04/mV/ms)*v**2 + (5/ms)*v + 140*mV/ms - u + I)\n"
                "u = u + dt*a*(b*v - u)"),
        threshold="v >= v_peak", reset="v = c; u += d", dt=0.1),
    plot="integrate_and_fire", spike_peak="v_peak", marks={"reset": "c"},
    cli_current=10.0, cli_duration=200.0, u_bound=POINT_V_BOUND,
    network=NetworkRule(
        spike="reset", step=lambda: _point().izhikevich_network_step,
        rows=lambda q: [q["a"], q["b"]], jump="d", conductance=False),
    # NEST's izhikevich with the paper's scheme (consistent_integration off), its input in the
    # model's own mV/ms
    nest=NestSpec(models={"delta": "izhikevich"}, current=1.0, delta_per_step=True,
                  params=lambda p, kind: {
                      "a": p["a"], "b": p["b"], "c": p["c"], "d": p["d"], "V_th": p["v_peak"],
                      "I_e": p["i_ext"], "consistent_integration": False},
                  state={"v": ("V_m", 1.0), "u": ("U_m", 1.0)})))


# --------------------------------------------------------------------------------------------
# Adaptive exponential integrate-and-fire


@dataclass(frozen=True, eq=False)
class AdExParams(NeuronParams, kind="adex"):
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

    def __post_init__(self):
        super().__post_init__()
        if np.any(np.asarray(self.v_reset) >= np.asarray(self.v_peak)):
            raise key_error(self.name or "AdExParams", "v_reset",
                            f"below v_peak = {self.v_peak!r}", self.v_reset)
        # the upswing exp((V - V_T) / Delta_T) is capped at e^50 in the kernels, so a slope
        # factor below this never reaches v_peak (Delta_T = 1e-300 sat above threshold
        # forever): the sharp-threshold limit is the LIF model
        if np.any(np.asarray(self.delta_t) < ADEX_MIN_DELTA_T):
            raise key_error(self.name or "AdExParams", "delta_t",
                            f"at least {ADEX_MIN_DELTA_T:g} mV (for a sharp threshold use the "
                            "LIF model)", self.delta_t)


class _AdExKernel:
    """RK4; currents in pA inside the kernel (w recorded in nA)."""

    chunk = property(lambda self: _point().ADEX_CHUNK)

    @staticmethod
    def state(init):
        return [init["v"].copy(), 1000.0 * init["w"]]

    @staticmethod
    def run(pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err = bufs
        pool.run(_point().run_adex, state[0], state[1], matrix, step_end, chunk_step, dt,
                 p["c_m"], p["g_l"], p["e_l"], p["v_t"], p["delta_t"], p["tau_w"], p["a"],
                 p["b"], p["v_reset"], p["v_peak"], rec_every, recs["v"], recs["w"], spk_idx,
                 spk_t, spk_n, err)

    @staticmethod
    def max_events(p, matrix, dt) -> int:
        return _point().ADEX_MAX_EVENTS


def adex_rest(p):
    """The resting V (mV) at zero input with w at its steady state a (V - E_L): the root below
    V_T of -(g_L + a)(V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T), by Newton from E_L."""
    v = np.array(p["e_l"], dtype=float)
    for _ in range(60):
        e = np.exp(np.minimum((v - p["v_t"]) / p["delta_t"], 50.0))
        f = -(p["g_l"] + p["a"]) * (v - p["e_l"]) + p["g_l"] * p["delta_t"] * e
        df = -(p["g_l"] + p["a"]) + p["g_l"] * e
        step = np.where(df < 0, f / np.where(df < 0, df, -1.0), 0.0)
        v = v - step
        if np.all(np.abs(step) < 1e-12):
            break
    return np.where((v < p["v_t"]) & np.isfinite(v), v, p["e_l"])


def _adex_initial(p, n, v0, temperature):
    v = adex_rest(p) if v0 is None else np.array(np.broadcast_to(v0, (n,)), float)
    return {"v": v, "w": p["a"] * (v - p["e_l"]) / 1000.0}  # nS x mV = pA -> nA


register(ModelSpec(
    name="adex", catalog="adex_brette_gerstner_2005", aliases=("aeif",),
    label="AdEx", params_cls=AdExParams, state={"v": "mV", "w": "nA"},
    input_unit="nA", input_drive=lambda p, i: 1000.0 * i / p["c_m"],
    methods=("rk4",), dt=0.01, dt_max=0.1, speed={"rk4": 1.3e7},
    run=_simulate_point.run_point, kernel=_AdExKernel(), initial_state=_adex_initial,
    brian2=Brian2Spec(
        equations="""
dv/dt = (-g_l*(v - e_l) + g_l*delta_t*exp(clip((v - v_t)/delta_t, -inf, 50)) - w + I)/c_m : volt
dw/dt = (a*(v - e_l) - w)/tau_w : amp
""",
        # forward Euler, as in Brian2's own AdEx examples: RK4's inner stages run into the
        # exponential's divergence within the spiking step and drag w to absurd values
        threshold="v >= v_peak", reset="v = v_reset; w += b", method="euler", dt=0.01),
    plot="integrate_and_fire", spike_peak="v_peak",
    marks={"rest": "e_l", "threshold": "v_t", "reset": "v_reset"},
    cli_current=0.8, cli_duration=300.0, u_bound=ADEX_W_BOUND / 1000.0,  # pA -> nA
    network=NetworkRule(
        spike="reset", step=lambda: _point().adex_network_step,
        rows=lambda q: [q[k] for k in ("c_m", "g_l", "e_l", "v_t", "delta_t", "tau_w", "a")],
        jump="b", u_scale=1000.0),
    # NEST integrates its AdEx models with an adaptive Runge-Kutta-Fehlberg step
    nest=NestSpec(models={"delta": "aeif_psc_delta", "exp_current": "aeif_psc_exp",
                          "exp_conductance": "aeif_cond_exp"},
                  params=lambda p, kind: {
                      "C_m": p["c_m"], "g_L": p["g_l"], "E_L": p["e_l"], "V_th": p["v_t"],
                      "Delta_T": p["delta_t"], "tau_w": p["tau_w"], "a": p["a"],
                      "b": 1000.0 * p["b"], "V_reset": p["v_reset"], "V_peak": p["v_peak"],
                      "t_ref": 0.0, "I_e": 1000.0 * p["i_ext"]},
                  state={"v": ("V_m", 1.0), "w": ("w", 1000.0)})))


# --------------------------------------------------------------------------------------------
# Quadratic integrate-and-fire


@dataclass(frozen=True, eq=False)
class QIFParams(NeuronParams, kind="qif"):
    """Quadratic integrate-and-fire (Latham et al. 2000): tau_m dV/dt = (V - v_rest)(V - v_c)
    / delta_v + r_m I; at V >= v_peak: V <- v_reset. Rheobase: r_m I = (v_c - v_rest)^2 /
    (4 delta_v); above it the rate is exact (``neurosim._kernels._qif``)."""

    v_rest: float = _p("mV", "any", "resting potential")
    v_c: float = _p("mV", "any", "critical potential")
    delta_v: float = _p("mV", "positive", "voltage scale of the quadratic term")
    tau_m: float = _p("ms", "positive", "membrane time constant")
    r_m: float = _p("MOhm", "positive", "membrane resistance")
    v_peak: float = _p("mV", "any", "spike cut-off")
    v_reset: float = _p("mV", "any", "reset potential")
    name: str = _meta()
    description: str = _meta()
    citation: str = _meta()

    def __post_init__(self):
        super().__post_init__()
        for key, low in (("v_c", "v_rest"), ("v_peak", "v_c"), ("v_peak", "v_reset")):
            if np.any(np.asarray(getattr(self, key)) <= np.asarray(getattr(self, low))):
                raise key_error(self.name or "QIFParams", key,
                                f"above {low} = {getattr(self, low)!r}", getattr(self, key))


_QIF_ROWS = ("v_rest", "v_c", "delta_v", "tau_m", "r_m", "v_peak")


class _QIFKernel:
    """Exact QIF: spikes timed inside the step (``neurosim._kernels._qif``)."""

    chunk = property(lambda self: _kernel("_qif").CHUNK)

    @staticmethod
    def state(init):
        return [init["v"].copy()]

    @staticmethod
    def run(pool, state, matrix, step_end, chunk_step, dt, p, rec_every, recs, bufs,
            max_events):
        spk_idx, spk_t, spk_n, err = bufs
        pool.run(_kernel("_qif").run_qif, state[0], matrix, step_end, chunk_step, dt,
                 *(p[k] for k in _QIF_ROWS), p["v_reset"], max_events, rec_every, recs["v"],
                 spk_idx, spk_t, spk_n, err)

    @staticmethod
    def max_events(p, matrix, dt) -> int:
        return _kernel("_qif").max_events(*(p[k] for k in _QIF_ROWS), p["v_reset"],
                                          float(matrix.max()), dt)


register(ModelSpec(
    name="qif", catalog="qif_latham_2000", aliases=("quadratic_integrate_and_fire", "theta"),
    label="Quadratic integrate-and-fire", params_cls=QIFParams, state={"v": "mV"},
    input_unit="nA", input_drive=lambda p, i: p["r_m"] * i / p["tau_m"],
    methods=("exact",), dt=0.1, dt_max=1.0, speed={"exact": 3.5e7},
    run=_simulate_point.run_point, kernel=_QIFKernel(), initial_state=_lif_initial,
    brian2=Brian2Spec(
        equations="dv/dt = ((v - v_rest)*(v - v_c)/delta_v + r_m*I)/tau_m : volt",
        threshold="v >= v_peak", reset="v = v_reset", method="euler", dt=0.01),
    plot="integrate_and_fire", spike_peak="v_peak",
    marks={"rest": "v_rest", "threshold": "v_c", "reset": "v_reset"},
    cli_current=1.0, cli_duration=200.0,
    network=NetworkRule(spike="reset", step=lambda: _kernel("_qif").network_step,
                        rows=lambda q: [q[k] for k in _QIF_ROWS])))
