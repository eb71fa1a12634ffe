"""Trained presets: one per task × {rnn (tanh), lstm, gru}, shipped as JSON in `presets/`.

Each file holds the configuration the parameters were trained with (a valid trace request
once a seed is added), the training recipe, the metrics on fresh examples, and the params.
`unroll presets --build` retrains every preset from its recipe, deterministically: this module
trains and returns records, the command writes them (in the wire format, `app.wire`).
"""

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .cells import CELLS
from .config import TrainSettings
from .errors import InputError
from .network import Network, build_network
from .tasks import TASKS
from .train import Training, evaluate

PRESET_DIR = Path(__file__).parent / "presets"
# Every cell with its default activation (the first it accepts): rnn (tanh), lstm, gru.
PRESET_CELLS = tuple((cell.id, cell.activations[0]) for cell in CELLS.values())
EVAL_SEED = 12345  # the fresh examples a preset's accuracy is measured on


@dataclass(frozen=True)
class Recipe:
    hidden_size: int
    settings: TrainSettings
    seed: int = 0  # initialisation and mini-batch sampling


RECIPES = {
    "same_sign": Recipe(8, TrainSettings(steps=400, learning_rate=0.03, seconds=600)),
    "sine_wave": Recipe(16, TrainSettings(steps=1200, learning_rate=0.01, seconds=600)),
    "sentiment": Recipe(16, TrainSettings(steps=600, learning_rate=0.01, seconds=600)),
    "named_entities": Recipe(16, TrainSettings(steps=400, learning_rate=0.01, seconds=600)),
    "reverse": Recipe(32, TrainSettings(steps=1500, learning_rate=0.01, seconds=600)),
}


def preset_id(task: str, cell: str) -> str:
    return f"{task}-{cell}"


class StoppedOnTime(RuntimeError):
    """A preset's training hit its `seconds` bound before its steps: it is not its recipe."""


@dataclass(frozen=True)
class TrainedPreset:
    id: str
    network: Network  # the trained parameters
    metrics: dict  # `evaluate` on fresh examples (EVAL_SEED)
    training: dict  # the recipe as it ran: seed and every setting, `seconds` its bound


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
    training = Training(build_network(**config, seed=recipe.seed), recipe.settings, recipe.seed)
    for _ in training:
        pass
    settings = recipe.settings
    if training.steps_done < settings.steps:
        raise StoppedOnTime(
            f"preset {preset_id(task, cell)} stopped after {training.steps_done} of its {settings.steps} "
            f"steps: its {settings.seconds} s ran out (a slower machine?); nothing was written for it"
        )
    metrics = evaluate(training.network, seed=EVAL_SEED)
    return TrainedPreset(preset_id(task, cell), training.network, metrics,
                         {"seed": recipe.seed, **asdict(settings)})


def _train_job(job) -> TrainedPreset:
    return train_preset(*job)


def train_all(jobs: int = 2):
    """Retrain every preset from its recipe on `jobs` processes; yields each TrainedPreset as it
    finishes (in a fixed order), for the caller to write to PRESET_DIR and then `forget()`."""
    work = [(task, cell, act) for task in RECIPES for cell, act in PRESET_CELLS]
    with ProcessPoolExecutor(jobs) as pool:
        yield from pool.map(_train_job, work)


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


def list_presets() -> list[dict]:
    """Every shipped preset as {id, config, accuracy, metric}."""
    return [{k: _read(p)[k] for k in ("id", "config", "accuracy", "metric")} for p in preset_ids()]


def load_preset(preset: str) -> dict:
    """{id, config, params, accuracy, metric} of a shipped preset; KeyError when there is none."""
    if preset not in preset_ids():
        raise KeyError(preset)
    return {k: _read(preset)[k] for k in ("id", "config", "params", "accuracy", "metric")}


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
