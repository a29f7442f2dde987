"""Parameter sweeps on Dask distributed: the same call on a laptop or a cluster.

    >>> import neurosim
    >>> table = neurosim.sweep("brunel_2000", {"g": [4.0, 5.0, 6.0], "eta": [1.0, 2.0]},
    ...                        duration=300.0)                     # a LocalCluster of processes
    >>> table = neurosim.sweep(my_function, grid, client="tcp://scheduler:8786")   # a cluster

Each point of the grid runs as one task. A point that fails comes back as a row with its
error (the sweep goes on); every point gets its own seed, derived from the grid point and the
sweep's seed, so a point gives the same answer wherever and in whatever order it runs.
Dask and pandas are needed (the ``distributed`` extra: ``pip install ".[distributed]"`` from
the checkout);
``client="serial"`` runs the points one after the other in this process without them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import traceback

from . import analysis
from ._core.validation import (
    MissingExtra,
    as_bool,
    as_float,
    as_int,
    got,
    install_hint,
    param_error,
)
from .network import Network, NetworkResult, load_network

__all__ = ["network_summary", "point_seed", "sweep"]


def point_seed(point: dict, seed: int = 0) -> int:
    """The seed of one grid point: a hash of the point's (name, value) pairs and ``seed``,
    the same in every process and on every machine."""
    if not isinstance(point, dict):
        raise param_error("point_seed", "point", "a dict of parameter name -> value", point,
                          TypeError)
    seed = as_int(seed, "point_seed", "seed", low=0)
    text = json.dumps([seed, sorted((str(k), repr(v)) for k, v in point.items())])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def network_summary(result, *, start: float | None = None) -> dict:
    """Summary numbers of a network run, per population: ``rate_X`` (Hz), ``cv_X`` (mean CV
    of ISI of neurons with at least 3 spikes; NaN if none) and ``sync_X`` (Golomb's chi of the
    spike counts of up to 1,000 neurons in 1-ms bins), after ``start`` ms (default a fifth of
    the run)."""
    if not isinstance(result, NetworkResult):
        raise param_error("network_summary", "result", "a NetworkResult (Network.run's)",
                          result, TypeError)
    start = result.duration / 5.0 if start is None else as_float(
        start, "network_summary", "start", "ms", low=0.0, high=result.duration,
        low_open=False, high_open=True)
    out = {}
    for name, trains in result.spike_times.items():
        span = result.duration - start
        counts = analysis.binned_counts(trains, result.duration, span, start=start)
        out[f"rate_{name}"] = float(counts.sum() / (len(trains) * span / 1000.0))
        cv = analysis.cv_isi(trains)
        out[f"cv_{name}"] = float(cv.mean()) if cv.size else math.nan
        sub = trains[:min(1000, len(trains))]
        binned = analysis.binned_counts(sub, result.duration, 1.0, start=start)
        out[f"sync_{name}"] = float(analysis.synchrony(binned)) if binned.any() else math.nan
    return out


def _run_network(spec, point, seed, duration, summary, state, scale):
    if isinstance(spec, Network):
        net = spec.replace(**point) if point else spec
    else:
        net = load_network(spec, state=state, scale=scale, **point)
    return summary(net.run(duration, seed=seed))


def _task(fn, point, seed, kwargs):
    """One grid point: its results as a dict, or the error; never raises."""
    try:
        value = fn(**point, seed=seed, **kwargs)
        if not isinstance(value, dict):
            value = {"value": value}
        return {**value, "error": None}
    except Exception as exc:  # one failing point must not stop the sweep
        return {"error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=5)}


def _network_task(spec, point, seed, duration, summary, state, scale):
    return _task(lambda seed, **p: _run_network(spec, p, seed, duration, summary, state,
                                                scale), point, seed, {})


def _points(grid, func) -> list[dict]:
    if isinstance(grid, dict):
        if not grid:
            raise param_error(func, "grid", "a non-empty dict of name -> values", grid)
        names = list(grid)
        for name in names:
            values = grid[name]
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                raise param_error(func, f"grid[{name!r}]", "a list of values", values,
                                  TypeError)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(list(grid[n]) for n in names))]
    if isinstance(grid, (list, tuple)) and grid and all(isinstance(p, dict) for p in grid):
        return [dict(p) for p in grid]
    raise param_error(func, "grid", "a dict of name -> list of values (every combination) or "
                      "a list of dicts (the points)", grid, TypeError)


def sweep(fn_or_network, grid, *, client=None, seed: int = 0, progress: bool = True,
          duration: float = 1000.0, summary=None, state: str | None = None,
          scale: float = 1.0, **kwargs):
    """Run a function or a network over a parameter grid on Dask and return a table.

    Arguments:
        fn_or_network: a function called as ``fn(**point, seed=..., **kwargs)`` returning a
            dict of numbers (or one number); or a network: a catalog name, a TOML path or a
            :class:`~neurosim.Network`, whose points are overrides of the file's parameters
            (``load_network(name, state=state, scale=scale, **point)``) or of the Network's
            fields, run for ``duration`` ms and summarised by ``summary(result)`` (default
            :func:`network_summary`).
        grid: ``{"g": [4, 5, 6], "eta": [1, 2]}`` (every combination) or a list of dicts.
        client: None (a ``LocalCluster`` of worker processes on this machine, closed at the
            end), a scheduler address (``"tcp://host:8786"``), a ``distributed.Client``, or
            ``"serial"`` (in this process, without Dask).
        seed: the sweep's seed; each point's seed is :func:`~neurosim.point_seed` of it.
        progress: a progress bar over the finished points.

    Returns:
        pandas.DataFrame: one row per point in grid order: the parameters, ``seed``, the
        results, ``error`` (None, or the failing point's exception) and ``traceback``.
    """
    func = "sweep"
    points = _points(grid, func)
    seed = as_int(seed, func, "seed", low=0)
    progress = as_bool(progress, func, "progress")
    duration = as_float(duration, func, "duration", "ms", low=0.0)
    scale = as_float(scale, func, "scale", low=0.0)
    if summary is not None and not callable(summary):
        raise param_error(func, "summary", "None or a function of a NetworkResult", summary,
                          TypeError)
    if state is not None and not isinstance(state, str):
        raise param_error(func, "state", "None or the name of a state of the network file",
                          state, TypeError)
    if callable(fn_or_network):
        fn = fn_or_network
        for name, value in (("summary", summary), ("state", state)):
            if value is not None:
                raise param_error(func, name, "None when sweeping a function (it is for a "
                                  "network)", value, TypeError)

        def submit_args(p):
            return _task, (fn, p, point_seed(p, seed), kwargs)
    else:
        if not isinstance(fn_or_network, (str, Network)) and not hasattr(fn_or_network,
                                                                           "__fspath__"):
            raise param_error(func, "fn_or_network", "a function, a catalog network name, a "
                              "path to a network file or a Network", fn_or_network, TypeError)
        if kwargs:
            raise param_error(func, "kwargs", "none for a network (use the grid)",
                              sorted(kwargs), TypeError)
        spec = fn_or_network if isinstance(fn_or_network, Network) else str(fn_or_network)
        summ = network_summary if summary is None else summary

        def submit_args(p):
            return _network_task, (spec, p, point_seed(p, seed), duration, summ,
                                   state, scale)

    rows = [None] * len(points)
    if isinstance(client, str) and client == "serial":
        it = range(len(points))
        if progress:
            from tqdm.auto import tqdm

            it = tqdm(it, desc="sweep", unit="point")
        for k in it:
            task, args = submit_args(points[k])
            rows[k] = task(*args)
    else:
        rows = _on_dask(client, points, submit_args, progress)
    return _table(points, rows, seed)


# how long a scheduler named by its address may take to answer (Dask's own default, 30 s,
# left a mistyped address hanging before its traceback)
CONNECT_TIMEOUT = 10.0


def _connect(client_cls, address: str):
    """A client of the scheduler at ``address``; an address that is malformed or where no
    scheduler answers is refused in one line, naming it."""
    expected = "the address of a running Dask scheduler (tcp://host:port)"
    try:
        return client_cls(address, timeout=f"{CONNECT_TIMEOUT:g}s")
    except ValueError as exc:
        raise param_error("sweep", "client", expected, got(f"{address!r} ({exc})")) from None
    except (OSError, TimeoutError):
        raise param_error("sweep", "client", expected, got(
            f"{address!r}, where no scheduler answered within {CONNECT_TIMEOUT:g} s")) from None


def _on_dask(client, points, submit_args, progress):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingExtra("neurosim.sweep needs Dask distributed: "
                           f"{install_hint('distributed')}; or pass client=\"serial\"") from None
    own = client is None
    if own:
        workers = max(1, min(len(points), os.cpu_count() or 1))
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    elif isinstance(client, str):
        client = _connect(Client, client)
        own = True
        cluster = None
    elif not isinstance(client, Client):
        raise param_error("sweep", "client", "None, a scheduler address, a "
                          "distributed.Client or 'serial'", client, TypeError)
    try:
        futures = {}
        for k, p in enumerate(points):
            task, args = submit_args(p)
            futures[client.submit(task, *args, pure=False, key=f"neurosim-sweep-{k}-"
                                  f"{point_seed(p, 12345)}")] = k
        rows = [None] * len(points)
        done = as_completed(futures)
        if progress:
            from tqdm.auto import tqdm

            done = tqdm(done, total=len(futures), desc="sweep", unit="point")
        for fut in done:
            k = futures[fut]
            try:
                rows[k] = fut.result()
            except Exception as exc:  # a worker lost: the point fails, the sweep goes on
                rows[k] = {"error": f"{type(exc).__name__}: {exc}", "traceback": ""}
        return rows
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


def _table(points, rows, seed):
    import pandas as pd

    records = []
    for p, row in zip(points, rows, strict=True):
        rec = {**p, "seed": point_seed(p, seed)}
        rec.update({k: v for k, v in row.items() if k not in ("error", "traceback")})
        rec["error"] = row.get("error")
        rec["traceback"] = row.get("traceback", "")
        records.append(rec)
    return pd.DataFrame.from_records(records)
