"""The `unroll` command (also `python -m app`): serve, trace, train, presets."""

import argparse
import json
import os
import sys
from pathlib import Path

from .engine import config, presets
from .engine.cells import ACTIVATIONS, CELLS
from .engine.config import TrainSettings, training_settings
from .engine.errors import Diverged, InputError
from .engine.network import build_network
from .engine.presets import preset_network
from .engine.tasks import TASKS
from .engine.topologies import TOPOLOGIES
from .engine.trace import choose_example, trace
from .engine.train import Training, check_settings, final_metrics
from .wire import dumps, preset_json, trace_json, trained_json

CONFIG_FIELDS = ("topology", "cell", "activation", "hidden_size", "task")  # of a saved training
METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}  # how a score is printed, by its metric
MAX_WORKERS = 64  # worker processes `unroll serve` starts at most


class HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """--help says each option's default, where it has one worth saying."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def bounded_int(low: int, high: int):
    """An argparse type: a whole number from `low` to `high`, or a message that says so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low} to {high}, got {value}")
        return value

    return parse


def parse_inputs(text: str | None):
    """'the movie was good' -> tokens; '0.5,-0.2 0.1,0.3' -> one vector per space-separated step."""
    if text is None:
        return None
    steps = []
    for item in text.split():
        try:
            steps.append([float(v) for v in item.split(",")])
        except ValueError:
            steps.append(item)
    return steps


def _add_network_args(p: argparse.ArgumentParser):
    p.add_argument("--topology", choices=list(TOPOLOGIES), help="default: the task's topology")
    p.add_argument("--task", choices=list(TASKS), help="default: the topology's first task")
    p.add_argument("--cell", choices=list(CELLS), help=f"default: {config.DEFAULT_CELL}")
    p.add_argument("--activation", choices=list(ACTIVATIONS), help=f"default: {config.DEFAULT_ACTIVATION}")
    p.add_argument("--hidden-size", type=int, help=f"default: {config.DEFAULT_HIDDEN}")
    p.add_argument("--seed", type=int, default=config.DEFAULT_SEED,
                   help="initialisation and sampled examples")
    p.add_argument("--length", type=int, help="input steps (one_to_many: outputs; seq2seq: source steps); "
                   "default: the task's natural lengths")
    p.add_argument("--recurrent-scale", type=float, help="spectral radius of each gate block of W_hh; "
                   "default: PyTorch's initialisation")


def saved_network(path: Path, seed: int, **explicit):
    """The network of a file written by `unroll train --out` (its config and params); a flag
    given beside it must agree with its config."""
    try:
        saved = json.loads(path.read_text())
        config, params = saved["config"], saved["params"]
        config = {field: config[field] for field in CONFIG_FIELDS}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise InputError("--preset", f"{path} is not a training saved by `unroll train --out` "
                         "(a JSON file with its config and params)") from None
    for field, value in explicit.items():
        if value is not None and value != config[field]:
            raise InputError(field, f"{path} was trained with {field} = {config[field]!r}")
    return build_network(**config, seed=seed, params=params)


def _network(args):
    """The network the flags describe; with --preset, the preset's or the saved training's (flags
    must agree with it)."""
    preset = getattr(args, "preset", None)
    if preset and preset.endswith(".json") and not Path(preset).is_file():
        raise InputError("--preset", f"no file {preset} (give a preset id, or a file saved by "
                         "`unroll train --out`)")
    if preset and Path(preset).is_file():
        return saved_network(
            Path(preset), args.seed, topology=args.topology, task=args.task, cell=args.cell,
            activation=args.activation, hidden_size=args.hidden_size,
        )
    if preset:
        return preset_network(
            args.preset, args.seed, topology=args.topology, task=args.task, cell=args.cell,
            activation=args.activation, hidden_size=args.hidden_size,
        )
    topology = args.topology or (TASKS[args.task].topology if args.task else config.DEFAULT_TOPOLOGY)
    return build_network(
        topology, args.cell or config.DEFAULT_CELL, args.activation or config.DEFAULT_ACTIVATION,
        config.DEFAULT_HIDDEN if args.hidden_size is None else args.hidden_size, args.task, args.seed,
        args.recurrent_scale,
    )


def cmd_trace(args):
    net = _network(args)
    example = choose_example(net, parse_inputs(args.inputs), None, args.length, args.seed)
    data = trace_json(trace(net, example, args.teacher_forcing))
    sys.stdout.buffer.write(dumps(data, indent=args.indent) + b"\n")


def cmd_train(args):
    net = _network(args)
    settings = training_settings(
        net.task.id, steps=args.steps, learning_rate=args.learning_rate, batch_size=args.batch_size,
        seconds=args.seconds, length=args.length,
    )
    check_settings(net, settings, live=False)
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InputError("--out", f"{args.out} is not a file in an existing folder")
    training = Training(net, settings, args.seed)
    for progress in training:
        if progress.step % max(1, settings.steps // 20) == 0 or progress.step == settings.steps:
            print(
                f"step {progress.step:5}  loss {progress.loss:.4f}  "
                f"{METRIC_NAMES[progress.metric]} {progress.accuracy:.3f}  |grad| {progress.grad_norm:.3g}",
                file=sys.stderr,
            )
    metrics = final_metrics(training.network, args.seed, args.length, deadline=training.deadline)
    if "diverged" in metrics:
        print(f"fresh examples: {metrics['diverged']}", file=sys.stderr)
    else:
        print(f"fresh examples: loss {metrics['loss']:.4f}  {METRIC_NAMES[metrics['metric']]} "
              f"{metrics['accuracy']:.3f}  ({metrics['examples']} examples)", file=sys.stderr)
    out.write_text(json.dumps(trained_json(training.network, metrics)))
    print(f"saved {args.out}", file=sys.stderr)


def presets_table() -> str:
    """The shipped presets as a Markdown table (docs/presets.md): the lengths each trained on, its
    score at the task's natural lengths and at REPORT_LENGTHS (accuracy; R² for a regression task)."""
    lengths = presets.REPORT_LENGTHS
    rows = ["| preset | metric | trained on | natural lengths | "
            + " | ".join(f"length {n}" for n in lengths) + " |", "|---" * (4 + len(lengths)) + "|"]
    for preset in presets.list_presets():
        task = TASKS[preset["config"]["task"]]
        by_length = preset["accuracy_by_length"]
        scores = [f"{by_length[str(n)]:.3f}" if str(n) in by_length else "—" for n in lengths]
        low, high = preset["trained_lengths"]
        natural = f"{preset['accuracy']:.3f} ({task.lengths[0]}–{task.lengths[1]})"
        rows.append(f"| {preset['id']} | {METRIC_NAMES[preset['metric']]} | {low}–{high} | {natural} | "
                    + " | ".join(scores) + " |")
    return "\n".join(rows) + "\n"


def cmd_presets(args):
    if args.table:
        sys.stdout.write(presets_table())
        return
    if args.build:
        presets.PRESET_DIR.mkdir(exist_ok=True)
        try:
            for preset in presets.train_all(args.jobs):
                (presets.PRESET_DIR / f"{preset.id}.json").write_text(json.dumps(preset_json(preset)))
                metric = METRIC_NAMES[preset.metrics["metric"]]
                print(f"{preset.id:28} {metric:8} {preset.metrics['accuracy']:.4f}", flush=True)
        except presets.StoppedOnTime as error:
            print(f"unroll: {error}", file=sys.stderr)
            sys.exit(1)
        finally:
            presets.forget()
        return
    for preset in presets.list_presets():
        print(f"{preset['id']:28} {METRIC_NAMES[preset['metric']]:8} {preset['accuracy']:.4f}")
    if not presets.preset_ids():
        print("no presets: run `unroll presets --build`")


def cmd_serve(args):
    import uvicorn

    from .server import SERVER_OPTIONS

    if args.open:
        import threading
        import webbrowser

        url = f"http://{args.host}:{args.port}"
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.run(
        "app.main:app", host=args.host, port=args.port, workers=args.workers, log_level="info",
        **SERVER_OPTIONS,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unroll", description="Recurrent networks, unrolled.")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, help):
        return sub.add_parser(name, help=help, description=help, formatter_class=HelpWithDefaults)

    serve = command("serve", "run the web visualizer")
    serve.add_argument("--host", default="127.0.0.1", help="0.0.0.0 lets other machines (a class) reach it")
    serve.add_argument("--port", type=bounded_int(1, 65535), default=8000, help="TCP port")
    serve.add_argument(
        "--workers", type=bounded_int(1, MAX_WORKERS), default=min(4, os.cpu_count() or 1),
        help="worker processes; the server is stateless, so any number serve one class "
        "(one per core, at most 4, unless given)",
    )
    serve.add_argument("--open", action="store_true", help="open the page in a browser")
    serve.set_defaults(run=cmd_serve)

    trace_cmd = command("trace", "print one trace as JSON (the /api/trace response)")
    _add_network_args(trace_cmd)
    trace_cmd.add_argument("--inputs", help="tokens separated by spaces, or vectors like 0.5,-0.2")
    trace_cmd.add_argument("--teacher-forcing", action="store_true",
                           help="feed back targets, not predictions")
    trace_cmd.add_argument("--preset", help="a preset id (see `unroll presets`), or a file saved by "
                           "`unroll train --out`")
    trace_cmd.add_argument("--indent", action="store_true", help="indent the JSON, two spaces a level")
    trace_cmd.set_defaults(run=cmd_trace)

    train_cmd = command("train", "train on a task and save the parameters")
    _add_network_args(train_cmd)
    for flag, kind, words in (("--steps", int, "Adam steps, a mini-batch each"),
                              ("--learning-rate", float, "Adam's step size"),
                              ("--batch-size", int, "examples a step")):
        field = flag[2:].replace("-", "_")
        own = ", ".join(f"{task} {getattr(training_settings(task), field)}" for task in TASKS
                        if not TASKS[task].reads)
        train_cmd.add_argument(flag, type=kind, help=f"{words}; default: the task's own ({own})")
    train_cmd.add_argument("--seconds", type=float, default=TrainSettings.seconds,
                           help="stop after this long")
    train_cmd.add_argument("--out", required=True,
                           help="where to write the JSON (then `unroll trace --preset FILE`)")
    train_cmd.set_defaults(run=cmd_train)

    presets_cmd = command("presets", "list the shipped presets, or --build them anew")
    presets_cmd.add_argument("--build", action="store_true", help="retrain every preset (minutes)")
    presets_cmd.add_argument("--jobs", type=bounded_int(1, MAX_WORKERS), default=2,
                             help="processes training at once")
    presets_cmd.add_argument("--table", action="store_true",
                             help="print each preset's lengths and scores, as docs/presets.md shows them")
    presets_cmd.set_defaults(run=cmd_presets)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (InputError, Diverged) as error:
        print(f"unroll: {error}", file=sys.stderr)
        sys.exit(2)
