"""The cable engine beside NEURON and Brian2's SpatialNeuron on the same morphology, dt and
duration (backward Euler everywhere, NEURON's and Brian2's method; compilation excluded).

Two cells: the ball-and-stick (passive dendrite, HH soma, hillock and axon; d_lambda rule) with
a somatic pulse that fires, 100 ms at dt = 0.025 ms; and an HH axon of 1,000 compartments
(2 um wide, 5 mm) carrying a spike, 50 ms at dt = 0.01 ms, 18.5 C. Each tool is best of 3;
Brian2 is timed by its own run (no code generation). One thread everywhere.

    python benchmarks/cable.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from neurosim import cable, morphology, stimulus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def cells():
    return {
        "ball-and-stick": (morphology.ball_and_stick(n_seg=None), 100.0, 0.025, None,
                           [cable.CurrentClamp("soma", stimulus.step(1.0, 2.0, 3.0))],
                           ["soma", "axon(0.9)"]),
        "HH axon, 1,000 compartments": (
            morphology.axon(5000.0, 2.0, n_seg=1000), 50.0, 0.01, 18.5,
            [cable.CurrentClamp("axon(0)", stimulus.step(3.0, 0.0, 0.2))],
            ["axon(0.1)", "axon(0.9)"]),
    }


def best(fn, repeats=3):
    out = []
    for _ in range(repeats):
        out.append(fn())
    return min(out)


def time_neurosim(morph, duration, dt, temp, clamps, rec):
    cable.simulate_cable(morph, 1.0, dt=dt, temperature=temp, stimuli=clamps, record=rec)

    def run():
        t = time.perf_counter()
        cable.simulate_cable(morph, duration, dt=dt, temperature=temp, stimuli=clamps,
                             record=rec)
        return time.perf_counter() - t

    return best(run)


def time_neuron(morph, duration, dt, temp, clamps, rec):
    from reference import neuron_setup

    h, _, keep = neuron_setup(morph, temp, dt, 0, clamps, rec)

    def run():
        h.finitialize(-65.0)
        t = time.perf_counter()
        h.continuerun(duration)
        return time.perf_counter() - t

    out = best(run)
    for obj in keep:
        if hasattr(obj, "hname") and "Section" in type(obj).__name__:
            h.delete_section(sec=obj)
    return out


def time_brian2(morph, duration, dt, temp, clamps, rec, target):
    from neurosim.networks import build_spatial_neuron

    sim = build_spatial_neuron(morph, dt=dt, temperature=temp, target=target)
    sim.run(dt * 2, stimuli=clamps, record=rec)  # code generation and compilation

    def run():
        sim.run(duration, stimuli=clamps, record=rec)
        return sim.run_time

    return best(run, 2)


def main():
    print(f"{'cell':32s} {'compartments':>12s} {'neurosim':>9s} {'NEURON':>8s} "
          f"{'Brian2 numpy':>12s} {'Brian2 cython':>13s}  vs NEURON  vs Brian2 (best)")
    for name, (morph, duration, dt, temp, clamps, rec) in cells().items():
        n = morph.compile().compartments.size
        ours = time_neurosim(morph, duration, dt, temp, clamps, rec)
        nrn = time_neuron(morph, duration, dt, temp, clamps, rec)
        b2n = time_brian2(morph, duration, dt, temp, clamps, rec, "numpy")
        b2c = time_brian2(morph, duration, dt, temp, clamps, rec, "cython")
        steps = round(duration / dt)
        print(f"{name:32s} {n:12d} {ours:9.4f} {nrn:8.4f} {b2n:12.3f} {b2c:13.3f}  "
              f"{nrn / ours:8.2f}x  {min(b2n, b2c) / ours:8.1f}x")
        print(f"{'':32s} neurosim {n * steps / ours / 1e6:.1f} M compartment-steps/s")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
