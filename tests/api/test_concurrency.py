"""Heavy work stays off the event loop: health answers while the engine is busy, and a burst
beyond what the pool may hold is refused with a 503 instead of piling up."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from app.api.limits import TRACE_POOL

HEAVY = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 256, "length": 400}


def test_health_answers_while_traces_run(live_url):
    with ThreadPoolExecutor(4) as pool:
        traces = [pool.submit(httpx.post, f"{live_url}/api/trace", json=HEAVY, timeout=120) for _ in range(4)]
        seen_busy = 0
        while not all(f.done() for f in traces):
            health = httpx.get(f"{live_url}/api/health", timeout=120)
            assert health.status_code == 200
            seen_busy = max(seen_busy, health.json()["jobs"]["trace"])
        assert seen_busy >= 1  # answered while engine jobs were running or waiting
        assert all(f.result().status_code == 200 for f in traces)


def test_a_burst_beyond_capacity_gets_503(live_url, monkeypatch):
    monkeypatch.setattr(TRACE_POOL, "capacity", 2)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: httpx.post(f"{live_url}/api/trace", json=HEAVY, timeout=120), range(8)))
    codes = sorted(r.status_code for r in answers)
    assert codes.count(200) >= 2 and 503 in codes and set(codes) <= {200, 503}
    refused = next(r for r in answers if r.status_code == 503)
    assert refused.headers["retry-after"] == "1" and "busy" in refused.json()["detail"][0]["msg"]
