"""The NEST engine beside the Numba engine on the same graphs: Brunel's (2000) four states
and the COBA benchmark, full size, rates and irregularity.

    python benchmarks/nest_engine.py                 # ~5 min on 2 cores
    python benchmarks/nest_engine.py --seeds 3 --duration 1000

For each network, each seed draws one graph; both engines run it (their Poisson inputs come
from different generators, and the networks are chaotic, so single spikes differ). Reported
per population: the mean rate over seeds on each engine and their relative difference, the
mean CV of the interspike intervals (neurons with more than 5 spikes; the first 100 ms left
out) and its difference, and each engine's run time (NEST's Simulate alone, neurosim's
kernel loop alone). The issue's bar: rates within 10 %, CV within 0.1.
"""

from __future__ import annotations

import argparse

import numpy as np

import neurosim

CASES = [("brunel_2000", state) for state in ("SR", "AI", "SI_fast", "SI_slow")] + \
    [("vogels_abbott_coba", None)]


def cv(res, pop, start=100.0):
    out = []
    for x in res.spike_times[pop]:
        x = x[x > start]
        if x.size > 5:
            d = np.diff(x)
            out.append(d.std() / d.mean())
    return float(np.mean(out)) if out else float("nan")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--duration", type=float, default=600.0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    print(f"{args.seeds} seeds, {args.duration:g} ms, {args.threads} threads each engine")
    print(f"{'network':22s} {'pop':>3s} {'rate numba':>10s} {'rate NEST':>9s} {'diff':>6s} "
          f"{'CV numba':>8s} {'CV NEST':>7s} {'diff':>6s} {'numba s':>8s} {'NEST s':>7s}")
    worst_rate, worst_cv = 0.0, 0.0
    for name, state in CASES:
        net = neurosim.load_network(name, state=state) if state else neurosim.load_network(name)
        rates = {"numba": {}, "nest": {}}
        cvs = {"numba": {}, "nest": {}}
        secs = {"numba": 0.0, "nest": 0.0}
        for seed in range(args.seeds):
            conn = net.connectivity(seed)
            for engine in rates:
                res = net.run(args.duration, seed=seed, connectivity=conn, engine=engine,
                              n_threads=args.threads)
                secs[engine] += res.timings["run"] / args.seeds
                for pop in res.spike_times:
                    rates[engine].setdefault(pop, []).append(res.rate(pop))
                    cvs[engine].setdefault(pop, []).append(cv(res, pop))
        for pop in rates["numba"]:
            a, b = np.mean(rates["numba"][pop]), np.mean(rates["nest"][pop])
            ca, cb = np.mean(cvs["numba"][pop]), np.mean(cvs["nest"][pop])
            worst_rate = max(worst_rate, abs(b - a) / a)
            worst_cv = max(worst_cv, abs(cb - ca))
            label = f"{name}{' ' + state if state else ''}"
            print(f"{label:22s} {pop:>3s} {a:10.2f} {b:9.2f} {100 * (b - a) / a:+5.1f}% "
                  f"{ca:8.3f} {cb:7.3f} {cb - ca:+6.3f} {secs['numba']:8.2f} "
                  f"{secs['nest']:7.2f}")
    print(f"worst rate difference {100 * worst_rate:.1f} % (bar 10 %), worst CV difference "
          f"{worst_cv:.3f} (bar 0.1)")


if __name__ == "__main__":
    main()
