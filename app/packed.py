"""The packed wire form: a JSON answer whose float64 arrays travel as raw bytes (docs/api.md,
§The packed form of a trace).

Writing a float in its shortest exact decimal form costs about 25 ns and 20 bytes (orjson, on the
machine of benchmarks/README.md); copying its eight bytes costs next to nothing, and reading them
back is exact by construction. So the packed form keeps the answer's JSON for its structure (the
head) and moves every float64 array out of it into one block of little-endian float64 values:

    bytes 0-3   b"UNR1": the packed form, version 1
    bytes 4-7   n, uint32 little-endian: the length of the head
    8 … 8+n     the head: the answer's JSON (UTF-8), each float64 array replaced by
                {"$f64": [offset, *shape]}, offset counted in values from the block's start;
                padded with spaces so that the block starts at a multiple of 8
    8+n …       the block: every array's values, row-major, one array after another

Everything else (strings, integers, nulls, lone floats such as a loss) stays in the head as
the JSON form writes it. Decoding puts each array back as nested lists, which gives the object
the JSON form parses to, to the last bit (static/js/wire-format.js does it for the page).
"""

import struct

import numpy as np
import orjson

from .wire import dumps

MEDIA_TYPE = "application/vnd.unroll.packed"
MAGIC = b"UNR1"
REF = "$f64"  # the key of an array's reference in the head (no answer has such a key)
_HEAD_LENGTH = struct.Struct("<I")
_FLOAT64 = np.dtype(np.float64)  # NumPy's one instance: `is` is the quick test (any other is written as JSON)
_LITTLE_F64 = np.dtype("<f8")


def packed_dumps(data) -> bytes:
    """`data` (what `dumps` would write as JSON) in the packed form."""
    arrays, size = [], 0

    def move_out(value):
        nonlocal size
        if type(value) is np.ndarray and value.dtype is _FLOAT64:
            ref = {REF: [size, *value.shape]}
            arrays.append(value)
            size += value.size
            return ref
        return orjson.Fragment(dumps(value))  # any other value exactly as the JSON form writes it

    head = orjson.dumps(data, default=move_out)
    head += b" " * (-(len(MAGIC) + _HEAD_LENGTH.size + len(head)) % 8)
    values = np.concatenate(arrays, axis=None).astype(_LITTLE_F64, copy=False) if arrays else b""
    return b"".join([MAGIC, _HEAD_LENGTH.pack(len(head)), head, memoryview(values)])
