"""LIF populations: neurosim beside Brian2, NEST and a C loop on the same work; and memory.

    python benchmarks/point_population.py
    python benchmarks/point_population.py --skip-standalone --skip-nest   # quicker

Work: 100,000 LIF neurons (the lecture neuron: tau_m 10 ms, R 10 MOhm, rest -70, threshold
-55, reset -75 mV, refractory 2 ms), 1 s at dt = 0.1 ms (1e9 neuron-steps), each neuron with its
own constant current, in two regimes: "firing" (1.4 to 2.0 nA: 0 to 55 Hz, mean 33 Hz) and
"quiet" (0 to 1.4 nA: below the 1.5-nA rheobase). 2 threads wherever the tool has threads.
Compilation is excluded (each tool is run once first, or reports its own run time). neurosim
and the C loops report the best of REPEATS runs (as ``kernels.py`` does); Brian2 and NEST one.

neurosim integrates exactly and times each spike inside its step; Brian2 ('exact' method)
and NEST (iaf_psc_delta) integrate exactly but put spikes on the grid; the C loops are
``c_reference.py``'s LIF (the same exact event handling as neurosim), vectorised and scalar.

Memory: peak resident memory of a spikes-only neurosim run of 1,000,000 LIF neurons for 1 s, in
a fresh process (target < 1 GiB).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import c_reference

THREADS = 2
N = 100_000
DURATION = 1000.0
DT = 0.1
P = {"v_rest": -70.0, "v_th": -55.0, "v_reset": -75.0, "tau_m": 10.0, "r_m": 10.0, "t_ref": 2.0}
REGIMES = {"firing": (1.4, 2.0), "quiet": (0.0, 1.4)}
REPEATS = 3


def bench_neurosim(currents):
    import numba

    import neurosim

    numba.set_num_threads(THREADS)
    neurosim.simulate_lif(currents[:5000], 10.0, dt=DT, record=("spikes",))
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = neurosim.simulate_lif(currents, DURATION, dt=DT, record=("spikes",))
        best = min(best, time.perf_counter() - t0)
    return best, int(res.spike_counts.sum())


def _brian2_group(b2, currents):
    eqs = "dv/dt = (v_rest - v + r_m*I)/tau_m : volt (unless refractory)\nI : amp (constant)"
    ns = {"v_rest": P["v_rest"] * b2.mV, "r_m": P["r_m"] * b2.Mohm, "tau_m": P["tau_m"] * b2.ms}
    g = b2.NeuronGroup(currents.size, eqs, threshold=f"v > {P['v_th']}*mV",
                       reset=f"v = {P['v_reset']}*mV", refractory=P["t_ref"] * b2.ms,
                       method="exact", namespace=ns, name="lif")
    g.v = P["v_rest"] * b2.mV
    g.I = currents * b2.nA
    return g


def bench_brian2_cython(currents):
    import brian2 as b2

    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = DT * b2.ms
    g = _brian2_group(b2, currents)
    mon = b2.SpikeMonitor(g, name="spikes")
    net = b2.Network(g, mon)
    net.run(1 * b2.ms, namespace={})
    t0 = time.perf_counter()
    net.run(DURATION * b2.ms, namespace={})
    return time.perf_counter() - t0, int(mon.num_spikes)


def bench_brian2_standalone(currents, threads):
    import brian2 as b2

    b2.set_device("cpp_standalone", build_on_run=False)
    b2.device.reinit()
    b2.device.activate(build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = DT * b2.ms
    g = _brian2_group(b2, currents)
    mon = b2.SpikeMonitor(g, name="spikes")
    net = b2.Network(g, mon)
    net.run(DURATION * b2.ms, namespace={})
    with tempfile.TemporaryDirectory() as d:
        b2.device.build(directory=d, compile=True, run=True)
        elapsed = b2.device._last_run_time
        spikes = int(mon.num_spikes)
    b2.device.reinit()
    b2.set_device("runtime")
    return elapsed, spikes


def bench_nest(currents):
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"local_num_threads": THREADS, "resolution": DT})
    c_m = P["tau_m"] / P["r_m"] * 1000.0  # pF: tau / R
    pop = nest.Create("iaf_psc_delta", currents.size,
                      params={"E_L": P["v_rest"], "V_th": P["v_th"], "V_reset": P["v_reset"],
                              "tau_m": P["tau_m"], "C_m": c_m, "t_ref": P["t_ref"],
                              "V_m": P["v_rest"]})
    pop.set({"I_e": list(currents * 1000.0)})  # pA
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    nest.Simulate(1.0)
    t0 = time.perf_counter()
    nest.Simulate(DURATION)
    return time.perf_counter() - t0, int(rec.n_events)


def bench_c(lo, hi, variant):
    """``c_reference``'s LIF loop (exact spike times, as neurosim) on the same currents."""
    runs = [c_reference.run("lif", N, round(DURATION / DT), DT, P["r_m"] * lo, P["r_m"] * hi,
                            THREADS, variant) for _ in range(REPEATS)]
    return min(r[0] for r in runs), runs[0][1]


# VmHWM (peak resident set of this process image) rather than ru_maxrss, which Linux carries
# over from the parent at fork and across exec: a big parent would inflate the child's number.
MEMORY_PROBE = textwrap.dedent("""
    import numpy as np, neurosim
    res = neurosim.simulate_lif(np.linspace(1.4, 2.0, 1_000_000), 1000.0, record=("spikes",))
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
    print(int(res.spike_counts.sum()), int(hwm.split()[1]))
""")


def memory_probe():
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE], capture_output=True, text=True,
                         check=True)
    spikes, kib = out.stdout.split()
    return int(spikes), int(kib) / 1024 / 1024  # GiB


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-brian2", action="store_true")
    ap.add_argument("--skip-standalone", action="store_true")
    ap.add_argument("--skip-nest", action="store_true")
    ap.add_argument("--skip-c", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args(argv)
    work = N * round(DURATION / DT)
    print(f"LIF, {N} neurons, {DURATION:g} ms at dt = {DT} ms ({work:.0e} neuron-steps), "
          f"{THREADS} threads; neuron-steps per second\n")
    for regime, (lo, hi) in REGIMES.items():
        currents = np.linspace(lo, hi, N)
        runs = {"neurosim": lambda c=currents: bench_neurosim(c)}
        if not args.skip_c:
            runs["C loop, vectorised (2 OpenMP)"] = lambda lo=lo, hi=hi: bench_c(lo, hi, "simd")
            runs["C loop, scalar (2 OpenMP)"] = lambda lo=lo, hi=hi: bench_c(lo, hi, "scalar")
        if not args.skip_brian2:
            runs["Brian2 cython (1 thread)"] = lambda c=currents: bench_brian2_cython(c)
            if not args.skip_standalone:
                runs["Brian2 cpp_standalone (1 thread)"] = (
                    lambda c=currents: bench_brian2_standalone(c, 0))
                runs["Brian2 cpp_standalone (2 OpenMP)"] = (
                    lambda c=currents: bench_brian2_standalone(c, THREADS))
        if not args.skip_nest:
            runs["NEST iaf_psc_delta (2 threads)"] = lambda c=currents: bench_nest(c)
        rates = {}
        print(f"{regime} ({lo:g} to {hi:g} nA)")
        for name, fn in runs.items():
            try:
                elapsed, spikes = fn()
            except Exception as exc:  # a missing tool should not hide the others
                print(f"  {name:36s} failed: {type(exc).__name__}: {exc}")
                continue
            rates[name] = work / elapsed
            ratio = "" if name == "neurosim" else \
                f"neurosim is {rates['neurosim'] / rates[name]:5.2f}x this"
            print(f"  {name:36s} {rates[name]:9.3g}  ({spikes} spikes)  {ratio}")
        print()
    if not args.skip_memory:
        spikes, gib = memory_probe()
        print(f"Memory: 1,000,000 LIF neurons, 1 s, spikes only ({spikes} spikes): peak RSS "
              f"{gib:.2f} GiB (target < 1 GiB)")


if __name__ == "__main__":
    main()
