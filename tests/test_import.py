import subprocess
import sys


def test_import_neurosim_stays_light():
    code = ("import sys, neurosim; print(' '.join(m for m in ('brian2', 'torch', 'snntorch', "
            "'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_public_api():
    import neurosim

    for name in neurosim.__all__:
        assert hasattr(neurosim, name), name
