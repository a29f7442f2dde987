"""Spikes in SONATA's HDF5 spike format (h5py imported on first use), and back."""

from __future__ import annotations

import numpy as np

from .._core.validation import param_error
from ..network._result import NetworkResult
from ..result import SpikeTrains, suffixed_path, write_atomically
from ._common import check_result, need, provenance_text

SORTINGS = ("none", "by_id", "by_time")
_MAGIC = 0x0A7A  # SONATA's magic number, with the format version (0, 1)


def to_sonata(result, path, *, sorting: str = "by_time"):
    """Write the spikes of ``result`` to ``path`` (``.h5``) in SONATA's spike format and
    return the path: per population the group ``/spikes/<population>`` with ``timestamps``
    (ms, float64) and ``node_ids`` (the neuron's index in its population, uint64), its
    attribute ``sorting`` (``"by_time"``, ``"by_id"`` or ``"none"``: SONATA's enum). A network
    result gives one group a population; a simulation result one group named after its model.
    The root's ``magic`` and ``version`` attributes are SONATA's; ``neurosim_provenance`` holds
    the result's provenance (JSON). :func:`read_sonata` reads it back; so does libsonata's
    ``SpikeReader``. The file is written beside ``path`` and renamed into place."""
    func = "to_sonata"
    check_result(result, func)
    path = suffixed_path(path, func, (".h5", ".hdf5", ".sonata"))
    if sorting not in SORTINGS:
        raise param_error(func, "sorting", f"one of {', '.join(SORTINGS)}", sorting)
    h5py = need("h5py", func)
    trains = result.spike_times if isinstance(result, NetworkResult) else \
        {result.model: result.spike_times}
    enum = h5py.enum_dtype({name: k for k, name in enumerate(SORTINGS)}, basetype="u1")

    def write(fh):
        with h5py.File(fh, "w") as f:
            f.attrs["magic"] = np.uint32(_MAGIC)
            f.attrs["version"] = np.array([0, 1], dtype=np.uint32)
            f.attrs["neurosim_provenance"] = provenance_text(result)
            spikes = f.create_group("spikes")
            for name, st in trains.items():
                ids = st.indices.astype(np.uint64)
                times = np.asarray(st.times, dtype=np.float64)
                if sorting == "by_time":
                    order = np.argsort(times, kind="stable")
                elif sorting == "by_id":
                    order = np.lexsort((times, ids))
                else:
                    order = np.arange(ids.size)
                group = spikes.create_group(name)
                group.attrs.create("sorting", SORTINGS.index(sorting), dtype=enum)
                group.create_dataset("timestamps", data=times[order]).attrs["units"] = "ms"
                group.create_dataset("node_ids", data=ids[order])
                group.attrs["neurosim_size"] = np.uint64(len(st))

    write_atomically(path, write)
    return path


def read_sonata(path) -> dict:
    """The other half of :func:`to_sonata`: population -> :class:`~neurosim.SpikeTrains`
    (ms), from any SONATA spike file (a population's size is the one written, else one more
    than its highest node id)."""
    func = "read_sonata"
    path = suffixed_path(path, func, (".h5", ".hdf5", ".sonata"))
    h5py = need("h5py", func)
    out = {}
    with h5py.File(path, "r") as f:
        if "spikes" not in f:
            raise param_error(func, "path", "a SONATA spike file (with a /spikes group)",
                              str(path))
        for name, group in f["spikes"].items():
            ids = np.asarray(group["node_ids"][:], dtype=np.int64)
            times = np.asarray(group["timestamps"][:], dtype=np.float64)
            if group["timestamps"].attrs.get("units", "ms") in ("s", b"s"):
                times = times * 1000.0
            size = int(group.attrs.get("neurosim_size", ids.max(initial=-1) + 1))
            out[name] = SpikeTrains.from_pairs(ids, times, size)
    return out
