"""Tutorial 3: the withdrawal reflex, from heat on the hand to a withdrawn arm.
============================================================================

Run it::

    python tutorials/03_reflex_arc.py            # full version
    python tutorials/03_reflex_arc.py --quick    # shorter runs (what the tests use)

The circuit stage by stage, where each millisecond goes, and four experiments done by changing
a parameter: heat below threshold, cutting the interneurons, blocking inhibition, slower fibres.
"""


import neurosim
from neurosim import figures, plot, stimulus
from neurosim.reflex import run_reflex_arc


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "03", argv)
    duration = 300.0 if args.quick else 500.0

    p = neurosim.load_model("reflex_arc_withdrawal")
    print("1. The circuit: heat receptors (A-delta heat nociceptors of the hairy skin on the back "
          "of the hand) -> A-delta sensory neurons -> spinal relay interneurons -> flexor motor "
          "neurons -> biceps; inhibitory interneurons silence the triceps motor neurons; a "
          "second branch climbs to thalamus and cortex.")

    print("\n2. The latency budget, from the catalog's numbers:")
    afferent = p.hand_to_cord / p.v_sensory * 1e3
    motor = p.cord_to_muscle / p.v_motor * 1e3
    ascending = p.cord_to_thalamus / p.v_spinothalamic * 1e3
    rows = [
        (f"hand -> cord, {p.hand_to_cord:g} m at {p.v_sensory:g} m/s (A-delta)", afferent),
        ("two central synapses (interneuron, motor neuron)", 2 * p.synaptic_delay),
        (f"cord -> biceps, {p.cord_to_muscle:g} m at {p.v_motor:g} m/s (A-alpha)", motor),
        ("neuromuscular junction to the muscle action potential", p.nmj_delay),
    ]
    for text, ms in rows:
        print(f"   {text:58s} {ms:6.1f} ms")
    print(f"   {'conduction and synapses alone':58s} {sum(ms for _, ms in rows):6.1f} ms")
    print(f"   the brain's branch adds cord -> thalamus ({ascending:.1f} ms) and thalamus -> "
          "cortex.")

    # the arc is a network spec: the Numba engine runs it (engine="brian2" gives the same)
    res = run_reflex_arc(stimulus.heat(50.0, 20.0, 200.0), duration=duration)
    print("\n3. Heat of 50 C from t = 20 ms (the arc has settled at rest before t = 0):")
    print(res.summary())
    print(f"   The model's EMG comes {res.emg_latency:.1f} ms after the heat; people's biceps "
          f"EMG in this reflex: {p.nwr_emg_latency:g} +- {p.nwr_emg_latency_sd:g} ms. The "
          f"spinal cord acts {res.cortex_latency - res.emg_latency:.0f} ms before the first "
          "cortical spikes, and far before people report pain.")
    with plot.lecture_style():
        save(plot.reflex_arc(res)[0].figure, "1_reflex_arc")

    print("\n4. Experiments (each one parameter; the same arc runs again from rest):")
    warm = run_reflex_arc(stimulus.heat(44.0, 20.0, 200.0), duration=duration)
    print(f"   44 C (below the {p.heat_threshold:g} C threshold): "
          f"{int(warm.stages['receptors'].spike_counts.sum())} receptor spikes, "
          f"withdrawal: {warm.withdrew}  (all or nothing at circuit level)")
    cut = run_reflex_arc(duration=duration, lesions=("interneurons",))
    print(f"   interneurons cut: {int(cut.stages['flexor_motor'].spike_counts.sum())} flexor motor "
          f"spikes, withdrawal: {cut.withdrew}; the cortex still receives spikes at "
          f"{cut.cortex_latency:.0f} ms")
    with plot.lecture_style():
        save(plot.reflex_arc(cut)[0].figure, "2_interneurons_cut")
    blocked = run_reflex_arc(duration=duration, block_inhibition=True)
    ext = blocked.stages["extensor_motor"].spike_times.times
    during = ((ext >= 120.0) & (ext < 220.0)).sum() / p.n_per_stage / 0.1
    print(f"   inhibition blocked: the extensor keeps firing ({during:.0f} Hz during the "
          "reflex): flexor and extensor pull against each other (co-contraction)")
    with plot.lecture_style():
        save(plot.reflex_arc(blocked)[0].figure, "3_inhibition_blocked")
    slow = run_reflex_arc(duration=duration, params=p.replace(v_sensory=7.5))
    print(f"   A-delta fibres at 7.5 m/s instead of {p.v_sensory:g}: withdrawal at "
          f"{slow.reflex_latency:.1f} ms instead of {res.reflex_latency:.1f} ms")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
