"""Shipped presets: every task × cell, accurate on fresh examples (at their natural lengths, and
up to 100 where the task allows), what they remember 50 words back, and proof the tasks need memory."""

import numpy as np
import pytest

from app.engine.presets import (
    PRESET_CELLS,
    RECIPES,
    REPORT_LENGTHS,
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
    assert sorted(IDS) == sorted(f"{task}-{cell}" for task in TASKS for cell, _ in PRESET_CELLS)


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


# Each task's presets keep their accuracy at these lengths (R² for sine_wave). Not reverse: a
# whole sentence passes through one hidden state, and past the 12 words it trained on it fails.
KEEPS_TO_100 = ("sentiment", "named_entities", "sine_wave")


@pytest.mark.parametrize("length", [50, 100])
@pytest.mark.parametrize("preset", [p for p in IDS if p.split("-")[0] in KEEPS_TO_100])
def test_a_preset_keeps_its_accuracy_up_to_100_steps(preset, length):
    metrics = evaluate(preset_network(preset), examples=200, seed=FRESH, length=length)
    assert metrics["accuracy"] >= 0.95, metrics


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_reverse_presets_are_right_on_their_lengths_and_say_where_they_stop(cell):
    net = preset_network(f"reverse-{cell}")
    assert evaluate(net, examples=200, seed=FRESH, length=5)["accuracy"] >= 0.95
    assert evaluate(net, examples=100, seed=FRESH, length=50)["accuracy"] < 0.5  # 1/7 is chance
    assert _read(f"reverse-{cell}")["trained_lengths"] == [3, 12]


def test_each_preset_file_records_the_lengths_it_trained_on_and_its_accuracy_at_other_lengths():
    for preset in list_presets():
        task = TASKS[preset["config"]["task"]]
        assert preset["trained_lengths"] == list(RECIPES[task.id].settings.trained_lengths(task.lengths))
        assert set(preset["accuracy_by_length"]) == {str(n) for n in REPORT_LENGTHS if n <= task.max_length}
    assert [p["trained_lengths"] for p in list_presets() if p["id"].startswith("sentiment")] == [[3, 110]] * 3


def test_the_presets_table_in_the_docs_is_the_presets_own():
    from pathlib import Path

    from app.cli import presets_table

    docs = (Path(__file__).parents[2] / "docs" / "presets.md").read_text()
    assert presets_table() in docs


# 47 neutral words: clauses with no sentiment word (two of them with a 'not' of their own)
NEUTRAL = ("and it was long and the plot is new today and honestly the acting was short and it is not long "
           "and i think the film was new overall and well it is short to me and the plot was not new "
           "and it was long").split()
GAP = ["<unk>"] * 50  # fifty words the task does not know, between a 'not' and the word it flips


def verdict_and_kept(net, words):
    """The trained network's answer, and ‖dL/dh‖ at the 'not' over ‖dL/dh‖ at the last step."""
    tr = trace(net, choose_example(net, inputs=words))
    k = words.index("not") if "not" in words else 3
    return net.task.output_vocab[int(tr.records[-1].p[0].argmax())], tr.dh_norm[k] / tr.dh_norm[-1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_sentiment_preset_remembers_a_not_50_words_back(cell):
    """Trained the same way on up to 110 words, the tanh RNN remembers as the LSTM and GRU do."""
    net = preset_network(f"sentiment-{cell}")
    assert verdict_and_kept(net, "the movie was not good".split() + NEUTRAL)[0] == "negative"
    assert verdict_and_kept(net, "the movie was good".split() + NEUTRAL)[0] == "positive"
    assert verdict_and_kept(net, "the movie was not".split() + GAP + ["good"])[0] == "negative"
    assert verdict_and_kept(net, "the movie was".split() + GAP + ["good"])[0] == "positive"


def test_but_only_the_tanh_rnns_gradient_at_that_not_has_vanished():
    """What differs is learning: ‖dL/dh‖ at the 'not' 47 words before the answer is about 10⁻¹¹
    of the loss's for the tanh RNN, 10⁻⁵ for the LSTM and 10⁻⁴ for the GRU (measured), so that the
    tanh RNN could learn it only from shorter sentences first (its curriculum)."""
    sentence = "the movie was not good".split() + NEUTRAL
    kept = {cell: verdict_and_kept(preset_network(f"sentiment-{cell}"), sentence)[1] for cell in ("rnn", "lstm", "gru")}
    assert kept["rnn"] < 1e-8, kept
    assert kept["lstm"] > 1e-7 and kept["gru"] > 1e-7, kept


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
