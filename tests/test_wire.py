"""The JSON writer: exact round trips, strided arrays, and the trace's shape."""

import json

import numpy as np

from app.wire import dumps


def test_floats_round_trip_exactly():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(size=1000), rng.normal(size=100) * 1e300, [5e-324, -0.0, 1.7976931348623157e308]])
    assert np.array_equal(json.loads(dumps(values)), values)


def test_strided_views_are_written_too():
    a = np.arange(12.0).reshape(3, 4)
    assert json.loads(dumps({"column": a[:, 1], "row": a[1], "scalar": np.float64(0.5)})) == {
        "column": [1.0, 5.0, 9.0], "row": [4.0, 5.0, 6.0, 7.0], "scalar": 0.5}
