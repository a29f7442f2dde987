"""Tutorial 7: where the resting potential comes from.
===================================================

Run it::

    python tutorials/07_resting_potential.py            # full version
    python tutorials/07_resting_potential.py --quick    # a smaller cell: minutes become seconds

The lecture: the membrane potential is caused by an unequal distribution of Na+ and K+ ions,
leak channels are always open, the rest is typically -70 mV and the threshold about -55 mV, and
a sodium-potassium pump moves 3 Na+ out and 2 K+ in; "if the pump stopped pumping, the leaky
channels would cause K+ ions to diffuse out and Na+ ions to diffuse in". Here: each ion's
equilibrium (Nernst) potential, why the rest lies between them (Goldman-Hodgkin-Katz), what the
leak permeabilities do to it, Hodgkin & Katz's test of the idea, a mammalian neuron with the
lecture's numbers, and its pump: what it adds to the rest, and what happens when it stops.
"""


import numpy as np

import neurosim
from neurosim import analysis, figures, ion_dynamics, ions, plot


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "07", argv)

    p = ions.load_ion_set("ions_mammalian_neuron")
    print(f"1. A mammalian neuron at {p.temperature:g} C (concentrations in mM):")
    pots = ions.resting_potentials(p)
    for ion, z in ions.IONS.items():
        c_in, c_out = getattr(p, f"{ion.lower()}_in"), getattr(p, f"{ion.lower()}_out")
        print(f"   {ion:2s} (z = {z:+d})  inside {c_in:8.4g}  outside {c_out:6.4g}   "
              f"E_{ion} = {pots[ion]:+6.1f} mV")
    print("   E = (RT / zF) ln(outside / inside): the potential at which the ion's diffusion")
    print("   and the electric force on it balance (Nernst).")
    rt_f = ions.thermal_voltage(p.temperature)
    print(f"   RT/F = {rt_f:.2f} mV: every tenfold concentration ratio is "
          f"{rt_f * np.log(10):.1f} mV for a monovalent ion.")

    print("\n2. Each ion alone would pull V to its own E. The membrane at rest leaks all three,")
    print(f"   weighted by permeability (P_K : P_Na : P_Cl = {p.p_k:g} : {p.p_na:g} : {p.p_cl:g}).")
    print(f"   The GHK equation gives the rest: {pots['rest']:.1f} mV, nearer E_K "
          f"({pots['K']:.1f} mV) than E_Na")
    print(f"   ({pots['Na']:+.1f} mV) because K+ leaks most; the small Na+ leak pulls it up.")

    perm = {"K": p.p_k, "Na": p.p_na, "Cl": p.p_cl}
    c_out = {ion: getattr(p, f"{ion.lower()}_out") for ion in perm}
    c_in = {ion: getattr(p, f"{ion.lower()}_in") for ion in perm}
    print("\n3. Change the leak and the rest moves:")
    for p_na in (0.0, p.p_na, 0.1, 1.0, 20.0):
        v = ions.ghk_voltage({**perm, "Na": p_na}, c_out, c_in, p.temperature)
        print(f"   P_Na / P_K = {p_na:5g}: rest {v:+6.1f} mV")
    print("   With the Na+ channels wide open (P_Na / P_K = 20, as at the peak of an action")
    print("   potential) V heads for E_Na: the overshoot.")
    ratio = np.geomspace(1e-3, 100.0, 200)
    rests = ions.ghk_voltage({**perm, "Na": ratio}, c_out, c_in, p.temperature)
    with plot.lecture_style():
        ax = plot.rest_vs_permeability(ratio, rests, pots["K"], pots["Na"])
        ax.set_title("Open the Na⁺ channels and V moves from near E$_\\mathrm{K}$ to near "
                     "E$_\\mathrm{Na}$", fontsize=16)
        save(ax.figure, "2_rest_vs_permeability")

    print("\n4. At the rest the ions still leak (GHK currents with P_K = 1e-6 cm/s):")
    scale = 1e-6
    for ion, z in (("K", 1), ("Na", 1), ("Cl", -1)):
        i = ions.ghk_current(pots["rest"], perm[ion] * scale, c_out[ion], c_in[ion], z,
                             p.temperature)
        way = "out" if i * z > 0 else "in"
        print(f"   {ion:2s} {i:+8.4f} uA/cm^2 ({ion} ions flow {way})")
    print("   They cancel (no net current: that is what makes it the rest), but K+ runs out and")
    print("   Na+ in all the time: without the Na+/K+ pump the gradients would run down.")
    with plot.lecture_style():
        save(figures.fig_ion_ladder(), "1_ion_ladder")

    sq = ions.load_ion_set("ions_squid_axon")
    k = np.array([2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 400.0])
    hk = ions.hodgkin_katz(k, sq, temperature=20.0)
    print("\n5. Hodgkin & Katz (1949): change external K+ and watch the rest (squid axon, 20 C):")
    for kk, rest, e_k in zip(hk["k_out"], hk["rest"], hk["e_k"], strict=True):
        print(f"   [K]o = {kk:5g} mM: rest {rest:+6.1f} mV, E_K {e_k:+6.1f} mV")
    print(f"   E_K falls on a straight line ({ions.thermal_voltage(20.0) * np.log(10):.1f} mV per "
          "tenfold [K]o); the rest follows it")
    print("   only where K+ dominates and bends away at low [K]o, where the small Na+ leak")
    print("   matters: the resting membrane is not a pure K+ electrode.")
    with plot.lecture_style():
        save(figures.fig_hodgkin_katz(), "3_hodgkin_katz")

    rs = neurosim.load_model("pospischil_rs_2008", pattern="lecture")
    rest = neurosim.simulate("cortical_rs", 0.0, 10.0, params=rs).v[0, 0]
    i_th = analysis.pulse_threshold(1.0, start=5.0, duration=60.0, params=rs,
                                    model="cortical_rs", dt=0.01, tol=1e-6)
    print("\n6. A mammalian neuron with these numbers: the regular-spiking cortical cell of")
    print(f"   Pospischil et al. (2008), its Na+, K+ and slow K+ (M) channels. Rest {rest:.1f} mV.")
    print(f"   A 1-ms pulse must be {i_th:.2f} uA/cm^2 to fire it; the strongest that does not")
    with plot.lecture_style():
        fig = figures.fig_mammalian_action_potential()
        th = next(ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == ":")
        print(f"   takes V to {th.get_ydata()[0]:.1f} mV: the threshold, all or nothing.")
        save(fig, "4_mammalian_action_potential")

    p = neurosim.load_model("ion_dynamics_cortical")
    b = ion_dynamics.balance(p)
    print("\n7. Let its ions move (ion_dynamics): inside Na+ and K+, outside K+, and a pump that")
    print(f"   moves 3 Na+ out and 2 K+ in. At rest ({b['v_rest']:.1f} mV) the Na+ leak "
          f"({b['g_na_leak']:.4f} mS/cm^2) and the")
    print(f"   K+ leak ({b['g_k_leak']:.4f} mS/cm^2) are exactly undone by the pump: it runs at "
          f"{b['i_pump']:.2f} uA/cm^2 of its")
    print(f"   {b['i_max']:.2f} uA/cm^2 maximum, one net charge out per cycle.")
    hour = ion_dynamics.simulate_ion_dynamics(3.6e6, params=p)
    print(f"   An hour of it: V moves {np.ptp(hour.v):.1e} mV, [Na+]i "
          f"{np.ptp(hour.trace('na_in')):.1e} mM (the balance holds).")
    share = ion_dynamics.electrogenic_share(p)
    print(f"   The pump's own current holds the rest {-share['share']:.1f} mV lower: without it "
          f"the same cell rests at {share['v_no_pump']:.1f} mV.")

    d = 10.0 if args.quick else p.diameter
    cell = p.replace(diameter=d)
    block_at, every = (5e3, 2e3) if args.quick else (60e3, 20e3)
    duration = 120e3 if args.quick else 25 * 60e3
    run = ion_dynamics.simulate_ion_dynamics(duration, params=cell, block_at=block_at,
                                             pulses=(15.0, every, 1.0, every / 4))
    spikes = run.spikes()
    print(f"\n8. Block the pump (ouabain) at {block_at / 1e3:g} s in a {d:g}-um cell, with 1-ms "
          f"test pulses of 15 uA/cm^2 every {every / 1e3:g} s:")
    before = spikes[spikes < block_at].size
    print(f"   before the block they are too weak ({before} spikes); after it they fire: the "
          f"first at {spikes[0] / 1e3:.1f} s")
    print(f"   (V has crept up by the pump's share and the K+ gathering outside); the last spike "
          f"comes at {spikes[-1] / 1e3:.1f} s,")
    gap = run.trace("e_na") - run.trace("e_k")
    print(f"   then none: V {run.v[-1, 0]:.1f} mV, E_Na {run.trace('e_na')[-1]:.1f} mV and E_K "
          f"{run.trace('e_k')[-1]:.1f} mV ({gap[-1]:.1f} mV apart, from {gap[0]:.1f}).")
    print("   With the gradients gone there is nothing left to make a spike from: the Na+")
    print("   channels stay inactivated (depolarisation block).")
    rates = []
    for diameter in (20.0, 40.0):
        r = ion_dynamics.simulate_ion_dynamics(2e3, params=p.replace(diameter=diameter),
                                               block_at=0.0)
        rates.append((r.trace("na_in")[-1] - r.trace("na_in")[0]) / 2.0)
        print(f"   a {diameter:g}-um cell: [Na+]i rises {rates[-1]:.3f} mM/s at first")
    print(f"   Twice the diameter, twice the volume per membrane area: {rates[0] / rates[1]:.2f} "
          "times slower.")
    with plot.lecture_style():
        fig = plot.pump_block(run, block_at=block_at, pulse_every=every, pulse_start=every / 4)
        fig.suptitle(f"If the pump stopped: a {d:g}-µm cortical neuron", fontsize=16)
        save(fig, "5_pump_block")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
