"""The withdrawal reflex arc: heat on the hand to a withdrawn arm, and the path to the cortex.

Stages (each a named NeuronGroup of ``n_per_stage`` neurons):

    receptors -> sensory -> interneurons -> flexor_motor -> flexor_muscle
                        \\-> inhibitory -| extensor_motor -> extensor_muscle
                        \\-> thalamus -> cortex

Heat receptors (A-delta heat nociceptors, type II AMHs) are rate coders (a phase that
advances at a rate rising linearly with skin temperature above the heat threshold, one spike
per cycle). Every other neuron is the lecture LIF neuron; synapses make voltage jumps
(``v_post += w``) after a delay equal to the axon's length over its conduction velocity plus
the synaptic delay. Each motor neuron drives one motor
unit whose twitch y(t) = (t / T) exp(1 - t / T) (peak 1 at the contraction time T) sums
linearly, so twitches fuse into a smooth contraction at high rates. The model stops at the first
cortical spikes: the processing between them and a reported "ouch" is not modelled, and the
result compares with the measured human reaction time instead of adding a fixed delay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import brian2 as b2
import numpy as np

from .._validation import as_choice, as_float, as_seed, param_error
from ..catalog import ReflexArcParams, load_model
from ..result import SimulationResult, SpikeTrains
from ..stimulus import Heat, heat
from ._groups import TARGETS, brian2_state

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
    """What a reflex-arc run measured. Times in ms from the start of the run (after the arc
    has settled; the settling is not part of the result).

    Attributes:
        stages: stage name -> :class:`~neurosim.result.SimulationResult` with ``t``, ``v`` (mV)
            of every neuron of the stage (for receptors: their rates in Hz, in
            ``traces["rate"]``; neuron 0 is the most sensitive), and ``spike_times``.
        t: the common time axis (ms). flexor_force, extensor_force: muscle force (in units of
            one motor unit's peak twitch force).
        latencies: stage name -> first spike after heat onset minus onset (ms; NaN if none).
        emg_latency: onset to the first muscle action potential of the flexor (the EMG onset):
            first flexor motor spike, motor conduction and neuromuscular delay (NaN if none).
        reflex_latency: onset to flexor force onset (5 % of one unit's twitch; NaN if none).
        cortex_latency: onset to the first cortical spike (what the model says about the brain;
            a conscious, reported "ouch" takes further processing the model does not contain).
        extensor_rate_before: the extensor motor neurons' steady rate before the heat (Hz,
            1 / mean inter-spike interval over the settled period).
        extensor_rate_during: their rate while reciprocal inhibition acts (Hz; NaN when no
            inhibition arrived while the heat was on).
        settle: how long the arc ran at rest before the result's t = 0 (ms).
    """

    stages: dict
    t: np.ndarray
    flexor_force: np.ndarray
    extensor_force: np.ndarray
    latencies: dict
    emg_latency: float
    reflex_latency: float
    cortex_latency: float
    extensor_rate_before: float
    extensor_rate_during: float
    onset: float
    heat_duration: float
    temperature: float
    params: ReflexArcParams
    lesions: tuple = ()
    block_inhibition: bool = False
    delays: dict = field(default_factory=dict)
    settle: float = 0.0

    @property
    def withdrew(self) -> bool:
        return bool(np.isfinite(self.reflex_latency))

    def condition(self) -> str:
        """What was changed from the intact arc, in words ('' for the intact arc)."""
        from ..catalog import load_model

        parts = [f"{stage} cut" for stage in self.lesions]
        if self.block_inhibition:
            parts.append("inhibition blocked")
        base = load_model("reflex_arc_withdrawal")
        for f in self.params.parameter_fields():
            if getattr(self.params, f.name) != getattr(base, f.name):
                parts.append(f"{f.name} = {getattr(self.params, f.name):g} {f.metadata['unit']}")
        return ", ".join(parts)

    def summary(self) -> str:
        """The run in plain sentences (what the command line prints); never 'nan'."""
        p = self.params
        lines = [f"Heat {self.temperature:g} C on the back of the hand from {self.onset:g} ms "
                 f"for {self.heat_duration:g} ms" + (f" ({self.condition()})"
                                                     if self.condition() else "") + ":"]
        for stage, lat in self.latencies.items():
            shown = "no spike" if not np.isfinite(lat) else f"{lat:6.1f} ms"
            lines.append(f"  {stage:16s} first spike after onset: {shown}")
        if self.withdrew:
            lines.append(f"  biceps EMG onset {self.emg_latency:.1f} ms (measured in people: "
                         f"{p.nwr_emg_latency:g} +- {p.nwr_emg_latency_sd:g} ms); withdrawal "
                         f"(force onset) {self.reflex_latency:.1f} ms")
        else:
            lines.append("  no reflex: the flexor muscle did not contract")
        if np.isfinite(self.cortex_latency):
            lines.append(f"  first cortical spikes {self.cortex_latency:.1f} ms after onset; a "
                         "reported 'ouch' needs further processing the model does not contain "
                         f"(measured reaction time to first heat pain: {p.reaction_time_low:g}"
                         f"-{p.reaction_time_high:g} ms)")
        else:
            lines.append("  the cortex received no spikes: no pain signal reached the brain")
        during = (f"{self.extensor_rate_during:.0f} Hz while inhibited"
                  if np.isfinite(self.extensor_rate_during)
                  else "not inhibited during the heat")
        lines.append(f"  extensor motor neurons: {self.extensor_rate_before:.1f} Hz before "
                     f"(steady state), {during}")
        return "\n".join(lines)


class ReflexArc:
    """A built reflex arc; ``run(stimulus, duration)`` returns a :class:`ReflexResult`. Every
    run starts from the same resting state (the arc need not be rebuilt)."""

    def __init__(self, params: ReflexArcParams, target: str, dt: float, lesions: tuple,
                 block_inhibition: bool, seed: int, settle: float):
        # connect() generates code: build under the chosen target (the default, 'auto', would
        # pick cython and compile)
        self.seed, self.settle = seed, settle
        with brian2_state(target):
            self._build(params, target, dt, lesions, block_inhibition)
            self.network.store("rest")

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
        # desynchronise the tonically firing extensor pool; the settling run lets it reach its
        # steady rate before any result is recorded
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
            name: b2.StateMonitor(g, "rate" if name == "receptors" else "v", record=True,
                                  dt=_TRACE_DT * b2.ms, name=f"{name}_trace")
            for name, g in self.groups.items()}
        self.force_monitors = {side: b2.StateMonitor(m, "y", record=True,
                                                     dt=_FORCE_DT * b2.ms, name=f"{side}_force")
                               for side, m in self.muscles.items()}
        self.network = b2.Network(*self.groups.values(), *self.muscles.values(),
                                  *self.synapses, *self.spike_monitors.values(),
                                  *self.state_monitors.values(),
                                  *self.force_monitors.values())

    def __getitem__(self, name):
        return self.network[name]

    def run(self, stimulus=None, duration=500.0) -> ReflexResult:
        """Settle at rest, then apply ``stimulus`` (``neurosim.stimulus.heat``; default 50 C
        from 20 ms for 200 ms) and run for ``duration`` ms. Each call starts from rest."""
        func = "ReflexArc.run"
        if stimulus is None:
            stimulus = heat(50.0, 20.0, 200.0, baseline=self.params.skin_temperature)
        if not isinstance(stimulus, Heat):
            raise param_error(func, "stimulus", "a heat stimulus (neurosim.stimulus.heat)",
                              stimulus, TypeError)
        dur = as_float(duration, func, "duration", "ms", low=0.0)
        if stimulus.onset >= dur:
            raise param_error(func, "duration", f"longer than the heat's onset "
                              f"({stimulus.onset:g} ms)", duration)
        settle_steps = round(self.settle / self.dt)
        nsteps = math.ceil(dur / self.dt - 1e-9)
        temps = np.concatenate([np.full(settle_steps, stimulus.baseline),
                                stimulus.sample(self.dt, nsteps)])
        with brian2_state(self.target):
            self.network.restore("rest")
            self.namespace["temp"] = b2.TimedArray(temps, dt=self.dt * b2.ms)
            self.network.run((settle_steps + nsteps) * self.dt * b2.ms, namespace={})
        return self._result(stimulus, dur, settle_steps * self.dt)

    def _result(self, stim: Heat, dur: float, settle: float) -> ReflexResult:
        p, onset = self.params, stim.onset
        lif = load_model("lif_lecture")
        force_t = np.asarray(self.force_monitors["flexor"].t[:] / b2.ms) - settle
        keep = force_t >= -1e-9
        t = force_t[keep]
        stages, latencies, all_times = {}, {}, {}
        for name in STAGES:
            mon = self.spike_monitors[name]
            ids = np.asarray(mon.i[:], dtype=np.int64)
            times = np.asarray(mon.t[:] / b2.ms) - settle
            all_times[name] = (ids, times)
            after = times >= -1e-9
            trains = SpikeTrains.from_pairs(ids[after], times[after], self.n)
            trace_mon = self.state_monitors[name]
            tt = np.asarray(trace_mon.t[:] / b2.ms) - settle
            tk = tt >= -1e-9
            traces, v = {}, None
            if name == "receptors":
                traces["rate"] = np.asarray(trace_mon.rate[:] / b2.Hz).T[tk]
            else:
                v = np.asarray(trace_mon.v[:] / b2.mV).T[tk]
            stages[name] = SimulationResult(
                t=tt[tk], v=v, spike_times=trains, stimulus=None,
                model="rate" if name == "receptors" else "lif", method="brian2", dt=self.dt,
                duration=dur, params=p if name == "receptors" else lif,
                spike_threshold=lif.v_th, traces=traces,
                units={"t": "ms", "v": "mV", "rate": "Hz"})
            later = times[times >= onset]
            latencies[name] = float(later.min() - onset) if later.size else float("nan")
        latencies["extensor_motor"] = float("nan")  # tonic: no onset latency
        flexor = p.unit_force * np.asarray(self.force_monitors["flexor"].y[:]).sum(axis=0)[keep]
        extensor = p.unit_force * np.asarray(
            self.force_monitors["extensor"].y[:]).sum(axis=0)[keep]
        above = np.flatnonzero((t >= onset) & (flexor > 0.05 * p.unit_force))
        reflex = float(t[above[0]] - onset) if above.size else float("nan")
        motor = latencies["flexor_motor"]
        emg = motor + self.delays["muscle"] if "flexor_motor" not in self.lesions and \
            np.isfinite(motor) else float("nan")
        ids, times = all_times["extensor_motor"]
        rate_before = _steady_rate(ids, times, -0.5 * settle, onset, self.n)
        inh = latencies["inhibitory"]
        w1 = min(stim.onset + stim.duration, dur)
        w0 = onset + inh + p.synaptic_delay if np.isfinite(inh) else np.inf
        if w1 > w0 and not self.block_inhibition and "extensor_motor" not in self.lesions:
            during = times[(times >= w0) & (times < w1)]
            rate_during = during.size / self.n / ((w1 - w0) / 1000.0)
        else:
            rate_during = float("nan")
        return ReflexResult(stages=stages, t=t, flexor_force=flexor, extensor_force=extensor,
                            latencies=latencies, emg_latency=emg, reflex_latency=reflex,
                            cortex_latency=latencies["cortex"],
                            extensor_rate_before=rate_before, extensor_rate_during=rate_during,
                            onset=onset, heat_duration=stim.duration,
                            temperature=stim.temperature, params=p, lesions=self.lesions,
                            block_inhibition=self.block_inhibition, delays=dict(self.delays),
                            settle=settle)


def _steady_rate(ids, times, t0, t1, n) -> float:
    """Mean over neurons of 1 / (mean inter-spike interval) of the spikes in [t0, t1) (Hz);
    NaN if no neuron fired twice there."""
    rates = []
    for k in range(n):
        s = np.sort(times[(ids == k) & (times >= t0) & (times < t1)])
        if s.size >= 2:
            rates.append(1000.0 * (s.size - 1) / (s[-1] - s[0]))
    return float(np.mean(rates)) if rates else float("nan")


def build_reflex_arc(params=None, *, lesions=(), block_inhibition=False, target="numpy",
                     dt=0.1, seed=0, settle=300.0) -> ReflexArc:
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
        settle: ms run at rest before every run's t = 0, so the tonically firing extensor
            pool is in its steady state when the result starts.

    Returns:
        :class:`ReflexArc`; ``arc.run(neurosim.stimulus.heat(50, 20, 200), duration=500)``.
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
    seed = as_seed(seed, func)
    rest = as_float(settle, func, "settle", "ms", low=0.0, low_open=False)
    return ReflexArc(params, target, step, tuple(lesions), block_inhibition, seed, rest)
