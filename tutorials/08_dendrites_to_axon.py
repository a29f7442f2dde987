"""Tutorial 8: dendrites to axon, the neuron with shape.
=====================================================

Run it::

    python tutorials/08_dendrites_to_axon.py            # full version
    python tutorials/08_dendrites_to_axon.py --quick    # fewer diameters, for the tests

The lecture: dendrites receive signals from other neurons, the dendrites converge at the soma,
"if the total strength of the signals summing at the soma exceeds the threshold of the axon
hillock the neuron will send on a signal", and "the axon is a tube-shaped nerve fibre that
transmits the signal produced at the axon hillock". Here: the passive cable and its length
constant, a spike travelling down the squid giant axon at Hodgkin & Huxley's velocity, why
thicker axons are faster and myelin faster still, saltatory conduction, and a ball-and-stick
neuron whose dendritic inputs sum to the hillock's threshold.
"""

import math

from neurosim import cable, figures, morphology, stimulus


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "08", argv)

    print("1. A passive cable: a current into one end leaks out as it spreads.")
    r_m, r_a, d = 1.0 / 0.3e-3, 35.4, 2.0
    lam = cable.length_constant(d, r_m, r_a)
    print(f"   d = {d:g} um, R_m = {r_m:.0f} ohm cm^2, R_a = {r_a:g} ohm cm: "
          f"lambda = sqrt(d R_m / (4 R_a)) = {lam:.0f} um")
    fibre = morphology.Morphology((morphology.Section("cable", 10 * lam, d, n_seg=1000,
                                                      channels="passive"),))
    x = [0.0, 0.1, 0.2, 0.3]
    res = cable.simulate_cable(fibre, 60.0, dt=0.1, record=[f"cable({v:g})" for v in x],
                               stimuli=[cable.CurrentClamp("cable(0)", 0.05)])
    dv = res.v[-1] + 65.0
    for k in range(len(x)):
        dist = res.distance[k] - res.distance[0]
        print(f"   {dist:6.0f} um from the first point: {dv[k]:.3f} mV, "
              f"exp(-x/lambda) predicts {dv[0] * math.exp(-dist / lam):.3f} mV")

    print("\n2. The squid giant axon (radius 238 um, 35.4 ohm cm, 18.5 C): Hodgkin & Huxley "
          "(1952) computed 18.8 m/s.")
    squid = morphology.axon(20000.0, 476.0, n_seg=500)
    res = cable.simulate_cable(squid, 12.0, dt=0.01, method="crank_nicolson",
                               temperature=18.5, record=["axon(0.4)", "axon(0.6)"],
                               stimuli=[cable.CurrentClamp("axon(0)",
                                                           stimulus.step(5000.0, 0.0, 0.2))])
    v = cable.conduction_velocity(res, "axon(0.4)", "axon(0.6)")
    print(f"   neurosim: {v:.2f} m/s")
    save(figures.fig_axon_propagation(), "axon_propagation")

    diameters = (1.0, 4.0) if args.quick else (1.0, 2.0, 4.0, 8.0, 16.0)
    print("\n3. Thicker is faster; myelin is faster still (m/s, HH kinetics at 18.5 C):")
    bare, myel = figures.conduction_velocities(diameters)
    for dd, b, m in zip(diameters, bare, myel, strict=True):
        print(f"   d = {dd:4.1f} um   unmyelinated {b:6.2f}   myelinated {m:6.1f}   "
              f"({m / b:.0f}x)")
    print(f"   unmyelinated: x{bare[-1] / bare[0]:.2f} for x{diameters[-1] / diameters[0]:g} "
          "in diameter (the square root); myelinated: "
          f"x{myel[-1] / myel[0]:.2f} (in proportion)")
    save(figures.fig_velocity_vs_diameter(diameters), "velocity_vs_diameter")

    print("\n4. Saltatory conduction: the spike jumps from node of Ranvier to node.")
    save(figures.fig_saltatory(n_internodes=12 if args.quick else 30), "saltatory")

    print("\n5. Dendrites receive, the soma sums, the hillock decides.")
    cell = figures.summation_cell()
    rec = ["dendrite(0.5)", "soma", "hillock", "axon(0.2)"]
    cases = {"1 synapse at dendrite(0.1)": [("dendrite(0.1)", [5.0])],
             "4 synapses at 0.1, 0.3, 0.5, 0.7 at once (spatial)":
                 [(f"dendrite({x:g})", [5.0]) for x in (0.1, 0.3, 0.5, 0.7)],
             "1 synapse 4 times, 1 ms apart (temporal)": [("dendrite(0.1)",
                                                           [5.0, 6.0, 7.0, 8.0])]}
    for what, events in cases.items():
        syns = [cable.Synapse(loc, times, 0.8) for loc, times in events]
        res = cable.simulate_cable(cell, 25.0, dt=0.01, synapses=syns, record=rec)
        if res.spikes_at("hillock").size:
            order = sorted((s[0], loc) for s, loc in zip(res.spike_times, rec, strict=True)
                           if s.size)
            t0 = order[0][0]
            print(f"   {what}: a spike; it starts at the {order[0][1]} and reaches "
                  + ", ".join(f"the {loc.split('(')[0]} +{t - t0:.2f} ms"
                              for t, loc in order[1:]))
        else:
            print(f"   {what}: the hillock peaks at {res.at('hillock').max():.1f} mV, "
                  "below threshold")
    save(figures.fig_dendritic_summation(), "dendritic_summation")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
