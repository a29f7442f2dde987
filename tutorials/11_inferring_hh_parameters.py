"""Tutorial 11: which conductances made this spike train? Simulation-based inference.
==================================================================================

Run it::

    python tutorials/11_inferring_hh_parameters.py            # full version (~3 min)
    python tutorials/11_inferring_hh_parameters.py --quick    # a small fit (the tests)
    python tutorials/11_inferring_hh_parameters.py --save     # full, and rewrite the lecture
                                                              # example in artefacts/hh_inference

The lecture: a Hodgkin-Huxley model is an implicit generative model. Give it parameters and it
makes a trace; it has no formula for the probability of a trace, so the usual likelihood-based
fit does not apply. Neural posterior estimation (Goncalves et al. 2020, the sbi package) learns
the inverse from simulations: draw conductances from a prior, simulate each, reduce each trace
to a few features, and train a neural density estimator of the conductances given the
features. Then one recorded trace gives the posterior: which conductances could have made it,
and how sure we can be. neurosim runs the thousands of simulations this needs as one population
call. Needs the 'inference' extra.
"""

import time

import numpy as np

from neurosim import figures, inference, plot

TRUTH = (50.0, 5.0)  # sbi's tutorial: g_na, g_kd in mS/cm^2


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "11", argv, flags=[
        ("--save", "rewrite artefacts/hh_inference/report.json (full size only)")])
    sim = inference.HHSimulator(("g_na", "g_kd"))
    prior = inference.TUTORIAL_PRIOR

    print("1. The simulator: Pospischil et al.'s cortical neuron with an M current (Goncalves")
    print(f"   et al.'s values), a {sim.amplitude:.2f} uA/cm^2 step from {sim.t_on:g} to "
          f"{sim.t_off:g} ms, current noise {sim.noise:g} uA/cm^2, dt = {sim.dt:g} ms.")
    trace = sim.traces([TRUTH], seed=1)[0]
    x_o = sim.trace_features(trace)
    print(f"   The 'recorded' trace, made with g_na = {TRUTH[0]:g} and g_kd = {TRUTH[1]:g} "
          "mS/cm^2 (which the fit is not told):")
    for (name, unit), value in zip(inference.FEATURES.items(), x_o, strict=True):
        print(f"     {name:12s} {value:9.3f} {'' if unit == '1' else unit}")

    n_sims = 1_000 if args.quick else 10_000
    print(f"\n2. {n_sims:,} simulations from the prior, one population call:")
    theta = prior.sample(n_sims, seed=0)
    t0 = time.perf_counter()
    x = sim.features(theta, seed=0)
    seconds = time.perf_counter() - t0
    print(f"   {seconds:.2f} s: {n_sims / seconds:,.0f} simulations per second; "
          f"{np.mean(x[:, 0] == 0):.0%} of them do not spike")

    n_fit = 500 if args.quick else 10_000
    epochs = 30 if args.quick else 200
    print(f"\n3. Neural posterior estimation (a masked autoregressive flow) on {n_fit:,} "
          "simulations:")
    post = inference.fit(trace, prior, n_fit, seed=0, max_epochs=epochs)
    print(f"   {post!r}")
    samples = post.sample(2000, seed=0)
    lo, hi = np.percentile(samples, [5, 95], axis=0)
    for k, name in enumerate(prior.names):
        print(f"   {name}: posterior mean {samples[:, k].mean():6.2f}, 90 % interval "
              f"[{lo[k]:.2f}, {hi[k]:.2f}] mS/cm^2 (true {TRUTH[k]:g})")
    predictive = post.predictive(5, seed=2)
    counts = sim.trace_features(predictive)[:, 0]
    print(f"   posterior-predictive spike counts: {counts.astype(int).tolist()} "
          f"(observed {int(x_o[0])})")

    n_tests = 20
    print(f"\n4. Calibration on {n_tests} held-out synthetic traces (parameters drawn from the "
          "prior, kept where the trace spikes):")
    cal = inference.calibrate(post, n_tests=n_tests if args.quick else 200, n_samples=1000,
                              seed=1)
    err = np.median(cal.relative_error[:n_tests], axis=0)
    inside = cal.inside[:n_tests].mean(axis=0)
    for k, name in enumerate(prior.names):
        print(f"   {name}: median relative error of the posterior mean {err[k]:.1%}; the 90 % "
              f"interval holds the truth in {inside[k]:.0%} of the tests")
    if not args.quick:
        print(f"   over {len(cal.truth)} held-out traces the 90 % interval holds it in "
              + " and ".join(f"{c:.0%}" for c in cal.inside.mean(axis=0))
              + " (expected coverage, in the figure)")

    with plot.lecture_style():
        fig = plot.posterior_pairs(samples, prior.names, ["mS/cm²"] * 2, truth=TRUTH,
                                   low=prior.low, high=prior.high)
        save(fig, "posterior")
        ax = plot.posterior_predictive(sim.t, trace, predictive, t_on=sim.t_on,
                                       t_off=sim.t_off)
        save(ax.figure, "predictive")
        ax = plot.coverage(cal)
        save(ax.figure, "calibration")

    if args.save and not args.quick:
        path = inference.save_inference_report(
            inference.default_report(), post, cal, truth=TRUTH, trace=trace, samples=samples,
            predictive=predictive, command="python tutorials/11_inferring_hh_parameters.py "
            "--save")
        print(f"   -> wrote {path}")
    print("Done.")


if __name__ == "__main__":
    main()
