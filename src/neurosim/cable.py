"""The cable engine: compartmental neurons (a :mod:`neurosim.morphology`) in time.

:func:`simulate_cable` integrates the cable equation on a morphology's tree, implicit in V
(backward Euler or Crank-Nicolson, NEURON's two fixed-step methods, in its order of operations)
with the Hines algorithm, the channels of the registry's conductance models per compartment,
current clamps and synapses at any location, and V and spike times recorded where asked. It
returns a :class:`CableResult`: a :class:`~neurosim.SimulationResult` whose "neurons" are the
recorded locations (``v`` is (steps, locations), ``spike_times[k]`` location k's spikes).

    >>> from neurosim import cable, morphology
    >>> fibre = morphology.axon(5000.0, 476.0, n_seg=250)        # the squid giant axon
    >>> res = cable.simulate_cable(fibre, 8.0, stimuli=[cable.CurrentClamp("axon(0)",
    ...     stimulus.step(2000.0, 0.0, 0.2))], record=["axon(0.3)", "axon(0.7)"],
    ...     temperature=18.5)                                      # doctest: +SKIP
    >>> cable.conduction_velocity(res, "axon(0.3)", "axon(0.7)")   # m/s  # doctest: +SKIP

Analytic references for the passive cable: :func:`length_constant`,
:func:`input_resistance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import stimulus as _stimulus
from ._core.resources import check
from ._core.validation import (
    SimulationError,
    as_choice,
    as_finite_array,
    as_float,
    as_int,
    param_error,
    strip_unit,
)
from ._single.hh import _steady_gates
from .morphology import Location, Morphology
from .result import (
    SimulationResult,
    SpikeTrains,
    listed,
    provenance,
    register_loader,
    shape_of,
)

__all__ = ["CABLE_FORMAT", "CableResult", "CurrentClamp", "Synapse", "conduction_velocity",
           "input_resistance", "length_constant", "simulate_cable"]

CABLE_FORMAT = "neurosim-cable-1"
METHODS = {"backward_euler": 1.0, "crank_nicolson": 2.0}
SYNAPSE_KINDS = ("exp_current", "exp_conductance", "delta")
# measured (benchmarks/cable.py): compartment-steps per second of the kernel on one core,
# HH compartments, for the run-time estimate
_SPEED = 1.5e7


@dataclass(frozen=True)
class CurrentClamp:
    """A current (nA) injected at ``location``: a number, or a :mod:`neurosim.stimulus`
    object (sampled at each step's start), like NEURON's IClamp."""

    location: object
    stimulus: object


@dataclass(frozen=True)
class Synapse:
    """A synapse at ``location`` activated at ``times`` (ms): after each, a current
    (``kind="exp_current"``, ``weight`` in nA, depolarising when positive) or a conductance
    (``"exp_conductance"``, ``weight`` in nS, reversing at ``e_rev`` mV) that jumps by
    ``weight`` and decays with ``tau`` (ms) (NEURON's ExpSyn), or a jump of the compartment's
    V by ``weight`` mV (``"delta"``): the network specs' synapse kinds. An event is delivered
    at the start of the step nearest its time."""

    location: object
    times: object
    weight: float
    kind: str = "exp_conductance"
    tau: float = 2.0
    e_rev: float = 0.0


@dataclass(eq=False, repr=False)
class CableResult(SimulationResult):
    """A :class:`~neurosim.SimulationResult` of a compartmental run, one column per recorded
    location.

    Extra attributes:
        locations: the recorded locations (``"axon(0.5)"``), in column order.
        distance: each location's path length from the root compartment (um).
        morphology: the :class:`~neurosim.morphology.Morphology` that ran.
    """

    locations: list = field(default_factory=list)
    distance: np.ndarray | None = None
    morphology: Morphology | None = None

    def __post_init__(self):
        super().__post_init__()
        n = self.n_neurons
        if not isinstance(self.locations, list) or len(self.locations) != n:
            raise param_error("CableResult", "locations", f"a list of the {n} recorded "
                              "locations", shape_of(self.locations))
        if self.distance is not None and np.shape(self.distance) != (n,):
            raise param_error("CableResult", "distance", f"one distance a location ({n},)",
                              shape_of(self.distance))
        if self.morphology is not None and not isinstance(self.morphology, Morphology):
            raise param_error("CableResult", "morphology", "a Morphology", self.morphology,
                              TypeError)

    def _summary(self):
        rows = self._run_rows()
        if self.morphology is not None:
            m = self.morphology
            rows.insert(1, ("morphology", (f"{m.name}: " if m.name else "") + f"{len(m.sections)}"
                            f" section{'s' if len(m.sections) != 1 else ''}"))
        n_loc = len(self.locations)
        rows += [("spikes", listed([f"{loc} {int(c)}" for loc, c in
                                    zip(self.locations, self.spike_times.counts, strict=False)],
                                   4)),
                 ("recorded", f"V at {listed(self.locations, 4)} ({n_loc} location"
                  f"{'s' if n_loc != 1 else ''}), {self.t.size:,} times")]
        return type(self).__name__, rows

    def column(self, location, func: str = "CableResult.column", name: str = "location"
               ) -> int:
        """The column of a recorded location (given as recorded, or as a Location); an error
        names ``func``'s parameter ``name``."""
        key = str(Location.parse(location, func, name))
        names = [str(Location.parse(x, func, name)) for x in self.locations]
        if key not in names:
            raise param_error(func, name, "a recorded location (one of "
                              f"{', '.join(self.locations[:8])}"
                              f"{', ...' if len(self.locations) > 8 else ''})", location)
        return names.index(key)

    def at(self, location) -> np.ndarray:
        """V (mV) at a recorded location over time."""
        return self.v[:, self.column(location)]

    def spikes_at(self, location) -> np.ndarray:
        """Spike times (ms) at a recorded location."""
        return self.spike_times[self.column(location)]

    def _payload(self):
        arrays, meta = super()._payload()
        meta["format"] = CABLE_FORMAT
        meta["locations"] = list(self.locations)
        meta["morphology"] = self.morphology.to_dict()
        arrays["distance"] = self.distance
        return arrays, meta


def load_cable_result(arrays: dict, meta: dict) -> CableResult:
    """A :class:`CableResult` from a file's arrays and metadata (see ``load_result``)."""
    return CableResult(
        t=arrays["t"], v=arrays.get("v"),
        spike_times=SpikeTrains(arrays["spike_flat"], arrays["spike_offsets"]),
        stimulus=None, model=meta["model"], method=meta["method"], dt=meta["dt"],
        duration=meta["duration"], params=None, spike_threshold=meta["spike_threshold"],
        units=meta["units"], provenance=meta["provenance"], locations=meta["locations"],
        distance=arrays["distance"], morphology=Morphology.from_dict(meta["morphology"]))


def _kernel():
    from ._kernels import _cable

    return _cable.run_cable


def simulate_cable(morphology: Morphology, duration, *, dt=0.025, method="backward_euler",
                   stimuli=(), synapses=(), record=("soma",), record_every: int = 1,
                   spike_threshold=-20.0, temperature=None, v0=-65.0) -> CableResult:
    """Integrate a compartmental neuron for ``duration`` ms.

    Arguments:
        morphology: a :class:`~neurosim.morphology.Morphology`.
        duration: ms; ``dt``: the time step (ms).
        method: ``"backward_euler"`` (first order, NEURON's default) or ``"crank_nicolson"``
            (second order, NEURON's ``secondorder = 2``).
        stimuli: :class:`CurrentClamp` objects; ``synapses``: :class:`Synapse` objects.
        record: locations (``"axon(0.5)"``, ``("axon", 0.5)``, ``"soma"``) or ``"all"`` (every
            compartment, in the tree's order).
        record_every: keep V every k-th step.
        spike_threshold: mV; an upward crossing at a recorded location is a spike there.
        temperature: C for the channels' Q10 factor (None: the morphology's own, else each
            channel model's reference temperature).
        v0: the starting potential everywhere (mV), every gate at its steady state there.

    Returns:
        A :class:`CableResult`.

    Raises:
        neurosim.ParameterError: an argument is bad (ParameterTypeError for a wrong type),
            naming it.
        neurosim.SimulationError: V blew up (with the step and the fix).
        neurosim.ResourceError: the recording cannot fit.
    """
    f = "simulate_cable"
    if not isinstance(morphology, Morphology):
        raise param_error(f, "morphology", "a neurosim.morphology.Morphology", morphology,
                          TypeError)
    duration = as_float(duration, f, "duration", "ms", low=0.0)
    dt = as_float(dt, f, "dt", "ms", low=0.0, high=1.0)
    method = as_choice(method, f, "method", tuple(METHODS))
    record_every = as_int(record_every, f, "record_every", low=1)
    threshold = as_float(spike_threshold, f, "spike_threshold", "mV")
    if temperature is not None:
        temperature = as_float(temperature, f, "temperature", low=-20.0, high=60.0,
                               low_open=False)
    else:
        temperature = morphology.temperature
    v0 = as_float(v0, f, "v0", "mV", low=-150.0, high=100.0, low_open=False)
    nsteps = round(duration / dt)
    if nsteps < 1:
        raise param_error(f, "duration", f"at least one step of dt = {dt:g} ms", duration)
    n_nodes = morphology.n_nodes
    check(f, seconds=n_nodes * nsteps / _SPEED,
          what=f"{n_nodes:,} compartments x {nsteps:,} steps",
          fix="give the sections fewer compartments (n_seg, d_lambda), or run a shorter "
              "duration")
    tree = morphology.compile(temperature)

    if isinstance(record, str) and record == "all":
        rec_nodes = tree.compartments
        labels = [_label(tree, i) for i in rec_nodes]
    else:
        single = isinstance(record, (str, Location)) or (
            isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], str)
            and not isinstance(record[1], str))
        if single:
            record = [record]
        try:
            items = list(record)
        except TypeError:
            raise param_error(f, "record", "'all' or a list of locations", record,
                              TypeError) from None
        if not items:
            raise param_error(f, "record", "'all' or at least one location", record)
        rec_nodes = np.array([tree.node(r, f, "record") for r in items], dtype=np.int64)
        labels = [str(Location.parse(r, f, "record")) for r in items]
    n_rec_steps = nsteps // record_every + 1
    max_spikes = min(nsteps // 2 + 1, int(duration / 0.5) + 2)
    check(f, memory=8.0 * rec_nodes.size * (n_rec_steps + max_spikes) + 200.0 * tree.n,
          seconds=tree.n * nsteps / _SPEED,
          what=f"{rec_nodes.size} locations x {n_rec_steps} recorded steps",
          fix="record fewer locations or every k-th step (record_every=k)")

    # inputs
    if not isinstance(stimuli, (list, tuple)):
        stimuli = [stimuli]
    clamp_node = np.zeros(len(stimuli), dtype=np.int64)
    clamp_i = np.zeros((nsteps, len(stimuli)))
    for k, c in enumerate(stimuli):
        if not isinstance(c, CurrentClamp):
            raise param_error(f, f"stimuli[{k}]", "a cable.CurrentClamp", c, TypeError)
        clamp_node[k] = tree.node(c.location, f, f"stimuli[{k}].location")
        stim = c.stimulus
        if not isinstance(stim, _stimulus.Stimulus):
            stim = _stimulus.constant(as_float(strip_unit(stim, "nA", f, "stimulus"), f,
                                               f"stimuli[{k}].stimulus", "nA"))
        clamp_i[:, k] = stim.sample(dt, nsteps)
    if not isinstance(synapses, (list, tuple)):
        synapses = [synapses]
    ns = len(synapses)
    syn_node = np.zeros(ns, dtype=np.int64)
    syn_cond = np.zeros(ns, dtype=np.int64)  # the index into SYNAPSE_KINDS
    syn_w, syn_decay, syn_e = np.zeros(ns), np.zeros(ns), np.zeros(ns)
    ev_syn, ev_step = [], []
    for j, s in enumerate(synapses):
        name = f"synapses[{j}]"
        if not isinstance(s, Synapse):
            raise param_error(f, name, "a cable.Synapse", s, TypeError)
        syn_node[j] = tree.node(s.location, f, f"{name}.location")
        syn_cond[j] = SYNAPSE_KINDS.index(as_choice(s.kind, f, f"{name}.kind", SYNAPSE_KINDS))
        syn_w[j] = as_float(s.weight, f, f"{name}.weight", ("nA", "nS", "mV")[syn_cond[j]])
        if syn_cond[j] == 1 and syn_w[j] < 0:
            raise param_error(f, f"{name}.weight", "a conductance >= 0 nS", s.weight)
        syn_decay[j] = math.exp(-dt / as_float(s.tau, f, f"{name}.tau", "ms", low=0.0))
        syn_e[j] = as_float(s.e_rev, f, f"{name}.e_rev", "mV")
        times = np.atleast_1d(as_finite_array(s.times, f, f"{name}.times", "ms"))
        if times.ndim != 1 or np.any(times < 0):
            raise param_error(f, f"{name}.times", "a 1-D array of times >= 0 ms", s.times)
        steps = np.rint(times / dt).astype(np.int64)
        ev_syn.extend([j] * steps.size)
        ev_step.extend(steps.tolist())
    order = np.argsort(np.asarray(ev_step, dtype=np.int64), kind="stable")
    ev_syn = np.asarray(ev_syn, dtype=np.int64)[order]
    ev_step = np.asarray(ev_step, dtype=np.int64)[order]

    # the state: v0 everywhere, HH gates at their steady state there

    v = np.full(tree.n, v0)
    m, h, n = _steady_gates(v, tree.params[6])
    rec_v = np.zeros((n_rec_steps, rec_nodes.size))
    sp_times = np.zeros((rec_nodes.size, max_spikes))
    sp_count = np.zeros(rec_nodes.size, dtype=np.int64)
    bad = _kernel()(tree.parent, tree.g_axial, tree.area, tree.c_m, tree.kind, tree.params,
                    tree.phi, v, m, h, n, dt, nsteps, METHODS[method], clamp_node, clamp_i,
                    syn_node, syn_cond, syn_w, syn_decay, syn_e, ev_syn, ev_step, rec_nodes,
                    record_every, rec_v, threshold, sp_times, sp_count)
    if bad >= 0:
        raise SimulationError(
            f"simulate_cable blew up at t = {(bad + 1) * dt:g} ms (|V| > 1000 mV or NaN): "
            f"reduce dt (now {dt:g} ms), use method='backward_euler', or check the inputs "
            "for currents far beyond a neuron's.")
    if np.any(sp_count > max_spikes):
        raise SimulationError(f"simulate_cable found more spikes than {max_spikes} at one "
                              "location: the threshold is crossed every other step; raise "
                              "spike_threshold.")
    ids = np.repeat(np.arange(rec_nodes.size), sp_count)
    times = np.concatenate([sp_times[r, :sp_count[r]] for r in range(rec_nodes.size)])
    call = (f"simulate_cable({morphology.name or 'morphology'}, duration={duration:g}, "
            f"dt={dt:g}, method={method!r})")
    return CableResult(
        t=np.arange(n_rec_steps) * dt * record_every, v=rec_v,
        spike_times=SpikeTrains.from_pairs(ids, times, rec_nodes.size), stimulus=None,
        model="cable", method=method, dt=dt, duration=duration, params=None,
        spike_threshold=threshold, units={"v": "mV"}, provenance=provenance(call),
        locations=labels, distance=tree.distance[rec_nodes].copy(), morphology=morphology)


def _label(tree, i: int) -> str:
    """'section(x)' of compartment i."""
    name = tree.names[tree.section[i]]
    return f"{name}({tree.x[i]:.6g})"


def conduction_velocity(result: CableResult, from_, to) -> float:
    """The conduction velocity (m/s) of the first spike from one recorded location to another:
    their path distance over the difference of their first spike times.

    Raises ParameterError if either location did not spike or the two are the same place.
    """
    f = "conduction_velocity"
    if not isinstance(result, CableResult):
        raise param_error(f, "result", "a CableResult (from simulate_cable)", result, TypeError)
    a, b = result.column(from_, f, "from_"), result.column(to, f, "to")
    tree = result.morphology.compile()
    na, nb = tree.node(result.locations[a], f, "from_"), tree.node(result.locations[b], f, "to")
    dist = tree.path_distance(na, nb)
    for loc, col in ((from_, a), (to, b)):
        if result.spike_times[col].size == 0:
            raise param_error(f, "from_" if col == a else "to", "a location where the spike "
                              "arrived (none crossed spike_threshold there)", loc)
    lag = result.spike_times[b][0] - result.spike_times[a][0]
    if dist == 0 or lag == 0:
        raise param_error(f, "to", "a location apart from from_ (in space and spike time)", to)
    return float(dist / lag * 1e-3)  # um/ms -> m/s


def length_constant(diameter, r_m, r_a) -> float:
    """The passive cable's length constant (um): lambda = sqrt(d R_m / (4 R_a)), with the
    diameter in um, the specific membrane resistance R_m in ohm cm^2 and the axial
    resistivity R_a in ohm cm."""
    d = as_float(diameter, "length_constant", "diameter", "um", low=0.0) * 1e-4
    rm = as_float(r_m, "length_constant", "r_m", low=0.0)
    ra = as_float(r_a, "length_constant", "r_a", low=0.0)
    return math.sqrt(d * rm / (4.0 * ra)) * 1e4


def input_resistance(length, diameter, r_m, r_a) -> float:
    """Input resistance (MOhm) of a finite passive cable with a sealed far end, seen from the
    other end: R_inf coth(L / lambda), R_inf = 4 R_a lambda / (pi d^2) (Rall)."""
    lam = length_constant(diameter, r_m, r_a) * 1e-4
    L = as_float(length, "input_resistance", "length", "um", low=0.0) * 1e-4
    d = diameter * 1e-4
    r_inf = 4.0 * r_a * lam / (math.pi * d * d)
    return r_inf / math.tanh(L / lam) * 1e-6


register_loader(CABLE_FORMAT, load_cable_result)
