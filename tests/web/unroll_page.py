"""Helpers for the visualizer's tests: open a view, read what the stage draws (DESIGN §6,
"Testable surface"), and compare it with the API's answer for the same request."""

import json

TOPOLOGIES = ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"]
# The stage with a trace drawn, once every view is built (the workspace's data-ready: docs/page.md).
STAGE = "#main[data-ready] [data-stage][data-steps]"
# What the browser itself logs for a 4xx/5xx answer (not the page's doing).
FAILED_RESOURCE = "Failed to load resource: the server responded with a status of {status}"

# Every drawn value the stage carries, and where it is in a step of the trace.
DRAWN = {"h": "h", "c": "c", "p": "p", "y": "y"}
INDEX = {"h": "unit", "c": "unit", "p": "class", "y": "dim"}

_READ = """(selector) => [...document.querySelectorAll(selector)].map((e) => ({...e.dataset}))"""

_LABEL_BOXES = """() => {
  const boxes = [];
  for (const node of document.querySelectorAll("#stage svg text")) {
    const title = node.querySelector("title");
    const text = title ? node.textContent.replace(title.textContent, "") : node.textContent;
    if (!text.trim()) continue;
    const style = getComputedStyle(node);
    if (style.display === "none" || style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const column = node.closest("[data-step]");
    boxes.push({
      text, cls: node.getAttribute("class") || "",
      step: column ? column.dataset.step : null,
      left: r.left, right: r.right, top: r.top, bottom: r.bottom,
    });
  }
  return boxes;
}"""


def trace_request(response) -> dict:
    """The trace request the page sent for `response`, without its `omit` (how much of the answer
    to send is the wire's business, not the trace's): what `_request` holds below."""
    return {key: value for key, value in json.loads(response.request.post_data).items() if key != "omit"}


def json_answer(page, response) -> dict:
    """The JSON API's whole answer to the request the page sent for `response`: the page asks for
    the packed form without params and grads, so the same request, without its `omit`, is asked
    again as JSON (what every drawn number is compared with)."""
    request = json.loads(response.request.post_data)
    if response.headers.get("content-type", "").startswith("application/json") and "omit" not in request:
        return response.json()
    reply = page.request.post(response.url, data=json.dumps(trace_request(response)), headers={"Content-Type": "application/json"})
    assert reply.status == 200, reply.text()
    assert reply.headers["content-type"].startswith("application/json")
    return reply.json()


def open_view(page, query: str = "", wait: bool = True, client=None) -> dict:
    """Open `/{query}`; return the JSON API's answer to the trace request the page drew (after
    the stage shows it). With `client`, it is asked of the API in process (the browser keeps no
    copy of a very large answer for Playwright to read)."""
    with page.expect_response(lambda r: r.url.endswith("/api/trace") and r.status == 200, timeout=60_000) as answer:
        page.goto(query if query.startswith("http") else f"/{query}")
    if client is None:
        trace = json_answer(page, answer.value)
    else:
        reply = client.post("/api/trace", json=trace_request(answer.value))
        assert reply.status_code == 200, reply.text
        trace = reply.json()
    trace["_request"] = trace_request(answer.value)
    if wait:
        wait_for_trace(page, trace)
    return trace


def wait_for_trace(page, trace: dict, timeout: float = 60_000):
    """Until the stage shows a trace of this many steps, of this topology and cell, and every view
    is built (the page marks "unroll:ready" once the views its first drawing did not need are in)."""
    page.wait_for_function(
        """([topology, cell, T]) => {
          const s = document.querySelector("[data-stage][data-steps]");
          return s && s.dataset.topology === topology && s.dataset.cell === cell && Number(s.dataset.steps) === T
            && performance.getEntriesByName("unroll:ready").length > 0;
        }""",
        arg=[trace["topology"], trace["cell"], len(trace["steps"])], timeout=timeout,
    )


def drawings(page) -> int:
    """How many traces the page has drawn (it marks "unroll:drawn" after each)."""
    return page.evaluate("() => performance.getEntriesByName('unroll:drawn').length")


def redraw(page, action, timeout: float = 60_000) -> dict:
    """Do `action` (a control change) and wait for the page to draw the new trace; return it."""
    before = drawings(page)
    with page.expect_response(lambda r: r.url.endswith("/api/trace") and r.status == 200, timeout=timeout) as answer:
        action()
    page.wait_for_function("(n) => performance.getEntriesByName('unroll:drawn').length > n", arg=before, timeout=timeout)
    trace = json_answer(page, answer.value)
    trace["_request"] = trace_request(answer.value)
    return trace


def controls(page) -> dict:
    """What the settings show."""
    return page.evaluate("""() => ({
      topology: [...document.querySelectorAll("[data-topology-choice][aria-checked=true]")].map((b) => b.dataset.topologyChoice),
      cell: [...document.querySelectorAll("[data-cell-choice][aria-checked=true]")].map((b) => b.dataset.cellChoice),
      hiddenSize: document.getElementById("hidden-size").value,
      length: document.getElementById("length").value,
      seed: document.getElementById("seed").value,
      trained: document.getElementById("trained").checked,
      inputs: document.getElementById("inputs-field").value,
      speed: document.getElementById("speed").value,
    })""")


def stage(page) -> dict:
    return page.eval_on_selector("[data-stage]", "(e) => ({...e.dataset})")


def drawn(page, name: str) -> list[dict]:
    """The data attributes of every drawn [data-<name>] element."""
    return page.evaluate(_READ, f"#stage [data-{name}]")


def drawn_steps(page) -> list[int]:
    return [int(d["step"]) for d in page.evaluate(_READ, "#stage [data-step]")]


def playhead(page) -> tuple[str, int]:
    d = page.eval_on_selector("[data-playhead]", "(e) => ({...e.dataset})")
    return d["phase"], int(d["t"])


def playing(page) -> bool:
    return page.get_attribute("#btn-play", "data-playing") == "true"


def press(page, key: str):
    page.keyboard.press(key)


def wait_playhead(page, phase: str, t: int, timeout: float = 10_000):
    page.wait_for_function(
        """([phase, t]) => {
          const e = document.querySelector("[data-playhead]");
          return e && e.dataset.phase === phase && Number(e.dataset.t) === t;
        }""",
        arg=[phase, t], timeout=timeout,
    )


def mismatches(page, trace: dict, name: str) -> list[str]:
    """Every drawn [data-<name>] whose value is not exactly the API's, described."""
    wrong = []
    for d in drawn(page, name):
        t = int(d["t"])
        k = int(d[INDEX[name]])
        values = trace["steps"][t][DRAWN[name]]
        expected = None if values is None or k >= len(values) else values[k]
        if expected is None or float(d["value"]) != expected:
            wrong.append(f"{name} t={t} {INDEX[name]}={k}: drawn {d['value']}, API {expected}")
    return wrong


def expected_count(trace: dict, name: str, steps) -> int:
    """How many [data-<name>] the given (revealed) steps should draw ([data-y]: regression only)."""
    if name == "y" and trace["kind"] != "regression":
        return 0
    return sum(len(trace["steps"][t][name] or []) for t in steps)


def label_boxes(page) -> list[dict]:
    return page.evaluate(_LABEL_BOXES)


def overlapping_labels(page, tolerance: float = 1.0) -> list[str]:
    """Pairs of visible text labels in the stage whose boxes overlap by more than `tolerance` px."""
    boxes = label_boxes(page)
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > tolerance and dy > tolerance:
                pairs.append(f"{describe(a)} overlaps {describe(b)} by {dx:.1f}×{dy:.1f} px")
    return pairs


def describe(box: dict) -> str:
    where = f" (t={box['step']})" if box["step"] is not None else ""
    return (f"'{box['text']}' .{box['cls']}{where} at "
            f"[{box['left']:.0f}–{box['right']:.0f}]×[{box['top']:.0f}–{box['bottom']:.0f}]")


def only_local(page, live_url: str) -> list[str]:
    """The requests that left the server (should be none)."""
    return [url for url in page.requests if not url.startswith(live_url)]


def heatmap_shape(page):
    """(rows, columns) of the heatmap's cells as drawn (its canvas), once drawn."""
    return page.evaluate("""() => {
      const canvas = document.querySelector("#heatmap [data-heatmap]");
      return canvas ? [Number(canvas.dataset.rows), Number(canvas.dataset.columns)] : null;
    }""")


_HEATMAP_PIXELS = """async ([trace, cells]) => {
  const { limitsOf, valueRGB } = await import("/static/js/scales.js");
  const limit = limitsOf(trace).h;
  const canvas = document.querySelector("#heatmap [data-heatmap]");
  const [T, H] = [Number(canvas.dataset.columns), Number(canvas.dataset.rows)];
  const context = canvas.getContext("2d");
  // the pixel at the cell's centre, and the cells that pixel covers: the cell alone where cells
  // are wider than two pixels; where they are thinner (H = 256 in 100 px) the pixel shows one of them
  const covered = (p, n, size) => {
    const [from, to] = [Math.floor((p * n) / size), Math.ceil(((p + 1) * n) / size) - 1];
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  };
  return cells.map(([t, unit]) => {
    const x = Math.floor(((t + 0.5) * canvas.width) / T), y = Math.floor(((unit + 0.5) * canvas.height) / H);
    const drawn = [...context.getImageData(x, y, 1, 1).data.slice(0, 3)];
    const wants = covered(x, T, canvas.width).flatMap((tt) => covered(y, H, canvas.height)
      .map((uu) => valueRGB(trace.steps[tt].h[uu], limit)));
    const ok = wants.some((want) => want.every((v, k) => v === drawn[k]));
    return { t, unit, drawn, want: wants[0], ok, cells: wants.length };
  });
}"""


def heatmap_problems(page, trace: dict, cells=None) -> list[str]:
    """Each cell (t, unit) of the heatmap (all of them when `cells` is None) whose drawn colour,
    read from its canvas at the cell's centre, is not the page's colour scale at the API's h (of
    one of the cells that pixel covers, where cells are thinner than it)."""
    T, H = len(trace["steps"]), trace["hidden_size"]
    cells = cells if cells is not None else [(t, unit) for t in range(T) for unit in range(H)]
    slim = {key: trace[key] for key in ("cell", "activation", "kind")} | {"steps": [{"h": s["h"]} for s in trace["steps"]]}
    found = page.evaluate(_HEATMAP_PIXELS, [slim, cells])
    return [f"h[{c['t']}][{c['unit']}] drawn {c['drawn']}, expected {c['want']} (of {c['cells']} cells)"
            for c in found if not c["ok"]]
