"""The snntorch bridge: train surrogate-gradient spiking networks, compare them with ANN twins
of the same shape, and run trained networks in neurosim's own integrator.

The only part of neurosim that imports torch and snntorch; install them with
``pip install "neurosim[snn]"`` (after ``pip install torch==2.13.0`` for the CPU build).
"""

try:
    import snntorch  # noqa: F401
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "neurosim.bridge needs torch and snntorch: install the 'snn' extra with "
        "pip install \"neurosim[snn]\" (install torch==2.13.0 first for the CPU build). "
        f"Import failed with: {exc}") from exc

from ._compare import ComparisonReport, compare
from ._data import encode, load_digits
from ._export import to_brian2, to_neurosim
from ._models import beta_from_tau, build_ann, build_snn, tau_from_beta
from ._train import train

__all__ = [
    "ComparisonReport",
    "beta_from_tau",
    "build_ann",
    "build_snn",
    "compare",
    "encode",
    "load_digits",
    "tau_from_beta",
    "to_brian2",
    "to_neurosim",
    "train",
]
