"""The ``neurosim`` command.

Every failure a user can cause (a bad value, a run too big to fit, a simulation that blows up, an
output that cannot be written) prints one line naming the flag, exits non-zero and leaves no
partial output; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from pathlib import Path

from . import catalog, registry, stimulus
from ._core.resources import limits
from ._core.validation import InvalidInput, MissingExtra, ResourceError, SimulationError
from ._simulate import simulate
from .catalog import list_models, load_model
from .network import list_networks, load_network
from .phase import compute_brunel_phase, save_brunel_phase
from .plasticity import reciprocal_pair, song_abbott_2000, stdp_window
from .reflex import run_reflex_arc
from .result import publish

_FORMATS = ("png", "pdf", "svg")
EXIT_INPUT, EXIT_RUN = 2, 1


class CLIError(Exception):
    """A failure to report in one line (the message already uses the command's words)."""


def _dpi(text: str) -> float:
    """--dpi: checked before anything is simulated (5000 dpi ran the simulation, then failed
    in matplotlib)."""
    value = _finite(text)
    if not 10.0 <= value <= limits.max_dpi:
        raise argparse.ArgumentTypeError(f"must be a resolution in [10, {limits.max_dpi:g}] "
                                         f"dots per inch, got {text!r}")
    return value


# a negative number, scientific notation included: argparse takes "-1e3" for an option
_NEGATIVE = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _negative_values(argv: list[str]) -> list[str]:
    """``--flag -1e3`` -> ``--flag=-1e3``, so that argparse reads the number as the flag's
    value (it reads only plain negative numbers such as -1000 so)."""
    out = []
    for token in argv:
        if out and _NEGATIVE.fullmatch(token) and out[-1].startswith("--") and \
                "=" not in out[-1]:
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def _out_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lstrip(".").lower() not in _FORMATS:
        raise argparse.ArgumentTypeError(f"must end in .png, .pdf or .svg; got {text!r}")
    return path


def _formats(text: str) -> list[str]:
    fmts = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fmts if f not in _FORMATS]
    if bad or not fmts:
        raise argparse.ArgumentTypeError(f"takes a comma list from png,pdf,svg; got {text!r}")
    return fmts


def _check_writable_file(path: Path) -> None:
    """Refuse an --out file that cannot be written, before any work is done."""
    if path.is_dir():
        raise CLIError(f"--out {path} is a folder; give a file name ending in "
                       f"{path.suffix or '.png'}")
    _check_writable_dir(path.parent, f"--out {path}")


def _check_writable_dir(folder: Path, what: str) -> None:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise CLIError(f"{what}: {probe} is a file, so the folder cannot be made")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise CLIError(f"{what}: cannot write into {probe} (permission denied)")


def _save(fig, path: Path, args) -> None:
    """Write a figure whole or not at all (a temporary file renamed into place)."""
    from neurosim.figures import save_figure

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        save_figure(fig, Path(tmp), transparent=args.transparent, dpi=args.dpi)
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {path}")


def _add_figure_options(p, *, out_file=True) -> None:
    if out_file:
        p.add_argument("--out", type=_out_path, required=True,
                       help="figure file: .png, .pdf or .svg")
    p.add_argument("--dpi", type=_dpi, default=200.0,
                   help="PNG resolution (default 200; at most neurosim.limits.max_dpi)")
    p.add_argument("--theme", choices=("light", "dark"), default="light",
                   help="dark: light text and traces for dark slides (default light)")
    p.add_argument("--transparent", action="store_true", help="transparent background")


def _cmd_simulate(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import plot

    spec = registry.get(args.model)
    current = spec.cli_current if args.current is None else args.current
    duration = spec.cli_duration if args.duration is None else args.duration
    if duration <= 0:  # (else blamed on --start below)
        raise CLIError(f"--duration must be a time > 0 ms. Got {duration:g} instead.")
    if args.start >= duration:
        raise CLIError(f"--start ({args.start:g} ms) must be before the end of the run "
                       f"(--duration {duration:g} ms)")
    _check_writable_file(args.out)
    kwargs = {"record": "all"}
    for key in ("dt", "method", "temperature", "pattern"):
        if getattr(args, key, None) is not None:
            kwargs[key] = getattr(args, key)
    stim = stimulus.step(current, args.start)
    res = simulate(spec.name, stim, duration, **kwargs)
    spikes = res.spikes()
    what = spec.label + (f" ({args.pattern})" if getattr(args, "pattern", None) else "")
    print(f"{what}, {current:g} {spec.input_unit} from {args.start:g} ms for {duration:g} ms "
          f"({res.method}, dt = {res.dt:g} ms): {spikes.size} spikes")
    if spikes.size:
        shown = ", ".join(f"{s:.3f}" for s in spikes[:10])
        print(f"spike times (ms): {shown}{' ...' if spikes.size > 10 else ''}")
    with plot.lecture_style(theme=args.theme):
        ax = plot.membrane(res, annotate=not args.no_annotate)
        _save(ax.figure, args.out, args)
    plt.close(ax.figure)
    return 0


def _cmd_reflex(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import plot

    _check_writable_file(args.out)
    params = None
    if args.v_sensory is not None:
        params = load_model("reflex_arc_withdrawal").replace(v_sensory=args.v_sensory)
    stim = stimulus.heat(args.temperature, args.onset, args.heat_duration)
    res = run_reflex_arc(stim, args.duration, params=params, lesions=tuple(args.cut),
                         block_inhibition=args.block_inhibition, engine=args.engine)
    print(res.summary())
    with plot.lecture_style(theme=args.theme):
        axes = plot.reflex_arc(res)
        _save(axes[0].figure, args.out, args)
    plt.close(axes[0].figure)
    return 0


def _cmd_stdp(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import figures, plot

    _check_writable_file(args.out)
    with plot.lecture_style(theme=args.theme):
        if args.experiment == "song2000":
            res = song_abbott_2000(args.seconds)
            print(f"Song, Miller & Abbott (2000), {args.seconds:g} s: weights near a bound "
                  f"{100 * res.bimodal_fraction[0]:.0f} % -> "
                  f"{100 * res.bimodal_fraction[-1]:.0f} %, output rate {res.output_rate:.1f} "
                  "Hz")
            fig = figures.fig_song_histogram(args.seconds)
        elif args.experiment == "window":
            win = stdp_window(args.rule)
            fit = ", ".join(f"{k} = {v:.4g}" for k, v in win.fit.items())
            print(f"STDP window ({args.rule}, 60 pairs per delay at 1 Hz): fit {fit}")
            fig = figures.fig_stdp_window(args.rule)
        else:
            res = reciprocal_pair(args.lag, args.pairings, rule=args.rule)
            print(f"A fires {args.lag:g} ms before B, {args.pairings} times: w(A->B) "
                  f"{res.w_ab[0]:.3f} -> {res.w_ab[-1]:.3f}, w(B->A) {res.w_ba[0]:.3f} -> "
                  f"{res.w_ba[-1]:.3f}")
            fig = figures.fig_stdp_pair(args.lag, args.pairings, rule=args.rule)
        _save(fig, args.out, args)
    plt.close(fig)
    return 0


def _cmd_snn(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import bridge, figures, plot

    if args.out.exists() and not args.out.is_dir():
        raise CLIError(f"--out {args.out} is a file; give a folder")
    _check_writable_dir(args.out, f"--out {args.out}")
    command = " ".join(["neurosim", *sys.argv[1:]])
    if args.action == "compare-recurrent":
        path = bridge.write_recurrent_comparison(
            args.out, seeds=tuple(range(args.seeds)), epochs=args.epochs,
            progress=not args.no_progress, command=command)
        print(bridge.load_recurrent_comparison(args.out).to_markdown())
        print(f"wrote {path}")
        drawn = (("recurrent_snn_vs_twins", figures.fig_recurrent_snn_vs_lstm),)
    else:
        paths = bridge.write_comparison(args.out, seeds=tuple(range(args.seeds)),
                                        epochs=args.epochs, progress=not args.no_progress,
                                        command=command)
        print(bridge.load_comparison(args.out).report.to_markdown())
        for p in paths:
            print(f"wrote {p}")
        drawn = (("snn_vs_ann", figures.fig_snn_vs_ann),
                 ("training_loss", figures.fig_snn_training_loss),
                 ("spikes_per_layer", figures.fig_snn_spikes_per_layer),
                 ("hidden_raster", figures.fig_snn_hidden_raster))
    if not args.no_figures:
        args.transparent, args.dpi = False, 200.0
        for name, draw in drawn:
            with plot.lecture_style():
                fig = draw(folder=args.out)
                _save(fig, args.out / f"{name}.png", args)
            plt.close(fig)
    return 0


def _cmd_sweep(args) -> int:
    import matplotlib.pyplot as plt

    from neurosim import figures, plot

    if args.out.exists() and not args.out.is_dir():
        raise CLIError(f"--out {args.out} is a file; give a folder")
    _check_writable_dir(args.out, f"--out {args.out}")
    client = args.scheduler if args.scheduler else None
    phase = compute_brunel_phase(duration=args.duration, client=client,
                                 progress=not args.no_progress)
    phase.provenance["command"] = " ".join(["neurosim", *sys.argv[1:]])
    print(f"wrote {save_brunel_phase(phase, args.out)}")
    args.transparent, args.dpi = False, 200.0
    with plot.lecture_style():
        fig = figures.fig_brunel_phase(folder=args.out)
        _save(fig, args.out / "brunel_phase.png", args)
    plt.close(fig)
    return 0


def _cmd_figures(args) -> int:
    from neurosim.figures import render_figure_set

    if args.out.exists() and not args.out.is_dir():
        raise CLIError(f"--out {args.out} is a file; give a folder")
    _check_writable_dir(args.out, f"--out {args.out}")
    paths = render_figure_set(args.out, args.format, transparent=args.transparent,
                              theme=args.theme, dpi=args.dpi, progress=not args.no_progress)
    for p in paths:
        print(f"wrote {p}")
    return 0


def _cmd_models(args) -> int:
    print("Neuron models (neurosim simulate NAME, any of the names):")
    rows = [(", ".join(spec.names()), spec.input_unit) for spec in registry.specs()]
    width = max(len(names) for names, _ in rows)
    for names, unit in rows:
        print(f"  {names:{width}s}  input in {unit}")
    print("\nCatalog files (neurosim.load_model(NAME)):")
    for name in list_models():
        params = load_model(name)
        print(f"  {name:28s} {params.description}")
    print("\nNetworks (neurosim.load_network(NAME); models/networks/):")
    for name in list_networks():
        print(f"  {name:28s} {load_network(name).description}")
    return 0


_FLAGS = {"amplitude": "--current", "stimulus": "--current", "current": "--current",
          "start": "--start", "duration": "--duration", "dt": "--dt", "method": "--method",
          "temperature": "--temperature", "pattern": "--pattern", "temperature_c": "--temperature",
          "onset": "--onset", "lesions": "--cut", "v_sensory": "--v-sensory",
          "rule": "--rule", "lag": "--lag", "n_pairings": "--pairings", "seconds": "--seconds",
          "epochs": "--epochs", "dpi": "--dpi", "seeds": "--seeds", "client": "--scheduler"}


# where a command's flag has another name than the library's parameter: (command, the
# function that complained or None for any, the parameter) -> the flag
_RENAMED = {("reflex", "heat", "duration"): "--heat-duration",
            ("stdp", None, "duration"): "--seconds"}


def _in_cli_words(exc, command: str, dests=None) -> str:
    """A bad-input error from the library, said with the flag the user typed. ``dests`` are
    the command's own options (argparse's names): a flag the command does not have is never
    blamed (``stdp --seconds -5`` was reported as ``--duration``); the library's words are
    said instead."""
    name, func = getattr(exc, "name", None), getattr(exc, "func", "")
    flag = _RENAMED.get((command, func, name), _RENAMED.get((command, None, name),
                                                             _FLAGS.get(name)))
    if flag and dests is not None and flag[2:].replace("-", "_") not in dests:
        flag = None
    if flag and exc.expected is not None:
        # advice in the library's spelling (method='exp_euler') in the command line's
        return f"{flag} must be {_flag_words(exc.expected)}. Got {exc.given} instead."
    return _flag_words(str(exc))


def _flag_words(text: str) -> str:
    """``method='exp_euler'`` -> ``--method exp_euler`` for every keyword that is a flag."""

    def swap(match):
        flag = _FLAGS.get(match.group(1))
        return f"{flag} {match.group(3)}" if flag else match.group(0)

    return re.sub(r"\b(\w+)=(['\"]?)([\w.-]+)\2", swap, text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurosim",
        description="Spiking and biophysical neuron simulation with slide-ready figures.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = sub.add_parser("simulate", help="simulate one neuron and plot its membrane potential",
                         description="Simulate one neuron under a step input and save the "
                         "annotated membrane-potential figure.")
    sim_sub = sim.add_subparsers(dest="model", required=True, metavar="MODEL")
    for spec in registry.specs():
        unit = spec.input_unit
        p = sim_sub.add_parser(
            spec.name, aliases=[n for n in spec.names() if n != spec.name],
            help=f"{spec.label} ({spec.catalog}); input in {unit}",
            description=f"{spec.label} neuron ({spec.catalog}) under a step input that starts "
                        "at --start and stays on; saves the membrane-potential figure.")
        p.add_argument("--current", type=_finite, default=None,
                       help=f"step input in {unit} (default {spec.cli_current:g})")
        p.add_argument("--start", type=_finite, default=5.0, help="step onset in ms (default 5)")
        p.add_argument("--duration", type=_finite, default=None,
                       help=f"simulated ms (default {spec.cli_duration:g})")
        p.add_argument("--dt", type=_finite, default=None,
                       help=f"time step in ms (default {spec.dt:g})")
        if len(spec.methods) > 1:
            p.add_argument("--method", choices=spec.methods, default=None,
                           help=f"integration method (default {spec.methods[0]})")
        if spec.temperature:
            p.add_argument("--temperature", type=_finite, default=None,
                           help="temperature in C (default the model's)")
        patterns = catalog.list_patterns(spec.catalog)
        if patterns:
            p.add_argument("--pattern", choices=patterns, default=None,
                           help=f"named parameter set (default {patterns[0]})")
        _add_figure_options(p)
        p.add_argument("--no-annotate", action="store_true",
                       help="do not label phases / threshold / reset")
        p.set_defaults(func=_cmd_simulate, model=spec.name)

    rx = sub.add_parser("reflex", help="run the withdrawal reflex arc and plot it",
                        description="Heat on the hand to a withdrawn arm: run the reflex arc "
                        "(a network spec, on the Numba or the Brian2 engine), print every "
                        "latency and save the stacked figure.")
    rx.add_argument("--temperature", type=_finite, default=50.0,
                    help="skin temperature during the heat, C (default 50)")
    rx.add_argument("--onset", type=_finite, default=20.0, help="heat onset, ms (default 20)")
    rx.add_argument("--heat-duration", type=_finite, default=200.0,
                    help="heat duration, ms (default 200)")
    rx.add_argument("--duration", type=_finite, default=400.0,
                    help="simulated ms (default 400)")
    rx.add_argument("--cut", action="append", default=[], metavar="STAGE",
                    help="cut a stage out (e.g. --cut interneurons); may repeat")
    rx.add_argument("--block-inhibition", action="store_true",
                    help="block the inhibitory interneurons (co-contraction)")
    rx.add_argument("--v-sensory", type=_finite, default=None,
                    help="A-delta conduction velocity, m/s (default the catalog's)")
    rx.add_argument("--engine", choices=("numba", "brian2"), default="numba",
                    help="the network engine (default numba)")
    _add_figure_options(rx)
    rx.set_defaults(func=_cmd_reflex)

    sd = sub.add_parser("stdp", help="STDP experiments: the window, the A/B pair",
                        description="Spike-timing-dependent plasticity experiments.")
    sd.add_argument("experiment", choices=("window", "pair", "song2000"),
                    help="window: the pairing protocol; pair: A fires before B repeatedly; "
                    "song2000: 1,000 inputs competing (Song, Miller & Abbott 2000)")
    sd.add_argument("--seconds", type=_finite, default=100.0,
                    help="song2000: simulated seconds (default 100)")
    sd.add_argument("--rule", default="stdp_pair_song_2000",
                    help="catalog rule (default stdp_pair_song_2000)")
    sd.add_argument("--lag", type=_finite, default=5.0,
                    help="pair: A-to-B lag in ms (default 5)")
    sd.add_argument("--pairings", type=_positive_int, default=60,
                    help="pair: pairings (default 60)")
    _add_figure_options(sd)
    sd.set_defaults(func=_cmd_stdp)

    sn = sub.add_parser("snn", help="SNN vs ANN on the digits (needs the 'snn' extra)",
                        description="Train a spiking network and its ANN twin on scikit-learn's "
                        "digits, print the comparison and write the report, the seed-0 "
                        "weights and the figures (compare-recurrent: the recurrent SNN and "
                        "its RNN, LSTM and GRU twins, and the report).")
    sn.add_argument("action", choices=("compare", "compare-recurrent"),
                    help="compare: the feed-forward twins; compare-recurrent: the recurrent "
                    "SNN against RNN, LSTM and GRU on digits read row by row")
    sn.add_argument("--epochs", type=_positive_int, default=None,
                    help="epochs (default 20; compare-recurrent: 30 for the SNN, 10 for each "
                    "twin)")
    sn.add_argument("--seeds", type=_positive_int, default=3, help="seeds 0..K-1 (default 3)")
    sn.add_argument("--out", type=Path, required=True, help="output folder")
    sn.add_argument("--no-progress", action="store_true", help="no progress bars")
    sn.add_argument("--no-figures", action="store_true",
                    help="write only report.json and weights.npz (as in artefacts/)")
    sn.set_defaults(func=_cmd_snn)

    sw = sub.add_parser("sweep", help="parameter sweeps on Dask (needs the 'distributed' "
                        "extra)", description="Brunel's phase diagram: the network at every "
                        "(g, nu_ext/nu_thr) of the grid, run by neurosim.sweep on a local "
                        "cluster (or --scheduler), saved as phase.json with its figure.")
    sw.add_argument("action", choices=("brunel-phase",))
    sw.add_argument("--out", type=Path, required=True, help="output folder")
    sw.add_argument("--duration", type=_finite, default=500.0,
                    help="ms per point (default 500)")
    sw.add_argument("--scheduler", default=None,
                    help="a Dask scheduler address (default: a local cluster)")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")
    sw.set_defaults(func=_cmd_sweep)

    figs = sub.add_parser("figures", help="render the whole lecture figure set",
                          description="Render every lecture figure into a folder (written "
                          "whole: a failure leaves the folder as it was).")
    figs.add_argument("--out", type=Path, required=True, help="output folder")
    figs.add_argument("--format", type=_formats, default=["png"],
                      help="comma list of png,pdf,svg (default png)")
    _add_figure_options(figs, out_file=False)
    figs.add_argument("--no-progress", action="store_true", help="no progress bar")
    figs.set_defaults(func=_cmd_figures)

    models = sub.add_parser("models", help="list the models and the catalog",
                            description="List the registered neuron models and the catalog "
                            "files with a one-line description each.")
    models.set_defaults(func=_cmd_models)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(_negative_values(list(sys.argv[1:] if argv is None else argv)))
    try:
        return args.func(args)
    except CLIError as exc:
        print(f"neurosim: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InvalidInput as exc:
        print(f"neurosim: error: {_in_cli_words(exc, args.command, vars(args))}",
              file=sys.stderr)
        return EXIT_INPUT
    except (SimulationError, ResourceError) as exc:
        print(f"neurosim: error: {exc}", file=sys.stderr)
        return EXIT_RUN
    except MissingExtra as exc:
        print(f"neurosim: error: {exc}", file=sys.stderr)
        return EXIT_RUN
    except OSError as exc:
        if exc.filename is None:
            raise
        print(f"neurosim: error: --out: cannot write {exc.filename}: {exc.strerror}",
              file=sys.stderr)
        return EXIT_RUN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
