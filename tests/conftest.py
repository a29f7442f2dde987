import os
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def hh_params():
    import neurosim

    return neurosim.load_model("hodgkin_huxley_1952")


@pytest.fixture
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
