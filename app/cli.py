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

METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}  # how a score is printed, by its metric


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
    p.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    p.add_argument("--length", type=int)
    p.add_argument("--recurrent-scale", type=float)


def _network(args):
    """The network the flags describe; with --preset, the preset's (flags must agree with it)."""
    if getattr(args, "preset", None):
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
    sys.stdout.buffer.write(dumps(trace_json(trace(net, example, args.teacher_forcing))) + b"\n")


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


def cmd_presets(args):
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

    serve = sub.add_parser("serve", help="run the web visualizer")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=min(4, os.cpu_count() or 1),
        help="worker processes; the server is stateless, so any number serve one class "
        "(default: one per core, at most 4)",
    )
    serve.add_argument("--open", action="store_true", help="open the page in a browser")
    serve.set_defaults(run=cmd_serve)

    trace_cmd = sub.add_parser("trace", help="print one trace as JSON (the /api/trace response)")
    _add_network_args(trace_cmd)
    trace_cmd.add_argument("--inputs", help="tokens separated by spaces, or vectors like 0.5,-0.2")
    trace_cmd.add_argument("--teacher-forcing", action="store_true")
    trace_cmd.add_argument("--preset", help="a preset id (see `unroll presets`)")
    trace_cmd.set_defaults(run=cmd_trace)

    train_cmd = sub.add_parser("train", help="train on a task and save the parameters")
    _add_network_args(train_cmd)
    train_cmd.add_argument("--steps", type=int, help="default: the task's own (see docs/api.md)")
    train_cmd.add_argument("--learning-rate", type=float, help="default: the task's own")
    train_cmd.add_argument("--batch-size", type=int, help="default: the task's own")
    train_cmd.add_argument("--seconds", type=float, default=TrainSettings.seconds)
    train_cmd.add_argument("--out", required=True, help="where to write the JSON")
    train_cmd.set_defaults(run=cmd_train)

    presets_cmd = sub.add_parser("presets", help="list the shipped presets, or --build them anew")
    presets_cmd.add_argument("--build", action="store_true", help="retrain every preset (minutes)")
    presets_cmd.add_argument("--jobs", type=int, default=2)
    presets_cmd.set_defaults(run=cmd_presets)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (InputError, Diverged) as error:
        print(f"unroll: {error}", file=sys.stderr)
        sys.exit(2)
