"""A non-editable install works too: the wheel carries static/, templates/ and the presets."""

import subprocess
import sys
import zipfile


def test_the_wheel_carries_pages_and_presets(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(tmp_path)],
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
