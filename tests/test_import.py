import subprocess
import sys


def test_import_neurosim_stays_light():
    """No heavy dependency at import; Numba (and its LLVM) loads with the first simulation, so
    ``import neurosim`` stays within its start-up budget (benchmarks/startup.py)."""
    code = ("import sys, neurosim; print(' '.join(m for m in ('brian2', 'torch', 'snntorch', "
            "'matplotlib', 'numba', 'scipy', 'dask', 'distributed', 'pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_public_api_is_listed_exactly_and_documented():
    """``__all__`` names exactly the public objects of the package (nothing stale, nothing
    forgotten), and every public function and class has a docstring."""
    import types

    import neurosim

    public = {name for name, obj in vars(neurosim).items()
              if not name.startswith("_") and not (isinstance(obj, types.ModuleType)
                                                   and name not in neurosim.__all__)}
    assert sorted(public) == sorted(neurosim.__all__)
    for name in neurosim.__all__:
        obj = getattr(neurosim, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
