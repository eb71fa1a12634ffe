"""Health, topologies, tasks and presets."""

from app import __version__
from app.api.pages import PLOTLY_URL
from app.engine.presets import load_preset
from app.engine.tasks import TASKS


def test_health(client):
    assert client.get("/api/health").json() == {"status": "ok", "version": __version__,
                                                "jobs": {"trace": 0, "training": 0}}


def test_topologies(client):
    data = client.get("/api/topologies").json()
    assert [t["id"] for t in data] == ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"]
    assert all(t["name"] and t["description"] and t["example"] and t["tasks"] for t in data)


def test_tasks(client):
    data = {t["id"]: t for t in client.get("/api/tasks").json()}
    assert set(data) == set(TASKS)
    sentiment = data["sentiment"]
    assert sentiment["topology"] == "many_to_one" and "not" in sentiment["input_vocab"]
    assert sentiment["output_vocab"] == ["negative", "neutral", "positive"]
    assert sentiment["input_size"] == len(sentiment["input_vocab"])
    assert data["sine_wave"]["value_range"] == [-1.0, 1.0] and data["sine_wave"]["output_vocab"] is None
    assert all(t["example"]["inputs"] and t["example"]["targets"] and t["why_memory"] for t in data.values())


def test_presets(client):
    listed = client.get("/api/presets").json()
    assert len(listed) == 15 and all(p["accuracy"] >= 0.95 for p in listed)
    one = client.get("/api/presets/reverse-lstm").json()
    assert one["config"] == {"topology": "seq2seq", "cell": "lstm", "activation": "tanh",
                             "hidden_size": 32, "task": "reverse"}
    assert one["params"] == load_preset("reverse-lstm")["params"]
    missing = client.get("/api/presets/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"][0]["msg"]


def test_preset_config_and_params_make_a_valid_trace_request(client):
    preset = client.get("/api/presets/named_entities-gru").json()
    r = client.post("/api/trace", json={**preset["config"], "params": preset["params"], "seed": 9})
    assert r.status_code == 200
    steps = r.json()["steps"]
    predicted = [int(max(range(3), key=lambda k: s["p"][k])) for s in steps]
    assert predicted == [s["target"] for s in steps]  # the trained tagger is right


def test_pages(client):
    page = client.get("/")
    assert page.status_code == 200 and "Unroll" in page.text and "cdn" not in page.text.lower()
    js = client.get(PLOTLY_URL, headers={"accept-encoding": "gzip"})
    assert js.status_code == 200 and js.headers["content-encoding"] == "gzip"
    assert b"plotly" in js.content[:2000].lower() and "immutable" in js.headers["cache-control"]
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg")
    assert client.get("/static/css/unroll.css").status_code == 200
    docs = client.get("/docs")  # Swagger UI from the installed package
    assert docs.status_code == 200 and "cdn" not in docs.text.lower() and "https://" not in docs.text


def test_limits_are_the_engines(client):
    from app.engine import config

    data = client.get("/api/limits").json()
    assert data["hidden_size"] == {"min": 1, "max": config.MAX_HIDDEN}
    assert data["seed"] == {"min": 0, "max": 2**32 - 1}
    assert data["recurrent_scale"] == {"min": 0, "max": config.MAX_RECURRENT_SCALE}
    assert data["learning_rate"] == {"above": 0, "max": 1}
    assert data["seconds"] == {"above": 0, "max": config.MAX_SECONDS}
    assert data["temperature"] == {"above": 0, "max": config.MAX_TEMPERATURE}
    assert data["timesteps"] == config.MAX_TIMESTEPS == 500
    assert data["body_bytes"] == config.MAX_BODY == 16 * 1024 * 1024
    assert (data["text_characters"], data["text_vocab"], data["series_values"]) == (20_000, 96, 5_000)


def test_topologies_say_which_feed_their_output_back(client):
    fed = {t["id"]: t["feeds_back"] for t in client.get("/api/topologies").json()}
    assert fed == {"one_to_one": False, "one_to_many": True, "many_to_one": False, "many_to_many": False,
                   "seq2seq": True}


def test_tasks_say_their_training_defaults_which_a_training_uses(client):
    """Each task's training_defaults are TASK_TRAINING's (else TrainSettings'), and a training that
    leaves them out streams exactly what one that sends them does."""
    from app.engine.config import TASK_TRAINING, TrainSettings

    data = {t["id"]: t["training_defaults"] for t in client.get("/api/tasks").json()}
    for task, defaults in data.items():
        own = TASK_TRAINING.get(task, TrainSettings())
        assert defaults == {"steps": own.steps, "learning_rate": own.learning_rate, "batch_size": own.batch_size}
    assert data["reverse"]["batch_size"] == 88 and data["sine_wave"]["learning_rate"] == 0.03
    config = {"topology": "one_to_many", "hidden_size": 3, "seed": 4, "length": 3}
    defaults = data["sine_wave"]
    left_out = client.post("/api/train", json=config | {"steps": 3}).text.splitlines()
    given = client.post("/api/train", json=config | defaults | {"steps": 3}).text.splitlines()
    assert left_out == given and left_out[-1].startswith('{"type":"done"')
