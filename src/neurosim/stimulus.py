"""Input currents: constant, step, pulse train, ramp, Ornstein-Uhlenbeck noise, from an array.

A stimulus is a function of time that the simulators sample on their time grid, holding each
sample for one step (piecewise-constant input, sampled at the start of the step). Stimuli add:
``step(10, 5, 40) + ou_noise(0, 2, tau=5, seed=1)``.

Amplitudes are plain numbers in the input unit of the model they drive (uA/cm^2 for
Hodgkin-Huxley, nA for LIF and AdEx, mV/ms for Izhikevich: ``registry.get(model).input_unit``)
or brian2 quantities, which are converted and remember their unit so a current (nA) cannot drive
a model that wants a current density.
Times are in ms.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._core.validation import (
    ParameterError,
    ParameterTypeError,
    _is_quantity,
    as_finite_array,
    as_float,
    as_int,
    as_seed,
    brian2_unit,
    param_error,
    strip_unit,
)

__all__ = [
    "Stimulus",
    "constant",
    "from_array",
    "heat",
    "ou_noise",
    "poisson",
    "pulse_train",
    "ramp",
    "step",
]


# the input units of the registered models (each entry adds its own: ``registry.register``)
INPUT_UNITS: list[str] = []


def add_input_unit(unit: str) -> None:
    """A model's input unit, which a brian2 quantity given as a stimulus may have."""
    if unit not in INPUT_UNITS:
        INPUT_UNITS.append(unit)


def _input_units() -> list[str]:
    return list(INPUT_UNITS)


def _quantity_unit(value, func: str, name: str) -> str:
    """Which registered model input unit a brian2 quantity has the dimensions of."""
    import brian2

    for unit in _input_units():
        if brian2.have_same_dimensions(value, brian2_unit(unit)):
            return unit
    raise param_error(func, name, "a number or a brian2 quantity in one of the models' input "
                      f"units ({', '.join(_input_units())})", value, TypeError)


def _amplitude(value, func: str, name: str) -> tuple[float, str | None]:
    """A plain amplitude, or a quantity converted to a model's input unit (noted)."""
    if _is_quantity(value):
        unit = _quantity_unit(value, func, name)
        return as_float(value, func, name, unit), unit
    return as_float(value, func, name), None


def _time(value, func, name, *, allow_zero=True) -> float:
    return as_float(value, func, name, "ms", low=0.0, low_open=not allow_zero)


def _grid_dt(t: np.ndarray) -> float:
    return float(t[1] - t[0]) if t.size > 1 else 1.0


class Stimulus:
    """Base class: a current as a function of time (ms). Subclasses implement ``_values``.

    ``n_neurons`` is 1 for a stimulus shared by every neuron; a stimulus with independent
    draws per neuron (``poisson(..., n_neurons=N)``) drives a population of N.
    """

    unit: str | None = None
    n_neurons: int = 1

    def sample_matrix(self, dt: float, nsteps: int) -> np.ndarray:
        """(nsteps, n_neurons) currents, one column per neuron."""
        return self.sample(dt, nsteps)[:, None]

    def values(self, t) -> np.ndarray:
        """The current at each time in ``t`` (ms; an evenly spaced grid starting at 0)."""
        t = np.asarray(t, dtype=np.float64)
        return self._values(t)

    def sample(self, dt: float, nsteps: int) -> np.ndarray:
        """The current held over each of ``nsteps`` steps of ``dt`` ms (sampled at step start)."""
        return self.values(np.arange(nsteps) * dt)

    def _values(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __add__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            other = constant(float(other))
        if _is_quantity(other):
            other = constant(other)
        if not isinstance(other, Stimulus):
            return NotImplemented
        if self.unit and other.unit and self.unit != other.unit:
            raise ParameterError(f"Cannot add a stimulus in {self.unit} to one in "
                                 f"{other.unit}.")
        return _Sum((self, other), unit=self.unit or other.unit)

    __radd__ = __add__

    def _describe(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class _Sum(Stimulus):
    parts: tuple
    unit: str | None = None

    def _values(self, t):
        return sum((p._values(t) for p in self.parts), np.zeros_like(t))


@dataclass(frozen=True)
class Constant(Stimulus):
    amplitude: float
    unit: str | None = None

    def _values(self, t):
        return np.full_like(t, self.amplitude)


@dataclass(frozen=True)
class Step(Stimulus):
    amplitude: float
    start: float
    stop: float
    unit: str | None = None

    def _values(self, t):
        return np.where((t >= self.start) & (t < self.stop), self.amplitude, 0.0)


@dataclass(frozen=True)
class PulseTrain(Stimulus):
    amplitude: float
    width: float
    interval: float
    start: float
    n_pulses: int | None
    unit: str | None = None

    def _values(self, t):
        rel = t - self.start
        k = np.floor(rel / self.interval)
        on = (rel >= 0) & (rel - k * self.interval < self.width)
        if self.n_pulses is not None:
            on &= k < self.n_pulses
        return np.where(on, self.amplitude, 0.0)


@dataclass(frozen=True)
class Ramp(Stimulus):
    amplitude_start: float
    amplitude_end: float
    start: float
    stop: float
    unit: str | None = None

    def _values(self, t):
        frac = (t - self.start) / (self.stop - self.start)
        val = self.amplitude_start + frac * (self.amplitude_end - self.amplitude_start)
        return np.where((t >= self.start) & (t < self.stop), val, 0.0)


@dataclass(frozen=True)
class OUNoise(Stimulus):
    mean: float
    sigma: float
    tau: float
    seed: int
    unit: str | None = None

    def _values(self, t):
        dt = _grid_dt(t)
        rng = np.random.default_rng(self.seed)
        decay = np.exp(-dt / self.tau)
        kick = self.sigma * np.sqrt(1.0 - decay * decay)
        xi = rng.standard_normal(t.size)
        x = np.empty_like(t)
        if t.size:
            x[0] = self.mean + self.sigma * xi[0]  # start in the stationary distribution
        for k in range(1, t.size):
            x[k] = self.mean + (x[k - 1] - self.mean) * decay + kick * xi[k]
        return x


@dataclass(frozen=True)
class ArrayStimulus(Stimulus):
    samples: np.ndarray = field(repr=False)
    dt: float = 0.0
    unit: str | None = None

    def _values(self, t):
        idx = np.floor(t / self.dt + 1e-9).astype(np.int64)
        if idx.size and idx[-1] >= self.samples.size:
            covered = self.samples.size * self.dt
            raise ParameterError(f"The stimulus from from_array covers 0 to {covered:g} ms but "
                                 f"the simulation asks for t = {t[-1]:g} ms; pass a longer "
                                 "array or a shorter duration.")
        return self.samples[idx]


@dataclass(frozen=True)
class PoissonInput(Stimulus):
    rate_hz: float
    weight: float
    n_inputs: int
    seed: int
    n_neurons: int = 1
    unit: str | None = "nA"

    def sample_matrix(self, dt, nsteps):
        lam = self.n_inputs * self.rate_hz * dt / 1000.0
        counts = np.random.default_rng(self.seed).poisson(lam, size=(nsteps, self.n_neurons))
        return counts * (self.weight / dt)

    def _values(self, t):
        if self.n_neurons != 1:
            raise ParameterError("A poisson stimulus with n_neurons > 1 has one column per "
                                 "neuron; use sample_matrix(dt, nsteps) or pass it to a "
                                 "simulate function.")
        return self.sample_matrix(_grid_dt(t), t.size)[:, 0]

    def __add__(self, other):
        raise ParameterTypeError("poisson() input cannot be added to another stimulus; build "
                                 "the sum with sample_matrix(dt, nsteps) and pass the array "
                                 "instead.")

    __radd__ = __add__


@dataclass(frozen=True)
class Heat(Stimulus):
    temperature: float
    onset: float
    duration: float
    baseline: float
    unit: str | None = "degC"

    def _values(self, t):
        on = (t >= self.onset) & (t < self.onset + self.duration)
        return np.where(on, self.temperature, self.baseline)


def heat(temperature_c, onset, duration, *, baseline=32.0) -> Stimulus:
    """Skin temperature (degrees C): ``temperature_c`` from ``onset`` for ``duration`` ms,
    ``baseline`` (resting skin, 32 C) otherwise. Drives the reflex arc's heat receptors."""
    func = "heat"
    temp = as_float(temperature_c, func, "temperature_c", low=-20.0, high=100.0,
                    low_open=False)
    t0 = _time(onset, func, "onset")
    dur = _time(duration, func, "duration", allow_zero=False)
    base = as_float(baseline, func, "baseline", low=-20.0, high=100.0, low_open=False)
    return Heat(temp, t0, dur, base)


def constant(amplitude) -> Stimulus:
    """A constant current ``amplitude`` from t = 0 on."""
    a, unit = _amplitude(amplitude, "constant", "amplitude")
    return Constant(a, unit)


def step(amplitude, start, stop=None) -> Stimulus:
    """``amplitude`` from ``start`` (ms) until ``stop`` (ms; None: to the end), 0 otherwise."""
    a, unit = _amplitude(amplitude, "step", "amplitude")
    t0 = _time(start, "step", "start")
    t1 = np.inf if stop is None else _time(stop, "step", "stop")
    if t1 <= t0:
        raise param_error("step", "stop", f"a time later than start = {t0:g} ms", stop)
    return Step(a, t0, t1, unit)


def pulse_train(amplitude, width, interval, start=0.0, n_pulses=None) -> Stimulus:
    """Rectangular pulses of ``width`` ms every ``interval`` ms from ``start`` (ms).

    ``n_pulses`` limits the number of pulses (None: until the end of the run).
    """
    a, unit = _amplitude(amplitude, "pulse_train", "amplitude")
    w = _time(width, "pulse_train", "width", allow_zero=False)
    iv = _time(interval, "pulse_train", "interval", allow_zero=False)
    if w > iv:
        raise param_error("pulse_train", "width", f"at most the interval ({iv:g} ms)", width)
    t0 = _time(start, "pulse_train", "start")
    n = None if n_pulses is None else as_int(n_pulses, "pulse_train", "n_pulses", low=1)
    return PulseTrain(a, w, iv, t0, n, unit)


def ramp(amplitude_start, amplitude_end, start, stop) -> Stimulus:
    """A current rising linearly from ``amplitude_start`` at ``start`` to ``amplitude_end`` at
    ``stop`` (ms); 0 outside [start, stop)."""
    a0, u0 = _amplitude(amplitude_start, "ramp", "amplitude_start")
    a1, u1 = _amplitude(amplitude_end, "ramp", "amplitude_end")
    t0 = _time(start, "ramp", "start")
    t1 = _time(stop, "ramp", "stop")
    if t1 <= t0:
        raise param_error("ramp", "stop", f"a time later than start = {t0:g} ms", stop)
    return Ramp(a0, a1, t0, t1, u0 or u1)


def ou_noise(mean, sigma, tau, seed) -> Stimulus:
    """Ornstein-Uhlenbeck noise: mean ``mean``, stationary s.d. ``sigma``, correlation time
    ``tau`` (ms), seeded. Sampled exactly on the simulation grid (same seed and dt: same noise).
    """
    m, unit = _amplitude(mean, "ou_noise", "mean")
    s, _ = _amplitude(sigma, "ou_noise", "sigma")
    if s < 0:
        raise param_error("ou_noise", "sigma", "a float >= 0", sigma)
    tau_ = _time(tau, "ou_noise", "tau", allow_zero=False)
    return OUNoise(m, s, tau_, as_seed(seed, "ou_noise"), unit)


def poisson(rate_hz, weight, n_inputs, seed, *, n_neurons=1) -> Stimulus:
    """Input from ``n_inputs`` independent Poisson spike trains through delta synapses.

    Each input spike delivers a charge of ``weight`` pC (= nA x ms) within the step it falls in,
    so it moves a point neuron's V by weight * r_m / tau_m mV (1 mV per pC for the lecture LIF),
    whatever the time step. The input current is counts * weight / dt (nA).

    Arguments:
        rate_hz: rate of each input (Hz).
        weight: charge per input spike (pC); negative for inhibition.
        n_inputs: number of independent inputs (their sum is one Poisson process).
        seed: random seed (always explicit).
        n_neurons: independent draws for this many neurons (a population); 1 = one neuron.
    """
    func = "poisson"
    rate = as_float(rate_hz, func, "rate_hz", "Hz", low=0.0, low_open=False)
    w = as_float(weight, func, "weight")
    n = as_int(n_inputs, func, "n_inputs", low=1)
    seed = as_seed(seed, func)
    nn = as_int(n_neurons, func, "n_neurons", low=1)
    return PoissonInput(rate, w, n, seed, nn)


def from_array(values, dt) -> Stimulus:
    """A current given as samples, each held for ``dt`` ms (the first at t = 0)."""
    dt_ = _time(dt, "from_array", "dt", allow_zero=False)
    unit = None
    if _is_quantity(values):
        unit = _quantity_unit(values, "from_array", "values")
        values = strip_unit(values, unit, "from_array", "values")
    arr = as_finite_array(values, "from_array", "values")
    if arr.ndim != 1 or arr.size == 0:
        raise param_error("from_array", "values", "a non-empty 1-D array", arr)
    return ArrayStimulus(arr.copy(), dt_, unit)
