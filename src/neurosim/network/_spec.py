"""The network spec: populations, projections, inputs, monitors; its TOML, its checks and the
table of engines that run it (see :mod:`neurosim.network`)."""

from __future__ import annotations

import ast
import dataclasses
import operator
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import registry
from .._core import resources as _resources
from .._core.validation import (
    UNITS,
    InvalidInput,
    ParameterError,
    as_bool,
    as_choice,
    as_float,
    as_seed,
    check_v0,
    got,
    key_error,
    param_error,
    read_toml,
)
from ..catalog import catalog_dir, list_models, load_model, load_rule
from ..stimulus import Stimulus

# the engines that run a spec: name -> run(net, connectivity, steps, seed, target, n_threads,
# progress) -> NetworkResult. Each registers itself: the Numba engine when
# neurosim.network._numba is imported, Brian2's through the package (on first use: brian2 is
# heavy); both are wired in by ``import neurosim``.
ENGINES: dict = {}


def register_engine(name: str, run) -> None:
    """Let ``Network.run(engine=name)`` run a spec with ``run`` (see ``ENGINES``)."""
    ENGINES[name] = run


# the code-generation targets of Brian2 that engine="brian2" runs on
BRIAN2_TARGETS = ("numpy", "cython", "cpp_standalone")
# how a projection draws its connections
CONNECTIONS = ("fixed_probability", "fixed_indegree", "one_to_one", "all_to_all", "explicit")
# synapse kinds: the unit of a weight, and the post models that take them
SYNAPSES = {"delta": "mV", "exp_current": "nA", "exp_conductance": "nS"}
MAX_POISSON_PER_STEP = 1e4  # mean Poisson input spikes a neuron may get from one input a step
DISTRIBUTIONS = {"uniform": ("low", "high"), "normal": ("mean", "std"),
                 "lognormal": ("mean", "sigma")}


@dataclass(frozen=True)
class Dist:
    """A per-neuron or per-synapse distribution: ``Dist("uniform", low=..., high=...)``,
    ``Dist("normal", mean=..., std=...)`` or ``Dist("lognormal", mean=..., sigma=...)`` (the
    mean and sigma of the logarithm). Drawn from the network's seed."""

    kind: str
    low: float = 0.0
    high: float = 0.0
    mean: float = 0.0
    std: float = 0.0
    sigma: float = 0.0

    def __post_init__(self):
        # checked where it is made, so that no distribution is drawn from that cannot be
        # (an unknown kind was drawn as lognormal, a negative spread as its mirror image)
        if self.kind not in DISTRIBUTIONS:
            raise param_error("Dist", "kind", f"one of {', '.join(DISTRIBUTIONS)}", self.kind)
        for name in ("low", "high", "mean", "std", "sigma"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating,
                                                                  np.integer)):
                raise param_error("Dist", name, "a finite number", value, TypeError)
            if not np.isfinite(value):
                raise param_error("Dist", name, "a finite number", value)
            object.__setattr__(self, name, float(value))
        if self.std < 0 or self.sigma < 0:
            name = "std" if self.std < 0 else "sigma"
            raise param_error("Dist", name, "a spread >= 0", getattr(self, name))
        if self.kind == "uniform" and self.high < self.low:
            raise param_error("Dist", "high", f"at least low = {self.low:g}", self.high)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high, n)
        if self.kind == "normal":
            return rng.normal(self.mean, self.std, n)
        return rng.lognormal(self.mean, self.sigma, n)

    @classmethod
    def from_table(cls, table: dict, src: str, key: str) -> Dist:
        kind = table.get("dist")
        if kind not in DISTRIBUTIONS:
            raise key_error(src, f"{key}.dist", f"one of {', '.join(DISTRIBUTIONS)}", kind)
        wanted = set(DISTRIBUTIONS[kind])
        given = set(table) - {"dist", "unit"}
        if given != wanted:
            raise key_error(src, key, f"a {kind} distribution with keys "
                            f"{', '.join(sorted(wanted))}", table)
        try:  # (the checks are the constructor's)
            return cls(kind, **{name: table[name] for name in wanted})
        except InvalidInput as exc:
            raise key_error(src, f"{key}.{exc.name}", exc.expected, table[exc.name]) from None


def _values(value, rng: np.random.Generator, n: int, view: bool = False) -> np.ndarray:
    """A constant, an array of n values, or a :class:`Dist` as n float64 values (with
    ``view``, a constant as a read-only broadcast view)."""
    if isinstance(value, Dist):
        return value.sample(rng, n)
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))
    return arr if view and arr.strides[0] == 0 else np.ascontiguousarray(arr)


@dataclass(frozen=True)
class Population:
    """``size`` neurons of one registered model (``neurosim.registry.network_models()``:
    ``"lif"``, ``"izhikevich"``, ``"adex"``, ``"qif"``, ``"hh"``, ``"cortical_rs"``, or a
    catalog name or alias of one). LIF neurons are integrated exactly (spikes timed inside the
    step where the drive allows); the others by their registry entry's network step:
    Izhikevich by the paper's scheme, AdEx by forward Euler, QIF exactly within the step,
    Hodgkin-Huxley and cortical neurons by exponential Euler (Brian2's schemes for them),
    spiking at the end of a step (HH and cortical: where V rises above 0 mV; they are not
    reset). The network's dt may not exceed a model's ``dt_max`` in the registry (0.1 ms for
    AdEx, HH and cortical; 1 ms for Izhikevich and QIF), and a neuron that leaves its model's
    bounds stops the run with a SimulationError, as in ``simulate``. Accuracy asks for less:
    about 0.01 ms for HH-type spike times to a fraction of a millisecond.

    ``params``: the model's catalog parameters by name (None: the model's catalog file), with
    ``overrides``: name -> a constant or a :class:`Dist`; ``v0``: the initial membrane
    potential (mV), a constant or a :class:`Dist` (None: the model's rest); ``init``: initial
    values of synaptic variables by port name (see :class:`Projection`), e.g. the starting
    conductances ``{"ge": Dist("normal", mean=40, std=15)}`` (nS; default 0)."""

    name: str
    model: str
    size: int
    params: object = None
    overrides: dict = field(default_factory=dict)
    v0: object = None
    init: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SpikeSource:
    """A population of spike generators given by their spike times (ms): ``times[k]`` is source
    k's spike train. Projections from it work as from neurons."""

    name: str
    times: tuple

    @property
    def size(self) -> int:
        return len(self.times)


@dataclass(frozen=True)
class PoissonSource:
    """``size`` independent Poisson spike generators at ``rate`` (Hz), like Brian2's
    ``PoissonGroup``: each fires in a step with probability rate * dt (at most once a step).
    Projections from it work as from neurons, plastic ones included; its spikes are recorded
    like a population's."""

    name: str
    size: int
    rate: float


SOURCES = (SpikeSource, PoissonSource)


@dataclass(frozen=True)
class Projection:
    """Synapses from population ``pre`` onto ``post``.

    ``connect``: ``"fixed_probability"`` (each pair with probability ``p``),
    ``"fixed_indegree"`` (each post neuron draws exactly ``indegree`` distinct pre neurons:
    Brunel's C), ``"one_to_one"``, ``"all_to_all"`` or ``"explicit"`` (``pre_idx``, ``post_idx``
    arrays). ``autapses``: whether a neuron may connect to itself (pre == post only).
    ``weight`` and ``delay`` (ms, a multiple of dt, at least one dt): constants or :class:`Dist`.
    ``synapse``: ``"delta"`` (the weight is a jump of V in mV), ``"exp_current"`` (a jump of a
    current in nA decaying with ``tau_syn``) or ``"exp_conductance"`` (a jump of a conductance
    in nS decaying with ``tau_syn``, driving towards ``e_rev`` in mV).
    ``port``: the name of the synaptic variable the synapses add to on the post neuron (like
    Brian2's ``ge``); projections and inputs naming one port share it and must agree on its
    kind, ``tau_syn`` and ``e_rev``. Default: one port per (kind, tau_syn, e_rev).
    ``plasticity``: an STDP rule (a catalog name such as ``"stdp_pair_song_2000"`` or
    ``"stdp_triplet_pfister_2006"``, or the rule's parameters) that changes the weights
    during the run; they
    stay in [0, ``w_max``] (in the synapse's unit; default the rule's w_max), the rule's
    a_plus and a_minus being fractions of w_max. A plastic projection needs one delay for all
    its synapses. A spike changes the weights when it reaches the synapse (after the delay);
    a postsynaptic spike acts on them one step after it, with the arrivals of that step
    counted as before it (Brian2's order; both engines do the same)."""

    pre: str
    post: str
    weight: object
    delay: object = 1.5
    connect: str = "fixed_probability"
    p: float = 0.1
    indegree: int = 0
    pre_idx: object = None
    post_idx: object = None
    autapses: bool = False
    synapse: str = "delta"
    tau_syn: float = 5.0
    e_rev: float = 0.0
    name: str = ""
    port: str = ""
    plasticity: object = ""
    w_max: object = None

    @property
    def label(self) -> str:
        return self.name or f"{self.pre}->{self.post}"

    @property
    def port_name(self) -> str:
        return _port_name(self)


@dataclass(frozen=True)
class PoissonInput:
    """``count`` independent Poisson sources at ``rate`` (Hz) onto every neuron of ``target``
    (Brunel's external drive: each neuron its own C_ext sources), each spike a synapse of kind
    ``synapse`` with ``weight``, delivered at once."""

    target: str
    rate: float
    count: int
    weight: float
    synapse: str = "delta"
    tau_syn: float = 5.0
    e_rev: float = 0.0
    port: str = ""

    @property
    def port_name(self) -> str:
        return _port_name(self)


@dataclass(frozen=True)
class CurrentInput:
    """A time-varying current into the neurons of ``target`` (all, or the indices
    ``neurons``): a :mod:`neurosim.stimulus` object in the target model's input unit (nA for
    LIF and AdEx, mV/ms for Izhikevich), held over each step at its value at the step's start,
    added to the population's constant ``i_ext``. A stimulus with one column per neuron
    (``stimulus.poisson(..., n_neurons=k)``) drives k neurons, one column each."""

    target: str
    stimulus: object
    neurons: object = None


def _port_name(item) -> str:
    if item.port:
        return item.port
    if item.synapse == "delta":
        return "v"
    if item.synapse == "exp_current":
        return f"I_{float(item.tau_syn):g}ms"
    return f"g_{float(item.tau_syn):g}ms_{float(item.e_rev):g}mV"


@dataclass(frozen=True)
class Connectivity:
    """The graph one seed drew: per projection (in the spec's order) the pre and post indices
    (within their populations), weights and delays (ms), and the per-neuron parameters and
    initial potentials of every population, and the initial synaptic variables (``syn0``:
    population -> port -> values). Pass it to ``Network.run(connectivity=...)`` to run the
    same graph again, on either engine."""

    pre: tuple
    post: tuple
    weight: tuple
    delay: tuple
    params: dict
    v0: dict
    seed: int
    syn0: dict = field(default_factory=dict)

    @property
    def n_synapses(self) -> int:
        return int(sum(a.size for a in self.pre))


@dataclass(frozen=True)
class Network:
    """A network spec. ``populations`` (neurons and spike sources), ``projections``, ``inputs``
    (:class:`PoissonInput`), ``currents`` (:class:`CurrentInput`: time-varying currents;
    constant currents are a population's ``i_ext`` override, in its input unit),
    ``record_spikes`` (population names, or ``"all"``), ``record_v`` (population -> neuron
    indices whose V is recorded every step), ``rate_bin`` (ms, the population-rate bin), ``dt``
    (ms). ``source`` names the file it came from (for error messages)."""

    populations: tuple
    projections: tuple = ()
    inputs: tuple = ()
    currents: tuple = ()
    record_spikes: object = "all"
    record_v: dict = field(default_factory=dict)
    rate_bin: float = 1.0
    dt: float = 0.1
    name: str = ""
    description: str = ""
    citation: str = ""
    source: str = "Network"

    # -- structure ---------------------------------------------------------------------
    def population(self, name: str):
        for pop in self.populations:
            if pop.name == name:
                return pop
        names = ", ".join(p.name for p in self.populations)
        raise param_error("Network.population", "name", f"one of {names}", name)

    @property
    def neurons(self) -> tuple:
        """The neuron populations (not the spike sources), in order."""
        return tuple(p for p in self.populations if isinstance(p, Population))

    @property
    def sources(self) -> tuple:
        """The spike sources (:class:`SpikeSource`, :class:`PoissonSource`), in order."""
        return tuple(p for p in self.populations if isinstance(p, SOURCES))

    def rule(self, proj):
        """The STDP rule of a plastic projection (None for a static one)."""
        if not proj.plasticity:
            return None
        return load_rule(proj.plasticity)

    def w_max(self, proj) -> float:
        """The upper weight bound of a plastic projection (the synapse's unit)."""
        return float(self.rule(proj).w_max if proj.w_max is None else proj.w_max)

    def replace(self, **changes) -> Network:
        """A copy with some fields changed, validated."""
        net = dataclasses.replace(self, **changes)
        net.validate()
        return net

    # -- checks ------------------------------------------------------------------------
    def validate(self) -> Network:
        """Check the whole spec before anything is built; every error names the source and
        the key (``populations.E.size``, ``projections.EI.delay`` ...)."""
        src = self.source
        if not self.populations:
            raise key_error(src, "populations", "at least one population", self.populations)
        names = set()
        for pop in self.populations:
            where = f"populations.{pop.name}"
            if not isinstance(pop.name, str) or not pop.name or pop.name in names:
                raise key_error(src, "populations", "populations with distinct, non-empty names",
                                pop.name)
            names.add(pop.name)
            if isinstance(pop, PoissonSource):
                if isinstance(pop.size, bool) or not isinstance(pop.size, (int, np.integer)) \
                        or pop.size < 1:
                    raise key_error(src, f"{where}.size", "a whole number >= 1", pop.size)
                if isinstance(pop.rate, bool) or not isinstance(pop.rate, (int, float)) or \
                        not (np.isfinite(pop.rate) and pop.rate >= 0):
                    raise key_error(src, f"{where}.rate", "a rate >= 0 Hz", pop.rate)
                continue
            if isinstance(pop, SpikeSource):
                for k, train in enumerate(pop.times):
                    t = np.asarray(train, dtype=float)
                    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t < 0) \
                            or np.any(np.diff(t) < 0):
                        raise key_error(src, f"{where}.times[{k}]", "a sorted 1-D array of "
                                        "spike times >= 0 ms", train)
                continue
            if isinstance(pop.size, bool) or not isinstance(pop.size, (int, np.integer)) \
                    or pop.size < 1:
                raise key_error(src, f"{where}.size", "a whole number >= 1", pop.size)
            try:
                spec = registry.get(pop.model)
            except (KeyError, ValueError, ParameterError):
                raise key_error(src, f"{where}.model", f"one of {', '.join(registry.names())}",
                                pop.model) from None
            if spec.network is None:
                raise key_error(src, f"{where}.model", "one of "
                                f"{', '.join(registry.network_models())} (the network engines "
                                "take these models so far)", pop.model)
            fields = {f.name for f in spec.params_cls.parameter_fields()} | {"i_ext"}
            for key, value in pop.overrides.items():
                if key not in fields:
                    raise key_error(src, f"{where}.{key}", f"one of {', '.join(sorted(fields))}",
                                    key)
                _check_value(value, src, f"{where}.{key}")
            if pop.v0 is not None:
                _check_value(pop.v0, src, f"{where}.v0")
        self._check_dt()
        labels = [proj.label for proj in self.projections]
        for proj in self.projections:
            self._check_projection(proj, names)
            if proj.plasticity and labels.count(proj.label) > 1:
                raise key_error(src, f"projections.{proj.label}.name", "a name no other "
                                "projection has (a plastic projection's weights are reported "
                                "by it)", proj.name)
        for k, inp in enumerate(self.inputs):
            where = f"inputs[{k}]"
            if inp.target not in names or isinstance(self.population(inp.target), SOURCES):
                raise key_error(src, f"{where}.target", "the name of a neuron population",
                                inp.target)
            if isinstance(inp.rate, bool) or not isinstance(inp.rate, (int, float)) or \
                    not (np.isfinite(inp.rate) and inp.rate >= 0):
                raise key_error(src, f"{where}.rate", "a rate >= 0 Hz", inp.rate)
            if isinstance(inp.count, bool) or not isinstance(inp.count, (int, np.integer)) \
                    or inp.count < 1:
                raise key_error(src, f"{where}.count", "a whole number >= 1", inp.count)
            lam = inp.count * inp.rate * self.dt / 1000.0
            if lam > MAX_POISSON_PER_STEP:
                # (each number costs about its mean in uniforms: 1e12 Hz ran for hours)
                top = MAX_POISSON_PER_STEP * 1000.0 / (inp.count * self.dt)
                raise key_error(src, f"{where}.rate", f"at most {top:.4g} Hz with count = "
                                f"{inp.count} (a mean of {MAX_POISSON_PER_STEP:g} input spikes "
                                "per neuron and step; a drive that strong is a current: a "
                                "CurrentInput or the population's i_ext)", inp.rate)
            self._check_synapse(inp.synapse, inp.tau_syn, where, inp.e_rev)
            self._check_takes(inp.synapse, inp.target, where)
            _check_value(inp.weight, src, f"{where}.weight")
        for k, cur in enumerate(self.currents):
            self._check_current(cur, f"currents[{k}]", names)
        ports = self.ports()
        for pop in self.neurons:
            for key, value in pop.init.items():
                mine = [n for n, port in ports.items() if pop.name in port[3]]
                if key not in mine:
                    raise key_error(src, f"populations.{pop.name}.init.{key}", "the port of a "
                                    f"projection onto {pop.name} ({', '.join(mine) or 'none'})",
                                    key)
                _check_value(value, src, f"populations.{pop.name}.init.{key}")
        if self.record_spikes != "all":
            for name in self.record_spikes:
                if name not in names:
                    raise key_error(src, "record_spikes", "'all' or population names", name)
        for name, idx in self.record_v.items():
            if name not in names or isinstance(self.population(name), SOURCES):
                raise key_error(src, "record_v", "neuron population names", name)
            idx = np.asarray(idx)
            size = self.population(name).size
            if idx.ndim != 1 or idx.dtype.kind not in "iu" or np.any(idx < 0) or \
                    np.any(idx >= size):
                raise key_error(src, f"record_v.{name}", f"neuron indices in [0, {size})", idx)
        if not (np.isfinite(self.rate_bin) and self.rate_bin >= self.dt):
            raise key_error(src, "rate_bin", f"a bin of at least dt = {self.dt} ms",
                            self.rate_bin)
        return self

    def _check_current(self, cur, where, names):
        src = self.source
        if not isinstance(cur, CurrentInput):
            raise key_error(src, where, "a CurrentInput", cur)
        if cur.target not in names or isinstance(self.population(cur.target), SOURCES):
            raise key_error(src, f"{where}.target", "the name of a neuron population",
                            cur.target)
        if not isinstance(cur.stimulus, Stimulus):
            raise key_error(src, f"{where}.stimulus", "a neurosim.stimulus object",
                            cur.stimulus)
        pop = self.population(cur.target)
        unit = registry.get(pop.model).input_unit
        if cur.stimulus.unit and cur.stimulus.unit != unit:
            raise key_error(src, f"{where}.stimulus", f"a current in {unit} (the input unit "
                            f"of {pop.model})", cur.stimulus.unit)
        idx = np.arange(pop.size) if cur.neurons is None else np.asarray(cur.neurons)
        if idx.ndim != 1 or idx.dtype.kind not in "iu" or np.any(idx < 0) or \
                np.any(idx >= pop.size) or np.unique(idx).size != idx.size:
            raise key_error(src, f"{where}.neurons", f"distinct neuron indices in "
                            f"[0, {pop.size})", cur.neurons)
        cols = cur.stimulus.n_neurons
        if cols != 1 and cols != idx.size:
            raise key_error(src, f"{where}.stimulus", f"a stimulus for 1 or {idx.size} "
                            "neurons (one column each)", f"{cols} columns")

    def current_table(self, steps: int) -> tuple:
        """The time-varying currents over ``steps`` steps as (table, columns): table[s, c]
        is the current of column c in step s, and columns[population] each neuron's column
        (column 0 is no current). Neurons driven alike share a column."""
        pops = self.neurons
        combos = {(): 0}  # the (input, its column) pairs a neuron sums -> its column
        per_neuron = {pop.name: [[] for _ in range(pop.size)] for pop in pops}
        samples = []
        for k, cur in enumerate(self.currents):
            m = np.asarray(cur.stimulus.sample_matrix(self.dt, steps), dtype=np.float64)
            samples.append(m)
            size = self.population(cur.target).size
            idx = np.arange(size) if cur.neurons is None else np.asarray(cur.neurons)
            for c, j in enumerate(idx):
                per_neuron[cur.target][int(j)].append((k, c if m.shape[1] > 1 else 0))
        columns = {}
        for pop in pops:
            cols = np.empty(pop.size, dtype=np.int64)
            for j, pairs in enumerate(per_neuron[pop.name]):
                cols[j] = combos.setdefault(tuple(pairs), len(combos))
            columns[pop.name] = cols
        table = np.zeros((steps, len(combos)))
        for pairs, c in combos.items():
            for k, col in pairs:
                table[:, c] += samples[k][:, col]
        if not np.all(np.isfinite(table)):
            raise key_error(self.source, "currents", "finite currents", "a NaN or inf value")
        return table, columns

    def _check_dt(self):
        """dt in (0, 1] ms, and no larger than the largest step of any population's model
        (the registry's ``dt_max``, the limit ``simulate`` holds the model to)."""
        if isinstance(self.dt, bool) or not isinstance(self.dt, (int, float)) or \
                not (np.isfinite(self.dt) and 0 < self.dt <= 1.0):
            raise key_error(self.source, "dt", "a time step in (0, 1] ms", self.dt)
        for pop in self.neurons:
            spec = registry.get(pop.model)
            if self.dt > spec.dt_max + 1e-12:
                raise key_error(self.source, "dt", f"a time step of at most {spec.dt_max:g} ms "
                                f"(population {pop.name!r} is {spec.label}, and "
                                f"{spec.dt_max:g} ms is the largest step its integration "
                                "resolves; simulate refuses larger ones too)", self.dt)

    def ports(self) -> dict:
        """The synaptic variables (ports): name -> (kind, tau_syn, e_rev, target populations),
        in the order they first appear; delta synapses have none (they jump V)."""
        src = self.source
        ports = {}
        items = [(f"projections.{p.label}", p, p.post) for p in self.projections] + \
            [(f"inputs[{k}]", i, i.target) for k, i in enumerate(self.inputs)]
        for where, item, post in items:
            if item.synapse == "delta":
                if item.port not in ("", "v"):
                    raise key_error(src, f"{where}.port", "'' or 'v' (a delta synapse jumps V)",
                                    item.port)
                continue
            if not isinstance(item.port, str) or item.port == "v":
                raise key_error(src, f"{where}.port", "a name other than 'v'", item.port)
            e_rev = float(item.e_rev) if item.synapse == "exp_conductance" else 0.0
            key = (item.synapse, float(item.tau_syn), e_rev)
            name = item.port_name
            if name in ports:
                if ports[name][:3] != key:
                    raise key_error(src, f"{where}.port", f"a port whose synapse, tau_syn and "
                                    f"e_rev agree with the other users of {name!r} "
                                    f"{ports[name][:3]}", key)
                if post not in ports[name][3]:
                    ports[name][3].append(post)
            else:
                ports[name] = (*key, [post])
        return ports

    def _check_synapse(self, kind, tau_syn, where, e_rev=0.0):
        src = self.source
        if kind not in SYNAPSES:
            raise key_error(src, f"{where}.synapse", f"one of {', '.join(SYNAPSES)}", kind)
        if kind != "delta" and not (isinstance(tau_syn, (int, float)) and np.isfinite(tau_syn)
                                    and tau_syn > 0):
            raise key_error(src, f"{where}.tau_syn", "a decay time > 0 ms", tau_syn)
        if kind == "exp_conductance" and not (isinstance(e_rev, (int, float))
                                              and np.isfinite(e_rev)):
            raise key_error(src, f"{where}.e_rev", "a reversal potential in mV", e_rev)

    def _check_takes(self, kind, post, where):
        """A model whose V has no conductance scale (Izhikevich's) takes no conductance
        synapses (its registry entry's ``NetworkRule.conductance``)."""
        spec = registry.get(self.population(post).model)
        if kind == "exp_conductance" and not spec.network.conductance:
            raise key_error(self.source, f"{where}.synapse", "'delta' or 'exp_current' onto "
                            f"{post} (an {spec.label} population takes no conductance "
                            "synapses: its V has no conductance scale)", kind)

    def _check_projection(self, proj, names):
        src = self.source
        where = f"projections.{proj.label}"
        for end in ("pre", "post"):
            if getattr(proj, end) not in names:
                raise key_error(src, f"{where}.{end}", f"one of {', '.join(sorted(names))}",
                                getattr(proj, end))
        if isinstance(self.population(proj.post), SOURCES):
            raise key_error(src, f"{where}.post", "a neuron population (not a spike source)",
                            proj.post)
        if proj.connect not in CONNECTIONS:
            raise key_error(src, f"{where}.connect", f"one of {', '.join(CONNECTIONS)}",
                            proj.connect)
        n_pre = self.population(proj.pre).size
        n_post = self.population(proj.post).size
        if proj.connect == "fixed_probability" and not (
                isinstance(proj.p, (int, float)) and 0.0 <= proj.p <= 1.0):
            raise key_error(src, f"{where}.p", "a probability in [0, 1]", proj.p)
        if proj.connect == "fixed_indegree":
            limit = n_pre - (1 if proj.pre == proj.post and not proj.autapses else 0)
            if isinstance(proj.indegree, bool) or not isinstance(proj.indegree, (int, np.integer)) \
                    or not 1 <= proj.indegree <= limit:
                raise key_error(src, f"{where}.indegree", f"a whole number in [1, {limit}]",
                                proj.indegree)
        if proj.connect == "one_to_one" and n_pre != n_post:
            raise key_error(src, f"{where}.connect", f"'one_to_one' only between populations "
                            f"of one size ({proj.pre}: {n_pre}, {proj.post}: {n_post})",
                            proj.connect)
        if proj.connect == "explicit":
            pre_idx, post_idx = np.asarray(proj.pre_idx), np.asarray(proj.post_idx)
            if pre_idx.shape != post_idx.shape or pre_idx.ndim != 1 or \
                    pre_idx.dtype.kind not in "iu" or post_idx.dtype.kind not in "iu":
                raise key_error(src, f"{where}.pre_idx", "two integer arrays of one length "
                                "(pre_idx, post_idx)", proj.pre_idx)
            if pre_idx.size and (pre_idx.min() < 0 or pre_idx.max() >= n_pre or
                                 post_idx.min() < 0 or post_idx.max() >= n_post):
                raise key_error(src, f"{where}.pre_idx", f"indices within the populations "
                                f"({n_pre} pre, {n_post} post)", proj.pre_idx)
        self._check_synapse(proj.synapse, proj.tau_syn, where, proj.e_rev)
        self._check_takes(proj.synapse, proj.post, where)
        _check_value(proj.weight, src, f"{where}.weight")
        _check_value(proj.delay, src, f"{where}.delay")
        if not isinstance(proj.delay, Dist):
            delays = np.atleast_1d(np.asarray(proj.delay, dtype=float))
            _check_delays(delays, self.dt, src, f"{where}.delay")
        if proj.plasticity:
            self._check_plasticity(proj, where)

    def _check_plasticity(self, proj, where):
        src = self.source
        try:
            load_rule(proj.plasticity)
        except (ParameterError, TypeError, ValueError, FileNotFoundError):
            raise key_error(src, f"{where}.plasticity", "an STDP rule (a catalog name such as "
                            "'stdp_pair_song_2000' or 'stdp_triplet_pfister_2006', or "
                            "PairSTDPParams / TripletSTDPParams)", proj.plasticity) from None
        if isinstance(proj.delay, Dist) or np.asarray(proj.delay).ndim != 0:
            raise key_error(src, f"{where}.delay", "one delay for all synapses of a plastic "
                            "projection (a number)", proj.delay)
        if proj.w_max is not None and (isinstance(proj.w_max, bool) or not isinstance(
                proj.w_max, (int, float)) or not (np.isfinite(proj.w_max) and proj.w_max > 0)):
            raise key_error(src, f"{where}.w_max", "an upper weight bound > 0", proj.w_max)

    # -- drawing -----------------------------------------------------------------------
    def connectivity(self, seed: int = 0) -> Connectivity:
        """Draw everything random in the spec from ``seed``: connections, weights, delays
        (rounded to whole steps), per-neuron parameters and initial potentials."""
        self.validate()
        rng = np.random.default_rng(seed)
        params, v0 = {}, {}
        for pop in self.neurons:
            spec = registry.get(pop.model)
            base = pop.params if pop.params is not None else _default_params(spec)
            values = base.per_neuron(pop.size, "Network.connectivity")
            values["i_ext"] = np.zeros(pop.size)
            for key, value in pop.overrides.items():
                values[key] = _values(value, rng, pop.size)
            self._check_drawn(pop, base, values)
            params[pop.name] = values
            v0[pop.name] = (spec.initial_state(values, pop.size, None, None)["v"]
                            if pop.v0 is None else _values(pop.v0, rng, pop.size))
            try:
                check_v0(v0[pop.name], "Network")
            except ParameterError as exc:
                raise key_error(self.source, f"populations.{pop.name}.v0", exc.expected,
                                got(exc.given)) from None
        syn0 = {pop.name: {key: _values(value, rng, pop.size) for key, value in
                           sorted(pop.init.items())} for pop in self.neurons if pop.init}
        pres, posts, weights, delays = [], [], [], []
        for proj in self.projections:
            pre, post = _draw_pairs(proj, self.population(proj.pre).size,
                                    self.population(proj.post).size, rng)
            # a constant weight or delay is kept as a read-only broadcast view (no memory
            # per synapse)
            w = _values(proj.weight, rng, pre.size, view=True)
            if proj.plasticity:
                w_max = self.w_max(proj)
                if w.size and (w.min() < 0.0 or w.max() > w_max):
                    bad = float(w.min() if w.min() < 0.0 else w.max())
                    raise key_error(self.source, f"projections.{proj.label}.weight", "initial "
                                    f"weights of a plastic projection in [0, w_max = {w_max:g}]",
                                    bad)
            d = _values(proj.delay, rng, pre.size, view=True)
            if d.size and not d.min() > self.dt / 2:
                # (a drawn delay is rounded to the grid, but one that rounds to no step, or
                # is negative, is not a delay: it was made at least one step before)
                raise key_error(self.source, f"projections.{proj.label}.delay",
                                f"delays of at least dt = {self.dt:g} ms (the distribution "
                                "drew one below half a step)", float(d.min()))
            if d.size and d.strides[0] == 0:
                d = np.broadcast_to(max(round(float(d[0]) / self.dt), 1) * self.dt, d.shape)
            else:
                d = np.maximum(np.round(d / self.dt), 1.0) * self.dt
            pres.append(pre)
            posts.append(post)
            weights.append(w)
            delays.append(d)
        return Connectivity(tuple(pres), tuple(posts), tuple(weights), tuple(delays), params,
                            v0, int(seed), syn0)

    # bytes a synapse costs while it is drawn (pre and post indices) and then in each engine
    # (Numba: 10 bytes stored, 8 more while sorting; Brian2: its own arrays), and a value
    # drawn per synapse; neuron-steps and Poisson numbers per second (measured on the 2-core
    # project machine, rounded down)
    BYTES_DRAWN, BYTES_NUMBA, BYTES_BRIAN2, BYTES_VALUE = 8, 18, 64, 8
    POISSON_PER_SECOND = 2e8

    def expected_synapses(self) -> dict:
        """Projection label -> the number of synapses its rule draws on average."""
        out = {}
        for proj in self.projections:
            n_pre, n_post = self.population(proj.pre).size, self.population(proj.post).size
            same = proj.pre == proj.post and not proj.autapses
            n = {"fixed_probability": proj.p * n_pre * (n_post - same),
                 "fixed_indegree": proj.indegree * n_post,
                 "all_to_all": n_pre * (n_post - same),
                 "one_to_one": 0 if same else n_pre,
                 "explicit": np.size(proj.pre_idx)}.get(proj.connect, 0)
            out[proj.label] = float(n)
        return out

    def check_resources(self, steps: int, engine: str = "numba") -> tuple[float, float]:
        """Refuse (:class:`~neurosim.ResourceError`, with the estimate and the fix) a run of
        ``steps`` steps that would not fit in memory or finish within
        ``neurosim.limits.max_seconds``, before anything is drawn or allocated. Returns the
        estimate (bytes, seconds). Spikes are not in it (the rates are not known before the
        run): the engine counts them as it collects them, against the same limit."""
        n = sum(pop.size for pop in self.neurons)
        n_src = sum(src.size for src in self.sources)
        syn = self.expected_synapses()
        per_syn = self.BYTES_DRAWN + (self.BYTES_BRIAN2 if engine == "brian2"
                                      else self.BYTES_NUMBA)
        memory = 0.0
        for proj in self.projections:
            drawn = sum(isinstance(x, Dist) for x in (proj.weight, proj.delay))
            memory += syn[proj.label] * (per_syn + drawn * self.BYTES_VALUE)
        # per neuron: parameters and state, the ring of arrivals (one slot a delay step, a
        # channel per port and one for jumps), the spike buffer's share
        max_delay = 1.0
        for proj in self.projections:
            d = proj.delay
            if isinstance(d, Dist):
                d = {"uniform": d.high, "normal": d.mean + 6 * d.std,
                     "lognormal": float(np.exp(min(d.mean + 6 * d.sigma, 700.0)))}[d.kind]
            max_delay = max(max_delay, float(np.max(d)) / self.dt)
        ports = len(self.ports())
        memory += 8.0 * (n * (40 + (1 + ports) * (min(max_delay, 65_535) + 2)) + 4 * n_src)
        memory += 8.0 * 2 * (steps + 1) * sum(np.size(v) for v in self.record_v.values())
        seconds = 0.0
        for pop in self.neurons:
            spec = registry.get(pop.model)
            speed = spec.speed.get("exp_euler", max(spec.speed.values()))
            seconds += pop.size * steps / (speed / 4.0)  # (the network's per-step overhead)
        for inp in self.inputs:
            lam = inp.count * inp.rate * self.dt / 1000.0
            seconds += steps * self.population(inp.target).size * max(1.0, lam) \
                / self.POISSON_PER_SECOND
        total = sum(syn.values())
        _resources.check(
            "Network.run", memory=memory, seconds=seconds,
            what=f"{n:,} neurons, about {total:,.0f} synapses and {steps:,} steps",
            fix="run fewer neurons or synapses (load_network(..., scale=s) scales a catalog "
                "network), fewer or slower Poisson inputs, a shorter duration, or record V of "
                "fewer neurons; neurosim.limits says what is allowed")
        return memory, seconds

    def _check_drawn(self, pop, base, values) -> None:
        """The drawn per-neuron parameters meet the model's constraints (tau_m > 0, v_reset
        below v_th, ...) as a parameter file must; the error names the population's key."""
        changed = {k: values[k] for k in pop.overrides if k != "i_ext"}
        if not changed:
            return
        try:
            base.replace(**changed)
        except InvalidInput as exc:
            raise key_error(self.source, f"populations.{pop.name}.{exc.name}", exc.expected,
                            got(exc.given)) from None

    def _check_connectivity(self, conn) -> None:
        """A given graph was drawn for this spec: one entry per projection with indices
        inside its populations, parameters for every population of the right size."""
        self.validate()
        src = self.source
        if len(conn.pre) != len(self.projections):
            raise param_error("Network.run", "connectivity", f"a graph of this network's "
                              f"{len(self.projections)} projection(s) (net.connectivity())",
                              got(f"a graph of {len(conn.pre)}"))
        for pop in self.neurons:
            if pop.name not in conn.params or np.size(conn.v0.get(pop.name, ())) != pop.size:
                raise param_error("Network.run", "connectivity", "a graph drawn for this "
                                  f"network (population {pop.name!r}, {pop.size} neurons)",
                                  got("one drawn for another"))
        for proj, pre, post in zip(self.projections, conn.pre, conn.post, strict=True):
            n_pre, n_post = self.population(proj.pre).size, self.population(proj.post).size
            if pre.size != post.size or (pre.size and (pre.min() < 0 or pre.max() >= n_pre
                                                      or post.min() < 0
                                                      or post.max() >= n_post)):
                raise key_error(src, f"projections.{proj.label}", "a drawn graph whose indices "
                                f"lie in its populations ({n_pre} -> {n_post})",
                                got("one drawn for another network"))

    # -- running -----------------------------------------------------------------------
    def run(self, duration: float, *, engine: str = "numba", seed: int = 0, connectivity=None,
            target: str = "numpy", n_threads: int | None = None, progress=None):
        """Run the network for ``duration`` ms; returns a
        :class:`~neurosim.network.NetworkResult`.

        ``engine``: ``"numba"`` (the default), ``"brian2"`` (on Brian2's ``target``:
        ``"numpy"``, ``"cython"`` or ``"cpp_standalone"``) or ``"nest"`` (NEST's own models
        of LIF, AdEx and Izhikevich neurons and its pair STDP synapses; see
        :mod:`neurosim.nest_engine`). ``n_threads``: the Numba engine's
        threads for its neuron passes (default 1; the result is the same for any number) or
        cpp_standalone's OpenMP threads. ``progress``: a progress bar (default: for runs of
        1e9 neuron-steps and more). ``seed`` draws the
        connectivity (unless ``connectivity`` is given) and the Poisson inputs; the same seed
        gives the same result on one engine. Both engines simulate the same graph for the
        same ``connectivity``; their Poisson inputs come from different generators."""
        func = "Network.run"
        self.validate()  # (dt and the spec first: nothing below may divide by a bad dt)
        as_choice(engine, func, "engine", tuple(ENGINES))
        as_choice(target, func, "target", BRIAN2_TARGETS)  # (checked on either engine)
        if n_threads is not None and (isinstance(n_threads, bool) or not isinstance(
                n_threads, (int, np.integer)) or n_threads < 1):
            raise param_error(func, "n_threads", "None or a whole number >= 1", n_threads)
        duration = as_float(duration, func, "duration", "ms", low=0.0)
        seed = as_seed(seed, func)
        steps = round(duration / self.dt)
        if steps < 1 or abs(steps * self.dt - duration) > 1e-9 * max(1.0, duration):
            raise param_error(func, "duration", f"a positive multiple of dt = {self.dt} ms",
                              duration)
        if connectivity is None:  # (a given graph is already in memory: its size is known)
            self.check_resources(steps, engine)
        t0 = time.perf_counter()
        progress = as_bool(progress, func, "progress", none=True)
        if progress is None:  # a bar for runs of about ten seconds and more
            progress = sum(p.size for p in self.neurons) * steps >= 1e9
        if connectivity is None:
            connectivity = self.connectivity(seed)
        elif not isinstance(connectivity, Connectivity):
            raise param_error(func, "connectivity", "a Connectivity from net.connectivity()",
                              connectivity, TypeError)
        else:
            self._check_connectivity(connectivity)
        res = ENGINES[engine](self, connectivity, steps, seed, target, n_threads, progress)
        res.timings["draw"] = time.perf_counter() - t0 - sum(res.timings.values())
        return res


def spike_reset(model: str):
    """The parameter names of a model's spike cut-off and of the V it resets to, as its
    registry entry gives them (the cut-off is ``spike_peak`` where that names a parameter,
    else the ``threshold`` mark); None for a model that is not reset (Hodgkin-Huxley)."""
    spec = registry.get(model)
    if "reset" not in spec.marks:
        return None
    cut = spec.spike_peak if isinstance(spec.spike_peak, str) else spec.marks["threshold"]
    return cut, spec.marks["reset"]


def weight_unit(synapse: str, model: str) -> str:
    """The unit of a ``synapse``-kind weight onto a population of ``model``: mV for delta
    synapses, the model's input unit for current synapses, nS for conductance synapses (mS/cm^2
    onto a membrane per area: Hodgkin-Huxley and the cortical neuron)."""
    spec = registry.get(model)
    if synapse == "delta":
        return "mV"
    if synapse == "exp_current":
        return spec.input_unit
    return "mS/cm^2" if spec.input_unit == "uA/cm^2" else "nS"


def _check_value(value, src, key):
    if isinstance(value, Dist):
        return
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf" or arr.ndim > 1 or not np.all(np.isfinite(arr)):
        raise key_error(src, key, "a finite number, an array of them or a Dist", value)


def _check_delays(delays, dt, src, key):
    steps = delays / dt
    if np.any(delays < dt - 1e-12) or np.any(np.abs(steps - np.round(steps)) > 1e-6):
        bad = delays[(delays < dt - 1e-12) | (np.abs(steps - np.round(steps)) > 1e-6)][0]
        raise key_error(src, key, f"a delay of at least dt = {dt} ms and a multiple of it",
                        float(bad))


def _default_params(spec):
    return load_model(spec.catalog)


def _draw_pairs(proj: Projection, n_pre: int, n_post: int, rng) -> tuple:
    """(pre, post) int32 index arrays of one projection's synapses."""
    same = proj.pre == proj.post
    if proj.connect == "explicit":
        return (np.asarray(proj.pre_idx, dtype=np.int32).copy(),
                np.asarray(proj.post_idx, dtype=np.int32).copy())
    if proj.connect == "one_to_one":
        idx = np.arange(n_pre, dtype=np.int32)
        return (idx, idx.copy()) if (proj.autapses or not same) else (idx[:0], idx[:0])
    if proj.connect == "all_to_all":
        pre = np.repeat(np.arange(n_pre, dtype=np.int32), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int32), n_pre)
    elif proj.connect == "fixed_probability":
        pres, posts = [], []
        rows = max(1, 4_000_000 // max(n_post, 1))  # rows at a time: memory O(synapses)
        for i in range(0, n_pre, rows):
            hit = np.flatnonzero(rng.random((min(rows, n_pre - i), n_post)) < proj.p)
            pres.append((hit // n_post + i).astype(np.int32))
            posts.append((hit % n_post).astype(np.int32))
        pre, post = np.concatenate(pres), np.concatenate(posts)
    else:  # fixed_indegree: each post neuron draws `indegree` distinct pre neurons
        k = int(proj.indegree)
        pool = n_pre - (0 if proj.autapses or not same else 1)
        pre = np.empty((n_post, k), dtype=np.int32)
        rows = max(1, 4_000_000 // k)
        for j0 in range(0, n_post, rows):
            pre[j0:j0 + rows] = _distinct_rows(rng, min(rows, n_post - j0), k, pool)
        if same and not proj.autapses:
            pre += pre >= np.arange(n_post, dtype=np.int32)[:, None]  # skip j itself
        post = np.repeat(np.arange(n_post, dtype=np.int32), k)
        return pre.ravel(), post
    if same and not proj.autapses:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post


def _distinct_rows(rng, n: int, k: int, pool: int) -> np.ndarray:
    """n sorted rows of k distinct numbers from range(pool), each row a uniform k-subset: draw
    with replacement, then redraw the repeats until none is left (the procedure treats every
    number alike, so the subset it ends with is uniform)."""
    rows = np.sort(rng.integers(0, pool, size=(n, k), dtype=np.int32), axis=1)
    while True:
        dup = np.zeros(rows.shape, dtype=bool)
        dup[:, 1:] = rows[:, 1:] == rows[:, :-1]
        n_dup = int(dup.sum())
        if n_dup == 0:
            return rows
        rows[dup] = rng.integers(0, pool, size=n_dup, dtype=np.int32)
        rows.sort(axis=1)


# -- the catalog of networks -----------------------------------------------------------

def networks_dir() -> Path:
    return catalog_dir() / "networks"


def list_networks() -> list[str]:
    """Names of the catalog networks, for :func:`load_network`."""
    return sorted(p.stem for p in networks_dir().glob("*.toml"))


def load_network(name_or_path, state: str | None = None, scale: float = 1.0,
                 **overrides) -> Network:
    """Load a catalog network (see :func:`list_networks`) or a TOML file by path.

    Arguments:
        name_or_path: e.g. ``"brunel_2000"``, or a path to a file in the same format.
        state: a named preset of the file (``[states.NAME]``, e.g. Brunel's ``"AI"``);
            default the file's ``default_state``.
        scale: a number the file's expressions may use as ``scale`` (the catalog networks
            multiply their sizes and in-degrees by it: a smaller network, same weights).
        overrides: values of the file's ``[parameters]`` table, by name (``g=5.0``).
    """
    text = os.fspath(name_or_path) if isinstance(name_or_path, (str, os.PathLike)) else None
    if text is None:
        raise param_error("load_network", "name_or_path", "a catalog name or a path",
                          name_or_path, TypeError)
    if text.endswith(".toml") or "/" in text or os.sep in text:
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"The 'name_or_path' parameter of load_network names the "
                                    f"file {path}, which does not exist.")
    else:
        path = networks_dir() / f"{text}.toml"
        if not path.is_file():
            raise param_error("load_network", "name_or_path", f"one of "
                              f"{', '.join(list_networks())} or a path to a .toml file", text)
    scale = as_float(scale, "load_network", "scale", low=0.0)
    src = str(path)
    data = read_toml(path)
    allowed = {"name", "description", "citation", "dt", "rate_bin", "parameters", "states",
               "default_state", "populations", "projections", "inputs", "record"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise ParameterError(f"{src} has unknown top-level key(s) {extra}; expected "
                             f"{', '.join(sorted(allowed))}.")
    values = {k: _entry(v, src, f"parameters.{k}") for k, v in data.get("parameters", {}).items()}
    states = data.get("states", {})
    if state is not None or states:
        chosen = state if state is not None else data.get("default_state")
        if chosen not in states:
            raise param_error("load_network", "state", f"one of {', '.join(sorted(states))}"
                              if states else f"None ({src} has no states)", chosen)
        for k, v in states[chosen].items():
            if k == "description":
                continue
            if k not in values:
                raise key_error(src, f"states.{chosen}.{k}", f"one of {', '.join(values)}", k)
            values[k] = _entry(v, src, f"states.{chosen}.{k}")
    for k, v in overrides.items():
        if k not in values:
            raise param_error("load_network", k, f"one of the file's parameters "
                              f"({', '.join(values)})", v, TypeError)
        values[k] = float(v)
    dt = float(data.get("dt", 0.1))
    values["scale"] = scale
    pops = [_population(t, values, src) for t in data.get("populations", [])]
    projs = [_projection(t, values, src) for t in data.get("projections", [])]
    inputs = [_poisson(t, values, src) for t in data.get("inputs", [])]
    record = data.get("record", {})
    net = Network(populations=tuple(pops), projections=tuple(projs), inputs=tuple(inputs),
                  record_spikes=record.get("spikes", "all"),
                  record_v={k: np.asarray(v, dtype=np.int64)
                            for k, v in record.get("v", {}).items()},
                  rate_bin=float(data.get("rate_bin", 1.0)), dt=dt,
                  name=str(data.get("name", path.stem)) + (f":{chosen}" if states else ""),
                  description=str(data.get("description", "")),
                  citation=str(data.get("citation", "")).strip(), source=src)
    return net.validate()


def _check_unit(table: dict, src: str, key: str, expected: str | None = None) -> None:
    """A ``{ value = ..., unit = ... }`` entry's unit: one neurosim knows, and the one the key
    is read in where it has one (a v0 in V would be read as mV). Values are not converted:
    the file says them in the unit neurosim reads."""
    unit = table.get("unit")
    if unit is None:
        return
    if expected is not None and unit != expected:
        raise key_error(src, f"{key}.unit", f"{expected!r} (the unit {key.split('.')[-1]} is "
                        "read in; write the value in it)", unit)
    if unit not in UNITS:
        raise key_error(src, f"{key}.unit", f"one of neurosim's units ({', '.join(UNITS)})",
                        unit)


def _entry(value, src, key):
    if isinstance(value, dict):
        if "value" not in value:
            raise key_error(src, key, "a number or { value = ..., unit = ... }", value)
        _check_unit(value, src, key)
        value = value["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise key_error(src, key, "a number", value)
    return float(value)


def _expr(value, values: dict, src: str, key: str, unit: str | None = None):
    """A number, a distribution table, or an arithmetic expression of the file's parameters
    (``"-g * J"``), evaluated with the parameters only. ``unit``: the unit the key is read in,
    which a table's ``unit`` must name."""
    if isinstance(value, bool):
        raise key_error(src, key, "a number, an expression or a distribution", value)
    if isinstance(value, (int, float)):
        if not np.isfinite(value):
            raise key_error(src, key, "a finite number", value)
        return float(value)
    if isinstance(value, dict):
        _check_unit(value, src, key, unit)
        if "dist" in value:
            table = {k: (_expr(v, values, src, f"{key}.{k}") if k not in ("dist", "unit") else v)
                     for k, v in value.items()}
            return Dist.from_table(table, src, key)
        if "value" in value:
            return _expr(value["value"], values, src, key)
    if isinstance(value, str):
        return _arithmetic(value, values, src, key)
    raise key_error(src, key, "a number, an expression or a distribution", value)


# an expression's numbers and results stay within this magnitude, its exponents within this
EXPRESSION_MAX = 1e100
EXPONENT_MAX = 100.0


def _arithmetic(text: str, values: dict, src: str, key: str) -> float:
    """Evaluate ``text``, an arithmetic expression (+ - * / **, parentheses) of numbers and
    the file's parameters, by walking its syntax tree in floating point: nothing is executed,
    and an exponent beyond EXPONENT_MAX, a division by zero or a result beyond EXPRESSION_MAX
    is refused with the file and key named (``9**9**9`` in integers never finished)."""
    if len(text) > 1000:
        raise key_error(src, key, "an arithmetic expression of at most 1,000 characters",
                        got(f"one of {len(text):,}"))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise key_error(src, key, "an arithmetic expression of the parameters", text) \
            from None
    binary = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Div: operator.truediv, ast.Pow: operator.pow}

    def refuse(why):
        return key_error(src, key, f"an arithmetic expression of the parameters ({why})",
                         text)

    def ev(node) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and \
                isinstance(node.value, (int, float)):
            x = float(node.value)
        elif isinstance(node, ast.Name):
            if node.id not in values:
                raise key_error(src, key, f"an expression of {', '.join(values)}", node.id)
            x = float(values[node.id])
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            x = ev(node.operand)
            x = -x if isinstance(node.op, ast.USub) else x
        elif isinstance(node, ast.BinOp) and type(node.op) in binary:
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div) and b == 0.0:
                raise refuse("a division by zero")
            if isinstance(node.op, ast.Pow) and abs(b) > EXPONENT_MAX:
                raise refuse(f"exponents up to {EXPONENT_MAX:g}")
            try:
                x = binary[type(node.op)](a, b)
            except (OverflowError, ZeroDivisionError):
                raise refuse(f"results within {EXPRESSION_MAX:g}") from None
            if isinstance(x, complex):
                raise refuse("a real result")
        else:
            raise refuse("numbers, parameter names, + - * / ** and parentheses")
        if not abs(x) <= EXPRESSION_MAX:
            raise refuse(f"results within {EXPRESSION_MAX:g}")
        return x

    return float(ev(tree))


def _population(t: dict, values, src) -> Population:
    name = t.get("name", "")
    where = f"populations.{name}"
    known = {"name", "model", "size", "params", "v0", "overrides", "init", "spike_times", "rate"}
    extra = sorted(set(t) - known)
    if extra:
        raise key_error(src, where, f"a table with keys from {', '.join(sorted(known))}",
                        f"unknown keys {extra}")
    if "spike_times" in t:
        return SpikeSource(name, tuple(np.asarray(x, dtype=float) for x in t["spike_times"]))
    raw = _expr(t.get("size"), values, src, f"{where}.size")
    size = round(raw)  # (a scaled size, N_E * scale, is rounded to whole neurons)
    if not raw >= 1.0:  # (a size of -N, -5 or 1e-9 ran one neuron)
        scale = values.get("scale", 1.0)
        if scale not in (0.0, 1.0) and raw / scale >= 1.0:
            # the file's size is fine: the scale asked for took the population below a neuron
            raise param_error("load_network", "scale", f"large enough that every population "
                              f"keeps a neuron (population {name!r}, {raw / scale:,.0f} neurons "
                              f"unscaled, needs scale >= {scale / raw:.3g})", scale)
        raise key_error(src, f"{where}.size", "a number of neurons >= 1 (with scale applied)",
                        raw)
    if "rate" in t:  # a population of Poisson generators
        extra = sorted(set(t) - {"name", "size", "rate"})
        if extra:
            raise key_error(src, where, "a Poisson source: keys name, size and rate",
                            f"unknown keys {extra}")
        return PoissonSource(name, int(size), _expr(t["rate"], values, src, f"{where}.rate"))

    try:
        spec = registry.get(str(t.get("model", "")))
    except (KeyError, ValueError, ParameterError):
        spec = None  # (an unknown model is named by Network.validate)
    units = spec.params_cls.units() if spec is not None else {}
    params = None
    if "params" in t:
        ref = t["params"]
        if not isinstance(ref, str):
            raise key_error(src, f"{where}.params", "a catalog name or a .toml path", ref)
        if ref not in list_models():
            # a path is read against the network file's folder, not the working directory
            path = (Path(src).parent / ref).resolve()
            if path.suffix != ".toml" or not path.is_file():
                raise key_error(src, f"{where}.params", "a catalog model name or a .toml file "
                                f"beside {Path(src).name} (paths are read from its folder)",
                                ref)
            ref = path
        params = load_model(ref)
        if spec is not None and not isinstance(params, spec.params_cls):
            raise key_error(src, f"{where}.params", f"parameters of {spec.label} (a "
                            f"{spec.params_cls.__name__})", t["params"])
    overrides = {k: _expr(v, values, src, f"{where}.{k}", units.get(k))
                 for k, v in t.get("overrides", {}).items()}
    v0 = _expr(t["v0"], values, src, f"{where}.v0", "mV") if "v0" in t else None
    init = {k: _expr(v, values, src, f"{where}.init.{k}") for k, v in t.get("init", {}).items()}
    return Population(name, str(t.get("model", "")), int(size), params, overrides, v0, init)


def _projection(t: dict, values, src) -> Projection:
    label = t.get("name", f"{t.get('pre')}->{t.get('post')}")
    where = f"projections.{label}"
    known = {f.name for f in dataclasses.fields(Projection)}
    extra = sorted(set(t) - known)
    if extra:
        raise key_error(src, where, f"a table with keys from {', '.join(sorted(known))}",
                        f"unknown keys {extra}")
    kw = dict(t)
    units = {"delay": "ms", "tau_syn": "ms", "e_rev": "mV", "p": "1"}
    for key in ("weight", "delay", "p", "tau_syn", "e_rev", "w_max"):
        if key in kw:
            kw[key] = _expr(kw[key], values, src, f"{where}.{key}", units.get(key))
    if "indegree" in kw:
        kw["indegree"] = max(1, round(_expr(kw["indegree"], values, src, f"{where}.indegree")))
    return Projection(**kw)


def _poisson(t: dict, values, src) -> PoissonInput:
    known = {f.name for f in dataclasses.fields(PoissonInput)}
    extra = sorted(set(t) - known)
    if extra:
        raise key_error(src, "inputs", f"tables with keys from {', '.join(sorted(known))}",
                        f"unknown keys {extra}")
    units = {"rate": "Hz", "tau_syn": "ms", "e_rev": "mV", "count": "1"}
    kw = {k: (_expr(v, values, src, f"inputs.{k}", units.get(k))
              if k not in ("target", "synapse", "port") else v)
          for k, v in t.items()}
    if "count" in kw:
        kw["count"] = round(kw["count"])
    return PoissonInput(**kw)
