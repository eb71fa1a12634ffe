"""A mini-batch of examples of different lengths runs padded to the longest: each example's
numbers are those it has alone, its padding counts for nothing, and the batch's loss and
gradient are the mean over its examples of each one's own."""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.network import build_network
from app.engine.topologies import TOPOLOGIES
from app.engine.train import batch_arrays, evaluate, loss_and_grads
from app.engine.tree import leaves, tree_map
from app.engine.unroll import Unroller, backward


def mixed_examples(net, count=5, seed=0):
    """Examples of at least two lengths, from the task's own sampler."""
    rng = np.random.default_rng(seed)
    examples = [net.task.sample(rng) for _ in range(count)]
    if net.topology.id != "one_to_one":
        low, high = net.task.lengths
        examples += [net.task.sample(rng, low), net.task.sample(rng, high)]
    return examples


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_a_padded_batch_is_the_mean_of_its_examples_alone(topology, cell, activation):
    net = build_network(topology, cell, activation, hidden_size=5, seed=7)
    examples = mixed_examples(net)
    X, Y, lengths = batch_arrays(net, examples)
    assert (lengths is None) == (topology == "one_to_one")
    loss, grads, _ = loss_and_grads(net, examples)
    alone = [loss_and_grads(net, [ex]) for ex in examples]
    assert loss == pytest.approx(np.mean([a[0] for a in alone]), rel=1e-13, abs=1e-15)
    mean = tree_map(lambda *g: np.mean(g, axis=0), *[a[1] for a in alone])
    for (key, g), (_, expected) in zip(leaves(grads), leaves(mean), strict=True):
        np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-14, err_msg=key)


def step_key(spec):
    """A step's place in its example: which input it reads, or which output it writes."""
    return (spec.role, "in", spec.given_index) if spec.source == "given" else (spec.role, "out", spec.output_index)


@pytest.mark.parametrize("topology", [t for t in TOPOLOGIES if t != "one_to_one"])  # one_to_one: T = 1
def test_each_example_keeps_its_own_states_and_outputs(topology):
    net = build_network(topology, "lstm", hidden_size=4, seed=3)
    examples = mixed_examples(net, seed=5)
    X, Y, lengths = batch_arrays(net, examples)
    padded = Unroller(net, X, Y, teacher_forcing=False, lengths=lengths).run()
    grads = backward(padded)
    Yp, _ = padded.outputs()
    at = {step_key(r.spec): r.t for r in padded.records}
    for b, ex in enumerate(examples):
        x, y, _ = batch_arrays(net, [ex])
        own = Unroller(net, x, y).run()
        own_grads = backward(own)
        steps = [at[step_key(r.spec)] for r in own.records]  # the same steps in the padded batch
        assert steps == [r.t for r in padded.records if padded.moving[r.t, b]]
        np.testing.assert_allclose(padded.hidden_states()[steps, b], own.hidden_states()[:, 0],
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose([padded.records[t].c[b] for t in steps], [r.c[0] for r in own.records],
                                   rtol=1e-12, atol=1e-15)
        # past its end an example holds its last state: many_to_one's output and seq2seq's context
        last_input = max(t for t in steps if padded.records[t].spec.source == "given")
        held = [r.t for r in padded.records if r.spec.source == "given" and r.t > last_input]
        for t in held:
            np.testing.assert_array_equal(padded.records[t].h[b], padded.records[last_input].h[b])
        outputs = np.flatnonzero(padded.counted[:, b])
        np.testing.assert_allclose(Yp[outputs, b], own.outputs()[0][:, 0], rtol=1e-12, atol=1e-15)
        # dL/dh at the example's own steps, up to the batch mean's factor 1/B
        np.testing.assert_allclose(grads.dh[steps, b], own_grads.dh[:, 0] / len(examples),
                                   rtol=1e-10, atol=1e-16)


def test_evaluate_scores_a_padded_chunk_as_its_examples_alone():
    net = build_network("many_to_many", "gru", hidden_size=6, seed=1)
    whole = evaluate(net, examples=40, seed=3)
    rng = np.random.default_rng([3, 2])  # evaluate's stream (train.EVAL_STREAM)
    examples = [net.task.sample(rng) for _ in range(40)]
    right = outputs = 0
    for ex in examples:
        x, y, _ = batch_arrays(net, [ex])
        own = Unroller(net, x, y).run()
        right += int((own.outputs()[0].argmax(axis=2) == y).sum())
        outputs += y.size
    assert whole["accuracy"] == right / outputs and whole["examples"] == 40
