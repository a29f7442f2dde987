"""The withdrawal reflex arc as a network: heat on the hand to a withdrawn arm, and the path
to the cortex, run by either network engine.

Stages (each a population of ``n_per_stage`` neurons):

    receptors -> sensory -> interneurons -> flexor_motor -> flexor muscle
                        \\-> inhibitory -| extensor_motor -> extensor muscle
                        \\-> thalamus -> cortex

Heat receptors (A-delta heat nociceptors, type II AMHs) are rate coders: a phase advancing
at a rate that rises linearly with skin temperature above the heat threshold, one spike per
cycle; they depend on nothing else in the arc, so their spikes are computed first and enter the
network as a spike source. Every other neuron is the lecture LIF neuron; synapses make voltage
jumps after a delay equal to the axon's length over its conduction velocity plus the synaptic
delay (on the time grid). Each motor neuron drives one motor unit whose twitch
y(t) = (t / T) exp(1 - t / T) (peak 1 at the contraction time T) sums linearly, so twitches fuse
into a smooth contraction at high rates; the force is that sum, evaluated from the motor
spikes. The model stops at the first cortical spikes: the processing between them and a
reported "ouch" is not modelled, and the result compares with the measured human reaction
time instead of adding a fixed delay.

    >>> from neurosim import reflex, stimulus
    >>> res = reflex.run_reflex_arc(stimulus.heat(50, 20, 200), duration=400)
    >>> print(res.summary())
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._core.validation import as_bool, as_choice, as_float, as_seed, deprecated, param_error
from .catalog import ReflexArcParams, load_model
from .network import Network, Population, Projection, SpikeSource
from .result import SimulationResult, SpikeTrains, Summarised, listed
from .stimulus import Heat, heat

__all__ = ["STAGES", "ReflexResult", "reflex_arc_network", "run_reflex_arc"]

TRACE_DT = 0.2  # ms between samples of the membrane traces
FORCE_DT = 0.5  # ms between samples of muscle force (a twitch takes tens of ms)
STAGES = ("receptors", "sensory", "interneurons", "flexor_motor", "inhibitory",
          "extensor_motor", "thalamus", "cortex")


@dataclass(repr=False)
class ReflexResult(Summarised):
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

    def _summary(self):
        def ms(x):
            return f"{x:.1f} ms" if np.isfinite(x) else "none"

        rows = [("heat", f"{self.temperature:g} C from {self.onset:g} ms for "
                 f"{self.heat_duration:g} ms"),
                ("condition", self.condition() or "intact arc"),
                ("EMG onset", ms(self.emg_latency)),
                ("withdrawal", ms(self.reflex_latency)),
                ("cortex", ms(self.cortex_latency)),
                ("stages", listed(self.stages, 8))]
        return "ReflexResult", rows

    def condition(self) -> str:
        """What was changed from the intact arc, in words ('' for the intact arc)."""
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


def _check(func, params, lesions, block_inhibition, dt, seed, settle):
    if params is None:
        params = load_model("reflex_arc_withdrawal")
    elif not isinstance(params, ReflexArcParams):
        raise param_error(func, "params", "a ReflexArcParams (neurosim.load_model("
                          "'reflex_arc_withdrawal'))", params, TypeError)
    if isinstance(lesions, str):
        lesions = (lesions,)
    if not hasattr(lesions, "__iter__"):
        raise param_error(func, "lesions", f"stages to cut, of {', '.join(STAGES)}", lesions,
                          TypeError)
    for name in lesions:
        as_choice(name, func, "lesions", STAGES)
    as_bool(block_inhibition, func, "block_inhibition")
    step = as_float(dt, func, "dt", "ms", low=0.0, high=1.0)
    seed = as_seed(seed, func)
    rest = as_float(settle, func, "settle", "ms", low=0.0, low_open=False)
    return params, tuple(lesions), block_inhibition, step, seed, rest


def _stimulus(func, stimulus, duration, params):
    if stimulus is None:
        stimulus = heat(50.0, 20.0, 200.0, baseline=params.skin_temperature)
    if not isinstance(stimulus, Heat):
        raise param_error(func, "stimulus", "a heat stimulus (neurosim.stimulus.heat)",
                          stimulus, TypeError)
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    if stimulus.onset >= dur:
        raise param_error(func, "duration", f"longer than the heat's onset "
                          f"({stimulus.onset:g} ms)", duration)
    return stimulus, dur


def delays(params: ReflexArcParams) -> dict:
    """Each stage's input delay (ms): conduction (length / velocity) plus the synaptic delay;
    ``"muscle"``: motor conduction plus neuromuscular transmission."""
    p = params
    d_aff = p.hand_to_cord / p.v_sensory * 1000.0
    d_mot = p.cord_to_muscle / p.v_motor * 1000.0
    d_asc = p.cord_to_thalamus / p.v_spinothalamic * 1000.0
    d_tc = p.thalamus_to_cortex / p.v_thalamocortical * 1000.0
    syn = p.synaptic_delay
    return {"sensory": 0.0, "interneurons": d_aff + syn, "inhibitory": d_aff + syn,
            "flexor_motor": syn, "extensor_motor": syn, "thalamus": d_aff + d_asc + syn,
            "cortex": d_tc + syn, "muscle": d_mot + p.nmj_delay}


def receptor_rates(params: ReflexArcParams, temps: np.ndarray) -> np.ndarray:
    """The receptors' rates (Hz; steps x receptors) at skin temperatures ``temps`` (C): linear
    above the heat threshold, capped; receptor 0 is the most sensitive."""
    p = params
    n = int(p.n_per_stage)
    spread = np.linspace(1.0 + p.gain_spread, 1.0 - p.gain_spread, n) if n > 1 else \
        np.ones(1)
    gain = spread * p.rate_gain
    return np.clip(gain[None, :] * (np.asarray(temps)[:, None] - p.heat_threshold), 0.0,
                   p.rate_max)


def receptor_spikes(rates: np.ndarray, dt: float) -> tuple:
    """Each receptor's spike times (ms): its phase advances by rate x dt a step (the rate at
    the step's start), and a spike ends the step in which the phase reaches a whole cycle."""
    phase = np.cumsum(rates * (dt / 1000.0), axis=0)
    cycles = np.floor(phase + 1e-12)
    fired = np.diff(np.vstack([np.zeros((1, rates.shape[1])), cycles]), axis=0) > 0
    return tuple((np.flatnonzero(fired[:, k]) + 1) * dt for k in range(rates.shape[1]))


def reflex_arc_network(*args, stimulus=None, duration=500.0, params=None, lesions=(),
                       block_inhibition=False, dt=0.1, seed=0, settle=300.0):
    """The arc for one heat stimulus as a :class:`neurosim.Network` (the receptors' spikes
    computed from the stimulus, preceded by ``settle`` ms at the baseline temperature), with
    every neuron's V recorded. Arguments as for :func:`run_reflex_arc`, in its order:
    ``reflex_arc_network(stimulus, duration, params=...)`` (the old order, parameters first,
    works for this release, with a warning)."""
    func = "reflex_arc_network"
    if len(args) > 3:
        raise TypeError(f"{func}() takes at most 2 positional arguments ({len(args)} given)")
    if len(args) == 3 or (args and isinstance(args[0], ReflexArcParams)):
        deprecated(func, "(params, stimulus, duration)", "(stimulus, duration, params=...)")
        old = dict(zip(("params", "stimulus", "duration"), args, strict=False))
        params = old.get("params", params)
        stimulus, duration = old.get("stimulus", stimulus), old.get("duration", duration)
    elif args:
        stimulus = args[0]
        duration = args[1] if len(args) > 1 else duration
    params, lesions, block, dt, seed, settle = _check(func, params, lesions, block_inhibition,
                                                       dt, seed, settle)
    stimulus, dur = _stimulus(func, stimulus, duration, params)
    return _network(params, stimulus, dur, lesions, block, dt, seed, settle)[0]


def _network(p, stim, dur, lesions, block, dt, seed, settle):
    lif = load_model("lif_lecture")
    n = int(p.n_per_stage)
    settle_steps = round(settle / dt)
    nsteps = math.ceil(dur / dt - 1e-9)
    temps = np.concatenate([np.full(settle_steps, stim.baseline), stim.sample(dt, nsteps)])
    rates = receptor_rates(p, temps)
    pops = [SpikeSource("receptors", receptor_spikes(rates, dt))]
    for name in STAGES[1:]:
        over, v0 = {}, None
        if name == "extensor_motor":
            # tonic drive (posture), desynchronised; the settling lets the pool reach its
            # steady rate before the result starts
            over = {"i_ext": p.extensor_drive}
            v0 = np.linspace(lif.v_reset, lif.v_th - 0.5, n)
        pops.append(Population(name, "lif", n, params=lif, overrides=over, v0=v0))
    d = delays(p)
    w_exc, w_inh = p.w_exc, 0.0 if block else p.w_inh
    # (pre, post, weight in mV, delay in ms, one-to-one?)
    wiring = [("receptors", "sensory", 20.0, dt, True),
              ("sensory", "interneurons", w_exc, d["interneurons"], False),
              ("sensory", "inhibitory", w_exc, d["inhibitory"], False),
              ("sensory", "thalamus", w_exc, d["thalamus"], False),
              ("interneurons", "flexor_motor", w_exc, d["flexor_motor"], False),
              ("inhibitory", "extensor_motor", -w_inh, d["extensor_motor"], False),
              ("thalamus", "cortex", w_exc, d["cortex"], False)]
    projs = []
    rng = np.random.default_rng(seed)
    for pre, post, w, delay, one_to_one in wiring:
        if pre in lesions or post in lesions:
            continue
        delay = max(round(delay / dt), 1) * dt  # on the time grid
        if one_to_one:
            projs.append(Projection(pre, post, weight=w, delay=delay, connect="one_to_one"))
            continue
        # each neuron draws fan_in distinct presynaptic neurons (seeded)
        k = int(p.fan_in)
        pre_idx = np.concatenate([rng.choice(n, k, replace=False) for _ in range(n)])
        projs.append(Projection(pre, post, weight=w, delay=delay, connect="explicit",
                                pre_idx=pre_idx.astype(np.int64),
                                post_idx=np.repeat(np.arange(n), k)))
    net = Network(populations=tuple(pops), projections=tuple(projs),
                  record_v={name: np.arange(n) for name in STAGES[1:]}, dt=dt,
                  name="reflex_arc_withdrawal",
                  description="Heat-evoked withdrawal reflex of the arm.",
                  citation=str(p.citation), source="reflex_arc_network")
    return net, rates, settle_steps, nsteps


def twitch_force(spike_times: np.ndarray, delay: float, params, t: np.ndarray) -> np.ndarray:
    """The summed twitch force (units of one motor unit's peak) at times ``t`` of motor units
    whose neurons spiked at ``spike_times`` (ms), each twitch starting ``delay`` later."""
    T = params.twitch_time
    out = np.zeros(t.size)
    for s in np.asarray(spike_times, dtype=float):
        x = (t - s - delay) / T
        on = x > 0
        out[on] += x[on] * np.exp(1.0 - x[on])
    return params.unit_force * out


def run_reflex_arc(stimulus=None, duration=500.0, *, params=None, lesions=(),
                   block_inhibition=False, engine="numba", target="numpy", dt=0.1, seed=0,
                   settle=300.0) -> ReflexResult:
    """Run the withdrawal reflex arc of ``models/reflex_arc_withdrawal.toml``.

    Arguments:
        stimulus: skin temperature, ``neurosim.stimulus.heat`` (default 50 C from 20 ms for
            200 ms).
        duration: ms after the settling.
        params: a :class:`~neurosim.catalog.ReflexArcParams` (default the catalog's); change
            a number with ``params.replace(v_sensory=5.0)`` (slower fibres: longer latency).
        lesions: stage names to cut out (their synapses are removed), e.g.
            ``("interneurons",)``: no reflex.
        block_inhibition: silence the inhibitory interneurons' synapses (strychnine-like):
            the extensor keeps firing during the reflex (co-contraction).
        engine: ``"numba"`` (the default) or ``"brian2"`` (on ``target``), as for
            :meth:`neurosim.Network.run`; both run the same spec and graph.
        dt: time step (ms). seed: seeds each neuron's choice of presynaptic partners.
        settle: ms run at the baseline temperature before the result's t = 0, so the
            tonically firing extensor pool is in its steady state when the result starts.

    Returns:
        :class:`ReflexResult`.
    """
    func = "run_reflex_arc"
    params, lesions, block, dt, seed, settle = _check(func, params, lesions, block_inhibition,
                                                       dt, seed, settle)
    stimulus, dur = _stimulus(func, stimulus, duration, params)
    return _run(params, stimulus, dur, lesions, block, engine, target, dt, seed, settle)


def _run(params, stimulus, dur, lesions, block, engine, target, dt, seed, settle):
    """:func:`run_reflex_arc` after its checks."""
    net, rates, settle_steps, nsteps = _network(params, stimulus, dur, lesions, block, dt,
                                                seed, settle)
    res = net.run((settle_steps + nsteps) * dt, engine=engine, target=target, seed=seed)
    return _result(net, res, rates, params, stimulus, dur, settle_steps, dt, lesions, block,
                   engine)


def _result(net, res, rates, p, stim, dur, settle_steps, dt, lesions, block, engine):
    lif = load_model("lif_lecture")
    n = int(p.n_per_stage)
    settle = settle_steps * dt
    onset = stim.onset
    d = delays(p)
    every = max(1, round(TRACE_DT / dt))
    rows = settle_steps + np.arange(0, round(dur / dt), every)
    t_trace = (rows - settle_steps) * dt
    stages, latencies, all_times = {}, {}, {}
    for name in STAGES:
        if name == "receptors":
            train_list = net.population("receptors").times
            ids = np.concatenate([np.full(tr.size, k) for k, tr in enumerate(train_list)])
            times = np.concatenate(train_list)
        else:
            trains = res.spike_times[name]
            ids = np.repeat(np.arange(n), np.diff(trains.offsets))
            times = np.asarray(trains.flat)
        times = times - settle
        all_times[name] = (ids, times)
        after = times >= -1e-9
        traces, v = {}, None
        if name == "receptors":
            traces["rate"] = rates[rows]
        else:
            v = res.v[name][rows]
        stages[name] = SimulationResult(
            t=t_trace, v=v, spike_times=SpikeTrains.from_pairs(ids[after], times[after], n),
            stimulus=None, model="rate" if name == "receptors" else "lif", method=engine,
            dt=dt, duration=dur, params=p if name == "receptors" else lif,
            spike_threshold=lif.v_th, traces=traces,
            units={"t": "ms", "v": "mV", "rate": "Hz"})
        later = times[times >= onset]
        latencies[name] = float(later.min() - onset) if later.size else float("nan")
    latencies["extensor_motor"] = float("nan")  # tonic: no onset latency
    t = np.arange(0.0, dur, FORCE_DT)
    force = {}
    for side in ("flexor", "extensor"):
        ids, times = all_times[f"{side}_motor"]
        force[side] = np.zeros(t.size) if f"{side}_motor" in lesions else \
            twitch_force(times, d["muscle"], p, t)
    flexor = force["flexor"]
    above = np.flatnonzero((t >= onset) & (flexor > 0.05 * p.unit_force))
    reflex = float(t[above[0]] - onset) if above.size else float("nan")
    motor = latencies["flexor_motor"]
    emg = motor + d["muscle"] if "flexor_motor" not in lesions and np.isfinite(motor) \
        else float("nan")
    ids, times = all_times["extensor_motor"]
    rate_before = _steady_rate(ids, times, -0.5 * settle, onset, n)
    inh = latencies["inhibitory"]
    w1 = min(stim.onset + stim.duration, dur)
    w0 = onset + inh + p.synaptic_delay if np.isfinite(inh) else np.inf
    if w1 > w0 and not block and "extensor_motor" not in lesions:
        during = times[(times >= w0) & (times < w1)]
        rate_during = during.size / n / ((w1 - w0) / 1000.0)
    else:
        rate_during = float("nan")
    return ReflexResult(stages=stages, t=t, flexor_force=flexor, extensor_force=force["extensor"],
                        latencies=latencies, emg_latency=emg, reflex_latency=reflex,
                        cortex_latency=latencies["cortex"], extensor_rate_before=rate_before,
                        extensor_rate_during=rate_during, onset=onset,
                        heat_duration=stim.duration, temperature=stim.temperature, params=p,
                        lesions=lesions, block_inhibition=block, delays=d, settle=settle)


def _steady_rate(ids, times, t0, t1, n) -> float:
    """Mean over neurons of 1 / (mean inter-spike interval) of the spikes in [t0, t1) (Hz);
    NaN if no neuron fired twice there."""
    rates = []
    for k in range(n):
        s = np.sort(times[(ids == k) & (times >= t0) & (times < t1)])
        if s.size >= 2:
            rates.append(1000.0 * (s.size - 1) / (s[-1] - s[0]))
    return float(np.mean(rates)) if rates else float("nan")
