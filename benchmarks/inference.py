"""Simulation-based inference of HH conductances: simulation speed and posterior accuracy.

    python benchmarks/inference.py                 # everything (~6 min on 2 cores)
    python benchmarks/inference.py --skip-fit      # simulation speed only (~2 min)

Part 1, speed: the simulator of sbi's Hodgkin-Huxley tutorial (Pospischil et al.'s neuron with
an M current, 120 ms at dt = 0.01 ms, a step from 10 to 110 ms, current noise, seven summary
features) written as that tutorial writes it: a Python loop over time steps with scalar numpy
arithmetic, one simulation per call, its features computed from the trace afterwards. The same
work in neurosim: ``inference.HHSimulator.features`` on a batch, 13 features computed as the
trace is made, 2 threads. Prints simulations per second, the ratio, and neurosim's time for
10,000 and 100,000 simulations.

Part 2, accuracy: NPE (a masked autoregressive flow, sbi 0.27) trained on 10,000 neurosim
simulations from the tutorial's prior (g_na in [0.5, 80], g_kd in [1e-4, 15] mS/cm^2), then
20 held-out synthetic traces (prior draws that spike): the relative error of the posterior mean
per parameter and how often the 90 % central interval holds the truth; the same over 200 for
the expected-coverage curve.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from neurosim import inference


def python_loop_simulator(g_na, g_kd, seed, dt=0.01, duration=120.0, t_on=10.0, t_off=110.0):
    """The reference: sbi's tutorial's way of simulating, in its style: a Python loop over
    time steps calling numpy on scalars (np.exp, np.abs), the state kept in arrays, the rates
    as small functions (exponential Euler on V, then each gate relaxed to its steady state at
    the new V), with Goncalves et al.'s fixed values. Returns the trace."""
    rng = np.random.RandomState(seed)
    g_l, g_m, tau_max, v_t, noise = 0.1, 0.07, 600.0, -60.0, 0.1
    e_l, c, e_na, e_k = -70.0, 1.0, 53.0, -107.0
    t = np.arange(0, duration + dt, dt)
    current = np.zeros_like(t)
    current[round(t_on / dt):round(t_off / dt)] = 5e-4 / (np.pi * (70e-4) ** 2)

    def inv(z):
        return 1.0 - z / 2.0 if np.abs(z) < 1e-4 else z / (np.exp(z) - 1.0)

    def a_m(v):
        return 0.32 * inv(-0.25 * (v - v_t - 13.0)) / 0.25

    def b_m(v):
        return 0.28 * inv(0.2 * (v - v_t - 40.0)) / 0.2

    def a_h(v):
        return 0.128 * np.exp(-(v - v_t - 17.0) / 18.0)

    def b_h(v):
        return 4.0 / (1.0 + np.exp(-0.2 * (v - v_t - 40.0)))

    def a_n(v):
        return 0.032 * inv(-0.2 * (v - v_t - 15.0)) / 0.2

    def b_n(v):
        return 0.5 * np.exp(-(v - v_t - 10.0) / 40.0)

    def p_inf(v):
        return 1.0 / (1.0 + np.exp(-0.1 * (v + 35.0)))

    def tau_p(v):
        return tau_max / (3.3 * np.exp(0.05 * (v + 35.0)) + np.exp(-0.05 * (v + 35.0)))

    v, m, h, n, p = (np.zeros_like(t) for _ in range(5))
    v[0] = -70.0
    m[0] = a_m(v[0]) / (a_m(v[0]) + b_m(v[0]))
    h[0] = a_h(v[0]) / (a_h(v[0]) + b_h(v[0]))
    n[0] = a_n(v[0]) / (a_n(v[0]) + b_n(v[0]))
    p[0] = p_inf(v[0])
    for i in range(1, t.size):
        g_tot = (m[i - 1] ** 3 * g_na * h[i - 1] + n[i - 1] ** 4 * g_kd + g_l
                 + g_m * p[i - 1]) / c
        v_inf = (m[i - 1] ** 3 * g_na * h[i - 1] * e_na + n[i - 1] ** 4 * g_kd * e_k
                 + g_l * e_l + g_m * p[i - 1] * e_k + current[i - 1]
                 + noise * rng.randn() / dt**0.5) / (g_tot * c)
        v[i] = v_inf + (v[i - 1] - v_inf) * np.exp(-dt * g_tot)
        x = v[i]
        for gate, alpha, beta in ((m, a_m, b_m), (h, a_h, b_h), (n, a_n, b_n)):
            a, b = alpha(x), beta(x)
            gate[i] = a / (a + b) + (gate[i - 1] - a / (a + b)) * np.exp(-dt * (a + b))
        p[i] = p_inf(x) + (p[i - 1] - p_inf(x)) * np.exp(-dt / tau_p(x))
    return v


def tutorial_features(v, dt=0.01, t_on=10.0, t_off=110.0):
    """The tutorial's seven features of one trace (spike count, resting mean and SD, and
    the mean, SD, skewness and kurtosis in the step)."""
    t = np.arange(v.size) * dt
    above = (v[:-1] < -10.0) & (v[1:] >= -10.0)
    spikes = np.count_nonzero(above & (t[1:] > t_on) & (t[1:] < t_off))
    window = v[(t > t_on) & (t < t_off)]
    return np.array([spikes, v[t < t_on].mean(),
                     v[int(0.9 * t_on / dt):int(t_on / dt)].std(), window.mean(),
                     window.std(), stats.skew(window), stats.kurtosis(window, fisher=False)])


def bench_speed():
    prior = inference.TUTORIAL_PRIOR
    theta = prior.sample(100_000, seed=0)
    n_ref = 5
    t0 = time.perf_counter()
    for k in range(n_ref):
        tutorial_features(python_loop_simulator(*theta[k], seed=k))
    ref = n_ref / (time.perf_counter() - t0)
    sim = inference.HHSimulator()
    sim.features(theta[:64])  # compile / load the cache
    rows = []
    for n in (10_000, 100_000):
        t0 = time.perf_counter()
        sim.features(theta[:n], seed=0)
        rows.append((n, time.perf_counter() - t0))
    print("| simulator (120 ms, dt = 0.01 ms) | simulations | time (s) | per second | vs "
          "Python loop |")
    print("|---|---|---|---|---|")
    print(f"| sbi tutorial's Python loop, 1 thread | {n_ref} | {n_ref / ref:.2f} | {ref:.2f} "
          "| 1 |")
    for n, s in rows:
        print(f"| neurosim HHSimulator, 2 threads | {n:,} | {s:.1f} | {n / s:,.0f} | "
              f"{n / s / ref:,.0f}x |")
    print(f"(the Python loop would need {10_000 / ref / 3600:.1f} h for 10,000 and "
          f"{100_000 / ref / 3600:.0f} h for 100,000)")


def bench_fit(n_simulations=10_000):
    trace = inference.HHSimulator().traces([[50.0, 5.0]], seed=1)[0]
    post = inference.fit(trace, inference.TUTORIAL_PRIOR, n_simulations, seed=0)
    print(f"\n{post!r}")
    cal = inference.calibrate(post, n_tests=200, n_samples=1000, seed=1)
    err = cal.relative_error[:20]
    print("| parameter | median relative error | largest | 90 % interval holds the truth |")
    print("|---|---|---|---|")
    for k, name in enumerate(cal.names):
        print(f"| {name} | {np.median(err[:, k]):.1%} | {err[:, k].max():.1%} | "
              f"{cal.inside[:20, k].mean():.0%} of 20, {cal.inside[:, k].mean():.0%} of 200 |")
    cov = cal.coverage()
    print("expected coverage at 50/70/90 % over 200 tests: " + "; ".join(
        f"{name} {cov[9, k]:.2f}/{cov[13, k]:.2f}/{cov[17, k]:.2f}"
        for k, name in enumerate(cal.names)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-fit", action="store_true")
    args = parser.parse_args()
    bench_speed()
    if not args.skip_fit:
        bench_fit()


if __name__ == "__main__":
    main()
