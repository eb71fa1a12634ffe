"""static/js/wire-format.js in real Chromium: the packed answer, decoded, is the object JSON.parse
gives for the JSON answer, every number's String(x) and bits (Object.is: -0 is not 0) alike."""

import json

import pytest

from tests.api.test_packed_answers import EDGES

REQUESTS = [
    {"topology": "many_to_many", "task": "named_entities", "cell": "lstm", "hidden_size": 64, "length": 100,
     "omit": ["params", "grads"]},  # the page's view
    {"topology": "many_to_many", "cell": "lstm", "hidden_size": 16, "length": 20},
    {"topology": "seq2seq", "cell": "gru", "hidden_size": 4, "teacher_forcing": True, "inputs": ["cat", "dog", "red"]},
    {"topology": "many_to_one", "cell": "rnn", "hidden_size": 3, "inputs": ["the", "movie", "was", "not", "good"]},
    {"topology": "one_to_many", "cell": "rnn", "activation": "relu", "hidden_size": 5, "length": 6},
    *EDGES,
]

# Bodies travel as Python's JSON text: JSON.stringify would write -0.0 as 0.
COMPARE_JS = """async (requests) => {
  const wire = await import("/static/js/wire-format.js");
  const post = (body, accept) => fetch("/api/trace", {
    method: "POST", body,
    headers: { "Content-Type": "application/json", ...(accept ? { Accept: accept } : {}) } });
  const differences = (a, b, where, out) => {
    if (out.length >= 5) return;
    if (typeof a === "number" || typeof b === "number") {
      out.numbers += 1;
      if (Object.is(a, -0)) out.negativeZeros += 1;
      if (typeof a !== typeof b || String(a) !== String(b) || !Object.is(a, b)) out.push(`${where}: ${a} vs ${b}`);
    } else if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return out.push(`${where}: arrays differ`);
      a.forEach((x, k) => differences(x, b[k], `${where}[${k}]`, out));
    } else if (a !== null && typeof a === "object" && b !== null && typeof b === "object") {
      const keys = Object.keys(a).join(), others = Object.keys(b).join();
      if (keys !== others) return out.push(`${where}: keys ${keys} vs ${others}`);
      for (const key of Object.keys(a)) differences(a[key], b[key], `${where}.${key}`, out);
    } else if (a !== b) {
      out.push(`${where}: ${a} vs ${b}`);
    }
  };
  const results = [];
  for (const body of requests) {
    const asJson = await post(body, null);
    const packed = await post(body, wire.ACCEPT_PACKED);
    const type = packed.headers.get("content-type");
    const bytes = new Uint8Array(await packed.arrayBuffer());
    const parsed = await asJson.json();
    const decoded = wire.decodeTrace(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 3);  // as a chunked reader may hand it over
    shifted.set(bytes, 3);
    const out = []; out.numbers = 0; out.negativeZeros = 0;
    differences(parsed, decoded, "answer", out);
    differences(parsed, wire.decodeTrace(shifted.subarray(3)), "unaligned", out);
    results.push({ jsonType: asJson.headers.get("content-type"), packed: wire.isPacked(type),
                   jsonIsPacked: wire.isPacked(asJson.headers.get("content-type")),
                   negativeZeros: out.negativeZeros, numbers: out.numbers,
                   differences: [...out], bytes: bytes.length });
  }
  let refused = null;
  try { wire.decodeTrace(new TextEncoder().encode('{"loss": 1}')); } catch (error) { refused = error.message; }
  return { results, refused };
}"""


@pytest.fixture
def origin_page(page):
    page.goto("/api/health")  # a page of our origin, so that the module and the API are same-origin
    return page


def test_decoded_packed_answers_are_what_json_parse_gives(origin_page):
    found = origin_page.evaluate(COMPARE_JS, [json.dumps(body) for body in REQUESTS])
    for request, result in zip(REQUESTS, found["results"], strict=True):
        assert result["differences"] == [], request
        assert result["packed"] and not result["jsonIsPacked"] and result["jsonType"] == "application/json"
        assert result["numbers"] > 20, request
    assert found["results"][-2]["negativeZeros"] >= 2 * 8  # -0.0 arrived, and came back as -0
    page_view = found["results"][0]
    assert page_view["numbers"] > 2 * 50_000 and page_view["bytes"] <= 500_000
    assert "UNR1" in found["refused"]
    assert origin_page.console_errors == []
