"""The ``neurosim`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_FORMATS = ("png", "pdf", "svg")


def _out_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lstrip(".").lower() not in _FORMATS:
        raise argparse.ArgumentTypeError(f"--out must end in .png, .pdf or .svg; got {text!r}")
    return path


def _formats(text: str) -> list[str]:
    fmts = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fmts if f not in _FORMATS]
    if bad or not fmts:
        raise argparse.ArgumentTypeError(f"--format takes a comma list from png,pdf,svg; got "
                                         f"{text!r}")
    return fmts


_MODELS = {
    # name: (simulate function, current unit, default current, default duration, label)
    "hh": ("simulate_hh", "uA/cm^2", 10.0, 50.0, "Hodgkin-Huxley"),
    "lif": ("simulate_lif", "nA", 2.0, 100.0, "LIF"),
    "izhikevich": ("simulate_izhikevich", "model units", 10.0, 200.0, "Izhikevich"),
    "adex": ("simulate_adex", "nA", 0.8, 300.0, "AdEx"),
}


def _cmd_simulate(args) -> int:
    import neurosim
    from neurosim import plot
    from neurosim.figures import save_figure

    func_name, unit, current, duration, label = _MODELS[args.model]
    current = args.current if args.current is not None else current
    duration = args.duration if args.duration is not None else duration
    kwargs = {"record": "all"}
    if args.dt is not None:
        kwargs["dt"] = args.dt
    if args.model == "hh":
        kwargs.update(method=args.method, temperature=args.temperature)
    if getattr(args, "pattern", None):
        kwargs["pattern"] = args.pattern
    stim = neurosim.stimulus.step(current, args.start)
    res = getattr(neurosim, func_name)(stim, duration, **kwargs)
    spikes = res.spike_times
    what = f"{label}" + (f" ({args.pattern})" if getattr(args, "pattern", None) else "")
    print(f"{what}, {current:g} {unit} from {args.start:g} ms for {duration:g} ms "
          f"({res.method}, dt = {res.dt:g} ms): {res.spike_counts} spikes")
    if spikes.size:
        shown = ", ".join(f"{s:.3f}" for s in spikes[:10])
        print(f"spike times (ms): {shown}{' ...' if spikes.size > 10 else ''}")
    import matplotlib.pyplot as plt

    with plot.lecture_style():
        ax = plot.membrane(res, annotate=not args.no_annotate)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        save_figure(ax.figure, args.out, transparent=args.transparent)
    plt.close(ax.figure)
    print(f"wrote {args.out}")
    return 0


def _cmd_reflex(args) -> int:
    import matplotlib.pyplot as plt

    import neurosim
    from neurosim import plot
    from neurosim.figures import save_figure
    from neurosim.networks import build_reflex_arc

    params = None
    if args.v_sensory is not None:
        params = neurosim.load_model("reflex_arc_withdrawal").replace(v_sensory=args.v_sensory)
    arc = build_reflex_arc(params, lesions=tuple(args.cut), block_inhibition=args.block_inhibition)
    stim = neurosim.stimulus.heat(args.temperature, args.onset, args.heat_duration)
    res = arc.run(stim, duration=args.duration)
    print(f"Heat {args.temperature:g} C from {args.onset:g} ms for {args.heat_duration:g} ms:")
    for stage, lat in res.latencies.items():
        shown = "-" if lat != lat else f"{lat:6.1f} ms"
        print(f"  {stage:16s} first spike after onset {shown}")
    reflex = "no withdrawal" if not res.withdrew else f"{res.reflex_latency:.1f} ms"
    ouch = "not felt" if res.perception_latency != res.perception_latency else \
        f"{res.perception_latency:.1f} ms"
    print(f"  withdrawal (force onset): {reflex}; conscious 'ouch': {ouch}")
    print(f"  extensor motor neurons: {res.extensor_rate_before:.0f} Hz before, "
          f"{res.extensor_rate_during:.0f} Hz during the reflex")
    with plot.lecture_style():
        axes = plot.reflex_arc(res)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        save_figure(axes[0].figure, args.out, transparent=args.transparent)
    plt.close(axes[0].figure)
    print(f"wrote {args.out}")
    return 0


def _cmd_stdp(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import figures

    if args.experiment == "song2000":
        from neurosim.plasticity import song_abbott_2000

        res = song_abbott_2000(args.seconds)
        print(f"Song, Miller & Abbott (2000), {args.seconds:g} s: weights near a bound "
              f"{100 * res.bimodal_fraction[0]:.0f} % -> {100 * res.bimodal_fraction[-1]:.0f} %, "
              f"output rate {res.output_rate:.1f} Hz")
        fig = figures.fig_song_histogram(args.seconds)
    elif args.experiment == "window":
        from neurosim.plasticity import stdp_window

        win = stdp_window(args.rule)
        fit = ", ".join(f"{k} = {v:.4g}" for k, v in win.fit.items())
        print(f"STDP window ({args.rule}, 60 pairs per delay at 1 Hz): fit {fit}")
        fig = figures.fig_stdp_window(args.rule)
    else:
        from neurosim.plasticity import reciprocal_pair

        res = reciprocal_pair(args.lag, args.pairings, rule=args.rule)
        print(f"A fires {args.lag:g} ms before B, {args.pairings} times: w(A->B) "
              f"{res.w_ab[0]:.3f} -> {res.w_ab[-1]:.3f}, w(B->A) {res.w_ba[0]:.3f} -> "
              f"{res.w_ba[-1]:.3f}")
        fig = figures.fig_stdp_pair(args.lag, args.pairings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figures.save_figure(fig, args.out, transparent=args.transparent)
    plt.close(fig)
    print(f"wrote {args.out}")
    return 0


def _cmd_snn(args) -> int:
    import matplotlib.pyplot as plt
    import numpy as np

    from neurosim import bridge, plot
    from neurosim.figures import save_figure

    data = bridge.load_digits()
    report = bridge.compare([64, 128, 10], data, seeds=tuple(range(args.seeds)),
                            epochs=args.epochs, progress=not args.no_progress)
    print(report.to_markdown())
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "snn_digits_report.json").write_text(report.to_json())
    snn = bridge.build_snn([64, 128, 10], beta=0.9, num_steps=25, seed=0)
    bridge.train(snn, data[0], epochs=args.epochs, seed=0, progress=False)
    ns = bridge.to_neurosim(snn)
    x, y = data[1].tensors[0].numpy(), data[1].tensors[1].numpy()
    arrays = {f"w{k}": w.astype(np.float32) for k, w in enumerate(ns.weights)}
    arrays.update({f"b{k}": b.astype(np.float32) for k, b in enumerate(ns.biases)})
    np.savez_compressed(out / "snn_digits_weights.npz", n_layers=len(ns.weights),
                        beta=ns.beta, threshold=ns.threshold, num_steps=ns.num_steps,
                        test_x=x[:50].astype(np.float32), test_y=y[:50], **arrays)
    with plot.lecture_style():
        axes = plot.comparison(report)
        save_figure(axes[0].figure, out / "snn_vs_ann.png")
        plt.close(axes[0].figure)
        for name, draw in (("training_loss.png", plot.training_curves),
                           ("spikes_per_layer.png", plot.spikes_per_layer)):
            ax = draw(report)
            save_figure(ax.figure, out / name)
            plt.close(ax.figure)
        hidden = ns.spikes(x[:1])[0][:, 0, :]
        ax = plot.hidden_raster(hidden, label=f"Hidden layer, one digit ({int(y[0])})")
        save_figure(ax.figure, out / "hidden_raster.png")
        plt.close(ax.figure)
    print(f"wrote {out}/snn_digits_report.json, snn_digits_weights.npz, snn_vs_ann.png, "
          "training_loss.png, spikes_per_layer.png, hidden_raster.png")
    return 0


def _cmd_figures(args) -> int:
    from neurosim.figures import render_figure_set

    paths = render_figure_set(args.out, args.format, transparent=args.transparent,
                              progress=not args.no_progress)
    for p in paths:
        print(f"wrote {p}")
    return 0


def _cmd_models(args) -> int:
    import neurosim

    for name in neurosim.list_models():
        params = neurosim.load_model(name)
        print(f"{name:28s} {params.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurosim",
        description="Spiking and biophysical neuron simulation with slide-ready figures.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = sub.add_parser("simulate", help="simulate one neuron and plot its membrane potential",
                         description="Simulate one neuron under a step current and save the "
                         "annotated membrane-potential figure.")
    sim_sub = sim.add_subparsers(dest="model", required=True, metavar="MODEL")
    helps = {"hh": "Hodgkin-Huxley squid axon (6.3 C); current in uA/cm^2",
             "lif": "leaky integrate-and-fire (lecture values); current in nA",
             "izhikevich": "Izhikevich (2003) with a named firing pattern; current in the "
                           "model's units",
             "adex": "adaptive exponential integrate-and-fire; current in nA"}
    for name, (_, unit, current, duration, label) in _MODELS.items():
        p = sim_sub.add_parser(name, help=helps[name],
                               description=f"{label} neuron under a step current that starts at "
                               "--start and stays on; saves the membrane-potential figure.")
        p.add_argument("--current", type=float, default=None,
                       help=f"step current in {unit} (default {current:g})")
        p.add_argument("--start", type=float, default=5.0, help="step onset in ms (default 5)")
        p.add_argument("--duration", type=float, default=None,
                       help=f"simulated ms (default {duration:g})")
        p.add_argument("--dt", type=float, default=None,
                       help="time step in ms (default: the simulator's)")
        if name == "hh":
            p.add_argument("--method", choices=("rk4", "exp_euler"), default="rk4",
                           help="integration method (default rk4)")
            p.add_argument("--temperature", type=float, default=None,
                           help="temperature in C (default the model's 6.3)")
        if name == "izhikevich":
            p.add_argument("--pattern", default="regular_spiking",
                           choices=("regular_spiking", "intrinsically_bursting", "chattering",
                                    "fast_spiking", "thalamo_cortical", "resonator",
                                    "low_threshold_spiking"),
                           help="firing pattern (default regular_spiking)")
        if name == "adex":
            p.add_argument("--pattern", default="regular_spiking",
                           choices=("regular_spiking", "bursting"),
                           help="parameter set (default regular_spiking)")
        p.add_argument("--out", type=_out_path, required=True,
                       help="figure file: .png, .pdf or .svg")
        p.add_argument("--transparent", action="store_true", help="transparent background")
        p.add_argument("--no-annotate", action="store_true",
                       help="do not label phases / threshold / reset")
        p.set_defaults(func=_cmd_simulate)

    rx = sub.add_parser("reflex", help="run the withdrawal reflex arc and plot it",
                        description="Heat on the hand to a withdrawn arm: run the Brian2 reflex "
                        "arc, print every latency and save the stacked figure.")
    rx.add_argument("--temperature", type=float, default=50.0,
                    help="skin temperature during the heat, C (default 50; threshold 43)")
    rx.add_argument("--onset", type=float, default=20.0, help="heat onset, ms (default 20)")
    rx.add_argument("--heat-duration", type=float, default=200.0,
                    help="heat duration, ms (default 200)")
    rx.add_argument("--duration", type=float, default=400.0, help="simulated ms (default 400)")
    rx.add_argument("--cut", action="append", default=[], metavar="STAGE",
                    help="cut a stage out (e.g. --cut interneurons); may repeat")
    rx.add_argument("--block-inhibition", action="store_true",
                    help="block the inhibitory interneurons (co-contraction)")
    rx.add_argument("--v-sensory", type=float, default=None,
                    help="A-delta conduction velocity, m/s (default 20)")
    rx.add_argument("--out", type=_out_path, required=True, help="figure: .png, .pdf or .svg")
    rx.add_argument("--transparent", action="store_true", help="transparent background")
    rx.set_defaults(func=_cmd_reflex)

    sd = sub.add_parser("stdp", help="STDP experiments: the window, the A/B pair",
                        description="Spike-timing-dependent plasticity experiments.")
    sd.add_argument("experiment", choices=("window", "pair", "song2000"),
                    help="window: the pairing protocol; pair: A fires before B repeatedly; "
                    "song2000: 1,000 inputs competing (Song, Miller & Abbott 2000)")
    sd.add_argument("--seconds", type=float, default=100.0,
                    help="song2000: simulated seconds (default 100)")
    sd.add_argument("--rule", default="stdp_pair_song_2000",
                    help="catalog rule (default stdp_pair_song_2000)")
    sd.add_argument("--lag", type=float, default=5.0, help="pair: A-to-B lag in ms (default 5)")
    sd.add_argument("--pairings", type=int, default=60, help="pair: pairings (default 60)")
    sd.add_argument("--out", type=_out_path, required=True, help="figure: .png, .pdf or .svg")
    sd.add_argument("--transparent", action="store_true", help="transparent background")
    sd.set_defaults(func=_cmd_stdp)

    sn = sub.add_parser("snn", help="SNN vs ANN on the digits (needs the 'snn' extra)",
                        description="Train a spiking network and its ANN twin on scikit-learn's "
                        "digits, print the comparison and write the report and figures.")
    sn.add_argument("action", choices=("compare",))
    sn.add_argument("--epochs", type=int, default=20, help="epochs (default 20)")
    sn.add_argument("--seeds", type=int, default=3, help="seeds 0..K-1 (default 3)")
    sn.add_argument("--out", type=Path, required=True, help="output folder")
    sn.add_argument("--no-progress", action="store_true", help="no progress bars")
    sn.set_defaults(func=_cmd_snn)

    figs = sub.add_parser("figures", help="render the whole lecture figure set",
                          description="Render every lecture figure into a folder.")
    figs.add_argument("--out", type=Path, required=True, help="output folder")
    figs.add_argument("--format", type=_formats, default=["png"],
                      help="comma list of png,pdf,svg (default png)")
    figs.add_argument("--transparent", action="store_true",
                      help="transparent background (dark slide themes)")
    figs.add_argument("--no-progress", action="store_true", help="no progress bar")
    figs.set_defaults(func=_cmd_figures)

    models = sub.add_parser("models", help="list the model catalog",
                            description="List the models in the catalog with a one-line "
                            "description each.")
    models.set_defaults(func=_cmd_models)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"neurosim: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
