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


def test_trace_of_a_preset_any_word_and_a_bad_token(capsysbinary):
    main(["trace", "--preset", "reverse-gru", "--inputs", "cat dog red"])
    data = json.loads(capsysbinary.readouterr().out)
    assert [s["x_label"] for s in data["steps"][4:]] == ["red", "dog"]  # fed back: it has learnt
    main(["trace", "--task", "sentiment", "--inputs", "It was gud!"])
    data = json.loads(capsysbinary.readouterr().out)
    assert [s["x_label"] for s in data["steps"]] == ["it", "was", "<unk>"]
    result = subprocess.run(
        [sys.executable, "-m", "app", "trace", "--task", "sentiment", "--inputs", "it was ..."],
        capture_output=True, text=True,
    )
    assert result.returncode == 2 and "inputs[2]: '...' has no letter or digit" in result.stderr


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


def test_a_saved_training_traces_with_its_own_weights(tmp_path, capsysbinary):
    out = tmp_path / "ner.json"
    main(["train", "--task", "named_entities", "--cell", "gru", "--hidden-size", "4", "--steps", "3",
          "--out", str(out)])
    capsysbinary.readouterr()
    main(["trace", "--preset", str(out), "--inputs", "mr jordan met dr paris", "--indent"])
    printed = capsysbinary.readouterr().out
    data = json.loads(printed)
    saved = json.loads(out.read_text())
    assert data["params"] == saved["params"] and data["cell"] == "gru" and data["hidden_size"] == 4
    assert printed.startswith(b'{\n  "topology": "many_to_many",\n')  # --indent: two spaces a level


def test_a_saved_training_and_a_contradicting_or_missing_file(tmp_path, capsys):
    import pytest

    out = tmp_path / "same.json"
    main(["train", "--task", "same_sign", "--hidden-size", "3", "--steps", "1", "--out", str(out)])
    for flags, words in ((["--preset", str(out), "--hidden-size", "5"], "was trained with hidden_size = 3"),
                         (["--preset", str(tmp_path / "missing.json")], "no file"),
                         (["--preset", str(tmp_path)], "unknown preset")):
        capsys.readouterr()
        with pytest.raises(SystemExit) as caught:
            main(["trace", *flags])
        assert caught.value.code == 2 and words in capsys.readouterr().err
    (tmp_path / "broken.json").write_text('{"config": {"task": "same_sign"}}')
    with pytest.raises(SystemExit):
        main(["trace", "--preset", str(tmp_path / "broken.json")])
    assert "is not a training saved by `unroll train --out`" in capsys.readouterr().err


def test_serve_refuses_a_port_or_worker_count_out_of_range_in_one_line():
    for flags, words in ((["--port", "99999"], "argument --port: must be 1 to 65535, got 99999"),
                         (["--port", "http"], "argument --port: expected a whole number, got 'http'"),
                         (["--workers", "0"], "argument --workers: must be 1 to 64, got 0")):
        result = subprocess.run([sys.executable, "-m", "app", "serve", *flags], capture_output=True, text=True)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_help_says_the_defaults():
    result = subprocess.run([sys.executable, "-m", "app", "train", "--help"], capture_output=True, text=True)
    for words in ("the task's own (same_sign 300, sine_wave 400", "reverse 88)", "(default: 60.0)", "default: rnn"):
        assert words in " ".join(result.stdout.split()), words


def test_a_short_vector_is_counted_in_good_english(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["trace", "--task", "same_sign", "--inputs", "0.5"])
    assert "expected a vector of 2 numbers, got 1 number" in capsys.readouterr().err
