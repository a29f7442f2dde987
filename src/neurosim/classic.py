"""The computing units of the lecture, from McCulloch-Pitts to Hopfield, in numpy.

- :func:`mcculloch_pitts` and :func:`gate`: binary inputs summed against a threshold theta,
  inhibitory inputs that veto; AND (theta = N), OR (theta = 1), NOT (theta = 0, the input
  inhibitory), and NAND / NOR as two units. Their truth tables.
- :class:`Perceptron`: Rosenblatt's rule learning weights and a bias (the threshold as a
  weight); it converges on linearly separable data within Novikoff's bound
  (:func:`perceptron_bound`) and never classifies XOR's four points (:func:`xor_constraints`,
  :func:`best_linear_accuracy`).
- :class:`MLP`: XOR as (A OR B) AND (A NAND B) with hand-set Heaviside units
  (:func:`xor_heaviside_mlp`) and a sigmoid MLP trained by backpropagation
  (:func:`train_xor_mlp`).
- :class:`Hopfield`: bipolar units, the Hebbian W = (1/m) sum x x^T - I, synchronous and
  asynchronous updates, an energy that never rises under asynchronous updates, recall from
  noise, and the capacity experiment (:func:`capacity_curve`; the critical load near 0.138 N
  of Amit, Gutfreund & Sompolinsky 1985). Letters to store: :func:`load_letters`.

    >>> from neurosim import classic
    >>> classic.gate("AND").truth_table()[1]
    array([0, 0, 0, 1], dtype=int8)
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass, field, replace

import numpy as np

from ._core import resources as _resources
from ._core.validation import (
    as_choice,
    as_finite_array,
    as_float,
    as_int,
    as_seed,
    got,
    param_error,
    read_toml,
)
from .catalog import catalog_dir

__all__ = [
    "AGS_OVERLAP",
    "GATES",
    "MLP",
    "TIE",
    "Hopfield",
    "MPNetwork",
    "MPUnit",
    "Perceptron",
    "PerceptronRun",
    "RecallRun",
    "best_linear_accuracy",
    "capacity_curve",
    "critical_load",
    "flip",
    "gate",
    "load_letters",
    "mcculloch_pitts",
    "perceptron_bound",
    "train_xor_mlp",
    "truth_table_inputs",
    "xor_constraints",
    "xor_heaviside_mlp",
]

GATES = ("AND", "OR", "NOT", "NAND", "NOR")
# the four points of a two-input gate, in truth-table order, and the gates' targets
TWO_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
TARGETS = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]),
           "NAND": np.array([1, 1, 1, 0]), "NOR": np.array([1, 0, 0, 0]),
           "XOR": np.array([0, 1, 1, 0])}


def _binary(values, func: str, name: str) -> np.ndarray:
    """A 0/1 integer array (bools and 0/1 numbers accepted)."""
    if isinstance(values, (str, bytes)):
        raise param_error(func, name, "an array of 0s and 1s", values, TypeError)
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):
        raise param_error(func, name, "an array of 0s and 1s", got("a ragged sequence"),
                          TypeError) from None
    if arr.dtype.kind not in "biuf":
        raise param_error(func, name, "an array of 0s and 1s", got(f"values of type "
                                                                   f"{arr.dtype}"), TypeError)
    if not np.all((arr == 0) | (arr == 1)):
        bad = arr.ravel()[np.flatnonzero(~((arr == 0) | (arr == 1)).ravel())[0]]
        raise param_error(func, name, "an array of 0s and 1s (binary inputs)", bad.item())
    return arr.astype(np.int8)


def _threshold(value, func: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise param_error(func, "threshold", "a number (theta)", value, TypeError)
    return as_float(value, func, "threshold")


def mcculloch_pitts(inputs, threshold, inhibitory=None) -> np.ndarray:
    """The McCulloch-Pitts unit: 1 where the sum of the binary ``inputs`` (last axis) is at
    least ``threshold`` and no ``inhibitory`` input is active, else 0.

    Arguments:
        inputs: 0/1 excitatory inputs, shape (..., n) (n may be 0).
        threshold: theta, a number.
        inhibitory: 0/1 inhibitory inputs, shape (..., k), or None. Any active one vetoes.

    Returns:
        int8 array of shape (...).
    """
    f = "mcculloch_pitts"
    x = _binary(inputs, f, "inputs")
    theta = _threshold(threshold, f)
    if x.ndim == 0:
        raise param_error(f, "inputs", "an array with the inputs on its last axis", inputs)
    fire = x.sum(axis=-1) >= theta
    if inhibitory is not None:
        inh = _binary(inhibitory, f, "inhibitory")
        if inh.ndim == 0 or inh.shape[:-1] != x.shape[:-1]:
            raise param_error(f, "inhibitory", f"an array of shape {(*x.shape[:-1], 'k')} "
                              "(the inputs' leading shape, then the inhibitory inputs)", inh)
        fire &= ~inh.any(axis=-1)
    return fire.astype(np.int8)


@dataclass(frozen=True)
class MPUnit:
    """One McCulloch-Pitts unit of a network: its threshold and the names of its excitatory
    and inhibitory inputs (the network's inputs or earlier units)."""

    name: str
    threshold: float
    excitatory: tuple = ()
    inhibitory: tuple = ()


@dataclass(frozen=True)
class MPNetwork:
    """McCulloch-Pitts units in order; the last is the output. Call it with an array of
    shape (..., len(inputs)) of 0/1 values."""

    name: str
    inputs: tuple
    units: tuple

    def __call__(self, values) -> np.ndarray:
        x = _binary(values, self.name, "values")
        if x.shape[-1:] != (len(self.inputs),):
            raise param_error(self.name, "values", f"an array whose last axis holds the "
                              f"{len(self.inputs)} inputs", x)
        signals = {name: x[..., k] for k, name in enumerate(self.inputs)}
        lead = x.shape[:-1]
        for u in self.units:
            exc = np.stack([signals[s] for s in u.excitatory], -1) if u.excitatory else \
                np.zeros((*lead, 0), dtype=np.int8)
            inh = np.stack([signals[s] for s in u.inhibitory], -1) if u.inhibitory else None
            signals[u.name] = mcculloch_pitts(exc, u.threshold, inh)
        return signals[self.units[-1].name]

    def truth_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Every input combination (2^n, n), in counting order, and the outputs (2^n,)."""
        rows = truth_table_inputs(len(self.inputs))
        return rows, self(rows)


def truth_table_inputs(n: int) -> np.ndarray:
    """All 2^n binary input rows, in counting order (0...0 first)."""
    n = as_int(n, "truth_table_inputs", "n", low=1, high=24)
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8).reshape(-1, n)


def gate(kind: str, n_inputs: int | None = None) -> MPNetwork:
    """A logic gate of McCulloch-Pitts units: ``"AND"`` (theta = N), ``"OR"`` (theta = 1),
    ``"NOT"`` (theta = 0, its input inhibitory), ``"NAND"`` (AND, then NOT) and ``"NOR"`` (OR,
    then NOT). ``n_inputs``: 2 by default (1 for NOT). XOR is no single unit: see
    :func:`xor_constraints`."""
    f = "gate"
    kind = as_choice(kind, f, "kind", GATES)
    n = (1 if kind == "NOT" else 2) if n_inputs is None else as_int(n_inputs, f, "n_inputs",
                                                                   low=1)
    if kind == "NOT" and n != 1:
        raise param_error(f, "n_inputs", "1 for NOT", n_inputs)
    names = tuple(f"x{k + 1}" for k in range(n))
    if kind == "NOT":
        return MPNetwork("NOT", names, (MPUnit("out", 0.0, (), names),))
    first = MPUnit("and" if kind in ("AND", "NAND") else "or",
                   float(n) if kind in ("AND", "NAND") else 1.0, names)
    if kind in ("AND", "OR"):
        return MPNetwork(f"{n}-input {kind}", names, (replace(first, name="out"),))
    return MPNetwork(f"{n}-input {kind}", names, (first, MPUnit("out", 0.0, (),
                                                               (first.name,))))


# --------------------------------------------------------------------------------------------
# the perceptron


def _data(X, t, func: str) -> tuple[np.ndarray, np.ndarray]:
    X = as_finite_array(X, func, "X")
    if X.ndim != 2:
        raise param_error(func, "X", "a 2-D array (samples, features)", X)
    t = _binary(t, func, "t")
    if t.shape != (X.shape[0],):
        raise param_error(func, "t", f"one 0/1 target per sample ({X.shape[0]})", t)
    return X, t.astype(np.float64)


@dataclass
class PerceptronRun:
    """What :meth:`Perceptron.fit` did: ``weights`` (epochs + 1, n) and ``bias`` (epochs + 1,)
    at the start and after each epoch, ``errors`` per epoch (misclassified samples met during
    it), ``updates`` (total weight changes), ``accuracy`` after each epoch, ``converged``."""

    weights: np.ndarray
    bias: np.ndarray
    errors: np.ndarray
    accuracy: np.ndarray
    updates: int
    converged: bool


class Perceptron:
    """Rosenblatt's perceptron: output 1 where w.x + b >= 0 (the threshold theta = -b learnt
    as a weight), trained by w += lr (t - y) x, b += lr (t - y) on each misclassified sample.

    Arguments:
        n_inputs: the number of inputs.
        lr: the learning rate (> 0).
        seed: the order the samples are shown in each epoch is drawn from it.
        w0, b0: the starting weights and bias (default zeros, the case of Novikoff's bound).
    """

    def __init__(self, n_inputs: int, *, lr: float = 1.0, seed: int = 0, w0=None,
                 b0: float = 0.0):
        f = "Perceptron"
        self.n_inputs = as_int(n_inputs, f, "n_inputs", low=1)
        self.lr = as_float(lr, f, "lr", low=0.0)
        self.seed = as_seed(seed, f)
        if w0 is None:
            self.w = np.zeros(self.n_inputs)
        else:
            self.w = as_finite_array(w0, f, "w0").copy()
            if self.w.shape != (self.n_inputs,):
                raise param_error(f, "w0", f"an array of {self.n_inputs} weights", w0)
        self.b = as_float(b0, f, "b0")

    def predict(self, X) -> np.ndarray:
        """0/1 outputs for the rows of X."""
        X = as_finite_array(X, "Perceptron.predict", "X")
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise param_error("Perceptron.predict", "X", f"a 2-D array with {self.n_inputs} "
                              "columns", X)
        return (X @ self.w + self.b >= 0).astype(np.int8)

    def fit(self, X, t, epochs: int = 100) -> PerceptronRun:
        """Train until an epoch makes no error or ``epochs`` have passed."""
        f = "Perceptron.fit"
        X, t = _data(X, t, f)
        if X.shape[1] != self.n_inputs:
            raise param_error(f, "X", f"{self.n_inputs} columns (the perceptron's inputs)", X)
        epochs = as_int(epochs, f, "epochs", low=1)
        rng = np.random.default_rng(self.seed)
        ws, bs, errs, accs = [self.w.copy()], [self.b], [], []
        updates = 0
        converged = False
        for _ in range(epochs):
            wrong = 0
            for i in rng.permutation(X.shape[0]):
                y = 1.0 if X[i] @ self.w + self.b >= 0 else 0.0
                if y != t[i]:
                    self.w += self.lr * (t[i] - y) * X[i]
                    self.b += self.lr * (t[i] - y)
                    wrong += 1
                    updates += 1
            ws.append(self.w.copy())
            bs.append(self.b)
            errs.append(wrong)
            accs.append(float(np.mean(self.predict(X) == t)))
            if wrong == 0:
                converged = True
                break
        return PerceptronRun(np.array(ws), np.array(bs), np.array(errs), np.array(accs),
                             updates, converged)


def perceptron_bound(X, t, w, b) -> float:
    """Novikoff's bound on the perceptron's updates from zero weights: (R / gamma)^2, with R
    the largest norm of an input augmented by 1 and gamma the margin of the separating
    (w, b) given (normalised), on targets t in {0, 1}. Raises ParameterError if (w, b) does
    not separate the data."""
    f = "perceptron_bound"
    X, t = _data(X, t, f)
    w = as_finite_array(w, f, "w")
    if w.shape != (X.shape[1],):
        raise param_error(f, "w", f"one weight an input ({X.shape[1]})", w)
    wa = np.append(w, as_float(b, f, "b"))
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    margins = (2 * t - 1) * (Xa @ wa) / np.linalg.norm(wa)
    if np.min(margins) <= 0:
        raise param_error(f, "w", "weights that separate the data (every margin > 0)",
                          got(f"a smallest margin of {np.min(margins):.3g}"))
    r = np.max(np.linalg.norm(Xa, axis=1))
    return float((r / np.min(margins)) ** 2)


def xor_constraints() -> list[str]:
    """Why no perceptron computes XOR: its four points ask for four inequalities on (w1, w2,
    b) that cannot hold together (the lecture's argument, written out)."""
    return ["(0, 0) -> 0:  b < 0",
            "(0, 1) -> 1:  w2 + b >= 0",
            "(1, 0) -> 1:  w1 + b >= 0",
            "(1, 1) -> 0:  w1 + w2 + b < 0",
            "adding the middle two: w1 + w2 + 2b >= 0, so w1 + w2 + b >= -b > 0: "
            "the last one fails"]


def best_linear_accuracy(X, t, *, grid: int = 81, span: float = 2.0) -> float:
    """The best accuracy any threshold unit H(w.x + b >= 0) reaches on (X, t), searched over
    a grid of weights and biases in [-span, span] (``grid`` values each): 3/4 for XOR."""
    X, t = _data(X, t, "best_linear_accuracy")
    span = as_float(span, "best_linear_accuracy", "span", low=0.0)
    vals = np.linspace(-span, span, as_int(grid, "best_linear_accuracy", "grid", low=3))
    params = np.stack(np.meshgrid(*[vals] * (X.shape[1] + 1), indexing="ij"), -1)
    params = params.reshape(-1, X.shape[1] + 1)  # every (w..., b) of the grid
    y = (params[:, :-1] @ X.T + params[:, -1:]) >= 0
    return float(np.max(np.mean(y == t, axis=1)))


# --------------------------------------------------------------------------------------------
# the multilayer perceptron


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class MLP:
    """Layers of (W, b) with ``activation`` "heaviside" (1 where z >= 0) or "sigmoid" on every
    unit; ``predict`` thresholds the output at 1/2."""

    weights: list
    biases: list
    activation: str = "heaviside"
    losses: np.ndarray | None = field(default=None, repr=False)

    def _act(self, z):
        return (z >= 0).astype(float) if self.activation == "heaviside" else _sigmoid(z)

    def forward(self, X) -> list[np.ndarray]:
        """Every layer's activations, the input first."""
        out = [np.asarray(X, dtype=float)]
        for W, b in zip(self.weights, self.biases, strict=True):
            out.append(self._act(out[-1] @ W + b))
        return out

    def predict(self, X) -> np.ndarray:
        return (self.forward(X)[-1][..., 0] >= 0.5).astype(np.int8)


def xor_heaviside_mlp() -> MLP:
    """XOR by hand: hidden OR (x1 + x2 - 0.5 >= 0) and NAND (-x1 - x2 + 1.5 >= 0), output AND
    of the two (h1 + h2 - 1.5 >= 0): the intersection of two half-planes."""
    return MLP([np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([[1.0], [1.0]])],
               [np.array([-0.5, 1.5]), np.array([-1.5])], "heaviside")


def train_xor_mlp(hidden: int = 2, *, lr: float = 2.0, epochs: int = 4000,
                  seed: int = 0) -> MLP:
    """A 2-``hidden``-1 sigmoid MLP trained on XOR's four points by full-batch gradient
    descent on the cross-entropy (backpropagation in numpy), weights drawn from N(0, 1) with
    ``seed``. The returned MLP keeps its ``losses`` per epoch."""
    f = "train_xor_mlp"
    hidden = as_int(hidden, f, "hidden", low=1)
    lr = as_float(lr, f, "lr", low=0.0)
    epochs = as_int(epochs, f, "epochs", low=1)
    rng = np.random.default_rng(as_seed(seed, f))
    W1, b1 = rng.normal(size=(2, hidden)), np.zeros(hidden)
    W2, b2 = rng.normal(size=(hidden, 1)), np.zeros(1)
    X, t = TWO_INPUTS, TARGETS["XOR"][:, None].astype(float)
    losses = np.empty(epochs)
    for k in range(epochs):
        h = _sigmoid(X @ W1 + b1)
        y = _sigmoid(h @ W2 + b2)
        losses[k] = -np.mean(t * np.log(y + 1e-12) + (1 - t) * np.log(1 - y + 1e-12))
        d_out = (y - t) / X.shape[0]  # d loss / d z_out for a sigmoid output + cross-entropy
        d_hid = (d_out @ W2.T) * h * (1 - h)
        W2 -= lr * h.T @ d_out
        b2 -= lr * d_out.sum(axis=0)
        W1 -= lr * X.T @ d_hid
        b1 -= lr * d_hid.sum(axis=0)
    return MLP([W1, W2], [b1, b2], "sigmoid", losses)


# --------------------------------------------------------------------------------------------
# Hopfield networks

#: A unit's input closer to zero than this is a tie (the Hebbian weights are multiples of
#: 1/m, so a true input is either 0 or at least 1/m away from it).
TIE = 1e-9


def _bipolar(patterns, func: str, name: str = "patterns") -> np.ndarray:
    """Patterns as a (m, N) array of -1/+1; binary 0/1 patterns are converted (2x - 1)."""
    if isinstance(patterns, (str, bytes)) or not hasattr(patterns, "__iter__"):
        raise param_error(func, name, "an array of patterns of -1/+1 (or 0/1) values",
                          patterns, TypeError)
    rows = patterns if isinstance(patterns, np.ndarray) else list(patterns)
    if not isinstance(rows, np.ndarray):
        lengths = {len(r) if hasattr(r, "__len__") else -1 for r in rows}
        if len(lengths) > 1:
            raise param_error(func, name, "patterns of one length", got(
                f"patterns of lengths {sorted(lengths)}"))
    arr = np.atleast_2d(np.asarray(rows))
    if arr.ndim != 2 or arr.shape[1] == 0 or arr.dtype.kind not in "biuf":
        raise param_error(func, name, "a 2-D array (patterns, units) of -1/+1 values", arr,
                          TypeError if arr.dtype.kind not in "biuf" else ValueError)
    values = set(np.unique(arr).tolist())
    if values <= {0, 1}:
        return (2 * arr - 1).astype(np.int8)
    if values <= {-1, 1}:
        return arr.astype(np.int8)
    bad = sorted(values - {-1, 0, 1})
    raise param_error(func, name, "bipolar values -1/+1 (or binary 0/1, converted), not "
                      "mixed", bad[0] if bad else got("a mix of -1, 0 and 1"))


@dataclass
class RecallRun:
    """The states a Hopfield network passed through (``states`` (k, N), the probe first),
    their ``energies`` (k,), and whether it reached a fixed point (``converged``)."""

    states: np.ndarray
    energies: np.ndarray
    converged: bool

    @property
    def final(self) -> np.ndarray:
        return self.states[-1]


class Hopfield:
    """A Hopfield network of bipolar units storing ``patterns`` with the Hebbian rule
    W = (1/m) sum_mu x_mu x_mu^T - I (zero self-coupling), energy E(s) = -s.W.s / 2.

    Arguments:
        patterns: (m, N) of -1/+1 (binary 0/1 patterns are converted to -1/+1).

    Raises ParameterError for patterns of mixed length or values that are neither -1/+1 nor
    0/1.
    """

    def __init__(self, patterns):
        self.patterns = _bipolar(patterns, "Hopfield")
        m, n = self.patterns.shape
        x = self.patterns.astype(np.float64)
        self.W = x.T @ x / m - np.eye(n)

    @property
    def n_units(self) -> int:
        return self.patterns.shape[1]

    def energy(self, s) -> float:
        s = np.asarray(s, dtype=np.float64)
        return float(-0.5 * s @ self.W @ s)

    def _state(self, s, func):
        s = _bipolar(s, func, "state")
        if s.shape != (1, self.n_units):
            raise param_error(func, "state", f"one pattern of {self.n_units} units",
                              got(f"shape {s.shape}"))
        return s[0].astype(np.int8)

    def recall(self, probe, *, mode: str = "async", max_sweeps: int = 50, seed: int = 0,
               record: str = "sweep") -> RecallRun:
        """Run the network from ``probe`` until no unit changes (or ``max_sweeps``).

        ``mode``: ``"async"`` (one unit at a time, in a fresh random order each sweep drawn
        from ``seed``: the energy never rises) or ``"sync"`` (every unit at once; may end in a
        2-cycle). A unit takes the sign of its input, keeping its state on a tie (an input
        within :data:`TIE` of zero, so that rounding cannot decide).
        ``record``: ``"sweep"`` (the state after each sweep) or ``"update"`` (after each
        single-unit update, async only).
        """
        f = "Hopfield.recall"
        s = self._state(probe, f).astype(np.float64)
        mode = as_choice(mode, f, "mode", ("async", "sync"))
        record = as_choice(record, f, "record", ("sweep", "update"))
        if record == "update" and mode == "sync":
            raise param_error(f, "record", "'sweep' for synchronous updates", record)
        max_sweeps = as_int(max_sweeps, f, "max_sweeps", low=1)
        rng = np.random.default_rng(as_seed(seed, f))
        states = [s.copy()]
        converged = False
        for _ in range(max_sweeps):
            if mode == "sync":
                h = self.W @ s
                new = np.where(h > TIE, 1.0, np.where(h < -TIE, -1.0, s))
                changed = bool(np.any(new != s))
                s = new
                states.append(s.copy())
            else:
                changed = False
                for i in rng.permutation(self.n_units):
                    h = self.W[i] @ s
                    new = 1.0 if h > TIE else (-1.0 if h < -TIE else s[i])
                    if new != s[i]:
                        s[i] = new
                        changed = True
                    if record == "update":
                        states.append(s.copy())
                if record == "sweep":
                    states.append(s.copy())
            if not changed:
                converged = True
                break
        states = np.array(states, dtype=np.int8)
        x = states.astype(np.float64)
        energies = -0.5 * np.einsum("ki,ij,kj->k", x, self.W, x)  # energy() of every state
        return RecallRun(states, energies, converged)


def flip(pattern, fraction: float, seed: int) -> np.ndarray:
    """A copy of a bipolar pattern with round(fraction * N) units, drawn with ``seed``,
    flipped."""
    f = "flip"
    p = _bipolar(pattern, f, "pattern")
    if p.shape[0] != 1:
        raise param_error(f, "pattern", "one pattern", got(f"{p.shape[0]} patterns"))
    frac = as_float(fraction, f, "fraction", low=0.0, high=1.0, low_open=False)
    rng = np.random.default_rng(as_seed(seed, f))
    out = p[0].copy()
    idx = rng.choice(out.size, size=round(frac * out.size), replace=False)
    out[idx] *= -1
    return out


def _recall_kernel():
    from ._kernels._hopfield import settle_async

    return settle_async


def capacity_curve(n_units: int, loads, *, trials: int = 5, seed: int = 0,
                   max_sweeps: int = 100) -> dict:
    """Hopfield's capacity measured: for each load alpha = m / N, store m random patterns
    (``trials`` networks of ``n_units``), start from each stored pattern and settle
    asynchronously. Returns ``{"loads", "overlap"}`` (the mean overlap s.x / N of the fixed
    point with its pattern) and ``"recalled"`` (the share of patterns whose fixed point keeps
    at least 97 % of its bits: the retrieval state of Amit et al., whose error rate at the
    critical load is 1.6 %)."""
    f = "capacity_curve"
    n = as_int(n_units, f, "n_units", low=2)
    loads = np.atleast_1d(as_finite_array(loads, f, "loads"))
    if loads.ndim != 1 or not np.all(np.isfinite(loads) & (loads > 0)):
        # (a load of -0.1 stored no pattern and reported a perfect overlap)
        bad = loads[~(np.isfinite(loads) & (loads > 0))]
        raise param_error(f, "loads", "loads P / N > 0 (patterns per unit)",
                          float(bad[0]) if bad.size else loads)
    trials = as_int(trials, f, "trials", low=1)
    max_sweeps = as_int(max_sweeps, f, "max_sweeps", low=1)
    # the largest load's patterns and weights in memory; each trial's recalls settle
    # m patterns by up to max_sweeps sweeps of N^2 multiply-adds each
    m_max = max(1, round(float(loads.max()) * n))
    work = trials * sum(max(1, round(a * n)) for a in loads) * (n * n * 4.0 + m_max * n)
    _resources.check(f, memory=8.0 * (2 * n * n + 2 * m_max * n), seconds=work / 1e9,
                     what=f"{n:,} units and up to {m_max:,} patterns, {trials} trial(s) a load",
                     fix="use fewer units (n_units), lower loads or fewer trials")
    rng = np.random.default_rng(as_seed(seed, f))
    settle = _recall_kernel()  # the same update rule, ties included, compiled
    overlap, recalled = [], []
    for alpha in loads:
        m = max(1, round(alpha * n))
        ov = []
        for _ in range(trials):
            x = rng.choice(np.array([-1.0, 1.0]), size=(m, n))
            W = x.T @ x / m - np.eye(n)
            for mu in range(m):
                s = x[mu].copy()
                settle(W, s, int(rng.integers(2**31)), max_sweeps)
                ov.append(float(s @ x[mu]) / n)
        ov = np.array(ov)
        overlap.append(ov.mean())
        recalled.append(float(np.mean(ov >= 0.94)))  # overlap 0.94 = 97 % of bits right
    return {"loads": loads, "overlap": np.array(overlap), "recalled": np.array(recalled)}


# the retrieval state's overlap with its pattern at the critical load (Amit, Gutfreund &
# Sompolinsky 1985: m = 0.967 at alpha_c = 0.138; below alpha_c it is larger, beyond it the
# retrieval state is gone)
AGS_OVERLAP = 0.967


def critical_load(curve: dict, level: float = AGS_OVERLAP) -> float:
    """The load where the mean overlap of the fixed points with their patterns falls through
    ``level`` (default the overlap theory gives the retrieval state at the critical load),
    by linear interpolation between the measured loads."""
    f = "critical_load"
    if not isinstance(curve, dict) or not {"loads", "overlap"} <= set(curve):
        raise param_error(f, "curve", "a capacity curve: a dict with 'loads' and 'overlap' "
                          "(capacity_curve's)", curve, TypeError)
    loads = as_finite_array(curve["loads"], f, "curve['loads']")
    ov = as_finite_array(curve["overlap"], f, "curve['overlap']")
    if loads.ndim != 1 or ov.shape != loads.shape:
        raise param_error(f, "curve", "loads and overlaps of one length", got(
            f"{loads.size} loads and {ov.size} overlaps"))
    level = as_float(level, f, "level", low=-1.0, high=1.0)
    below = np.flatnonzero(ov < level)
    if below.size == 0 or below[0] == 0:
        raise param_error("critical_load", "curve", "loads on both sides of the drop",
                          got(f"overlaps {np.round(ov, 3).tolist()}"))
    k = below[0]
    x0, x1, y0, y1 = loads[k - 1], loads[k], ov[k - 1], ov[k]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))


def load_letters(names=None) -> dict[str, np.ndarray]:
    """The letter patterns shipped for the lecture (``models/patterns/letters.toml``): name ->
    a (rows, columns) array of -1/+1 (``#`` is +1)."""
    path = catalog_dir() / "patterns" / "letters.toml"
    data = read_toml(path)["letters"]
    if names is not None and (isinstance(names, str) or not hasattr(names, "__iter__")):
        raise param_error("load_letters", "names", f"None or a list of letters of "
                          f"{', '.join(data)}", names, TypeError)
    wanted = list(data) if names is None else list(names)
    out = {}
    for name in wanted:
        if name not in data:
            raise param_error("load_letters", "names", f"letters of {', '.join(data)}", name)
        rows = data[name]
        out[name] = np.array([[1 if c == "#" else -1 for c in row] for row in rows],
                             dtype=np.int8)
    return out

