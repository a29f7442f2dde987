"""Tutorial 9: from McCulloch-Pitts to Hopfield, the computing units of the lecture.
=================================================================================

Run it::

    python tutorials/09_from_mcculloch_pitts_to_hopfield.py            # full version
    python tutorials/09_from_mcculloch_pitts_to_hopfield.py --quick    # a smaller capacity run

The lecture: the McCulloch-Pitts neuron sums 0/1 inputs and fires at its threshold theta, an
inhibitory input vetoes; AND is theta = N, OR theta = 1, NOT theta = 0 with the input
inhibitory; XOR is impossible, not linearly separable. Rosenblatt's perceptron learns weights
and a threshold, but it is still one straight line. An MLP solves XOR as (A OR B) AND
(A NAND B). A Hopfield network stores patterns in W = (1/m) sum x x^T - I and recalls them
from noise; its energy never rises, and it holds about 0.138 N patterns.
"""

import numpy as np

from neurosim import classic, figures


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "09", argv)

    print("1. McCulloch-Pitts gates (inputs -> output):")
    for kind in classic.GATES:
        rows, out = classic.gate(kind).truth_table()
        table = ", ".join(f"{''.join(map(str, r))}->{o}" for r, o in zip(rows, out, strict=True))
        print(f"   {kind:4s} {table}")
    save(figures.fig_mp_gates(), "mcculloch_pitts_gates")

    print("\n2. The perceptron (Rosenblatt's rule, zero start):")
    X = classic.TWO_INPUTS
    for kind, w, b in (("AND", [1, 1], -1.5), ("OR", [1, 1], -0.5)):
        run = classic.Perceptron(2, seed=0).fit(X, classic.TARGETS[kind])
        bound = classic.perceptron_bound(X, classic.TARGETS[kind], w, b)
        print(f"   {kind}: 100 % after {len(run.errors)} epochs, {run.updates} updates "
              f"(Novikoff's bound with the lecture's w = ({w[0]}, {w[1]}, {b}): {bound:.0f})")
    run = classic.Perceptron(2, seed=0).fit(X, classic.TARGETS["XOR"], epochs=200)
    best = classic.best_linear_accuracy(X, classic.TARGETS["XOR"])
    print(f"   XOR: never 100 % in 200 epochs (best epoch {run.accuracy.max():.0%}); the best "
          f"any straight line does is {best:.0%}, because")
    for line in classic.xor_constraints():
        print(f"      {line}")
    save(figures.fig_perceptron(), "perceptron")

    print("\n3. XOR by two layers:")
    hand = classic.xor_heaviside_mlp()
    trained = classic.train_xor_mlp(seed=0)
    print(f"   hand-set Heaviside units (OR, NAND, then AND): {hand.predict(X).tolist()}")
    print(f"   trained sigmoid MLP (2-2-1, seed 0): {trained.predict(X).tolist()}, "
          f"loss {trained.losses[0]:.3f} -> {trained.losses[-1]:.4f}")
    save(figures.fig_xor_mlp(), "xor_mlp")

    print("\n4. A Hopfield network of 10 x 10 pixels storing four letters:")
    letters = classic.load_letters(["A", "C", "T", "X"])
    pats = np.array([v.ravel() for v in letters.values()])
    net = classic.Hopfield(pats)
    for k, name in enumerate(letters):
        probe = classic.flip(pats[k], 0.25, seed=k)
        run = net.recall(probe, seed=k, record="update")
        rises = int(np.sum(np.diff(run.energies) > 0))
        print(f"   {name} from 25 % flipped pixels: {np.mean(run.final == pats[k]):.0%} of "
              f"pixels right after {len(run.states) - 1} updates; energy "
              f"{run.energies[0]:.0f} -> {run.energies[-1]:.0f}, rose {rises} times")
    save(figures.fig_hopfield_recall(), "hopfield_recall")

    print("\n5. How many patterns fit: the capacity experiment.")
    n = 200 if args.quick else 400
    loads = np.arange(0.08, 0.205, 0.01)
    curve = classic.capacity_curve(n, loads, trials=3, seed=0)
    for a, ov in zip(curve["loads"], curve["overlap"], strict=True):
        print(f"   m/N = {a:.2f}: recall overlap {ov:.3f}")
    print(f"   N = {n}: recall breaks down at m/N = {classic.critical_load(curve):.3f} "
          f"(theory: 0.138)")
    if not args.quick:
        save(figures.fig_hopfield_capacity(), "hopfield_capacity")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
