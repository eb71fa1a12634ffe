"""Trained presets: one per task × {rnn (tanh), lstm, gru}, shipped as JSON in `presets/`.

Each file holds the configuration the parameters were trained with (a valid trace request
once a seed is added), the training recipe and the lengths it trained on, the metrics on fresh
examples (at the task's natural lengths, and at REPORT_LENGTHS), and the params.
`unroll presets --build` retrains every preset from its recipe, deterministically: this module
trains and returns records, the command writes them (in the wire format, `app.wire`).
"""

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .cells import CELLS
from .config import Phase, TrainSettings
from .errors import InputError
from .network import Network, build_network
from .tasks import TASKS
from .train import Training, check_settings, evaluate

PRESET_DIR = Path(__file__).parent / "presets"
# Every cell with its default activation (the first it accepts): rnn (tanh), lstm, gru.
PRESET_CELLS = tuple((cell.id, cell.activations[0]) for cell in CELLS.values())
EVAL_SEED = 12345  # the fresh examples a preset's accuracy is measured on
REPORT_LENGTHS = (10, 50, 100)  # a preset's accuracy is also measured at these lengths (where allowed)
# Each build process runs its BLAS on one thread: two processes on two cores already use both, and
# BLAS threads on top fight over them (a (16, 3200) @ (3200, 36) product then takes 100× longer).
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Recipe:
    hidden_size: int
    settings: TrainSettings
    seed: int = 0  # initialisation and mini-batch sampling


def curriculum(*phases: Phase, **settings) -> TrainSettings:
    """Settings that train phase after phase, `steps` their sum, bounded at 600 s."""
    return TrainSettings(steps=sum(p.steps for p in phases), curriculum=phases, seconds=600, **settings)


RECIPES = {
    "same_sign": Recipe(8, TrainSettings(steps=400, learning_rate=0.03, seconds=600)),
    "sine_wave": Recipe(16, TrainSettings(steps=1200, learning_rate=0.01, seconds=600)),
    # natural sentences first, then ever longer ones: a verdict must outlast 100 words, and a
    # 'not' flip a sentiment word 100 words after it
    "sentiment": Recipe(16, curriculum(Phase(600), Phase(600, (3, 40)), Phase(1000, (3, 110)),
                                       learning_rate=0.005)),
    "named_entities": Recipe(16, curriculum(Phase(300), Phase(300, (4, 100)), learning_rate=0.01)),
    # reversing is hard past a dozen words (everything passes through one hidden state of 32)
    "reverse": Recipe(32, curriculum(Phase(1000), Phase(1500, (3, 8)), Phase(2500, (3, 12)),
                                     learning_rate=0.01)),
}


def preset_id(task: str, cell: str) -> str:
    return f"{task}-{cell}"


class StoppedOnTime(RuntimeError):
    """A preset's training hit its `seconds` bound before its steps: it is not its recipe."""


@dataclass(frozen=True)
class TrainedPreset:
    id: str
    network: Network  # the trained parameters
    metrics: dict  # `evaluate` on fresh examples (EVAL_SEED) of the task's natural lengths
    training: dict  # the recipe as it ran: seed and every setting, `seconds` its bound
    trained_lengths: tuple[int, int]  # the shortest and longest examples it trained on
    accuracy_by_length: dict[int, float]  # length -> accuracy (R²) on fresh examples that long


def train_preset(
    task: str, cell: str, activation: str = "tanh", recipe: Recipe | None = None
) -> TrainedPreset:
    """Train one preset from its recipe, every step of it; StoppedOnTime if the `seconds` bound
    cut it short (a slow machine), so that no file claims a recipe it did not run."""
    recipe = recipe or RECIPES[task]
    config = {
        "topology": TASKS[task].topology,
        "cell": cell,
        "activation": activation,
        "hidden_size": recipe.hidden_size,
        "task": task,
    }
    net = build_network(**config, seed=recipe.seed)
    check_settings(net, recipe.settings, live=False)
    training = Training(net, recipe.settings, recipe.seed)
    for _ in training:
        pass
    settings = recipe.settings
    if training.steps_done < settings.steps:
        raise StoppedOnTime(
            f"preset {preset_id(task, cell)} stopped after {training.steps_done} of its {settings.steps} "
            f"steps: its {settings.seconds} s ran out (a slower machine?); nothing was written for it"
        )
    net = training.network
    by_length = {length: evaluate(net, seed=EVAL_SEED, length=length)["accuracy"]
                 for length in REPORT_LENGTHS if length <= net.task.max_length}
    return TrainedPreset(preset_id(task, cell), net, evaluate(net, seed=EVAL_SEED),
                         {"seed": recipe.seed, **asdict(settings)},
                         settings.trained_lengths(net.task.lengths), by_length)


def _train_job(job) -> TrainedPreset:
    return train_preset(*job)


def train_all(jobs: int = 2):
    """Retrain every preset from its recipe on `jobs` processes (fresh ones, one BLAS thread
    each); yields each TrainedPreset as it finishes (in a fixed order), for the caller to write
    to PRESET_DIR and then `forget()`."""
    work = [(task, cell, act) for task in RECIPES for cell, act in PRESET_CELLS]
    saved = {name: os.environ.get(name) for name in ONE_BLAS_THREAD}
    os.environ.update(ONE_BLAS_THREAD)  # read by each worker as it imports NumPy
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield from pool.map(_train_job, work)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def forget():
    """Read PRESET_DIR afresh next time (after presets were written)."""
    preset_ids.cache_clear()
    _read.cache_clear()


@cache
def _read(preset: str) -> dict:
    return json.loads((PRESET_DIR / f"{preset}.json").read_text())


@cache
def preset_ids() -> tuple[str, ...]:
    """The shipped presets, read from PRESET_DIR once (build_all forgets them)."""
    return tuple(sorted(path.stem for path in PRESET_DIR.glob("*.json")))


SUMMARY = ("id", "config", "accuracy", "metric", "trained_lengths", "accuracy_by_length")


def list_presets() -> list[dict]:
    """Every shipped preset as {id, config, accuracy, metric, trained_lengths, accuracy_by_length}."""
    return [{k: _read(p)[k] for k in SUMMARY} for p in preset_ids()]


def load_preset(preset: str) -> dict:
    """A shipped preset's summary (see list_presets) and its params; KeyError when there is none."""
    if preset not in preset_ids():
        raise KeyError(preset)
    return {k: _read(preset)[k] for k in SUMMARY + ("params",)}


def preset_network(preset: str, seed: int = 0, task_data: dict | None = None, **explicit) -> Network:
    """The preset's network, ready to trace; a configuration field given in `explicit` (and not
    None) must agree with the preset's, and `task_data` is refused as by any built-in task."""
    try:
        data = load_preset(preset)
    except KeyError:
        raise InputError("preset", f"unknown preset {preset!r}; allowed {list(preset_ids())}") from None
    for field, value in explicit.items():
        if value is not None and value != data["config"][field]:
            raise InputError(field, f"preset {preset} was trained with {field} = {data['config'][field]!r}")
    return build_network(**data["config"], seed=seed, params=data["params"], task_data=task_data)
