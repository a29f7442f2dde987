"""The snntorch bridge: train surrogate-gradient spiking networks, compare them with ANN twins
of the same shape, and run trained networks in neurosim's own integrator.

The only part of neurosim that imports torch and snntorch; install them with the 'snn' extra.
Reading a saved comparison (``load_comparison``, ``load_recurrent_comparison`` and their
report classes) needs neither: those names work without torch, and torch is imported when
one of the others is first used (without it, that raises ``MissingExtra``, an ImportError,
saying how to install the extra and the CPU build of torch).
"""

import importlib

from .._core.validation import MissingExtra, install_hint
from ..snn_report import ComparisonReport as ComparisonReport
from ..snn_report import RecurrentReport as RecurrentReport
from ..snn_report import load_comparison as load_comparison
from ..snn_report import load_recurrent_comparison as load_recurrent_comparison

# the names that need torch, and the module of this package that defines each
_TORCH_NAMES = {
    "compare": "_compare", "write_comparison": "_compare",
    "compare_recurrent": "_compare_recurrent",
    "write_recurrent_comparison": "_compare_recurrent",
    "encode": "_data", "load_digits": "_data",
    "NeurosimRecurrentSNN": "_export", "NeurosimSNN": "_export", "to_brian2": "_export",
    "to_neurosim": "_export", "SpikingNet": "_models", "from_nir": "_nir", "to_nir": "_nir",
    "beta_from_tau": "_common", "build_ann": "_models", "build_snn": "_models",
    "tau_from_beta": "_common",
    "RecurrentANN": "_recurrent", "RecurrentSpikingNet": "_recurrent", "build_rnn": "_recurrent",
    "train": "_train",
}


def _require_torch() -> None:
    try:
        import snntorch  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            "neurosim.bridge needs torch and snntorch for this: install torch first, then the "
            f"'snn' extra: pip install torch==2.13.0, then {install_hint('snn')}. On an "
            "ordinary Linux machine that torch line downloads the CUDA build (several GB); for "
            "the CPU build use pip install torch==2.13.0 --index-url "
            "https://download.pytorch.org/whl/cpu. (Reading a saved comparison needs no torch: "
            f"neurosim.bridge.load_comparison.) Import failed with: {exc}") from exc


def _require_nir() -> None:
    try:
        import nir  # noqa: F401
    except ImportError as exc:
        raise MissingExtra("neurosim.bridge.to_nir and from_nir need nir (the Neuromorphic "
                           f"Intermediate Representation): {install_hint('nir')}") from exc


def __getattr__(name: str):
    if name not in _TORCH_NAMES:
        raise AttributeError(f"module 'neurosim.bridge' has no attribute {name!r}")
    _require_torch()
    if _TORCH_NAMES[name] == "_nir":
        _require_nir()
    value = getattr(importlib.import_module(f".{_TORCH_NAMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_TORCH_NAMES})


__all__ = sorted(["ComparisonReport", "RecurrentReport", "load_comparison",
                  "load_recurrent_comparison", *_TORCH_NAMES])
