"""Tutorial 12: populations as rates, dynamics as pictures: Wilson-Cowan and phase planes.
=======================================================================================

Run it::

    python tutorials/12_wilson_cowan_phase_plane.py            # full version (~30 s)
    python tutorials/12_wilson_cowan_phase_plane.py --quick    # coarser sweeps (the tests)

The lecture: a population of thousands of spiking neurons can often be described by its mean
activity alone, a rate; Wilson and Cowan (1972) wrote one rate for an excitatory and one for an
inhibitory population, each a sigmoid of its input. With two variables the whole behaviour fits
in one picture, the phase plane: where each rate stops changing (the nullclines), where both do
(the fixed points, stable or not, found from the Jacobian's eigenvalues), and the closed orbits
(limit cycles) that are oscillations. FitzHugh and Nagumo did the same for one neuron: a cubic
fast variable and a slow recovery variable, and a spike is a trip round a limit cycle.
"""

import math

import numpy as np

from neurosim import analysis, dynamics, figures, plot


def _num(x, digits=4):
    """x to ``digits`` decimals, with no minus sign on a value that rounds to zero."""
    text = f"{x:.{digits}f}"
    return text[1:] if float(text) == 0 and text.startswith("-") else text


def _describe(fps):
    return "; ".join(f"{fp.kind} at ({_num(fp.x)}, {_num(fp.y)})" for fp in fps)


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "12", argv)

    wc = dynamics.WilsonCowan()
    p = wc.params
    print("1. Wilson-Cowan with the teaching values: tau_E dE/dt = -E + F_E(w_EE E - w_EI I + "
          "i_E),")
    print(f"   tau_I dI/dt = -I + F_I(w_IE E - w_II I + i_I); tau_E = {p.tau_e:g}, tau_I = "
          f"{p.tau_i:g} ms, w_EE = {p.w_ee:g}, w_EI = {p.w_ei:g}, w_IE = {p.w_ie:g}, "
          f"w_II = {p.w_ii:g}.")
    fps = dynamics.fixed_points(wc)
    print(f"   {len(fps)} fixed points: {_describe(fps)}")
    worst = max(float(np.abs(wc.rhs(fp.x, fp.y)).max()) for fp in fps)
    print(f"   (each solves both equations to {worst:.0e})")
    for fp in fps:
        ev = ", ".join(f"{e.real:+.3f}{e.imag:+.3f}j" for e in fp.eigenvalues)
        print(f"   eigenvalues of J at E = {_num(fp.x, 3)}: {ev} -> {fp.kind}")
    starts = ((0.25, 0.1), (0.45, 0.2), (0.7, 0.05), (0.2, 0.6), (0.95, 0.95))
    runs = [dynamics.simulate_rates(wc, 40.0, x0=x0) for x0 in starts]
    ends = [("low" if r.E[-1] < 0.5 else "high") for r in runs]
    print(f"   trajectories from {len(runs)} starts end in the {', '.join(ends)} state: the "
          "saddle's stable manifold divides the plane")
    with plot.lecture_style():
        ax = plot.phase_plane(wc, xlim=(-0.05, 1.0), ylim=(-0.05, 1.0), trajectories=runs)
        save(ax.figure, "bistable_phase_plane")

    osc = dynamics.WilsonCowan(pattern="oscillator")
    q = osc.params
    print(f"\n2. The oscillator set (w_EE = {q.w_ee:g}, w_EI = {q.w_ei:g}, w_IE = {q.w_ie:g}, "
          f"w_II = {q.w_ii:g}, i_E = {q.i_e:g}):")
    fps = dynamics.fixed_points(osc)
    print(f"   {_describe(fps)}: nothing stable to settle on")
    cycle = dynamics.limit_cycle(osc)
    print(f"   a stable limit cycle: period {cycle.period:.2f} ms ({1000 / cycle.period:.0f} "
          f"Hz), E from {cycle.x.min():.3f} to {cycle.x.max():.3f}")
    with plot.lecture_style():
        ax = plot.phase_plane(osc, xlim=(-0.02, 0.8), ylim=(-0.02, 0.55), cycle=cycle,
                              labels={"E": (0.03, 0.25, "left"), "I": (0.77, 0.53, "right")})
        save(ax.figure, "oscillator_phase_plane")

    print("\n3. Turning the drive to E up (a one-parameter bifurcation diagram):")
    values = np.linspace(0.3, 1.5, 13 if args.quick else 49)
    diagram = dynamics.bifurcation(osc, "i_e", values)
    (hopf,) = dynamics.hopf_points(osc, "i_e", 0.8, 1.5)
    fp = dynamics.fixed_points(osc.with_params(i_e=hopf))[0]
    omega = abs(fp.eigenvalues[0].imag)
    print(f"   Hopf point: the Jacobian's trace crosses zero at i_E = {hopf:.4f} (eigenvalues "
          f"+-{omega:.4f}j, a period of 2 pi / omega = {2 * math.pi / omega:.2f} ms)")
    step = 0.01 if args.quick else 0.002
    onset = dynamics.oscillation_onset(osc, "i_e", np.arange(1.05, 0.9, -step))
    print(f"   simulation, coming down from i_E = 1.05 in steps of {step:g}: oscillating from "
          f"{onset:.3f} on (within {abs(onset - hopf):.3f} of the Hopf point)")
    lc = dynamics.limit_cycle(osc.with_params(i_e=hopf - 0.002), transient=2000.0)
    print(f"   just below it the cycle is small ({lc.amplitude[0]:.3f} in E) and turns in "
          f"{lc.period:.2f} ms: a supercritical Hopf bifurcation")
    with plot.lecture_style():
        ax = plot.bifurcation(diagram, parameter_label="External drive to E, $i_E$",
                              hopf=[hopf], onset=onset)
        save(ax.figure, "bifurcation")

    fhn = dynamics.FitzHughNagumo()
    f = fhn.params
    print(f"\n4. FitzHugh-Nagumo (a = {f.a:g}, b = {f.b:g}, tau = {f.tau:g}, drive "
          f"{f.i_ext:g}):")
    print(f"   {_describe(dynamics.fixed_points(fhn))}, on the middle branch of the cubic")
    v = math.sqrt(1 - f.b / f.tau)
    exact = sorted((x + f.a) / f.b - x + x**3 / 3 for x in (-v, v))
    found = dynamics.hopf_points(fhn, "i_ext", 0.0, 1.5)
    print(f"   Hopf points at drive {found[0]:.4f} and {found[1]:.4f}; by hand (trace 0 where "
          f"v^2 = 1 - b/tau): {exact[0]:.4f} and {exact[1]:.4f}")
    cycle = dynamics.limit_cycle(fhn)
    print(f"   between them it spikes: a relaxation cycle of period {cycle.period:.1f} ms")
    with plot.lecture_style():
        ax = plot.phase_plane(fhn, xlim=(-2.5, 2.5), ylim=(-1.0, 2.2), cycle=cycle)
        save(ax.figure, "fitzhugh_nagumo")

    print("\n5. Where the rate model meets the spiking network: Brunel's (2000) mean field is a")
    print("   rate model whose gain function is the Siegert formula (a LIF neuron's rate under")
    print("   white noise). With E and I neurons alike, one rate suffices: tau dnu/dt = -nu +")
    print("   phi(nu) (dynamics.mean_field_rates). From 1 Hz and from 150 Hz at g = 5,")
    print("   nu_ext / nu_thr = 2:")
    low, high = (dynamics.mean_field_rates(5.0, 2.0, nu0=nu0).nu[-1] for nu0 in (1.0, 150.0))
    print(f"   it settles at {low:.4f} Hz and {high:.4f} Hz; the self-consistent rate of "
          f"analysis.brunel_rate is {analysis.brunel_rate(5.0, 2.0):.4f} Hz, the rate "
          "tutorial 6 finds in the network")
    print("Done.")


if __name__ == "__main__":
    main()
