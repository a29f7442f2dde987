"""Recurrent networks: neurosim's Numba engine beside Brian2 cpp_standalone and NEST on the
same graphs; a scaling table with peak memory.

    python benchmarks/networks.py
    python benchmarks/networks.py --skip-nest --skip-scaling     # quicker

Work, 1 s of simulated time at dt = 0.1 ms, 2 threads wherever the tool has threads:

- COBA and CUBA, the Vogels-Abbott benchmark networks of Brette et al. (2007) as in neurosim's
  catalog (4,000 LIF neurons, p = 0.02, about 320,000 synapses, no external input);
- Brunel (2000) in the AI state: 12,500 delta-synapse LIF neurons, 1,250 inputs each
  (15.6 M synapses, D = 1.5 ms) and 1,000 Poisson inputs per neuron.

Every tool is given the graph neurosim drew (the same pre/post indices, weights and delays);
the Brian2 models are written the way Brian2's own examples write them (built-in
refractoriness, default schedule); NEST runs through neurosim's NEST engine
(``engine="nest"``: iaf_cond_exp, iaf_psc_exp and iaf_psc_delta with poisson_generator).
Reported: run time (best of 3 for neurosim; Brian2 cpp_standalone's own
measure of its run, without code generation and compilation; NEST's Simulate), the rate, and
synaptic events per second beside neuron-steps per second. "Fresh process" is the wall time of
a new Python process that imports the tool, builds the network and runs it (neurosim with its
Numba cache warm; Brian2 cpp_standalone generating and compiling its code, as it does for
every new network).

Scaling: Brunel's AI state at 12,500, 50,000 and 100,000 neurons with the in-degree held
(C_E = 1,000, C_I = 250), each in a fresh process: time, peak resident memory, and bytes per
synapse of the engine's synapse storage and of the whole process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

THREADS = 2
DURATION = 1000.0
REPEATS = 3
NETWORKS = ("vogels_abbott_coba", "vogels_abbott_cuba", "brunel_2000")


def load(name):
    import neurosim

    return neurosim.load_network(name)


def bench_neurosim(net, conn):
    import numba

    numba.set_num_threads(THREADS)
    net.run(10.0, seed=1, connectivity=conn)  # load the compiled kernel
    best, res = float("inf"), None
    for _ in range(REPEATS):
        res = net.run(DURATION, seed=1, connectivity=conn)
        best = min(best, res.timings["run"])
    return best, {p: res.rate(p) for p in res.spike_times}


FRESH_NEUROSIM = textwrap.dedent("""
    import time, sys
    t0 = time.perf_counter()
    import neurosim
    net = neurosim.load_network(sys.argv[1])
    res = net.run({duration}, seed=1)
    print(time.perf_counter() - t0)
""")


def fresh_neurosim(name):
    code = FRESH_NEUROSIM.format(duration=DURATION)
    subprocess.run([sys.executable, "-c", code, name], check=True, capture_output=True)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, name], check=True, capture_output=True,
                         text=True)
    return time.perf_counter() - t0, float(out.stdout.split()[-1])


def _brian2_objects(b2, net, conn):
    """The spec as Brian2's examples would write it (built-in refractoriness, default
    schedule), on neurosim's drawn graph."""
    ports = net.ports()
    ident = {name: f"s{k}" for k, name in enumerate(ports)}
    groups, objs, mons = {}, [], {}
    from neurosim.networks._spec import port_equations

    for pop in net.neurons:
        mine, terms, eqs = port_equations(ports, ident, pop.name)
        p = conn.params[pop.name]
        const = {k: float(p[k][0]) for k in ("v_rest", "r_m", "v_th", "v_reset", "tau_m",
                                             "t_ref")}
        drive = " + ".join(terms) if terms else "0 * amp"
        model = (f"dv/dt = ({const['v_rest']!r} * mV - v + {const['r_m']!r} * Mohm * "
                 f"({drive})) / ({const['tau_m']!r} * ms) : volt (unless refractory)\n"
                 + "\n".join(eqs))
        cond = any(pt[0] == "exp_conductance" for _, pt in mine)
        g = b2.NeuronGroup(pop.size, model, threshold=f"v >= {const['v_th']!r} * mV",
                           reset=f"v = {const['v_reset']!r} * mV",
                           refractory=const["t_ref"] * b2.ms,
                           method="exponential_euler" if cond else "exact",
                           name=f"pop_{pop.name}", namespace={})
        g.v = conn.v0[pop.name] * b2.mV
        for n, values in conn.syn0.get(pop.name, {}).items():
            unit = b2.nA if ports[n][0] == "exp_current" else b2.nS
            setattr(g, ident[n], values * unit)
        groups[pop.name] = g
        mons[pop.name] = b2.SpikeMonitor(g, name=f"spikes_{pop.name}")
        objs += [g, mons[pop.name]]
    for k, (proj, pre, post, w, d) in enumerate(zip(net.projections, conn.pre, conn.post,
                                                    conn.weight, conn.delay, strict=True)):
        if proj.synapse == "delta":
            on_pre, unit = "v_post += w", b2.mV
            model = "w : volt"
        else:
            x = ident[proj.port_name]
            unit = b2.nA if proj.synapse == "exp_current" else b2.nS
            model = f"w : {'amp' if proj.synapse == 'exp_current' else 'siemens'}"
            on_pre = f"{x}_post += w"
        syn = b2.Synapses(groups[proj.pre], groups[proj.post], model, on_pre=on_pre,
                          name=f"proj{k}", namespace={})
        syn.connect(i=np.asarray(pre), j=np.asarray(post))
        syn.w = np.asarray(w, dtype=np.float64) * unit
        syn.delay = float(np.asarray(d).flat[0]) * b2.ms if np.ptp(d) == 0 else d * b2.ms
        objs.append(syn)
    for inp in net.inputs:
        objs.append(b2.PoissonInput(groups[inp.target], "v", int(inp.count),
                                    float(inp.rate) * b2.Hz,
                                    weight=f"{float(inp.weight)!r} * mV"))
    return objs, mons


def bench_brian2(net, conn, threads=THREADS):
    import brian2 as b2

    directory = tempfile.mkdtemp(prefix="bench_brian2_")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.device.reinit()
    b2.device.activate(directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.defaultclock.dt = net.dt * b2.ms
    b2.seed(1)
    t0 = time.perf_counter()
    objs, mons = _brian2_objects(b2, net, conn)
    network = b2.Network(*objs)
    network.run(DURATION * b2.ms, namespace={})
    b2.device.build(directory=directory, compile=True, run=True)
    total = time.perf_counter() - t0
    elapsed = float(b2.device._last_run_time)
    rates = {p: mons[p].num_spikes / (net.population(p).size * DURATION / 1000.0)
             for p in mons}
    b2.device.reinit()
    b2.set_device("runtime")
    return elapsed, rates, total


def bench_nest(net, conn):
    # neurosim's NEST engine: the same graph as NEST's own models (iaf_cond_exp, iaf_psc_exp,
    # iaf_psc_delta, poisson_generator); its run time is NEST's Simulate alone
    res = net.run(DURATION, seed=1, connectivity=conn, engine="nest", n_threads=THREADS)
    return res.timings["run"], {p: res.rate(p) for p in res.spike_times}


SCALING_PROBE = textwrap.dedent("""
    import json, sys, time, numba, neurosim
    numba.set_num_threads({threads})
    n_e = int(sys.argv[1])
    net = neurosim.load_network("brunel_2000", N_E=n_e, N_I=n_e // 4, epsilon=1000.0 / n_e)
    t0 = time.perf_counter()
    res = net.run({duration}, seed=1)
    wall = time.perf_counter() - t0
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
    print(json.dumps({{"wall": wall, "run": res.timings["run"], "rate": res.rate("E"),
                      "synapses": res.connectivity.n_synapses,
                      "hwm_kib": int(hwm.split()[1])}}))
""")


def scaling(n_e):
    code = SCALING_PROBE.format(threads=THREADS, duration=DURATION)
    out = subprocess.run([sys.executable, "-c", code, str(n_e)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def _events(net, conn, rates):
    """Synaptic events delivered per simulated second: spikes times out-degree, summed over
    projections, plus the Poisson input spikes."""
    total = 0.0
    for proj, pre in zip(net.projections, conn.pre, strict=True):
        total += rates.get(proj.pre, 0.0) * pre.size
    for inp in net.inputs:
        total += inp.rate * inp.count * net.population(inp.target).size
    return total * DURATION / 1000.0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-brian2", action="store_true")
    ap.add_argument("--skip-nest", action="store_true")
    ap.add_argument("--skip-fresh", action="store_true")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--networks", nargs="*", default=list(NETWORKS))
    args = ap.parse_args(argv)
    print(f"1 s at dt = 0.1 ms, {THREADS} threads; run times in s\n")
    for name in args.networks:
        net = load(name)
        conn = net.connectivity(1)
        n = sum(p.size for p in net.neurons)
        steps = n * round(DURATION / net.dt)
        print(f"{name}: {n} neurons, {conn.n_synapses} synapses")
        t_ns, rates = bench_neurosim(net, conn)
        events = _events(net, conn, rates)
        print(f"  neurosim (Numba)               {t_ns:7.3f}   rates "
              + ", ".join(f"{p} {r:.1f} Hz" for p, r in rates.items())
              + f"   {steps / t_ns:.3g} neuron-steps/s, {events / t_ns:.3g} events/s")
        if not args.skip_fresh:
            wall, inner = fresh_neurosim(name)
            print(f"  neurosim, fresh process        {wall:7.3f}   (import + draw + build + run: "
                  f"{inner:.3f})")
        if not args.skip_brian2:
            for threads in (1, THREADS):  # Brian2's OpenMP does not always pay on 2 cores
                try:
                    t_b, r_b, total = bench_brian2(net, conn, threads)
                except Exception as exc:  # a missing compiler should not hide the rest
                    print(f"  Brian2 cpp_standalone failed: {type(exc).__name__}: {exc}")
                    continue
                fresh = f" ({total / wall:.1f}x neurosim's fresh process)" \
                    if not args.skip_fresh else ""
                print(f"  Brian2 cpp_standalone, {threads} thr {t_b:7.3f}   rates "
                      + ", ".join(f"{p} {r:.1f} Hz" for p, r in r_b.items())
                      + f"   neurosim {t_b / t_ns:.2f}x faster; build + compile + run "
                      f"{total:.1f} s{fresh}")
        if not args.skip_nest:
            try:
                t_n, r_n = bench_nest(net, conn)
                print(f"  NEST 3 ({THREADS} threads)             {t_n:7.3f}   rates "
                      + ", ".join(f"{p} {r:.1f} Hz" for p, r in r_n.items())
                      + f"   neurosim {t_n / t_ns:.2f}x faster")
            except Exception as exc:
                print(f"  NEST failed: {type(exc).__name__}: {exc}")
        print()
    if not args.skip_scaling:
        print("Brunel AI, C_E = 1,000, C_I = 250, 1 s, fresh process each "
              "(engine storage: 10 B a synapse)")
        print(f"  {'neurons':>8s} {'synapses':>12s} {'run s':>7s} {'wall s':>7s} "
              f"{'rate Hz':>8s} {'peak GiB':>9s} {'B/synapse (process)':>20s}")
        for n_e in (10_000, 40_000, 80_000):
            r = scaling(n_e)
            gib = r["hwm_kib"] / 1024 ** 2
            print(f"  {n_e * 5 // 4:8d} {r['synapses']:12d} {r['run']:7.2f} {r['wall']:7.2f} "
                  f"{r['rate']:8.1f} {gib:9.2f} {r['hwm_kib'] * 1024 / r['synapses']:20.1f}")


if __name__ == "__main__":
    main()
