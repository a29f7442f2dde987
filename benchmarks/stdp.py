"""STDP: the pairing-protocol sweep and the Song, Miller & Abbott (2000) experiment, Numba
against Brian2.

    python benchmarks/stdp.py                  # numpy 10 s (extrapolated) and cython 100 s
    python benchmarks/stdp.py --seconds 400    # the long run of the Song experiment

1. STDP window: 41 delays x 60 pairs, Numba engine (compile excluded), and the same protocol
   in Brian2 (numpy target: 41 runs of a spike-generator pair).
2. Song, Miller & Abbott (2000): 1,000 Poisson inputs, one neuron, additive STDP, simulated
   seconds as given: neurosim's Numba path, Brian2 numpy (a 10-s run, extrapolated) and Brian2
   cython (compilation reported separately). Prints the share of weights within 10 % of a
   bound (uniform start: about 20 %).
"""

from __future__ import annotations

import argparse
import time

import brian2 as b2
import numpy as np

import neurosim
from neurosim.networks import build_song_abbott_2000, build_stdp_synapses
from neurosim.plasticity import song_abbott_2000, stdp_window


def near_bound(w):
    return float(((w < 0.1) | (w > 0.9)).mean())


def brian2_window():
    """The same protocol in one Brian2 network: 41 one-to-one synapses, one per delay."""
    delays = np.arange(-100, 101, 5)
    base = 1000.0 * np.arange(60) + 500.0
    pre_i = np.repeat(np.arange(delays.size), base.size)
    pre_t = np.tile(base, delays.size)
    post_t = (pre_t.reshape(delays.size, -1) + delays[:, None]).ravel()
    b2.prefs.codegen.target = "numpy"
    t0 = time.perf_counter()
    pre = b2.SpikeGeneratorGroup(delays.size, pre_i, pre_t * b2.ms, dt=0.1 * b2.ms, name="pre")
    post = b2.SpikeGeneratorGroup(delays.size, pre_i, post_t * b2.ms, dt=0.1 * b2.ms,
                                  name="post")
    syn = build_stdp_synapses(pre, post, w0=0.5, connect={"j": "i"}, dt=0.1)
    net = b2.Network(pre, post, syn)
    net.run(60.5 * b2.second, namespace={})
    return time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=100.0)
    args = ap.parse_args(argv)

    stdp_window()
    t0 = time.perf_counter()
    stdp_window()
    t_numba = time.perf_counter() - t0
    t_brian = brian2_window()
    print(f"1. STDP window, 41 delays x 60 pairs: Numba {t_numba * 1000:.1f} ms, Brian2 numpy "
          f"(one network, 41 synapses, 60.5 s) {t_brian:.1f} s ({t_brian / t_numba:.0f}x)",
          flush=True)

    s = args.seconds
    song_abbott_2000(1.0)
    t0 = time.perf_counter()
    res = song_abbott_2000(s)
    t_nb = time.perf_counter() - t0
    print(f"\n2. Song, Miller & Abbott (2000), {s:g} s simulated:")
    print(f"   neurosim (Numba)        {t_nb:7.2f} s   near a bound: "
          f"{100 * res.bimodal_fraction[0]:.0f} % -> {100 * res.bimodal_fraction[-1]:.0f} %, "
          f"output {res.output_rate:.1f} Hz", flush=True)
    # the same experiment as a network spec (models/networks/song_abbott_2000.toml) on the
    # network engine: plastic synapses, a Poisson source population
    spec = neurosim.load_network("song_abbott_2000")
    spec.run(1000.0, seed=0)
    t0 = time.perf_counter()
    w = spec.run(s * 1000.0, seed=0).weights["stdp"] / spec.w_max(spec.projections[0])
    t_spec = time.perf_counter() - t0
    print(f"   neurosim network spec   {t_spec:7.2f} s   near a bound: "
          f"{100 * near_bound(w):.0f} % at the end", flush=True)
    net = build_song_abbott_2000(target="numpy")
    t0 = time.perf_counter()
    net.run(10.0)
    t_np = time.perf_counter() - t0
    print(f"   Brian2 numpy            {t_np * s / 10:7.1f} s   (10 s run took {t_np:.1f} s, "
          "extrapolated)", flush=True)
    net = build_song_abbott_2000(target="cython")
    t0 = time.perf_counter()
    net.run(0.01)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    w, spikes = net.run(s)
    t_cy = time.perf_counter() - t0
    rate = np.count_nonzero(spikes >= 0.8 * s * 1000.0) / (0.2 * s)
    print(f"   Brian2 cython           {t_cy:7.2f} s   (+{t_compile:.1f} s compiling) near a "
          f"bound: {100 * near_bound(w):.0f} %, output {rate:.1f} Hz")
    print(f"   neurosim is {t_cy / t_nb:.0f}x Brian2 cython and {t_np * s / 10 / t_nb:.0f}x "
          "Brian2 numpy")


if __name__ == "__main__":
    main()
