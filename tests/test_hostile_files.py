"""Hostile files and paths (issue 29): a file that is no result, and a path that cannot be
written, are named as what they are; a loaded file never runs code."""

import json

import numpy as np
import pytest

import neurosim


@pytest.fixture
def result():
    return neurosim.simulate_lif(2.0, 50.0)


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


BAD_FILES = [
    ("zero bytes", lambda d: (d / "zero.npz").write_bytes(b"") or d / "zero.npz",
     "which is not an .npz archive"),
    (".npy", lambda d: np.save(d / "a.npy", np.zeros(3)) or d / "a.npy",
     "a single .npy array"),
    ("no metadata", lambda d: _npz(d / "m.npz", t=np.zeros(3)), "which has no metadata"),
    ("broken JSON", lambda d: _npz(d / "j.npz", meta=np.frombuffer(b"{not json", np.uint8)),
     "whose metadata is not JSON"),
    ("metadata a list", lambda d: _npz(d / "l.npz", meta=np.frombuffer(b"[1, 2]", np.uint8)),
     "whose metadata is not a table"),
    ("keys missing", lambda d: _npz(d / "k.npz", meta=np.frombuffer(json.dumps(
        {"format": "neurosim-result-1"}).encode(), np.uint8)), "which lacks"),
    ("a pickle inside", lambda d: _npz(d / "p.npz", meta=np.frombuffer(b"{}", np.uint8),
                                       t=np.array([object()], dtype=object)),
     "which holds a pickled array (pickles are not loaded)"),
]


@pytest.mark.parametrize(("case", "make", "fragment"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_file_that_is_no_result_is_named(tmp_path, case, make, fragment):
    path = make(tmp_path)
    with pytest.raises(neurosim.ParameterError) as info:
        neurosim.load_result(path)
    text = str(info.value)
    assert text.startswith("The 'path' parameter of load_result must be a file written by a "
                           f"result's save(). Got {path}")
    assert fragment in text


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"names .*nothere\.npz, which does not exist"):
        neurosim.load_result(tmp_path / "nothere.npz")


def test_save_names_a_bad_path_and_not_its_temporary_file(result, tmp_path):
    with pytest.raises(neurosim.ParameterTypeError, match=r"'path' parameter of save must be "
                       r"a file name ending in \.npz \(a str or a Path\)\. Got 123"):
        result.save(123)
    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    with pytest.raises(OSError, match=rf"cannot write {blocked}/x\.npz") as info:
        result.save(blocked / "x.npz")
    assert ".x.npz." not in str(info.value)  # (mkstemp's temporary name was reported)
    # and a good path still round-trips bit for bit
    back = neurosim.load_result(result.save(tmp_path / "r.npz"))
    np.testing.assert_array_equal(back.v, result.v)


def test_a_hopfield_load_must_be_positive():
    # a load of -0.1 stored no pattern and reported a perfect overlap of 1.0
    with pytest.raises(neurosim.ParameterError, match=r"'loads' parameter of capacity_curve "
                       r"must be loads P / N > 0 \(patterns per unit\)\. Got -0.1"):
        neurosim.classic.capacity_curve(100, [0.05, -0.1])
