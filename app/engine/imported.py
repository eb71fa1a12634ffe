"""A user's own single-layer PyTorch model, from the arrays of its state_dict (docs/api.md §Import).

PyTorch names a one-layer `nn.RNN`, `nn.LSTM` or `nn.GRU`'s parameters `weight_ih_l0`,
`weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` (under the module's prefix, e.g. `rnn.`), in the layout
Unroll uses (docs/maths.md §Parameters); an `nn.Linear` head adds `weight` and `bias` (e.g.
`fc.`). The cell is told by W_hh's shape: G·H rows for its H columns, G = 1 (RNN), 3 (GRU) or 4
(LSTM). The activation of an RNN (tanh or relu) is not in the file: the caller says which.
Without a head the network's output is h_t itself: W_hy = I (H×H), b_y = 0.

Whatever does not fit is an InputError naming `file` and the array: a second layer (`_l1`),
a bidirectional one (`_reverse`), a projection (`weight_hr_l0`), shapes that fit no cell, a head
whose columns are not H, NaN or Infinity, missing or unexpected arrays, sizes over the limits.
"""

import re
from dataclasses import dataclass

import numpy as np

from .cells import CELLS
from .config import MAX_HIDDEN, MAX_IO_SIZE
from .network import checked_cell
from .tensor_files import bad

CELL_KEYS = {"weight_ih_l0": "W_ih", "weight_hh_l0": "W_hh", "bias_ih_l0": "b_ih", "bias_hh_l0": "b_hh"}
HEAD_KEYS = {"weight": "W_hy", "bias": "b_y"}
CELL_OF_BLOCKS = {cell.blocks: cell.id for cell in CELLS.values()}  # G -> rnn, lstm, gru
LAYER = re.compile(r"_l(\d+)(_reverse)?$")


@dataclass(frozen=True)
class ImportedModel:
    cell: str
    activation: str
    input_size: int
    hidden_size: int
    output_size: int
    params: dict  # W_ih W_hh b_ih b_hh W_hy b_y, float64, PyTorch's layout
    keys: dict  # our name -> the file's key (W_hy, b_y absent without a head)
    head: bool  # False: no nn.Linear in the file, y_t = h_t


def model_from_tensors(tensors: dict[str, np.ndarray], activation: str = "tanh") -> ImportedModel:
    """The model these state_dict arrays describe, every shape and value checked."""
    _refuse_other_layers(tensors)
    cell_keys = _named(tensors, CELL_KEYS, "nn.RNN, nn.LSTM or nn.GRU")
    rest = {key: value for key, value in tensors.items() if key not in cell_keys.values()}
    head_keys = _named(rest, HEAD_KEYS, "nn.Linear head") if rest else {}
    unexpected = sorted(set(rest) - set(head_keys.values()))
    if unexpected:
        raise bad("unexpected: Unroll reads one nn.RNN/LSTM/GRU layer and at most one nn.Linear "
                  "head", unexpected[0])
    params = {ours: tensors[theirs] for ours, theirs in (cell_keys | head_keys).items()}
    keys = cell_keys | head_keys
    W_hh, W_ih = (_matrix(params, keys, name) for name in ("W_hh", "W_ih"))
    rows, H = W_hh.shape
    if H > MAX_HIDDEN:
        raise bad(f"hidden size {H} (its columns); at most {MAX_HIDDEN}", keys["W_hh"])
    if rows % H or rows // H not in CELL_OF_BLOCKS:
        raise bad(f"shape {list(W_hh.shape)} fits no cell: its rows must be H (RNN), 3H (GRU) or 4H "
                  f"(LSTM) for its H = {H} columns", keys["W_hh"])
    cell = CELL_OF_BLOCKS[rows // H]
    _expect(params, keys, "W_ih", (rows, W_ih.shape[1]), f"{rows} rows, as {keys['W_hh']} has")
    I = W_ih.shape[1]
    if not 1 <= I <= MAX_IO_SIZE:
        raise bad(f"input size {I} (its columns); 1 to {MAX_IO_SIZE}", keys["W_ih"])
    for name in ("b_ih", "b_hh"):
        _expect(params, keys, name, (rows,), f"{rows} numbers for the {rows} rows of {keys['W_hh']}")
    if head_keys:
        W_hy = _matrix(params, keys, "W_hy")
        O = W_hy.shape[0]
        if W_hy.shape[1] != H:
            raise bad(f"shape {list(W_hy.shape)} does not match the hidden size: an nn.Linear head on "
                      f"H = {H} units has {H} columns", keys["W_hy"])
        if not 1 <= O <= MAX_IO_SIZE:
            raise bad(f"output size {O} (its rows); 1 to {MAX_IO_SIZE}", keys["W_hy"])
        _expect(params, keys, "b_y", (O,), f"{O} numbers for the {O} rows of {keys['W_hy']}")
    else:
        O = H
        params |= {"W_hy": np.eye(H), "b_y": np.zeros(H)}  # y_t = h_t
    for name, value in params.items():
        if not np.isfinite(value).all():
            raise bad("holds NaN or Infinity; the weights must be finite numbers", keys[name])
    checked_cell(cell, activation)  # an lstm or gru with relu is refused, naming `activation`
    return ImportedModel(cell, activation, I, H, O, params, keys, bool(head_keys))


def _refuse_other_layers(tensors):
    for key in tensors:
        if key.endswith("weight_hr_l0"):
            raise bad("a projection (nn.LSTM(proj_size=…)): Unroll's LSTM has none", key)
        match = LAYER.search(key)
        if match and match.group(2):
            raise bad("a bidirectional network's backward direction: Unroll unrolls one direction "
                      "(save an nn.RNN/LSTM/GRU with bidirectional=False)", key)
        if match and match.group(1) != "0":
            raise bad(f"layer {match.group(1)} of a stacked network (num_layers > 1): Unroll unrolls "
                      "one layer", key)


def _named(tensors, names: dict, what: str) -> dict:
    """{our name: the file's key} for `names` (their suffixes -> ours), all under one prefix
    (none, or a submodule's such as `rnn.`)."""
    prefixes = {key[: -len(suffix)] for key in tensors for suffix in names
                if key == suffix or key.endswith("." + suffix)}
    if not prefixes:
        raise bad(f"not an {what}: expected {', '.join(names)} (under a prefix such as rnn.)",
                  min(tensors) if tensors else None)
    if len(prefixes) > 1:
        shown = ", ".join(sorted(repr(p) for p in prefixes)[:3])
        raise bad(f"more than one {what} (prefixes {shown}): Unroll reads one")
    prefix = prefixes.pop()
    found = {ours: prefix + suffix for suffix, ours in names.items()}
    missing = [key for key in found.values() if key not in tensors]
    if missing:
        raise bad(f"missing: an {what} has {', '.join(found.values())}", missing[0])
    return found


def _matrix(params, keys, name) -> np.ndarray:
    value = params[name]
    if value.ndim != 2 or 0 in value.shape:
        raise bad(f"expected a matrix, got shape {list(value.shape)}", keys[name])
    return value


def _expect(params, keys, name, shape, why):
    if params[name].shape != shape:
        raise bad(f"shape {list(params[name].shape)}; expected {list(shape)} ({why})", keys[name])
