"""Engine speed: a full trace (forward + BPTT + per-step records) against PyTorch's fused RNNs.

For rnn, lstm and gru at (T, H) = (50, 32), (100, 64), (500, 256) on the many_to_many task
(an output at every step, its input and output sizes), it times Unroll's `trace()` and, when
PyTorch is importable, `nn.RNN`/`nn.LSTM`/`nn.GRU` + `nn.Linear` forward and backward with
cross-entropy on the same sizes (float64, one thread), and prints the ratio Unroll / PyTorch.
Each figure is the best of several rounds, so other load on the machine inflates it least.
NumPy runs with one BLAS thread, as the server does (app/__init__.py), unless the environment's
OPENBLAS_NUM_THREADS says otherwise.

    python benchmarks/bench_engine.py [--rounds 7]
"""

import argparse
import os
import timeit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported, as app/__init__.py
import numpy as np  # noqa: E402

from app.engine.cells import CELLS  # noqa: E402
from app.engine.network import build_network  # noqa: E402
from app.engine.tasks import TASKS  # noqa: E402
from app.engine.trace import trace  # noqa: E402

SIZES = ((50, 32), (100, 64), (500, 256))
GOALS = {(50, 32): 0.5, (100, 64): 0.5, (500, 256): 1.0}  # the goals stated in benchmarks/README.md


def best_seconds(fn, rounds: int) -> float:
    """The fastest single call over `rounds` rounds of about 0.2 s each."""
    fn()
    number = max(1, int(0.2 / max(timeit.timeit(fn, number=1), 1e-6)))
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number


def unroll_call(cell: str, T: int, H: int):
    net = build_network("many_to_many", cell, "tanh", hidden_size=H, seed=0)
    example = net.task.sample(np.random.default_rng(0), T)
    return lambda: trace(net, example)


def torch_call(cell: str, T: int, H: int):
    import torch

    I, O = TASKS["named_entities"].input_size, TASKS["named_entities"].output_size
    torch.set_num_threads(1)
    rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](I, H).double()
    linear = torch.nn.Linear(H, O).double()
    x = torch.nn.functional.one_hot(torch.randint(0, I, (T,)), I).double()[:, None, :]
    target = torch.randint(0, O, (T,))

    def call():
        rnn.zero_grad()
        linear.zero_grad()
        out, _ = rnn(x)
        loss = torch.nn.functional.cross_entropy(linear(out[:, 0]), target)
        loss.backward()

    return call


def torch_version() -> str | None:
    """PyTorch's version, or None (then the ratios are skipped); printed either way."""
    try:
        import torch
    except ImportError:
        print("PyTorch: not importable: ratios skipped")
        return None
    print(f"PyTorch: {torch.__version__}")
    return torch.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    version = torch_version()
    print(f"{'cell':5} {'T':>4} {'H':>4} {'unroll ms':>10} {'torch ms':>9} {'ratio':>6} {'goal':>5}")
    for cell in CELLS:
        for T, H in SIZES:
            ours = best_seconds(unroll_call(cell, T, H), args.rounds) * 1e3
            if version is None:
                print(f"{cell:5} {T:4} {H:4} {ours:10.3f}")
                continue
            theirs = best_seconds(torch_call(cell, T, H), args.rounds) * 1e3
            ratio = ours / theirs
            goal = GOALS[(T, H)]
            verdict = "ok" if ratio <= goal else "MISS"
            print(f"{cell:5} {T:4} {H:4} {ours:10.3f} {theirs:9.3f} {ratio:6.2f} {goal:5.1f} {verdict}")


if __name__ == "__main__":
    main()
