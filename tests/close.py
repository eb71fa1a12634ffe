"""Comparing answers across machines (docs/maths.md §Exact): everything but floats exactly, floats
within a tolerance of their row's scale.

NumPy picks its `tanh` and `exp` kernels by CPU, and they differ in the last bit, so numbers
recorded on one machine differ from another's by a few ulp, grown a little through a sequence's
steps. A float is compared with the largest |value| of the list it sits in (its row): a vector
that has vanished to 1e-30 is still compared digit by digit, and an entry that cancelled to
nearly zero beside entries of order one is held to its row's scale, as floating point holds it.
"""

import math

ROW_RTOL = 1e-10  # measured between NumPy's AVX-512 and baseline paths: at most 1.3e-12


def differences(now, then, rtol: float = ROW_RTOL, path: str = "") -> list[str]:
    """Where `now` and `then` (parsed JSON) differ: keys, lengths, types, strings, integers,
    nulls and booleans exactly; floats within `rtol` of their row's largest |value|."""
    if isinstance(then, dict):
        if not isinstance(now, dict) or list(now) != list(then):
            return [f"{path or '.'}: keys {list(now) if isinstance(now, dict) else now!r:.200} != {list(then)}"]
        return [d for k in then for d in differences(now[k], then[k], rtol, f"{path}.{k}")]
    if isinstance(then, list):
        if not isinstance(now, list) or len(now) != len(then):
            return [f"{path}: {now!r:.80} != {then!r:.80}"]
        if then and all(_is_float(v) for v in then) and all(_is_float(v) for v in now):
            scale = max(abs(v) for v in then)
            return [f"{path}[{i}]: {a!r} != {b!r}" for i, (a, b) in enumerate(zip(now, then, strict=True))
                    if not _close(a, b, rtol, scale)]
        return [d for i, (a, b) in enumerate(zip(now, then, strict=True))
                for d in differences(a, b, rtol, f"{path}[{i}]")]
    if _is_float(then) and _is_float(now) and (isinstance(then, float) or isinstance(now, float)):
        return [] if _close(now, then, rtol, abs(then)) else [f"{path}: {now!r} != {then!r}"]
    return [] if type(now) is type(then) and now == then else [f"{path}: {now!r:.80} != {then!r:.80}"]


def _is_float(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _close(a, b, rtol: float, scale: float) -> bool:
    """|a − b| <= rtol · scale, and the same sign of zero where both are zero."""
    if a == b:
        return math.copysign(1, a) == math.copysign(1, b) if a == 0 else True
    return abs(a - b) <= rtol * scale
