"""The withdrawal reflex arc: heat on the hand to a withdrawn arm, and the slower path to 'ouch'.

Stages (each a named NeuronGroup of ``n_per_stage`` neurons):

    receptors -> sensory -> interneurons -> flexor_motor -> flexor_muscle
                        \\-> inhibitory -| extensor_motor -> extensor_muscle
                        \\-> thalamus -> cortex   (conscious perception, then a voluntary act)

Heat receptors are rate coders (a phase that advances at a rate rising linearly with skin
temperature above the heat threshold, one spike per cycle). Every other neuron is the lecture
LIF neuron; synapses make voltage jumps (``v_post += w``) after a delay equal to the axon's
length over its conduction velocity plus the synaptic delay. Each motor neuron drives one motor
unit whose twitch y(t) = (t / T) exp(1 - t / T) (peak 1 at the contraction time T) sums
linearly, so twitches fuse into a smooth contraction at high rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import brian2 as b2
import numpy as np

from .._validation import as_choice, as_float, as_int, param_error
from ..catalog import ReflexArcParams, load_model
from ..result import SimulationResult
from ..stimulus import Heat, heat
from ._groups import TARGETS, _codegen_target, spike_trains

_TRACE_DT = 0.2  # ms between samples of the representative membrane traces
_FORCE_DT = 0.5  # ms between samples of muscle force (a twitch takes tens of ms)
STAGES = ("receptors", "sensory", "interneurons", "flexor_motor", "inhibitory",
          "extensor_motor", "thalamus", "cortex")
_LIF_EQS = """
dv/dt = (v_rest - v + r_m*I)/tau_m : volt (unless refractory)
I : amp (constant)
"""
_RECEPTOR_EQS = """
dphase/dt = rate : 1
rate = clip(gain*(temp(t) - heat_threshold), 0*Hz, rate_max) : Hz
gain : Hz (constant)
"""
_MUSCLE_EQS = """
dx/dt = -x/twitch_time : 1
dy/dt = (x - y)/twitch_time : 1
"""


@dataclass
class ReflexResult:
    """What a reflex-arc run measured. Times in ms from the start of the run.

    Attributes:
        stages: stage name -> :class:`~neurosim.result.SimulationResult` with ``t``, ``v`` (mV)
            of the stage's most sensitive neuron (for receptors: its rate in Hz, in
            ``traces["rate"]``), and ``spike_times`` of every neuron.
        t: the common time axis (ms). flexor_force, extensor_force: muscle force (in units of
            one motor unit's peak twitch).
        latencies: stage name -> first spike after stimulus onset minus onset (ms; NaN if none).
        reflex_latency: stimulus onset to flexor force onset (5 % of one unit's twitch).
        perception_latency: onset to conscious perception (first cortical spike plus the
            cortical processing time). voluntary_latency: onset to a voluntary contraction.
        extensor_rate_before, extensor_rate_during: extensor motor neuron rate (Hz) before the
            stimulus and while the reflex inhibits it.
    """

    stages: dict
    t: np.ndarray
    flexor_force: np.ndarray
    extensor_force: np.ndarray
    latencies: dict
    reflex_latency: float
    perception_latency: float
    voluntary_latency: float
    extensor_rate_before: float
    extensor_rate_during: float
    onset: float
    heat_duration: float
    temperature: float
    params: ReflexArcParams
    lesions: tuple = ()
    block_inhibition: bool = False
    delays: dict = field(default_factory=dict)

    @property
    def withdrew(self) -> bool:
        return bool(np.isfinite(self.reflex_latency))


class ReflexArc:
    """A built reflex arc; ``run(stimulus, duration)`` returns a :class:`ReflexResult`."""

    def __init__(self, params: ReflexArcParams, target: str, dt: float, lesions: tuple,
                 block_inhibition: bool, seed: int):
        # connect() generates code: build under the chosen target (the default, 'auto', would
        # pick cython and compile)
        self.seed = seed
        with _codegen_target(target):
            self._build(params, target, dt, lesions, block_inhibition)

    def _build(self, params, target, dt, lesions, block_inhibition):
        self.params, self.target, self.dt = params, target, dt
        self.lesions, self.block_inhibition = lesions, block_inhibition
        p = params
        lif = load_model("lif_lecture")
        n = int(p.n_per_stage)
        self.n = n
        self.namespace = {
            "v_rest": lif.v_rest * b2.mV, "r_m": lif.r_m * b2.Mohm, "tau_m": lif.tau_m * b2.ms,
            "heat_threshold": p.heat_threshold, "rate_max": p.rate_max * b2.Hz,
            "twitch_time": p.twitch_time * b2.ms,
            "temp": b2.TimedArray(np.array([p.skin_temperature]), dt=dt * b2.ms),
        }
        ns = self.namespace
        self.groups = {}
        rec = b2.NeuronGroup(n, _RECEPTOR_EQS, threshold="phase >= 1", reset="phase -= 1",
                             method="euler", namespace=ns, dt=dt * b2.ms, name="receptors")
        spread = np.linspace(1.0 + p.gain_spread, 1.0 - p.gain_spread, n) if n > 1 else [1.0]
        rec.gain = np.asarray(spread) * p.rate_gain * b2.Hz
        self.groups["receptors"] = rec
        for name in STAGES[1:]:
            g = b2.NeuronGroup(n, _LIF_EQS, threshold=f"v >= {lif.v_th}*mV",
                               reset=f"v = {lif.v_reset}*mV", refractory=lif.t_ref * b2.ms,
                               method="exact", namespace=ns, dt=dt * b2.ms, name=name)
            g.v = lif.v_rest * b2.mV
            self.groups[name] = g
        ext = self.groups["extensor_motor"]
        ext.I = p.extensor_drive * b2.nA
        # desynchronise the tonically firing extensor pool
        ext.v = np.linspace(lif.v_reset, lif.v_th - 0.5, n) * b2.mV
        self.muscles = {}
        for side in ("flexor", "extensor"):
            self.muscles[side] = b2.NeuronGroup(n, _MUSCLE_EQS, method="exact", namespace=ns,
                                                dt=dt * b2.ms, name=f"{side}_muscle")

        d_aff = p.hand_to_cord / p.v_sensory * 1000.0  # ms
        d_mot = p.cord_to_muscle / p.v_motor * 1000.0
        d_asc = p.cord_to_thalamus / p.v_spinothalamic * 1000.0
        d_tc = p.thalamus_to_cortex / p.v_thalamocortical * 1000.0
        syn = p.synaptic_delay
        self.delays = {"sensory": 0.0, "interneurons": d_aff + syn, "inhibitory": d_aff + syn,
                       "flexor_motor": syn, "extensor_motor": syn,
                       "thalamus": d_aff + d_asc + syn, "cortex": d_tc + syn,
                       "muscle": d_mot + p.nmj_delay}
        w_exc, w_inh = p.w_exc, 0.0 if block_inhibition else p.w_inh
        # (pre, post, weight in mV, delay in ms, one-to-one?)
        wiring = [
            ("receptors", "sensory", 20.0, dt, True),
            ("sensory", "interneurons", w_exc, self.delays["interneurons"], False),
            ("sensory", "inhibitory", w_exc, self.delays["inhibitory"], False),
            ("sensory", "thalamus", w_exc, self.delays["thalamus"], False),
            ("interneurons", "flexor_motor", w_exc, syn, False),
            ("inhibitory", "extensor_motor", -w_inh, syn, False),
            ("thalamus", "cortex", w_exc, self.delays["cortex"], False),
        ]
        self.synapses = []
        rng = np.random.default_rng(self.seed)
        for pre, post, w, delay, one_to_one in wiring:
            if pre in lesions or post in lesions:
                continue
            s = b2.Synapses(self.groups[pre], self.groups[post], on_pre=f"v_post += {w}*mV",
                            delay=delay * b2.ms, namespace=ns, dt=dt * b2.ms,
                            name=f"{pre}_to_{post}")
            if one_to_one:
                s.connect(j="i")
            else:  # each neuron draws fan_in distinct presynaptic neurons (seeded)
                pre_idx = np.concatenate([rng.choice(n, int(p.fan_in), replace=False)
                                          for _ in range(n)])
                s.connect(i=pre_idx, j=np.repeat(np.arange(n), int(p.fan_in)))
            self.synapses.append(s)
        for side in ("flexor", "extensor"):
            if f"{side}_motor" in lesions:
                continue
            s = b2.Synapses(self.groups[f"{side}_motor"], self.muscles[side],
                            on_pre="x_post += 2.718281828459045",
                            delay=self.delays["muscle"] * b2.ms, namespace=ns, dt=dt * b2.ms,
                            name=f"{side}_nmj")
            s.connect(j="i")
            self.synapses.append(s)
        self.spike_monitors = {name: b2.SpikeMonitor(g, name=f"{name}_spikes")
                               for name, g in self.groups.items()}
        self.state_monitors = {
            name: b2.StateMonitor(g, "rate" if name == "receptors" else "v", record=[0],
                                  dt=_TRACE_DT * b2.ms, name=f"{name}_trace")
            for name, g in self.groups.items()}
        self.force_monitors = {side: b2.StateMonitor(m, "y", record=True,
                                                     dt=_FORCE_DT * b2.ms, name=f"{side}_force")
                               for side, m in self.muscles.items()}
        self.network = b2.Network(*self.groups.values(), *self.muscles.values(),
                                  *self.synapses, *self.spike_monitors.values(),
                                  *self.state_monitors.values(),
                                  *self.force_monitors.values())
        self._ran = False

    def __getitem__(self, name):
        return self.network[name]

    def run(self, stimulus=None, duration=400.0) -> ReflexResult:
        """Apply ``stimulus`` (``neurosim.stimulus.heat``; default 50 C from 20 ms for 200 ms)
        and run for ``duration`` ms."""
        func = "ReflexArc.run"
        if stimulus is None:
            stimulus = heat(50.0, 20.0, 200.0, baseline=self.params.skin_temperature)
        if not isinstance(stimulus, Heat):
            raise param_error(func, "stimulus", "a heat stimulus (neurosim.stimulus.heat)",
                              stimulus, TypeError)
        dur = as_float(duration, func, "duration", "ms", low=0.0)
        if self._ran:
            raise RuntimeError("This reflex arc has run already; build a new one for a new run "
                               "(each run starts from rest).")
        nsteps = math.ceil(dur / self.dt - 1e-9)
        temps = stimulus.sample(self.dt, nsteps)
        self.namespace["temp"] = b2.TimedArray(temps, dt=self.dt * b2.ms)
        with _codegen_target(self.target):
            self.network.run(dur * b2.ms, namespace={})
        self._ran = True
        return self._result(stimulus, dur)

    def _result(self, stim: Heat, dur: float) -> ReflexResult:
        p, onset = self.params, stim.onset
        t = np.asarray(self.force_monitors["flexor"].t[:] / b2.ms)
        stages, latencies = {}, {}
        for name in STAGES:
            trains, counts = spike_trains(self.spike_monitors[name], self.n)
            times = trains.times
            trace_mon = self.state_monitors[name]
            traces = {}
            if name == "receptors":
                v = None
                traces["rate"] = np.asarray(trace_mon.rate[0] / b2.Hz)
            else:
                v = np.asarray(trace_mon.v[0] / b2.mV)
            stages[name] = SimulationResult(
                t=np.asarray(trace_mon.t[:] / b2.ms), v=v, spike_times=trains,
                spike_counts=counts, firing_rates=counts / (dur / 1000.0), stimulus=None,
                model="rate" if name == "receptors" else "lif", method="brian2",
                dt=self.dt, duration=dur, params=p, n_neurons=self.n, spike_threshold=-55.0,
                traces=traces)
            after = times[times >= onset]
            latencies[name] = float(after.min() - onset) if after.size else float("nan")
        latencies["extensor_motor"] = float("nan")  # tonic: no onset latency
        flexor = p.unit_force * np.asarray(self.force_monitors["flexor"].y[:]).sum(axis=0)
        extensor = p.unit_force * np.asarray(self.force_monitors["extensor"].y[:]).sum(axis=0)
        above = np.flatnonzero((t >= onset) & (flexor > 0.05 * p.unit_force))
        reflex = float(t[above[0]] - onset) if above.size else float("nan")
        cortex = latencies["cortex"]
        perception = cortex + p.cortical_processing if np.isfinite(cortex) else float("nan")
        # command leaves cortex, runs down to the cord, then the motor path (conduction + NMJ)
        voluntary = (perception + p.voluntary_delay + p.cortex_to_cord / p.v_corticospinal
                     * 1000.0 + self.delays["muscle"])
        ext_times = np.asarray(self.spike_monitors["extensor_motor"].t[:] / b2.ms)
        before = ext_times[ext_times < onset]
        rate_before = before.size / self.n / (onset / 1000.0) if onset > 0 else float("nan")
        inh = latencies["inhibitory"]
        if np.isfinite(inh):
            w0 = onset + inh + p.synaptic_delay
            w1 = min(stim.onset + stim.duration, dur)
            during = ext_times[(ext_times >= w0) & (ext_times < w1)]
            rate_during = during.size / self.n / max((w1 - w0) / 1000.0, 1e-9)
        else:
            rate_during = float("nan")
        return ReflexResult(stages=stages, t=t, flexor_force=flexor, extensor_force=extensor,
                            latencies=latencies, reflex_latency=reflex,
                            perception_latency=perception, voluntary_latency=voluntary,
                            extensor_rate_before=rate_before, extensor_rate_during=rate_during,
                            onset=onset, heat_duration=stim.duration,
                            temperature=stim.temperature, params=p,
                            lesions=self.lesions, block_inhibition=self.block_inhibition,
                            delays=dict(self.delays))


def build_reflex_arc(params=None, *, lesions=(), block_inhibition=False, target="numpy",
                     dt=0.1, seed=0) -> ReflexArc:
    """Build the withdrawal reflex arc from ``models/reflex_arc_withdrawal.toml``.

    Arguments:
        params: a :class:`~neurosim.catalog.ReflexArcParams` (default the catalog's); change a
            number with ``params.replace(v_sensory=5.0)`` (slower fibres: longer latency).
        lesions: stage names to cut out (their synapses are removed), e.g.
            ``("interneurons",)``: no reflex.
        block_inhibition: silence the inhibitory interneurons' synapses (strychnine-like):
            the extensor keeps firing during the reflex (co-contraction).
        target: Brian2 code generation target, ``"numpy"`` (default) or ``"cython"``.
        dt: time step (ms).
        seed: seeds the random choice of each neuron's presynaptic partners.

    Returns:
        :class:`ReflexArc`; ``arc.run(neurosim.stimulus.heat(50, 20, 200), duration=400)``.
    """
    func = "build_reflex_arc"
    if params is None:
        params = load_model("reflex_arc_withdrawal")
    elif not isinstance(params, ReflexArcParams):
        raise param_error(func, "params", "a ReflexArcParams (neurosim.load_model("
                          "'reflex_arc_withdrawal'))", params, TypeError)
    if isinstance(lesions, str):
        lesions = (lesions,)
    for name in lesions:
        as_choice(name, func, "lesions", STAGES)
    if not isinstance(block_inhibition, bool):
        raise param_error(func, "block_inhibition", "True or False", block_inhibition,
                          TypeError)
    target = as_choice(target, func, "target", TARGETS[:2])
    step = as_float(dt, func, "dt", "ms", low=0.0, high=1.0)
    seed = as_int(seed, func, "seed", low=0)
    return ReflexArc(params, target, step, tuple(lesions), block_inhibition, seed)
