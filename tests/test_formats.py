"""Results in Neo, NWB and SONATA: what goes in comes out of the standard's own reader (neo
with quantities, pynwb, libsonata), and Elephant's analyses give neurosim's numbers on them."""

import importlib

import h5py
import libsonata
import numpy as np
import pynwb
import pytest
import quantities as pq
from elephant import statistics as es
from nwbinspector import inspect_nwbfile

import neurosim
from neurosim import cable, formats, ion_dynamics, morphology
from neurosim._core.validation import MissingExtra


@pytest.fixture(scope="module")
def hh():
    return neurosim.simulate_hh(np.array([10.0, 15.0]), duration=60.0, record="all")


@pytest.fixture(scope="module")
def network():
    net = neurosim.load_network("brunel_2000", state="AI", scale=0.05, J=1.0)
    return net.replace(record_v={"E": [0, 7, 3]}).run(200.0, seed=2)


def test_a_population_run_goes_to_neo_with_its_units(hh):
    block = formats.to_neo(hh)
    seg = block.segments[0]
    assert [st.times.magnitude.tolist() for st in seg.spiketrains] == \
        [x.tolist() for x in hh.spike_times]
    assert all(st.units == pq.ms and float(st.t_stop) == 60.0 for st in seg.spiketrains)
    signals = {s.name.split(".")[1]: s for s in seg.analogsignals}
    assert set(signals) == {"v", "m", "h", "n", "i_na", "i_k", "i_l", "stimulus"}
    np.testing.assert_array_equal(signals["v"].magnitude, hh.v)
    assert signals["v"].units == pq.mV
    assert float(signals["v"].sampling_period) == hh.dt
    assert signals["i_na"].units == pq.uA / pq.cm ** 2
    np.testing.assert_allclose(signals["i_na"].rescale(pq.A / pq.m ** 2).magnitude,
                               hh.traces["i_na"] * 0.01)
    assert signals["m"].units == pq.dimensionless
    assert "simulate_hh" in block.annotations["provenance"]
    # Elephant's analyses on the exported trains give neurosim's numbers
    for k, st in enumerate(seg.spiketrains):
        rate = es.mean_firing_rate(st).rescale("Hz")
        assert float(rate) == pytest.approx(hh.firing_rates[k])
        isi = es.isi(st).magnitude
        np.testing.assert_allclose(isi, np.diff(hh.spike_times[k]))


def test_a_network_run_goes_to_neo_one_group_a_population(network):
    block = formats.to_neo(network)
    assert [g.name for g in block.groups] == ["E", "I"]
    e = block.groups[0]
    assert len(e.spiketrains) == network.sizes["E"]
    assert e.spiketrains[5].annotations == {"population": "E", "neuron": 5}
    np.testing.assert_array_equal(e.spiketrains[5].magnitude, network.spike_times["E"][5])
    (v,) = e.analogsignals
    np.testing.assert_array_equal(v.magnitude, network.v["E"])
    assert v.array_annotations["neuron"].tolist() == ["0", "7", "3"]
    cv = [float(es.cv(es.isi(st).magnitude)) for st in e.spiketrains if st.size > 3]
    ours = neurosim.analysis.cv_isi(network.spike_times["E"], min_spikes=4)
    np.testing.assert_allclose(cv, ours[~np.isnan(ours)])


def test_a_cable_run_and_an_adaptive_run_go_to_neo():
    morph = morphology.Morphology((morphology.Section("cable", 200.0, 2.0, n_seg=10,
                                                      channels="passive"),))
    res = cable.simulate_cable(morph, 5.0, dt=0.1, record=["cable(0)", "cable(1)"],
                               stimuli=[cable.CurrentClamp("cable(0)", 0.1)])
    (sig,) = formats.to_neo(res).segments[0].analogsignals
    assert sig.array_annotations["neuron"].tolist() == res.locations
    np.testing.assert_array_equal(sig.magnitude, res.v)
    # an adaptive solver's run is recorded at irregular times
    ions = ion_dynamics.simulate_ion_dynamics(50.0)
    seg = formats.to_neo(ions).segments[0]
    assert len(seg.analogsignals) == 0
    v = next(s for s in seg.irregularlysampledsignals if s.name.endswith(".v"))
    np.testing.assert_array_equal(v.times.magnitude, ions.t)
    np.testing.assert_array_equal(v.magnitude, ions.v)


def test_nwb_round_trip_through_pynwb(hh, tmp_path):
    path = formats.to_nwb(hh, tmp_path / "hh.nwb")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwb = io.read()
        for k in range(2):
            np.testing.assert_allclose(nwb.units["spike_times"][k] * 1000.0,
                                       hh.spike_times[k], rtol=0, atol=1e-12)
            assert nwb.units["population"][k] == "hodgkin_huxley"
            series = nwb.acquisition[f"V hodgkin_huxley[{k}]"]
            assert isinstance(series, pynwb.icephys.CurrentClampSeries)
            assert series.unit == "volts"
            assert series.rate == pytest.approx(1000.0 / hh.dt)
            np.testing.assert_allclose(series.data[:] * 1000.0, hh.v[:, k], rtol=1e-12)
        i_na = nwb.processing["misc"]["hodgkin_huxley.i_na"]
        assert i_na.unit == "uA/cm^2"
        np.testing.assert_array_equal(i_na.data[:], hh.traces["i_na"])
        assert "simulate_hh" in nwb.notes
    # NWB's best practices: nothing but the missing subject (a simulation has no animal)
    # and the metadata only a person can give (experimenter, institution)
    problems = {m.check_function_name for m in inspect_nwbfile(nwbfile_path=str(path))}
    assert problems == {"check_subject_exists", "check_experimenter_exists",
                        "check_institution"}
    back = formats.read_nwb(path)
    assert back["provenance"] == hh.provenance
    for x, y in zip(back["spikes"]["hodgkin_huxley"], hh.spike_times, strict=True):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-12)
    t, v, labels = back["v"]["hodgkin_huxley"]
    np.testing.assert_allclose(t, hh.t, rtol=0, atol=1e-9)
    np.testing.assert_allclose(v, hh.v, rtol=1e-12)
    assert labels == ["0", "1"]


def test_nwb_round_trip_of_a_network(network, tmp_path):
    path = formats.to_nwb(network, tmp_path / "net.nwb")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        units = io.read().units
        rows = [k for k, p in enumerate(units["population"][:]) if p == "E"]
        assert [units["neuron"][k] for k in rows] == [str(j) for j in range(network.sizes["E"])]
    back = formats.read_nwb(path)
    for pop in ("E", "I"):
        assert back["spikes"][pop].counts.tolist() == network.spike_times[pop].counts.tolist()
        np.testing.assert_allclose(back["spikes"][pop].flat, network.spike_times[pop].flat,
                                   rtol=0, atol=1e-12)
    _, v, labels = back["v"]["E"]
    assert labels == ["0", "7", "3"]  # in the recorded order, not NWB's by-name order
    np.testing.assert_allclose(v, network.v["E"], rtol=1e-12)


@pytest.mark.parametrize("sorting", ["by_time", "by_id", "none"])
def test_sonata_spikes_read_back_by_libsonata(network, tmp_path, sorting):
    path = formats.to_sonata(network, tmp_path / "spikes.h5", sorting=sorting)
    reader = libsonata.SpikeReader(str(path))
    assert sorted(reader.get_population_names()) == ["E", "I"]
    for pop in ("E", "I"):
        assert reader[pop].sorting == sorting
        got = sorted(reader[pop].get())
        want = sorted(zip(network.spike_times[pop].indices.tolist(),
                          network.spike_times[pop].flat.tolist(), strict=True))
        assert got == want
    if sorting == "by_time":
        with h5py.File(path) as f:
            assert np.all(np.diff(f["spikes/E/timestamps"][:]) >= 0)
            assert f["spikes/E/timestamps"].attrs["units"] == "ms"
    back = formats.read_sonata(path)
    for pop in ("E", "I"):
        assert len(back[pop]) == network.sizes[pop]
        for x, y in zip(back[pop], network.spike_times[pop], strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize(("call", "name"), [
    (lambda tmp: formats.to_neo("a result"), "result"),
    (lambda tmp: formats.to_nwb(None, tmp / "x.nwb"), "result"),
    (lambda tmp: formats.to_sonata(neurosim.simulate_lif(2.0, duration=10.0),
                                   tmp / "x.csv"), "path"),
    (lambda tmp: formats.to_sonata(neurosim.simulate_lif(2.0, duration=10.0),
                                   tmp / "x.h5", sorting="by_neuron"), "sorting"),
    (lambda tmp: formats.to_nwb(neurosim.simulate_lif(2.0, duration=10.0), tmp / "x.nwb",
                                session_description=3), "session_description"),
    (lambda tmp: formats.read_sonata(tmp / "x.txt"), "path"),
])
def test_bad_input_is_refused_by_name(tmp_path, call, name):
    with pytest.raises(neurosim.InvalidInput) as info:
        call(tmp_path)
    assert info.value.name == name


def test_a_failed_write_leaves_nothing(hh, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pynwb.NWBHDF5IO, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        formats.to_nwb(hh, tmp_path / "hh.nwb")
    assert list(tmp_path.iterdir()) == []


def test_without_the_data_extra_the_error_says_how_to_install_it(hh, monkeypatch):
    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: (_ for _ in ()).throw(
        ImportError(name)) if name == "neo" else real(name, *a))
    with pytest.raises(MissingExtra, match=r'to_neo needs neo: pip install "\.\[data\]"'):
        formats.to_neo(hh)
