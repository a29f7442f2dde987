"""Analysis of recorded traces: spikes, rates and the phases of an action potential."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_finite_array, as_float, param_error
from .result import SimulationResult, SpikeTrains

__all__ = [
    "ActionPotentialPhases",
    "FICurve",
    "action_potential_phases",
    "detect_spikes",
    "fi_curve",
    "firing_rate",
    "lif_rate",
]


def detect_spikes(t, v, threshold=0.0) -> np.ndarray:
    """Times (ms) where ``v`` crosses ``threshold`` (mV) upwards, linearly interpolated.

    Arguments:
        t: times (ms), 1-D, increasing.
        v: voltages (mV), same length as ``t`` (or shape (len(t), n_neurons)).
        threshold: crossing level (mV).

    Returns:
        An array of crossing times, or a list of arrays (one per column) for 2-D ``v``.
    """
    t = as_finite_array(t, "detect_spikes", "t", "ms")
    v = as_finite_array(v, "detect_spikes", "v", "mV")
    th = as_float(threshold, "detect_spikes", "threshold", "mV")
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

    ``spike_times`` is an array (one neuron) or a list of arrays (a population).
    """
    dur = as_float(duration, "firing_rate", "duration", "ms", low=0.0)
    t0 = as_float(start, "firing_rate", "start", "ms", low=0.0, low_open=False)
    if t0 >= dur:
        raise param_error("firing_rate", "start", f"earlier than duration = {dur:g} ms", start)
    window_s = (dur - t0) / 1000.0
    if isinstance(spike_times, (list, SpikeTrains)):
        return np.array([np.count_nonzero((np.asarray(s) >= t0) & (np.asarray(s) < dur))
                         for s in spike_times]) / window_s
    s = np.asarray(spike_times, dtype=float)
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


def action_potential_phases(result: SimulationResult, spike=0, *, dvdt_criterion=10.0,
                            rest_window=None) -> ActionPotentialPhases:
    """Find the resting potential, threshold, peak, repolarisation, AHP and half-width.

    Arguments:
        result: a single-neuron result with ``v`` recorded and at least one spike.
        spike: which spike (0 = first).
        dvdt_criterion: the threshold is where dV/dt (mV/ms), less the part the injected
            current drives by itself (I_stim / C_m, for models with a capacitance), last rises
            through this value before the steepest point of the upstroke (10 mV/ms is a common
            criterion in slice work).
        rest_window: (start, stop) ms over which V is the resting potential; default the time
            before the stimulus first departs from its starting value (else the first 1 ms).

    Returns:
        :class:`ActionPotentialPhases`.
    """
    func = "action_potential_phases"
    if not isinstance(result, SimulationResult):
        raise param_error(func, "result", "a SimulationResult", result, TypeError)
    if result.is_population:
        raise param_error(func, "result", "a single-neuron result (use result.neuron(i))",
                          f"a population of {result.n_neurons}")
    if result.v is None:
        raise param_error(func, "result", "a result with 'v' recorded", "a result without v")
    spikes = np.asarray(result.spike_times)
    if not isinstance(spike, int) or not 0 <= spike < spikes.size:
        raise param_error(func, "spike", f"an int in [0, {spikes.size})", spike)
    crit = as_float(dvdt_criterion, func, "dvdt_criterion", low=0.0)
    t, v = result.t, result.v
    dvdt = np.gradient(v, t)
    # the membrane's own drive: take away what the injected current does by itself (I / C),
    # so a strong stimulus pulse is not mistaken for the start of the spike
    intrinsic = dvdt
    c_m = getattr(result.params, "c_m", None)
    if result.stimulus is not None and c_m:
        intrinsic = dvdt - np.asarray(result.stimulus) / c_m
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
        raise ValueError("action_potential_phases needs the trace to continue after the peak; "
                         "run longer.")
    i_down = later[np.argmin(dvdt[later])]
    below = later[v[later] < th_v]
    if below.size == 0:
        raise ValueError("The membrane does not repolarise below threshold within the trace; "
                         "run longer.")
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
        stim = result.stimulus
        if stim is not None and np.any(stim != stim[0]):
            t_on = t[np.flatnonzero(stim != stim[0])[0]]
            rest_mask = t < max(t_on, t[1])
        else:
            rest_mask = t <= t[0] + 1.0
    else:
        a, b = rest_window
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
        currents: input currents (uA/cm^2 for HH, nA for point neurons).
        rates: steady firing rate at each current (Hz), counted after ``transient`` ms.
        rheobase: the smallest current in ``currents`` with sustained firing (NaN if none
            fires); its resolution is the spacing of ``currents``.
        model: the model's name; ``unit``: the unit of ``currents``.
    """

    currents: np.ndarray
    rates: np.ndarray
    rheobase: float
    model: str
    unit: str
    duration: float
    transient: float


_FI_MODELS = ("hodgkin_huxley", "lif", "izhikevich", "adex")
_FI_ALIASES = {"hh": "hodgkin_huxley"}


def _steady_rates(spike_times, duration: float, transient: float) -> np.ndarray:
    """1 / mean inter-spike interval after ``transient`` (count / window below two spikes)."""
    out = np.empty(len(spike_times))
    window_s = (duration - transient) / 1000.0
    for k, s in enumerate(spike_times):
        s = np.asarray(s)
        s = s[s >= transient]
        out[k] = (s.size - 1) / ((s[-1] - s[0]) / 1000.0) if s.size >= 2 else s.size / window_s
    return out


def fi_curve(model, currents, *, duration=1000.0, transient=200.0, params=None,
             dt=None) -> FICurve:
    """The f-I curve of a model: all currents run as one population call.

    The rate at each current is 1 / (mean inter-spike interval) of the spikes after
    ``transient`` (so a rate is not quantised by the window), or the count over the window
    when fewer than two spikes fall in it.

    Arguments:
        model: ``"hodgkin_huxley"`` (alias ``"hh"``), ``"lif"``, ``"izhikevich"`` or
            ``"adex"``.
        currents: constant input currents to try (uA/cm^2 for HH, nA for LIF and AdEx, the
            model's units for Izhikevich).
        duration: run length per current (ms).
        transient: spikes before this time (ms) are not counted (onset transients).
        params: model parameters (default the catalog's).
        dt: time step (ms; default the simulator's).

    Returns:
        :class:`FICurve`.
    """
    func = "fi_curve"
    if isinstance(model, str):
        model = _FI_ALIASES.get(model, model)
    if model not in _FI_MODELS:
        raise param_error(func, "model", f"one of {', '.join(_FI_MODELS)} (or 'hh')", model)
    unit = "uA/cm^2" if model == "hodgkin_huxley" else "nA"
    cur = as_finite_array(currents, func, "currents", unit)
    if cur.ndim != 1 or cur.size == 0:
        raise param_error(func, "currents", "a non-empty 1-D array", cur)
    dur = as_float(duration, func, "duration", "ms", low=0.0)
    tr = as_float(transient, func, "transient", "ms", low=0.0, low_open=False)
    if tr >= dur:
        raise param_error(func, "transient", f"shorter than duration = {dur:g} ms", transient)
    from . import _simulate_hh, _simulate_point

    simulate = {"hodgkin_huxley": _simulate_hh.simulate_hh,
                "lif": _simulate_point.simulate_lif,
                "izhikevich": _simulate_point.simulate_izhikevich,
                "adex": _simulate_point.simulate_adex}[model]
    kwargs = {} if dt is None else {"dt": dt}
    res = simulate(cur, dur, params=params, record=("spikes",), **kwargs)
    rates = _steady_rates(res.spike_times, dur, tr)
    firing = np.flatnonzero(rates > 0)
    rheobase = float(np.min(cur[firing])) if firing.size else float("nan")
    return FICurve(currents=cur, rates=rates, rheobase=rheobase, model=model, unit=unit,
                   duration=dur, transient=tr)


def lif_rate(current, params=None) -> np.ndarray | float:
    """The analytic firing rate (Hz) of a LIF neuron under constant current (nA):

    1 / (t_ref + tau_m ln((R I + V_rest - V_reset) / (R I + V_rest - V_th))) above the
    rheobase (V_th - V_rest) / R, and 0 below it.
    """
    from .catalog import LIFParams, load_model

    if params is None:
        params = load_model("lif_lecture")
    elif not isinstance(params, LIFParams):
        raise param_error("lif_rate", "params", "a LIFParams", params, TypeError)
    cur = as_finite_array(current, "lif_rate", "current", "nA")
    vinf = params.v_rest + params.r_m * cur
    above = vinf > params.v_th
    with np.errstate(divide="ignore", invalid="ignore"):
        period = params.t_ref + params.tau_m * np.log((vinf - params.v_reset)
                                                       / (vinf - params.v_th))
        rate = np.where(above, 1000.0 / period, 0.0)
    return float(rate) if rate.ndim == 0 else rate
