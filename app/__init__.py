"""Unroll: recurrent neural networks, unrolled through time and shown step by step."""

import os

__version__ = "0.1.0"

# One BLAS thread per engine job (before NumPy is first imported; the environment's own setting
# wins). The engine's matrices are small and each job already has a thread of its own (the pools
# of app/api/limits.py, one process per core): OpenBLAS's extra threads, one per core, only spin
# against the other jobs and the event loop. With them a trace cost up to 2.4 times the CPU time
# for the same numbers (benchmarks/README.md, bench_server.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
