"""The tasks that carry their data in the request: text, series, vectors (app/engine/own_data.py)."""

from dataclasses import replace

import numpy as np
import pytest

from app.engine.config import MAX_SERIES, MAX_TEXT, MAX_TEXT_VOCAB, TrainSettings
from app.engine.errors import InputError
from app.engine.network import build_network, checked_task
from app.engine.own_data import ALICE, DATA_FIELDS
from app.engine.tasks import TASKS
from app.engine.trace import choose_example, trace
from app.engine.train import Training, check_settings, evaluate
from app.engine.tree import leaves

from .helpers import replay_loss
from .test_gradcheck import numeric_grads, relative_error

TEXT = "the cat sat on the mat. the dog sat on the log."


def test_the_registry_holds_them_and_the_defaults_are_unchanged():
    assert {"text", "series", "vectors"} <= set(TASKS)
    assert set(DATA_FIELDS) == {"text", "series", "input_size", "output_size", "kind"}
    assert TASKS["text"].topologies == ("many_to_many", "one_to_many")
    assert TASKS["series"].topologies == ("many_to_one", "many_to_many")
    assert TASKS["sentiment"].topologies == ("many_to_one",) and TASKS["sentiment"].reads == ()
    assert checked_task("many_to_one", None).id == "sentiment"  # the topology's default task


def test_text_vocabulary_is_its_characters_in_code_point_order():
    task = checked_task("many_to_many", "text", {"text": TEXT})
    assert task.input_vocab == task.output_vocab == tuple(sorted(set(TEXT)))
    assert task.input_size == task.output_size == len(set(TEXT)) == 14
    assert task.max_length == len(TEXT) - 1 and task.lengths == (32, 32)
    short = checked_task("many_to_many", "text", {"text": "abcab"})
    assert short.lengths == (4, 4) and short.max_length == 4  # a window and the character after it


def test_text_windows_are_the_text_and_what_follows():
    task = checked_task("many_to_many", "text", {"text": TEXT})
    rng = np.random.default_rng(3)
    for _ in range(50):
        ex = task.sample(rng, 10)
        window = "".join(ex.inputs)
        i = TEXT.find(window + ex.targets[-1])
        assert i >= 0 and "".join(ex.targets) == TEXT[i + 1 : i + 11]
    assert task.sample(np.random.default_rng(3), 10) == task.sample(np.random.default_rng(3), 10)
    seeded = checked_task("one_to_many", "text", {"text": TEXT})
    ex = seeded.sample(np.random.default_rng(1), 6)
    assert len(ex.inputs) == 1 and seeded.length_of(ex) == 6
    assert TEXT.find(ex.inputs[0] + "".join(ex.targets)) >= 0


def test_typed_text_is_labelled_by_the_next_character():
    task = checked_task("many_to_many", "text", {"text": TEXT})
    assert task.label(list("cat")) == ["a", "t", None]  # nothing typed after the last one
    seeded = checked_task("one_to_many", "text", {"text": TEXT})
    assert seeded.label(["d"], 4) == list("og s")  # the text after the seed's first appearance
    assert seeded.label(["g"], 4) == list(" sat")
    ends = checked_task("one_to_many", "text", {"text": "abcd"})
    assert ends.label(["c"], 3) == ["d", None, None]  # the text ends: no target after it


def test_a_character_outside_the_text_is_refused_naming_it():
    net = build_network("many_to_many", "rnn", task="text", task_data={"text": TEXT})
    with pytest.raises(InputError) as caught:
        choose_example(net, inputs=list("cab"))
    assert caught.value.field == "inputs[2]" and "'b'" in caught.value.message


def test_text_limits_name_the_field():
    with pytest.raises(InputError) as caught:
        checked_task("many_to_many", "text", {"text": "".join(chr(33 + k) for k in range(100))})
    assert caught.value.field == "text" and "100 distinct characters" in caught.value.message
    assert str(MAX_TEXT_VOCAB) in caught.value.message
    for text in ("a", "x" * (MAX_TEXT + 1)):
        with pytest.raises(InputError) as caught:
            checked_task("many_to_many", "text", {"text": text})
        assert caught.value.field == "text"
    assert checked_task("many_to_many", "text", {"text": "".join(chr(32 + k) for k in range(96))})


def test_a_field_another_task_reads_is_refused():
    with pytest.raises(InputError) as caught:
        checked_task("many_to_one", "sentiment", {"text": "hello"})
    assert caught.value.field == "text" and "text" in caught.value.message
    with pytest.raises(InputError) as caught:
        checked_task("many_to_many", "text", {"series": [1.0, 2.0]})
    assert caught.value.field == "series"
    with pytest.raises(InputError) as caught:
        checked_task("seq2seq", "text", {})
    assert caught.value.field == "task"


def test_series_is_normalised_by_its_mean_and_std():
    series = [10.0, 12.0, 14.0, 12.0, 10.0, 12.0, 14.0, 12.0]
    task = checked_task("many_to_one", "series", {"series": series})
    mean, std = np.mean(series), np.std(series)
    assert task.normalisation == {"mean": mean, "std": std} == {"mean": 12.0, "std": np.sqrt(2.0)}
    x = task.input_matrix([[10.0], [14.0]])
    np.testing.assert_allclose(x, [[-2 / np.sqrt(2)], [2 / np.sqrt(2)]], rtol=1e-15)
    np.testing.assert_allclose(task.target_array([[12.0]]), [[0.0]])
    ex = task.sample(np.random.default_rng(0), 3)
    i = next(i for i in range(len(series) - 3) if [[v] for v in series[i : i + 3]] == ex.inputs)
    assert ex.targets == [[series[i + 3]]]  # the value after the window, in the series' units
    assert checked_task("many_to_many", "series", {"series": series}).label([[1.0], [2.0]]) == [[2.0], None]
    assert task.label([[1.0], [2.0]]) == [None]  # the value after a typed window is not known


def test_a_constant_series_is_only_shifted():
    task = checked_task("many_to_one", "series", {"series": [5.0] * 10})
    assert task.normalisation == {"mean": 5.0, "std": 1.0}


def test_series_limits_name_the_field():
    for series, field in (([1.0], "series"), ([0.0] * (MAX_SERIES + 1), "series"), ([1.0, "2"], "series[1]"),
                          ([1.0, float("nan")], "series[1]"), ([1e308, -1e308], "series")):
        with pytest.raises(InputError) as caught:
            checked_task("many_to_one", "series", {"series": series})
        assert caught.value.field == field, (series, caught.value)


@pytest.mark.parametrize("topology,n_out", [("many_to_many", 10), ("many_to_one", 1), ("one_to_one", 1),
                                            ("one_to_many", 10)])
def test_vectors_without_targets_trace_forward_only(topology, n_out):
    net = build_network(topology, "lstm", hidden_size=4, task="vectors",
                        task_data={"input_size": 3, "output_size": 3})
    tr = trace(net, choose_example(net, seed=2))
    assert tr.forward_only and tr.loss is None and tr.dh_norm is None and tr.grad_contrib is None
    outs = [r for r in tr.records if r.y is not None]
    assert len(outs) == n_out and all(r.loss is None and r.target is None and r.p is None for r in outs)
    assert net.task.kind == "regression"  # y alone, as the model writes it


def test_vectors_kind_comes_from_the_targets():
    assert checked_task("many_to_many", "vectors", {"targets": [0, 1]}).kind == "classification"
    assert checked_task("many_to_many", "vectors", {"targets": [[0.1, 0.2]]}).kind == "regression"
    assert checked_task("many_to_many", "vectors", {"kind": "classification"}).kind == "classification"
    for data, field in (({"targets": [0, [0.1, 0.2]]}, "targets[1]"), ({"targets": ["a"]}, "targets[0]"),
                        ({"kind": "regression", "targets": [1]}, "kind"), ({"input_size": 0}, "input_size"),
                        ({"output_size": 257}, "output_size")):
        with pytest.raises(InputError) as caught:
            checked_task("many_to_many", "vectors", data)
        assert caught.value.field == field, data
    with pytest.raises(InputError) as caught:
        checked_task("one_to_many", "vectors", {"input_size": 2, "output_size": 3})
    assert caught.value.field == "output_size" and "feeds each output back" in caught.value.message


def test_vector_class_targets_are_checked_against_the_output_size():
    net = build_network("many_to_many", "gru", task="vectors", task_data={"input_size": 2, "output_size": 3,
                                                                         "targets": [0, 3]})
    with pytest.raises(InputError) as caught:
        trace(net, choose_example(net, inputs=[[0.0, 1.0], [1.0, 0.0]], targets=[0, 3]))
    assert caught.value.field == "targets[1]" and "0 to 2" in caught.value.message


def _gradcheck(net, example):
    """BPTT against central differences of L, the mean loss over the outputs that have a target."""
    tr = trace(net, example)
    scored = [t is not None for t in example.targets]
    placeholder = net.task.output_vocab[0] if net.task.kind == "classification" else [0.0]
    targets = net.task.target_array([placeholder if t is None else t for t in example.targets])[:, None]
    records = [r if r.spec.output_index is None or scored[r.spec.output_index]
               else replace(r, spec=r.spec._replace(output_index=None)) for r in tr.records]
    assert replay_loss(net, records, targets) == pytest.approx(tr.loss, rel=1e-13)
    numeric = numeric_grads(net, records, targets)
    for key, value in leaves(tr.gradients.grads):
        assert relative_error(value, numeric[key]) < 1e-6, key


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_typed_text_scores_the_outputs_that_have_a_target(cell):
    """'hello' typed: four targets (e, l, l, o) and none after the last: L is their mean, exactly."""
    net = build_network("many_to_many", cell, hidden_size=3, seed=4, task="text", task_data={"text": "hello world"})
    example = choose_example(net, inputs=list("hello"))
    assert example.targets == ["e", "l", "l", "o", None]
    tr = trace(net, example)
    assert tr.loss == pytest.approx(np.mean([r.loss[0] for r in tr.records[:4]]), rel=1e-15)
    assert tr.records[4].loss is None and tr.records[4].y is not None
    assert np.all(tr.gradients.dh[4] == 0)  # the last h reaches no loss
    _gradcheck(net, example)


def test_a_typed_series_window_is_scored_where_the_next_value_is_known():
    net = build_network("many_to_many", "gru", hidden_size=3, seed=1, task="series",
                        task_data={"series": [1.0, 3.0, 2.0, 5.0, 4.0]})
    example = choose_example(net, inputs=[[1.0], [2.5], [4.0]])
    assert example.targets == [[2.5], [4.0], None]
    _gradcheck(net, example)


def test_teacher_forcing_needs_every_target():
    net = build_network("one_to_many", "rnn", task="text", task_data={"text": "abcab"})
    with pytest.raises(InputError) as caught:
        trace(net, choose_example(net, inputs=["b"], length=4), teacher_forcing=True)
    assert caught.value.field == "teacher_forcing"


def test_own_text_trains_below_its_character_entropy():
    net = build_network("many_to_many", "gru", hidden_size=24, seed=0, task="text", task_data={"text": TEXT})
    settings = TrainSettings(steps=150, learning_rate=0.03, batch_size=16, length=16, seconds=600)
    check_settings(net, settings, live=False)
    training = Training(net, settings, seed=0)
    for _ in training:
        pass
    counts = np.unique(list(TEXT), return_counts=True)[1] / len(TEXT)
    entropy = float(-(counts * np.log(counts)).sum())  # nats per character, letters as independent
    metrics = evaluate(training.network, examples=50, seed=1, length=16)
    assert metrics["loss"] < 0.6 * entropy, (metrics, entropy)


def test_vectors_train_on_the_given_sequence_only():
    inputs = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
    data = {"input_size": 2, "output_size": 2, "inputs": inputs, "targets": [0, 1, 0, 1]}
    net = build_network("many_to_many", "rnn", hidden_size=8, task="vectors", task_data=data)
    check_settings(net, TrainSettings(steps=5), live=True, given=True)
    training = Training(net, TrainSettings(steps=200, learning_rate=0.05, batch_size=4, length=3), seed=0)
    last = [progress.accuracy for progress in training][-1]
    assert last == 1.0
    bare = build_network("many_to_many", "rnn", task="vectors", task_data={"inputs": inputs})
    with pytest.raises(InputError) as caught:
        check_settings(bare, TrainSettings(steps=5), live=True, given=True)
    assert caught.value.field == "targets" and "required" in caught.value.message
    with pytest.raises(InputError) as caught:
        check_settings(build_network("many_to_one", "rnn"), TrainSettings(steps=5), live=True, given=True)
    assert caught.value.field == "inputs"


def test_the_default_passage_is_alice():
    assert TASKS["text"].text == ALICE and ALICE.startswith("Alice was beginning to get very tired")
