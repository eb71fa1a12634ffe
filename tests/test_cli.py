"""The `unroll` command and `python -m app`."""

import json
import subprocess
import sys

from app.cli import main, parse_inputs


def test_parse_inputs():
    assert parse_inputs("the movie was good") == ["the", "movie", "was", "good"]
    assert parse_inputs("0.5,-0.25") == [[0.5, -0.25]]


def test_trace_prints_the_api_shape(capsysbinary):
    main(["trace", "--task", "sentiment", "--cell", "lstm", "--hidden-size", "4",
          "--inputs", "it was not good"])
    data = json.loads(capsysbinary.readouterr().out)
    assert data["topology"] == "many_to_one" and data["cell"] == "lstm"
    assert [s["x_label"] for s in data["steps"]] == ["it", "was", "not", "good"]
    assert data["steps"][-1]["target_label"] == "negative"
    assert set(data["steps"][0]["gates"]) == {"i", "f", "g", "o"}
    assert len(data["grads"]["W_hh"]) == 16 and data["loss"] > 0


def test_trace_of_a_preset_and_a_bad_token(capsysbinary):
    main(["trace", "--preset", "reverse-gru", "--inputs", "cat dog red"])
    data = json.loads(capsysbinary.readouterr().out)
    assert [s["x_label"] for s in data["steps"][4:]] == ["red", "dog"]  # fed back: it has learnt
    result = subprocess.run(
        [sys.executable, "-m", "app", "trace", "--task", "sentiment", "--inputs", "it was gud"],
        capture_output=True, text=True,
    )
    assert result.returncode == 2 and "'gud' is not in the vocabulary" in result.stderr


def test_train_saves_params_that_trace_reads(tmp_path, capsysbinary):
    out = tmp_path / "trained.json"
    main(["train", "--task", "same_sign", "--hidden-size", "4", "--steps", "30", "--out", str(out)])
    saved = json.loads(out.read_text())
    assert saved["config"]["task"] == "same_sign" and len(saved["params"]["W_ih"]) == 4
    assert 0 <= saved["accuracy"] <= 1


def test_trace_refuses_flags_that_contradict_the_preset(capsys):
    import pytest

    with pytest.raises(SystemExit) as caught:
        main(["trace", "--preset", "reverse-gru", "--cell", "lstm"])
    assert caught.value.code == 2
    assert "preset reverse-gru was trained with cell = 'gru'" in capsys.readouterr().err


def test_train_checks_its_flags_before_training(tmp_path, capsys):
    import pytest

    for flags, words in ((["--batch-size", "0"], "batch_size: must be 1 to 256"),
                         (["--learning-rate", "nan"], "learning_rate: must be more than 0"),
                         (["--steps", "0"], "steps: must be 1 to 5000"),
                         (["--task", "reverse", "--length", "251"], "length: must be 1 to 250"),
                         (["--hidden-size", "0"], "hidden_size: must be 1 to 256")):
        with pytest.raises(SystemExit) as caught:
            main(["train", *flags, "--out", str(tmp_path / "x.json")])
        assert caught.value.code == 2 and words in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--steps", "1", "--out", str(tmp_path / "no" / "x.json")])
    assert "is not a file in an existing folder" in capsys.readouterr().err


def test_training_defaults_are_the_same_from_the_api_and_the_command_line(tmp_path, capsys):
    from app.api.schemas import TrainRequest
    from app.cli import build_parser
    from app.engine.config import TASK_TRAINING, TrainSettings

    args = build_parser().parse_args(["train", "--out", "x.json"])
    request = TrainRequest()
    for field in ("steps", "learning_rate", "batch_size"):  # left to the task (TASK_TRAINING)
        assert getattr(args, field) is None and getattr(request, field) is None, field
    assert args.seconds == request.seconds == TrainSettings().seconds
    main(["train", "--task", "sine_wave", "--hidden-size", "2", "--out", str(tmp_path / "w.json")])
    assert f"step {TASK_TRAINING['sine_wave'].steps:5}" in capsys.readouterr().err  # its 400 steps ran


def test_train_prints_r2_for_a_regression_task(tmp_path, capsys):
    main(["train", "--task", "sine_wave", "--hidden-size", "3", "--steps", "2", "--out", str(tmp_path / "w.json")])
    err = capsys.readouterr().err
    assert "R² " in err and "accuracy" not in err
    assert json.loads((tmp_path / "w.json").read_text())["metric"] == "r2"
    main(["presets"])
    listed = capsys.readouterr().out
    assert "sine_wave-rnn                R²" in listed and "sentiment-rnn                accuracy" in listed
