"""Explain speed: `POST /api/explain`'s work against `POST /api/trace`'s for the same request.

Each figure is what the server does for the request on its trace pool (validated request ->
engine -> JSON bytes, the functions the two routes run), without HTTP, best of several rounds.
The anchor is the trace of the same request, timed in the same run: explain is that trace plus
one step opened up, so the ratio is what opening a step costs on top. The chain's share (50
Jacobians, their running product and 100 spectral norms) is timed on its own too, and so is the
request without it (`"chain": false`, what the page asks first, so that the terms come at once).

Both wall-clock and CPU time are printed: on a machine shared with other work the CPU time of
this process is the steadier figure (run with OPENBLAS_NUM_THREADS=1, or it adds up the time
of every BLAS thread).

    python benchmarks/bench_explain.py [--rounds 9]
"""

import argparse
import time
import timeit

from app.api.convert import trace_from
from app.api.explain import _explain_bytes
from app.api.schemas import ExplainRequest, TraceRequest
from app.api.traces import trace_answer
from app.engine.explain import jacobian_chain

CASES = (  # (H, T, t): the page's view at two steps, and the largest trace at its last step
    (64, 100, 99),
    (64, 100, 50),
    (256, 500, 499),
)
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def best_ms(fn, rounds: int) -> dict:
    """The fastest single call over `rounds` rounds, by each clock, in ms."""
    fn()
    return {name: min(timeit.repeat(fn, timer=clock, number=1, repeat=rounds)) * 1e3
            for name, clock in CLOCKS.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    print("the work of POST /api/explain against POST /api/trace (many_to_many; engine and JSON, no HTTP)")
    columns = (("trace ms", 9), ("explain ms", 11), ("ratio", 6), ("chain ms", 9),
               ("no chain ms", 12), ("ratio", 6), ("bytes", 8))
    print(f"{'request':24} {'clock':5} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for H, T, t in CASES:
        config = {"topology": "many_to_many", "cell": "lstm", "hidden_size": H, "length": T, "seed": 0}
        trace_req, explain_req = TraceRequest(**config), ExplainRequest(**config, t=t)
        terms_req = ExplainRequest(**config, t=t, chain=False)
        rounds = args.rounds if H < 256 else max(2, args.rounds // 2)
        traced = trace_from(trace_req)
        trace_ms = best_ms(lambda req=trace_req: trace_answer(req), rounds)
        explain_ms = best_ms(lambda req=explain_req: _explain_bytes(req), rounds)
        chain_ms = best_ms(lambda tr=traced, t=t: jacobian_chain(tr, t), rounds)
        terms_ms = best_ms(lambda req=terms_req: _explain_bytes(req), rounds)
        size = len(_explain_bytes(explain_req))
        for clock in CLOCKS:
            name = f"lstm H={H} T={T} t={t}" if clock == "wall" else ""
            ratio = explain_ms[clock] / trace_ms[clock]
            print(f"{name:24} {clock:5} {trace_ms[clock]:9.1f} {explain_ms[clock]:11.1f} {ratio:6.2f} "
                  f"{chain_ms[clock]:9.1f} {terms_ms[clock]:12.1f} {terms_ms[clock] / trace_ms[clock]:6.2f} "
                  f"{size if clock == 'wall' else '':>8}")


if __name__ == "__main__":
    main()
