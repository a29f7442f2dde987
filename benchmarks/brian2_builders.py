"""Brian2 builders: build and run times per target, the exprel trap, and the cross-check error.

    python benchmarks/brian2_builders.py                    # numpy and cython (~3 min)
    python benchmarks/brian2_builders.py --standalone       # add cpp_standalone for the HH group

1. The reflex arc (160 neurons, 400 ms at dt = 0.1 ms): build and run time on the numpy target
   (the default; no compiler), and on cython with --cython-reflex (compiles ~40 code objects).
2. A 10,000-neuron HH group, 100 ms at dt = 0.01 ms: run time per target.
3. The exprel trap: HH groups of 100 and 1,000 neurons on the numpy target, with the rate
   functions written with Brian2's exprel (as its examples do) and as neurosim writes them.
4. Cross-check: the Brian2 HH group against neurosim's exponential Euler (max |dV|), and Brian2
   LIF spike times against neurosim's exact LIF.
"""

from __future__ import annotations

import argparse
import time

import brian2 as b2
import numpy as np

import neurosim
from neurosim import registry, stimulus
from neurosim.networks import build_neuron_group, build_reflex_arc
from neurosim.networks._groups import _declarations, brian2_state

_HH = registry.get("hh")
_HH_FIELDS = [(f.name, f.metadata["unit"]) for f in _HH.params_cls.parameter_fields()
              if f.name not in _HH.brian2.skip]
HH_EQUATIONS = _HH.brian2.equations + "\n" + _declarations(_HH, _HH_FIELDS, [("phi", "1")])


def reflex(target):
    t0 = time.perf_counter()
    arc = build_reflex_arc(target=target)
    t1 = time.perf_counter()
    res = arc.run(stimulus.heat(50.0, 20.0, 200.0), duration=400.0)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, res.reflex_latency


def hh_group(target, n=10_000, duration=100.0):
    t0 = time.perf_counter()
    sim = build_neuron_group("hh", n, dt=0.01, target=target, record=())
    res = sim.run(duration, stimulus=np.linspace(0.0, 50.0, n))
    return time.perf_counter() - t0, int(res.spike_counts.sum())


EXPREL_EQS = HH_EQUATIONS.replace(
    HH_EQUATIONS.split("alpha_m = ")[1].split("\n")[0],
    "1/exprel(x_m)/ms : Hz").replace(
    HH_EQUATIONS.split("alpha_n = ")[1].split("\n")[0], "0.1/exprel(x_n)/ms : Hz")


def exprel_trap(n, with_exprel, duration=20.0):
    p = neurosim.load_model("hodgkin_huxley_1952")
    ns = {"stim": b2.TimedArray(np.zeros((1, n)) * b2.uA / b2.cm**2, dt=0.01 * b2.ms)}
    eqs = EXPREL_EQS if with_exprel else HH_EQUATIONS
    with brian2_state("numpy"):
        g = b2.NeuronGroup(n, eqs, method="exponential_euler", namespace=ns, dt=0.01 * b2.ms,
                           name="hh")
        g.c_m, g.g_na, g.g_k, g.g_l = (p.c_m * b2.uF / b2.cm**2, p.g_na * b2.msiemens / b2.cm**2,
                                       p.g_k * b2.msiemens / b2.cm**2,
                                       p.g_l * b2.msiemens / b2.cm**2)
        g.e_na, g.e_k, g.e_l, g.v_offset = (p.e_na * b2.mV, p.e_k * b2.mV, p.e_l * b2.mV,
                                            p.v_offset * b2.mV)
        g.phi = 1.0
        v, m, h, nn = neurosim.hh_resting_state(p)
        g.v, g.m, g.h, g.n = v * b2.mV, m, h, nn
        g.I_const = np.linspace(0, 20, n) * b2.uA / b2.cm**2
        net = b2.Network(g)
        net.run(0.1 * b2.ms, namespace={})
        t0 = time.perf_counter()
        net.run(duration * b2.ms, namespace={})
    return time.perf_counter() - t0


def cross_check():
    currents = np.array([5.0, 10.0, 20.0])
    b2hh = build_neuron_group("hh", 3, dt=0.01).run(currents, 100.0)
    ours = neurosim.simulate_hh(currents, 100.0, dt=0.01, method="exp_euler")
    dv = float(np.max(np.abs(b2hh.v - ours.v[:-1])))
    lif_c = np.array([1.6, 2.0, 4.0])
    b2lif = build_neuron_group("lif", 3, dt=0.01).run(lif_c, 500.0)
    olif = neurosim.simulate_lif(lif_c, 500.0, dt=0.01)
    lags = [np.max(olif.spike_times[k] - b2lif.spike_times[k]) for k in range(3)]
    return dv, max(lags)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--standalone", action="store_true", help="add cpp_standalone (HH group)")
    ap.add_argument("--cython-reflex", action="store_true",
                    help="also build the reflex arc on cython (compiles ~40 code objects)")
    args = ap.parse_args(argv)
    print("1. Reflex arc, 400 ms at dt = 0.1 ms")
    targets = ["numpy"] + (["cython"] if args.cython_reflex else [])
    for target in targets:
        build, run, lat = reflex(target)
        print(f"   {target:8s} build {build:6.2f} s   run {run:6.2f} s   (reflex latency "
              f"{lat:.1f} ms)")
    # the same spec on neurosim's Numba engine (after one run that loads the compiled kernel)
    from neurosim.reflex import run_reflex_arc

    run_reflex_arc(stimulus.heat(50.0, 20.0, 200.0), duration=400.0)
    t0 = time.perf_counter()
    res = run_reflex_arc(stimulus.heat(50.0, 20.0, 200.0), duration=400.0)
    print(f"   numba engine       run {time.perf_counter() - t0:6.2f} s   (reflex latency "
          f"{res.reflex_latency:.1f} ms)")
    print("\n2. HH group, 10,000 neurons, 100 ms at dt = 0.01 ms (build + run, compile included)")
    hh_targets = ["numpy", "cython"] + (["cpp_standalone"] if args.standalone else [])
    for target in hh_targets:
        elapsed, spikes = hh_group(target)
        print(f"   {target:15s} {elapsed:7.2f} s   {1e8 / elapsed / 1e6:6.1f} M neuron-steps/s "
              f"({spikes} spikes)")
    print("\n3. The exprel trap, numpy target, 20 ms at dt = 0.01 ms")
    for n in (100, 1000):
        slow = exprel_trap(n, True)
        fast = exprel_trap(n, False)
        print(f"   N = {n:5d}: with exprel {slow:6.2f} s, neurosim's rates {fast:6.2f} s "
              f"({slow / fast:5.1f}x)")
    dv, lag = cross_check()
    print("\n4. Cross-check: Brian2 HH vs neurosim exp_euler, max |dV| = "
          f"{dv:.1e} mV over 100 ms; Brian2 LIF spikes lead the exact ones by at most {lag:.3f} ms"
          " over 500 ms at dt = 0.01 ms (grid-aligned spikes and refractory release)")


if __name__ == "__main__":
    main()
