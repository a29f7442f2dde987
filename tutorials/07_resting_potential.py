"""Tutorial 7: where the resting potential comes from.

    python tutorials/07_resting_potential.py            # full version
    python tutorials/07_resting_potential.py --quick    # the same (no long runs yet)

The lecture: the membrane potential is caused by an unequal distribution of Na+ and K+ ions,
leak channels are always open, and the rest is typically -70 mV. Here: each ion's equilibrium
(Nernst) potential, why the rest lies between them (Goldman-Hodgkin-Katz), what the leak
permeabilities do to it, and Hodgkin & Katz's test of the idea: the rest against external K+.
"""


import numpy as np

from neurosim import figures, ions, plot


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
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
