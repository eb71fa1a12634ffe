"""Take it with you (DESIGN §6.1, Export; docs/page.md): the four downloads, named
unroll-<topology>-<cell>-seed<seed>.<ext>: the stage's SVG stands alone and holds the drawn
[data-h] values, the PNG is twice the stage's size, the JSON is the API's answer byte for byte,
the .py is /api/export/pytorch's answer (and, where torch is importable, runs and prints ok);
"Copy as PyTorch" puts the same script on the clipboard."""

import importlib.util
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from .conftest import keep_picture
from .test_visualizer import SMALL
from .unroll_page import drawn, open_view, press, redraw

SVG = "{http://www.w3.org/2000/svg}"
VIEWS = {
    "lstm": "?topology=many_to_one&cell=lstm&seed=7",
    "own-text": "?topology=many_to_many&data=text&text=austen&cell=gru&seed=3",
}


def save(page, kind: str, tmp_path):
    with page.expect_download() as download:
        page.click(f"[data-export={kind}]")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return download.value.suggested_filename, path


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_four_exports(page, client, tmp_path, view):
    page.set_viewport_size(SMALL)
    trace = open_view(page, VIEWS[view])
    request = trace["_request"]
    press(page, "End")
    base = f"unroll-{trace['topology']}-{trace['cell']}-seed{request['seed']}"

    # SVG: the stage as drawn, standalone, holding every drawn [data-h] value.
    name, path = save(page, "svg", tmp_path)
    assert name == f"{base}.svg"
    text = path.read_text()
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}style") is not None and "<script" not in text
    held = sorted((e.get("data-t"), e.get("data-unit"), e.get("data-value")) for e in root.iter() if e.get("data-h") is not None)
    shown = sorted((d["t"], d["unit"], d["value"]) for d in drawn(page, "h"))
    assert held == shown and len(held) > 0
    assert all(float(v) == trace["steps"][int(t)]["h"][int(u)] for t, u, v in held)
    if trace["cell"] == "lstm":
        assert sum(1 for e in root.iter() if e.get("data-c") is not None) == len(drawn(page, "c"))
    width, height = int(root.get("width")), int(root.get("height"))
    assert (width, height) == tuple(int(page.get_attribute("#stage svg", k)) for k in ("width", "height"))
    # It renders alone: in a page with none of ours, its own styles colour an input chip.
    alone = page.context.new_page()
    alone.set_content(text.split("?>", 1)[1])
    chip = alone.eval_on_selector(".input-chip rect", "(r) => [getComputedStyle(r).fill, getComputedStyle(r).stroke]")
    assert chip == ["rgb(241, 235, 255)", "rgb(109, 40, 217)"]  # --input-soft, --input
    alone.close()

    # PNG: drawn from that SVG at twice the stage's size.
    name, path = save(page, "png", tmp_path)
    assert name == f"{base}.png"
    data = path.read_bytes()
    assert png_size(data) == (2 * width, 2 * height)
    keep_picture(f"export-{view}", data)

    # JSON: the trace exactly as the API sent it.
    name, path = save(page, "json", tmp_path)
    assert name == f"{base}.json"
    assert path.read_bytes() == client.post("/api/trace", json=request).content  # the whole JSON, not the page's packed form

    # .py: /api/export/pytorch's script for the view's request; it runs and prints ok.
    name, path = save(page, "py", tmp_path)
    script = client.post("/api/export/pytorch", json=request)
    assert name == f"{base}.py" == script.headers["content-disposition"].split('filename="')[1].rstrip('"')
    assert path.read_text() == script.text
    if importlib.util.find_spec("torch") is not None:
        run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
        assert (run.returncode, run.stdout.strip().splitlines()[-1]) == (0, "ok"), run.stdout + run.stderr
    assert page.console_errors == []


def test_copy_as_pytorch_puts_the_script_on_the_clipboard(page, client, live_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    trace = open_view(page, "?topology=seq2seq&cell=gru&seed=5")
    page.click("[data-export=copy]")
    page.wait_for_function("() => /Copied/.test(document.querySelector('.export-status').textContent)")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == client.post("/api/export/pytorch", json=trace["_request"]).text
    # A new view, a new script (not the one fetched for the last view).
    trace = redraw(page, lambda: (page.fill("#seed", "6"), page.press("#seed", "Tab")))
    page.evaluate("() => { document.querySelector('.export-status').textContent = ''; }")
    page.click("[data-export=copy]")
    page.wait_for_function("() => /Copied/.test(document.querySelector('.export-status').textContent)")
    assert page.evaluate("() => navigator.clipboard.readText()") == client.post("/api/export/pytorch", json=trace["_request"]).text
    assert page.console_errors == []


def test_a_failed_export_says_why(page):
    open_view(page, "?topology=many_to_one")
    page.route("**/api/export/pytorch", lambda route: route.fulfill(
        status=422, content_type="application/json", body='{"detail": [{"type": "x", "loc": ["body", "seed"], "msg": "no such seed"}]}'))
    page.click("[data-export=py]")
    page.wait_for_function("() => /^Not exported:/.test(document.querySelector('.export-status').textContent)")
    assert page.text_content(".export-status") == "Not exported: seed: no such seed"
    assert "failed" in page.get_attribute(".export-status", "class").split()
