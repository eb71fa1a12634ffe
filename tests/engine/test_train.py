"""Adam training: deterministic, it learns, it is bounded, and evaluation feeds predictions back."""

import numpy as np
import pytest

from app.engine.network import build_network
from app.engine.train import Training, TrainSettings, evaluate


def run(seed=0, steps=60, **kw):
    net = build_network("many_to_one", "gru", hidden_size=8, seed=seed)
    training = Training(net, TrainSettings(steps=steps, learning_rate=0.02, batch_size=16, **kw), seed)
    return training, list(training)


def test_training_lowers_the_loss_and_is_deterministic():
    training, progress = run()
    assert [p.step for p in progress] == list(range(1, 61))
    first, last = np.mean([p.loss for p in progress[:5]]), np.mean([p.loss for p in progress[-5:]])
    assert last < 0.7 * first
    again, progress_again = run()
    assert [p.loss for p in progress] == [p.loss for p in progress_again]
    np.testing.assert_array_equal(training.network.params["W_hh"], again.network.params["W_hh"])
    assert all(0 <= p.accuracy <= 1 and p.grad_norm > 0 for p in progress)


def test_training_is_bounded_in_seconds():
    _, progress = run(steps=10_000, seconds=0.3)
    assert 0 < len(progress) < 10_000


def test_adams_first_step_is_lr_whatever_the_clip():
    net = build_network("many_to_many", "rnn", "relu", hidden_size=8, seed=0, recurrent_scale=2.5)
    training = Training(net, TrainSettings(steps=1, learning_rate=0.1, clip=1e-3, length=20), 0)
    before = net.params["W_hh"].copy()
    (progress,) = list(training)
    assert progress.grad_norm > 1e-3
    # Adam's first step moves each weight by lr·sign(g) whatever the clip: the clip only rescales g
    assert np.abs(training.network.params["W_hh"] - before).max() == pytest.approx(0.1, rel=1e-3)


def test_clipping_scales_a_large_gradient_to_the_clip_norm_and_leaves_a_small_one():
    from app.engine.train import clip_to_norm, global_norm

    grads = {"W_hh": np.array([[3.0, -4.0]]), "encoder": {"b_ih": np.array([12.0])}}  # ‖g‖ = 13
    clipped = clip_to_norm(grads, global_norm(grads), 1.0)
    assert global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["W_hh"], grads["W_hh"] / 13)
    np.testing.assert_allclose(clipped["encoder"]["b_ih"], grads["encoder"]["b_ih"] / 13)
    small = clip_to_norm(grads, global_norm(grads), 100.0)
    np.testing.assert_array_equal(small["W_hh"], grads["W_hh"])
    assert clip_to_norm({"b_y": np.zeros(2)}, 0.0, 1.0)["b_y"].tolist() == [0.0, 0.0]


def test_adam_is_given_the_clipped_gradient():
    """What clipping limits is the gradient Adam reads: its global norm is the clip."""
    from app.engine.train import global_norm

    seen = []

    class Watched(Training):
        def _adam(self, grads):
            seen.append(global_norm(grads))
            super()._adam(grads)

    net = build_network("many_to_many", "rnn", "relu", hidden_size=8, seed=0, recurrent_scale=2.5)
    progress = list(Watched(net, TrainSettings(steps=3, learning_rate=0.1, clip=1e-3, length=20), 0))
    assert all(p.grad_norm > 1e-3 for p in progress)
    assert seen == pytest.approx([1e-3] * 3)


def test_evaluate_regression_reports_r2():
    net = build_network("one_to_many", "lstm", hidden_size=4, seed=0)
    metrics = evaluate(net, examples=20)
    assert set(metrics) == {"loss", "accuracy", "metric", "r2", "examples"} and metrics["r2"] == metrics["accuracy"]
    assert metrics["metric"] == "r2"
    assert metrics["r2"] < 0.5  # untrained


def test_global_norm_of_gradients_too_large_to_square():
    from app.engine.train import global_norm

    grads = {"W_hh": np.full((2, 2), 3e200), "encoder": {"b_ih": np.array([4e200, 0.0])}}
    assert global_norm(grads) == pytest.approx(np.sqrt(4 * 9 + 16) * 1e200)
    assert global_norm({"b_y": np.zeros(3)}) == 0.0


def test_evaluation_never_draws_the_training_examples():
    from app.engine.tasks import TASKS
    from app.engine.train import EVAL_STREAM, TRAIN_STREAM

    task = TASKS["reverse"]
    drawn = [task.sample(np.random.default_rng([3, stream])) for stream in (TRAIN_STREAM, EVAL_STREAM)]
    assert drawn[0] != drawn[1]


def test_r2_is_zero_when_the_targets_do_not_vary():
    from app.engine.train import _score

    # tallies are (n, mean squared error, Σy, Σy²)
    assert _score("regression", np.array([1.0, 0.5, 0.3, 0.09]), "training") == 0.0  # one target
    assert _score("regression", np.array([3.0, 0.0, 6.0, 12.0]), "training") == 0.0  # three equal targets
    assert _score("regression", np.array([2.0, 0.25, 0.0, 2.0]), "training") == pytest.approx(1 - 0.25 / 1)  # targets ±1


def test_final_metrics_keep_the_params_when_evaluation_overflows():
    from app.engine.train import final_metrics

    huge = {"W_ih": [[1e60]], "W_hh": [[0.0]], "b_ih": [0.0], "b_hh": [0.0], "W_hy": [[1e60]], "b_y": [0.0]}
    net = build_network("one_to_many", "rnn", "relu", hidden_size=1, params=huge)
    metrics = final_metrics(net, seed=0, length=3)
    assert set(metrics) == {"diverged"} and "overflowed float64" in metrics["diverged"]


def test_a_curriculum_runs_its_phases_in_order_each_batch_one_length_of_its_range():
    from app.engine.config import Phase

    phases = (Phase(3), Phase(4, (5, 7)), Phase(2, (30, 30)))
    settings = TrainSettings(steps=9, batch_size=4, curriculum=phases)
    assert [settings.phase_at(k) for k in range(10)] == [phases[0]] * 3 + [phases[1]] * 4 + [phases[2]] * 2 + [None]
    assert settings.trained_lengths((3, 12)) == (3, 30)
    assert TrainSettings(length=9).trained_lengths((3, 12)) == (9, 9)
    assert TrainSettings().trained_lengths((3, 12)) == (3, 12)

    seen = []

    class Watched(Training):
        def _length(self):
            seen.append(super()._length())
            return seen[-1]

    net = build_network("many_to_one", "gru", hidden_size=4, seed=0)
    again = list(Watched(net, settings, 0))
    assert len(again) == 9 and seen[:3] == [None] * 3  # natural lengths: a mix
    assert all(5 <= n <= 7 for n in seen[3:7]) and len(set(seen[3:7])) > 1 and seen[7:] == [30, 30]
    assert [p.loss for p in again] == [p.loss for p in Training(net, settings, 0)]  # deterministic


def test_a_curriculum_is_checked_phase_by_phase():
    from app.engine.config import Phase
    from app.engine.errors import InputError
    from app.engine.train import check_settings

    net = build_network("seq2seq", "gru", hidden_size=4, seed=0)
    for curriculum, steps, field, words in (
        ((Phase(3), Phase(4)), 8, "curriculum", "add up to steps = 8"),
        ((Phase(3, (3, 251)),), 3, "curriculum[0].lengths", "must be 1 to 250"),
        ((Phase(0, (3, 5)), Phase(3)), 3, "curriculum[0].steps", "must be 1 to 5000"),
    ):
        with pytest.raises(InputError) as caught:
            check_settings(net, TrainSettings(steps=steps, curriculum=curriculum), live=False)
        assert caught.value.field == field and words in caught.value.message
