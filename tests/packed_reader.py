"""A reader of the packed wire form written from its description (docs/api.md §Packed), without
app.packed or NumPy, and a bit-for-bit comparison of two decoded answers."""

import json
import struct


def unpack(body: bytes):
    """The object a packed answer stands for: its head with every {"$f64": [offset, *shape]}
    replaced by nested lists of the values it points to."""
    assert body[:4] == b"UNR1", body[:4]
    (n,) = struct.unpack_from("<I", body, 4)
    start = 8 + n
    assert start % 8 == 0 and (len(body) - start) % 8 == 0, (n, len(body))
    head = json.loads(body[8:start].decode("utf-8"))
    values = struct.unpack(f"<{(len(body) - start) // 8}d", body[start:])

    def rows(offset, shape):
        if not shape:
            return values[offset]
        stride = 1
        for size in shape[1:]:
            stride *= size
        if len(shape) == 1:
            return list(values[offset : offset + shape[0]])
        return [rows(offset + k * stride, shape[1:]) for k in range(shape[0])]

    def expand(value):
        if isinstance(value, dict):
            if list(value) == ["$f64"]:
                offset, *shape = value["$f64"]
                return rows(offset, shape)
            return {key: expand(v) for key, v in value.items()}
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    return expand(head)


def assert_same_bits(a, b, where="answer"):
    """Equal structure, key order, types, and every float's 64 bits (so -0.0 is not 0.0)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for key in a:
            assert_same_bits(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: {len(a)} vs {len(b)} items"
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_bits(x, y, f"{where}[{k}]")
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"
