"""Analysis of recorded traces: spikes, rates and the phases of an action potential; the
statistics of spiking networks (CV of ISI, Fano factor, synchrony, rate spectrum) and Brunel's
mean-field rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import registry
from ._core.validation import as_finite_array, as_float, as_int, as_pair, param_error, renamed
from ._simulate import simulate
from .result import SimulationResult, SpikeTrains

__all__ = [
    "ActionPotentialPhases",
    "FICurve",
    "RefractoryPeriods",
    "action_potential_phases",
    "binned_counts",
    "brunel_gain",
    "brunel_rate",
    "cv_isi",
    "detect_spikes",
    "fano_factor",
    "fi_curve",
    "firing_rate",
    "lif_rate",
    "pulse_threshold",
    "rate_spectrum",
    "refractory_periods",
    "siegert_rate",
    "synchrony",
]


def detect_spikes(t, v, spike_threshold=0.0, **old) -> np.ndarray:
    """Times (ms) where ``v`` crosses ``spike_threshold`` (mV) upwards, linearly interpolated.

    Arguments:
        t: times (ms), 1-D, increasing.
        v: voltages (mV), same length as ``t`` (or shape (len(t), n_neurons)).
        spike_threshold: crossing level (mV), the name ``simulate`` and the cable engine use
            (``threshold=`` is its old name: it works for this release, with a warning).

    Returns:
        An array of crossing times, or a list of arrays (one per column) for 2-D ``v``.
    """
    t = as_finite_array(t, "detect_spikes", "t", "ms")
    v = as_finite_array(v, "detect_spikes", "v", "mV")
    spike_threshold = renamed("detect_spikes", old, "threshold", "spike_threshold",
                              spike_threshold, 0.0)
    th = as_float(spike_threshold, "detect_spikes", "spike_threshold", "mV")
    if t.ndim != 1 or v.shape[:1] != t.shape or v.ndim > 2:
        raise param_error("detect_spikes", "v", f"an array of shape ({t.size},) or "
                          f"({t.size}, n_neurons) to match t", v)
    if v.ndim == 2:
        return [detect_spikes(t, v[:, j], th) for j in range(v.shape[1])]
    k = np.flatnonzero((v[:-1] < th) & (v[1:] >= th))
    frac = (th - v[k]) / (v[k + 1] - v[k])
    return t[k] + frac * (t[k + 1] - t[k])


def firing_rate(spike_times, duration, *, start=0.0) -> float | np.ndarray:
    """Spikes per second (Hz) in the window [start, duration) ms.

    ``spike_times`` is one neuron's spike times (an array or a list of numbers: a float comes
    back) or a population's (a :class:`~neurosim.result.SpikeTrains` or a list of arrays: an
    array of rates comes back).
    """
    func = "firing_rate"
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    t0 = as_float(start, func, "start", "ms", low=0.0, low_open=False)
    if t0 >= dur:
        raise param_error(func, "start", f"earlier than duration = {dur:g} ms", start)
    window_s = (dur - t0) / 1000.0
    population = isinstance(spike_times, SpikeTrains) or (
        isinstance(spike_times, (list, tuple)) and len(spike_times) > 0
        and all(np.ndim(s) == 1 for s in spike_times))
    if population:
        trains = [as_finite_array(s, func, "spike_times", "ms") for s in spike_times]
        return np.array([np.count_nonzero((s >= t0) & (s < dur)) for s in trains]) / window_s
    s = as_finite_array(spike_times, func, "spike_times", "ms")
    if s.ndim > 1:
        raise param_error(func, "spike_times", "one neuron's spike times (1-D) or a list of "
                          "them", s)
    return np.count_nonzero((s >= t0) & (s < dur)) / window_s


@dataclass(frozen=True)
class ActionPotentialPhases:
    """Landmarks of one action potential; times in ms, voltages in mV.

    ``threshold`` is where the membrane's own dV/dt (dV/dt minus I_stim / C_m) last rises
    through ``dvdt_criterion`` before the upstroke;
    ``repolarisation`` is where V falls back through the threshold voltage;
    ``half_width`` is the width at half amplitude (between threshold and peak).
    """

    rest_v: float
    threshold_t: float
    threshold_v: float
    peak_t: float
    peak_v: float
    max_dvdt_t: float
    max_dvdt: float
    repolarisation_t: float
    min_dvdt_t: float
    ahp_t: float
    ahp_v: float
    half_width: float
    half_width_start_t: float
    dvdt_criterion: float


def action_potential_phases(result: SimulationResult, spike=0, *, neuron=None,
                            dvdt_criterion=10.0, rest_window=None) -> ActionPotentialPhases:
    """Find the resting potential, threshold, peak, repolarisation, AHP and half-width.

    Arguments:
        result: a result with ``v`` recorded and at least one spike.
        spike: which spike (0 = first).
        neuron: which neuron of a population (may be left out for one neuron).
        dvdt_criterion: the threshold is where dV/dt (mV/ms), less the part the injected input
            drives by itself, last rises through this value before the steepest point of the
            upstroke (10 mV/ms is a common criterion in slice work). The input's own drive is
            the model's (``registry.get(model).input_drive``: I / C_m for Hodgkin-Huxley, in
            uA/cm^2 over uF/cm^2; 1000 I / C for AdEx, nA over pF; R I / tau_m for LIF; I
            itself for Izhikevich), all in mV/ms.
        rest_window: (start, stop) ms over which V is the resting potential; default the time
            before the stimulus first departs from its starting value (else the first 1 ms).

    Returns:
        :class:`ActionPotentialPhases`.
    """
    func = "action_potential_phases"
    if not isinstance(result, SimulationResult):
        raise param_error(func, "result", "a SimulationResult", result, TypeError)
    if result.v is None:
        raise param_error(func, "result", "a result with 'v' recorded", "a result without v")
    k = result._index(neuron, func)
    spikes = result.spike_times[k]
    if isinstance(spike, bool) or not isinstance(spike, int) or not 0 <= spike < spikes.size:
        raise param_error(func, "spike", f"an int in [0, {spikes.size})", spike)
    crit = as_float(dvdt_criterion, func, "dvdt_criterion", low=0.0)
    t, v = result.t, result.v[:, k]
    stim = None if result.stimulus is None else result.stimulus[:, k]
    dvdt = np.gradient(v, t)
    # the membrane's own drive: take away what the injected input does by itself, in the
    # model's units, so a strong stimulus pulse is not mistaken for the start of the spike
    intrinsic = dvdt
    if stim is not None and result.model in registry.names():
        spec = registry.get(result.model)
        p = result.params.neuron(k) if result.n_neurons > 1 else result.params
        intrinsic = dvdt - spec.input_drive(p.per_neuron(1, func), stim)
    ts = spikes[spike]
    # window of this spike: from the previous spike (or start) to the next (or end)
    t_prev = spikes[spike - 1] if spike > 0 else t[0]
    t_next = spikes[spike + 1] if spike + 1 < spikes.size else t[-1] + 1.0
    win = (t >= t_prev) & (t < t_next)
    idx = np.flatnonzero(win)
    # peak: max V within 3 ms after the crossing
    after = idx[(t[idx] >= ts) & (t[idx] <= ts + 3.0)]
    i_peak = after[np.argmax(v[after])]
    # max dV/dt on the upstroke before the peak
    before = idx[(t[idx] <= t[i_peak]) & (t[idx] >= ts - 3.0)]
    i_up = before[np.argmax(dvdt[before])]
    # threshold: walk back from the steepest point until the intrinsic dV/dt falls below the
    # criterion
    i_th = i_up
    while i_th > idx[0] and intrinsic[i_th - 1] >= crit:
        i_th -= 1
    if i_th > idx[0]:
        # interpolate the crossing of the criterion between i_th-1 and i_th
        d0, d1 = intrinsic[i_th - 1], intrinsic[i_th]
        f = (crit - d0) / (d1 - d0) if d1 != d0 else 0.0
        th_t = t[i_th - 1] + f * (t[i_th] - t[i_th - 1])
        th_v = v[i_th - 1] + f * (v[i_th] - v[i_th - 1])
    else:
        th_t, th_v = t[i_th], v[i_th]
    # repolarisation: steepest fall and where V comes back down through threshold voltage
    later = idx[t[idx] > t[i_peak]]
    if later.size < 3:
        raise param_error(func, "result", "a trace that continues after the peak (run longer)",
                          f"a trace ending {t[-1] - t[i_peak]:.3g} ms after the peak")
    i_down = later[np.argmin(dvdt[later])]
    below = later[v[later] < th_v]
    if below.size == 0:
        raise param_error(func, "result", "a trace in which the membrane repolarises below "
                          "threshold after the spike (run longer)", "a trace that stays above")
    i_rep = below[0]
    f = (th_v - v[i_rep - 1]) / (v[i_rep] - v[i_rep - 1])
    rep_t = t[i_rep - 1] + f * (t[i_rep] - t[i_rep - 1])
    # AHP: minimum after repolarisation, before the next spike
    tail = idx[t[idx] >= rep_t]
    i_ahp = tail[np.argmin(v[tail])]
    # half-width at half amplitude between threshold and peak
    half = th_v + 0.5 * (v[i_peak] - th_v)
    rise = idx[(t[idx] <= t[i_peak]) & (v[idx] < half)]
    k0 = rise[-1]
    t_up = t[k0] + (half - v[k0]) / (v[k0 + 1] - v[k0]) * (t[k0 + 1] - t[k0])
    fall = later[v[later] < half]
    k1 = fall[0]
    t_dn = t[k1 - 1] + (half - v[k1 - 1]) / (v[k1] - v[k1 - 1]) * (t[k1] - t[k1 - 1])
    # resting potential
    if rest_window is None:
        if stim is not None and np.any(stim != stim[0]):
            t_on = t[np.flatnonzero(stim != stim[0])[0]]
            rest_mask = t < max(t_on, t[1])
        else:
            rest_mask = t <= t[0] + 1.0
    else:
        a, b = as_pair(rest_window, func, "rest_window", "a (start, stop) pair of times (ms)")
        a = as_float(a, func, "rest_window[0]", "ms")
        b = as_float(b, func, "rest_window[1]", "ms", low=a)
        rest_mask = (t >= a) & (t <= b)
        if not rest_mask.any():
            raise param_error(func, "rest_window", "a window containing recorded samples",
                              rest_window)
    rest_v = float(np.mean(v[rest_mask]))
    return ActionPotentialPhases(
        rest_v=rest_v, threshold_t=float(th_t), threshold_v=float(th_v),
        peak_t=float(t[i_peak]), peak_v=float(v[i_peak]), max_dvdt_t=float(t[i_up]),
        max_dvdt=float(dvdt[i_up]), repolarisation_t=float(rep_t), min_dvdt_t=float(t[i_down]),
        ahp_t=float(t[i_ahp]), ahp_v=float(v[i_ahp]), half_width=float(t_dn - t_up),
        half_width_start_t=float(t_up), dvdt_criterion=crit)


@dataclass(frozen=True)
class FICurve:
    """Firing rate against input current.

    Attributes:
        currents: inputs (in ``unit``: uA/cm^2 for HH, nA for LIF and AdEx, mV/ms for
            Izhikevich).
        rates: steady firing rate at each current (Hz), counted after ``transient`` ms:
            1 / mean inter-spike interval where the neuron fires to the end of the run, 0 for
            a train that stops before it, and one spike over the window where only one
            falls in it.
        rheobase: the smallest current in ``currents`` with sustained firing (NaN if none
            fires): spikes after ``transient`` that go on to the end of the run (the last
            within two mean intervals of it; one spike counts when there is only one). A
            train that dies out, as Hodgkin-Huxley's does just below its repetitive-firing
            threshold (8 spikes in 140 ms at 6.25 uA/cm^2), is not firing; so the rheobase
            does not depend on ``transient``. Its resolution is the spacing of
            ``currents``.
        model: the model's registry name; ``unit``: the unit of ``currents``.
    """

    currents: np.ndarray
    rates: np.ndarray
    rheobase: float
    model: str
    unit: str
    duration: float
    transient: float


def _steady_rates(spike_times, duration: float, transient: float):
    """(rates, sustained): the steady rate after ``transient`` and whether the train goes on
    to the end of the run (see :class:`FICurve`)."""
    out = np.empty(len(spike_times))
    sustained = np.zeros(len(spike_times), dtype=bool)
    window_s = (duration - transient) / 1000.0
    for k, s in enumerate(spike_times):
        s = np.asarray(s)
        s = s[s >= transient]
        if s.size >= 2:
            isi = (s[-1] - s[0]) / (s.size - 1)
            sustained[k] = duration - s[-1] <= 2.0 * isi
            out[k] = 1000.0 / isi if sustained[k] else 0.0  # a train that stopped: 0 Hz
        else:
            sustained[k] = s.size == 1
            out[k] = s.size / window_s
    return out, sustained


def fi_curve(model, currents, *, duration=1000.0, transient=200.0, params=None, pattern=None,
             dt=None) -> FICurve:
    """The f-I curve of a model: all currents run as one population call.

    The rate at each current is 1 / (mean inter-spike interval) of the spikes after
    ``transient`` (so a rate is not quantised by the window), or the count over the window
    when fewer than two spikes fall in it.

    Arguments:
        model: any registered model, by short name (``"hh"``, ``"lif"``, ``"izhikevich"``,
            ``"adex"``) or catalog name (``"hodgkin_huxley_1952"``, ``"lif_lecture"``, ...).
        currents: constant inputs to try, in the model's input unit (uA/cm^2 for HH, nA for
            LIF and AdEx, mV/ms for Izhikevich); brian2 quantities accepted.
        duration: run length per current (ms).
        transient: spikes before this time (ms) are not counted (onset transients).
        params: model parameters (default the catalog's); ``pattern``: a named set instead.
        dt: time step (ms; default the model's).

    Returns:
        :class:`FICurve`.
    """
    func = "fi_curve"
    spec = registry.get(model, func)
    cur = as_finite_array(currents, func, "currents", spec.input_unit)
    if cur.ndim != 1 or cur.size == 0:
        raise param_error(func, "currents", "a non-empty 1-D array", cur)
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    tr = as_float(transient, func, "transient", "ms", low=0.0, low_open=False)
    if tr >= dur:
        raise param_error(func, "transient", f"shorter than duration = {dur:g} ms", transient)
    res = simulate(spec.name, cur, dur, params=params, pattern=pattern, dt=dt,
                   record=("spikes",))
    rates, sustained = _steady_rates(res.spike_times, dur, tr)
    firing = np.flatnonzero(sustained)
    rheobase = float(np.min(cur[firing])) if firing.size else float("nan")
    return FICurve(currents=cur, rates=rates, rheobase=rheobase, model=spec.name,
                   unit=spec.input_unit, duration=dur, transient=tr)


def lif_rate(current, params=None) -> np.ndarray | float:
    """The analytic firing rate (Hz) of a LIF neuron under constant current (nA):

    1 / (t_ref + tau_m ln((R I + V_rest - V_reset) / (R I + V_rest - V_th))) above the
    rheobase (V_th - V_rest) / R, and 0 below it.
    """
    params = registry.get("lif").resolve_params(params, None, "lif_rate")
    cur = as_finite_array(current, "lif_rate", "current", "nA")
    vinf = params.v_rest + params.r_m * cur
    above = vinf > params.v_th
    with np.errstate(divide="ignore", invalid="ignore"):
        period = params.t_ref + params.tau_m * np.log((vinf - params.v_reset)
                                                       / (vinf - params.v_th))
        rate = np.where(above, 1000.0 / period, 0.0)
    return float(rate) if rate.ndim == 0 else rate


def _pulse_drive(nsteps: int, dt: float, onsets, width: float) -> np.ndarray:
    """(steps, len(onsets)) unit pulses: column k is 1 during [onsets[k], onsets[k] + width)."""
    t = np.arange(nsteps) * dt
    on = np.asarray(onsets, dtype=float)[None, :]
    return ((t[:, None] >= on - 1e-9) & (t[:, None] < on + width - 1e-9)).astype(float)


def _bisect_thresholds(shapes, base, spikes_needed, lo, hi, tol, duration, dt, params,
                       rounds=12, per_round=16, model="hodgkin_huxley"):
    """For each column k of ``shapes`` (a unit test pulse), the smallest amplitude a in
    [lo, hi] for which ``base[:, k] + a * shapes[:, k]`` fires ``spikes_needed`` spikes in
    ``model`` (a conductance model); inf where even ``hi`` does not. All columns and ``per_round``
    amplitudes each run as one population per round."""
    def simulate_hh(drive, duration, **kw):
        return simulate(model, drive, duration, **kw)

    cases = shapes.shape[1]
    lo_k, hi_k = np.full(cases, float(lo)), np.full(cases, float(hi))
    top = simulate_hh(base + hi * shapes, duration, dt=dt, params=params, record=("spikes",))
    never = top.spike_counts < spikes_needed
    for _ in range(rounds):
        if np.all((hi_k - lo_k < tol) | never):
            break
        frac = np.linspace(0.0, 1.0, per_round + 2)[1:-1]
        amps = lo_k[:, None] + (hi_k - lo_k)[:, None] * frac[None, :]  # (cases, per_round)
        drive = (np.repeat(base, per_round, axis=1)
                 + np.repeat(shapes, per_round, axis=1) * amps.ravel()[None, :])
        res = simulate_hh(drive, duration, dt=dt, params=params, record=("spikes",))
        fired = (res.spike_counts >= spikes_needed).reshape(cases, per_round)
        for k in range(cases):
            if never[k]:
                continue
            j = np.flatnonzero(fired[k])
            if j.size == 0:
                lo_k[k] = amps[k, -1]
            elif j[0] == 0:
                hi_k[k] = amps[k, 0]
            else:
                lo_k[k], hi_k[k] = amps[k, j[0] - 1], amps[k, j[0]]
    out = 0.5 * (lo_k + hi_k)
    out[never] = np.inf
    return out


def pulse_threshold(width=1.0, *, start=2.0, duration=15.0, params=None, hi=200.0, tol=1e-3,
                    dt=0.025, model="hodgkin_huxley") -> float:
    """The smallest amplitude (uA/cm^2) of a ``width``-ms current pulse that fires a spike of
    ``model`` (a conductance model: Hodgkin-Huxley by default, or ``"cortical_rs"``), by
    bisection to ``tol`` (sixteen amplitudes run as one population per round).

    Raises:
        ParameterError: no pulse up to ``hi`` fires (raise ``hi``).
    """
    func = "pulse_threshold"
    w = as_float(width, func, "width", "ms", low=0.0)
    t0 = as_float(start, func, "start", "ms", low=0.0, low_open=False)
    dur = as_float(duration, func, "duration", "ms", low=t0 + w)
    top = as_float(hi, func, "hi", "uA/cm^2", low=0.0)
    eps = as_float(tol, func, "tol", "uA/cm^2", low=0.0)
    dt = as_float(dt, func, "dt", "ms", low=0.0, high=w)
    nsteps = round(dur / dt)
    shape = _pulse_drive(nsteps, dt, [t0], w)
    th = _bisect_thresholds(shape, np.zeros_like(shape), 1, 0.0, top, eps, dur, dt, params,
                            model=model)[0]
    if not np.isfinite(th):
        raise param_error(func, "hi", f"large enough for a {w:g}-ms pulse to fire (no pulse up "
                          "to it did; raise hi)", top)
    return float(th)


@dataclass(frozen=True)
class RefractoryPeriods:
    """After a spike: the threshold of a second pulse against the interval between the pulses.

    Attributes:
        intervals: pulse-onset intervals tried (ms).
        thresholds: the second pulse's threshold at each (uA/cm^2; inf where no amplitude up to
            ``max_amplitude`` fires a second spike).
        baseline: the threshold of a single pulse (uA/cm^2).
        absolute: the absolute refractory period (ms): up to this interval no second pulse up
            to ``max_amplitude`` fires (the first interval that can fire).
        relative: the end of the relative refractory period (ms): from this interval on the
            threshold is back within ``tolerance`` of the baseline; in between, only a
            stronger-than-normal pulse fires.
        width: how it was measured, with ``max_amplitude`` and ``tolerance``.
    """

    intervals: np.ndarray
    thresholds: np.ndarray
    baseline: float
    absolute: float
    relative: float
    width: float
    max_amplitude: float
    tolerance: float


def refractory_periods(*, width=0.5, intervals=None, max_factor=20.0, tolerance=0.05,
                       params=None, dt=0.025) -> RefractoryPeriods:
    """Measure the absolute and relative refractory periods of the Hodgkin-Huxley model: a
    conditioning pulse (twice threshold) fires a spike, and the threshold of a second pulse of
    the same width is found by bisection at each interval.

    Arguments:
        width: pulse width (ms).
        intervals: pulse-onset intervals to try (ms; default 0.75 to 25 in 0.25-ms steps).
        max_factor: the strongest second pulse tried, in units of the single-pulse threshold.
        tolerance: how close to the single-pulse threshold counts as recovered (relative).
        params: Hodgkin-Huxley parameters (default the catalog's).
        dt: time step (ms).
    """
    func = "refractory_periods"
    w = as_float(width, func, "width", "ms", low=0.0)
    ivs = (np.arange(0.75, 25.001, 0.25) if intervals is None
           else as_finite_array(intervals, func, "intervals", "ms"))
    if ivs.ndim != 1 or ivs.size < 2 or np.any(ivs <= w) or np.any(np.diff(ivs) <= 0):
        raise param_error(func, "intervals", f"at least two increasing intervals longer than "
                          f"the pulse ({w:g} ms)", ivs)
    factor = as_float(max_factor, func, "max_factor", low=1.0)
    tol = as_float(tolerance, func, "tolerance", low=0.0)
    dt = as_float(dt, func, "dt", "ms", low=0.0, high=w)
    baseline = pulse_threshold(w, params=params, dt=dt)
    first = 2.0
    duration = round((first + float(ivs.max()) + 12.0) / dt) * dt
    nsteps = round(duration / dt)
    cond = 2.0 * baseline * _pulse_drive(nsteps, dt, [first] * ivs.size, w)
    test = _pulse_drive(nsteps, dt, first + ivs, w)
    top = factor * baseline
    th = _bisect_thresholds(test, cond, 2, 0.0, top, 1e-3 * baseline, duration, dt, params)
    can = np.flatnonzero(np.isfinite(th))
    if can.size == 0:
        raise param_error(func, "intervals", "long enough for a second spike (none fired; try "
                          "longer intervals)", f"intervals up to {ivs.max():g} ms")
    recovered = th <= (1.0 + tol) * baseline
    late = np.flatnonzero(~recovered)
    if late.size and late[-1] + 1 >= ivs.size:
        raise param_error(func, "intervals", "long enough for the threshold to recover (try "
                          "longer intervals)", f"intervals up to {ivs.max():g} ms")
    relative = float(ivs[late[-1] + 1]) if late.size else float(ivs[0])
    return RefractoryPeriods(intervals=ivs, thresholds=th, baseline=baseline,
                             absolute=float(ivs[can[0]]), relative=relative, width=w,
                             max_amplitude=top, tolerance=tol)


# -- spiking networks ------------------------------------------------------------------

def _trains(spike_trains, func) -> SpikeTrains:
    if isinstance(spike_trains, SpikeTrains):
        return spike_trains
    if isinstance(spike_trains, (list, tuple)):
        arrays = [np.asarray(x, dtype=float) for x in spike_trains]
        offsets = np.concatenate([[0], np.cumsum([a.size for a in arrays])])
        return SpikeTrains(np.concatenate(arrays) if arrays else np.zeros(0), offsets)
    raise param_error(func, "spike_trains", "a SpikeTrains or a list of spike-time arrays",
                      spike_trains, TypeError)


def cv_isi(spike_trains, *, min_spikes: int = 3) -> np.ndarray:
    """The coefficient of variation of the inter-spike intervals (s.d. / mean) of every neuron
    with at least ``min_spikes`` spikes (the others are left out): 0 for a clock, 1 for a
    Poisson process."""
    trains = _trains(spike_trains, "cv_isi")
    if isinstance(min_spikes, bool) or not isinstance(min_spikes, (int, np.integer)) \
            or min_spikes < 3:
        raise param_error("cv_isi", "min_spikes", "a whole number >= 3 (two intervals)",
                          min_spikes)
    counts = trains.counts
    keep = np.flatnonzero(counts >= min_spikes)
    isi = np.diff(trains.flat)
    # intervals within a neuron: drop the differences across neuron boundaries
    inner = np.ones(isi.size, dtype=bool)
    bounds = trains.offsets[1:-1]
    inner[bounds[(bounds > 0) & (bounds <= isi.size)] - 1] = False
    neuron = np.repeat(np.arange(len(trains)), counts)[1:]
    isi, neuron = isi[inner], neuron[inner]
    n = np.bincount(neuron, minlength=len(trains)).astype(float)[keep]
    s1 = np.bincount(neuron, weights=isi, minlength=len(trains))[keep]
    s2 = np.bincount(neuron, weights=isi * isi, minlength=len(trains))[keep]
    mean = s1 / n
    var = np.maximum(s2 / n - mean * mean, 0.0)
    return np.sqrt(var) / mean


def binned_counts(spike_trains, duration: float, bin: float, *, start: float = 0.0
                  ) -> np.ndarray:
    """Spike counts of every neuron in consecutive bins of ``bin`` ms from ``start`` to
    ``duration``: an array (bins, neurons)."""
    trains = _trains(spike_trains, "binned_counts")
    duration = as_float(duration, "binned_counts", "duration", "ms", low=0.0)
    bin = as_float(bin, "binned_counts", "bin", "ms", low=0.0)
    start = as_float(start, "binned_counts", "start", "ms", low=0.0, low_open=False)
    n_bins = int(np.floor((duration - start) / bin + 1e-9))
    if n_bins < 1:
        raise param_error("binned_counts", "bin", f"at most duration - start = "
                          f"{duration - start:g} ms", bin)
    k = np.floor((trains.flat - start) / bin + 1e-9).astype(np.int64)
    ok = (k >= 0) & (k < n_bins)
    out = np.zeros((n_bins, len(trains)))
    np.add.at(out, (k[ok], trains.indices[ok]), 1.0)
    return out


def fano_factor(spike_trains, duration: float, *, window: float = 100.0,
                start: float = 0.0) -> float:
    """The Fano factor of the spike counts in windows of ``window`` ms (variance / mean over
    the windows, per neuron), averaged over the neurons that fired: 1 for Poisson."""
    window = as_float(window, "fano_factor", "window", "ms", low=0.0)
    start = as_float(start, "fano_factor", "start", "ms", low=0.0, low_open=False)
    counts = binned_counts(spike_trains, duration, window, start=start)
    mean = counts.mean(axis=0)
    fired = mean > 0
    if not np.any(fired):
        raise param_error("fano_factor", "spike_trains", "at least one neuron that fires",
                          spike_trains)
    return float(np.mean(counts[:, fired].var(axis=0) / mean[fired]))


def synchrony(signals) -> float:
    """Golomb's synchrony measure chi (Golomb & Rinzel 1993; Golomb 2007, Scholarpedia):
    sqrt(var_t(mean_i x_i) / mean_i var_t(x_i)) for signals (times, neurons): membrane
    potentials, or spike counts in small bins (:func:`binned_counts`). 1 when all neurons do
    the same, about 1/sqrt(N) when they are independent."""
    x = as_finite_array(signals, "synchrony", "signals")
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise param_error("synchrony", "signals", "an array (times, neurons) with at least "
                          "two of each", x.shape)
    each = x.var(axis=0).mean()
    if each == 0:
        raise param_error("synchrony", "signals", "signals that vary in time", "constants")
    return float(np.sqrt(x.mean(axis=1).var() / each))


def rate_spectrum(rate, bin: float, *, segment: float = 256.0) -> tuple:
    """The power spectrum of a population rate (Hz, one value per ``bin`` ms), by Welch's
    method (Hann windows of ``segment`` ms, half overlapping, the mean removed):
    (frequencies in Hz, power in Hz^2/Hz)."""
    from scipy import signal

    rate = as_finite_array(rate, "rate_spectrum", "rate")
    bin = as_float(bin, "rate_spectrum", "bin", "ms", low=0.0)
    segment = as_float(segment, "rate_spectrum", "segment", "ms", low=0.0)
    fs = 1000.0 / bin
    nper = min(rate.size, max(8, round(segment / bin)))
    return signal.welch(rate - rate.mean(), fs=fs, nperseg=nper)


def _noisy_lif(func: str, tau, theta, v_reset, t_ref, t_ref_low_open=False) -> tuple:
    """The LIF constants of the diffusion formulas, checked: tau > 0, a reset below theta,
    t_ref >= 0 (> 0 where ``t_ref_low_open``)."""
    tau = as_float(tau, func, "tau", "ms", low=0.0)
    theta = as_float(theta, func, "theta", "mV")
    v_reset = as_float(v_reset, func, "v_reset", "mV", high=theta, high_open=True)
    t_ref = as_float(t_ref, func, "t_ref", "ms", low=0.0, low_open=t_ref_low_open)
    return tau, theta, v_reset, t_ref


def siegert_rate(mu: float, sigma: float, *, tau: float = 20.0, theta: float = 20.0,
                 v_reset: float = 10.0, t_ref: float = 2.0) -> float:
    """The firing rate (Hz) of a LIF neuron driven by white noise of mean ``mu`` and s.d.
    ``sigma`` (mV, in the units of Brunel 2000: tau dV/dt = -V + mu + sigma sqrt(tau) xi):
    1 / (t_ref + tau sqrt(pi) int_{(V_r - mu)/sigma}^{(theta - mu)/sigma} e^{u^2}
    (1 + erf u) du) (Siegert 1951; Amit & Brunel 1997). Times in ms."""
    from scipy import integrate, special

    f = "siegert_rate"
    mu = as_float(mu, f, "mu", "mV")
    sigma = as_float(sigma, f, "sigma", "mV", low=0.0)
    tau, theta, v_reset, t_ref = _noisy_lif(f, tau, theta, v_reset, t_ref)
    lo, hi = (v_reset - mu) / sigma, (theta - mu) / sigma
    # e^{u^2} (1 + erf u) = erfcx(-u), finite where the product form overflows
    value, _ = integrate.quad(lambda u: special.erfcx(-u), lo, hi, limit=200)
    return 1000.0 / (t_ref + tau * np.sqrt(np.pi) * value)


def _brunel_checked(f, g, eta, J, C_E, gamma, tau, theta, v_reset, t_ref) -> tuple:
    """Brunel's network constants, checked for function ``f``."""
    g = as_float(g, f, "g", low=0.0, low_open=False)
    eta = as_float(eta, f, "eta", low=0.0, low_open=False)
    J = as_float(J, f, "J", "mV", low=0.0)
    C_E = as_int(C_E, f, "C_E", low=1)
    gamma = as_float(gamma, f, "gamma", low=0.0, low_open=False)
    # (a bad value here was blamed on siegert_rate's mu; t_ref bounds the rate searched)
    tau, theta, v_reset, t_ref = _noisy_lif(f, tau, theta, v_reset, t_ref,
                                            t_ref_low_open=True)
    return g, eta, J, C_E, gamma, tau, theta, v_reset, t_ref


def _brunel_gain(nu_hz, g, eta, J, C_E, gamma, tau, theta, v_reset, t_ref) -> float:
    nu_ext = eta * theta / (C_E * J * tau)  # per ms
    nu = nu_hz / 1000.0
    mu = C_E * J * tau * (nu_ext + nu * (1.0 - g * gamma))
    sigma = np.sqrt(C_E * J * J * tau * (nu_ext + nu * (1.0 + g * g * gamma)))
    return siegert_rate(mu, sigma, tau=tau, theta=theta, v_reset=v_reset, t_ref=t_ref)


def brunel_gain(nu: float, g: float, eta: float, *, J: float = 0.1, C_E: int = 1000,
                gamma: float = 0.25, tau: float = 20.0, theta: float = 20.0,
                v_reset: float = 10.0, t_ref: float = 2.0) -> float:
    """The mean-field gain function of Brunel's (2000) network: the rate (Hz) its neurons
    fire at when every neuron of it fires at ``nu`` (Hz), siegert(mu(nu), sigma(nu)) with mu
    and sigma as :func:`brunel_rate` gives them. Its fixed point is :func:`brunel_rate`;
    ``neurosim.dynamics.mean_field_rates`` runs the rate model built on it."""
    f = "brunel_gain"
    nu = as_float(nu, f, "nu", "Hz", low=0.0, low_open=False)
    return _brunel_gain(nu, *_brunel_checked(f, g, eta, J, C_E, gamma, tau, theta, v_reset,
                                             t_ref))


def brunel_rate(g: float, eta: float, *, J: float = 0.1, C_E: int = 1000,
                gamma: float = 0.25, tau: float = 20.0, theta: float = 20.0,
                v_reset: float = 10.0, t_ref: float = 2.0) -> float:
    """The self-consistent rate (Hz) of Brunel's (2000) network in its asynchronous state:
    nu = siegert(mu(nu), sigma(nu)) with mu = C_E J tau (nu_ext + nu (1 - g gamma)),
    sigma^2 = C_E J^2 tau (nu_ext + nu (1 + g^2 gamma)), nu_ext = eta theta / (C_E J tau)
    (its equations 4, 5 and 21). ``gamma`` = C_I / C_E."""
    from scipy import optimize

    consts = _brunel_checked("brunel_rate", g, eta, J, C_E, gamma, tau, theta, v_reset, t_ref)
    t_ref = consts[-1]

    def gap(nu_hz):
        return _brunel_gain(nu_hz, *consts) - nu_hz

    top = 1000.0 / t_ref
    if gap(1e-9) <= 0:
        return 0.0
    return float(optimize.brentq(gap, 1e-9, top - 1e-9, xtol=1e-10))
