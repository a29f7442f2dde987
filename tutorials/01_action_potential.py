"""Tutorial 1: the Hodgkin-Huxley action potential.
================================================

Run it and read it top to bottom::

    python tutorials/01_action_potential.py            # full version
    python tutorials/01_action_potential.py --quick    # shorter runs (what the tests use)

It covers the resting potential, the phases of the action potential, the Na+ and K+ currents
that make them, all-or-nothing firing and refractoriness, and saves a figure for each step.
"""


import numpy as np

import neurosim
from neurosim import analysis, figures, plot, stimulus


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "01", argv)

    # 1. The model. Every number comes from the catalog file, with its unit and citation.
    params = neurosim.load_model("hodgkin_huxley_1952")
    print("1. The squid giant axon model of Hodgkin & Huxley (1952):")
    for name, unit in params.units().items():
        print(f"   {name:16s} = {getattr(params, name):8g} {unit}")

    # 2. Rest: with no input the membrane sits where Na+, K+ and leak currents balance.
    v_rest, m, h, n = neurosim.hh_resting_state(params)
    print(f"\n2. Resting potential: {v_rest:.2f} mV (gates m = {m:.3f}, h = {h:.3f}, "
          f"n = {n:.3f}).")
    print("   Na+ channels are mostly closed (m small) but ready (h about 0.6);")
    print("   a few K+ channels are open (n about 0.3).")

    # 3. One action potential after a brief pulse.
    pulse = stimulus.step(15.0, 5.0, 6.0)
    res = neurosim.simulate_hh(pulse, 25.0, record="all", dt=0.01)
    ph = analysis.action_potential_phases(res)
    print("\n3. A 1-ms pulse of 15 uA/cm^2 at t = 5 ms fires one action potential:")
    print(f"   threshold      {ph.threshold_v:6.1f} mV at {ph.threshold_t:5.2f} ms "
          f"(where the membrane's own dV/dt passes {ph.dvdt_criterion:g} mV/ms)")
    print(f"   peak           {ph.peak_v:6.1f} mV at {ph.peak_t:5.2f} ms (overshoot above 0 mV)")
    print(f"   steepest rise  {ph.max_dvdt:6.0f} mV/ms")
    print(f"   undershoot     {ph.ahp_v:6.1f} mV at {ph.ahp_t:5.2f} ms "
          f"({ph.rest_v - ph.ahp_v:.1f} mV below rest)")
    print(f"   half-width     {ph.half_width:6.2f} ms")
    with plot.lecture_style():
        save(plot.membrane(res).figure, "1_action_potential")

    # 4. What makes each phase: the gates and the currents.
    print("\n4. The gates: m (Na+ activation) opens within a fraction of a millisecond, which")
    print("   lets Na+ rush in (depolarisation). h (Na+ inactivation) and n (K+ activation) are")
    print("   slower: h closes the Na+ channels and n opens K+ channels, so K+ flows out")
    print("   (repolarisation). n stays open a while after: the undershoot.")
    i_na, i_k = res.trace("i_na"), res.trace("i_k")
    t_na = res.t[np.argmax(i_na < -100.0)]
    t_k = res.t[np.argmax(i_k > 100.0)]
    print(f"   The Na+ current passes 100 uA/cm^2 inward at {t_na:.2f} ms, the K+ current "
          f"100 uA/cm^2 outward only at {t_k:.2f} ms;")
    print(f"   at their largest they carry {-i_na.min():.0f} and {i_k.max():.0f} uA/cm^2.")
    with plot.lecture_style():
        save(plot.gates(res).figure, "2_gates")
        save(plot.currents(res).figure, "3_currents")

    # 5. All or nothing: find the smallest 1-ms pulse that fires.
    i_th = analysis.pulse_threshold(1.0, tol=1e-2 if args.quick else 1e-3)
    below = neurosim.simulate_hh(stimulus.step(0.98 * i_th, 2.0, 3.0), 15.0)
    above = neurosim.simulate_hh(stimulus.step(1.02 * i_th, 2.0, 3.0), 15.0)
    print(f"\n5. All or nothing: a 1-ms pulse fires only above {i_th:.2f} uA/cm^2.")
    print(f"   2 % below: peak {below.v.max():6.1f} mV, {below.spikes().size} spikes")
    print(f"   2 % above: peak {above.v.max():6.1f} mV, {above.spikes().size} spike")
    save(figures.fig_all_or_nothing(), "4_all_or_nothing")

    # 6. Refractoriness: a second pulse soon after the first cannot fire.
    print("\n6. Refractoriness: two strong 0.5-ms pulses at shrinking intervals.")
    for gap in (16.0, 8.0, 6.0, 3.0):
        drive = stimulus.step(80.0, 2.0, 2.5) + stimulus.step(80.0, 2.0 + gap, 2.5 + gap)
        r = neurosim.simulate_hh(drive, 2.0 + gap + 10.0)
        print(f"   interval {gap:4.1f} ms: {r.spikes().size} spike(s)")
    periods = analysis.refractory_periods(width=0.5)
    print(f"   Measured on the model (second-pulse threshold against the interval): no pulse up "
          f"to {periods.max_amplitude:.0f} uA/cm^2 fires before {periods.absolute:g} ms "
          "(absolute refractory period);")
    print(f"   until {periods.relative:g} ms a pulse must be stronger than the "
          f"{periods.baseline:.1f} uA/cm^2 a rested membrane needs (relative refractory "
          "period).")
    save(figures.fig_refractoriness(), "5_refractoriness")

    # 7. Repetitive firing: the f-I curve of a type II neuron.
    duration = 300.0 if args.quick else 1000.0
    currents = np.arange(0.0, 20.01, 1.0 if args.quick else 0.25)
    curve = analysis.fi_curve("hh", currents, duration=duration, transient=100.0)
    print(f"\n7. Constant current: repetitive firing starts at {curve.rheobase:.2f} uA/cm^2 and "
          f"jumps straight to {curve.rates[curve.currents == curve.rheobase][0]:.0f} Hz.")
    print("   No low rates: that is a type II neuron (Hodgkin's class 2).")
    with plot.lecture_style():
        save(plot.fi_curve(curve, labels=["Hodgkin–Huxley"]).figure, "6_fi_curve")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()

# In a notebook (jupytext --to ipynb tutorials/01_action_potential.py) with a kernel:
# sliders for the pulse's amplitude and
# duration; the figure follows them. A script, or a notebook
# read without a kernel, shows the figure for the starting values.
if figures.in_notebook():
    figures.explore_action_potential()
