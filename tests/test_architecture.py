"""What may import what (docs/architecture.md): the engine is pure NumPy, the wire formats know
no web framework, and the command line does not go through the server."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).parent.parent / "app"
NEVER = {
    "engine": ("app.api", "app.wire", "app.cli", "app.main", "fastapi", "starlette", "pydantic", "orjson", "uvicorn"),
    "wire.py": ("app.api", "app.cli", "app.main", "fastapi", "starlette", "pydantic", "uvicorn"),
    "packed.py": ("app.api", "app.cli", "app.main", "fastapi", "starlette", "pydantic", "uvicorn"),
    "cli.py": ("app.api", "app.main", "fastapi"),
    "pytorch_script.py": ("app.api", "app.cli", "app.main", "fastapi", "starlette", "pydantic", "uvicorn", "torch"),
}


def imported(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved against the app package."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("where", list(NEVER))
def test_imports_follow_the_layers(where):
    files = sorted((APP / where).rglob("*.py")) if (APP / where).is_dir() else [APP / where]
    assert files
    for path in files:
        bad = sorted(n for n in imported(path) for banned in NEVER[where] if n == banned or n.startswith(banned + "."))
        assert not bad, f"{path.relative_to(APP.parent)} imports {bad}"
