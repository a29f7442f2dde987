"""Every tutorial runs start to finish in --quick mode and prints the numbers it promises."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / "tutorials").glob("[0-9][0-9]_*.py"))

# lines each tutorial must print (numbers computed by the simulator, checked here)
EXPECTED = {
    "01_action_potential": [
        "Resting potential: -65.00 mV",
        "repetitive firing starts at 7.00 uA/cm^2",  # the 1-uA/cm^2 grid of --quick
        "interval  3.0 ms: 1 spike(s)",
        "interval 16.0 ms: 2 spike(s)",
        "fires before 6 ms (absolute refractory period)",
        "until 16 ms a pulse must be stronger",
    ],
    "02_integrate_and_fire": [
        "it has covered 63.2 % of the way",  # 1 - 1/e after one time constant
        "the rheobase is (V_th - V_rest) / R = 1.5 nA",
        # 30 + 10 ln(20/5) = 43.86 ms, then every 2 + 10 ln(25/5) = 18.09 ms
        "fires at 43.86, 61.96, 80.05, 98.15 ms",
        "largest difference",
    ],
    "03_reflex_arc": [
        "hand -> cord, 0.9 m at 15 m/s (A-delta)                      60.0 ms",
        # the extensor's steady rate: the analytic LIF rate of its 1.7-nA drive, 38.49 Hz
        # (the Numba engine times each crossing inside its step)
        "extensor motor neurons: 38.5 Hz before (steady state), 0 Hz while inhibited",
        "0 receptor spikes, withdrawal: False",
        "interneurons cut: 0 flexor motor spikes, withdrawal: False",
        # + 0.9 m / 7.5 m/s - 0.9 m / 15 m/s = 60 ms later
        "withdrawal at 151.0 ms instead of 91.0 ms",
    ],
    "10_recurrent_snn_vs_lstm": [
        "| | recurrent SNN | RNN | LSTM | GRU |",
        "Brian2 vs numpy: hidden spikes identical: True",
        "the same predictions: True",
    ],
    "11_inferring_hh_parameters": [
        "spike_count      5.000",  # the 'recorded' trace: g_na 50, g_kd 5, seed 1
        "1,000 simulations from the prior, one population call:",
        "posterior-predictive spike counts:",
        "the 90 % interval holds the truth in",
    ],
    "12_wilson_cowan_phase_plane": [
        "3 fixed points: stable focus at (0.0000, 0.0000); saddle at (0.3369, 0.1684); "
        "stable node at (0.9384, 0.6725)",
        "-> saddle",
        "a stable limit cycle: period 21.52 ms",
        "the Jacobian's trace crosses zero at i_E = 0.9991",
        "oscillating from 1.000 on",
        # the closed form: v^2 = 1 - b/tau, i = (v + a)/b - v + v^3/3
        "Hopf points at drive 0.3313 and 1.4187; by hand (trace 0 where v^2 = 1 - b/tau): "
        "0.3313 and 1.4187",
        # the rate model's fixed point is Brunel's self-consistent rate
        "it settles at 37.9497 Hz and 37.9497 Hz; the self-consistent rate of "
        "analysis.brunel_rate is 37.9497 Hz",
    ],
    "09_from_mcculloch_pitts_to_hopfield": [
        "AND  00->0, 01->0, 10->0, 11->1",
        "NOT  0->1, 1->0",
        "NAND 00->1, 01->1, 10->1, 11->0",
        # (R / gamma)^2 with R^2 = 3 and gamma = 0.5 / |(1, 1, -1.5)|: 3 * 4.25 / 0.25
        "(Novikoff's bound with the lecture's w = (1, 1, -1.5): 51)",
        "the best any straight line does is 75%",
        "hand-set Heaviside units (OR, NAND, then AND): [0, 1, 1, 0]",
        "trained sigmoid MLP (2-2-1, seed 0): [0, 1, 1, 0]",
        "rose 0 times",
    ],
    "08_dendrites_to_axon": [
        "lambda = sqrt(d R_m / (4 R_a)) = 686 um",  # sqrt(2e-4 * 3333 / 141.6) cm
        "686 um from the first point: 1.415 mV, exp(-x/lambda) predicts 1.415 mV",
        "neurosim: 18.85 m/s",  # Hodgkin & Huxley (1952) computed 18.8 m/s
        "unmyelinated: x2.00 for x4 in diameter",
        "1 synapse at dendrite(0.1): the hillock peaks at",
        "(spatial): a spike; it starts at the hillock",
        "(temporal): a spike; it starts at the hillock",
    ],
    "07_resting_potential": [
        "E_K =  -89.1 mV",  # (RT/F) ln(5/140) at 37 C
        "every tenfold concentration ratio is 61.5 mV",
        "The GHK equation gives the rest: -70.0 mV",
        "P_Na / P_K =     0: rest  -80.0 mV",  # K+ and Cl- only
        "[K]o =    20 mM: rest  -59.9 mV, E_K  -75.7 mV",
        "58.2 mV per tenfold [K]o",  # ln(10) RT/F at 20 C
        "Rest -70.4 mV.",  # Pospischil's RS cell: E_leak -70 mV and the M current
        "takes V to -54.8 mV: the threshold",  # v_t = -63 mV (Brette et al. 2007)
        "it runs at 0.79 uA/cm^2",  # the pump current that balances the leaks, by hand
        "(the balance holds)",
        "holds the rest 7.4 mV lower",  # I_pump / the membrane's slope conductance
        "before the block they are too weak (0 spikes)",
        "2.00 times slower",  # volume / surface doubles with the diameter
    ],
    "04_stdp_hebbian": [
        "dt =   +5.0 ms: w 0.5 -> 0.50389",  # 0.5 + 0.005 exp(-5/20)
        "dt =   -5.0 ms: w 0.5 -> 0.49591",  # 0.5 - 0.00525 exp(-5/20)
        "fit: A+ = 0.0050, tau+ = 20.0 ms, A- = -0.00525, tau- = 20.0 ms",
        "w(A->B) 0.500 -> 0.734",
        "the correlated group wins",
    ],
    "05_snn_vs_ann": [
        "gives beta = exp(-dt/tau_m) = 0.9048; back: tau_m = -dt / ln(beta) = 10.00 ms",
        "| parameters | 9610 | 9610 |",
        "neurosim (float64 numpy): identical spike counts for 100.00 % of (sample, neuron) pairs",
        "predictions agree for 100.0 % of 100 samples",
    ],
    "06_balanced_network": [
        # 20 mV / (0.1 mV x 1000 x 20 ms)
        "nu_thr = theta / (C_E J tau) = 10.0 Hz",
        # the Siegert self-consistency of Brunel (2000) for g = 5, nu_ext / nu_thr = 2
        "self-consistent rate (Siegert formula, Brunel's eqs. 4, 5, 21): 37.95 Hz",
        "mean input mu = 21.0 mV sits near the threshold",
        "simulated:",
    ],
}


@pytest.mark.tutorial
@pytest.mark.parametrize("script", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_quick(script, tmp_path):
    if script.stem in ("05_snn_vs_ann", "10_recurrent_snn_vs_lstm"):
        pytest.importorskip("snntorch", reason=f"tutorial {script.stem[:2]} needs the 'snn' "
                            "extra")
    if script.stem == "11_inferring_hh_parameters":
        pytest.importorskip("sbi", reason="tutorial 11 needs the 'inference' extra")
    out = subprocess.run([sys.executable, str(script), "--quick", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=600,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert len(list(tmp_path.glob("*.png"))) >= 3
    assert "Done" in out.stdout
    for line in EXPECTED.get(script.stem, []):
        assert line in out.stdout


def test_every_tutorial_has_expectations():
    assert {p.stem for p in TUTORIALS} <= set(EXPECTED)
