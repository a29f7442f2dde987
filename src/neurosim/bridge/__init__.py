"""The snntorch bridge: train surrogate-gradient spiking networks, compare them with ANN twins
of the same shape, and run trained networks in neurosim's own integrator.

The only part of neurosim that imports torch and snntorch; install them with the 'snn' extra
(see the ImportError below for the CPU build of torch).
"""

try:
    import snntorch  # noqa: F401
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "neurosim.bridge needs torch and snntorch: install torch first, then the 'snn' extra: "
        "pip install torch==2.13.0 && pip install \"neurosim[snn]\". On an ordinary Linux "
        "machine that torch line downloads the CUDA build (several GB); for the CPU build use "
        "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu. "
        f"Import failed with: {exc}") from exc

from ..snn_report import (
    ComparisonReport,
    RecurrentReport,
    load_comparison,
    load_recurrent_comparison,
)
from ._compare import compare, write_comparison
from ._compare_recurrent import compare_recurrent, write_recurrent_comparison
from ._data import encode, load_digits
from ._export import NeurosimRecurrentSNN, NeurosimSNN, to_brian2, to_neurosim
from ._models import beta_from_tau, build_ann, build_snn, tau_from_beta
from ._recurrent import RecurrentANN, RecurrentSpikingNet, build_rnn
from ._train import train

__all__ = [
    "ComparisonReport",
    "NeurosimRecurrentSNN",
    "NeurosimSNN",
    "RecurrentANN",
    "RecurrentReport",
    "RecurrentSpikingNet",
    "beta_from_tau",
    "build_ann",
    "build_rnn",
    "build_snn",
    "compare",
    "compare_recurrent",
    "encode",
    "load_comparison",
    "load_digits",
    "load_recurrent_comparison",
    "tau_from_beta",
    "to_brian2",
    "to_neurosim",
    "train",
    "write_comparison",
    "write_recurrent_comparison",
]
