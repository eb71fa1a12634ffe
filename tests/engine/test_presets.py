"""Shipped presets: every task × cell, accurate on fresh examples (at their natural lengths, and
up to 100 where the task allows), what they remember 50 words back, and proof the tasks need memory.

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
    REPORT_LENGTHS,
    _read,
    list_presets,
    load_preset,
    preset_network,
    train_preset,
)
from app.engine.tasks import TASKS
from app.engine.trace import choose_example, trace
from app.engine.train import Training, evaluate
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


# These presets keep their accuracy to 100 steps (R² for sine_wave). Not reverse: a whole
# sentence passes through one hidden state, and past the 12 words it trained on it fails; nor the
# shipped sentiment-rnn, which loses a 'not' far back (see test_the_shipped_tanh_rnn_does_not).
KEEPS_TO_100 = [p for p in IDS if p.split("-")[0] in ("named_entities", "sine_wave")
                or p in ("sentiment-lstm", "sentiment-gru")]


@pytest.mark.parametrize("length", [50, 100])
@pytest.mark.parametrize("preset", KEEPS_TO_100)
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
# 64 words, decided by 'not great' 53 words before the end; many 'not's follow, in neutral clauses
LESSON = ("i think the plot was not awful and the acting was not great and the acting is not <unk> but it "
          "is <unk> so short and it was not really very long and well the acting is not long and the film "
          "was not so so short but i think the plot is not so really very short and it is not new today").split()


def verdict(net, words) -> str:
    """The trained network's answer after the last word."""
    return net.task.output_vocab[int(trace(net, choose_example(net, inputs=words)).records[-1].p[0].argmax())]


def far_nots(task, n=300):
    """Fresh 100-word sentences whose verdict hangs on a 'not' far back: more than 10 words
    before its sentiment word, or that word more than 50 words from the end."""
    rng = np.random.default_rng([FRESH, 2])
    words, chosen = set(task.positive + task.negative), []
    for _ in range(n):
        example = task.sample(rng, 100)
        tokens = example.inputs
        last = max((t for t, w in enumerate(tokens) if w in words), default=None)
        if last is None:
            continue
        clause = " ".join(tokens[:last]).replace(" but ", " and ").split(" and ")[-1].split()
        gap = len(clause) - clause.index("not") if "not" in clause else 0
        if gap and (gap > 10 or len(tokens) - 1 - last > 50):
            chosen.append(example)
    return chosen


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_sentiment_presets_remember_a_not_50_words_back(cell):
    """The shipped weights of all three cells, the tanh RNN's too (docs/presets.md, memory): it
    is how reliably a tanh RNN *learns* this that differs, not whether these weights do."""
    net = preset_network(f"sentiment-{cell}")
    assert verdict(net, "the movie was not good".split() + NEUTRAL) == "negative"
    assert verdict(net, "the movie was good".split() + NEUTRAL) == "positive"
    assert verdict(net, "the movie was not".split() + GAP + ["good"]) == "negative"
    assert verdict(net, "the movie was".split() + GAP + ["good"]) == "positive"
    assert verdict(net, LESSON) == net.task.label(LESSON)[0] == "negative"
    examples = far_nots(net.task)
    assert len(examples) > 50
    assert sum(verdict(net, ex.inputs) == ex.targets[0] for ex in examples) >= 0.95 * len(examples)





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
