"""Results in the field's data standards: Neo (for Elephant's analyses), NWB and SONATA.

    >>> from neurosim import formats
    >>> block = formats.to_neo(result)                 # neo.Block: SpikeTrains, AnalogSignals
    >>> formats.to_nwb(result, "run.nwb")              # units table, current-clamp series
    >>> formats.to_sonata(network_result, "spikes.h5") # SONATA's HDF5 spike file

Every result exports: a single-neuron or population run (:class:`~neurosim.SimulationResult`),
a compartmental run (:class:`~neurosim.cable.CableResult`: one column a recorded location) and
a network run (:class:`~neurosim.network.NetworkResult`: one group a population); SONATA's
spike file holds a network's spikes (or a population run's, as one population). The packages
(neo, quantities, pynwb, h5py) are the ``data`` extra, imported on first use: ``pip install
".[data]"`` from this checkout. Files are written whole or not at all (a temporary file renamed
into place), and each carries the result's provenance.
"""

from ._neo import to_neo
from ._nwb import read_nwb, to_nwb
from ._sonata import read_sonata, to_sonata

__all__ = ["read_nwb", "read_sonata", "to_neo", "to_nwb", "to_sonata"]
