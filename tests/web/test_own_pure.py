"""Your own data's pure modules (own-parse, own-data, passages, the scene's and format's parts),
unit-tested in Chromium where they run: a pasted column is read as the API takes it and every
refused line is named; a text is counted in code points; a view state draws the data it can, and
says why when it cannot."""

import pytest

from app.engine.own_data import ALICE

from .test_pure_modules import LIMITS

OWN_CATALOG = """const catalog = catalog_js.makeCatalog({
  topologies: [
    {id: "many_to_many", name: "Many to many (aligned)", tasks: ["named_entities", "text", "series", "vectors"], feeds_back: false},
    {id: "many_to_one", name: "Many to one", tasks: ["sentiment", "series", "vectors"], feeds_back: false},
    {id: "one_to_many", name: "One to many", tasks: ["sine_wave", "text", "vectors"], feeds_back: true}],
  tasks: [
    {id: "named_entities", input_vocab: ["mr"], input_size: 2}, {id: "sentiment", input_vocab: ["good"], input_size: 2},
    {id: "sine_wave", input_vocab: null, input_size: 1},
    {id: "text", topology: "many_to_many", topologies: ["many_to_many", "one_to_many"], reads: ["text"], input_vocab: ["a"]},
    {id: "series", topology: "many_to_one", topologies: ["many_to_one", "many_to_many"], reads: ["series"], input_vocab: null},
    {id: "vectors", topology: "many_to_many", topologies: ["many_to_many", "many_to_one", "one_to_one", "one_to_many"],
     reads: ["input_size"], lengths: [10, 10]}],
  presets: [],
  limits: """ + LIMITS + """,
});"""


@pytest.fixture
def modules(page):
    """As test_pure_modules' fixture, for modules whose names have a dash: "own_parse" is own-parse.js
    ("catalog_js" is catalog.js, whose name the catalog itself takes)."""
    page.goto("/favicon.ico")  # any page of our origin: the modules import from it

    def run(names: list[str], body: str):
        files = [n.removesuffix("_js").replace("_", "-") for n in names]
        imports = ", ".join(f'import("/static/js/{f}.js")' for f in files)
        return page.evaluate(f"async () => {{ const [{', '.join(names)}] = await Promise.all([{imports}]); {body} }}")

    return run


def test_a_pasted_column_is_read_line_by_line(modules):
    read = modules(["own_parse"], """
      const limits = {min: 2, max: 5};
      const r = (text) => own_parse.parseColumn(text, limits);
      return {
        plain: r("1\\n2.5\\n-3e2\\n\\n+4\\r\\n.5"),
        header: r("temperature (°C)\\n12\\n13"),
        csv: r('"value"\\n"1.5",\\n2,\\n'),
        bad: r("1\\n2\\nabc\\n4\\n0x10\\nInfinity\\n1e999\\n3,5\\n1;2"),
        many: r("1\\n2\\n3\\n4\\n5\\n6"),
        few: r("value\\n7"),
        empty: r(""),
      };""")
    assert read["plain"]["values"] == [1, 2.5, -300, 4, 0.5] and read["plain"]["error"] is None
    assert read["header"]["header"] == "temperature (°C)" and read["header"]["values"] == [12, 13]
    assert read["csv"]["header"] == '"value"' and read["csv"]["values"] == [1.5, 2] and read["csv"]["error"] is None
    bad = read["bad"]
    assert [(r["line"], r["text"]) for r in bad["refused"]] == [
        (3, "abc"), (5, "0x10"), (6, "Infinity"), (7, "1e999"), (8, "3,5"), (9, "1;2")]
    assert bad["error"] == ("Not used: line 3: “abc” is not a number; line 5: “0x10” is not a number; "
                            "line 6: “Infinity” is not a number; and 3 more lines.")
    assert [r["why"] for r in bad["refused"][3:]] == [
        "is past what float64 holds", "has 2 columns; paste one column (a decimal comma? write 3.5, not 3,5)",
        "has 2 columns; paste one column"]
    assert read["many"]["error"] == "Not used: 6 numbers; a series takes at most 5."
    assert read["few"]["error"] == "Not used: one number; a series needs at least 2."
    assert read["empty"]["error"] == "Not used: no numbers; a series needs at least 2."


def test_a_text_is_counted_as_the_api_counts_it(modules):
    got = modules(["own_parse", "passages"], """
      const text = "a😀b\\u202Ea a";
      return {chars: own_parse.characters(text).length, vocab: own_parse.vocabularyOf(text),
              alice: passages.passageOf("alice").text, sorted: own_parse.vocabularyOf("\\uFFFD😀z")};""")
    assert got["chars"] == len("a😀b\u202ea a") == 7  # the emoji is one code point, as Python counts it
    assert got["vocab"] == sorted(set("a😀b\u202ea a"))  # code-point order, as sorted(set(text))
    assert got["sorted"] == sorted(set("\ufffd😀z"))  # astral above U+FFFD, unlike UTF-16 order
    assert got["alice"] == ALICE  # the page's Alice is the API's default text


def test_typed_vectors_and_targets(modules):
    got = modules(["own_parse"], """
      return {
        vectors: own_parse.parseVectors("0.5, -1 2\\n\\n3;4 x\\n"),
        none: own_parse.parseVectors("  \\n"),
        classes: own_parse.parseTargets("2\\n0\\n1.5", 3),
        values: own_parse.parseTargets("2\\n0.5", 1),
        text: own_parse.vectorsText([[0.1, -2], [3e-7, 4]]),
      };""")
    assert got["vectors"] == [[0.5, -1, 2], [3, 4, "x"]]  # "x" is left for the API to name
    assert got["none"] is None
    assert got["classes"] == [2, 0, [1.5]]  # a whole number alone is a class index when O > 1
    assert got["values"] == [[2], [0.5]]  # one output: every line is a value
    assert got["text"] == "0.1, -2\n3e-7, 4"


def test_a_view_draws_the_data_it_can_and_says_why_not(modules):
    got = modules(["own_data", "catalog_js", "state", "requests"], OWN_CATALOG + """
      const base = {...state.defaultState(state.urlTable(catalog)), ownText: null, ownSeries: null, model: null,
                    modelInputs: null, modelTargets: null};
      const of = (patch) => own_data.ownDataOf({...base, ...patch}, catalog);
      const answer = {cell: "gru", activation: "tanh", input_size: 5, hidden_size: 16, output_size: 3,
                      params: {W_ih: [[1]]}, file: {format: "safetensors", keys: {}, head: true}};
      const model = {name: "m.safetensors", answer};
      const modelView = {data: "model", model, topology: "many_to_many", cell: "gru", hiddenSize: 16,
                         modelInputs: "1 2 3 4 5\\n5 4 3 2 1", modelTargets: "2\\n0"};
      const pick = (o) => ({id: o.id, note: o.note, task: o.task.id, fields: o.fields, restore: o.restore ?? null});
      return {
        task: pick(of({})),
        text: pick(of({data: "text", topology: "many_to_many", passage: "austen"})),
        textHere: pick(of({data: "text", topology: "many_to_one"})),
        lostText: pick(of({data: "text", topology: "one_to_many", passage: "pasted"})),
        pasted: pick(of({data: "text", topology: "many_to_many", passage: "pasted", ownText: "abcab"})),
        pastedTask: of({data: "text", topology: "many_to_many", passage: "pasted", ownText: "abcab"}).task,
        sample: pick(of({data: "series", topology: "many_to_one"})),
        series: pick(of({data: "series", topology: "many_to_many", seriesSource: "pasted", ownSeries: {values: [1, 2, 4]}})),
        lostSeries: pick(of({data: "series", seriesSource: "pasted"})),
        noModel: pick(of({data: "model", topology: "many_to_many"})),
        model: pick(of(modelView)),
        modelRequest: requests.traceRequest({...base, ...modelView, seed: 3}, catalog),
        wrongCell: pick(of({...modelView, cell: "lstm"})),
        oneToMany: pick(of({...modelView, topology: "one_to_many"})),
        summary: own_data.modelSummary({...answer, cell: "rnn", activation: "relu", file: {head: false}}),
        textRequest: requests.traceRequest({...base, data: "text", topology: "many_to_many", passage: "pasted",
                                            ownText: "ab ba", inputs: "a b", hiddenSize: 4}, catalog),
      };""")
    assert got["task"] == {"id": "task", "note": None, "task": "sentiment", "fields": {}, "restore": None}
    assert got["text"]["id"] == "text" and got["text"]["fields"]["text"].startswith("It is a truth universally")
    assert got["textHere"]["id"] == "task" and got["textHere"]["task"] == "sentiment"
    assert got["textHere"]["note"] == ("Your own text draws on Many to many (aligned) or One to many; "
                                       "this topology draws its own task.")
    assert got["lostText"]["id"] == "text" and got["lostText"]["fields"]["text"] == ALICE
    assert "a link cannot carry" in got["lostText"]["note"]
    assert got["pasted"]["fields"] == {"text": "abcab"} and got["pasted"]["note"] is None
    assert got["pastedTask"]["input_vocab"] == ["a", "b", "c"] and got["pastedTask"]["max_length"] == 4
    assert got["sample"] == {"id": "series", "note": None, "task": "series", "fields": {}, "restore": None}
    assert got["series"]["fields"] == {"series": [1, 2, 4]}
    assert got["lostSeries"]["fields"] == {} and "a link cannot carry" in got["lostSeries"]["note"]
    assert got["noModel"]["id"] == "task" and "a link cannot carry one" in got["noModel"]["note"]
    assert got["model"]["id"] == "model" and got["model"]["fields"]["params"] == {"W_ih": [[1]]}
    request = got["modelRequest"]
    assert request == {
        "seed": 3, "teacher_forcing": False, "topology": "many_to_many", "task": "vectors", "cell": "gru",
        "activation": "tanh", "hidden_size": 16, "recurrent_scale": None, "input_size": 5, "output_size": 3,
        "params": {"W_ih": [[1]]}, "inputs": [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], "targets": [2, 0]}
    assert got["wrongCell"]["id"] == "task" and got["wrongCell"]["restore"] == {"cell": "gru", "hiddenSize": 16}
    assert "choose GRU and H = 16" in got["wrongCell"]["note"]
    assert got["oneToMany"]["id"] == "task" and "input size = output size" in got["oneToMany"]["note"]
    assert got["summary"] == "nn.RNN (relu), input 5, hidden 16, output 3, head: no"
    text = got["textRequest"]
    assert (text["task"], text["text"], text["inputs"], text["hidden_size"]) == ("text", "ab ba", ["a", " ", "b"], 4)


def test_labels_file_names_and_readings(modules):
    got = modules(["format", "scene"], """
      const trace = {topology: "many_to_one", cell: "gru", output_vocab: [" ", "\\n", "a", "\\u202E"]};
      return {
        visible: ["a b", "\\n", "\\t", "\\u202E", "<b>", null].map(format.visible),
        labels: [0, 1, 2, 3].map((k) => scene.classLabel(trace, k)),
        top: scene.topClasses([0.1, 0.4, 0.1, 0.4], 3),
        name: scene.exportName({trace, request: {seed: 42}}, "svg"),
        readings: [2152.04, 1.74219, -0.000123, 12345.6, -999.96, 0, 2.5e6].map((x) => format.reading(x)),
        units: scene.unitsOf({normalisation: {mean: 10, std: 2}})(-0.5),
      };""")
    assert got["visible"] == ["a␣b", "↵", "⇥", "U+202E", "<b>", None]
    assert got["labels"] == ["␣", "↵", "a", "U+202E"]
    assert got["top"] == [1, 3, 0]
    assert got["name"] == "unroll-many_to_one-gru-seed42.svg"
    assert got["readings"] == ["2152", "1.742", "−1.23e-4", "12346", "−1000", "0", "2.50e6"]
    assert got["units"] == 9
