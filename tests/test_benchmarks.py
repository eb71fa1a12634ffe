"""The scripts in benchmarks/ still import: every name they take from the app exists (a renamed
function once broke bench_explain.py unnoticed, since no test runs the benchmarks themselves)."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py"))


def test_every_script_is_listed():
    assert {"bench_engine", "bench_server", "bench_explain", "bench_page"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_script_imports(name, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # the scripts import one another by name
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # top level only: each runs its measurements under __main__
    assert callable(getattr(module, "main", None)) or name == "page_timing"
