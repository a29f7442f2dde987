"""The result of a neuron or population run: one type whatever its size.

A single neuron is a population of one: ``v`` is always (recorded steps, neurons) and
``spike_times`` always a :class:`SpikeTrains`. ``result.trace("v")`` and ``result.spikes()``
give one neuron's 1-D arrays (the neuron must be named when there are several).
Results save to and load from ``.npz`` files with their parameters and provenance.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import json
import math
import os
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import catalog
from ._core import resources as _resources
from ._core.validation import InvalidInput, as_float, as_int, got, param_error
from ._core.version import __version__

__all__ = ["SimulationResult", "SpikeTrains", "load_result", "provenance"]


class Summarised:
    """A short ``repr`` (a few lines at most, whatever the run's size) and an HTML table for
    notebooks, both from ``_summary()``: the class's title and (label, value) rows. Results
    and reports hold arrays, graphs and parameters far too big to print whole; their summary
    gives sizes, duration, dt, spike counts and rates instead. (A dataclass using this needs
    ``repr=False``, or it writes its own repr over this one.)"""

    def _summary(self) -> tuple[str, list[tuple[str, str]]]:
        raise NotImplementedError

    def __repr__(self) -> str:
        title, rows = self._summary()
        return f"{title}({'; '.join(f'{label}: {value}' for label, value in rows)})"

    def _repr_html_(self) -> str:
        title, rows = self._summary()
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(label)}</th>"
                       f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
                       for label, value in rows)
        return f"<table><caption>{html.escape(title)}</caption>{body}</table>"


def spikes_and_rate(count: int, n: int, duration: float) -> str:
    """'1,234 spikes, 12.3 Hz' (the mean rate per neuron over ``duration`` ms)."""
    rate = count / (n * duration) * 1000.0 if n and duration > 0 else float("nan")
    return f"{count:,} spike{'s' if count != 1 else ''}, {rate:.3g} Hz"


def listed(names, most: int = 6) -> str:
    """'a, b, c' with at most ``most`` names, then how many more."""
    names = [str(x) for x in names]
    if len(names) <= most:
        return ", ".join(names) or "none"
    return f"{', '.join(names[:most])} and {len(names) - most} more"

FORMAT = "neurosim-result-1"


class SpikeTrains(Sequence):
    """Spike times of a population, one array per neuron, stored flat.

    ``trains[i]`` is neuron i's spike times (ms, a view); ``trains.times`` and
    ``trains.indices`` give every spike as (time, neuron) pairs for rasters;
    ``trains.counts`` the spikes per neuron.
    """

    def __init__(self, times: np.ndarray, offsets: np.ndarray):
        f = "SpikeTrains"
        times, offsets = np.asarray(times), np.asarray(offsets)
        if times.ndim != 1 or times.dtype.kind not in "fiu" or \
                (times.size and not np.isfinite(times).all()):
            raise param_error(f, "times", "a 1-D array of finite spike times (ms)",
                              shape_of(times))
        if offsets.ndim != 1 or offsets.dtype.kind not in "iu" or offsets.size < 1:
            raise param_error(f, "offsets", "a 1-D array of ints, one more than the neurons",
                              shape_of(offsets))
        falls = bool(np.any(np.diff(offsets) < 0))
        if offsets[0] != 0 or offsets[-1] != times.size or falls:
            raise param_error(f, "offsets", f"rising from 0 to the number of spikes "
                              f"({times.size:,})", got(
                                  f"offsets from {offsets[0]} to {offsets[-1]}" +
                                  (", falling somewhere" if falls else "")))
        self.flat = times.astype(np.float64, copy=False)
        self.offsets = offsets.astype(np.int64, copy=False)

    @classmethod
    def from_pairs(cls, ids, times, n: int) -> SpikeTrains:
        """Group (neuron, time) pairs by neuron, keeping each neuron's spikes in time order."""
        ids = np.asarray(ids, dtype=np.int64)
        times = np.asarray(times, dtype=np.float64)
        order = np.lexsort((times, ids))
        counts = np.bincount(ids, minlength=n)
        return cls(times[order], np.concatenate([[0], np.cumsum(counts)]))

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self)
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not -n <= i < n:
            raise IndexError(f"neuron index {i!r} out of range for {n} neurons")
        i = int(i) % n
        return self.flat[self.offsets[i]:self.offsets[i + 1]]

    @property
    def times(self) -> np.ndarray:
        return self.flat

    @property
    def indices(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), np.diff(self.offsets))

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __repr__(self) -> str:
        return f"SpikeTrains({len(self)} neurons, {self.flat.size} spikes)"


def shape_of(a) -> object:
    """How an array is described in an error: its shape and dtype, not its values."""
    if isinstance(a, np.ndarray):
        return got(f"an array of shape {a.shape} and dtype {a.dtype}")
    return a


def check_run(res, f: str) -> None:
    """The fields every result shares hold together: dt >= 0 (0: an adaptive solver's) and
    duration > 0 (ms), ``t`` a 1-D array of times, ``spike_times`` SpikeTrains (or a dict of
    them) within the run, and ``units`` and ``provenance`` tables. A result loaded from a
    tampered file is refused by these checks, as a freshly built one would be."""
    as_float(res.dt, f, "dt", "ms", low=0.0, low_open=False)
    as_float(res.duration, f, "duration", "ms", low=0.0)
    t = res.t
    if not isinstance(t, np.ndarray) or t.ndim != 1 or t.dtype.kind not in "fiu":
        raise param_error(f, "t", "a 1-D array of recorded times (ms)", shape_of(t),
                          TypeError)
    trains = res.spike_times
    many = trains if isinstance(trains, dict) else {"": trains}
    for name, tr in many.items():
        where = f"spike_times[{name!r}]" if name else "spike_times"
        if not isinstance(tr, SpikeTrains):
            raise param_error(f, where, "a SpikeTrains", tr, TypeError)
        if tr.flat.size and not (tr.flat.min() >= 0.0 and
                                 tr.flat.max() <= res.duration + res.dt):
            raise param_error(f, where, f"times within the run, 0 to {res.duration:g} ms",
                              got(f"spikes from {tr.flat.min():g} to {tr.flat.max():g} ms"))
    for name in ("units", "provenance"):
        if not isinstance(getattr(res, name, {}), dict):
            raise param_error(f, name, "a dict", getattr(res, name), TypeError)


def provenance(call: str | None = None) -> dict:
    """Where a result came from: neurosim's version, the date (UTC), the call and command."""
    return {"neurosim": __version__,
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "call": call or "", "command": " ".join(sys.argv)}


@dataclass(eq=False, repr=False)
class SimulationResult(Summarised):
    """What a simulation recorded. Arrays are plain numpy in the units of ``units``.

    Attributes:
        t: recorded times (ms), shape (n_rec,).
        v: membrane potential (mV), shape (n_rec, n_neurons); ``None`` if not recorded.
        spike_times: a :class:`SpikeTrains`: ``spike_times[i]`` is neuron i's spike times (ms).
        stimulus: the input at the recorded times, shape (n_rec, n_neurons), in the model's
            input unit (``units["stimulus"]``); ``None`` when nothing but spikes was recorded.
        traces: other recorded variables by name (``m``, ``h``, ``n``, ``i_na``, ... for HH,
            ``u`` for Izhikevich, ``w`` for AdEx), each (n_rec, n_neurons).
        units: the unit of ``v``, ``stimulus`` and each trace.
        model: the model's name; ``method``, ``dt``, ``duration`` (ms), ``params``,
            ``spike_threshold`` (mV): how it was run (dt is 0 for an adaptive solver's run;
            spike_threshold is NaN where the neurons' thresholds differ or spikes are defined by
            a reset).
        provenance: neurosim version, date, and the call or command that made it.

    ``spike_counts`` (int per neuron), ``firing_rates`` (Hz per neuron) and ``n_neurons`` are
    computed from ``spike_times``.

    The constructor refuses fields that do not hold together (arrays whose shapes disagree,
    spike offsets that do not rise to the number of spikes, spikes outside the run, a dt or
    duration that is no time), so a tampered file cannot load as a result.
    """

    t: np.ndarray
    v: np.ndarray | None
    spike_times: SpikeTrains
    stimulus: np.ndarray | None
    model: str
    method: str
    dt: float
    duration: float
    params: object
    spike_threshold: float = float("nan")
    traces: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def __post_init__(self):
        f = type(self).__name__
        check_run(self, f)
        for name in ("model", "method"):
            if not isinstance(getattr(self, name), str):
                raise param_error(f, name, "a str", getattr(self, name), TypeError)
        if not isinstance(self.traces, dict):
            raise param_error(f, "traces", "a dict of name -> array", self.traces, TypeError)
        n, rows = self.n_neurons, self.t.size
        for name, a in [("v", self.v), ("stimulus", self.stimulus),
                        *[(f"traces[{k!r}]", a) for k, a in self.traces.items()]]:
            if a is not None and np.shape(a) != (rows, n):
                raise param_error(f, name, f"an array of shape ({rows}, {n}): one row a "
                                  "recorded time, one column a neuron", shape_of(a))

    @property
    def n_neurons(self) -> int:
        return len(self.spike_times)

    def _run_rows(self) -> list[tuple[str, str]]:
        """The rows every simulation result shows: model, duration and dt."""
        return [("model", self.model),
                ("duration", f"{self.duration:g} ms at dt = {self.dt:g} ms ({self.method})")]

    def _summary(self):
        n = self.n_neurons
        recorded = (["v"] if self.v is not None else []) + list(self.traces)
        return type(self).__name__, [
            *self._run_rows(), ("neurons", f"{n:,}"),
            ("spikes", spikes_and_rate(int(self.spike_times.flat.size), n, self.duration)),
            ("recorded", f"{listed(recorded)} at {self.t.size:,} times" if recorded
             else "spikes only")]

    @property
    def spike_counts(self) -> np.ndarray:
        return self.spike_times.counts

    @property
    def firing_rates(self) -> np.ndarray:
        """Spikes per second over the whole run (Hz), one per neuron."""
        return self.spike_counts / (self.duration / 1000.0)

    def _index(self, neuron, func: str) -> int:
        if neuron is None:
            if self.n_neurons != 1:
                raise param_error(func, "neuron", f"an int in [0, {self.n_neurons}) to pick one "
                                  "neuron of this population", neuron)
            return 0
        return as_int(neuron, func, "neuron", low=0, high=self.n_neurons - 1)

    def spikes(self, neuron: int | None = None) -> np.ndarray:
        """One neuron's spike times (ms); ``neuron`` may be left out for a single neuron."""
        return self.spike_times[self._index(neuron, "spikes")]

    def trace(self, name: str = "v", neuron: int | None = None) -> np.ndarray:
        """One neuron's recorded ``name`` ("v", "stimulus" or a trace) as a 1-D array."""
        k = self._index(neuron, "trace")
        if name == "v":
            values = self.v
        elif name == "stimulus":
            values = self.stimulus
        else:
            values = self.traces.get(name)
        if values is None:
            recorded = [n for n in ("v", "stimulus") if getattr(self, n) is not None]
            raise param_error("trace", "name", "a recorded variable: one of "
                              f"{', '.join(repr(r) for r in [*recorded, *self.traces])} (pass "
                              f"record=(..., {name!r}) to the simulate function)", name)
        return values[:, k]

    def neuron(self, index: int) -> SimulationResult:
        """Neuron ``index`` of a population, as a population of one."""
        k = self._index(index, "neuron")

        def col(a):
            return None if a is None else a[:, k:k + 1]

        params = self.params.neuron(k) if hasattr(self.params, "neuron") else self.params
        return dataclasses.replace(
            self, v=col(self.v), stimulus=col(self.stimulus), params=params,
            spike_times=SpikeTrains(self.spike_times[k].copy(),
                                    np.array([0, self.spike_counts[k]])),
            traces={name: col(a) for name, a in self.traces.items()})

    def save(self, path) -> Path:
        """Write the result, its parameters and provenance to an ``.npz`` file (written whole
        or not at all). Read it back with :func:`neurosim.load_result`."""
        path = save_path(path, "save")
        arrays, meta = self._payload()
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        write_atomically(path, lambda fh: np.savez_compressed(fh, **arrays))
        return path

    def _payload(self) -> tuple[dict, dict]:
        """The arrays and the metadata a saved file holds."""
        arrays = {"t": self.t, "spike_flat": self.spike_times.flat,
                  "spike_offsets": self.spike_times.offsets}
        if self.v is not None:
            arrays["v"] = self.v
        if self.stimulus is not None:
            arrays["stimulus"] = _compact(self.stimulus)
        for name, values in self.traces.items():
            arrays[f"trace:{name}"] = values
        params = None
        if isinstance(self.params, catalog._Params):
            values = {}
            for key, value in self.params.values().items():
                if isinstance(value, np.ndarray):
                    arrays[f"param:{key}"] = value
                else:
                    values[key] = value
            params = {"kind": self.params.kind, "values": values,
                      "name": self.params.name, "description": self.params.description,
                      "citation": self.params.citation}
        meta = {"format": FORMAT, "model": self.model, "method": self.method, "dt": self.dt,
                "duration": self.duration, "spike_threshold": self.spike_threshold,
                "units": self.units, "traces": list(self.traces), "params": params,
                "provenance": {**self.provenance, "saved": provenance()["date"]},
                "stimulus_shape": None if self.stimulus is None else list(self.stimulus.shape)}
        return arrays, meta


def _compact(a: np.ndarray) -> np.ndarray:
    """The smallest array that broadcasts back to ``a`` (a shared input saves one column)."""
    rows = a[:1] if np.all(a == a[:1]) else a
    cols = rows[:, :1] if np.all(rows == rows[:, :1]) else rows
    return np.ascontiguousarray(cols)


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish(tmp, path) -> None:
    """Rename a finished temporary file into place with the mode any new file of the user's
    would have (0666 less the umask): ``tempfile.mkstemp`` makes it 0600, readable by its
    owner alone, which a lecturer's shared figure or result folder must not get."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


def suffixed_path(path, func: str, suffixes: tuple) -> Path:
    """``func``'s ``path``: a str or path ending in one of ``suffixes``, else an error that
    names the parameter (``save(123)`` raised numpy's own TypeError)."""
    ends = " or ".join(suffixes)
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise param_error(func, "path", f"a file name ending in {ends} (a str or a Path)",
                          path, TypeError)
    path = Path(path)
    if path.suffix not in suffixes:
        raise param_error(func, "path", f"a file name ending in {ends}", str(path))
    return path


def save_path(path, func: str) -> Path:
    """A result's file name: a str or path ending in .npz."""
    return suffixed_path(path, func, (".npz",))


def write_atomically(path: Path, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path`` and rename it into place, so a
    failure leaves no half-written file. A folder that cannot be written is said of ``path``,
    not of the temporary file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror}", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_result(path):
    """Read a result written by :meth:`SimulationResult.save` (every field, its parameters as
    the same parameter class, its provenance) or by
    :meth:`NetworkResult.save <neurosim.network.NetworkResult.save>` (with the drawn graph,
    which ``Network.run(connectivity=...)`` takes again)."""
    func, expected = "load_result", "a file written by a result's save()"
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise param_error(func, "path", f"{expected} (a str or a Path)", path, TypeError)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"The 'path' parameter of load_result names {path}, which "
                                "does not exist.")
    # (pickles stay off: a tampered file never runs code)
    try:
        z = np.load(path, allow_pickle=False)
    except (ValueError, EOFError, OSError) as exc:
        raise param_error(func, "path", expected, got(f"{path}, which is not an .npz archive "
                                                      f"({exc})")) from None
    if not isinstance(z, np.lib.npyio.NpzFile):
        raise param_error(func, "path", expected, got(f"{path}, a single .npy array"))
    with z:
        if "meta" not in z.files:
            raise param_error(func, "path", expected, got(f"{path}, which has no metadata"))
        declared = _declared_arrays(path, func, expected)
        _resources.check(
            func, memory=sum(declared.values()),
            what=f"the arrays {path} declares",
            fix="load it on a machine with more memory, or raise "
                "neurosim.limits.memory_fraction if the file is trusted")
        arrays = {k: z[k] for k in z.files}  # (no pickle: the headers were checked)
        try:
            meta = json.loads(arrays["meta"].tobytes().decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise param_error(func, "path", expected, got(f"{path}, whose metadata is not "
                                                          f"JSON ({exc})")) from None
        if not isinstance(meta, dict):
            raise param_error(func, "path", expected, got(f"{path}, whose metadata is not a "
                                                          "table"))
    try:
        return _from_payload(arrays, meta)
    except KeyError as exc:
        raise param_error(func, "path", expected, got(f"{path}, which lacks {exc}")) from None
    except (InvalidInput, TypeError, ValueError, IndexError) as exc:
        raise param_error(func, "path", expected, got(
            f"{path}, whose contents do not hold together: "
            f"{str(exc).removesuffix(' instead.')}")) from None


def _declared_arrays(path: Path, func: str, expected: str) -> dict:
    """Each array of an ``.npz`` file and the bytes it declares, read from the headers alone
    (nothing is decompressed beyond them). An array of Python objects (a pickle) is refused,
    and so is one whose header declares more or fewer bytes than its member holds."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename.removesuffix(".npy")
            with zf.open(info) as fh:
                try:
                    version = np.lib.format.read_magic(fh)
                    read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                            else np.lib.format.read_array_header_2_0)
                    shape, _, dtype = read(fh)
                except ValueError as exc:
                    raise param_error(func, "path", expected, got(
                        f"{path}, whose array {name!r} has no valid header ({exc})")) from None
                if dtype.hasobject:
                    raise param_error(func, "path", expected, got(
                        f"{path}, which holds a pickled array (pickles are not loaded)"))
                nbytes = math.prod(shape) * dtype.itemsize
                if info.file_size != fh.tell() + nbytes:
                    raise param_error(func, "path", expected, got(
                        f"{path}, whose array {name!r} declares shape {shape} of {dtype} "
                        f"({nbytes:,} bytes) but holds {info.file_size - fh.tell():,}"))
                out[name] = nbytes
    return out


# file format -> the function that builds its result from (arrays, meta): each result type of a
# higher layer registers its own (the network result, the cable result)
LOADERS: dict = {}


def register_loader(fmt: str, load) -> None:
    """Let :func:`load_result` read files of format ``fmt`` with ``load(arrays, meta)``."""
    LOADERS[fmt] = load


def _from_payload(arrays: dict, meta: dict):
    """The result a file's arrays and metadata hold (see :func:`load_result`)."""
    if meta.get("format") in LOADERS:
        return LOADERS[meta["format"]](arrays, meta)
    if meta.get("format") != FORMAT:
        raise param_error("load_result", "path", "a file of one of the formats "
                          f"{', '.join([FORMAT, *LOADERS])}", meta.get("format"))
    params = meta["params"]
    if params is not None:
        values = dict(params["values"])
        for key in arrays:
            if key.startswith("param:"):
                values[key[6:]] = arrays[key]
        params = catalog.MODEL_KINDS[params["kind"]](
            **values, name=params["name"], description=params["description"],
            citation=params["citation"])
    stimulus = None
    if meta["stimulus_shape"] is not None:
        stimulus = np.broadcast_to(arrays["stimulus"], tuple(meta["stimulus_shape"]))
    return SimulationResult(
        t=arrays["t"], v=arrays.get("v"),
        spike_times=SpikeTrains(arrays["spike_flat"], arrays["spike_offsets"]),
        stimulus=stimulus, model=meta["model"], method=meta["method"], dt=meta["dt"],
        duration=meta["duration"], params=params, spike_threshold=meta["spike_threshold"],
        traces={name: arrays[f"trace:{name}"] for name in meta["traces"]},
        units=meta["units"], provenance=meta["provenance"])
