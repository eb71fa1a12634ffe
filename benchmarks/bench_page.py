"""Page speed in headless Chromium on loopback: first drawing, redraw, and frames while playing.

The view: many_to_many, lstm, H = 64, 100 steps (a 2 MB trace). Measured:

- first drawing: navigation start to the page's "unroll:drawn" mark (stage and both charts drawn);
- redraw: a control change (a new seed) to the next "unroll:drawn" mark;
- frames: requestAnimationFrame intervals for a few seconds of the forward pass playing at 4×,
  then of the backward pass.

Anchors, measured in the same run: the bare `POST /api/trace` for the same view, fetched from the
page (server time plus transfer), for the drawing times; an idle page's rAF interval for frames.
Then the largest trace (one_to_many, rnn, T = 500, H = 256): whether the page shows its loading
progress, and the longest main-thread task (PerformanceObserver "longtask") while it plays.
Then the inspector, on the first view: a click on a step not yet opened to its inspector drawn
(the click to the page's "unroll:inspected" mark: its terms typeset with the API's numbers), with
the bare `POST /api/explain` without the chain, fetched from the page, as its anchor; and the
frames of the unfold animation (U) at T = 50, H = 32 (lstm), against an idle page's.
Goals: first drawing <= 1 s, redraw <= 100 ms, frames median <= 16.7 ms and p95 <= 33 ms in both
passes and while unfolding, no task over 200 ms while playing the largest trace, a click to its
inspector <= 50 ms.

    python benchmarks/bench_page.py [--seconds 4]
"""

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.main import create_app  # noqa: E402
from tests.web.conftest import CHROMIUM_FLAGS, chromium_path  # noqa: E402

VIEW = "?topology=many_to_many&cell=lstm&h=64&len=100"
BODY = {"topology": "many_to_many", "task": "named_entities", "cell": "lstm", "activation": "tanh",
        "hidden_size": 64, "seed": 0, "teacher_forcing": False, "recurrent_scale": None, "length": 100}
LARGEST = "?topology=one_to_many&cell=lstm&h=256&len=500&speed=4"
UNFOLDING = "?topology=many_to_many&cell=lstm&h=32&len=50&t=25"
RETURNING = "localStorage.setItem('unroll.unfolded', '1')"  # a returning visitor: the page opens unfolded

# A click on step t's column to the next "unroll:inspected" mark (its terms drawn), in ms; then
# wait for its chain, so that the next click is not measured against this one's chain.
INSPECT_JS = """async (t) => {
  const column = document.querySelector(`#stage [data-step="${t}"] .column-hit`);
  const start = performance.now();
  const drawn = new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
      for (const e of list.getEntries()) {
        if (e.name === "unroll:inspected") { observer.disconnect(); resolve(e.startTime - start); }
      }
    }).observe({ type: "mark" });
  });
  column.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  const ms = await drawn;
  await new Promise((resolve) => {
    const chained = () => document.querySelector(`[data-chain][data-t="${t}"] [data-chain-k]`);
    const ready = () => (chained() ? resolve() : setTimeout(ready, 20));
    ready();
  });
  return ms;
}"""

EXPLAIN_JS = """async (body) => {
  const start = performance.now();
  const response = await fetch("/api/explain", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  await response.json();
  return performance.now() - start;
}"""

# Press U (the stage folds or unfolds) and record the frames until the animation's end mark.
FOLD_FRAMES_JS = """async (mark) => {
  const before = performance.getEntriesByName(mark).length;
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "u", bubbles: true }));
  const deltas = [];
  let last = performance.now();
  await new Promise((resolve) => {
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      if (performance.getEntriesByName(mark).length > before) resolve(); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return deltas.slice(1);
}"""

FRAMES_JS = """async (ms) => {
  const deltas = [];
  let last = performance.now();
  const end = last + ms;
  await new Promise((resolve) => {
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  return deltas.slice(1);
}"""

NEXT_DRAWN_JS = """() => new Promise((resolve) => {
  const start = performance.now();
  new PerformanceObserver((list, observer) => {
    for (const e of list.getEntries()) {
      if (e.name === "unroll:drawn") { observer.disconnect(); resolve(e.startTime - start); }
    }
  }).observe({ type: "mark" });
  const seed = document.getElementById("seed");
  seed.value = String(Number(seed.value) + 1);
  seed.dispatchEvent(new Event("change", { bubbles: true }));
})"""

FETCH_JS = """async (body) => {
  const start = performance.now();
  const response = await fetch("/api/trace", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  await response.json();
  return performance.now() - start;
}"""


def serve():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def summary(deltas):
    ordered = sorted(deltas)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def first_drawing(page, url):
    page.goto(url + "/" + VIEW)
    page.wait_for_function("performance.getEntriesByName('unroll:drawn').length > 0", timeout=30000)
    return page.evaluate("performance.getEntriesByName('unroll:drawn')[0].startTime")


def inspector_clicks(page, url):
    """(ms from a click to its inspector drawn, ms of the bare explain fetch) for steps not yet opened."""
    page.goto(url + "/" + VIEW + "&t=50")
    page.wait_for_function("performance.getEntriesByName('unroll:drawn').length > 0", timeout=30000)
    page.wait_for_function("document.querySelector('[data-chain][data-t=\"50\"] [data-chain-k]')",
                           timeout=60000)
    drawn = page.eval_on_selector_all("#stage [data-step]", "(n) => n.map((e) => e.dataset.step)")
    steps = [int(t) for t in drawn]
    clicks = [page.evaluate(INSPECT_JS, t) for t in steps if t != 50][:6]
    fetches = [page.evaluate(EXPLAIN_JS, {**BODY, "t": t, "chain": False}) for t in steps[:6]]
    return clicks, fetches


def unfold_frames(page, url):
    """Frame intervals while unfolding, and while folding, at T = 50, H = 32 (three of each)."""
    page.goto(url + "/" + UNFOLDING)
    page.wait_for_function("performance.getEntriesByName('unroll:drawn').length > 0", timeout=30000)
    unfolding, folding = [], []
    for _ in range(3):
        folding += page.evaluate(FOLD_FRAMES_JS, "unroll:folded")
        unfolding += page.evaluate(FOLD_FRAMES_JS, "unroll:unfolded")
    return summary(unfolding), summary(folding)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of frames per pass")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server, url = serve()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        # Playwright evaluates its wait predicates with eval, which our CSP forbids to the page.
        context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
        context.add_init_script(RETURNING)
        page = context.new_page()
        first_drawing(page, url)  # warm the caches (plotly.js, the server's imports) once
        firsts = [first_drawing(page, url) for _ in range(3)]
        fetches = [page.evaluate(FETCH_JS, BODY) for _ in range(5)]
        redraws = [page.evaluate(NEXT_DRAWN_JS) for _ in range(5)]
        idle = summary(page.evaluate(FRAMES_JS, 2000))
        inspected, explains = inspector_clicks(page, url)
        unfolding, folding = unfold_frames(page, url)

        page.goto(url + "/" + VIEW + "&speed=4")
        page.wait_for_function("performance.getEntriesByName('unroll:drawn').length > 0")
        page.keyboard.press("Space")
        forward = summary(page.evaluate(FRAMES_JS, args.seconds * 1000))
        page.keyboard.press("b")
        backward = summary(page.evaluate(FRAMES_JS, args.seconds * 1000))

        page.add_init_script("""
          window.__longest = 0; window.__progressSeen = false;
          new PerformanceObserver((l) => {
            for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
          }).observe({ type: "longtask" });
          const watch = () => { const p = document.getElementById("notice-progress");
            if (p && !p.hidden) window.__progressSeen = true; else requestAnimationFrame(watch); };
          requestAnimationFrame(watch);""")
        page.goto(url + "/" + LARGEST)
        page.wait_for_function("performance.getEntriesByName('unroll:drawn').length > 0", timeout=60000)
        load_longest = page.evaluate("window.__longest")
        progress = page.evaluate("window.__progressSeen")
        page.evaluate("window.__longest = 0")
        page.keyboard.press("Space")
        largest_frames = summary(page.evaluate(FRAMES_JS, args.seconds * 1000))
        page.keyboard.press("b")
        page.evaluate(FRAMES_JS, args.seconds * 1000)
        play_longest = page.evaluate("window.__longest")
        browser.close()
    server.should_exit = True

    fetch_ms = statistics.median(fetches)
    first_ms = statistics.median(firsts)
    redraw_ms = statistics.median(redraws)
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    print(f"view: /{VIEW} (T = 100, H = 64, lstm), 1366x768, Chromium headless")
    print(f"anchor: POST /api/trace from the page {fetch_ms:7.1f} ms; idle frame median {idle[0]:.1f} ms")
    print(f"first drawing  {first_ms:7.1f} ms  = {first_ms / fetch_ms:5.1f}x the bare trace fetch"
          f"   goal <= 1000 ms: {ok(first_ms <= 1000)}")
    print(f"redraw         {redraw_ms:7.1f} ms  = {redraw_ms / fetch_ms:5.1f}x the bare trace fetch"
          f"   goal <= 100 ms: {ok(redraw_ms <= 100)}")
    for name, (median, p95) in (("forward", forward), ("backward", backward)):
        print(f"frames {name:8s} median {median:5.1f} ms ({median / idle[0]:.2f}x idle)  p95 {p95:5.1f} ms"
              f"   goal median <= 16.7, p95 <= 33: {ok(median <= 16.7 and p95 <= 33)}")
    print(f"largest trace (/{LARGEST}): progress shown while loading: {progress};"
          f" longest task while loading {load_longest:.0f} ms")
    print(f"largest trace playing: frames median {largest_frames[0]:.1f} ms p95 {largest_frames[1]:.1f} ms;"
          f" longest task {play_longest:.0f} ms   goal <= 200 ms: {ok(play_longest <= 200)}")
    inspect_ms = statistics.median(inspected)
    explain_ms = statistics.median(explains)
    print(f"anchor: POST /api/explain (chain: false) from the page {explain_ms:7.1f} ms")
    print(f"click to inspector {inspect_ms:7.1f} ms  = {inspect_ms / explain_ms:5.1f}x the bare explain fetch"
          f"   (slowest {max(inspected):.1f} ms)   goal <= 50 ms: {ok(inspect_ms <= 50)}")
    for name, (median, p95) in (("unfolding", unfolding), ("folding", folding)):
        print(f"frames {name:9s} median {median:5.1f} ms ({median / idle[0]:.2f}x idle)  p95 {p95:5.1f} ms"
              f"   (/{UNFOLDING})   goal median <= 16.7, p95 <= 33: {ok(median <= 16.7 and p95 <= 33)}")


if __name__ == "__main__":
    main()
