"""Brunel's phase diagram computed by :func:`neurosim.sweep`, saved as an artefact with its
provenance, and read back for the lecture figure (which then needs neither Dask nor a run).

    neurosim sweep brunel-phase --out artefacts/brunel_phase     # regenerate (~4 min, 2 cores)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._core.validation import ParameterError, as_finite_array, as_float, param_error
from ._sweep import network_summary, sweep
from .catalog import artefacts_dir
from .result import provenance, write_atomically

__all__ = ["BrunelPhase", "compute_brunel_phase", "load_brunel_phase", "save_brunel_phase"]

FILE = "phase.json"
FORMAT = "neurosim-brunel-phase-1"
# the grid of the shipped diagram: g (relative inhibition) by nu_ext / nu_thr
G_VALUES = (2.0, 3.0, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0)
ETA_VALUES = (0.6, 0.9, 1.2, 1.6, 2.0, 3.0, 4.0)


@dataclass
class BrunelPhase:
    """Rate, CV of ISI, synchrony and population-rate fluctuation of Brunel's excitatory
    population on a (eta, g) grid: arrays of shape (len(eta), len(g))."""

    g: np.ndarray
    eta: np.ndarray
    rate: np.ndarray
    cv: np.ndarray
    sync: np.ndarray
    fluct: np.ndarray
    duration: float
    scale: float
    provenance: dict = field(default_factory=dict)


def _point_summary(result) -> dict:
    out = network_summary(result)
    rate = result.population_rates["E"][int(result.population_rates["E"].size / 5):]
    out["fluct_E"] = float(rate.std() / rate.mean()) if rate.mean() > 0 else float("nan")
    return out


def compute_brunel_phase(g_values=G_VALUES, eta_values=ETA_VALUES, *, duration=500.0,
                         scale=1.0, client=None, progress=True, seed=0) -> BrunelPhase:
    """Run Brunel's network at every (g, nu_ext / nu_thr) with :func:`neurosim.sweep` and
    collect the excitatory population's statistics."""
    # checked here, once: a bad value failed in every one of the grid's points, after they ran
    func = "compute_brunel_phase"
    duration = as_float(duration, func, "duration", "ms", low=0.0)
    scale = as_float(scale, func, "scale", low=0.0)
    g_values = as_finite_array(g_values, func, "g_values")
    eta_values = as_finite_array(eta_values, func, "eta_values")
    table = sweep("brunel_2000", {"g": list(g_values), "eta": list(eta_values)},
                  client=client, progress=progress, duration=duration, scale=scale,
                  summary=_point_summary, seed=seed)
    bad = table[table["error"].notna()]
    if len(bad):
        raise RuntimeError(f"{len(bad)} points of the phase diagram failed, the first: "
                           f"g = {bad.iloc[0]['g']}, eta = {bad.iloc[0]['eta']}: "
                           f"{bad.iloc[0]['error']}")

    def grid(col):
        return np.array([[float(table[(table["g"] == g) & (table["eta"] == e)][col].iloc[0])
                          for g in g_values] for e in eta_values])

    return BrunelPhase(np.asarray(g_values, float), np.asarray(eta_values, float),
                       grid("rate_E"), grid("cv_E"), grid("sync_E"), grid("fluct_E"),
                       float(duration), float(scale),
                       provenance(f"compute_brunel_phase(duration={duration:g}, "
                                  f"scale={scale:g}, seed={seed})"))


def default_folder() -> Path:
    return artefacts_dir() / "brunel_phase"


def save_brunel_phase(phase: BrunelPhase, folder) -> Path:
    """Write ``phase.json`` into ``folder``, whole or not at all."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "g": phase.g.tolist(), "eta": phase.eta.tolist(),
            "rate": phase.rate.tolist(), "cv": _nan_list(phase.cv),
            "sync": _nan_list(phase.sync), "fluct": _nan_list(phase.fluct),
            "duration": phase.duration, "scale": phase.scale,
            "provenance": {**phase.provenance,
                           "regenerate": "neurosim sweep brunel-phase --out <folder>"}}
    path = folder / FILE
    write_atomically(path, lambda fh: fh.write(json.dumps(data, indent=1).encode()))
    return path


def _nan_list(a):
    return [[None if not np.isfinite(x) else float(x) for x in row] for row in a]


def load_brunel_phase(folder=None) -> BrunelPhase:
    """Read a diagram written by :func:`save_brunel_phase` (default: the one shipped in
    ``artefacts/brunel_phase``, from which the lecture figure is drawn)."""
    path = (default_folder() if folder is None else Path(folder)) / FILE
    if not path.is_file():
        raise param_error("load_brunel_phase", "folder", f"a folder holding {FILE} (make one "
                          "with: neurosim sweep brunel-phase --out FOLDER)", str(path.parent))
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ParameterError(f"{path} is not a {FORMAT} file (format {data.get('format')!r})")

    def arr(key):
        return np.array([[np.nan if x is None else x for x in row] for row in data[key]],
                        dtype=float)

    return BrunelPhase(np.array(data["g"]), np.array(data["eta"]), arr("rate"), arr("cv"),
                       arr("sync"), arr("fluct"), float(data["duration"]),
                       float(data["scale"]), data.get("provenance", {}))
