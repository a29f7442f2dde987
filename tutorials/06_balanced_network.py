"""Tutorial 6: a balanced network of excitatory and inhibitory neurons, and its four states.
=========================================================================================

Run it::

    python tutorials/06_balanced_network.py            # full version
    python tutorials/06_balanced_network.py --quick    # shorter runs (what the tests use)

Brunel (2000) connected 10,000 excitatory and 2,500 inhibitory integrate-and-fire neurons at
random and drove them with Poisson input. Two numbers decide what the network does: g, how much
stronger an inhibitory synapse is than an excitatory one, and nu_ext / nu_thr, the external
drive measured in the rate that alone would bring a neuron to threshold. This tutorial runs the
network in its four states, compares the asynchronous state with the mean-field theory, and
shows why each neuron fires irregularly although nothing in the model is noisy but the input.
"""

import math

import numpy as np

import neurosim
from neurosim import analysis, figures, plot


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "06", argv)
    duration = 400.0 if args.quick else 1000.0
    settle = 150.0  # ms left out of the statistics: the start from random potentials

    net = neurosim.load_network("brunel_2000", state="AI")
    e, i = net.neurons
    ee, ie = net.projections[0], net.projections[2]
    c_e, c_i, j = ee.indegree, ie.indegree, ee.weight
    nu_thr = 20.0 / (j * c_e * 20.0) * 1000.0
    print("1. The network (Brunel 2000, from models/networks/brunel_2000.toml):")
    print(f"   {e.size} excitatory + {i.size} inhibitory LIF neurons; each receives "
          f"C_E = {c_e} excitatory and C_I = {c_i} inhibitory inputs")
    print(f"   EPSP J = {j:g} mV, IPSP -g J, delay {ee.delay:g} ms, threshold 20 mV above "
          f"rest, reset 10 mV, refractory 2 ms")
    print(f"   nu_thr = theta / (C_E J tau) = {nu_thr:.1f} Hz: the external rate that alone "
          "brings the mean input to threshold")

    print(f"\n2. The four states ({duration:g} ms each, statistics after {settle:g} ms):")
    results, params = figures.brunel_state_runs(duration, seed=1)
    stats = {}
    for state, res in results.items():
        trains = res.spike_times["E"]
        counts = analysis.binned_counts(trains, duration, duration - settle, start=settle)
        rate = counts.sum() / (len(trains) * (duration - settle) / 1000.0)
        cv = analysis.cv_isi(trains)
        pop = res.population_rates["E"][int(settle):]  # the population rate in 1-ms bins
        wobble = float(pop.std() / pop.mean())
        stats[state] = (rate, float(np.mean(cv)) if cv.size else float("nan"), wobble)
        g, eta = params[state]
        print(f"   {state:8s} g = {g:<4g} nu_ext/nu_thr = {eta:<4g}: rate {rate:6.1f} Hz, "
              f"CV of ISI {stats[state][1]:.2f}, population rate s.d./mean {wobble:.2f}")
    print("   SR: weak inhibition: neurons fire together and regularly, as clocks (CV near 0)")
    print("   AI: strong inhibition: each neuron irregular, the population rate the steadiest "
          "of the four")
    print("   SI: strong inhibition with strong (fast) or weak (slow) drive: the population "
          "oscillates, single neurons fire irregularly and miss most cycles")
    # SR's volleys come every delay (1.5 ms): 15 ms of it in 0.1-ms bins, 200 ms of the others
    windows = {state: (duration - 200.0, duration) for state in results}
    windows["SR"] = (duration - 15.0, duration)
    save(plot.brunel_states(results, window=windows, rate_bin={"SR": 0.1}, params=params),
         "1_brunel_states")

    print("\n3. The asynchronous state against the mean-field theory:")
    theory = analysis.brunel_rate(5.0, 2.0)
    print(f"   self-consistent rate (Siegert formula, Brunel's eqs. 4, 5, 21): {theory:.2f} Hz")
    sim = stats["AI"][0]
    print(f"   simulated: {sim:.2f} Hz ({100 * (sim - theory) / theory:+.1f} %)")

    print("\n4. Why irregular? The input is balanced:")
    nu = theory / 1000.0
    nu_ext = 2.0 * nu_thr / 1000.0
    drive_e = c_e * j * 20.0 * (nu_ext + nu)
    drive_i = c_i * 5.0 * j * 20.0 * nu
    mu = drive_e - drive_i
    sigma = math.sqrt(c_e * j * j * 20.0 * (nu_ext + nu * (1 + 25.0 * 0.25)))
    print(f"   excitation alone would push V {drive_e:.0f} mV above rest, inhibition takes "
          f"{drive_i:.0f} mV away:")
    print(f"   the mean input mu = {mu:.1f} mV sits near the threshold (20 mV), and the "
          f"fluctuations sigma = {sigma:.1f} mV decide when a neuron fires")
    print("   so spikes come at random times, although every neuron is deterministic")
    res = results["AI"]
    save(plot.raster(res, window=(duration - 200.0, duration), neurons=200,
                     title="AI state: every neuron irregular, the population rate without "
                     "a steady rhythm")[0].figure, "2_ai_raster")

    print("\n5. The same balance with conductance synapses: the COBA benchmark network")
    coba = neurosim.load_network("vogels_abbott_coba").run(duration, seed=1)
    cv = analysis.cv_isi(coba.spike_times["E"])
    print(f"   4,000 neurons, no external input: E {coba.rate('E'):.1f} Hz, "
          f"I {coba.rate('I'):.1f} Hz, mean CV of ISI {cv.mean():.2f}")
    save(plot.raster(coba, window=(duration - 300.0, duration), neurons=200,
                     rate_bin=2.0, title="COBA: self-sustained balanced activity")[0].figure,
         "3_coba_raster")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
