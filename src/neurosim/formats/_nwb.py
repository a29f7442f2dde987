"""A result as an NWB file (pynwb imported on first use), and back."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import uuid

import numpy as np

from .._core.validation import param_error
from ..result import SpikeTrains, publish, suffixed_path
from ._common import check_result, need, populations, provenance_text, title

_MODULE = "misc"  # the processing module that holds the traces other than V


def _timing(t):
    """NWB's timing of a series recorded at ``t`` (ms): rate and start (s) on a regular grid,
    else timestamps (s)."""
    t = np.asarray(t, dtype=np.float64)
    steps = np.diff(t)
    if t.size > 1 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12):
        return {"rate": 1000.0 / float(steps[0]), "starting_time": float(t[0]) / 1000.0}
    return {"timestamps": t / 1000.0}


def to_nwb(result, path, *, session_description: str | None = None):
    """Write ``result`` to the NWB file ``path`` (``.nwb``) and return the path.

    Spikes go to the units table (seconds), one unit a neuron, with the columns
    ``population`` and ``neuron`` (its index, or a cable run's location). V of each recorded
    neuron is a ``CurrentClampSeries`` (volts) in ``acquisition``, on an intracellular
    electrode named after the neuron (``"E[3]"``), its device the simulator. A simulation's
    other recorded variables and its input go to the processing module ``misc`` as
    ``TimeSeries`` (one a variable, one column a neuron, in neurosim's unit). The file's
    ``notes`` hold the result's provenance (JSON), its session start is the run's date. The
    file is written beside ``path`` and renamed into place: a failure leaves nothing.
    It has no ``subject`` (no animal was recorded): nwbinspector's DANDI checks ask for one;
    its other checks pass but for the experimenter and institution, which only a person can
    give.
    :func:`read_nwb` reads it back; so does any NWB reader (pynwb, Neo's NWBIO)."""
    func = "to_nwb"
    check_result(result, func)
    path = suffixed_path(path, func, (".nwb",))
    if session_description is not None and not isinstance(session_description, str):
        raise param_error(func, "session_description", "None or a str",
                          session_description, TypeError)
    pynwb = need("pynwb", func)
    icephys = need("pynwb.icephys", func)
    need("pynwb.misc", func)
    try:
        start = datetime.datetime.fromisoformat(result.provenance["date"])
    except (KeyError, TypeError, ValueError):
        start = datetime.datetime.now(datetime.UTC)
    nwb = pynwb.NWBFile(
        session_description=session_description or title(result),
        identifier=str(uuid.uuid4()), session_start_time=start,
        notes=provenance_text(result), source_script="neurosim",
        source_script_file_name=str(result.provenance.get("command", "")) or "neurosim",
        experiment_description="a simulation by neurosim "
        + f"{result.provenance.get('neurosim', '')}: {result.provenance.get('call', '')}",
        keywords=["simulation", "neurosim"],
        # spikes are timed to the step (or within it): the resolution is dt (s)
        units=pynwb.misc.Units(name="units", description="the simulated neurons' spikes",
                               resolution=float(result.dt) / 1000.0 if result.dt > 0
                               else -1.0))
    nwb.add_unit_column("population", "the population the neuron belongs to")
    nwb.add_unit_column("neuron", "the neuron's index in its population (or its location)")
    device = nwb.create_device(name="neurosim", description="a neurosim simulation")
    module = None
    for name, trains, neurons, v, labels, traces, units, t in populations(result):
        if trains is not None:
            for k, times in enumerate(trains):
                nwb.add_unit(spike_times=np.asarray(times, dtype=np.float64) / 1000.0,
                             population=name, neuron=str(neurons[k]))
        timing = _timing(t)
        if v is not None:
            for k, label in enumerate(labels):
                electrode = nwb.create_icephys_electrode(
                    name=f"{name}[{label}]", device=device, cell_id=f"{name}[{label}]",
                    description=f"the simulated membrane of {name} neuron {label}")
                nwb.add_acquisition(icephys.CurrentClampSeries(
                    name=f"V {name}[{label}]", data=np.asarray(v[:, k], np.float64) / 1000.0,
                    electrode=electrode, gain=1.0, comments=f"column {k}",
                    description=f"V of {name} neuron {label}", **timing))
        for var, values in traces.items():
            if values is None:
                continue
            if module is None:
                module = nwb.create_processing_module(
                    _MODULE, "the other recorded variables of the simulation, one column a "
                    "neuron")
            module.add(pynwb.TimeSeries(name=f"{name}.{var}", data=np.asarray(values, float),
                                        unit=units.get(var, "1"), description=f"{var} of "
                                        f"{name}, one column a neuron", **timing))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".nwb", dir=path.parent)
    os.close(fd)
    try:
        with pynwb.NWBHDF5IO(tmp, "w") as io:
            io.write(nwb)
        publish(tmp, path)
    except BaseException:
        os.unlink(tmp) if os.path.exists(tmp) else None
        raise
    return path


def read_nwb(path) -> dict:
    """The other half of :func:`to_nwb`: ``{"spikes": {population: SpikeTrains (ms)}, "v":
    {population: (t (ms), V (rows, k) in mV, the neurons' labels)}, "provenance": dict}``."""
    func = "read_nwb"
    path = suffixed_path(path, func, (".nwb",))
    pynwb = need("pynwb", func)
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwb = io.read()
        spikes = {}
        if nwb.units is not None and len(nwb.units):
            table = nwb.units
            pops = list(table["population"][:])
            for name in dict.fromkeys(pops):
                rows = [i for i, p in enumerate(pops) if p == name]
                trains = [np.asarray(table["spike_times"][i], np.float64) * 1000.0
                          for i in rows]
                ids = np.concatenate([np.full(x.size, j) for j, x in enumerate(trains)]) \
                    if trains else np.zeros(0, np.int64)
                times = np.concatenate(trains) if trains else np.zeros(0)
                spikes[name] = SpikeTrains.from_pairs(ids.astype(np.int64), times, len(rows))
        v = {}
        voltages = [s for s in nwb.acquisition.values() if s.name.startswith("V ")]
        # (NWB keeps them by name: back to the recorded order)
        voltages.sort(key=lambda s: int(s.comments.split()[-1]) if s.comments.startswith(
            "column ") else 0)
        for series in voltages:
            name, label = series.name[2:].rsplit("[", 1)
            data = np.asarray(series.data[:], np.float64) * 1000.0
            t = np.asarray(series.timestamps[:]) * 1000.0 if series.timestamps is not None \
                else (series.starting_time + np.arange(data.size) / series.rate) * 1000.0
            old = v.get(name)
            v[name] = (t, data[:, None], [label[:-1]]) if old is None else \
                (old[0], np.column_stack([old[1], data]), [*old[2], label[:-1]])
        provenance = json.loads(nwb.notes) if nwb.notes else {}
    return {"spikes": spikes, "v": v, "provenance": provenance}
