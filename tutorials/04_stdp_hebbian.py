"""Tutorial 4: STDP, from Hebb's sentence to competition between synapses.
=======================================================================

Run it::

    python tutorials/04_stdp_hebbian.py            # full version
    python tutorials/04_stdp_hebbian.py --quick    # shorter runs (what the tests use)

"Neurons that fire together wire together" is what students remember. The measured rule is
sharper: if A fires just before B, A->B strengthens; if just after, it weakens; and only when
the spikes are close in time. This tutorial shows the rule, the window it makes, two neurons
wiring up, and a thousand synapses competing.
"""

import math

import neurosim
from neurosim import figures, plasticity


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "04", argv)

    rule = neurosim.load_model("stdp_pair_song_2000")
    print("1. The rule (Song, Miller & Abbott 2000): one pre spike and one post spike dt ms "
          "apart change the weight by")
    print(f"   +{rule.a_plus:g} x exp(-dt / {rule.tau_plus:g} ms) of w_max if pre comes first "
          f"(dt > 0), {rule.a_minus:g} x exp(dt / {rule.tau_minus:g} ms) if post comes first.")
    for dt in (5.0, 20.0, -5.0, -20.0, 100.0):
        traj = plasticity.apply_stdp([100.0], [100.0 + dt], rule, w0=0.5)
        print(f"   dt = {dt:+6.1f} ms: w 0.5 -> {traj.final:.5f}")

    print("\n2. The window, by the pairing protocol (60 pairs at 1 Hz for each delay):")
    win = plasticity.stdp_window(rule)
    f = win.fit
    print(f"   fit: A+ = {f['a_plus']:.4f}, tau+ = {f['tau_plus']:.1f} ms, "
          f"A- = {f['a_minus']:.5f}, tau- = {f['tau_minus']:.1f} ms: the rule's own numbers.")
    save(figures.fig_stdp_window(), "1_stdp_window")

    print("\n3. Two neurons connected both ways; A fires 5 ms before B, once a second:")
    pair = plasticity.reciprocal_pair(lag=5.0, n_pairings=60)
    print(f"   w(A->B) 0.500 -> {pair.w_ab[-1]:.3f} (60 x {rule.a_plus:g} x exp(-5/20) = "
          f"{60 * rule.a_plus * math.exp(-0.25):.3f} up)")
    print(f"   w(B->A) 0.500 -> {pair.w_ba[-1]:.3f}")
    far = plasticity.reciprocal_pair(lag=100.0, n_pairings=60)
    print(f"   with 100 ms between them: w(A->B) -> {far.w_ab[-1]:.3f}, w(B->A) -> "
          f"{far.w_ba[-1]:.3f}: timing, not just activity, matters.")
    save(figures.fig_stdp_pair(), "2_stdp_pair")

    seconds = 30.0 if args.quick else 100.0
    print(f"\n4. Competition (Song, Miller & Abbott 2000): 1,000 inputs, one neuron, "
          f"{seconds:g} s:")
    song = plasticity.song_abbott_2000(seconds)
    print(f"   weights within 10 % of a bound: {100 * song.bimodal_fraction[0]:.0f} % at the "
          f"start -> {100 * song.bimodal_fraction[-1]:.0f} % at the end")
    print(f"   output rate {song.output_rate:.1f} Hz")
    group = plasticity.song_abbott_2000(seconds, n_correlated=200, correlation=0.2,
                                        n_snapshots=2)
    print(f"   with 200 correlated inputs: their mean weight {group.weights[-1][:200].mean():.2f},"
          f" the other 800: {group.weights[-1][200:].mean():.2f}: the correlated group wins")
    save(figures.fig_song_histogram(seconds), "3_song_histogram")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
