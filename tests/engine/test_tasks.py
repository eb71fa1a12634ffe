"""Each task: deterministic sampling, its labelling rule, lengths, encoding, and the need for memory."""

import numpy as np
import pytest

from app.engine.errors import InputError
from app.engine.tasks import DEFAULT_TASK, TASKS
from app.engine.topologies import TOPOLOGIES


def test_every_topology_has_a_task():
    assert set(DEFAULT_TASK) == set(TOPOLOGIES)
    assert {t.topology for t in TASKS.values()} == set(TOPOLOGIES)


RULED = [task for task in TASKS.values() if not task.reads]  # the own-data tasks: tests/engine/test_own_data.py


@pytest.mark.parametrize("task", RULED, ids=lambda t: t.id)
def test_sampling_is_deterministic_and_self_consistent(task):
    a = [task.sample(np.random.default_rng(5)) for _ in range(3)]
    b = [task.sample(np.random.default_rng(5)) for _ in range(3)]
    assert a == b
    rng = np.random.default_rng(0)
    lengths = set()
    for _ in range(300):
        ex = task.sample(rng)
        lengths.add(task.length_of(ex))
        labelled = task.label(ex.inputs, task.length_of(ex))
        assert labelled == ex.targets  # the sampler labels by the same rule a user's input gets
        assert task.input_matrix(ex.inputs).shape == (len(ex.inputs), task.input_size)
    assert (min(lengths), max(lengths)) == task.lengths  # what /api/tasks says is what it samples


@pytest.mark.parametrize("task", [t for t in TASKS.values() if t.max_length > 1], ids=lambda t: t.id)
@pytest.mark.parametrize("length", [1, 2, 7, 40])
def test_any_length_can_be_asked_for(task, length):
    ex = task.sample(np.random.default_rng(length), length)
    assert task.length_of(ex) == length


def test_sentiment_rule():
    label = TASKS["sentiment"].label
    assert label("the movie was good".split()) == ["positive"]
    assert label("the movie was not good".split()) == ["negative"]
    assert label("it was not very boring overall".split()) == ["positive"]
    assert label("the plot was not good and the acting was great".split()) == ["positive"]
    assert label("the film was long".split()) == ["neutral"]


def test_named_entity_rule():
    tags = TASKS["named_entities"].label("mr jordan visited ms paris in georgia and jordan".split())
    assert tags == ["O", "PER", "O", "O", "PER", "O", "LOC", "O", "O"]


def test_reverse_and_sine_and_sign_rules():
    assert TASKS["reverse"].label(["cat", "red", "dog"]) == ["dog", "red", "cat"]
    wave = TASKS["sine_wave"].label([[0.0]], 3)
    assert np.allclose(wave, [[0.5], [np.sqrt(3) / 2], [1.0]])  # sin 30°, 60°, 90°
    assert TASKS["same_sign"].label([[-0.5, -0.1]]) == ["same"]
    assert TASKS["same_sign"].label([[0.5, -0.1]]) == ["different"]
    assert TASKS["same_sign"].label([[1e-200, -1e-200]]) == ["different"]  # their product underflows
    assert TASKS["same_sign"].label([[0.0, -3.0]]) == ["same"]


def test_encoding_errors_name_the_item():
    sentiment = TASKS["sentiment"]
    with pytest.raises(InputError) as caught:
        sentiment.input_matrix(["the", "moovie"])
    assert caught.value.field == "inputs[1]" and "'moovie'" in caught.value.message
    assert "'movie'" in caught.value.message  # the vocabulary is listed
    with pytest.raises(InputError) as caught:
        sentiment.input_matrix(["the", [1.0, 0.0]])
    assert caught.value.field == "inputs[1]" and str(sentiment.input_size) in caught.value.message
    with pytest.raises(InputError) as caught:
        TASKS["same_sign"].input_matrix([[0.1, float("inf")]])
    assert "finite" in caught.value.message
    with pytest.raises(InputError) as caught:
        sentiment.target_array(["great"])
    assert caught.value.field == "targets[0]"
    with pytest.raises(InputError):
        sentiment.target_array([True])


def test_one_hot_vectors_read_back_as_tokens():
    task = TASKS["reverse"]
    onehot = np.eye(task.input_size)[[1, 3]].tolist()
    assert task.tokens_of(onehot) == [task.input_vocab[1], task.input_vocab[3]]
    assert task.tokens_of([[0.5] * task.input_size]) is None


def test_the_sine_seed_is_a_sine_value():
    with pytest.raises(InputError) as caught:
        TASKS["sine_wave"].label([[2.0]], 3)
    assert caught.value.field == "inputs[0]" and "-1 to 1" in caught.value.message


def test_sentences_draw_from_every_word_list_whatever_its_length():
    """The sampler picks by each list's length: a fourth opener or tail gets drawn too."""
    from app.engine.tasks import Sentiment

    class MoreWords(Sentiment):
        openers = Sentiment.openers + (("frankly",),)
        tails = Sentiment.tails + (("at", "last"),)

    task, rng = MoreWords(), np.random.default_rng(0)
    words = {w for _ in range(400) for w in task.sample(rng).inputs}
    assert {"frankly", "last"} <= words


def test_why_memory_is_there_without_docstrings():
    """`python -OO` strips docstrings; /api/tasks still says why each task needs memory."""
    import json
    import subprocess
    import sys

    code = ("import json; from app.engine.tasks import TASKS; "
            "print(json.dumps({t.id: t.describe()['why_memory'] for t in TASKS.values()}))")
    out = subprocess.run([sys.executable, "-OO", "-c", code], capture_output=True, text=True, check=True)
    why = json.loads(out.stdout)
    assert set(why) == set(TASKS) and all(len(text) > 40 for text in why.values())
    assert why == {t.id: t.describe()["why_memory"] for t in TASKS.values()}
