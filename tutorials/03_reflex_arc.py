"""Tutorial 3: the withdrawal reflex, from heat on the hand to a withdrawn arm.

    python tutorials/03_reflex_arc.py            # full version
    python tutorials/03_reflex_arc.py --quick    # shorter runs (what the tests use)

The circuit stage by stage, where each millisecond goes, and four experiments done by changing
a parameter: heat below threshold, cutting the interneurons, blocking inhibition, slower fibres.
"""


import neurosim
from neurosim import figures, plot, stimulus
from neurosim.networks import build_reflex_arc


def main(argv=None):
    args, save = figures.tutorial_session(__doc__, "03", argv)
    duration = 300.0 if args.quick else 400.0

    p = neurosim.load_model("reflex_arc_withdrawal")
    print("1. The circuit: heat receptors -> A-delta sensory neurons -> spinal relay "
          "interneurons -> flexor motor neurons -> biceps; inhibitory interneurons silence the "
          "triceps motor neurons; a second branch climbs to thalamus and cortex.")

    print("\n2. The latency budget, from the catalog's numbers:")
    afferent = p.hand_to_cord / p.v_sensory * 1e3
    motor = p.cord_to_muscle / p.v_motor * 1e3
    ascending = p.cord_to_thalamus / p.v_spinothalamic * 1e3
    rows = [
        (f"hand -> cord, {p.hand_to_cord:g} m at {p.v_sensory:g} m/s (A-delta)", afferent),
        ("two central synapses (interneuron, motor neuron)", 2 * p.synaptic_delay),
        (f"cord -> biceps, {p.cord_to_muscle:g} m at {p.v_motor:g} m/s (A-alpha)", motor),
        ("neuromuscular junction and contraction onset", p.nmj_delay),
    ]
    for text, ms in rows:
        print(f"   {text:58s} {ms:6.1f} ms")
    print(f"   {'conduction and synapses alone':58s} {sum(ms for _, ms in rows):6.1f} ms")
    print(f"   the brain's branch adds cord -> thalamus ({ascending:.1f} ms), thalamus -> cortex "
          f"and {p.cortical_processing:g} ms of cortical processing before pain is felt.")

    res = build_reflex_arc().run(stimulus.heat(50.0, 20.0, 200.0), duration=duration)
    print("\n3. Heat of 50 C on the hand from t = 20 ms: first spike of each stage after onset")
    for stage in ("receptors", "sensory", "interneurons", "flexor_motor", "inhibitory",
                  "thalamus", "cortex"):
        print(f"   {stage:14s} {res.latencies[stage]:6.1f} ms")
    gap = res.perception_latency - res.reflex_latency
    print(f"   The arm starts to withdraw {res.reflex_latency:.1f} ms after the heat; the 'ouch' "
          f"is felt at {res.perception_latency:.0f} ms, {gap:.0f} ms later: the spinal cord "
          "acts before the brain knows.")
    print(f"   Reciprocal inhibition: extensor motor neurons fire {res.extensor_rate_before:.0f} "
          f"Hz before, {res.extensor_rate_during:.0f} Hz during the reflex.")
    with plot.lecture_style():
        save(plot.reflex_arc(res)[0].figure, "1_reflex_arc")

    print("\n4. Experiments (each one parameter):")
    warm = build_reflex_arc().run(stimulus.heat(42.0, 20.0, 200.0), duration=duration)
    print(f"   42 C (below the {p.heat_threshold:g} C threshold): "
          f"{int(warm.stages['receptors'].spike_counts.sum())} receptor spikes, "
          f"withdrawal: {warm.withdrew}  (all or nothing at circuit level)")
    cut = build_reflex_arc(lesions=("interneurons",)).run(duration=duration)
    print(f"   interneurons cut: {int(cut.stages['flexor_motor'].spike_counts.sum())} flexor motor "
          f"spikes, withdrawal: {cut.withdrew}, pain still felt at "
          f"{cut.perception_latency:.0f} ms")
    with plot.lecture_style():
        save(plot.reflex_arc(cut)[0].figure, "2_interneurons_cut")
    blocked = build_reflex_arc(block_inhibition=True).run(duration=duration)
    print(f"   inhibition blocked: extensor fires {blocked.extensor_rate_during:.0f} Hz during "
          "the reflex: flexor and extensor pull against each other (co-contraction)")
    with plot.lecture_style():
        save(plot.reflex_arc(blocked)[0].figure, "3_inhibition_blocked")
    slow = build_reflex_arc(p.replace(v_sensory=10.0)).run(duration=duration)
    print(f"   A-delta fibres at 10 m/s instead of {p.v_sensory:g}: withdrawal at "
          f"{slow.reflex_latency:.1f} ms instead of {res.reflex_latency:.1f} ms")
    print(f"\nDone: figures in {args.out}/")


if __name__ == "__main__":
    main()
