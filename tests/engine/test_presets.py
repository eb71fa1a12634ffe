"""Shipped presets: every task × cell, accurate on fresh examples, and proof the tasks need memory."""

import numpy as np
import pytest

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
from app.engine.train import evaluate
from app.wire import preset_json

FRESH = 2026  # not the seed the stored accuracy was measured on
IDS = [p["id"] for p in list_presets()]


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


def test_a_preset_is_reproduced_exactly_by_its_recipe():
    shipped = load_preset("same_sign-rnn")
    retrained = preset_json(train_preset("same_sign", "rnn"))
    assert retrained["params"] == shipped["params"]
    assert retrained["accuracy"] == shipped["accuracy"]


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
