"""Page speed in headless Chromium on loopback, each figure against its goal (DESIGN §7) and, with
`--before REF`, against the code of that commit measured in the same run, round by round.

The view: many_to_many, lstm, H = 64, 100 steps, at 1366×768. Measured, for each code:

- cold: a shared link opened in a fresh browser context (an empty cache): navigation start to
  the stage painted (the first frame after its cells are in the DOM) and to everything drawn: the
  later of the page's "unroll:drawn" mark (stage and both charts) and its "unroll:ready" (the
  views the first drawing does not need, built after it and drawn; a page without them has no
  such mark);
- warm: the same link opened again in that context (the modules cached);
- redraw: a new seed typed on a page at rest (0.5 s after the last drawing, its inspector's
  answers in, as a student types), to the next "unroll:drawn" (and, where the page sets it, to
  "unroll:stage");
- where a cold link waits (no goal): when the files asked for before the trace (styles, modules,
  the catalog) were all in, a file's median wait for a connection (HTTP/1.1: six at a time) and
  from its request to its last byte, and when the trace was asked for and had come;
- bytes: the trace's transferSize as the page fetched it (resource timing), and everything the
  cold load fetched;
- frames: requestAnimationFrame intervals while playing at 4× (a step every 200 ms), forward,
  then backward.

Anchors in the same run: each code against the other, and the bare `POST /api/trace` fetched
from the page, as JSON and in the packed form without params and grads (server, transfer and
parse); an idle page's frame. Then the largest trace (one_to_many, lstm, T = 500, H = 256):
whether the loading progress shows, and the longest main-thread task while it plays. Last, on
this checkout's code, bench_inspector.py's figures: a click on a step to its inspector drawn,
and the frames of fold ⇄ unfold.

Each code is served by its own `unroll serve --workers 1` from a copy in a temporary folder (the
old one from `git archive REF`, the new one from this checkout's files), every file's mtime set
alike, so that the browser's heuristic caching treats both the same.

    python benchmarks/bench_page.py [--before REF] [--rounds 5] [--seconds 3]
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import bench_inspector  # noqa: E402  (beside this script)
from page_timing import FRAMES_JS, summary  # noqa: E402

from tests.web.conftest import CHROMIUM_FLAGS, chromium_path  # noqa: E402

VIEW = "/?topology=many_to_many&cell=lstm&h=64&len=100"
BODY = {"topology": "many_to_many", "task": "named_entities", "cell": "lstm", "activation": "tanh",
        "hidden_size": 64, "seed": 0, "teacher_forcing": False, "recurrent_scale": None, "length": 100}
LARGEST = "/?topology=one_to_many&cell=lstm&h=256&len=500&speed=4"
GOALS = {"cold stage": 500, "cold drawn": 1000, "redraw": 50, "trace bytes": 500_000, "frame median": 16.7,
         "frame p95": 33}

LOADED = "unroll-bench: loaded"  # what WATCH_STAGE says on the console once the link is all drawn
# Times the stage's first painted frame: the frame after its first cell is in the DOM. Says
# LOADED once that frame has come and every view is drawn ("unroll:drawn", and "unroll:ready" on a
# page whose later views have a <template> of modules), so that a link's load is waited for
# without evaluating anything in the page meanwhile (open_link).
WATCH_STAGE = """
const marks = new Set();
const tell = () => {
  const done = window.__stagePainted !== undefined && marks.has("unroll:drawn")
    && (marks.has("unroll:ready") || !document.getElementById("later-modules"));
  if (done && !window.__told) { window.__told = true; console.debug("%LOADED%"); }
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) marks.add(e.name);
  tell();
}).observe({ type: "mark" });
new MutationObserver((records, observer) => {
  if (!document.querySelector("#stage [data-h]")) return;
  observer.disconnect();
  requestAnimationFrame(() => { window.__stagePainted = performance.now(); tell(); });
}).observe(document, { subtree: true, childList: true });""".replace("%LOADED%", LOADED)

LOAD_JS = """() => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
  const resources = performance.getEntriesByType("resource");
  const trace = resources.find((e) => e.name.endsWith("/api/trace"));
  const navigation = performance.getEntriesByType("navigation")[0];
  const ready = mark("unroll:ready");
  // the files asked for before the trace (styles, modules, the catalog): when the last came in,
  // and, per file, how long it waited for a connection and then took to its last byte
  const before = resources.filter((e) => trace && e.startTime < trace.startTime);
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;
  return { stage: window.__stagePainted ?? null, stageMark: mark("unroll:stage"),
           drawn: ready === null ? mark("unroll:drawn") : Math.max(ready, mark("unroll:drawn")),
           traceBytes: trace ? trace.transferSize : null,
           allBytes: navigation.transferSize + resources.reduce((n, e) => n + e.transferSize, 0),
           filesIn: before.length ? Math.max(...before.map((e) => e.responseEnd)) : null,
           fileQueued: median(before.map((e) => e.requestStart - e.startTime)),
           fileServed: median(before.map((e) => e.responseEnd - e.requestStart)),
           traceAsked: trace ? trace.startTime : null, traceIn: trace ? trace.responseEnd : null };
}"""

REDRAW_JS = """() => new Promise((resolve) => {
  const start = performance.now();
  let stage = null;
  new PerformanceObserver((list, observer) => {
    for (const e of list.getEntries()) {
      if (e.startTime < start) continue;
      if (e.name === "unroll:stage") stage = e.startTime - start;
      if (e.name !== "unroll:drawn") continue;
      observer.disconnect();
      resolve({ drawn: e.startTime - start, stage });
    }
  }).observe({ type: "mark" });
  const seed = document.getElementById("seed");
  seed.value = String(Number(seed.value) + 1);
  seed.dispatchEvent(new Event("change", { bubbles: true }));
})"""

FETCH_JS = """async ([body, accept]) => {
  const wire = await import("/static/js/wire-format.js");
  const start = performance.now();
  const response = await fetch("/api/trace", {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...(accept ? { Accept: wire.ACCEPT_PACKED } : {}) } });
  if (wire.isPacked(response.headers.get("content-type"))) wire.decodeTrace(await response.arrayBuffer());
  else await response.json();
  return performance.now() - start;
}"""

LONGEST_JS = """
window.__longest = 0; window.__progressSeen = false;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
}).observe({ type: "longtask" });
const watch = () => { const p = document.getElementById("notice-progress");
  if (p && !p.hidden) window.__progressSeen = true; else requestAnimationFrame(watch); };
requestAnimationFrame(watch);"""

DRAWN = "performance.getEntriesByName('unroll:drawn').length > 0"
REST_MS = 500  # before each new seed: the last one's inspector requests answered and typeset


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_tree(ref: str | None, into: Path) -> Path:
    """The code of commit `ref` (None: this checkout's files as they are now) in `into`."""
    into.mkdir(parents=True)
    if ref:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    else:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                                check=True, capture_output=True).stdout.decode().split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file():
                (into / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, into / name)
    stamp = time.time() - 10 * 24 * 3600  # ten days old: heuristically fresh for a day, in both
    for path in into.rglob("*"):
        os.utime(path, (stamp, stamp))
    return into


class Server:
    """`unroll serve --workers 1` of the code in `src`, on a free loopback port."""

    def __init__(self, src: Path):
        self.url = f"http://127.0.0.1:{free_port()}"
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--workers", "1", "--port", self.url.rsplit(":", 1)[1]],
            cwd=src, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/api/health", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server of {src} did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def new_context(browser, url):
    # Playwright evaluates its wait predicates with eval, which our CSP forbids to the page.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True, base_url=url)
    context.add_init_script(WATCH_STAGE)
    return context


def open_link(page) -> dict:
    """The view opened, waited for by WATCH_STAGE's word on the console: a Playwright wait would
    evaluate its injected script and poll in the page while it loads (its evaluation alone took
    12 to 29 ms of the page's main thread in the middle of a cold link, in Chrome's timeline)."""
    with page.expect_console_message(lambda message: message.text == LOADED, timeout=60_000):
        page.goto(VIEW, wait_until="commit")
    return page.evaluate(LOAD_JS)


def one_round(browser, url, seconds, redraws) -> dict:
    """A cold link, a warm one, `redraws` new seeds and frames both ways, in one code."""
    context = new_context(browser, url)
    page = context.new_page()
    cold = open_link(page)
    warm = open_link(page)
    drawn = []
    for _ in range(redraws):  # typed as a student types: on a page at rest, its inspector answered
        page.wait_for_timeout(REST_MS)
        drawn.append(page.evaluate(REDRAW_JS))
    page.goto(VIEW + "&speed=4")
    page.wait_for_function(DRAWN, timeout=60_000)
    page.keyboard.press("Space")
    forward = page.evaluate(FRAMES_JS, seconds * 1000)
    page.keyboard.press("b")
    backward = page.evaluate(FRAMES_JS, seconds * 1000)
    context.close()
    return {"cold": cold, "warm": warm, "redraws": drawn, "forward": forward, "backward": backward}


def largest(browser, url, seconds):
    """The largest trace: is its progress shown while it loads; the longest task while it plays."""
    context = new_context(browser, url)
    context.add_init_script(LONGEST_JS)
    page = context.new_page()
    page.goto(LARGEST)
    page.wait_for_function(DRAWN, timeout=120_000)
    progress = page.evaluate("window.__progressSeen")
    page.evaluate("window.__longest = 0")
    page.keyboard.press("Space")
    page.evaluate(FRAMES_JS, seconds * 1000)
    page.keyboard.press("b")
    page.evaluate(FRAMES_JS, seconds * 1000)
    longest = page.evaluate("window.__longest")
    context.close()
    return progress, longest


def anchors(browser, url):
    """The bare trace fetched from a page of `url` (JSON, then packed without params and grads),
    and an idle page's frame."""
    context = new_context(browser, url)
    page = context.new_page()
    page.goto("/api/health")
    packed = {**BODY, "omit": ["params", "grads"]}
    json_ms = [page.evaluate(FETCH_JS, [BODY, False]) for _ in range(7)]
    packed_ms = [page.evaluate(FETCH_JS, [packed, True]) for _ in range(7)]
    idle = summary(page.evaluate(FRAMES_JS, 2000))[0]
    context.close()
    return statistics.median(json_ms), statistics.median(packed_ms), idle


def inspector_figures(browser, url):
    """bench_inspector.py's measures (a click to its inspector; fold and unfold frames), after."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    context.add_init_script(bench_inspector.RETURNING)
    page = context.new_page()
    page.goto(url + VIEW)
    page.wait_for_function(DRAWN, timeout=60_000)
    idle = summary(page.evaluate(FRAMES_JS, 2000))
    found = (idle, *bench_inspector.inspector_clicks(page, url), *bench_inspector.unfold_frames(page, url))
    context.close()
    return found


def median_of(rounds, pick):
    values = [v for r in rounds for v in pick(r) if v is not None]
    return statistics.median(values) if values else None


def figures(rounds) -> dict:
    frames = {way: summary([d for r in rounds for d in r[way]]) for way in ("forward", "backward")}
    return {
        "cold stage": median_of(rounds, lambda r: [r["cold"]["stage"]]),
        "cold stage mark": median_of(rounds, lambda r: [r["cold"]["stageMark"]]),
        "cold drawn": median_of(rounds, lambda r: [r["cold"]["drawn"]]),
        "cold files in": median_of(rounds, lambda r: [r["cold"]["filesIn"]]),
        "cold file queued": median_of(rounds, lambda r: [r["cold"]["fileQueued"]]),
        "cold file served": median_of(rounds, lambda r: [r["cold"]["fileServed"]]),
        "cold trace asked": median_of(rounds, lambda r: [r["cold"]["traceAsked"]]),
        "cold trace in": median_of(rounds, lambda r: [r["cold"]["traceIn"]]),
        "warm stage": median_of(rounds, lambda r: [r["warm"]["stage"]]),
        "warm drawn": median_of(rounds, lambda r: [r["warm"]["drawn"]]),
        "redraw": median_of(rounds, lambda r: [d["drawn"] for d in r["redraws"]]),
        "redraw stage": median_of(rounds, lambda r: [d["stage"] for d in r["redraws"]]),
        "trace bytes": median_of(rounds, lambda r: [r["cold"]["traceBytes"]]),
        "cold bytes": median_of(rounds, lambda r: [r["cold"]["allBytes"]]),
        "frame median forward": frames["forward"][0], "frame p95 forward": frames["forward"][1],
        "frame median backward": frames["backward"][0], "frame p95 backward": frames["backward"][1],
    }


ROWS = [  # (key, what, unit, goal key)
    ("cold stage", "cold link: stage painted", "ms", "cold stage"),
    ("cold stage mark", "cold link: unroll:stage mark", "ms", "cold stage"),
    ("cold drawn", "cold link: everything (drawn, ready)", "ms", "cold drawn"),
    ("cold files in", "  its files before the trace: all in", "ms", None),
    ("cold file queued", "  a file's wait for a connection", "ms", None),
    ("cold file served", "  a file's request to last byte", "ms", None),
    ("cold trace asked", "  the trace asked for", "ms", None),
    ("cold trace in", "  the trace's last byte", "ms", None),
    ("warm stage", "warm link: stage painted", "ms", None),
    ("warm drawn", "warm link: everything", "ms", None),
    ("redraw", "new seed: everything", "ms", "redraw"),
    ("redraw stage", "new seed: stage (unroll:stage)", "ms", "redraw"),
    ("trace bytes", "the trace on the wire", "bytes", "trace bytes"),
    ("cold bytes", "all a cold link fetches", "bytes", None),
    ("frame median forward", "frames playing forward: median", "ms", "frame median"),
    ("frame p95 forward", "frames playing forward: p95", "ms", "frame p95"),
    ("frame median backward", "frames playing backward: median", "ms", "frame median"),
    ("frame p95 backward", "frames playing backward: p95", "ms", "frame p95"),
]


def shown(value, unit):
    if value is None:
        return "—"
    return f"{value / 1e6:.3f} MB" if unit == "bytes" else f"{value:.1f} ms"


def report(after, before):
    print(f"{'measure':38} {'goal':>12} {'before':>11} {'after':>11} {'after/before':>12}  goal met")
    for key, what, unit, goal_key in ROWS:
        goal = GOALS.get(goal_key)
        goal_text = "—" if goal is None else f"<= {shown(goal, unit)}"
        value, old = after[key], before.get(key) if before else None
        ratio = f"{value / old:.2f}" if value is not None and old else "—"
        met = "—" if goal is None or value is None else ("ok" if value <= goal else "MISSED")
        print(f"{what:38} {goal_text:>12} {shown(old, unit):>11} {shown(value, unit):>11} {ratio:>12}  {met}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git commit to measure in the same run (main's, before a change)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (each: cold, warm, redraws, frames)")
    parser.add_argument("--redraws", type=int, default=5, help="new seeds a round")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of frames per pass and round")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {load_average()} ({os.cpu_count()} cores, shared with other work)")
    folder = Path(tempfile.mkdtemp(prefix="unroll-bench-page-"))
    codes = {"after": copy_tree(None, folder / "after")}
    if args.before:
        codes["before"] = copy_tree(args.before, folder / "before")
    servers = {name: Server(src) for name, src in codes.items()}
    rounds = {name: [] for name in codes}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            for server in servers.values():  # the server's imports and first traces, once
                one_round(browser, server.url, 0.2, 1)
            for _ in range(args.rounds):
                for name, server in servers.items():  # taking turns, so that the load weighs on both
                    rounds[name].append(one_round(browser, server.url, args.seconds, args.redraws))
            json_ms, packed_ms, idle = anchors(browser, servers["after"].url)
            large = {name: largest(browser, server.url, args.seconds) for name, server in servers.items()}
            inspector = inspector_figures(browser, servers["after"].url)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"view: {VIEW} (T = 100, H = 64, lstm), 1366x768, Chromium headless, loopback; "
          f"{args.rounds} rounds, medians" + (f"; before = {args.before}" if args.before else ""))
    print(f"anchor: POST /api/trace from the page: JSON {json_ms:.1f} ms, packed without params and grads "
          f"{packed_ms:.1f} ms; idle frame median {idle:.1f} ms")
    after = figures(rounds["after"])
    report(after, figures(rounds["before"]) if args.before else None)
    for name, (progress, longest) in large.items():
        met = "ok" if longest <= 200 else "MISSED"
        print(f"largest trace ({LARGEST}), {name}: progress shown while loading: {progress}; "
              f"longest task while playing {longest:.0f} ms (goal <= 200 ms: {met})")
    bench_inspector.report(*inspector)
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
