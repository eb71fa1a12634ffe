"""The server's memory under clients that never read their answers, and during a maximal training.

Starts `python -m app serve --workers 1` (one process: its RSS is the server's) on a free loopback
port, runs one scenario, reads the process's peak resident memory (VmHWM), stops it; a fresh
server for each scenario. `--src DIR` serves the code in DIR instead (e.g. an older checkout
from `git archive`), to measure before and after a change with the same script.

    python benchmarks/bench_memory.py                 # both scenarios
    python benchmarks/bench_memory.py --clients 20 --hold 40

Scenario "non-readers": N clients each send the largest trace request (seq2seq, lstm, hidden
256, length 250: a ~45 MB answer) with a 4 kB receive window and never read; /api/health is
asked every 0.25 s meanwhile (its slowest answer is printed). Scenario "training": the largest
live training (same network, batch 1) with `seconds` 0.001 and with 10, each timed to its last
line; then ten such trainings whose clients leave after their first line, timed until the
server reports no training job. Scenario "bad-bodies": bodies of millions of bad items (every
number a string), timed to their 4xx with the size of the answer, while /api/health is asked
every 10 ms from another thread (its slowest answer is printed). Scenario "uploads": 20 clients
at once each upload a model file of 16 MB less the form around it to /api/import (a safetensors
file holding one float32 array of 4 M numbers, which is read whole and converted before its
size is refused), timed to the last answer, /api/health asked meanwhile.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

import httpx

TRACE = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 256, "length": 250}
TRAIN = {**TRACE, "batch_size": 1}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, src: str | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        if src:
            env["PYTHONPATH"] = src
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--workers", "1", "--port", str(self.port)],
            cwd=src or None, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                httpx.get(f"{self.url}/api/health", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def memory(self, field: str) -> float:
        """MB of the server's VmRSS (now) or VmHWM (peak)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def health_latency(url: str) -> float:
    started = time.perf_counter()
    try:
        httpx.get(f"{url}/api/health", timeout=60)
    except httpx.HTTPError:
        return float("inf")
    return time.perf_counter() - started


def non_readers(src, clients: int, hold: float):
    server = Server(src)
    try:
        base = server.memory("VmRSS")
        body = json.dumps(TRACE).encode()
        socks = []
        for _ in range(clients):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
            socks.append(s)
        started, slowest, rss_max = time.monotonic(), 0.0, 0.0
        while time.monotonic() - started < hold:
            slowest = max(slowest, health_latency(server.url))
            rss_max = max(rss_max, server.memory("VmRSS"))
            time.sleep(0.25)
        held = server.memory("VmRSS")
        for s in socks:
            s.close()
        print(f"non-readers  {clients} clients, {hold:g} s: RSS {base:.0f} MB at start, peak "
              f"{server.memory('VmHWM'):.0f} MB, {held:.0f} MB after {hold:g} s; slowest /api/health "
              f"{slowest * 1000:.0f} ms", flush=True)
    finally:
        server.stop()


def training(src):
    server = Server(src)
    try:
        base = server.memory("VmRSS")
        for seconds in (0.001, 10):
            started = time.monotonic()
            with httpx.stream("POST", f"{server.url}/api/train", timeout=600,
                              json={**TRAIN, "steps": 5000, "seconds": seconds}) as r:
                lines = [json.loads(line) for line in r.iter_lines() if line]
            last = lines[-1]
            examples = last.get("metrics", {}).get("examples", "?")
            print(f"training     seconds {seconds:g}: last line ({last['type']}, {last.get('steps')} steps, "
                  f"{examples} examples scored) after {time.monotonic() - started:.2f} s; "
                  f"peak RSS so far {server.memory('VmHWM'):.0f} MB (start {base:.0f})", flush=True)
        clients = [httpx.Client(timeout=600) for _ in range(10)]
        streams = [c.stream("POST", f"{server.url}/api/train", json={**TRAIN, "steps": 1, "seconds": 60})
                   for c in clients]  # kept: a stream's context dropped closes its answer
        answers = [stream.__enter__() for stream in streams]  # each sent, its headers received
        for answer in answers[:2]:  # two train at once (their first line); eight wait
            next(answer.iter_lines())
        left = time.monotonic()
        for c in clients:
            c.close()
        while time.monotonic() - left < 600:
            if not httpx.get(f"{server.url}/api/health").json()["jobs"]["training"]:
                break
            time.sleep(0.05)
        print(f"training     10 clients gone after their first line: no training job "
              f"{time.monotonic() - left:.2f} s later; peak RSS {server.memory('VmHWM'):.0f} MB", flush=True)
    finally:
        server.stop()


def bad_bodies(src):
    server = Server(src)
    try:
        rows = [[""] * 4096] * 1024  # 4 million empty strings where numbers belong
        cases = {
            "strings for numbers, 12.6 MB": {"hidden_size": 256, "params": {"W_ih": rows, "W_hy": [[0.0]],
                                                                            "b_y": [0.0]}},
            "hidden 256 lstm params as strings": {
                "topology": "many_to_many", "cell": "lstm", "hidden_size": 256,
                "params": {k: [["0.1234567890123"] * n for _ in range(m)] for k, m, n in
                           (("W_ih", 1024, 21), ("W_hh", 1024, 256), ("W_hy", 3, 256))}
                | {"b_ih": ["0.1"] * 1024, "b_hh": ["0.1"] * 1024, "b_y": ["0.1"] * 3}},
            "100 000 unknown keys": {f"key{k}": k for k in range(100_000)},
        }
        for name, body in cases.items():
            raw = json.dumps(body, separators=(",", ":")).encode()
            slowest, done = [0.0], threading.Event()

            def poll(slowest=slowest, done=done):
                while not done.is_set():
                    slowest[0] = max(slowest[0], health_latency(server.url))
                    time.sleep(0.01)

            poller = threading.Thread(target=poll)
            poller.start()
            started = time.perf_counter()
            r = httpx.post(f"{server.url}/api/trace", content=raw, timeout=600,
                           headers={"content-type": "application/json"})
            took = time.perf_counter() - started
            done.set()
            poller.join()
            print(f"bad-bodies   {name} ({len(raw) / 1e6:.1f} MB): {r.status_code} after {took:.2f} s, "
                  f"{len(r.content)} bytes of answer; slowest /api/health {slowest[0] * 1000:.0f} ms",
                  flush=True)
    finally:
        server.stop()


def upload_file(size: int) -> bytes:
    """A well-formed safetensors file of `size` bytes: one float32 array, refused for its shape."""
    for n in range(size // 4, 0, -1):
        header = json.dumps({"rnn.weight_hh_l0": {"dtype": "F32", "shape": [n], "data_offsets": [0, 4 * n]}})
        if 8 + len(header) + 4 * n <= size:
            return len(header).to_bytes(8, "little") + header.encode() + b"\0" * (4 * n)
    raise ValueError(size)


def uploads(src, clients: int = 20):
    server = Server(src)
    try:
        base = server.memory("VmRSS")
        data = upload_file(16 * 1024 * 1024 - 512)  # the form's boundaries and headers take the rest
        answers, slowest, done = [], [0.0], threading.Event()

        def send():
            r = httpx.post(f"{server.url}/api/import", files={"file": ("model.safetensors", data)},
                           timeout=600)
            answers.append((r.status_code, r.json()["detail"][0]["msg"][:60]))

        def poll():
            while not done.is_set():
                slowest[0] = max(slowest[0], health_latency(server.url))
                time.sleep(0.05)

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.perf_counter()
        senders = [threading.Thread(target=send) for _ in range(clients)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        took = time.perf_counter() - started
        done.set()
        poller.join()
        statuses = sorted({status for status, _ in answers})
        print(f"uploads      {clients} uploads of {len(data) / 1e6:.1f} MB at once: answers {statuses} "
              f"({answers[0][1]!r}) after {took:.2f} s; RSS {base:.0f} MB at start, peak "
              f"{server.memory('VmHWM'):.0f} MB; slowest /api/health {slowest[0] * 1000:.0f} ms", flush=True)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", help="serve the code in this folder (default: the installed app)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--hold", type=float, default=40.0)
    parser.add_argument("--only", choices=["non-readers", "training", "bad-bodies", "uploads"])
    args = parser.parse_args()
    if args.only in (None, "non-readers"):
        non_readers(args.src, args.clients, args.hold)
    if args.only in (None, "training"):
        training(args.src)
    if args.only in (None, "bad-bodies"):
        bad_bodies(args.src)
    if args.only in (None, "uploads"):
        uploads(args.src)


if __name__ == "__main__":
    main()
