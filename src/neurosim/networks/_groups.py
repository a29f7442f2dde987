"""NeuronGroups for every catalog model, from the same parameters the Numba kernels use."""

from __future__ import annotations

import contextlib
import tempfile

import brian2 as b2
import numpy as np

from .. import _runner
from .._validation import as_choice, as_int, param_error
from ..catalog import AdExParams, HodgkinHuxleyParams, IzhikevichParams, LIFParams, load_model
from ..result import SimulationResult, SpikeTrains

TARGETS = ("numpy", "cython", "cpp_standalone")
MODELS = ("hodgkin_huxley", "lif", "izhikevich", "adex")
_ALIASES = {"hh": "hodgkin_huxley"}
_CATALOG = {"hodgkin_huxley": "hodgkin_huxley_1952", "lif": "lif_lecture",
            "izhikevich": "izhikevich_2003", "adex": "adex_brette_gerstner_2005"}
_PARAMS = {"hodgkin_huxley": HodgkinHuxleyParams, "lif": LIFParams,
           "izhikevich": IzhikevichParams, "adex": AdExParams}
_DEFAULT_DT = {"hodgkin_huxley": 0.01, "lif": 0.1, "izhikevich": 0.1, "adex": 0.01}
# AdEx: forward Euler, as in Brian2's own AdEx examples. RK4's inner stages run into the
# exponential's divergence within the spiking step and drag w to absurd values.
_DEFAULT_METHOD = {"hodgkin_huxley": "exponential_euler", "lif": "exact", "izhikevich": "euler",
                   "adex": "euler"}

# x / (exp(x) - 1) without exprel: Brian2's numpy target formats the whole argument array into
# an error message on every exprel call, which makes groups of <= 1,000 neurons ~100x slower.
# The series branch covers |x| < 1e-6; the "+ int(...)" keeps the unused branch from 0/0.
_INV_EXPREL = ("(int(abs({x}) < 1e-6)*(1 - {x}/2) + int(abs({x}) >= 1e-6)*{x}"
               "/(exp({x}) - 1 + int(abs({x}) < 1e-6)))")

HH_EQUATIONS = f"""
dv/dt = (I - g_na*m**3*h*(v - e_na) - g_k*n**4*(v - e_k) - g_l*(v - e_l)) / c_m : volt
dm/dt = phi*(alpha_m*(1 - m) - beta_m*m) : 1
dh/dt = phi*(alpha_h*(1 - h) - beta_h*h) : 1
dn/dt = phi*(alpha_n*(1 - n) - beta_n*n) : 1
x_m = (25*mV - (v - v_offset))/(10*mV) : 1
x_n = (10*mV - (v - v_offset))/(10*mV) : 1
alpha_m = {_INV_EXPREL.format(x="x_m")}/ms : Hz
beta_m = 4*exp(-(v - v_offset)/(18*mV))/ms : Hz
alpha_h = 0.07*exp(-(v - v_offset)/(20*mV))/ms : Hz
beta_h = 1/(exp((30*mV - (v - v_offset))/(10*mV)) + 1)/ms : Hz
alpha_n = 0.1*{_INV_EXPREL.format(x="x_n")}/ms : Hz
beta_n = 0.125*exp(-(v - v_offset)/(80*mV))/ms : Hz
I = I_const + stim(t, i) : amp/meter**2
I_const : amp/meter**2
"""

LIF_EQUATIONS = """
dv/dt = (v_rest - v + r_m*I)/tau_m : volt (unless refractory)
I = I_const + stim(t, i) : amp
I_const : amp
v_rest : volt (constant)
v_th : volt (constant)
v_reset : volt (constant)
tau_m : second (constant)
r_m : ohm (constant)
t_ref : second (constant)
"""

IZHIKEVICH_EQUATIONS = """
dv/dt = (0.04/mV/ms)*v**2 + (5/ms)*v + 140*mV/ms - u + I : volt
du/dt = a*(b*v - u) : volt/second
I = I_const + stim(t, i) : volt/second
I_const : volt/second
a : 1/second (constant)
b : 1/second (constant)
c : volt (constant)
d : volt/second (constant)
v_peak : volt (constant)
"""

ADEX_EQUATIONS = """
dv/dt = (-g_l*(v - e_l) + g_l*delta_t*exp(clip((v - v_t)/delta_t, -inf, 50)) - w + I)/c_m : volt
dw/dt = (a*(v - e_l) - w)/tau_w : amp
I = I_const + stim(t, i) : amp
I_const : amp
c_m : farad (constant)
g_l : siemens (constant)
e_l : volt (constant)
v_t : volt (constant)
delta_t : volt (constant)
tau_w : second (constant)
a : siemens (constant)
b : amp (constant)
v_reset : volt (constant)
v_peak : volt (constant)
"""

_UNITS = {"mV": b2.mV, "ms": b2.ms, "MOhm": b2.Mohm, "pF": b2.pF, "nS": b2.nS, "nA": b2.nA,
          "1/ms": 1 / b2.ms, "mV/ms": b2.mV / b2.ms}
_INPUT_UNIT = {"hodgkin_huxley": ("uA/cm^2", b2.uA / b2.cm**2), "lif": ("nA", b2.nA),
               "izhikevich": ("nA", b2.mV / b2.ms), "adex": ("nA", b2.nA)}


def spike_trains(monitor, n: int):
    """(SpikeTrains, counts) from a Brian2 SpikeMonitor of a group of ``n`` neurons, in ms."""
    ids = np.asarray(monitor.i[:], dtype=np.int64)
    times = np.asarray(monitor.t[:] / b2.ms)
    counts = np.bincount(ids, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return SpikeTrains(times[np.argsort(ids, kind="stable")], offsets), counts


def resolve_model(model, func: str) -> str:
    if isinstance(model, str):
        model = _ALIASES.get(model, model)
    return as_choice(model, func, "model", MODELS)


def _per_neuron(params, n: int) -> dict:
    """Point-model parameters as brian2 quantities, one value per neuron."""
    out = {}
    for f in params.parameter_fields():
        value = np.broadcast_to(np.asarray(getattr(params, f.name), dtype=float), (n,))
        out[f.name] = value * _UNITS[f.metadata["unit"]]
    return out


class GroupSimulation:
    """A self-contained Brian2 network of one NeuronGroup, its monitors and its input.

    Attributes:
        network: the ``brian2.Network`` (objects named ``"neurons"``, ``"spikes"``,
            ``"state"``).
        group: the ``NeuronGroup``.
    """

    def __init__(self, model, n, params, dt, method, target, record, name):
        with _codegen_target(target):
            self._build(model, n, params, dt, method, target, record, name)

    def _build(self, model, n, params, dt, method, target, record, name):
        self.model, self.n, self.params, self.dt, self.target = model, n, params, dt, target
        self._ran = False
        self._device_ctx = None
        if target == "cpp_standalone":
            self._dir = tempfile.mkdtemp(prefix="neurosim_standalone_")
            b2.set_device("cpp_standalone", directory=self._dir, build_on_run=False)
            b2.device.reinit()
            b2.device.activate(directory=self._dir, build_on_run=False)
        self.namespace = {"stim": b2.TimedArray(np.zeros((1, n)) * _INPUT_UNIT[model][1],
                                                dt=dt * b2.ms)}
        kwargs = {}
        if model == "hodgkin_huxley":
            p = params
            self.namespace.update(
                c_m=p.c_m * b2.uF / b2.cm**2, g_na=p.g_na * b2.msiemens / b2.cm**2,
                g_k=p.g_k * b2.msiemens / b2.cm**2, g_l=p.g_l * b2.msiemens / b2.cm**2,
                e_na=p.e_na * b2.mV, e_k=p.e_k * b2.mV, e_l=p.e_l * b2.mV,
                v_offset=p.v_offset * b2.mV, phi=1.0)
            eqs = HH_EQUATIONS
            kwargs = {"threshold": "v > 0*mV", "refractory": "v > 0*mV"}
        elif model == "lif":
            eqs = LIF_EQUATIONS
            kwargs = {"threshold": "v >= v_th", "reset": "v = v_reset", "refractory": "t_ref"}
        elif model == "izhikevich":
            eqs = IZHIKEVICH_EQUATIONS
            kwargs = {"threshold": "v >= v_peak", "reset": "v = c; u += d"}
        else:
            eqs = ADEX_EQUATIONS
            kwargs = {"threshold": "v >= v_peak", "reset": "v = v_reset; w += b"}
        self.group = b2.NeuronGroup(n, eqs, method=method, namespace=self.namespace,
                                    dt=dt * b2.ms, name=f"{name}", **kwargs)
        self._initial_state()
        self.spike_monitor = b2.SpikeMonitor(self.group, name=f"{name}_spikes")
        self.state_monitor = b2.StateMonitor(self.group, list(record), record=True,
                                             dt=dt * b2.ms, name=f"{name}_state") \
            if record else None
        objs = [self.group, self.spike_monitor] + ([self.state_monitor] if record else [])
        self.network = b2.Network(*objs)
        self.record = tuple(record)

    def _initial_state(self):
        g, p, n = self.group, self.params, self.n
        if self.model == "hodgkin_huxley":
            from .._simulate_hh import hh_resting_state

            v, m, h, nn = hh_resting_state(p)
            g.v, g.m, g.h, g.n = v * b2.mV, m, h, nn
            return
        for key, value in _per_neuron(p, n).items():
            setattr(g, key, value)
        if self.model == "lif":
            g.v = g.v_rest[:]
        elif self.model == "izhikevich":
            g.v = -65 * b2.mV
            g.u = g.b[:] * g.v[:]
        else:
            g.v = g.e_l[:]

    def run(self, duration, stimulus=0.0) -> SimulationResult:
        """Run for ``duration`` ms with ``stimulus`` (as for the Numba simulate functions: a
        number, a Stimulus, one constant per neuron or a (steps, neurons) array) and return a
        :class:`~neurosim.result.SimulationResult`. Spike times are Brian2's: the time step at
        which the threshold condition first holds."""
        func = "GroupSimulation.run"
        if self._ran and self.target == "cpp_standalone":
            raise RuntimeError("A cpp_standalone network runs once; build a new one.")
        dur, dt, nsteps = _runner.time_grid(duration, self.dt, func, np.inf, "")
        unit_name, unit = _INPUT_UNIT[self.model]
        matrix, n_in, _, _ = _runner.stimulus_matrix(stimulus, nsteps, dt, func, unit_name)
        if n_in not in (1, self.n):
            raise param_error(func, "stimulus", f"one value per neuron of the group ({self.n})",
                              f"{n_in} columns")
        if matrix.shape[0] == 1:
            self.group.I_const = np.broadcast_to(matrix[0], (self.n,)) * unit
            self.namespace["stim"] = b2.TimedArray(np.zeros((1, self.n)) * unit,
                                                   dt=dt * b2.ms)
        else:
            self.group.I_const = 0 * unit
            full = np.ascontiguousarray(np.broadcast_to(matrix, (nsteps, self.n)))
            self.namespace["stim"] = b2.TimedArray(full * unit, dt=dt * b2.ms)
        with _codegen_target(self.target):
            self.network.run(dur * b2.ms, namespace={})
            if self.target == "cpp_standalone":
                b2.device.build(directory=self._dir, compile=True, run=True)
        self._ran = True
        result = self._result(dur)
        if self.target == "cpp_standalone":
            b2.device.reinit()
            b2.set_device("runtime")
        return result

    def _result(self, duration) -> SimulationResult:
        trains, counts = spike_trains(self.spike_monitor, self.n)
        traces = {}
        t = np.empty(0)
        if self.state_monitor is not None:
            t = np.asarray(self.state_monitor.t[:] / b2.ms)
            for name in self.record:
                values = getattr(self.state_monitor, name)[:]
                scale = {"v": b2.mV, "w": b2.nA}.get(name)
                arr = np.asarray(values / scale if scale is not None else values)
                traces[name] = arr.T
        v = traces.pop("v", None)
        return SimulationResult(
            t=t, v=v, spike_times=trains, spike_counts=counts,
            firing_rates=counts / (duration / 1000.0), stimulus=None, model=self.model,
            method=f"brian2 {self.group.state_updater.method_choice}", dt=self.dt,
            duration=duration, params=self.params, n_neurons=self.n,
            spike_threshold=float("nan"), traces=traces)


@contextlib.contextmanager
def _codegen_target(target: str):
    if target == "cpp_standalone":
        yield
        return
    old = b2.prefs.codegen.target
    b2.prefs.codegen.target = target
    try:
        yield
    finally:
        b2.prefs.codegen.target = old


def build_neuron_group(model, n=1, *, params=None, pattern=None, dt=None, method=None,
                       target="numpy", record=("v",), name="neurons") -> GroupSimulation:
    """A Brian2 NeuronGroup of any catalog model, with the catalog's parameters.

    Arguments:
        model: ``"hodgkin_huxley"`` (``"hh"``), ``"lif"``, ``"izhikevich"`` or ``"adex"``.
        n: number of neurons.
        params: parameters (default the catalog's; ``pattern`` picks a named set for
            Izhikevich and AdEx). Point-model parameters may be arrays, one value per neuron.
        dt: time step (ms); default 0.01 for HH and AdEx, 0.1 for LIF and Izhikevich.
        method: Brian2 integration method; default ``exponential_euler`` (HH), ``exact`` (LIF),
            ``euler`` (Izhikevich, as in the paper and the Numba integrator; AdEx, as in Brian2's
            examples: RK4 stages overshoot into the exponential's divergence at a spike).
        target: ``"numpy"`` (default: no compiler wait), ``"cython"`` or ``"cpp_standalone"``.
        record: state variables to record every step (``()`` for spikes only).
        name: the group's name (monitors are ``name + "_spikes"`` and ``name + "_state"``).

    Returns:
        :class:`GroupSimulation`; call ``.run(duration, stimulus)``.
    """
    func = "build_neuron_group"
    model = resolve_model(model, func)
    n = as_int(n, func, "n", low=1)
    target = as_choice(target, func, "target", TARGETS)
    if params is None:
        params = load_model(_CATALOG[model], pattern=pattern) if pattern or model in (
            "izhikevich", "adex") else load_model(_CATALOG[model])
    elif not isinstance(params, _PARAMS[model]):
        raise param_error(func, "params", f"a {_PARAMS[model].__name__}", params, TypeError)
    step = _DEFAULT_DT[model] if dt is None else dt
    step = _runner.time_grid(step, step, func, np.inf, "")[1]
    method = _DEFAULT_METHOD[model] if method is None else method
    if isinstance(record, str):
        record = (record,)
    return GroupSimulation(model, n, params, step, method, target, tuple(record), name)
