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


@pytest.mark.parametrize("sentence,verdict", [
    ("the movie was good", "positive"),
    ("the movie was not good", "negative"),
    ("it was not very boring overall", "positive"),  # the 'not' three words before its word
    ("honestly it is not really so very fun", "negative"),
    ("the plot was not good and the acting was great", "positive"),  # the last sentiment word decides
    ("the film was long", "neutral"),
    ("it was not long and the film was good", "positive"),  # a 'not' is spent at the clause's end
    ("it was not long but the film was bad", "negative"),
    ("the film was good and it was not long", "positive"),  # nor does a later 'not' reach back
    ("the film was not good and it was long and the plot was new today", "negative"),
    ("it was not good great", "positive"),  # a 'not' flips the next sentiment word only
    ("the <unk> was not <unk> good", "negative"),  # an unknown word is neutral and ends no clause
    ("it was <unk>", "neutral"),
    ("not", "neutral"),
])
def test_sentiment_rule(sentence, verdict):
    assert TASKS["sentiment"].label(sentence.split()) == [verdict]


def test_the_sentiment_sampler_covers_every_case_of_the_rule():
    """Sampled sentences hold every case a student meets: negated or not, a 'not' spent at a
    clause's end, fillers between a 'not' and its word, no sentiment word, unknown words; and
    at a long length, verdicts that must outlast many neutral words."""
    task = TASKS["sentiment"]
    rng = np.random.default_rng(0)
    words = set(task.positive + task.negative)
    seen = set()
    for _ in range(2000):
        tokens = task.sample(rng).inputs
        clauses = " ".join(tokens).replace(" but ", " and ").split(" and ")
        for n, clause in enumerate(clauses):
            c = clause.split()
            if "not" in c and not words & set(c) and any(words & set(k.split()) for k in clauses[n + 1:]):
                seen.add("a 'not' spent before the next clause's sentiment word")
            if words & set(c):
                gap = min(c.index(w) for w in words & set(c)) - (c.index("not") if "not" in c else 99)
                seen.add("a negated sentiment word" if gap > 0 else "a sentiment word, no 'not'")
                if gap > 2:
                    seen.add("fillers between a 'not' and its word")
        if not words & set(tokens):
            seen.add("no sentiment word")
        if "<unk>" in tokens:
            seen.add("an unknown word")
    assert len(seen) == 6, seen
    far = gap = 0
    for _ in range(300):
        tokens = task.sample(rng, 100).inputs
        last = max(t for t, w in enumerate(tokens) if w in words) if words & set(tokens) else None
        far += last is not None and last < 50
        clause = " ".join(tokens[: last]).replace(" but ", " and ").split(" and ")[-1].split() if last else []
        gap += "not" in clause and len(clause) - clause.index("not") > 50
    assert far > 30  # more than a tenth decided 50 words or more before the end
    assert gap > 10  # and some by a 'not' more than 50 words before its sentiment word


def test_named_entity_rule_reads_an_unknown_word_as_a_name():
    tags = TASKS["named_entities"].label("mr <unk> met dr <unk> in <unk> and <unk> saw the <unk>".split())
    assert tags == ["O", "PER", "O", "O", "PER", "O", "LOC", "O", "O", "O", "O", "O"]


def test_any_typed_word_is_read_folded_or_as_unk():
    task = TASKS["sentiment"]
    assert task.tokens_of(["Bad!", "NOT", "“good”", "terrible", "don't", "<unk>", "42"]) == [
        "bad", "not", "good", "<unk>", "<unk>", "<unk>", "<unk>"]
    x = task.input_matrix(["It", "was", "terrible."])
    assert x[2, task.input_vocab.index("<unk>")] == 1.0 and x.sum() == 3
    assert task.input_vocab[-1] == "<unk>" and task.input_size == len(task.input_vocab)
    assert TASKS["named_entities"].tokens_of(["Mr.", "Smith"]) == ["mr", "<unk>"]
    reverse = TASKS["reverse"]
    assert "<unk>" in reverse.output_vocab and reverse.label(reverse.tokens_of(["Cat", "zebra"])) == ["<unk>", "cat"]
    # Every word task has a rule for <unk>; a text's characters have none (an unknown character
    # is refused, tests/engine/test_own_data.py), nor have the tasks that read vectors.
    words = [t for t in TASKS.values() if t.input_vocab and not t.reads]
    assert words and all(t.unk for t in words)
    assert not any(t.unk for t in TASKS.values() if t not in words)


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
        sentiment.input_matrix(["the", "movie", "—!"])
    assert caught.value.field == "inputs[2]" and "'—!' has no letter or digit" in caught.value.message
    assert len(caught.value.message) < 80  # no vocabulary listed
    with pytest.raises(InputError) as caught:
        TASKS["same_sign"].input_matrix(["good"])
    assert caught.value.field == "inputs[0]" and "reads vectors" in caught.value.message
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
