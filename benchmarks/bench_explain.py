"""Explain speed: `POST /api/explain`'s work against `POST /api/trace`'s for the same request.

Each figure is what the server does for the request on its trace pool (validated request ->
engine -> JSON bytes, the functions the two routes run), without HTTP, best of several rounds.
The anchor is the trace of the same request, timed in the same run: explain is that trace plus
one step opened up, so the ratio is what opening a step costs on top. The chain's share (50
Jacobians, their running product and 100 spectral norms) is timed on its own too.

    python benchmarks/bench_explain.py [--rounds 5]
"""

import argparse

from bench_engine import best_seconds

from app.api.convert import trace_from
from app.api.explain import _explain_bytes
from app.api.schemas import ExplainRequest, TraceRequest
from app.api.traces import _trace_bytes
from app.engine.explain import jacobian_chain

CASES = (  # (H, T, t): the page's view at two steps, and the largest trace at its last step
    (64, 100, 99),
    (64, 100, 50),
    (256, 500, 499),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("the work of POST /api/explain against POST /api/trace (many_to_many; engine and JSON, no HTTP)")
    print(f"{'request':24} {'trace ms':>9} {'explain ms':>11} {'ratio':>6} {'chain ms':>9} {'bytes':>8}")
    for H, T, t in CASES:
        config = {"topology": "many_to_many", "cell": "lstm", "hidden_size": H, "length": T, "seed": 0}
        trace_req, explain_req = TraceRequest(**config), ExplainRequest(**config, t=t)
        rounds = args.rounds if H < 256 else max(1, args.rounds // 2)
        trace_ms = best_seconds(lambda req=trace_req: _trace_bytes(req), rounds) * 1e3
        explain_ms = best_seconds(lambda req=explain_req: _explain_bytes(req), rounds) * 1e3
        traced = trace_from(trace_req)
        chain_ms = best_seconds(lambda tr=traced, t=t: jacobian_chain(tr, t), rounds) * 1e3
        size = len(_explain_bytes(explain_req))
        name = f"lstm H={H} T={T} t={t}"
        ratio = explain_ms / trace_ms
        print(f"{name:24} {trace_ms:9.1f} {explain_ms:11.1f} {ratio:6.2f} {chain_ms:9.1f} {size:8}")


if __name__ == "__main__":
    main()
