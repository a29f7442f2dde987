"""The kernels run as plain Python (NUMBA_DISABLE_JIT=1) and give the jitted numbers: the
kernels' logic is ordinary Python, so coverage tools and debuggers can step through it."""

import json
import os
import subprocess
import sys

import numpy as np

import neurosim

PROBE = """
import json, numpy as np, neurosim
hh = neurosim.simulate_hh(np.array([0.0, 10.0]), 12.0, record=("v", "spikes"))
p = neurosim.load_model("hodgkin_huxley_1952").replace(g_k=np.array([36.0, 30.0]))
ee = neurosim.simulate_hh(10.0, 12.0, method="exp_euler", dt=0.05, params=p)
lif = neurosim.simulate_lif(np.array([1.0, 3.0, 50.0]), 30.0, dt=0.5)
izh = neurosim.simulate_izhikevich(10.0, 30.0, dt=0.5)
adex = neurosim.simulate_adex(0.8, 30.0, dt=0.05)
from neurosim import cable, morphology, stimulus
cell = morphology.ball_and_stick(n_seg=3)
syn = cable.Synapse("dendrite(0.5)", [1.0], 2.0)
cab = cable.simulate_cable(cell, 6.0, dt=0.05, method="crank_nicolson", synapses=[syn],
                           record=["soma", "axon(0.9)"],
                           stimuli=[cable.CurrentClamp("soma", stimulus.step(1.0, 0.5, 1.5))])
print(json.dumps({"hh_v": hh.v[-1].tolist(), "hh_s": hh.spike_times[1].tolist(),
                  "ee": ee.spike_times.times.tolist(), "lif": lif.spike_times.times.tolist(),
                  "izh": izh.spikes().tolist(), "adex": adex.spikes().tolist(),
                  "cable_v": cab.v[-1].tolist(), "cable_s": cab.spike_times.times.tolist()}))
"""


def _run(env_extra):
    env = {**os.environ, **env_extra}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env,
                         timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kernels_without_jit_match_jitted():
    plain = _run({"NUMBA_DISABLE_JIT": "1"})
    jitted = _run({})
    assert jitted["hh_s"] and jitted["lif"] and jitted["izh"] and jitted["adex"]
    assert len(jitted["cable_s"]) == 2  # the spike at the soma and at the axon's end
    for key in jitted:
        np.testing.assert_allclose(plain[key], jitted[key], rtol=1e-12, atol=1e-12, err_msg=key)
    # and the jitted numbers are the ones this process computes
    assert neurosim.simulate_lif(np.array([1.0, 3.0, 50.0]), 30.0, dt=0.5).spike_times.times \
        .tolist() == jitted["lif"]
