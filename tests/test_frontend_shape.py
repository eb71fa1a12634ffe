"""The front-end's shape (docs/architecture.md, "The front-end"), as tests/test_architecture.py
checks the Python layers: every module in one layer, imports pointing one way (pages -> views ->
helpers -> pure modules), only api.js speaking HTTP, pure modules free of the DOM, every import
resolving to a named export, no module over 400 lines."""

import re
from pathlib import Path

import pytest

JS = Path(__file__).parent.parent / "static" / "js"
MAX_LINES = 400

# Every module of static/js in exactly one layer; a new module must say which it is.
LAYERS = {
    "pure": {"axes", "cells", "catalog", "chain-chart", "equations", "format", "gate-diagram", "generation", "hints",
             "lab-data", "layout", "lessons", "own-data", "own-parse", "passages", "playhead", "requests", "scales",
             "scene", "state", "store", "wire-format"},
    "http": {"api"},
    "helpers": {"chart-frame", "dom", "heatmap-chart", "keys", "mathml", "norm-chart", "pictograms", "radio-group", "stage-column", "stage-distribution", "stage-fold",
                "stage-gradients", "stage-links", "svg-export", "text-measure", "tooltip"},
    "controllers": {"compare-loader", "explain-loader", "generator", "lab-loader", "lesson-loader", "model-loader",
                    "own-keep", "player", "trace-loader", "train-runner", "url-sync"},
    "views": {"announcer", "cell-diagram", "chain-view", "charts", "compare", "controls", "exports-panel", "fold-button",
              "generate-panel", "header", "inspector", "intro", "lab-chart", "lab-controls", "lab-readout", "legend",
              "lesson-menu", "lesson-player", "live-tabs", "model-panel", "notices", "own-panel", "page-shell",
              "player-bar", "presenter-inspector", "stage", "timeline", "topology-picker", "train-chart", "train-panel"},
    "pages": {"lab", "learn", "visualizer", "visualizer-later"},  # the last imported by visualizer.js, later
    "standalone": {"api-docs"},  # Swagger UI's starter for /docs, a classic script
}
# What each layer may import.
MAY_IMPORT = {
    "pure": {"pure"},
    "http": {"pure"},  # api.js reads the packed form with wire-format.js
    "helpers": {"pure", "helpers"},
    "controllers": {"pure", "http"},
    "views": {"pure", "helpers"},
    "pages": {"pure", "http", "helpers", "controllers", "views"},
    "standalone": set(),
}
# What a pure module must not touch: the DOM and the browser around it.
# (A global, not a property: `layout.window` or `{window: …}` do not count.)
BROWSER = re.compile(r"(?<![.\w])(document|window|getComputedStyle|matchMedia|localStorage|sessionStorage|history"
                     r"|location|navigator|requestAnimationFrame|HTMLElement|SVGElement|CSS)\b(?!\s*:)")
IMPORT = re.compile(r"""^import\s+(?:\{([^}]*)\}\s+from\s+)?["']\./([\w-]+)\.js["'];""", re.M)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function|const|class|let)\s+(\w+)", re.M)


def modules() -> dict[str, str]:
    return {path.stem: path.read_text() for path in sorted(JS.glob("*.js"))}


def layer_of(name: str) -> str:
    (layer,) = [layer for layer, names in LAYERS.items() if name in names]
    return layer


def code(text: str) -> str:
    """The text without comments and string literals (so a word in a docstring does not count)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"`(?:\\.|[^`])*`|\"(?:\\.|[^\"])*\"|'(?:\\.|[^'])*'", '""', text)


def test_every_module_is_in_one_layer():
    names = set(modules())
    listed = [n for layer in LAYERS.values() for n in layer]
    assert sorted(listed) == sorted(set(listed)), "a module listed in two layers"
    assert names == set(listed), f"unlisted: {sorted(names - set(listed))}; gone: {sorted(set(listed) - names)}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_point_one_way_and_resolve(name):
    texts = modules()
    for names, target in IMPORT.findall(texts[name]):
        assert target in texts, f"{name}.js imports ./{target}.js, which does not exist"
        assert layer_of(target) in MAY_IMPORT[layer_of(name)], (
            f"{name}.js ({layer_of(name)}) imports {target}.js ({layer_of(target)})")
        exported = set(EXPORT.findall(texts[target]))
        for imported in filter(None, (n.strip().split(" as ")[0] for n in names.split(","))):
            assert imported in exported, f"{name}.js imports {imported} from {target}.js, which does not export it"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_too_long(name):
    assert len(modules()[name].splitlines()) <= MAX_LINES


def test_only_api_speaks_http():
    for name, text in modules().items():
        if name != "api":
            assert not re.search(r"\b(fetch|XMLHttpRequest|EventSource|WebSocket)\b", code(text)), name


@pytest.mark.parametrize("name", sorted(LAYERS["pure"]))
def test_pure_modules_touch_no_dom(name):
    found = BROWSER.findall(code(modules()[name]))
    assert not found, f"{name}.js uses {sorted(set(found))}"


def test_views_have_the_view_interface():
    """Each view's factory returns an object with update() and resize()."""
    for name in LAYERS["views"]:
        text = code(modules()[name])
        assert re.search(r"return\s*\{[^}]*\bupdate\b[^}]*\bresize\b|return\s*\{[^}]*\bresize\b[^}]*\bupdate\b", text), name
