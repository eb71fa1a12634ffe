"""The packed wire form (app.packed): read back by an independent reader, it is the JSON form's
object to the last bit, whatever the values and shapes; and its layout is the documented one."""

import json
import struct

import numpy as np
import pytest

from app.packed import MAGIC, packed_dumps
from app.wire import dumps
from tests.packed_reader import assert_same_bits, unpack

EDGES = [-0.0, 0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
         -1.7976931348623157e308, 1e16, 1.2e30, 0.1, -1 / 3, 123456789.125]


def same_as_json(data):
    assert_same_bits(unpack(packed_dumps(data)), json.loads(dumps(data)))


def test_edge_values_survive_to_the_last_bit():
    same_as_json({"v": np.array(EDGES), "m": np.array(EDGES).reshape(3, 4), "lone": EDGES})
    decoded = unpack(packed_dumps({"v": np.array(EDGES)}))["v"]
    assert struct.pack("<d", decoded[0]) == struct.pack("<d", -0.0)


def test_random_values_of_every_magnitude_survive():
    rng = np.random.default_rng(0)
    values = rng.normal(size=2000) * 10.0 ** rng.integers(-300, 300, size=2000)
    same_as_json({"a": values, "b": values[::-3], "c": values[:600].reshape(10, 6, 10)})


def test_shapes_views_and_empty_arrays():
    a = np.arange(24.0).reshape(4, 6)
    same_as_json({"column": a[:, 1], "transposed": a.T, "row": a[2], "scalar": np.float64(2.5),
                  "zero_d": np.array(7.0), "empty": np.zeros(0), "no_columns": np.zeros((3, 0)),
                  "no_rows": np.zeros((0, 2))})


def test_values_that_are_not_float64_arrays_stay_as_the_json_form_writes_them():
    same_as_json({"ints": np.arange(5), "flags": np.array([True, False]), "count": np.int64(3),
                  "text": "naïve ✓ \"quoted\"\n", "none": None, "nested": [{"x": 1, "y": [None, 2.5]}],
                  "steps": [{"h": np.array([0.5, -0.0]), "c": None}, {"h": np.array([1e-310, 3.0]), "c": None}]})


def test_no_arrays_at_all():
    body = packed_dumps({"loss": 0.5, "steps": []})
    assert unpack(body) == {"loss": 0.5, "steps": []} and (len(body)) % 8 == 0


def test_layout_magic_head_padding_and_block():
    body = packed_dumps({"a": np.array([1.0, 2.0]), "b": {"c": np.array([[3.0], [4.0]])}, "d": "x"})
    assert body[:4] == MAGIC == b"UNR1"
    (n,) = struct.unpack_from("<I", body, 4)
    assert (8 + n) % 8 == 0
    head = body[8 : 8 + n]
    assert head.rstrip(b" ") == b'{"a":{"$f64":[0,2]},"b":{"c":{"$f64":[2,2,1]}},"d":"x"}'
    assert set(head[len(head.rstrip(b" ")):]) <= {ord(" ")}
    assert struct.unpack("<4d", body[8 + n :]) == (1.0, 2.0, 3.0, 4.0)


@pytest.mark.parametrize("value", [np.float32(1.5), np.array([0.1], dtype=np.float32)])
def test_float32_is_written_as_json_does(value):
    assert unpack(packed_dumps({"v": value})) == json.loads(dumps({"v": value}))
