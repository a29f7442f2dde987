"""Simulation-based inference of a cortical neuron's parameters (Goncalves et al. 2020).

The lecture calls the Hodgkin-Huxley model an implicit generative model: it can make a trace
from parameters, but says nothing directly about which parameters made a given trace. Neural
posterior estimation (NPE, the ``sbi`` package) learns that inverse from simulations: draw
parameters from a prior, simulate, reduce each trace to summary features, and train a
conditional density estimator of parameters given features. Then a recorded trace's features
give the posterior in one pass.

    >>> from neurosim import inference
    >>> sim = inference.HHSimulator()                      # g_na and g_kd free
    >>> x = sim.features([[50.0, 5.0]], seed=1)            # the tutorial's true values
    >>> round(float(x[0, 0]))                              # spikes in the 100-ms step
    5

The simulator is the Pospischil et al. (2008) neuron with the M current (the catalog's
``pospischil_rs_2008`` with the ``goncalves_2020`` set) under the protocol of sbi's tutorial: a
120-ms trace, 5e-4 uA on a soma of area pi (70 um)^2 (3.25 uA/cm^2) from 10 to 110 ms, current
noise of 0.1 uA/cm^2 (white, per sqrt(ms)), dt = 0.01 ms, exponential Euler. A batch of
parameter sets runs as one population in ``neurosim._kernels._features``, which keeps the
features and no trace. The features are listed in :data:`FEATURES`.

:func:`fit` needs the ``inference`` extra (``pip install ".[inference]"`` in this checkout);
the simulator, the priors and the saved report need only numpy and Numba.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._core.resources import check
from ._core.validation import (
    MissingExtra,
    SimulationError,
    as_bool,
    as_choice,
    as_finite_array,
    as_float,
    as_int,
    as_seed,
    got,
    install_hint,
    param_error,
)
from ._single.cortical import PARAM_ROWS
from ._single.runner import ChunkRunner, thread_count
from .catalog import artefacts_dir, load_model
from .registry import CorticalParams
from .registry import get as _model
from .result import Summarised, provenance, write_atomically

__all__ = [
    "FEATURES",
    "FREE_PARAMETERS",
    "TUTORIAL_PRIOR",
    "Calibration",
    "HHSimulator",
    "Posterior",
    "Prior",
    "calibrate",
    "fit",
    "load_inference_report",
    "save_inference_report",
]

#: The summary features of a trace (name -> unit), in the order of the kernel
#: (_kernels._features) and of fit's feature vectors.
FEATURES = {
    "spike_count": "1", "rest_mean": "mV", "rest_sd": "mV", "mean": "mV", "sd": "mV",
    "skewness": "1", "kurtosis": "1", "ap_height": "mV", "ap_width": "ms", "ahp": "mV",
    "latency": "ms", "isi_mean": "ms", "isi_cv": "1"}
# the seven of sbi's tutorial (and Goncalves et al.'s Fig. 3): feature_set="moments"
_MOMENT_FEATURES = 7
# what fit may infer: the cortical neuron's parameters (units from its class in the registry)
# and the current noise; Goncalves et al. fit these eight
#: The parameters HHSimulator can leave free, with their units (from CorticalParams).
FREE_PARAMETERS = {**{k: CorticalParams.units()[k] for k in (
    "g_na", "g_kd", "g_l", "g_m", "tau_max", "v_t", "e_l")}, "noise": "uA/cm^2"}
# neuron-steps per second per thread of the simulator (measured, benchmarks/inference.py)
_SPEED = 3.0e7
SOMA_AREA_CM2 = math.pi * (70e-4) ** 2  # sbi's tutorial: pi (70 um)^2
FORMAT = "neurosim-hh-inference-1"


class HHSimulator:
    """The simulator :func:`fit` runs: parameter sets in, summary features (or traces) out.

    Arguments:
        free: the names of the parameters a row of ``theta`` gives, in its order (from
            :data:`FREE_PARAMETERS`); the others keep their value in ``params``/``noise``.
        params: the neuron (a :class:`~neurosim.CorticalParams`; default the catalog's
            ``pospischil_rs_2008`` with the ``goncalves_2020`` set).
        noise: the current noise sigma (uA/cm^2 per sqrt(ms)) when it is not free.
        amplitude: the step (uA/cm^2); ``t_on``, ``t_off``, ``duration``, ``dt``: ms.
        v0: the starting V (mV), gates at steady state there.
        spike_threshold: the level (mV) whose upward crossing is a spike.
        n_threads: threads for a batch (default: Numba's count).
    """

    def __init__(self, free=("g_na", "g_kd"), params=None, *, noise=0.1,
                 amplitude=5e-4 / SOMA_AREA_CM2, t_on=10.0, t_off=110.0, duration=120.0,
                 dt=0.01, v0=-70.0, spike_threshold=-10.0, n_threads=None):
        func = "HHSimulator"
        if isinstance(free, str) or not isinstance(free, (tuple, list)) or not free:
            raise param_error(func, "free", "a non-empty tuple of names from "
                              f"{sorted(FREE_PARAMETERS)}", free, TypeError)
        for name in free:
            if name not in FREE_PARAMETERS or list(free).count(name) > 1:
                raise param_error(func, "free", f"distinct names from {sorted(FREE_PARAMETERS)}",
                                  name)
        self.free = tuple(free)
        if params is None:
            params = load_model("pospischil_rs_2008", pattern="goncalves_2020")
        if not isinstance(params, CorticalParams) or params.n_values() != 1:
            raise param_error(func, "params", "one CorticalParams (scalar values)", params,
                              TypeError)
        self.params = params
        self.noise = as_float(noise, func, "noise", low=0.0, low_open=False)
        self.amplitude = as_float(amplitude, func, "amplitude")
        # the model's limits, as simulate holds it to them: exponential Euler's largest step
        self.spec = _model("cortical_rs")
        self.dt = as_float(dt, func, "dt", low=0.0, high=self.spec.dt_max)
        self.duration = as_float(duration, func, "duration", low=0.0)
        self.t_on = as_float(t_on, func, "t_on", low=0.0, high=self.duration)
        self.t_off = as_float(t_off, func, "t_off", low=self.t_on, high=self.duration)
        self.v0 = as_float(v0, func, "v0", low=-120.0, high=60.0)
        self.spike_threshold = as_float(spike_threshold, func, "spike_threshold")
        self.n_threads = n_threads
        self.nsteps = round(self.duration / self.dt)
        self.k_on = round(self.t_on / self.dt)
        self.k_off = round(self.t_off / self.dt)
        self.k_rest = int(0.9 * self.k_on)
        if self.k_on < 2 or self.k_off - self.k_on < 2:
            raise param_error(func, "t_on", f"at least 2 dt ({2 * self.dt:g} ms) before t_off "
                              "and after 0", self.t_on)

    @property
    def n_samples(self) -> int:
        """How many samples a trace has (V at t = 0, dt, ..., duration)."""
        return self.nsteps + 1

    @property
    def t(self) -> np.ndarray:
        return np.arange(self.n_samples) * self.dt

    def _columns(self, theta, func):
        theta = as_finite_array(theta, func, "theta")
        if theta.ndim == 1 and len(self.free) == 1:
            theta = theta[:, None]
        if theta.ndim != 2 or theta.shape[1] != len(self.free) or theta.shape[0] == 0:
            raise param_error(func, "theta", f"an (n, {len(self.free)}) array, one row per "
                              f"simulation with columns {self.free}", got(f"shape {theta.shape}"))
        n = theta.shape[0]
        p = np.empty((len(PARAM_ROWS), n))
        for i, name in enumerate(PARAM_ROWS):
            p[i] = getattr(self.params, name)
        sigma = np.full(n, self.noise)
        for c, name in enumerate(self.free):
            if name == "noise":
                sigma = theta[:, c].copy()
            else:
                p[PARAM_ROWS.index(name)] = theta[:, c]
        probe = {name: theta[:, c] for c, name in enumerate(self.free)}
        for name, values in probe.items():
            low = 0.0 if name.startswith("g_") or name == "noise" else None
            if name == "tau_max":
                low = 1e-9
            if low is not None and np.any(values < low):
                bad = float(values[np.flatnonzero(values < low)[0]])
                raise param_error(func, "theta", f"{name} >= {low:g} "
                                  f"{FREE_PARAMETERS[name]}", bad)
        return p, sigma

    def _run(self, theta, seed, record, func):
        from ._kernels import _features as F  # Numba loads with the first simulation

        seed = as_seed(seed, func)
        p, sigma = self._columns(theta, func)
        n = p.shape[1]
        threads = thread_count(self.n_threads, func)
        rows = self.n_samples if record else 0
        check(func, memory=8.0 * n * (rows + F.N_FEATURES + 2 * len(PARAM_ROWS)),
              seconds=n * self.nsteps / (_SPEED * threads),
              what=f"{n:,} simulations of {self.nsteps:,} steps"
              + (f", each trace of {rows:,} samples kept" if record else ""),
              fix="fewer simulations per call" + (" (or features, which keep no trace)"
                                                   if record else ""))
        seeds = F.stream_starts(seed, n)
        out = np.empty((n, F.N_FEATURES))
        err = np.empty(n, dtype=np.int64)
        rec = np.empty((rows, n)) if record else np.empty((0, 0))
        n_chunks = -(-n // F.CHUNK)
        with ChunkRunner(n_chunks, threads) as runner:
            runner.run(F.simulate_features, p, sigma, seeds, self.v0, self.amplitude, self.k_on,
                       self.k_off, self.k_rest, self.nsteps, self.dt, self.spike_threshold,
                       self.spec.v_bound, 1, rec, out, err)
        bad = np.flatnonzero(err >= 0)
        if bad.size:
            j = int(bad[0])
            values = ", ".join(f"{k} = {v:g}" for k, v in zip(self.free, np.atleast_2d(
                as_finite_array(theta, func, "theta"))[j], strict=False))
            raise SimulationError(
                f"{func}: simulation {j} ({values}) blew up at t = {err[j] * self.dt:g} ms "
                f"({self.spec.describe_bounds()}); give it a smaller dt (now {self.dt:g} ms) "
                "or keep the parameters in a physiological range")
        return out, rec

    def features(self, theta, seed=0) -> np.ndarray:
        """The :data:`FEATURES` of one simulation per row of ``theta``: an (n, 13) array.
        Simulation i's noise comes from (seed, i) alone."""
        return self._run(theta, seed, False, "HHSimulator.features")[0]

    def traces(self, theta, seed=0) -> np.ndarray:
        """V (mV) of one simulation per row of ``theta``: an (n, n_samples) array at times
        ``t``; the same simulations (and noise) as :meth:`features` with the same seed."""
        return np.ascontiguousarray(self._run(theta, seed, True, "HHSimulator.traces")[1].T)

    def trace_features(self, trace) -> np.ndarray:
        """The :data:`FEATURES` of recorded traces: one trace of ``n_samples`` values (or an
        (n, n_samples) array), sampled every ``dt`` from t = 0."""
        from ._kernels import _features as F

        func = "HHSimulator.trace_features"
        x = as_finite_array(trace, func, "trace")
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_samples:
            raise param_error(func, "trace", f"{self.n_samples} samples (V every {self.dt:g} ms "
                              f"from 0 to {self.duration:g} ms)", got(f"shape {x.shape}"))
        x2 = np.ascontiguousarray(np.atleast_2d(x).T)
        out = np.empty((x2.shape[1], F.N_FEATURES))
        F.trace_features(x2, self.dt, self.k_rest, self.k_on, self.k_off,
                         self.spike_threshold, out)
        return out[0] if x.ndim == 1 else out

    def describe(self) -> dict:
        """The simulator's settings, for a report's provenance."""
        return {"free": list(self.free), "params": self.params.name, "noise": self.noise,
                "amplitude": self.amplitude, "t_on": self.t_on, "t_off": self.t_off,
                "duration": self.duration, "dt": self.dt, "v0": self.v0,
                "spike_threshold": self.spike_threshold}


@dataclass(frozen=True)
class Prior:
    """A uniform (box) prior: ``bounds`` maps each free parameter to (low, high), in the
    order of the simulator's ``free``."""

    bounds: dict

    def __post_init__(self):
        func = "Prior"
        if not isinstance(self.bounds, dict) or not self.bounds:
            raise param_error(func, "bounds", "a dict name -> (low, high)", self.bounds,
                              TypeError)
        for name, pair in self.bounds.items():
            if name not in FREE_PARAMETERS:
                raise param_error(func, "bounds", f"names from {sorted(FREE_PARAMETERS)}", name)
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise param_error(func, f"bounds[{name!r}]", "a (low, high) pair", pair,
                                  TypeError)
            low = as_float(pair[0], func, f"bounds[{name!r}] low")
            high = as_float(pair[1], func, f"bounds[{name!r}] high")
            if not low < high:
                raise param_error(func, f"bounds[{name!r}]", "low < high",
                                  got(f"low = {low:g}, high = {high:g}"))

    @property
    def names(self) -> tuple:
        return tuple(self.bounds)

    @property
    def low(self) -> np.ndarray:
        return np.array([float(b[0]) for b in self.bounds.values()])

    @property
    def high(self) -> np.ndarray:
        return np.array([float(b[1]) for b in self.bounds.values()])

    def sample(self, n, seed=0) -> np.ndarray:
        """``n`` parameter sets drawn uniformly: an (n, d) array."""
        n = as_int(n, "Prior.sample", "n", low=1)
        rng = np.random.default_rng(as_seed(seed, "Prior.sample"))
        return self.low + (self.high - self.low) * rng.random((n, len(self.bounds)))

    def to_torch(self):
        """sbi's BoxUniform over the same box."""
        torch = _torch()
        from sbi.utils import BoxUniform

        return BoxUniform(low=torch.as_tensor(self.low, dtype=torch.float32),
                          high=torch.as_tensor(self.high, dtype=torch.float32))


TUTORIAL_PRIOR = Prior({"g_na": (0.5, 80.0), "g_kd": (1e-4, 15.0)})


def _torch():
    try:
        import sbi  # noqa: F401
        import torch
    except ImportError as exc:
        raise MissingExtra(f"neurosim.inference.fit needs sbi and torch: "
                           f"{install_hint('inference')}") from exc
    return torch


class _NoTracker:
    """sbi's tracker protocol, keeping nothing: its default writes TensorBoard logs into
    ./sbi-logs of whatever folder the caller runs in. The training summary fit keeps is in
    ``Posterior.info``."""

    log_dir = None

    def log_metric(self, name, value, step=None):
        pass

    def log_metrics(self, metrics, step=None):
        pass

    def log_params(self, params):
        pass

    def add_figure(self, name, figure, step=None):
        pass

    def flush(self):
        pass


def _feature_slice(feature_set: str) -> slice:
    return slice(0, _MOMENT_FEATURES) if feature_set == "moments" else slice(None)


def _observed(observation, simulator: HHSimulator, func: str) -> np.ndarray:
    """The full feature vector of an observation: a trace or features, checked."""
    x = as_finite_array(observation, func, "observation")
    n_feat = len(FEATURES)
    if x.ndim == 1 and x.shape[0] == simulator.n_samples:
        x = simulator.trace_features(x)
    elif x.ndim != 1 or x.shape[0] != n_feat:
        raise param_error(func, "observation", f"a trace of {simulator.n_samples} samples "
                          f"(V every {simulator.dt:g} ms) or {n_feat} features "
                          f"({', '.join(FEATURES)})", got(f"shape {x.shape}"))
    if x[0] < 1:
        raise param_error(func, "observation", "a trace with at least one spike (an upward "
                          f"crossing of {simulator.spike_threshold:g} mV in the step): a silent "
                          "trace says little about the spike currents", got("no spikes"))
    return x


class Posterior(Summarised):
    """What :func:`fit` returns: sbi's posterior with the names, prior, observation and
    simulator it came from. ``sample`` conditions on the fitted observation, or on any other
    (the estimator is amortised)."""

    def __init__(self, sbi_posterior, prior: Prior, simulator: HHSimulator, observed,
                 feature_set: str, info: dict):
        self.sbi_posterior = sbi_posterior
        self.prior = prior
        self.simulator = simulator
        self.observed = observed
        self.feature_set = feature_set
        self.info = info

    @property
    def names(self) -> tuple:
        return self.prior.names

    def _summary(self):
        return "Posterior", [
            ("parameters", ", ".join(self.names)),
            ("simulations", f"{self.info['n_simulations']:,}"),
            ("features", self.feature_set),
            ("simulation time", f"{self.info['simulation_s']:.1f} s"),
            ("training", f"{self.info['training_s']:.1f} s, {self.info['epochs']} epochs"
                         + ("" if self.info["converged"] else
                            " (stopped at max_epochs, not yet converged)"))]

    def sample(self, n=1000, seed=0, observation=None, *, within_prior=True,
               max_seconds=30.0) -> np.ndarray:
        """``n`` draws (an (n, d) array) given the fitted observation, or ``observation``
        (a trace or features, as :func:`fit` takes). ``within_prior``: draws outside the
        prior's box are rejected (the posterior is zero there), for at most ``max_seconds``;
        False gives the density estimator's own draws, as :func:`calibrate` uses them."""
        func = "Posterior.sample"
        torch = _torch()
        n = as_int(n, func, "n", low=1)
        seed = as_seed(seed, func)
        within_prior = as_bool(within_prior, func, "within_prior")
        max_seconds = as_float(max_seconds, func, "max_seconds", low=0.0)
        x = self.observed if observation is None else _observed(observation, self.simulator,
                                                                func)
        torch.manual_seed(seed)
        xt = torch.as_tensor(x[_feature_slice(self.feature_set)], dtype=torch.float32)
        try:
            with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
                # sbi logs a warning when few draws are accepted; the error below says more
                warnings.simplefilter("ignore")
                logging.disable(logging.WARNING)
                draws = self.sbi_posterior.sample(
                    (n,), x=xt, show_progress_bars=False, reject_outside_prior=within_prior,
                    max_sampling_time=max_seconds if within_prior else None)
        except RuntimeError as exc:
            if "max_sampling_time" not in str(exc):
                raise
            raise SimulationError(
                f"{func}: after {max_seconds:g} s almost every draw of the posterior lay "
                "outside the prior's box: the observation is unlike the simulations the "
                "estimator learnt from. Check that it comes from the same protocol (step, "
                "dt, noise), widen the prior, or fit with more simulations") from None
        finally:
            logging.disable(logging.NOTSET)
        return draws.detach().numpy().astype(np.float64)

    def predictive(self, n=5, seed=0) -> np.ndarray:
        """Posterior-predictive traces: ``n`` draws simulated (an (n, n_samples) array)."""
        theta = self.sample(n, seed)
        return self.simulator.traces(theta, seed=seed)


def fit(observation, prior: Prior = TUTORIAL_PRIOR, n_simulations=10_000, *, simulator=None,
        feature_set="all", seed=0, density_estimator="maf", max_epochs=200) -> Posterior:
    """Neural posterior estimation of the parameters behind ``observation``.

    Arguments:
        observation: a trace (``simulator.n_samples`` values of V, every dt from 0) or its
            13 :data:`FEATURES`; it must hold a spike.
        prior: a :class:`Prior` over the simulator's free parameters (the same names).
        n_simulations: how many parameter sets to draw from the prior and simulate.
        simulator: an :class:`HHSimulator` (default: ``HHSimulator(prior.names)``).
        feature_set: ``"all"`` (13 features) or ``"moments"`` (the tutorial's 7).
        seed: seeds the prior draws, the noise and the network's training.
        density_estimator: sbi's ``"maf"``, ``"nsf"`` or ``"mdn"``.
        max_epochs: the most training epochs (sbi stops earlier when the validation loss has
            not improved for 20).

    Needs the ``inference`` extra (sbi and torch).
    """
    func = "fit"
    if not isinstance(prior, Prior):
        raise param_error(func, "prior", "a neurosim.inference.Prior", prior, TypeError)
    if simulator is None:
        simulator = HHSimulator(prior.names)
    if not isinstance(simulator, HHSimulator):
        raise param_error(func, "simulator", "an HHSimulator", simulator, TypeError)
    if simulator.free != prior.names:
        raise param_error(func, "prior", f"bounds for the simulator's free parameters "
                          f"{simulator.free}, in that order", got(str(prior.names)))
    x_o = _observed(observation, simulator, func)
    n_simulations = as_int(n_simulations, func, "n_simulations", low=50)
    feature_set = as_choice(feature_set, func, "feature_set", ("all", "moments"))
    seed = as_seed(seed, func)
    density_estimator = as_choice(density_estimator, func, "density_estimator",
                                  ("maf", "nsf", "mdn"))
    max_epochs = as_int(max_epochs, func, "max_epochs", low=1)
    torch = _torch()
    from sbi.inference import NPE

    t0 = time.perf_counter()
    theta = prior.sample(n_simulations, seed)
    x = simulator.features(theta, seed=seed)
    t1 = time.perf_counter()
    torch.manual_seed(seed)
    inference = NPE(prior=prior.to_torch(), density_estimator=density_estimator,
                    show_progress_bars=False, tracker=_NoTracker())
    with warnings.catch_warnings():
        # the stand-ins of a silent simulation (latency and ISI = the window's length) lie
        # far from the spiking ones by design; sbi's z-scoring warns of such "outliers", but
        # in float32 they cost no precision that matters here
        warnings.filterwarnings("ignore", message="Data has extreme outliers")
        inference.append_simulations(
            torch.as_tensor(theta, dtype=torch.float32),
            torch.as_tensor(x[:, _feature_slice(feature_set)], dtype=torch.float32))
    with warnings.catch_warnings(record=True) as caught:
        # sbi warns when max_epochs stops the training early: said in the summary instead
        warnings.filterwarnings("always", message="Maximum number of epochs")
        with contextlib.redirect_stdout(io.StringIO()):  # sbi prints "converged after ..."
            estimator = inference.train(max_num_epochs=max_epochs)
    for w in caught:
        if "Maximum number of epochs" not in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    t2 = time.perf_counter()
    info = {"n_simulations": n_simulations, "seed": seed, "simulation_s": t1 - t0,
            "training_s": t2 - t1, "epochs": int(inference.summary["epochs_trained"][-1]),
            "converged": not any("Maximum number of epochs" in str(w.message)
                                 for w in caught),
            "density_estimator": density_estimator}
    return Posterior(inference.build_posterior(estimator), prior, simulator, x_o, feature_set,
                     info)


@dataclass(repr=False)
class Calibration(Summarised):
    """How well a posterior recovers known parameters (:func:`calibrate`): for each held-out
    simulation its true parameters, the posterior mean and the rank of the truth among the
    posterior draws, scaled to ``n_samples`` (simulation-based calibration, Talts et al.
    2018), and the fraction of the estimator's draws outside the prior's box (``leakage``)."""

    names: list
    truth: np.ndarray
    mean: np.ndarray
    ranks: np.ndarray
    n_samples: int
    level: float = 0.9
    leakage: np.ndarray | None = None

    @property
    def inside(self) -> np.ndarray:
        """Whether each truth lies in its posterior's central ``level`` interval."""
        return np.abs(self.ranks / self.n_samples - 0.5) <= self.level / 2

    @property
    def relative_error(self) -> np.ndarray:
        """``|posterior mean - truth| / |truth|`` per test and parameter."""
        return np.abs(self.mean - self.truth) / np.abs(self.truth)

    def coverage(self, levels=None) -> np.ndarray:
        """The fraction of tests whose truth lies in the central interval of each level (the
        expected-coverage curve; a calibrated posterior gives the level itself), per
        parameter: an (n_levels, d) array."""
        levels = np.linspace(0.05, 0.95, 19) if levels is None else np.asarray(levels)
        q = self.ranks / self.n_samples  # the truth's quantile in its posterior
        return np.stack([np.mean(np.abs(q - 0.5) <= lv / 2, axis=0) for lv in levels])

    def _summary(self):
        err = np.median(self.relative_error, axis=0)
        cov = self.coverage([self.level])[0]
        return "Calibration", [
            ("tests", str(len(self.truth))),
            ("median relative error", ", ".join(f"{k} {e:.1%}" for k, e in zip(
                self.names, err, strict=True))),
            (f"{self.level:.0%} interval coverage", ", ".join(
                f"{k} {c:.0%}" for k, c in zip(self.names, cov, strict=True)))]


def calibrate(posterior: Posterior, n_tests=20, n_samples=1000, seed=1) -> Calibration:
    """Draw ``n_tests`` parameter sets from the prior whose simulations spike, and for each
    sample the posterior given its simulated features (a held-out synthetic trace)."""
    func = "calibrate"
    if not isinstance(posterior, Posterior):
        raise param_error(func, "posterior", "a Posterior from fit", posterior, TypeError)
    n_tests = as_int(n_tests, func, "n_tests", low=1)
    n_samples = as_int(n_samples, func, "n_samples", low=10)
    seed = as_seed(seed, func)
    sim, prior = posterior.simulator, posterior.prior
    # held-out draws: a seed stream the fit's did not use, kept where the trace spikes
    truth, xs = [], []
    batch = 0
    while len(truth) < n_tests:
        theta = prior.sample(4 * n_tests, seed=seed + 10_000 * (batch + 1))
        x = sim.features(theta, seed=seed + 10_000 * (batch + 1))
        keep = np.flatnonzero(x[:, 0] >= 1)[: n_tests - len(truth)]
        truth.extend(theta[keep])
        xs.extend(x[keep])
        batch += 1
    truth, means, ranks, leak = np.array(truth), [], [], []
    for k, x in enumerate(xs):
        # the posterior is zero outside the prior's box: of the estimator's draws, those inside
        # it are draws of the posterior (rejection sampling without its loop, which can stall
        # where the estimator puts its mass outside). The ranks are scaled to n_samples; the
        # fraction outside is kept (``leakage``), and where fewer than 10 draws fall inside,
        # the estimator's own draws stand
        raw = posterior.sample(n_samples, seed=seed + k, observation=x, within_prior=False)
        inside = np.all((raw >= prior.low) & (raw <= prior.high), axis=1)
        draws = raw[inside] if np.count_nonzero(inside) >= 10 else raw
        means.append(draws.mean(axis=0))
        ranks.append(np.sum(draws < truth[k], axis=0) * (n_samples / len(draws)))
        leak.append(1.0 - np.mean(inside))
    return Calibration(list(prior.names), truth, np.array(means), np.array(ranks), n_samples,
                       leakage=np.array(leak))


# --------------------------------------------------------------------------------------------
# The saved lecture example: written by one function, read by one function


def default_report() -> Path:
    return artefacts_dir() / "hh_inference" / "report.json"


def save_inference_report(path, posterior: Posterior, calibration: Calibration, *, truth,
                          trace, samples, predictive, command: str) -> Path:
    """Write the lecture example (observed trace, posterior draws, posterior-predictive
    traces, calibration) as one JSON file with its provenance, whole or not at all."""
    path = Path(path)
    sim = posterior.simulator
    data = {
        "format": FORMAT,
        "names": list(posterior.names),
        "units": [FREE_PARAMETERS[k] for k in posterior.names],
        "prior_low": posterior.prior.low.tolist(), "prior_high": posterior.prior.high.tolist(),
        "truth": np.asarray(truth, dtype=float).tolist(),
        "dt": sim.dt, "t_on": sim.t_on, "t_off": sim.t_off,
        "trace": np.round(np.asarray(trace, dtype=float), 3).tolist(),
        "samples": np.round(samples, 5).tolist(),
        "predictive": np.round(predictive, 3).tolist(),
        "calibration": {"names": calibration.names, "truth": calibration.truth.tolist(),
                        "mean": calibration.mean.tolist(), "ranks": calibration.ranks.tolist(),
                        "n_samples": calibration.n_samples, "level": calibration.level,
                        "leakage": None if calibration.leakage is None
                        else calibration.leakage.tolist()},
        "provenance": {**provenance("save_inference_report"), "numpy": np.__version__,
                       "command": command, "simulator": sim.describe(),
                       "fit": posterior.info, "feature_set": posterior.feature_set},
    }
    write_atomically(path, lambda fh: fh.write(json.dumps(data).encode()))
    return path


@dataclass(repr=False)
class InferenceReport(Summarised):
    """The saved lecture example (:func:`load_inference_report`)."""

    names: list
    units: list
    prior_low: np.ndarray
    prior_high: np.ndarray
    truth: np.ndarray
    t: np.ndarray
    t_on: float
    t_off: float
    trace: np.ndarray
    samples: np.ndarray
    predictive: np.ndarray
    calibration: Calibration
    provenance: dict

    def _summary(self):
        return "InferenceReport", [
            ("parameters", ", ".join(self.names)),
            ("truth", ", ".join(f"{v:g}" for v in self.truth)),
            ("posterior mean", ", ".join(f"{v:.3g}" for v in self.samples.mean(axis=0))),
            ("made", self.provenance.get("date", "unknown"))]


def load_inference_report(path=None) -> InferenceReport:
    """Read a report written by :func:`save_inference_report` (default: the one shipped in
    ``artefacts/hh_inference``, which the lecture figures draw; regenerate it with
    ``python tutorials/11_inferring_hh_parameters.py --save``)."""
    func = "load_inference_report"
    path = default_report() if path is None else Path(path)
    if not path.is_file():
        raise param_error(func, "path", "a report written by save_inference_report", str(path))
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise param_error(func, "path", f"a {FORMAT} report (regenerate it with python "
                          "tutorials/11_inferring_hh_parameters.py --save)", data.get("format"))
    c = data["calibration"]
    cal = Calibration(c["names"], np.array(c["truth"]), np.array(c["mean"]),
                      np.array(c["ranks"]), c["n_samples"], c["level"],
                      None if c.get("leakage") is None else np.array(c["leakage"]))
    trace = np.array(data["trace"])
    return InferenceReport(
        data["names"], data["units"], np.array(data["prior_low"]), np.array(data["prior_high"]),
        np.array(data["truth"]), np.arange(trace.size) * data["dt"], data["t_on"],
        data["t_off"], trace, np.array(data["samples"]), np.array(data["predictive"]), cal,
        data["provenance"])
