"""The lecture's computing units: each gate's truth table, the perceptron's convergence and its
XOR failure, XOR by two layers, and Hopfield recall, energy and capacity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim
from neurosim import classic

X = classic.TWO_INPUTS


@pytest.mark.parametrize(("kind", "n", "table"), [
    ("AND", 2, [0, 0, 0, 1]),
    ("OR", 2, [0, 1, 1, 1]),
    ("NOT", 1, [1, 0]),
    ("NAND", 2, [1, 1, 1, 0]),
    ("NOR", 2, [1, 0, 0, 0]),
    ("AND", 3, [0, 0, 0, 0, 0, 0, 0, 1]),
    ("OR", 3, [0, 1, 1, 1, 1, 1, 1, 1]),
])
def test_gate_truth_tables(kind, n, table):
    rows, out = classic.gate(kind, n).truth_table()
    assert rows.shape == (2**n, n)
    assert out.tolist() == table
    # and against the gate's definition on each row
    ref = {"AND": rows.all(1), "OR": rows.any(1), "NOT": ~rows.any(1),
           "NAND": ~rows.all(1), "NOR": ~rows.any(1)}[kind]
    assert out.tolist() == ref.astype(int).tolist()


def test_mcculloch_pitts_sums_against_theta_and_inhibition_vetoes():
    x = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1]])
    assert classic.mcculloch_pitts(x, 2).tolist() == [1, 0, 1]
    assert classic.mcculloch_pitts(x, 2, inhibitory=[[0], [0], [1]]).tolist() == [1, 0, 0]
    assert classic.mcculloch_pitts(np.zeros((2, 0)), 0, inhibitory=[[0], [1]]).tolist() == \
        [1, 0]  # NOT


@pytest.mark.parametrize(("call", "name"), [
    (lambda: classic.mcculloch_pitts([1, 2], 1), "'inputs'"),
    (lambda: classic.mcculloch_pitts([1, 0], "1"), "'threshold'"),
    (lambda: classic.mcculloch_pitts([1, 0], True), "'threshold'"),
    (lambda: classic.mcculloch_pitts([[1, 0]], 1, inhibitory=[1, 0, 1]), "'inhibitory'"),
    (lambda: classic.gate("XOR"), "'kind'"),
    (lambda: classic.gate("NOT", 2), "'n_inputs'"),
    (lambda: classic.Hopfield([[1, -1, 1], [1, -1]]), "patterns of one length"),
    (lambda: classic.Hopfield([[1, -1, 2]]), "bipolar values"),
    (lambda: classic.Hopfield([[1, -1, 0]]), "bipolar values"),
    (lambda: classic.Hopfield([[1, -1]]).recall([1, -1, 1]), "'state'"),
    (lambda: classic.Perceptron(2, w0=[1.0, 2.0, 3.0]), "'w0'"),
    (lambda: classic.Perceptron(2).fit(X, [0, 1, 1]), "'t'"),
    (lambda: classic.Perceptron(3).fit(X, [0, 1, 1, 0]), "'X'"),
])
def test_bad_input_is_named(call, name):
    with pytest.raises(neurosim.InvalidInput, match=name):
        call()


@pytest.mark.parametrize(("kind", "w", "b"), [("AND", [1, 1], -1.5), ("OR", [1, 1], -0.5)])
@pytest.mark.parametrize("seed", range(5))
def test_perceptron_learns_and_or_within_novikoffs_bound(kind, w, b, seed):
    t = classic.TARGETS[kind]
    run = classic.Perceptron(2, seed=seed).fit(X, t, epochs=100)
    assert run.converged and run.accuracy[-1] == 1.0
    # the lecture's maximum-margin unit separates the data: (R / gamma)^2 bounds the updates
    bound = classic.perceptron_bound(X, t, w, b)
    assert bound == pytest.approx({"AND": 51.0, "OR": 27.0}[kind])  # by hand: R^2 = 3
    assert run.updates <= bound


@pytest.mark.parametrize("seed", range(5))
def test_perceptron_never_gets_xor_right(seed):
    run = classic.Perceptron(2, seed=seed, lr=0.5).fit(X, classic.TARGETS["XOR"], epochs=200)
    assert not run.converged and run.accuracy.max() <= 0.75
    assert classic.best_linear_accuracy(X, classic.TARGETS["XOR"]) == 0.75
    assert classic.best_linear_accuracy(X, classic.TARGETS["AND"]) == 1.0
    assert "the last one fails" in classic.xor_constraints()[-1]


def test_xor_by_two_layers():
    hand = classic.xor_heaviside_mlp()
    assert hand.predict(X).tolist() == [0, 1, 1, 0]
    hidden = hand.forward(X)[1]
    assert hidden[:, 0].tolist() == classic.TARGETS["OR"].tolist()
    assert hidden[:, 1].tolist() == classic.TARGETS["NAND"].tolist()
    trained = classic.train_xor_mlp(seed=0)
    assert trained.predict(X).tolist() == [0, 1, 1, 0]
    assert trained.losses[-1] < 0.01 < trained.losses[0]


def test_hopfield_weights_are_the_hebbian_rule():
    pats = np.array([[1, -1, 1, -1], [1, 1, -1, -1]])
    net = classic.Hopfield(pats)
    by_hand = (np.outer(pats[0], pats[0]) + np.outer(pats[1], pats[1])) / 2 - np.eye(4)
    np.testing.assert_array_equal(net.W, by_hand)
    assert np.all(np.diag(net.W) == 0)
    np.testing.assert_array_equal(classic.Hopfield([[1, 0, 1, 0]]).patterns, [[1, -1, 1, -1]])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(5, 40), m=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_energy_never_rises_under_asynchronous_updates(n, m, seed):
    rng = np.random.default_rng(seed)
    net = classic.Hopfield(rng.choice([-1, 1], size=(m, n)))
    run = net.recall(rng.choice([-1, 1], size=n), seed=seed, record="update")
    assert np.all(np.diff(run.energies) <= 1e-12)
    assert run.converged
    # a fixed point: every unit agrees with the sign of its input (or its input is a tie)
    s = run.final.astype(float)
    assert np.all(s * (net.W @ s) >= -classic.TIE)


def test_recall_from_ten_percent_noise_at_n_200_and_10_patterns():
    rng = np.random.default_rng(1)
    pats = rng.choice([-1, 1], size=(10, 200))
    net = classic.Hopfield(pats)
    for k in range(10):
        probe = classic.flip(pats[k], 0.10, seed=k)
        assert np.sum(probe != pats[k]) == 20
        final = net.recall(probe, seed=k).final
        assert np.mean(final != pats[k]) <= 0.02


def test_synchronous_updates_run_and_letters_are_recalled():
    letters = classic.load_letters(["A", "C", "T", "X"])
    pats = np.array([v.ravel() for v in letters.values()])
    net = classic.Hopfield(pats)
    for k in range(len(pats)):
        probe = classic.flip(pats[k], 0.2, seed=k)
        for mode in ("async", "sync"):
            assert np.array_equal(net.recall(probe, mode=mode, seed=k).final, pats[k])


def test_critical_load_at_n_400_is_near_0138():
    # the load where the fixed points' mean overlap falls below the retrieval state's 0.967
    # at Amit, Gutfreund & Sompolinsky's critical load (measured: 0.133 to 0.141 over seeds)
    loads = np.arange(0.08, 0.205, 0.01)
    curve = classic.capacity_curve(400, loads, trials=3, seed=0)
    assert curve["overlap"][0] > 0.99 and curve["overlap"][-1] < 0.8
    assert curve["recalled"][0] > 0.95
    assert 0.12 <= classic.critical_load(curve) <= 0.16
