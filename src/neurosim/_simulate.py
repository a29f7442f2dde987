"""The public simulate functions: ``simulate(model, ...)`` for any registered model, and one
named function per model of the lecture with that model's defaults."""

from __future__ import annotations

import functools
import inspect

from . import registry
from ._single.runner import call_repr
from .result import SimulationResult

__all__ = ["simulate", "simulate_adex", "simulate_hh", "simulate_izhikevich", "simulate_lif"]


@functools.cache
def _defaults(func) -> dict:
    return {k: p.default for k, p in inspect.signature(func).parameters.items()
            if p.default is not inspect.Parameter.empty}


def _run(model, func, args: dict) -> SimulationResult:
    spec = registry.get(model, func.__name__)
    call = call_repr(func.__name__, args, _defaults(func))
    args = dict(args)
    stimulus, duration = args.pop("stimulus"), args.pop("duration")
    args.pop("model", None)
    return spec.run(spec, stimulus, duration, func=func.__name__, call=call, **args)


def simulate(model, stimulus, duration, *, dt=None, params=None, pattern=None, method=None,
             temperature=None, v0=None, record=("v", "spikes"), record_every=1,
             spike_threshold=None, n_threads=None, progress=None) -> SimulationResult:
    """Simulate one neuron or an uncoupled population of any registered model.

    Arguments:
        model: a registered model by short name (``"hh"``, ``"lif"``, ``"izhikevich"``,
            ``"adex"``), catalog name (``"hodgkin_huxley_1952"``, ``"lif_lecture"``, ...) or
            alias; see :func:`neurosim.registry.names`.
        stimulus: the input in the model's input unit (``registry.get(model).input_unit``:
            uA/cm^2 for Hodgkin-Huxley, nA for LIF and AdEx, mV/ms for Izhikevich): a number
            (constant), a :class:`~neurosim.stimulus.Stimulus`, a 1-D array (one constant per
            neuron: a population) or a 2-D array of shape (steps, neurons). Brian2 quantities
            with the input's dimensions are accepted.
        duration: simulated time (ms), a multiple of ``dt``.
        dt: time step (ms); default the model's.
        params: the model's parameters (default the catalog's); any of them may be a 1-D array
            with one value per neuron (a heterogeneous population; a single input then drives
            every neuron).
        pattern: a named parameter set of the model's catalog file (e.g. the Izhikevich firing
            patterns); default the file's default.
        method: an integration method of the model (default its first); Hodgkin-Huxley has
            ``"rk4"`` and ``"exp_euler"``.
        temperature: degrees C, for models whose rates depend on it (Hodgkin-Huxley).
        v0: starting voltage (mV; a number, or one per neuron) with the other state variables
            at their steady state there; default the resting state.
        record: names of variables to record (``registry.get(model).recordable``; ``"all"`` for
            every one; ``"spikes"`` is always recorded). ``record=("spikes",)`` keeps memory
            O(spikes).
        record_every: keep every k-th step of the recorded traces.
        spike_threshold: for Hodgkin-Huxley, the voltage (mV) whose upward crossing is a spike
            (default 0 mV); point models define spikes by their threshold and reset.
        n_threads: threads for a population (default ``numba.get_num_threads()``); the result
            does not depend on it.
        progress: show a progress bar (default: only for runs estimated over 20 s).

    Returns:
        :class:`~neurosim.result.SimulationResult`: ``t`` (ms), ``v`` (mV, steps x neurons),
        the recorded ``traces``, ``spike_times`` (a :class:`~neurosim.result.SpikeTrains`),
        ``spike_counts``, ``firing_rates`` (Hz) and provenance.

    Raises:
        ParameterError, ParameterTypeError (ValueError, TypeError): a bad argument, named with
            what was expected.
        ResourceError: the run would not fit in memory or finish in reasonable time (refused
            before anything is allocated).
        SimulationError: the run blew up (NaN or ``|V|`` beyond a physical bound).
    """
    return _run(model, simulate, locals())


def simulate_hh(stimulus, duration, *, dt=0.025, params=None, method="rk4", temperature=None,
                v0=None, record=("v", "spikes"), record_every=1, spike_threshold=0.0,
                n_threads=None, progress=None) -> SimulationResult:
    r"""Integrate the Hodgkin-Huxley equations for one neuron or an uncoupled population.

    .. math::
        C_m \dot V = I - \bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                     - g_L (V - E_L), \qquad \dot x = \phi\,[\alpha_x(V)(1 - x) - \beta_x(V) x]

    The input is a current density in uA/cm^2. ``method="rk4"`` (classic 4th-order Runge-Kutta,
    the default) at ``dt=0.025`` puts spike times within 1e-5 ms of a high-accuracy reference
    (within 2e-4 ms at 0.05); ``"exp_euler"`` (exponential Euler, first order, what Brian2 and
    NEURON use) needs a far smaller dt for accurate spike times but stays bounded under strong
    hyperpolarising input. ``temperature`` (C, default the model's 6.3) scales every rate by
    ``q10 ** ((temperature - temperature_ref) / 10)``. Spikes are upward crossings of
    ``spike_threshold`` (mV), timed by cubic Hermite interpolation between steps. Recordable:
    ``v, m, h, n, i_na, i_k, i_l`` (currents in uA/cm^2, outward positive). Other arguments as
    for :func:`simulate`.
    """
    return _run("hodgkin_huxley", simulate_hh, locals())


def simulate_lif(stimulus, duration, *, dt=0.1, params=None, v0=None, record=("v", "spikes"),
                 record_every=1, n_threads=None, progress=None) -> SimulationResult:
    r"""Leaky integrate-and-fire neurons, integrated exactly.

    .. math:: \tau_m \dot V = -(V - V_{rest}) + R_m I

    Input in nA. Between steps the input is constant, so V relaxes exactly towards
    V_rest + R_m I; a threshold crossing is timed exactly inside the step (t = tau_m ln((V_inf -
    V) / (V_inf - V_th))), V is then held at v_reset for t_ref and released mid-step if that is
    when the refractory period ends. The firing rate for constant input therefore equals the
    analytic rate (:func:`neurosim.analysis.lif_rate`) to rounding error at any dt. Other
    arguments as for :func:`simulate`.
    """
    return _run("lif", simulate_lif, locals())


def simulate_izhikevich(stimulus, duration, *, pattern=None, dt=0.1, params=None, v0=None,
                        record=("v", "spikes"), record_every=1, n_threads=None,
                        progress=None) -> SimulationResult:
    r"""Izhikevich (2003) neurons: :math:`\dot v = 0.04 v^2 + 5 v + 140 - u + I`,
    :math:`\dot u = a (b v - u)`; at v >= 30 mV, v <- c and u <- u + d.

    ``pattern`` picks a named parameter set of the catalog (regular_spiking, the default;
    intrinsically_bursting, chattering, fast_spiking, thalamo_cortical, resonator,
    low_threshold_spiking); ``params`` replaces it. Integrated as in the paper: each step
    advances v in two half steps, then u with the new v (default dt = 0.1 ms, finer than the
    paper's 1 ms); a crossing of v_peak is timed by linear interpolation within the step. The
    input ``I`` and ``u`` are in the model's own units, mV/ms (about 10 for regular firing);
    a Brian2 current in nA is refused. Neurons start at the model's resting state. Other
    arguments as for :func:`simulate`.
    """
    return _run("izhikevich", simulate_izhikevich, locals())


def simulate_adex(stimulus, duration, *, pattern=None, dt=0.01, params=None, v0=None,
                  record=("v", "spikes"), record_every=1, n_threads=None,
                  progress=None) -> SimulationResult:
    r"""Adaptive exponential integrate-and-fire neurons (Brette & Gerstner 2005).

    .. math::
        C \dot V = -g_L (V - E_L) + g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I, \quad
        \tau_w \dot w = a (V - E_L) - w

    Input in nA. At V >= v_peak: V <- v_reset, w <- w + b. Classic RK4 (default dt = 0.01
    ms); a step that reaches v_peak is redone in 32 sub-steps to time the spike, and the rest
    of the step continues from the reset (further crossings in the same step are spikes too).
    ``pattern`` is ``"regular_spiking"`` (Brette & Gerstner; the default) or ``"bursting"``
    (Naud et al. 2008); ``w`` can be recorded (nA). Other arguments as for :func:`simulate`.
    """
    return _run("adex", simulate_adex, locals())
