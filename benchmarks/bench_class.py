"""A class of forty on one laptop: every student presses Start at once, and traces stay fast.

`unroll serve --workers 2` on loopback. Forty trainers send `POST /api/train` at the same moment
(student k trains topology k mod 5, its default task, the page's default cell and hidden size,
seed k, the training defaults, `seconds` 120 as the page asks) and read their streams to the end,
and as the page does, draw each snapshot: a trace with its params, one at a time (a snapshot that
comes while one is drawn waits, replaced by any newer one); meanwhile forty other clients ask
for a trace every 0.5 s (bench_api.py's classroom: lstm, hidden 32, many_to_many, length 50).

What it checks: every trainer's first line is `progress` or `queued` with a position (none is
refused, none hangs: each read has a timeout) and its last is `done`; the traces' p99 latency
while the trainings run, against the same traces with no training (the anchor, measured first in
the same run). Goal: p99 <= 100 ms while trainings run, no trainer refused or left hanging.
Bounded: the class phase ends when every trainer is done or after --seconds.

    python benchmarks/bench_class.py [--workers 2] [--students 40] [--seconds 180]
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time

from bench_api import exchange, free_port, request_bytes, wait_for_server

TOPOLOGIES = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq")
READ_TIMEOUT = 60.0  # seconds a trainer waits for its next line before it counts as hanging


async def read_head(reader) -> int:
    status = int((await reader.readline()).split()[1])
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return status


async def chunked_lines(reader):
    """The lines of a chunked HTTP body, as they arrive."""
    pending = b""
    while True:
        size = int((await asyncio.wait_for(reader.readline(), READ_TIMEOUT)).split(b";")[0], 16)
        if size == 0:
            await reader.readline()
            return
        pending += await asyncio.wait_for(reader.readexactly(size), READ_TIMEOUT)
        await reader.readline()  # the chunk's CRLF
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield json.loads(line)


def trace_bytes(port: int, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


class SnapshotDrawer:
    """The page's drawing of a training's snapshots: one trace at a time, the newest waiting."""

    def __init__(self, port: int, config: dict, latencies: list):
        self.port, self.config, self.latencies = port, config, latencies
        self.pending, self.task, self.connection = None, None, None

    def heard(self, line: dict):
        self.pending = line["params"]
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.draw())

    async def draw(self):
        if self.connection is None:
            self.connection = await asyncio.open_connection("127.0.0.1", self.port)
        while self.pending is not None:
            params, self.pending = self.pending, None
            started = time.monotonic()
            request = trace_bytes(self.port, self.config | {"params": params})
            status = await exchange(*self.connection, request)
            self.latencies.append((status, time.monotonic() - started))

    async def close(self):
        if self.task is not None:
            with contextlib.suppress(Exception):
                await self.task
        if self.connection is not None:
            self.connection[1].close()


async def student(port: int, k: int, start: asyncio.Event, results: list, snapshot_traces: list):
    """One student's Start: the stream read to its end, each snapshot drawn; what its first and
    last lines were."""
    config = {"topology": TOPOLOGIES[k % len(TOPOLOGIES)], "seed": k}
    body = json.dumps(config | {"seconds": 120}).encode()
    drawer = SnapshotDrawer(port, config, snapshot_traces)
    request = (f"POST /api/train HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await start.wait()
    pressed = time.monotonic()
    record = {"status": None, "first": None, "position": None, "last": None, "progress": 0,
              "snapshots": 0, "first_line_s": None, "trained_s": None, "hung": False}
    try:
        writer.write(request)
        record["status"] = await asyncio.wait_for(read_head(reader), READ_TIMEOUT)
        if record["status"] == 200:
            async for line in chunked_lines(reader):
                if record["first"] is None:
                    record["first"], record["first_line_s"] = line["type"], time.monotonic() - pressed
                    record["position"] = line.get("position")
                record["progress"] += line["type"] == "progress"
                if line["type"] == "snapshot":
                    record["snapshots"] += 1
                    drawer.heard(line)
                record["last"] = line["type"]
            record["trained_s"] = time.monotonic() - pressed
    except TimeoutError:
        record["hung"] = True
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        record["last"] = f"broken: {error!r}"
    writer.close()
    await drawer.close()
    results.append(record)


async def tracer(port, requests, stop: asyncio.Event, interval, latencies, errors):
    """One client asking for a trace every `interval` s until `stop`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.sleep(random.uniform(0, interval))
    while not stop.is_set():
        started = time.monotonic()
        try:
            status = await exchange(reader, writer, random.choice(requests))
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        (latencies if status == 200 else errors).append(time.monotonic() - started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, interval - (time.monotonic() - started)))
    writer.close()


def summary(latencies: list, errors: list, seconds: float) -> str:
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3  # noqa: E731
    return (f"{len(ordered) + len(errors):5} traces  {len(errors)} errors  {len(ordered) / seconds:5.1f}/s  "
            f"p50 {pick(0.5):6.1f} ms  p99 {pick(0.99):6.1f} ms  max {ordered[-1] * 1e3:6.1f} ms")


async def traces_alone(port, clients, seconds):
    requests = [request_bytes(port, seed) for seed in range(100)]
    stop, latencies, errors = asyncio.Event(), [], []
    tasks = [asyncio.create_task(tracer(port, requests, stop, 0.5, latencies, errors))
             for _ in range(clients)]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return latencies, errors


async def class_phase(port, students, clients, seconds):
    """Forty Starts at once while the trace clients keep asking; ends when every student is done."""
    requests = [request_bytes(port, seed) for seed in range(100)]
    stop, latencies, errors, results, snapshot_traces = asyncio.Event(), [], [], [], []
    tracers = [asyncio.create_task(tracer(port, requests, stop, 0.5, latencies, errors))
               for _ in range(clients)]
    await asyncio.sleep(1.0)  # the trace clients are under way
    start = asyncio.Event()
    starts = [asyncio.create_task(student(port, k, start, results, snapshot_traces)) for k in range(students)]
    await asyncio.sleep(0.2)  # every student connected: now they press Start together
    begun = time.monotonic()
    start.set()
    await asyncio.wait(starts, timeout=seconds)
    elapsed = time.monotonic() - begun
    for task in starts:
        task.cancel()
    stop.set()
    await asyncio.gather(*tracers)
    return results, latencies, errors, elapsed, snapshot_traces


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--clients", type=int, default=40, help="trace clients, one trace every 0.5 s each")
    parser.add_argument("--seconds", type=float, default=180.0, help="the most the class phase may last")
    parser.add_argument("--src", help="serve this checkout instead (to compare two versions)")
    args = parser.parse_args()

    port = free_port()
    env = dict(os.environ, PYTHONPATH=args.src) if args.src else None
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=args.src,
    )
    try:
        wait_for_server(port, server)
        asyncio.run(traces_alone(port, args.clients, 2.0))  # warm-up
        alone = asyncio.run(traces_alone(port, args.clients, 10.0))
        results, latencies, errors, elapsed, snapshot_traces = asyncio.run(
            class_phase(port, args.students, args.clients, args.seconds))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(15)

    print(f"server: unroll serve --workers {args.workers}; {args.clients} trace clients every 0.5 s "
          f"(POST /api/trace lstm H=32 many_to_many length 50); {args.students} students press Start at once "
          f"(topology k mod 5, defaults), each snapshot drawn by a trace")
    print(f"traces, no training   {summary(*alone, 10.0)}")
    print(f"traces, class trains  {summary(latencies, errors, elapsed)}")
    started = [r for r in results if r["first"] == "progress"]
    queued = [r for r in results if r["first"] == "queued"]
    done = [r for r in results if r["last"] == "done"]
    failed = [r for r in results if r["status"] != 200 or r["last"] != "done" or r["hung"]]
    unanswered = args.students - len(results)
    positions = [r["position"] for r in queued] or [0]
    print(f"students: {len(started)} trained at once, {len(queued)} queued (positions "
          f"{min(positions)}..{max(positions)}), "
          f"{len(done)} done, {len(failed) + unanswered} refused, broken or hanging")
    first = sorted(r["first_line_s"] for r in results if r["first_line_s"] is not None)
    trained = sorted(r["trained_s"] for r in done)
    if first and trained:
        print(f"first line after at most {first[-1] * 1e3:.0f} ms; the class trained in {elapsed:.1f} s "
              f"(each: {trained[0]:.1f} to {trained[-1]:.1f} s from Start, "
              f"{sum(r['snapshots'] for r in done)} snapshots in all)")
    drawn = [seconds for status, seconds in snapshot_traces if status == 200]
    if snapshot_traces:
        print(f"snapshots drawn      {summary(drawn, [x for x in snapshot_traces if x[0] != 200], elapsed)}")
    for r in failed[:5]:
        print("  failed:", r)
    p99 = sorted(latencies)[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1e3
    ok = p99 <= 100 and not failed and not unanswered and not errors
    print(f"goal: traces p99 <= 100 ms while the class trains ({p99:.1f} ms), every student trains or hears "
          f"its place, none refused or hanging: {'ok' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
