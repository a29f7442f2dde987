"""The README's tour is run as written: every example, every number it prints."""

import doctest
import os
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = [pytest.mark.brian2, pytest.mark.torch]


def test_readme_examples_print_what_the_readme_says(tmp_path, monkeypatch, close_figures):
    pytest.importorskip("snntorch", reason="the README's bridge example needs the 'snn' extra")
    monkeypatch.chdir(tmp_path)  # the examples save files
    os.environ.setdefault("MPLBACKEND", "Agg")
    result = doctest.testfile(str(README), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 40
    assert result.failed == 0
    assert (tmp_path / "ap.png").stat().st_size > 20_000
