"""Live generation in the page (issue 15): from a seed input, each Next is one POST /api/step
with the drawn weights, the output fed back as the next input. At temperature 0 (the argmax, as
/api/trace feeds back) every step's h and y equal the trace's for the same weights and seed
input; above 0 the draws are seeded, so the same view writes the same sequence."""

import json

from .unroll_page import open_view

GENERATED = """() => [...document.querySelectorAll('[data-gen-step]')].map((e) => ({
  ...e.dataset, h: [...e.querySelectorAll('[data-gen-h]')].map((u) => u.dataset.value)}))"""


def generate(page, count: int) -> list[dict]:
    """Press Next (and "10 more") until `count` steps are written; what the panel shows."""
    page.click("[data-live-tab=generate]")
    while int(page.get_attribute("[data-generate]", "data-steps") or 0) < count:
        before = int(page.get_attribute("[data-generate]", "data-steps") or 0)
        page.click("[data-generate] [data-part=next]")
        page.wait_for_function("(n) => Number(document.querySelector('[data-generate]').dataset.steps) > n", arg=before)
    return page.evaluate(GENERATED)


def numbers(text: str) -> list[float]:
    return [float(v) for v in text.split(",")] if text else []


def assert_same_steps(generated: list[dict], trace: dict):
    """Each generated step's h and y are the trace's, to the last bit (one process computed both)."""
    for step, expected in zip(generated, trace["steps"], strict=False):
        assert [float(v) for v in step["h"]] == expected["h"], f"h at t={step['t']}"
        assert numbers(step["y"]) == (expected["y"] or []), f"y at t={step['t']}"
        assert step["role"] == expected["role"]


def test_generating_a_sine_wave_feeds_each_value_back_as_the_trace_does(page, client):
    drawn = open_view(page, "?topology=one_to_many&seed=1")
    page.click("[data-live-tab=generate]")
    page.fill("[data-generate] [data-part=seed-value]", "0.3")
    page.dispatch_event("[data-generate] [data-part=seed-value]", "change")
    generated = generate(page, 12)
    assert len(generated) == 12 and generated[0]["input"] == "0.3"
    trace = client.post("/api/trace", json={"topology": "one_to_many", "task": "sine_wave", "cell": "rnn", "activation": "tanh",
                                            "hidden_size": 8, "params": drawn["params"], "inputs": [[0.3]], "length": 12}).json()
    assert_same_steps(generated, trace)
    for k in range(1, 12):  # the value written is the next input
        assert numbers(generated[k]["input"]) == numbers(generated[k - 1]["y"])
    assert page.is_hidden("[data-generate] [data-part=temperature]")  # nothing to draw from for a value
    assert page.console_errors == []


def test_a_seq2seq_decoder_generates_what_the_trace_decodes(page):
    drawn = open_view(page, "?topology=seq2seq&cell=lstm&h=12&seed=4&trained=1")
    T = len(drawn["steps"])
    generated = generate(page, T + 3)  # and on, past where the trace stops
    assert_same_steps(generated, drawn)
    encoder = [s for s in drawn["steps"] if s["role"] == "encoder"]
    assert [g["input"] for g in generated[:len(encoder)]] == [s["x_label"] for s in encoder]
    decoder = [g for g in generated if g["role"] == "decoder"]
    assert decoder[0]["input"] == "<start>"
    for before, after in zip(decoder, decoder[1:], strict=False):  # the token written is the next input
        assert after["input"] == before["output"]
    written = page.text_content("[data-generate] [data-part=written]")
    assert " ".join(d["output"] for d in decoder) in written
    assert page.console_errors == []


def test_generation_is_generic_over_the_task_the_text_model(page, client):
    """The `text` task (its vocabulary the text's characters, from the trace's own output_vocab),
    drawn here by routing the page's trace request to it."""
    def as_text(route):
        body = json.loads(route.request.post_data)
        route.continue_(post_data=json.dumps({**body, "task": "text", "length": 6}))

    page.route("**/api/trace", as_text)
    drawn = open_view(page, "?topology=one_to_many&cell=gru&h=10&seed=2")
    assert drawn["task"] == "text" and len(drawn["input_vocab"]) > 20
    page.click("[data-live-tab=generate]")
    page.select_option("[data-generate] [data-part=seed-token]", "a")
    generated = generate(page, 8)
    page.unroute("**/api/trace")
    trace = client.post("/api/trace", json={"topology": "one_to_many", "task": "text", "cell": "gru", "hidden_size": 10,
                                            "params": drawn["params"], "inputs": ["a"], "length": 8}).json()
    assert_same_steps(generated, trace)
    labels = [g["output"] for g in generated]
    assert labels == [trace["output_vocab"][max(range(len(s["y"])), key=lambda k: (s["y"][k], -k))] for s in trace["steps"]]
    assert "".join(labels) in page.text_content("[data-generate] [data-part=written]")  # characters, run together
    # Above temperature 0 the tokens are drawn, with a seeded generator: the same again after "start again".
    page.fill("[data-generate] [data-part=temperature]", "1.5")
    page.dispatch_event("[data-generate] [data-part=temperature]", "change")
    page.click("[data-generate] [data-part=reset]")
    first = [g["output"] for g in generate(page, 10)]
    page.click("[data-generate] [data-part=reset]")
    again = [g["output"] for g in generate(page, 10)]
    assert first == again and first[:8] != labels  # drawn, not the argmax
    assert page.console_errors == []


def test_the_seeded_draws_are_mulberry32s(page):
    """The pure module's generator against an independent mulberry32, and a draw by cumulative p."""
    page.goto("/favicon.ico")
    got = page.evaluate("""async () => {
      const g = await import('/static/js/generation.js');
      const u = g.seededUniform(42);
      return {draws: [u(), u(), u(), u()], picks: [0, 0.2, 0.29999, 0.3, 0.99, 0.999999].map((x) => g.drawIndex([0.3, 0.5, 0.2], x)),
              hot: g.oneHot(2, 4)};
    }""")

    def mulberry32(seed):
        a = seed
        while True:
            a = (a + 0x6D2B79F5) & 0xFFFFFFFF
            t = a
            t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
            t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
            yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    reference = mulberry32(42)
    assert got["draws"] == [next(reference) for _ in range(4)]
    assert got["picks"] == [0, 0, 0, 1, 2, 2] and got["hot"] == [0, 0, 1, 0]
