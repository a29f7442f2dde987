"""NeuronGroups for every registered model, from the registry's equations and the same
parameters the Numba kernels use."""

from __future__ import annotations

import contextlib
import numbers
import tempfile

import brian2 as b2
import numpy as np

from .. import registry
from .._core import resources as _resources
from .._core.validation import UNITS, as_choice, as_int, brian2_unit, deprecated, got, param_error
from .._single import runner as _runner
from ..network._spec import BRIAN2_TARGETS as TARGETS
from ..result import SimulationResult, SpikeTrains, provenance

_UNSET = object()  # (an argument not given)

# bytes Brian2 holds per neuron and variable, with its per-object overheads (for the estimate)
_BYTES_PER_VALUE = 24


def spike_trains(monitor, n: int) -> SpikeTrains:
    """The spikes of a Brian2 SpikeMonitor of a group of ``n`` neurons, in ms."""
    return SpikeTrains.from_pairs(np.asarray(monitor.i[:], dtype=np.int64),
                                  np.asarray(monitor.t[:] / b2.ms), n)


@contextlib.contextmanager
def brian2_state(target: str):
    """Run the body with ``target`` as Brian2's code generation target (and device, for
    cpp_standalone), restoring Brian2's previous target and device afterwards, also on error."""
    old_target = b2.prefs.codegen.target
    old_device = b2.get_device()
    try:
        if target != "cpp_standalone":
            b2.prefs.codegen.target = target
        yield
    finally:
        b2.prefs.codegen.target = old_target
        if b2.get_device() is not old_device:
            b2.device.reinit()
            b2.set_device(old_device)


def _declarations(spec, params_fields, extra) -> str:
    lines = [f"I = I_const + stim(t, i) : {UNITS[spec.input_unit][1]}",
             f"I_const : {UNITS[spec.input_unit][1]}"]
    for name, unit in params_fields:
        lines.append(f"{name} : {UNITS[unit][1]} (constant)")
    for name, unit in extra:
        lines.append(f"{name} : {UNITS[unit][1]} (constant)")
    return "\n".join(lines)


class GroupSimulation:
    """A self-contained Brian2 network of one NeuronGroup, its monitors and its input.

    Attributes:
        network: the ``brian2.Network`` (objects named ``name``, ``name + "_spikes"``,
            ``name + "_state"``).
        group: the ``NeuronGroup``.
    """

    def __init__(self, spec, n, params, dt, method, target, record, name, temperature):
        self.spec, self.n, self.params, self.dt, self.target = spec, n, params, dt, target
        self.temperature = temperature
        self.record = tuple(record)
        self._ran = False
        self._dir = None
        self._old_device = None
        if target == "cpp_standalone":
            # the standalone device holds the built objects until the run: it stays active
            # from here until run() (or a failure here) restores the previous device
            self._old_device = b2.get_device()
            self._dir = tempfile.mkdtemp(prefix="neurosim_standalone_")
            b2.set_device("cpp_standalone", directory=self._dir, build_on_run=False)
            b2.device.reinit()
            b2.device.activate(directory=self._dir, build_on_run=False)
        try:
            with brian2_state(target):
                self._build(method, name)
        except BaseException:
            self._restore_device()
            raise

    def _restore_device(self):
        if self._old_device is not None:
            b2.device.reinit()
            b2.set_device(self._old_device)
            self._old_device = None

    def _build(self, method, name):
        spec, n, dt = self.spec, self.n, self.dt
        b = spec.brian2
        self.input_unit = brian2_unit(spec.input_unit)
        self.namespace = {"stim": b2.TimedArray(np.zeros((1, n)) * self.input_unit,
                                                dt=dt * b2.ms)}
        p = self.params.per_neuron(n, "build_neuron_group")
        fields = [(f.name, f.metadata["unit"]) for f in self.params.parameter_fields()
                  if f.name not in b.skip]
        extra = b.constants(p, self.temperature) if b.constants else {}
        eqs = b.equations + "\n" + _declarations(spec, fields, [(k, u) for k, (_, u) in
                                                                  extra.items()])
        kwargs = {"threshold": b.threshold}
        if b.reset:
            kwargs["reset"] = b.reset
        if b.refractory:
            kwargs["refractory"] = b.refractory
        self.method = method if b.update is None else "update"
        self.group = b2.NeuronGroup(n, eqs, method=None if b.update else method,
                                    namespace=self.namespace, dt=dt * b2.ms, name=name,
                                    **kwargs)
        if b.update:
            # the model's own scheme, once per step where the state updaters run
            self.group.run_regularly(b.update, when="groups", name=f"{name}_update")
        for key, unit in fields:
            setattr(self.group, key, p[key] * brian2_unit(unit))
        for key, (values, unit) in extra.items():
            setattr(self.group, key, np.broadcast_to(values, (n,)) * brian2_unit(unit))
        for key, values in spec.initial_state(p, n, None, self.temperature).items():
            setattr(self.group, key, values * brian2_unit(spec.state[key]))
        self.spike_monitor = b2.SpikeMonitor(self.group, name=f"{name}_spikes")
        state_vars = [q for q in spec.state if q in self.record or
                      any(d in self.record for d in spec.derived)]
        self.state_vars = state_vars
        self.state_monitor = b2.StateMonitor(self.group, state_vars, record=True,
                                             dt=dt * b2.ms, name=f"{name}_state") \
            if state_vars else None
        objs = [self.group, self.spike_monitor] + ([self.state_monitor] if state_vars else [])
        self.network = b2.Network(*objs)

    def run(self, *args, stimulus=_UNSET, duration=_UNSET) -> SimulationResult:
        """``run(stimulus, duration)``: run for ``duration`` ms with ``stimulus`` (as for
        ``neurosim.simulate``: a number, a Stimulus, one constant per neuron or a (steps,
        neurons) array, in the model's input unit; default 0) and return a
        :class:`~neurosim.result.SimulationResult`. Spike times are Brian2's: the time step at
        which the threshold condition first holds; traces are recorded at the start of each
        step (0 .. duration - dt).

        The old order, ``run(duration, stimulus=...)``, works for this release with a warning:
        a call with one positional number and no ``duration=``, or with two positionals of
        which only the first is a number, is read that way; two numbers are refused (name
        them) until the old order is gone."""
        func = "GroupSimulation.run"
        stimulus, duration = _stimulus_duration(func, args, stimulus, duration)
        if self._ran and self.target == "cpp_standalone":
            raise RuntimeError("A cpp_standalone network runs once; build a new one.")
        dur, dt, nsteps = _runner.time_grid(duration, self.dt, func, np.inf, "")
        matrix = _runner.stimulus_matrix(stimulus, nsteps, dt, func, self.spec.input_unit)
        if matrix.shape[1] not in (1, self.n):
            raise param_error(func, "stimulus", f"one value per neuron of the group ({self.n})",
                              got(f"{matrix.shape[1]} columns"))
        unit = self.input_unit
        if matrix.shape[0] == 1:
            self.group.I_const = np.broadcast_to(matrix[0], (self.n,)) * unit
            self.namespace["stim"] = b2.TimedArray(np.zeros((1, self.n)) * unit,
                                                   dt=dt * b2.ms)
        else:
            self.group.I_const = 0 * unit
            full = np.ascontiguousarray(np.broadcast_to(matrix, (nsteps, self.n)))
            self.namespace["stim"] = b2.TimedArray(full * unit, dt=dt * b2.ms)
        try:
            with brian2_state(self.target):
                self.network.run(dur * b2.ms, namespace={})
                if self.target == "cpp_standalone":
                    b2.device.build(directory=self._dir, compile=True, run=True)
                self._ran = True
                return self._result(dur, matrix, nsteps)
        finally:
            self._restore_device()

    def _result(self, duration, matrix, nsteps) -> SimulationResult:
        spec = self.spec
        trains = spike_trains(self.spike_monitor, self.n)
        state, t = {}, np.empty(0)
        if self.state_monitor is not None:
            t = np.asarray(self.state_monitor.t[:] / b2.ms)
            for name in self.state_vars:
                values = getattr(self.state_monitor, name)[:]
                state[name] = np.asarray(values / brian2_unit(spec.state[name])).T
        traces = dict(state)
        if any(d in self.record for d in spec.derived):
            traces.update(spec.derive(self.params.per_neuron(self.n, "run"), state))
        traces = {q: traces[q] for q in self.record}
        v = traces.pop("v", None)
        stim = None
        if self.record:
            rows = matrix if matrix.shape[0] == 1 else matrix[:t.size]
            stim = np.broadcast_to(rows, (t.size, self.n))
        return SimulationResult(
            t=t, v=v, spike_times=trains, stimulus=stim, model=spec.name,
            method=f"brian2 {self.method}", dt=self.dt, duration=duration, params=self.params,
            traces=traces, units={"t": "ms", "v": "mV", "stimulus": spec.input_unit,
                                  **{q: spec.recordable[q] for q in traces}},
            provenance=provenance(f"GroupSimulation.run(duration={duration:g}) on the "
                                  f"{self.target} target"))


def _stimulus_duration(func, args, stimulus, duration):
    """(stimulus, duration) of ``GroupSimulation.run``, whose order was (duration, stimulus)."""
    def number(x):
        return isinstance(x, numbers.Real) and not isinstance(x, bool)

    if len(args) > 2:
        raise TypeError(f"{func}() takes at most 2 positional arguments ({len(args)} given)")
    old = False
    if len(args) == 1 and duration is _UNSET:
        old = True  # run(duration) or run(duration, stimulus=...)
    elif len(args) == 2:
        if number(args[0]) and number(args[1]):
            raise param_error(func, "stimulus", "a call that names its arguments, run("
                              "stimulus=..., duration=...), while the old order (duration, "
                              "stimulus) is being retired: two numbers could be either",
                              args, TypeError)
        old = number(args[0]) and not number(args[1])
    if old:
        deprecated(func, "run(duration, stimulus)", "run(stimulus, duration)")
        args = args[::-1] if len(args) == 2 else (stimulus, args[0])
        stimulus, duration = _UNSET, _UNSET
    given = dict(zip(("stimulus", "duration"), args, strict=False))
    for name, value in (("stimulus", stimulus), ("duration", duration)):
        if value is not _UNSET:
            if name in given:
                raise TypeError(f"{func}() got multiple values for argument {name!r}")
            given[name] = value
    if "duration" not in given or given["duration"] is _UNSET:
        raise TypeError(f"{func}() missing its argument 'duration' (ms)")
    stim = given.get("stimulus", _UNSET)
    return (0.0 if stim is _UNSET else stim), given["duration"]


def build_neuron_group(model, n=1, *, params=None, pattern=None, dt=None, method=None,
                       temperature=None, target="numpy", record=("v",),
                       name="neurons") -> GroupSimulation:
    """A Brian2 NeuronGroup of any registered model, from the same parameters and equations
    the Numba kernels use (the registry's entry).

    Arguments:
        model: a registered model by short name (``"hh"``, ``"lif"``, ``"izhikevich"``,
            ``"adex"``) or catalog name (``"hodgkin_huxley_1952"``, ``"lif_lecture"``, ...).
        n: number of neurons.
        params: parameters (default the catalog's; ``pattern`` picks a named set). Any may be an
            array, one value per neuron.
        dt: time step (ms); default the entry's (0.01 for HH and AdEx, 0.1 for LIF and
            Izhikevich).
        method: Brian2 integration method; default the entry's (``exponential_euler`` for HH,
            ``exact`` for LIF, ``euler`` for AdEx as in Brian2's examples). Izhikevich runs the
            paper's own scheme (two half steps for v, then u), as the Numba kernel does.
        temperature: degrees C, for temperature-dependent models (HH's Q10 factor).
        target: ``"numpy"`` (default: no compiler wait), ``"cython"`` or ``"cpp_standalone"``.
        record: variables to record every step (``()`` for spikes only).
        name: the group's name (monitors are ``name + "_spikes"`` and ``name + "_state"``).

    Returns:
        :class:`GroupSimulation`; call ``.run(stimulus, duration)``.
    """
    func = "build_neuron_group"
    spec = registry.get(model, func)
    n = as_int(n, func, "n", low=1)
    target = as_choice(target, func, "target", TARGETS)
    params = spec.resolve_params(params, pattern, func)
    temperature = spec.check_temperature(temperature, func)
    step = spec.brian2.dt if dt is None else dt
    step = _runner.time_grid(step, step, func, np.inf, "")[1]
    method = spec.brian2.method if method is None else method
    if isinstance(record, str):
        record = tuple(spec.recordable) if record == "all" else (record,)
    names = _runner.record_names(tuple(record), func, spec.recordable)
    n_params = params.n_values()
    if n_params > 1 and n_params != n:
        raise param_error(func, "params", f"array parameters with one value per neuron ({n})",
                          got(f"arrays of length {n_params}"))
    values = len(params.parameter_fields()) + len(spec.state) + 8
    _resources.check(func, memory=float(n) * values * _BYTES_PER_VALUE,
                     what=f"{n:,} neurons x {values} variables",
                     fix="build a smaller group")
    return GroupSimulation(spec, n, params, step, method, target, tuple(names), name,
                           temperature)
