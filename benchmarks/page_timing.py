"""What bench_page.py and bench_inspector.py both measure in a page: frame intervals, summarised."""

import statistics

# requestAnimationFrame intervals for `ms` milliseconds, in ms (the first, partial, dropped).
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


def summary(deltas):
    """(median, 95th percentile) of frame intervals."""
    ordered = sorted(deltas)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
