"""The front-end's pure modules (no DOM: store, state, scene, layout, playhead, requests, scales,
charts' log axis), unit-tested in Chromium, where they run: each test imports the modules it
needs and returns what the assertions read."""

import json
import re

import pytest


@pytest.fixture
def modules(page):
    """Run `body` (a JS function body with the named modules in scope) in the page; its value."""
    page.goto("/favicon.ico")  # any page of our origin: the modules import from it

    def run(names: list[str], body: str):
        """names: modules, each in scope under its name ("catalog_js" for catalog.js, whose name
        the catalog itself takes)."""
        imports = ", ".join(f'import("/static/js/{n.removesuffix("_js")}.js")' for n in names)
        params = ", ".join(names)
        return page.evaluate(f"async () => {{ const [{params}] = await Promise.all([{imports}]); {body} }}")

    return run


# /api/limits as the server answers it (the first test below holds them equal).
LIMITS = """{hidden_size: {min: 1, max: 256}, seed: {min: 0, max: 4294967295}, recurrent_scale: {min: 0, max: 1e6},
  steps: {min: 1, max: 5000}, batch_size: {min: 1, max: 256}, learning_rate: {above: 0, max: 1},
  seconds: {above: 0, max: 120}, temperature: {above: 0, max: 100},
  timesteps: 500, token_characters: 64, body_bytes: 16777216, text_characters: 20000, text_vocab: 96,
  series_values: 5000}"""

CATALOG = """const catalog = catalog_js.makeCatalog({
  topologies: [{id: "one_to_one", name: "One to one", tasks: ["same_sign"], feeds_back: false},
               {id: "seq2seq", name: "Many to many (encoder-decoder)", tasks: ["reverse"], feeds_back: true}],
  tasks: [{id: "same_sign", input_vocab: null, input_size: 2}, {id: "reverse", input_vocab: ["cat", "dog"], input_size: 2}],
  presets: [{id: "reverse-gru", config: {task: "reverse", cell: "gru", activation: "tanh", hidden_size: 32}}],
  limits: """ + LIMITS + """,
});"""


def test_the_limits_here_are_the_servers(client):
    as_json = re.sub(r"(\w+):", r'"\1":', LIMITS)
    assert json.loads(as_json) == client.get("/api/limits").json()


def test_the_store_tells_every_change_in_order_with_what_changed(modules):
    heard = modules(["store"], """
      const s = store.createStore({a: 1, b: 2});
      const heard = [];
      s.subscribe((changed, state) => {
        heard.push([[...changed].sort(), state.a, state.b]);
        if (state.a === 2) s.patch({b: 3});  // a patch made while telling waits its turn
      });
      s.subscribe((changed, state) => heard.push(["second", state.a, state.b]));
      s.patch({a: 2});
      s.patch({a: 2});  // nothing changed: nobody is told
      return heard;""")
    assert heard == [[["a"], 2, 2], ["second", 2, 2], [["b"], 2, 3], ["second", 2, 3]]


def test_the_url_table_round_trips_and_refuses_what_the_api_would(modules):
    result = modules(["state", "catalog_js"], CATALOG + """
      const table = state.urlTable(catalog);
      const view = {...state.defaultState(table), topology: "seq2seq", cell: "gru", seed: 4294967295, t: 3,
                    inputs: "cat dog", recurrentScale: 0.9, presenting: true};
      const query = state.serializeState(table, view);
      return {query, back: state.parseState(table, query), view,
              bad: state.parseState(table, "?h=257&seed=4294967296&rho=1e7&t=500&topology=x&speed=3"),
              defaults: state.defaultState(table)};""")
    assert result["query"] == "?topology=seq2seq&cell=gru&seed=4294967295&rho=0.9&in=cat+dog&t=3&present=1"
    assert result["back"] == result["view"]
    assert result["bad"] == result["defaults"]  # every value past the API's limits is refused


def test_the_scene_is_computed_once_from_the_trace(modules):
    scene = modules(["scene", "catalog_js"], CATALOG + """
      const trace = {topology: "seq2seq", cell: "gru", activation: "tanh", hidden_size: 2, kind: "classification",
        task: "reverse", loss: 0.5, params: {encoder: {W_hh: [[1, 2], [3, 4]]}, W_hy: [[1, 1]], b_y: [0]},
        steps: [{t: 0, role: "encoder", h: [0.5, -2], p: null, loss: null, dh_norm: 1e-3},
                {t: 1, role: "decoder", h: [0.1, 0.2], p: [0.2, 0.7, 0.1], loss: 0.5, dh_norm: 0.5}]};
      const s = scene.sceneOf(trace, catalog, {weightsNote: "trained weights"});
      return {title: s.title, T: s.T, best: s.best, params: s.params, decoderStart: s.decoderStart,
              feedsBack: s.feedsBack, gradient: s.gradient, limit: s.limits.h, note: s.weightsNote,
              argmax: scene.argmax([3, 9, 9, 1])};""")
    assert scene["title"] == "Encoder–decoder · GRU · H = 2 · T = 2"
    assert scene["T"] == 2 and scene["best"] == [None, 1] and scene["params"] == 7
    assert scene["decoderStart"] == 1 and scene["feedsBack"] is True and scene["limit"] == 1
    assert scene["gradient"] == [0.001, 0.5] and scene["note"] == "trained weights"
    assert scene["argmax"] == 1  # the first of equal maxima


def test_the_parameter_shapes_come_from_param_shapes_or_from_the_params(modules):
    """An answer without params (`omit`) has param_shapes: the count and shapes are the same."""
    found = modules(["scene"], """
      const params = {encoder: {W_hh: [[1, 2, 3], [4, 5, 6]], b_hh: [0, 0]}, W_hy: [[1, 1, 1]], b_y: [0], empty: []};
      const param_shapes = {encoder: {W_hh: [2, 3], b_hh: [2]}, W_hy: [1, 3], b_y: [1], empty: [0]};
      const read = scene.paramShapes({params});
      const given = scene.paramShapes({params: null, param_shapes});
      return {read, given, count: scene.paramCount(read), countGiven: scene.paramCount(given)};""")
    assert found["read"] == found["given"] == {"encoder": {"W_hh": [2, 3], "b_hh": [2]}, "W_hy": [1, 3], "b_y": [1],
                                               "empty": [0]}
    assert found["count"] == found["countGiven"] == 6 + 2 + 3 + 1


def test_the_layout_windows_long_traces_around_the_playhead(modules):
    result = modules(["layout"], """
      const steps = Array.from({length: 100}, (_, t) => ({t, role: "step", y: t % 2 ? [0] : null}));
      const at = (focus) => layout.stageLayout({topology: "many_to_many", steps, hiddenSize: 64, hasCellState: true,
        kind: "classification", outputSize: 3, width: 900, height: 500, gutter: 80, minColumn: 60, focus, fontSize: 14});
      const mid = at(50), first = at(0), last = at(99);
      const chip = layout.chipShape(mid, ["a rather long token"], (t) => 7 * t.length);
      const overlaps = mid.columns.some((c, i) => i && c.x0 < mid.columns[i - 1].x1 - 1e-9);
      return {mid: mid.window, first: first.window, last: last.window, overlaps, column: mid.column,
              chipWidth: chip.width, rows: [0, 1, 2].map((k) => layout.classRow(mid.shapes.outputBox, k, 3, 0.5)),
              strips: mid.shapes.strips.map((s) => s.name), box: mid.shapes.outputBox};""")
    mid, first, last = result["mid"], result["first"], result["last"]
    assert mid["windowed"] and mid["start"] <= 50 < mid["end"] and mid["total"] == 100
    assert first["start"] == 0 and last["end"] == 100
    assert not result["overlaps"] and result["column"] >= 60
    assert result["chipWidth"] <= result["column"] - 12  # a chip never spills out of its column
    rows = result["rows"]
    assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(rows, rows[1:], strict=False))  # class rows do not overlap
    assert rows[0]["width"] == pytest.approx(rows[0]["track"] / 2)
    assert result["strips"] == ["h", "c"] and result["box"]["width"] <= 120


def test_the_playhead_walks_two_passes(modules):
    walk = modules(["playhead"], """
      const T = 3;
      return [0, 1, 2, 3, 4, 5, 6, -1].map((p) => playhead.playheadAt(p, T))
        .concat([playhead.positionOf({phase: "backward", t: 0}, T), playhead.clampPlayhead({phase: "forward", t: 9}, T)]);""")
    assert walk[:8] == [{"phase": "forward", "t": 0}, {"phase": "forward", "t": 1}, {"phase": "forward", "t": 2},
                        {"phase": "backward", "t": 2}, {"phase": "backward", "t": 1}, {"phase": "backward", "t": 0},
                        {"phase": "backward", "t": 0}, {"phase": "forward", "t": 0}]
    assert walk[8] == 5 and walk[9] == {"phase": "forward", "t": 2}


def test_requests_from_a_view_state(modules):
    result = modules(["requests", "catalog_js", "state"], CATALOG + """
      const base = {...state.defaultState(state.urlTable(catalog)), topology: "seq2seq", cell: "gru", seed: 3};
      const weights = {name: "w.json", config: {topology: "seq2seq", cell: "gru", activation: "tanh", hidden_size: 8,
                       task: "reverse"}, params: {W_hy: [[1]]}};
      return {
        seeded: requests.traceRequest({...base, inputs: "Cat  dog"}, catalog),
        preset: requests.traceRequest({...base, trained: true, length: 4}, catalog),
        file: requests.traceRequest(base, catalog, weights),
        otherCell: requests.traceRequest({...base, cell: "lstm"}, catalog, weights).params ?? null,
        numbers: requests.parseInputs("0.5, -1; 2 x", {input_vocab: null, input_size: 2}),
        values: requests.parseInputs("0.1 0.2", {input_vocab: null, input_size: 1}),
        bad: (() => { try { requests.savedWeights("{}", "x.json", catalog); } catch (e) { return e.message; } })(),
      };""")
    assert result["seeded"] == {"seed": 3, "teacher_forcing": False, "topology": "seq2seq", "task": "reverse",
                                "cell": "gru", "activation": "tanh", "hidden_size": 8, "recurrent_scale": None,
                                "inputs": ["cat", "dog"]}
    assert result["preset"] == {"seed": 3, "teacher_forcing": False, "preset": "reverse-gru", "length": 4}
    assert result["file"]["params"] == {"W_hy": [[1]]} and result["file"]["hidden_size"] == 8
    assert result["otherCell"] is None  # the file's weights fit a GRU only
    assert result["numbers"] == [[0.5, -1], [2, "x"]] and result["values"] == [[0.1], [0.2]]
    assert "is not a saved training" in result["bad"]


def test_the_log_axis_never_crowds_its_labels(modules):
    axes = modules(["axes"], """
      return [[[1e-24, 1], 150, 13], [[1e-3, 1], 150, 13], [[1e-300, 1e300], 400, 13], [[0.5, 0.5], 60, 13]]
        .map(([range, height, font]) => ({...axes.logAxis(range, height, font), height, font}));""")
    for axis in axes:  # at most one label per 1.5 em of the axis's height (at least two labels)
        assert axis["dtick"] >= 1 and len(axis["decades"]) <= max(2, axis["height"] // (axis["font"] * 1.5)) + 1, axis
        assert all(axis["range"][0] <= d <= axis["range"][1] for d in axis["decades"])
    assert axes[0]["labels"][-1] == "10⁰" and axes[1]["labels"] == ["10⁻³", "10⁻²", "10⁻¹", "10⁰"]
    assert axes[0]["dtick"] >= 4  # 24 decades in 150 px: every 4th or fewer
    assert axes[1]["dtick"] == 1  # three decades fit one a decade


def test_powers_of_ten_in_words(modules):
    written = modules(["axes"], "return [1.6e-9, 1e-12, 0.5, 37, 3.7e10, 0, 0.0123].map(axes.powerOfTen);")
    assert written == ["1.6 × 10⁻⁹", "10⁻¹²", "0.5", "37", "3.7 × 10¹⁰", "0", "0.012"]


def test_a_subscriber_that_throws_keeps_no_other_from_hearing(modules, page):
    heard = modules(["store"], """
      const s = store.createStore({a: 1});
      const heard = [];
      s.subscribe(() => { throw new Error("a view's bug"); });
      s.subscribe((changed, state) => heard.push(state.a));
      s.patch({a: 2});
      s.patch({a: 3});
      return heard;""")
    assert heard == [2, 3]
    assert any("a view's bug" in e for e in page.console_errors)  # reported, not swallowed
