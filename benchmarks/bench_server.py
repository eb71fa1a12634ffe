"""The server's share of one `POST /api/trace` against PyTorch's bare compute, and each answer form.

The server's share is the trace pool's job for a validated request (`app.api.traces.trace_answer`):
build the network (seeded weights), sample the example, run the engine (forward, BPTT, per-step
records) and write the answer's bytes. The anchor, in the same run and taking turns with it round
by round: PyTorch's fused `nn.RNN`/`nn.LSTM`/`nn.GRU` + `nn.Linear` forward and backward with
cross-entropy on the same sizes (float64, one thread; `bench_engine.torch_call`). Cases: rnn, lstm
and gru on the many_to_many task at (T, H) = (100, 64) and (400, 256), as JSON; goal: share /
PyTorch <= 0.75 for each (benchmarks/README.md). Beside it, the share of what the page asks for:
the packed form without params and grads. Times are CPU seconds of this process
(`time.process_time`), so that other work on a shared machine weighs on them as little as it can;
each is the best of `--rounds`.

Then the page's view (lstm, H = 64, T = 100): every answer form, its bytes, the time to write it
from a finished trace, the whole share, and what gzip (levels 1 and 6) would save at what cost;
and each form fetched from `unroll serve --workers 1` on loopback: the bytes on the wire (status
line, headers and body) and the time from sending the request to its last byte (wall clock,
median of `--fetches`).

    python benchmarks/bench_server.py [--rounds 9]
"""

import argparse
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_api import free_port, wait_for_server  # noqa: E402
from bench_engine import torch_call, torch_version  # noqa: E402  (it sets the BLAS threads)

from app.api.convert import network_from  # noqa: E402
from app.api.schemas import TraceRequest  # noqa: E402
from app.api.traces import trace_answer  # noqa: E402
from app.engine.trace import choose_example, trace  # noqa: E402
from app.packed import packed_dumps  # noqa: E402
from app.wire import dumps, trace_json  # noqa: E402

CASES = [(cell, T, H) for T, H in ((100, 64), (400, 256)) for cell in ("rnn", "lstm", "gru")]
GOAL = 0.75  # the server's share / PyTorch's bare compute (DESIGN §7)
PAGE_VIEW = ("lstm", 100, 64)
FORMS = {  # name -> (packed, omit)
    "JSON": (False, None),
    "JSON, omit params+grads": (False, ["params", "grads"]),
    "packed": (True, None),
    "packed, omit params+grads": (True, ["params", "grads"]),
}


def request(cell: str, T: int, H: int, **fields) -> TraceRequest:
    return TraceRequest.model_validate({"topology": "many_to_many", "task": "named_entities", "cell": cell,
                                        "hidden_size": H, "length": T, "seed": 0, **fields})


def best_of_turns(calls: dict, rounds: int) -> dict:
    """The least CPU time of one call of each, in ms, over `rounds` rounds that take turns
    (about 0.1 s of calls each), with the cyclic garbage collector off as timeit has it."""
    numbers = {}
    for name, fn in calls.items():
        fn()
        started = time.process_time()
        fn()
        numbers[name] = max(1, int(0.1 / max(time.process_time() - started, 1e-5)))
    best = dict.fromkeys(calls, float("inf"))
    gc.disable()
    try:
        for _ in range(rounds):
            for name, fn in calls.items():
                started = time.process_time()
                for _ in range(numbers[name]):
                    fn()
                best[name] = min(best[name], (time.process_time() - started) / numbers[name] * 1e3)
    finally:
        gc.enable()
    return best


def share_calls(cell: str, T: int, H: int) -> dict:
    """The server's share for one case, whole and in its parts."""
    req = request(cell, T, H)
    page_req = request(cell, T, H, omit=["params", "grads"])
    net = network_from(req)
    example = choose_example(net, req.inputs, req.targets, req.length, req.seed)
    traced = trace(net, example)
    return {
        "share": lambda: trace_answer(req),
        "page": lambda: trace_answer(page_req, True),
        "build": lambda: choose_example(network_from(req), req.inputs, req.targets, req.length, req.seed),
        "engine": lambda: trace(net, example),
        "json": lambda: dumps(trace_json(traced)),
    }


def shares(rounds: int, with_torch: bool):
    print(f"\nThe server's share of POST /api/trace (JSON), CPU ms; BLAS threads: "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    print(f"{'cell':5} {'T':>4} {'H':>4} {'share':>8} {'build':>7} {'engine':>7} {'json':>7} "
          f"{'torch':>8} {'ratio':>6} {'goal':>5}       {'page':>7} {'ratio':>6}")
    for cell, T, H in CASES:
        calls = share_calls(cell, T, H)
        if with_torch:
            calls["torch"] = torch_call(cell, T, H)
        ms = best_of_turns(calls, rounds)
        line = (f"{cell:5} {T:4} {H:4} {ms['share']:8.3f} {ms['build']:7.3f} {ms['engine']:7.3f} "
                f"{ms['json']:7.3f}")
        if with_torch:
            ratio = ms["share"] / ms["torch"]
            line += f" {ms['torch']:8.3f} {ratio:6.2f} {GOAL:5.2f} {'ok' if ratio <= GOAL else 'MISS':4}"
            line += f"  {ms['page']:7.3f} {ms['page'] / ms['torch']:6.2f}"
        print(line)


def forms(rounds: int):
    cell, T, H = PAGE_VIEW
    print(f"\nThe page's view ({cell}, H = {H}, T = {T}): each answer form, CPU ms")
    print(f"{'form':26} {'bytes':>9} {'write':>7} {'share':>7} {'gzip-1 bytes':>12} {'ms':>6} "
          f"{'gzip-6 bytes':>12} {'ms':>6}")
    net = network_from(request(cell, T, H))
    traced = trace(net, choose_example(net, None, None, T, 0))
    for name, (packed, omit) in FORMS.items():
        req = request(cell, T, H, omit=omit)
        write = (lambda omit=omit: packed_dumps(trace_json(traced, omit))) if packed else (
            lambda omit=omit: dumps(trace_json(traced, omit)))
        body = write()
        assert body == trace_answer(req, packed)
        ms = best_of_turns({"write": write, "share": lambda req=req, packed=packed: trace_answer(req, packed),
                            "gzip1": lambda body=body: zlib.compress(body, 1),
                            "gzip6": lambda body=body: zlib.compress(body, 6)}, rounds)
        gzip1, gzip6 = len(zlib.compress(body, 1)), len(zlib.compress(body, 6))
        print(f"{name:26} {len(body):9} {ms['write']:7.3f} {ms['share']:7.3f} "
              f"{gzip1:12} {ms['gzip1']:6.2f} {gzip6:12} {ms['gzip6']:6.2f}")


def fetch(port: int, body: dict, accept: str | None) -> tuple[int, float]:
    """One POST /api/trace on a new connection: (bytes received, seconds to the last byte)."""
    payload = json.dumps(body).encode()
    head = ["POST /api/trace HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            f"Content-Length: {len(payload)}", "Connection: close"]
    head += [f"Accept: {accept}"] if accept else []
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
    with socket.create_connection(("127.0.0.1", port)) as sock:
        started = time.perf_counter()
        sock.sendall(request)
        received = 0
        while chunk := sock.recv(1 << 20):
            received += len(chunk)
        return received, time.perf_counter() - started


def on_the_wire(fetches: int):
    cell, T, H = PAGE_VIEW
    print(f"\nThe page's view from `unroll serve --workers 1` on loopback: bytes on the wire, wall ms "
          f"to the last byte (median and best of {fetches})")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(port, server)
        for name, (packed, omit) in FORMS.items():
            body = {"topology": "many_to_many", "task": "named_entities", "cell": cell, "hidden_size": H,
                    "length": T, "seed": 0} | ({"omit": omit} if omit else {})
            accept = "application/vnd.unroll.packed, application/json;q=0.5" if packed else None
            runs = [fetch(port, body, accept) for _ in range(fetches + 1)][1:]
            sizes = {size for size, _ in runs}
            ms = [seconds * 1e3 for _, seconds in runs]
            print(f"{name:26} {max(sizes):9} bytes  {statistics.median(ms):7.2f} ms  (best {min(ms):.2f})")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(15)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--fetches", type=int, default=15)
    args = parser.parse_args()
    with_torch = torch_version() is not None
    shares(args.rounds, with_torch)
    forms(args.rounds)
    on_the_wire(args.fetches)


if __name__ == "__main__":
    main()
