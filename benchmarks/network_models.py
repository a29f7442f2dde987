"""The Numba network engine's other models (every registered network model but LIF), each
beside the point simulator on the same neurons, in one run.

    python benchmarks/network_models.py              # ~1 min
    python benchmarks/network_models.py --n 4000 --repeats 5

For each model: N neurons (default 2,000) at 1 to 1.5 times the command line's current, alone
in a network (no synapses: the work is the neurons' own steps, which the engine takes from the
model's registry entry) and in ``simulate`` with the network's method (Brian2's scheme where
the point simulator has it: exponential Euler for the HH-type models), 200 ms at the model's
Brian2 dt. Reported: the best of ``--repeats`` run times (the kernels compiled or loaded
first), neuron-steps per second and the engine's time over the point simulator's. The point
simulator runs vectorised chunks with spike timing inside the step; the engine steps one
neuron at a time with its spike rule at the step's end, so a ratio near 1 says the engine
adds little around the model's arithmetic.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import neurosim
from neurosim import registry


def _models():
    names = getattr(registry, "network_models", None)
    if names is not None:
        return [m for m in names() if m != "lif"]
    return ["izhikevich", "adex", "hodgkin_huxley", "cortical_rs"]  # (before issue 26)


def _best(fn, repeats):
    fn()  # compile or load the kernels
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--duration", type=float, default=200.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"{args.n:,} neurons, {args.duration:g} ms, one thread, best of {args.repeats}")
    print(f"{'model':16s} {'dt':>6s} {'network (s)':>12s} {'steps/s':>9s} {'simulate (s)':>13s}"
          f" {'ratio':>6s}")
    for model in _models():
        spec = registry.get(model)
        dt = spec.brian2.dt
        cur = spec.cli_current * np.linspace(1.0, 1.5, args.n)
        net = neurosim.Network(populations=(neurosim.Population(
            "P", model, args.n, overrides={"i_ext": cur}),), dt=dt)
        method = "exp_euler" if "exp_euler" in spec.methods else None
        t_net = _best(lambda net=net: net.run(args.duration), args.repeats)
        t_point = _best(lambda model=model, cur=cur, dt=dt, method=method: neurosim.simulate(
            model, cur, args.duration, dt=dt, method=method, record=("spikes",), n_threads=1),
            args.repeats)
        steps = args.n * round(args.duration / dt)
        print(f"{model:16s} {dt:6g} {t_net:12.3f} {steps / t_net:9.2e} {t_point:13.3f}"
              f" {t_net / t_point:6.2f}")


if __name__ == "__main__":
    main()
