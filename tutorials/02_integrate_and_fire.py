"""Tutorial 2: from the membrane as an RC circuit to integrate-and-fire neurons.
=============================================================================

Run it::

    python tutorials/02_integrate_and_fire.py            # full version
    python tutorials/02_integrate_and_fire.py --quick    # shorter runs (what the tests use)

It covers the passive membrane (charging with time constant tau_m), threshold and reset, the
refractory period, the f-I curve against the analytic formula, type I against type II, and the
Izhikevich "zoo" of firing patterns from one equation.
"""


import numpy as np

import neurosim
from neurosim import analysis, figures, plot, stimulus


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "02", argv)

    p = neurosim.load_model("lif_lecture")
    print("1. The lecture LIF neuron:")
    for name, unit in p.units().items():
        print(f"   {name:8s} = {getattr(p, name):6g} {unit}")

    # 2. The passive membrane: an RC circuit. Below threshold V relaxes exponentially.
    sub = neurosim.simulate_lif(stimulus.step(1.0, 10.0), 80.0, dt=0.1)
    v_inf = p.v_rest + p.r_m * 1.0
    k = int(np.searchsorted(sub.t, 10.0 + p.tau_m))
    frac = (sub.trace("v")[k] - p.v_rest) / (v_inf - p.v_rest)
    print(f"\n2. RC circuit: 1 nA through R = {p.r_m:g} MOhm moves V towards {v_inf:g} mV;")
    print(f"   after one time constant ({p.tau_m:g} ms) it has covered {100 * frac:.1f} % of "
          "the way (1 - 1/e = 63.2 %). No spike: it never reaches threshold.")

    # 3. Threshold, reset and refractoriness.
    rheobase = (p.v_th - p.v_rest) / p.r_m
    res = neurosim.simulate_lif(stimulus.step(2.0, 30.0, 110.0), 130.0, dt=0.05)
    print(f"\n3. Fire and reset: the rheobase is (V_th - V_rest) / R = {rheobase:g} nA.")
    print(f"   With 2 nA the neuron fires at {', '.join(f'{s:.2f}' for s in res.spikes())} "
          "ms,")
    print(f"   is reset to {p.v_reset:g} mV and held there for {p.t_ref:g} ms each time.")
    with plot.lecture_style():
        save(plot.membrane(res).figure, "1_lif_trace")

    # 4. The f-I curve against the analytic formula.
    currents = np.linspace(0.0, 4.0, 21 if args.quick else 81)
    curve = analysis.fi_curve("lif", currents, duration=500.0 if args.quick else 2000.0,
                              transient=50.0)
    exact = analysis.lif_rate(currents, p)
    worst = np.max(np.abs(curve.rates - exact))
    print("\n4. f-I curve: rate = 1 / (t_ref + tau ln((RI + V_rest - V_reset) / (RI + V_rest - "
          "V_th))).")
    print(f"   Simulated against analytic over {currents.size} currents: largest difference "
          f"{worst:.1e} Hz")
    print("   (exact integration between steps: no time-step error at all).")

    # 5. Type I against type II.
    print("\n5. Type I (LIF) rises from 0 Hz; type II (Hodgkin-Huxley) jumps straight to ~50 Hz.")
    kw = {"duration": 500.0, "transient": 100.0} if args.quick else {}
    save(figures.fig_fi_hh_vs_lif(**kw), "2_fi_hh_vs_lif")

    # 6. The Izhikevich zoo: two variables, four parameters, many behaviours.
    print("\n6. Izhikevich (2003): v' = 0.04 v^2 + 5 v + 140 - u + I, u' = a (b v - u); I and u "
          "in mV/ms.")
    for name, (amp, onset) in figures.IZHIKEVICH_INPUTS.items():
        r = neurosim.simulate_izhikevich(stimulus.step(amp, onset), 200.0, pattern=name)
        isi = np.diff(r.spikes())
        shape = (f"ISIs from {isi.min():5.1f} to {isi.max():5.1f} ms" if isi.size
                 else "no repeated firing")
        print(f"   {name:24s} {r.spikes().size:3d} spikes in 200 ms, {shape}")
    # the resonator answers to timing, not to strength: pairs of pulses one period of its
    # subthreshold ringing apart add up, half a period apart they cancel
    t0, t1, t2, t3 = figures.RESONATOR_PAIRS["onsets"]
    spikes = figures.resonator_pairs_run().spikes()
    print(f"   {'resonator':24s} pulse pairs {t1 - t0:g} ms apart: "
          f"{np.sum((spikes > t0) & (spikes < t2)):d} spikes; {t3 - t2:g} ms apart (its "
          f"ringing period): {np.sum(spikes > t2):d} spike")
    save(figures.fig_izhikevich_gallery(), "3_izhikevich_gallery")

    # 7. A population at compiled speed.
    n = 20_000 if args.quick else 100_000
    pop = neurosim.simulate_lif(np.linspace(1.0, 3.0, n), 1000.0, record=("spikes",))
    print(f"\n7. {n} LIF neurons, 1 s: {int(pop.spike_counts.sum())} spikes, mean rate "
          f"{pop.firing_rates.mean():.1f} Hz.")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()

# In a notebook (jupytext --to ipynb tutorials/02_integrate_and_fire.py) with a kernel:
# sliders for the membrane's time constant,
# the threshold and the current; the figure follows them. A script, or a notebook
# read without a kernel, shows the figure for the starting values.
if figures.in_notebook():
    figures.explore_lif()
