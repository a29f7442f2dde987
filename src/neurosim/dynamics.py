"""Rate models and phase planes: the Wilson-Cowan E/I populations, the FitzHugh-Nagumo neuron,
and the tools of two-dimensional dynamics for any model of two variables.

    >>> from neurosim import dynamics
    >>> wc = dynamics.WilsonCowan()                      # the catalog's teaching set
    >>> [(fp.kind, round(fp.x, 4) + 0.0) for fp in dynamics.fixed_points(wc)]
    [('stable focus', 0.0), ('saddle', 0.3369), ('stable node', 0.9384)]
    >>> fhn = dynamics.FitzHughNagumo()                  # a = 0.7, b = 0.8, tau = 12.5
    >>> [round(v, 4) for v in dynamics.hopf_points(fhn, "i_ext", 0.0, 1.5)]
    [0.3313, 1.4187]

A model here is an object with ``names`` (the two variables), ``rhs(x, y)`` (the time
derivatives, numpy-vectorised), ``jacobian(x, y)`` and two explicit nullclines: the first
variable's, y = ``x_nullcline(x)`` over ``x_domain``, and the second's, x = ``y_nullcline(y)``
over ``y_domain`` (or None where that nullcline is better written y(x): see
:class:`FitzHughNagumo`). Written this way each nullcline is one curve with all its branches,
and a fixed point is a root of one function of one variable, found by bracketing and solved to
machine precision. Parameters come from the catalog (``wilson_cowan_1972``,
``fitzhugh_nagumo_1961``); time is in ms.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ._core.validation import (
    SimulationError,
    as_bool,
    as_finite_array,
    as_float,
    as_int,
    as_pair,
    got,
    param_error,
)
from .analysis import brunel_gain
from .catalog import FitzHughNagumoParams, WilsonCowanParams, load_model
from .result import Summarised

__all__ = ["FitzHughNagumo", "FixedPoint", "LimitCycle", "RateResult", "WilsonCowan",
           "bifurcation", "classify", "fixed_points", "hopf_points", "limit_cycle",
           "mean_field_rates", "nullclines", "oscillation_onset", "simulate_rates",
           "vector_field"]


def _params(params, overrides, cls, catalog, pattern, func):
    if params is None:
        params = load_model(catalog, pattern=pattern) if pattern else load_model(catalog)
    if not isinstance(params, cls):
        raise param_error(func, "params", f"a {cls.__name__} (neurosim.load_model("
                          f"{catalog!r}))", params, TypeError)
    return params.replace(**overrides) if overrides else params


class WilsonCowan:
    """The Wilson-Cowan model (see :class:`~neurosim.catalog.WilsonCowanParams`): E and I,
    the mean activities of an excitatory and an inhibitory population.

    ``WilsonCowan(i_e=1.0)`` changes one parameter of the catalog's set; ``pattern`` picks
    another set (``"oscillator"``); ``params`` gives a whole parameter object."""

    names = ("E", "I")

    def __init__(self, params=None, *, pattern=None, **overrides):
        self.params = _params(params, overrides, WilsonCowanParams, "wilson_cowan_1972",
                              pattern, "WilsonCowan")

    def with_params(self, **changes) -> WilsonCowan:
        return WilsonCowan(self.params.replace(**changes))

    @staticmethod
    def gain(x, a, theta):
        """The sigmoid F(x) = 1/(1 + exp(-a (x - theta))) - 1/(1 + exp(a theta))."""
        return 1.0 / (1.0 + np.exp(-a * (x - theta))) - 1.0 / (1.0 + math.exp(a * theta))

    @staticmethod
    def gain_inverse(f, a, theta):
        """x with F(x) = f, for f inside F's range."""
        f0 = 1.0 / (1.0 + math.exp(a * theta))
        return theta - np.log(1.0 / (f + f0) - 1.0) / a

    @staticmethod
    def _gain_slope(x, a, theta):
        s = 1.0 / (1.0 + np.exp(-a * (x - theta)))
        return a * s * (1.0 - s)

    def rhs(self, e, i):
        p = self.params
        fe = self.gain(p.w_ee * e - p.w_ei * i + p.i_e, p.a_e, p.theta_e)
        fi = self.gain(p.w_ie * e - p.w_ii * i + p.i_i, p.a_i, p.theta_i)
        return ((-e + (1.0 - p.r_e * e) * fe) / p.tau_e,
                (-i + (1.0 - p.r_i * i) * fi) / p.tau_i)

    def jacobian(self, e, i) -> np.ndarray:
        p = self.params
        xe = p.w_ee * e - p.w_ei * i + p.i_e
        xi = p.w_ie * e - p.w_ii * i + p.i_i
        fe, fi = self.gain(xe, p.a_e, p.theta_e), self.gain(xi, p.a_i, p.theta_i)
        se, si = self._gain_slope(xe, p.a_e, p.theta_e), self._gain_slope(xi, p.a_i, p.theta_i)
        ge, gi = 1.0 - p.r_e * e, 1.0 - p.r_i * i
        return np.array([
            [(-1.0 - p.r_e * fe + ge * se * p.w_ee) / p.tau_e, -ge * se * p.w_ei / p.tau_e],
            [gi * si * p.w_ie / p.tau_i, (-1.0 - p.r_i * fi - gi * si * p.w_ii) / p.tau_i]])

    def _range(self, a, theta, r):
        """The activities a steady state can take: E = (1 - r E) F with F in F's range."""
        f0 = 1.0 / (1.0 + math.exp(a * theta))
        lo, hi = -f0, 1.0 - f0
        return lo / (1.0 + r * lo), hi / (1.0 + r * hi)

    @property
    def x_domain(self):
        p = self.params
        return self._range(p.a_e, p.theta_e, p.r_e)

    @property
    def y_domain(self):
        p = self.params
        return self._range(p.a_i, p.theta_i, p.r_i)

    def _nullcline(self, own, sign, r, a, theta, w_own, drive, w_cross, cross, meaning,
                   func):
        """The other variable on this one's nullcline: own = (1 - r own) F(sign w_cross
        other + w_own own + drive), solved for other (needs w_cross > 0)."""
        if w_cross <= 0.0:
            raise param_error(f"WilsonCowan.{func}", "params", f"{cross} > 0 (with no "
                              f"{meaning} the nullcline is no function of the one variable, "
                              "which the phase-plane tools need)", w_cross)
        f = own / (1.0 - r * own)
        return sign * (self.gain_inverse(f, a, theta) - w_own * own - drive) / w_cross

    def x_nullcline(self, e):
        """dE/dt = 0: I as a function of E (needs w_ei > 0)."""
        p = self.params
        return self._nullcline(e, -1.0, p.r_e, p.a_e, p.theta_e, p.w_ee, p.i_e, p.w_ei,
                               "w_ei", "inhibition of E", "x_nullcline")

    def y_nullcline(self, i):
        """dI/dt = 0: E as a function of I (needs w_ie > 0)."""
        p = self.params
        return self._nullcline(i, 1.0, p.r_i, p.a_i, p.theta_i, -p.w_ii, p.i_i, p.w_ie,
                               "w_ie", "excitation of I", "y_nullcline")

    def __repr__(self):
        return f"WilsonCowan({self.params.name or 'custom'}, i_e={self.params.i_e:g})"


class FitzHughNagumo:
    """The FitzHugh-Nagumo neuron (see :class:`~neurosim.catalog.FitzHughNagumoParams`): v
    and the recovery variable w."""

    names = ("v", "w")

    def __init__(self, params=None, **overrides):
        self.params = _params(params, overrides, FitzHughNagumoParams, "fitzhugh_nagumo_1961",
                              None, "FitzHughNagumo")

    def with_params(self, **changes) -> FitzHughNagumo:
        return FitzHughNagumo(self.params.replace(**changes))

    def rhs(self, v, w):
        p = self.params
        return v - v**3 / 3.0 - w + p.i_ext, (v + p.a - p.b * w) / p.tau

    def jacobian(self, v, w) -> np.ndarray:
        p = self.params
        return np.array([[1.0 - v * v, -1.0], [1.0 / p.tau, -p.b / p.tau]])

    x_domain = (-3.0, 3.0)
    y_domain = None

    def x_nullcline(self, v):
        """dv/dt = 0: the cubic w = v - v^3/3 + i_ext, all three branches."""
        return v - v**3 / 3.0 + self.params.i_ext

    def y_nullcline_of_x(self, v):
        """dw/dt = 0: the line w = (v + a)/b (needs b > 0)."""
        return (v + self.params.a) / self.params.b

    y_nullcline = None

    def __repr__(self):
        return f"FitzHughNagumo(i_ext={self.params.i_ext:g})"


def _check_model(model, func):
    if not all(hasattr(model, k) for k in ("rhs", "jacobian", "x_nullcline", "names")):
        raise param_error(func, "model", "a two-variable model (dynamics.WilsonCowan(), "
                          "dynamics.FitzHughNagumo(), or one with rhs, jacobian, x_nullcline)",
                          model, TypeError)
    return model


def _parameter(model, parameter, func):
    """A parameter name of the model's parameter class, checked."""
    fields = [f.name for f in dataclasses.fields(model.params) if "unit" in f.metadata]
    if parameter not in fields:
        raise param_error(func, "parameter", f"one of {', '.join(fields)}", parameter,
                          ValueError if isinstance(parameter, str) else TypeError)
    return parameter


def _inner(domain, n):
    lo, hi = domain
    pad = 1e-9 * (hi - lo)
    return np.linspace(lo + pad, hi - pad, n)


def nullclines(model, n=2001, xlim=None):
    """The two nullclines as point lists: ``{name: (x, y)}``, one curve per variable (the set
    where its derivative is zero), every branch on it."""
    func = "nullclines"
    model = _check_model(model, func)
    n = as_int(n, func, "n", low=10)
    lo, hi = model.x_domain if xlim is None else as_pair(xlim, func, "xlim", "a (low, high) "
                                                         "pair")
    x = _inner((float(lo), float(hi)), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {model.names[0]: (x, model.x_nullcline(x))}
        if model.y_nullcline is not None:
            y = _inner(model.y_domain, n)
            out[model.names[1]] = (model.y_nullcline(y), y)
        else:
            out[model.names[1]] = (x, model.y_nullcline_of_x(x))
    return out


def vector_field(model, xlim, ylim, n=21):
    """The arrows of a phase plane: ``(X, Y, dX, dY)`` on an n x n grid."""
    func = "vector_field"
    model = _check_model(model, func)
    x0, x1 = (as_float(v, func, "xlim") for v in as_pair(xlim, func, "xlim", "a (low, high) "
                                                          "pair"))
    y0, y1 = (as_float(v, func, "ylim") for v in as_pair(ylim, func, "ylim", "a (low, high) "
                                                          "pair"))
    n = as_int(n, func, "n", low=2)
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    dX, dY = model.rhs(X, Y)
    return X, Y, np.asarray(dX), np.asarray(dY)


@dataclass(frozen=True)
class FixedPoint:
    """A steady state: where it is, its Jacobian's eigenvalues and their verdict."""

    x: float
    y: float
    eigenvalues: tuple
    kind: str

    @property
    def stable(self) -> bool:
        return all(ev.real < 0 for ev in self.eigenvalues)


def classify(jacobian, tol=1e-12) -> str:
    """The kind of a fixed point from its 2 x 2 Jacobian: ``"saddle"``, ``"stable node"``,
    ``"unstable node"``, ``"stable focus"``, ``"unstable focus"`` or ``"center"``."""
    J = as_finite_array(jacobian, "classify", "jacobian")
    tol = as_float(tol, "classify", "tol", low=0.0, low_open=False)
    if J.shape != (2, 2):
        raise param_error("classify", "jacobian", "a 2 x 2 matrix", got(f"shape {J.shape}"))
    tr, det = J[0, 0] + J[1, 1], J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]
    if det < -tol:
        return "saddle"
    if abs(tr) <= tol:
        return "center"
    side = "stable" if tr < 0 else "unstable"
    return f"{side} {'focus' if tr * tr < 4.0 * det else 'node'}"


def _polish(model, x, y):
    """Newton on the two equations from a bracketed root: a few steps to machine precision."""
    for _ in range(8):
        f = np.array(model.rhs(x, y), dtype=float)
        try:
            step = np.linalg.solve(model.jacobian(x, y), f)
        except np.linalg.LinAlgError:  # a fold: the bracketed root is as good as it gets
            break
        x, y = x - step[0], y - step[1]
        if abs(step[0]) + abs(step[1]) < 1e-15:
            break
    return float(x), float(y)


def fixed_points(model, n=20001) -> list[FixedPoint]:
    """Every fixed point, by increasing first variable: the zeros of the second variable's
    derivative along the first one's nullcline, bracketed on ``n`` points and solved to
    machine precision (the equations hold to 1e-12)."""
    from scipy.optimize import brentq

    func = "fixed_points"
    model = _check_model(model, func)
    n = as_int(n, func, "n", low=10)

    def g(x):
        return model.rhs(x, model.x_nullcline(x))[1]

    xs = _inner(model.x_domain, n)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        gs = g(xs)
    out = []
    for k in np.flatnonzero(np.isfinite(gs[:-1]) & np.isfinite(gs[1:])
                            & (np.sign(gs[:-1]) != np.sign(gs[1:]))):
        x = brentq(g, xs[k], xs[k + 1], xtol=1e-15, rtol=1e-15, maxiter=200)
        x, y = _polish(model, x, float(model.x_nullcline(x)))
        ev = np.linalg.eigvals(model.jacobian(x, y))
        out.append(FixedPoint(x, y, tuple(complex(e) for e in ev),
                              classify(model.jacobian(x, y))))
    return out


@dataclass(repr=False)
class RateResult(Summarised):
    """A trajectory of a two-variable model: ``t`` (ms) and one array per variable in
    ``values`` (also as attributes by name, e.g. ``result.E``)."""

    t: np.ndarray
    values: dict
    model: object

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def _summary(self):
        return "RateResult", [("model", repr(self.model)),
                              ("duration", f"{self.t[-1]:g} ms, {self.t.size} samples")] + [
            (k, f"{v[-1]:.4g} at the end") for k, v in self.values.items()]


def simulate_rates(model, duration, x0=None, dt=0.01) -> RateResult:
    """Integrate a two-variable model from ``x0`` (default: 0, 0) for ``duration`` ms,
    sampled every ``dt`` ms (scipy's adaptive RK45 at rtol 1e-9, atol 1e-12)."""
    from scipy.integrate import solve_ivp

    func = "simulate_rates"
    model = _check_model(model, func)
    duration = as_float(duration, func, "duration", low=0.0)
    dt = as_float(dt, func, "dt", low=0.0, high=duration)
    start = np.zeros(2) if x0 is None else as_finite_array(x0, func, "x0")
    if start.shape != (2,):
        raise param_error(func, "x0", f"two starting values ({', '.join(model.names)})",
                          got(f"shape {start.shape}"))
    t = np.arange(math.floor(duration / dt + 1e-9) + 1) * dt
    sol = solve_ivp(lambda _, z: model.rhs(z[0], z[1]), (0.0, t[-1]), start, t_eval=t,
                    rtol=1e-9, atol=1e-12, method="RK45")
    if not sol.success or not np.all(np.isfinite(sol.y)) or np.abs(sol.y).max() > 1e6:
        raise SimulationError(f"{func}: the trajectory of {model!r} from {start.tolist()} left "
                              "any bounded range (|x| > 1e6 or NaN); start it nearer the "
                              "fixed points or shorten the run")
    return RateResult(t, dict(zip(model.names, sol.y, strict=True)), model)


@dataclass(frozen=True)
class LimitCycle:
    """One period of a closed orbit: the points (``x``, ``y``), its ``period`` (ms) and the
    range of each variable."""

    x: np.ndarray
    y: np.ndarray
    period: float

    @property
    def amplitude(self) -> tuple:
        return (float(np.ptp(self.x)), float(np.ptp(self.y)))


def limit_cycle(model, x0=None, transient=500.0, dt=0.01, max_period=100.0):
    """The stable limit cycle reached from ``x0`` (default: beside the first unstable fixed
    point), or None where the trajectory settles on a fixed point. The period is measured
    between upward crossings of the first variable's mid-range, interpolated linearly."""
    func = "limit_cycle"
    model = _check_model(model, func)
    transient = as_float(transient, func, "transient", low=0.0)
    max_period = as_float(max_period, func, "max_period", low=0.0)
    if x0 is None:
        unstable = [fp for fp in fixed_points(model) if not fp.stable]
        x0 = (unstable[0].x + 1e-3, unstable[0].y) if unstable else (0.0, 0.0)
    run = simulate_rates(model, transient + 3.0 * max_period, x0=x0, dt=dt)
    x, y = run.values[model.names[0]], run.values[model.names[1]]
    keep = run.t >= transient
    t, x, y = run.t[keep], x[keep], y[keep]
    if np.ptp(x) < 1e-6 * max(1.0, np.abs(x).max()):
        return None
    mid = 0.5 * (x.min() + x.max())
    k = np.flatnonzero((x[:-1] < mid) & (x[1:] >= mid))
    if k.size < 3:
        return None
    tc = t[k] + (mid - x[k]) / (x[k + 1] - x[k]) * (t[k + 1] - t[k])
    period = float(tc[-1] - tc[-2])
    sel = (t >= tc[-2]) & (t <= tc[-1])
    return LimitCycle(x[sel], y[sel], period)


def _trace_det(model, fp):
    J = model.jacobian(fp.x, fp.y)
    return J[0, 0] + J[1, 1], J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]


def bifurcation(model, parameter, values, *, cycles=True) -> dict:
    """A one-parameter bifurcation diagram: for each value of ``parameter`` (a field of the
    model's parameters), the fixed points and, with ``cycles``, the stable limit cycle's
    range of the first variable. Returns ``{"values", "fixed": [(value, FixedPoint)],
    "cycle": [(value, min, max, period)]}``."""
    func = "bifurcation"
    model = _check_model(model, func)
    parameter = _parameter(model, parameter, func)
    cycles = as_bool(cycles, func, "cycles")
    values = as_finite_array(values, func, "values")
    if values.ndim != 1 or values.size < 1:
        raise param_error(func, "values", "a 1-D array of values", got(f"shape {values.shape}"))
    fixed, cycle = [], []
    for v in values:
        m = model.with_params(**{parameter: float(v)})
        fps = fixed_points(m)
        fixed.extend((float(v), fp) for fp in fps)
        if cycles and any(not fp.stable for fp in fps):
            lc = limit_cycle(m)
            if lc is not None:
                cycle.append((float(v), float(lc.x.min()), float(lc.x.max()), lc.period))
    return {"values": values, "fixed": fixed, "cycle": cycle}


def hopf_points(model, parameter, low, high, n=201) -> list[float]:
    """The values of ``parameter`` in [low, high] where a fixed point's Jacobian has zero
    trace and positive determinant (a pair of eigenvalues crosses the imaginary axis), found
    by bisection on the trace along the fixed-point branch that has one fixed point only."""
    from scipy.optimize import brentq

    func = "hopf_points"
    model = _check_model(model, func)
    parameter = _parameter(model, parameter, func)
    low = as_float(low, func, "low")
    high = as_float(high, func, "high", low=low)
    n = as_int(n, func, "n", low=3)

    def trace(v):
        m = model.with_params(**{parameter: float(v)})
        fps = fixed_points(m, n=4001)
        return _trace_det(m, fps[0])[0] if len(fps) == 1 else math.nan

    grid = np.linspace(low, high, n)
    tr = np.array([trace(v) for v in grid])
    out = []
    for k in np.flatnonzero(np.isfinite(tr[:-1]) & np.isfinite(tr[1:])
                            & (np.sign(tr[:-1]) != np.sign(tr[1:]))):
        v = brentq(trace, grid[k], grid[k + 1], xtol=1e-12)
        m = model.with_params(**{parameter: v})
        fp = fixed_points(m)[0]
        if _trace_det(m, fp)[1] > 0:
            out.append(float(v))
    return out


def oscillation_onset(model, parameter, values, threshold=1e-3, duration=2000.0) -> float:
    """The first value of ``parameter`` (of ``values``, in their order) at which a simulation
    from beside the fixed point still oscillates after ``duration`` ms: the range of the first
    variable over the last quarter exceeds ``threshold``. NaN where none does."""
    func = "oscillation_onset"
    model = _check_model(model, func)
    parameter = _parameter(model, parameter, func)
    values = as_finite_array(values, func, "values")
    threshold = as_float(threshold, func, "threshold", low=0.0)
    duration = as_float(duration, func, "duration", low=0.0)
    for v in values:
        m = model.with_params(**{parameter: float(v)})
        fps = fixed_points(m)
        start = (fps[0].x + 1e-2, fps[0].y) if fps else (0.0, 0.0)
        run = simulate_rates(m, duration, x0=start, dt=0.05)
        x = run.values[m.names[0]]
        if np.ptp(x[-x.size // 4:]) > threshold:
            return float(v)
    return math.nan


def mean_field_rates(g, eta, duration=400.0, nu0=1.0, dt=1.0, tau_rate=20.0, **network):
    """Brunel's (2000) mean field as a rate model, where it and the spiking network share
    their assumptions (E and I neurons alike, so one rate; the asynchronous state):
    tau_rate dnu/dt = -nu + phi(nu), phi the network's gain function
    (:func:`neurosim.analysis.brunel_gain`, the Siegert formula; ``network``: its keyword
    arguments). Its stable fixed point is :func:`neurosim.analysis.brunel_rate`. Returns a
    :class:`RateResult` with the rate ``nu`` (Hz) every ``dt`` ms from ``nu0``."""
    from scipy.integrate import solve_ivp

    func = "mean_field_rates"
    duration = as_float(duration, func, "duration", "ms", low=0.0)
    nu0 = as_float(nu0, func, "nu0", "Hz", low=0.0, low_open=False)
    dt = as_float(dt, func, "dt", "ms", low=0.0, high=duration)
    tau_rate = as_float(tau_rate, func, "tau_rate", "ms", low=0.0)
    brunel_gain(nu0, g, eta, **network)  # checks g, eta and the network's constants here

    def rhs(_, y):
        return [(-y[0] + brunel_gain(max(y[0], 0.0), g, eta, **network)) / tau_rate]

    t = np.arange(math.floor(duration / dt + 1e-9) + 1) * dt
    sol = solve_ivp(rhs, (0.0, t[-1]), [nu0], t_eval=t, rtol=1e-10, atol=1e-10)
    return RateResult(t, {"nu": sol.y[0]}, f"Brunel mean field (g = {g:g}, eta = {eta:g})")
