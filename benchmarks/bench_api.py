"""API speed: `unroll serve` on loopback under 40 concurrent clients, against PyTorch's bare rate.

Every request is `POST /api/trace` at classroom size (lstm, hidden 32, many_to_many, length 50:
an output and a gradient at every step). Two bounded phases:

- saturation: each client asks again as soon as it is answered;
- classroom: each client asks every 0.5 s.

The anchor, measured in the same run when PyTorch is importable: how many of the same traces
PyTorch alone computes per second on one core (fused nn.LSTM + linear + backward, float64, no
HTTP). The load client is raw asyncio sockets with keep-alive, a few tens of µs of CPU a request,
so it measures the server rather than itself.

    python benchmarks/bench_api.py [--workers 2] [--seconds 10] [--clients 40]
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

from bench_engine import best_seconds, torch_call

BODY = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 32, "length": 50}
SIZE = (50, 32)  # (T, H) for the PyTorch anchor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_bytes(port: int, seed: int) -> bytes:
    body = json.dumps(BODY | {"seed": seed}).encode()
    head = (f"POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def exchange(reader, writer, request: bytes) -> int:
    """Send one request on a kept-alive connection and read its whole response; the status."""
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def client(port, requests, deadline, budget, interval, results):
    """One user: ask, wait for the answer, (wait `interval`), ask again, until the phase ends."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if interval:
        await asyncio.sleep(random.uniform(0, interval))  # users do not all press at once
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        started = time.monotonic()
        try:
            status = await exchange(reader, writer, random.choice(requests))
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        results.append((status, time.monotonic() - started))
        if interval:
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
    writer.close()


async def phase(port, clients, seconds, max_requests, interval):
    requests = [request_bytes(port, seed) for seed in range(100)]
    results, budget = [], [max_requests]
    cpu, started = time.process_time(), time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client(port, requests, deadline, budget, interval, results)
                           for _ in range(clients)))
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    latencies = sorted(t for status, t in results if status == 200)
    errors = sum(status != 200 for status, _ in results)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3  # noqa: E731
    return {"requests": len(results), "errors": errors, "rate": len(latencies) / elapsed,
            "p50_ms": pick(0.50), "p99_ms": pick(0.99), "client_cpu_us": cpu / max(1, len(results)) * 1e6}


def wait_for_server(port: int, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5) as s:
                s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
                if b"200" in s.recv(100):
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0, help="the length of each phase")
    parser.add_argument("--max-requests", type=int, default=20_000, help="the most each phase sends")
    args = parser.parse_args()

    try:
        torch_rate = 1.0 / best_seconds(torch_call("lstm", *SIZE), rounds=5)
    except ImportError:
        torch_rate = None

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port, server)
        asyncio.run(phase(port, args.clients, 2.0, 500, 0.0))  # warm-up
        saturation = asyncio.run(phase(port, args.clients, args.seconds, args.max_requests, 0.0))
        classroom = asyncio.run(phase(port, args.clients, args.seconds, args.max_requests, 0.5))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(15)

    print(f"server: unroll serve --workers {args.workers}; {args.clients} clients; "
          f"POST /api/trace {json.dumps(BODY)}")
    for name, r in (("saturation", saturation), ("classroom", classroom)):
        print(f"{name:10}  {r['requests']:6} requests  {r['errors']} errors  {r['rate']:7.1f}/s  "
              f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
              f"client {r['client_cpu_us']:.0f} µs/request")
    if torch_rate is None:
        print("PyTorch not importable: the ratio is skipped")
        return
    ratio = saturation["rate"] / torch_rate
    print(f"PyTorch bare compute, one core: {torch_rate:.1f} traces/s")
    print(f"ratio served / PyTorch = {ratio:.2f} (goal >= 1.0: {'ok' if ratio >= 1 else 'MISS'}); "
          f"classroom p99 {classroom['p99_ms']:.1f} ms (goal <= 50: "
          f"{'ok' if classroom['p99_ms'] <= 50 else 'MISS'}); errors "
          f"{saturation['errors'] + classroom['errors']} (goal 0)")


if __name__ == "__main__":
    main()
