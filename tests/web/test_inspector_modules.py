"""The inspector's pure modules (equations, chain-chart, gate-diagram, layout's fold), unit-tested
in Chromium where they run, as tests/web/test_pure_modules.py does for the others."""

import json

import pytest


@pytest.fixture
def modules(page):
    """Run `body` (a JS function body) with the named modules in scope, "chain_chart" for
    chain-chart.js; return its value."""
    page.goto("/favicon.ico")  # any page of our origin: the modules import from it

    def run(names: list[str], body: str):
        imports = ", ".join(f'import("/static/js/{n.replace("_", "-")}.js")' for n in names)
        return page.evaluate(f"async () => {{ const [{', '.join(names)}] = await Promise.all([{imports}]); {body} }}")

    return run

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def test_the_notation_parses_into_scripts_values_and_pieces(modules):
    result = modules(["equations"], """
      return {pieces: equations.formulaPieces("W_{ih}·x_t & = $Wx_h").length,
              tree: equations.parseFormula("W_{ih}·h_{t−1}^⊤ = $a_h \\"text\\"")};""")
    assert result["pieces"] == 2
    children = result["tree"]["children"]
    assert children[0] == {"kind": "script", "base": {"kind": "mi", "text": "W"},
                           "sub": {"kind": "row", "children": [{"kind": "mi", "text": "ih"}]}, "sup": None}
    assert children[1] == {"kind": "mo", "text": "·"}
    h = children[2]
    assert h["base"] == {"kind": "mi", "text": "h"} and h["sup"] == {"kind": "mo", "text": "⊤"}
    assert [c["text"] for c in h["sub"]["children"]] == ["t", "−", "1"]
    assert children[3:] == [{"kind": "mo", "text": "="}, {"kind": "value", "name": "a_h"}, {"kind": "mtext", "text": "text"}]


@pytest.mark.parametrize("cell, activation", CELLS)
def test_every_slot_is_a_name_of_the_answer_and_every_name_has_a_slot(modules, client, cell, activation):
    """The lines of each cell, forward and backward, at an output step with a gradient from both sides."""
    body = {"topology": "many_to_many", "cell": cell, "activation": activation, "hidden_size": 3, "t": 2}
    answer = client.post("/api/explain", json=body).json()
    options = json.dumps({"activation": activation, "kind": "classification", "xLabel": "x", "targetLabel": "y"})
    slots = modules(["equations"], f"""
      const answer = {json.dumps(answer)};
      const names = (phase) => equations.sections(answer, phase, {options})
        .flatMap((s) => s.lines).flatMap((line) => [...line.matchAll(/\\$(\\w+)/g)].map((m) => m[1]));
      return {{forward: names("forward"), backward: names("backward")}};""")
    for phase in ("forward", "backward"):
        given = {k for k, v in answer[phase].items() if v is not None} - {"x"}  # x: a token, named not listed
        assert set(slots[phase]) == given, phase


def test_shrink_in_words_and_the_unit_a_number_lights(modules):
    result = modules(["equations"], """
      return {
        words: [0.4181337427969228, 0.003, 2.5, 0, null].map((s) => equations.shrinkWords(s, "rnn")),
        lstm: equations.shrinkWords(0.5, "lstm"),
        units: [["a_f", 3], ["h_prev", 1], ["dc_prev", 0], ["p", 2], ["y", 1], ["x", 4], ["dh", 5]]
          .map(([name, unit]) => equations.unitOf(name, unit, 7, "classification")),
        regression: equations.unitOf("y", 0, 7, "regression"),
      };""")
    assert result["words"][:4] == ["One step back keeps 42 % of the gradient.", "One step back keeps 0.3 % of the gradient.",
                                   "One step back multiplies the gradient by 2.50: it grows.",
                                   "One step back keeps none of the gradient."]
    assert result["words"][4].startswith("No gradient reaches this step")
    assert "along c" in result["lstm"]
    assert result["units"] == [{"what": "h", "t": 7, "unit": 3}, {"what": "h", "t": 6, "unit": 1}, {"what": "c", "t": 6, "unit": 0},
                               {"what": "p", "t": 7, "unit": 2}, {"what": "p", "t": 7, "unit": 1}, None,
                               {"what": "h", "t": 7, "unit": 5}]
    assert result["regression"] == {"what": "y", "t": 7, "unit": 0}


def test_the_chain_chart_never_crowds_its_labels(modules):
    charts = modules(["chain_chart"], """
      const chain = (n, rate) => Array.from({length: n}, (_, i) => ({k: 60 - 1 - i, factor: rate, product: rate ** (i + 1)}));
      return [[chain(50, 0.3), 260, 140, 12], [chain(50, 0.3), 600, 300, 24], [chain(3, 1.5), 260, 140, 12],
              [[{k: 59, factor: 0, product: 0}], 260, 140, 12]]
        .map(([c, width, height, fontSize]) => ({...chain_chart.chainChart(c, {t: 60, width, height, fontSize, handoverK: 40}), fontSize}));""")
    for chart in charts:
        ys = [tick["y"] for tick in chart["yTicks"]]
        assert all(b - a >= chart["fontSize"] * 1.2 for a, b in zip(ys, ys[1:], strict=False)), ys
        xs = [tick["x"] for tick in chart["xTicks"]]
        assert all(b - a >= chart["fontSize"] * 2 for a, b in zip(xs, xs[1:], strict=False)), xs
        plot = chart["plot"]
        for p in chart["points"]:
            assert plot["x0"] <= p["fx"] <= plot["x1"] and plot["y0"] <= p["py"] <= plot["y1"]
    assert charts[0]["yTicks"][0]["e"] == 0 and charts[0]["yTicks"][-1]["e"] <= -27  # 0.3⁵⁰ = 7e-27: labelled down to it
    assert charts[0]["one"] == charts[0]["yTicks"][0]["y"]
    assert charts[0]["handoverX"] == pytest.approx(charts[0]["points"][19]["fx"])  # k = 40 is 20 back
    assert charts[3]["points"][0]["zero"] and charts[3]["points"][0]["py"] == charts[3]["plot"]["y1"]


def test_the_folded_layout_loops_beside_the_one_cell(modules):
    result = modules(["layout", "gate_diagram"], """
      const steps = Array.from({length: 30}, (_, t) => ({t, role: "step", y: null, x_label: "a"}));
      const o = {topology: "many_to_one", steps, hiddenSize: 8, hasCellState: true, kind: "classification",
                 outputSize: 2, width: 800, height: 400, gutter: 90, minColumn: 70, focus: 12, fontSize: 14};
      const unfolded = layout.stageLayout(o);
      const folded = layout.foldedLayout(unfolded);
      const col = unfolded.columns[0];
      return {x: folded.x, loop: folded.loop, caption: folded.caption, right: unfolded.shapes.edges.right,
              at0: layout.unfoldingX(col, folded, 0), at1: layout.unfoldingX(col, folded, 1), colX: col.x,
              lstm: gate_diagram.gateDiagram("lstm").gates.map((g) => g.name), rnn: gate_diagram.gateDiagram("rnn")};""")
    assert result["x"] == (90 + 800) / 2
    assert result["loop"]["d"].startswith(f"M{result['x'] + result['right'] + 2},")
    assert result["caption"]["x"] > result["loop"]["labelX"]
    assert (result["at0"], result["at1"]) == (result["x"], result["colX"])
    assert result["lstm"] == ["f", "i", "g", "o"] and result["rnn"] is None
