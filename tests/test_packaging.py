"""A non-editable install works too: the wheel carries static/, templates/ and the presets."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "app", "static", "templates")


def test_the_wheel_carries_pages_and_presets(tmp_path):
    # Built from a copy, so that setuptools' build/ is not written into the checkout, where a
    # second test run beside this one (.ci/run's baseline pass) would be building too.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("unroll_rnn-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"app/static/favicon.svg", "app/static/css/unroll.css", "app/static/js/visualizer.js",
            "app/static/js/api-docs.js",
            "app/templates/base.html", "app/templates/index.html",
            "app/templates/api-docs.html",
            "app/engine/presets/reverse-lstm.json", "app/main.py", "app/engine/cells.py"} <= names
    assert sum(name.startswith("app/engine/presets/") for name in names) == 15
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "unroll = app.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
