"""Shipped presets: every task × cell, accurate on fresh examples, and proof the tasks need memory.

A rebuild (`unroll presets --build`) runs each recipe again. On one machine it gives the same
params to the last bit; on another CPU NumPy's `tanh` differs in the last bit (docs/maths.md
§Exact), so a recipe's first steps agree within a tolerance (`recipe_prefixes.json`, recorded
with `python -m tests.engine.test_presets`), a short training ends within 1e-10 of the shipped
params, and a long seq2seq training ends at other weights of the same quality.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from app.engine.network import build_network
from app.engine.presets import (
    PRESET_CELLS,
    RECIPES,
    _read,
    list_presets,
    load_preset,
    preset_network,
    train_preset,
)
from app.engine.tasks import TASKS
from app.engine.trace import choose_example, trace
from app.engine.train import Training, evaluate
from app.wire import preset_json
from tests.close import differences

FRESH = 2026  # not the seed the stored accuracy was measured on
IDS = [p["id"] for p in list_presets()]
PREFIXES = Path(__file__).with_name("recipe_prefixes.json")
PREFIX_STEPS = 10  # the first steps of every recipe, recorded


def test_a_preset_for_every_task_and_cell():
    """Every task with a rule and data of its own (not text, series, vectors: they come with the request)."""
    own = [task for task in TASKS if not TASKS[task].reads]
    assert sorted(IDS) == sorted(f"{task}-{cell}" for task in own for cell, _ in PRESET_CELLS)


@pytest.mark.parametrize("preset", IDS)
def test_preset_is_accurate_on_fresh_examples(preset):
    net = preset_network(preset)
    metrics = evaluate(net, examples=400, seed=FRESH)
    assert metrics["accuracy"] >= 0.95, metrics  # R² for the regression task
    config = load_preset(preset)["config"]
    assert config["task"] == net.task.id and trace(net, choose_example(net, seed=1)).loss >= 0


@pytest.mark.parametrize("task", [t for t in RECIPES if TASKS[t].max_length > 1])
def test_a_plain_rnn_does_clearly_worse_without_memory(task):
    """W_hh = 0 cuts every step off the past; h_t then depends on x_t alone."""
    net = preset_network(f"{task}-rnn")
    with_memory = evaluate(net, examples=400, seed=FRESH)["accuracy"]
    for params in [net.params[p] for p in ("encoder", "decoder") if p in net.params] or [net.params]:
        params["W_hh"] = np.zeros_like(params["W_hh"])
    without = evaluate(net, examples=400, seed=FRESH)["accuracy"]
    assert without < with_memory - 0.25, (with_memory, without)


def recipe_prefix(task: str, cell: str, activation: str) -> list[list[float]]:
    """(loss, accuracy, grad_norm) of the first PREFIX_STEPS steps of a preset's recipe."""
    recipe = RECIPES[task]
    config = {"topology": TASKS[task].topology, "cell": cell, "activation": activation,
              "hidden_size": recipe.hidden_size, "task": task}
    training = Training(build_network(**config, seed=recipe.seed), recipe.settings, recipe.seed)
    prefix = []
    for progress in training:
        prefix.append([progress.loss, progress.accuracy, progress.grad_norm])
        if len(prefix) == PREFIX_STEPS:
            return prefix
    return prefix


@pytest.mark.parametrize("task,cell,activation", [(t, c, a) for t in RECIPES for c, a in PRESET_CELLS])
def test_every_recipe_starts_as_recorded(task, cell, activation):
    """The examples, the initialisation and Adam of every recipe, step by step, on any CPU."""
    recorded = json.loads(PREFIXES.read_text())[f"{task}-{cell}"]
    problems = differences(recipe_prefix(task, cell, activation), recorded)
    assert not problems, problems[:5]


def test_a_rebuild_gives_the_shipped_preset():
    """same_sign-rnn (one step, 400 Adam steps): within 1e-10 of the shipped params on any CPU
    (the two NumPy paths measured 2.5e-15 apart), and its accuracy."""
    shipped = load_preset("same_sign-rnn")
    retrained = preset_json(train_preset("same_sign", "rnn"))
    problems = differences(retrained["params"], shipped["params"])
    assert not problems, problems[:5]
    assert retrained["accuracy"] == pytest.approx(shipped["accuracy"], abs=0.005)


def record():
    prefixes = {f"{task}-{cell}": recipe_prefix(task, cell, activation)
                for task in RECIPES for cell, activation in PRESET_CELLS}
    PREFIXES.write_text(json.dumps(prefixes, indent=1) + "\n")
    print(f"recorded the first {PREFIX_STEPS} steps of {len(prefixes)} recipes in {PREFIXES}")


def test_each_preset_records_its_metric_and_the_bound_it_trained_under():
    for preset in list_presets():
        task = TASKS[preset["config"]["task"]]
        assert preset["metric"] == ("r2" if task.kind == "regression" else "accuracy")
        recorded = _read(preset["id"])["training"]
        assert recorded["seconds"] == RECIPES[task.id].settings.seconds == 600
        assert recorded["steps"] == RECIPES[task.id].settings.steps


def test_a_preset_that_stops_on_time_fails_loudly():
    from dataclasses import replace

    from app.engine.presets import Recipe, StoppedOnTime

    slow = Recipe(8, replace(RECIPES["same_sign"].settings, steps=5000, seconds=0.05))
    with pytest.raises(StoppedOnTime, match="same_sign-rnn stopped after .* of its 5000 steps"):
        train_preset("same_sign", "rnn", recipe=slow)


if __name__ == "__main__":
    record()
