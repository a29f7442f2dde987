"""Hodgkin-Huxley populations: neurosim beside Brian2 and NEURON on the same work.

    python benchmarks/hh_population.py                 # everything (several minutes)
    python benchmarks/hh_population.py --skip-standalone --sizes 1000

Part 1, throughput: N uncoupled HH neurons (1,000 and 10,000), each with its own constant
current from 0 to 50 uA/cm^2, 100 ms at dt = 0.01 ms, 2 threads where the tool has threads.
Prints neuron-steps per second and ratios. Compilation is excluded everywhere (each tool runs
once to warm up; Brian2 standalone reports its own run time).

Part 2, work-precision: 1,000 neurons (10 currents from 3 to 50 uA/cm^2, 100 copies each),
100 ms; the spike-time error is the largest difference, over the 10 currents, from a DOP853
reference (rtol = atol = 1e-10), with crossings of 0 mV interpolated from the V trace for
Brian2. Brian2's exponential Euler is first order, so the dt it needs for 0.01 ms is found by
extrapolating its measured error (error proportional to dt) and its time (proportional to 1/dt).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

import neurosim

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

THREADS = 2
DURATION = 100.0


def _neurosim_run(currents, dt, method, record=("spikes",)):
    return neurosim.simulate_hh(currents, DURATION, dt=dt, method=method, record=record,
                                progress=False)


def bench_neurosim(n, dt, method):
    currents = np.linspace(0.0, 50.0, n)
    _neurosim_run(currents[:256], dt, method)  # compile / load cache
    t0 = time.perf_counter()
    _neurosim_run(currents, dt, method)
    return time.perf_counter() - t0


HH_EQS = """
dv/dt = (I - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL)) / Cm : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dh/dt = alphah*(1 - h) - betah*h : 1
dn/dt = alphan*(1 - n) - betan*n : 1
alpham = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
betam = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
alphah = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
betah = 1/(exp(-(v + 35*mV)/(10*mV)) + 1)/ms : Hz
alphan = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
betan = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
I : amp/meter**2 (constant)
"""


def _brian2_group(b2, currents, p, v0, gates):
    ns = {"Cm": p.c_m * b2.uF / b2.cm**2, "gNa": p.g_na * b2.msiemens / b2.cm**2,
          "gK": p.g_k * b2.msiemens / b2.cm**2, "gL": p.g_l * b2.msiemens / b2.cm**2,
          "ENa": p.e_na * b2.mV, "EK": p.e_k * b2.mV, "EL": p.e_l * b2.mV}
    g = b2.NeuronGroup(len(currents), HH_EQS, method="exponential_euler", namespace=ns,
                       name="hh")
    g.v = v0 * b2.mV
    g.m, g.h, g.n = gates
    g.I = currents * b2.uA / b2.cm**2
    return g


def bench_brian2_runtime(n_neurons, dt, target):
    import brian2 as b2

    b2.prefs.codegen.target = target
    p = neurosim.load_model("hodgkin_huxley_1952")
    v0, m0, h0, n0 = neurosim.hh_resting_state(p)
    b2.defaultclock.dt = dt * b2.ms
    g = _brian2_group(b2, np.linspace(0.0, 50.0, n_neurons), p, v0, (m0, h0, n0))
    net = b2.Network(g)
    net.run(1 * b2.ms, namespace={})  # compile
    t0 = time.perf_counter()
    net.run(DURATION * b2.ms, namespace={})
    return time.perf_counter() - t0


def bench_brian2_standalone(n_neurons, dt, threads):
    import brian2 as b2

    b2.set_device("cpp_standalone", build_on_run=False)
    b2.device.reinit()
    b2.device.activate(build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    p = neurosim.load_model("hodgkin_huxley_1952")
    v0, m0, h0, n0 = neurosim.hh_resting_state(p)
    b2.defaultclock.dt = dt * b2.ms
    g = _brian2_group(b2, np.linspace(0.0, 50.0, n_neurons), p, v0, (m0, h0, n0))
    net = b2.Network(g)
    net.run(DURATION * b2.ms, namespace={})
    with tempfile.TemporaryDirectory() as d:
        b2.device.build(directory=d, compile=True, run=True)
        elapsed = b2.device._last_run_time
    b2.device.reinit()
    b2.set_device("runtime")
    return elapsed


def bench_neuron(n, dt, threads):
    from neuron import h

    h.load_file("stdrun.hoc")
    p = neurosim.load_model("hodgkin_huxley_1952")
    v0 = neurosim.hh_resting_state(p)[0]
    secs, stims = [], []
    diam = float(np.sqrt(1e5 / np.pi))  # 1e5 um^2: 1 nA = 1 uA/cm^2
    for k, cur in enumerate(np.linspace(0.0, 50.0, n)):
        s = h.Section(name=f"s{k}")
        s.L = s.diam = diam
        s.insert("hh")
        s(0.5).hh.el = p.e_l
        stim = h.IClamp(s(0.5))
        stim.delay, stim.dur, stim.amp = 0.0, 1e9, float(cur)
        secs.append(s)
        stims.append(stim)
    pc = h.ParallelContext()
    pc.nthread(threads)
    h.dt = dt
    h.celsius = 6.3
    h.finitialize(v0)
    h.continuerun(1.0)
    h.finitialize(v0)
    t0 = time.perf_counter()
    h.continuerun(DURATION)
    elapsed = time.perf_counter() - t0
    pc.nthread(1)
    for s in secs:
        h.delete_section(sec=s)
    return elapsed


# ---------------------------------------------------------------- work-precision

WP_CURRENTS = np.array([3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0])
WP_COPIES = 100


def reference_spikes():
    from reference import hh_spike_times_reference

    p = neurosim.load_model("hodgkin_huxley_1952")
    v0 = neurosim.hh_resting_state(p)[0]
    return [hh_spike_times_reference(c, DURATION, p, v0) for c in WP_CURRENTS]


def _max_error(spikes, refs):
    worst = 0.0
    for got, ref in zip(spikes, refs, strict=True):
        if got.size != ref.size:
            return float("inf")
        if ref.size:
            worst = max(worst, float(np.max(np.abs(got - ref))))
    return worst


def wp_neurosim(method, dt, refs):
    currents = np.repeat(WP_CURRENTS, WP_COPIES)
    _neurosim_run(currents[:10], dt, method)
    t0 = time.perf_counter()
    res = _neurosim_run(currents, dt, method)
    elapsed = time.perf_counter() - t0
    spikes = [res.spike_times[k * WP_COPIES] for k in range(WP_CURRENTS.size)]
    return _max_error(spikes, refs), elapsed


def wp_brian2(dt, refs):
    import brian2 as b2

    b2.prefs.codegen.target = "cython"
    p = neurosim.load_model("hodgkin_huxley_1952")
    v0, m0, h0, n0 = neurosim.hh_resting_state(p)
    b2.defaultclock.dt = dt * b2.ms
    g = _brian2_group(b2, np.repeat(WP_CURRENTS, WP_COPIES), p, v0, (m0, h0, n0))
    mon = b2.StateMonitor(g, "v", record=list(range(0, WP_CURRENTS.size * WP_COPIES, WP_COPIES)),
                          name="vmon")
    net = b2.Network(g, mon)
    net.run(0 * b2.ms, namespace={})
    t0 = time.perf_counter()
    net.run(DURATION * b2.ms, namespace={})
    elapsed = time.perf_counter() - t0
    t = np.asarray(mon.t / b2.ms)
    spikes = [neurosim.analysis.detect_spikes(t, np.asarray(mon.v[k] / b2.mV))
              for k in range(WP_CURRENTS.size)]
    return _max_error(spikes, refs), elapsed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--dt", type=float, default=0.01)
    ap.add_argument("--skip-standalone", action="store_true")
    ap.add_argument("--skip-neuron", action="store_true")
    ap.add_argument("--skip-brian2", action="store_true")
    ap.add_argument("--skip-wp", action="store_true", help="skip the work-precision table")
    args = ap.parse_args(argv)
    numba.set_num_threads(THREADS)
    os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
    dt = args.dt
    steps = round(DURATION / dt)
    print(f"HH population, {DURATION:g} ms at dt = {dt:g} ms ({steps} steps), "
          f"{THREADS} threads; neuron-steps per second (M = 1e6)\n")
    for n in args.sizes:
        work = n * steps
        timings = {
            "neurosim exp_euler": lambda n=n: bench_neurosim(n, dt, "exp_euler"),
            "neurosim rk4 (same dt)": lambda n=n: bench_neurosim(n, dt, "rk4"),
        }
        if not args.skip_brian2:
            timings["Brian2 cython (1 thread)"] = lambda n=n: bench_brian2_runtime(n, dt, "cython")
            if not args.skip_standalone:
                timings[f"Brian2 cpp_standalone ({THREADS} OpenMP)"] = (
                    lambda n=n: bench_brian2_standalone(n, dt, THREADS))
        if not args.skip_neuron:
            timings[f"NEURON ({THREADS} threads)"] = lambda n=n: bench_neuron(n, dt, THREADS)
        results = {}
        for name, fn in timings.items():
            try:
                elapsed = fn()
            except Exception as exc:  # a missing tool should not hide the others
                print(f"  {name}: failed ({type(exc).__name__}: {exc})")
                continue
            results[name] = work / elapsed
        base = results.get("neurosim exp_euler")
        print(f"N = {n}")
        for name, rate in results.items():
            note = ""
            if base and name != "neurosim exp_euler":
                note = f"neurosim exp_euler is {base / rate:5.2f}x this"
            print(f"  {name:34s} {rate / 1e6:8.1f} M   {note}")
        print()

    if args.skip_wp:
        return
    print("Work-precision: 1,000 neurons, 100 ms; error = max |spike time - DOP853 reference|")
    refs = reference_spikes()
    print(f"  {'method':28s} {'dt (ms)':>8s} {'error (ms)':>11s} {'time (s)':>9s}")
    table = []
    for method, dts in (("rk4", (0.05, 0.025, 0.01)), ("exp_euler", (0.01, 0.005, 0.001))):
        for d in dts:
            err, el = wp_neurosim(method, d, refs)
            table.append((f"neurosim {method}", d, err, el))
    if not args.skip_brian2:
        for d in (0.01, 0.005, 0.0025):
            err, el = wp_brian2(d, refs)
            table.append(("Brian2 exp. Euler (cython)", d, err, el))
    for name, d, err, el in table:
        print(f"  {name:28s} {d:8.4f} {err:11.2e} {el:9.3f}")
    b2rows = [r for r in table if r[0].startswith("Brian2")]
    if b2rows:
        _, d_b, e_b, t_b = b2rows[-1]
        d_need = d_b * 0.01 / e_b
        t_need = t_b * d_b / d_need
        fast = [r for r in table if r[0] == "neurosim rk4" and r[2] <= 0.01]
        best = min(fast, key=lambda r: r[3])
        print(f"\n  Brian2 needs dt ~ {d_need:.2g} ms for 0.01 ms (error proportional to dt), "
              f"~{t_need:.0f} s (time proportional to 1/dt)")
        print(f"  neurosim rk4 reaches {best[2]:.1e} ms at dt = {best[1]} in {best[3]:.3f} s: "
              f"{t_need / best[3]:.0f}x less time for at least the same precision")


if __name__ == "__main__":
    main()
