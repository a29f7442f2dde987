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
    _refused(make(tmp_path), "", fragment)


def _refused(path, after_path: str, fragment: str) -> None:
    """load_result(path) names the file, what follows its path, and ``fragment``."""
    with pytest.raises(neurosim.ParameterError) as info:
        neurosim.load_result(path)
    text = str(info.value)
    assert text.startswith("The 'path' parameter of load_result must be a file written by a "
                           f"result's save(). Got {path}{after_path}")
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


def _tampered(path, source, change_arrays=None, change_meta=None):
    """``source``'s file with its arrays or metadata changed, saved as ``path``."""
    with np.load(source) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode())
    if change_arrays:
        change_arrays(arrays)
    if change_meta:
        change_meta(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez_compressed(path, **arrays)
    return path


def _set(key, value):
    return lambda d: d.__setitem__(key, value)


TAMPERED = [
    ("offsets beyond the spikes", _set("spike_offsets", np.array([0, 99])), None,
     "'offsets' parameter of SpikeTrains must be rising from 0 to the number of spikes "
     "(2). Got offsets from 0 to 99"),
    ("a negative count", _set("spike_offsets", np.array([0, 3, 2])), None,
     "Got offsets from 0 to 2, falling somewhere"),
    ("float offsets", _set("spike_offsets", np.array([0.0, 6.0])), None,
     "'offsets' parameter of SpikeTrains must be a 1-D array of ints"),
    ("a negative duration", None, _set("duration", -50.0),
     "'duration' parameter of SimulationResult must be a float in (0, inf] ms. Got -50.0"),
    ("dt = 'abc'", None, _set("dt", "abc"), "'dt' parameter of SimulationResult must be"),
    ("v shorter than t", lambda d: d.__setitem__("v", d["v"][:10]), None,
     "'v' parameter of SimulationResult must be an array of shape (501, 1): one row a "
     "recorded time, one column a neuron. Got an array of shape (10, 1)"),
    ("a spike after the run", lambda d: d.__setitem__("spike_flat", d["spike_flat"] + 1e3),
     None, "'spike_times' parameter of SimulationResult must be times within the run, 0 to "
     "50 ms"),
    ("t a table", _set("t", np.zeros((3, 3))), None,
     "'t' parameter of SimulationResult must be a 1-D array of recorded times"),
]


@pytest.mark.parametrize(("case", "arrays", "meta", "fragment"), TAMPERED,
                         ids=[c[0] for c in TAMPERED])
def test_a_tampered_result_is_refused_as_its_constructor_would(result, tmp_path, case, arrays,
                                                               meta, fragment):
    # each of these loaded: a result whose spikes, sizes or times did not hold together
    path = _tampered(tmp_path / "bad.npz", result.save(tmp_path / "good.npz"), arrays, meta)
    _refused(path, ", whose contents do not hold together", fragment)


def test_a_tampered_network_result_is_refused(tmp_path):
    net = neurosim.Network(populations=(neurosim.Population("P", "lif", 5, overrides={
        "i_ext": 2.0}),), record_v={"P": [0, 1]})
    good = net.run(20.0).save(tmp_path / "net.npz")
    cases = [(_set("v_index:P", np.array([0, 7])), "'v_index['P']' parameter of "
              "NetworkResult must be indices of neurons in [0, 5)"),
             (_set("rate:P", np.zeros(3)), "'population_rates['P']' parameter of NetworkResult "
              "must be one rate a bin of population_rate_t"),
             (lambda d: d.__setitem__("spikes:P:offsets", np.array(
                 [0, d["spikes:P:flat"].size])), "'spike_times['P']' parameter of "
              "NetworkResult must be trains of its population's 5 neurons. Got 1")]
    for change, fragment in cases:
        path = _tampered(tmp_path / "bad.npz", good, change)
        with pytest.raises(neurosim.ParameterError, match="do not hold together") as info:
            neurosim.load_result(path)
        assert fragment in str(info.value)


def test_declared_sizes_are_checked_before_anything_is_decompressed(result, tmp_path,
                                                                   monkeypatch):
    from neurosim._core import resources as _resources

    # 4 MiB of zeros compress to a few KiB: a crafted 17.5 MB file allocated 3.7 GiB
    path = _tampered(tmp_path / "big.npz", result.save(tmp_path / "good.npz"),
                     _set("trace:extra", np.zeros(2**19)))
    monkeypatch.setattr(_resources, "available_memory", lambda: 2**21)  # 2 MiB free
    with pytest.raises(neurosim.ResourceError, match=r"load_result would need about 4\.\d+ "
                       r"MiB of memory for the arrays .*big\.npz declares"):
        neurosim.load_result(path)


def test_a_header_that_declares_more_than_its_member_holds_is_refused(result, tmp_path):
    import io
    import zipfile

    good = result.save(tmp_path / "good.npz")
    path = tmp_path / "lying.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "t.npy":  # a header claiming 8 GB over 501 numbers
                buf = io.BytesIO()
                np.lib.format.write_array_header_1_0(buf, {
                    "descr": "<f8", "fortran_order": False, "shape": (10**9,)})
                data = buf.getvalue() + result.t.tobytes()
            out.writestr(info.filename, data)
    with pytest.raises(neurosim.ParameterError, match=r"whose array 't' declares shape "
                       r"\(1000000000,\) of float64 \(8,000,000,000 bytes\) but holds 4,008"):
        neurosim.load_result(path)


def test_a_hopfield_too_big_to_store_is_refused_up_front():
    # 10**6 units: 8 TB of weights, numpy's MemoryError after a minute of drawing patterns
    with pytest.raises(neurosim.ResourceError, match=r"capacity_curve would need about 16 TiB "
                       r"of memory for 1,000,000 units and up to 100,000 patterns, 5 trial"):
        neurosim.classic.capacity_curve(10**6, [0.1])
    with pytest.raises(neurosim.ResourceError, match=r"capacity_curve would run for about "
                       r"[\d.]+ hours .* fewer trials"):
        neurosim.classic.capacity_curve(3000, [0.1, 0.14], trials=1000)


@pytest.mark.parametrize("load", [
    neurosim.load_model, neurosim.load_network, neurosim.morphology.load_morphology,
    neurosim.morphology.load_swc], ids=["model", "network", "morphology", "swc"])
def test_a_file_that_is_not_utf8_is_named_with_its_first_bad_byte(tmp_path, load):
    # these raised UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff, naming no file
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Ca²⁺"\n'.encode() + b'citation = "Fran\xe7ois"\n')
    with pytest.raises(neurosim.ParameterError, match=rf"^{path} is not UTF-8 text \(byte 0xe7 "
                       r"at position 33\): save it as UTF-8$"):
        load(path)


def test_a_string_where_a_catalog_number_goes_is_named(tmp_path):
    text = (neurosim.catalog.catalog_dir() / "lif_lecture.toml").read_text()
    assert "tau_m = { value = 10.0" in text
    path = tmp_path / "lif.toml"
    path.write_text(text.replace("tau_m = { value = 10.0", 'tau_m = { value = "10"'))
    with pytest.raises(neurosim.ParameterTypeError, match=r"'tau_m' key of .*lif\.toml must be "
                       r"a finite number > 0 in ms .* Got '10' instead"):
        neurosim.load_model(path)
