"""Reading a user's model file (app/engine/tensor_files.py, app/engine/imported.py): real files
written by safetensors and numpy, exact values, and every bad file refused naming its key."""

import io
import json
import struct
import zipfile

import numpy as np
import pytest

from app.engine.config import MAX_FILE_ARRAYS, MAX_FILE_HEADER
from app.engine.errors import InputError
from app.engine.imported import model_from_tensors
from app.engine.tensor_files import read_tensors

safetensors_numpy = pytest.importorskip("safetensors.numpy")

RNG = np.random.default_rng(0)


def state_dict(cell="gru", I=3, H=5, O=2, prefix="rnn.", head="fc.", dtype=np.float32):
    G = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    arrays = {f"{prefix}weight_ih_l0": (G * H, I), f"{prefix}weight_hh_l0": (G * H, H),
              f"{prefix}bias_ih_l0": (G * H,), f"{prefix}bias_hh_l0": (G * H,)}
    if head is not None:
        arrays |= {f"{head}weight": (O, H), f"{head}bias": (O,)}
    return {k: RNG.uniform(-1, 1, shape).astype(dtype) for k, shape in arrays.items()}


def safetensors_file(arrays) -> io.BytesIO:
    return io.BytesIO(safetensors_numpy.save(arrays))


def npz_file(arrays, compressed=False) -> io.BytesIO:
    f = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(f, **arrays)
    return f


def refused(f, activation="tanh") -> str:
    with pytest.raises(InputError) as caught:
        model_from_tensors(read_tensors(f)[1], activation)
    assert caught.value.field == "file"
    return caught.value.message


@pytest.mark.parametrize("write,fmt", [(safetensors_file, "safetensors"), (npz_file, "npz"),
                                       (lambda a: npz_file(a, compressed=True), "npz")])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_both_formats_read_every_number_exactly(write, fmt, dtype):
    arrays = state_dict(dtype=dtype)
    got_format, tensors = read_tensors(write(arrays))
    assert got_format == fmt and set(tensors) == set(arrays)
    for key, value in arrays.items():
        assert tensors[key].dtype == np.float64 and np.array_equal(tensors[key], value.astype(np.float64))


def test_bfloat16_is_the_upper_half_of_a_float32():
    torch = pytest.importorskip("torch")
    from safetensors.torch import save

    weights = torch.tensor([[1.0, -2.5], [3.140625, 1e-3]]).to(torch.bfloat16)
    _, tensors = read_tensors(io.BytesIO(save({"w": weights})))
    assert np.array_equal(tensors["w"], weights.double().numpy())


@pytest.mark.parametrize("cell,G", [("rnn", 1), ("gru", 3), ("lstm", 4)])
def test_the_cell_is_told_by_the_rows_of_weight_hh(cell, G):
    arrays = state_dict(cell, I=4, H=6, O=3)
    model = model_from_tensors(read_tensors(safetensors_file(arrays))[1])
    assert (model.cell, model.input_size, model.hidden_size, model.output_size) == (cell, 4, 6, 3)
    assert model.keys == {"W_ih": "rnn.weight_ih_l0", "W_hh": "rnn.weight_hh_l0", "b_ih": "rnn.bias_ih_l0",
                          "b_hh": "rnn.bias_hh_l0", "W_hy": "fc.weight", "b_y": "fc.bias"}
    assert np.array_equal(model.params["W_hh"], arrays["rnn.weight_hh_l0"].astype(float))
    assert model.params["W_ih"].shape == (G * 6, 4) and model.head


def test_without_a_head_the_output_is_h():
    model = model_from_tensors(read_tensors(npz_file(state_dict("lstm", H=4, prefix="", head=None)))[1])
    assert model.output_size == 4 and not model.head
    assert np.array_equal(model.params["W_hy"], np.eye(4)) and not model.params["b_y"].any()


def test_the_activation_is_the_callers():
    arrays = read_tensors(safetensors_file(state_dict("rnn")))[1]
    assert model_from_tensors(arrays, "relu").activation == "relu"
    with pytest.raises(InputError) as caught:
        model_from_tensors(read_tensors(safetensors_file(state_dict("lstm")))[1], "relu")
    assert caught.value.field == "activation"


def with_changes(cell="gru", **changes):
    arrays = state_dict(cell)
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    return arrays


BAD = [  # (what, arrays, the key the message names, words it holds)
    ("a second layer", with_changes(**{"rnn.weight_ih_l1": np.zeros((15, 5), np.float32)}), "rnn.weight_ih_l1", "layer 1"),
    ("bidirectional", with_changes(**{"rnn.weight_ih_l0_reverse": np.zeros((15, 3), np.float32)}), "rnn.weight_ih_l0_reverse", "bidirectional"),
    ("a projection", with_changes("lstm", **{"rnn.weight_hr_l0": np.zeros((2, 5), np.float32)}), "rnn.weight_hr_l0", "proj_size"),
    ("rows that fit no cell", with_changes(**{"rnn.weight_hh_l0": np.zeros((10, 5), np.float32)}), "rnn.weight_hh_l0", "fits no cell"),
    ("input rows disagree", with_changes(**{"rnn.weight_ih_l0": np.zeros((12, 3), np.float32)}), "rnn.weight_ih_l0", "expected [15, 3]"),
    ("a bias of the wrong size", with_changes(**{"rnn.bias_hh_l0": np.zeros(14, np.float32)}), "rnn.bias_hh_l0", "expected [15]"),
    ("NaN", with_changes(**{"rnn.bias_ih_l0": np.full(15, np.nan, np.float32)}), "rnn.bias_ih_l0", "NaN or Infinity"),
    ("Infinity", with_changes(**{"fc.weight": np.full((2, 5), np.inf, np.float32)}), "fc.weight", "NaN or Infinity"),
    ("a head of another hidden size", with_changes(**{"fc.weight": np.zeros((2, 4), np.float32)}), "fc.weight", "does not match the hidden size"),
    ("a head bias of the wrong size", with_changes(**{"fc.bias": np.zeros(3, np.float32)}), "fc.bias", "expected [2]"),
    ("a missing key", with_changes(**{"rnn.bias_hh_l0": None}), "rnn.bias_hh_l0", "missing"),
    ("a head without its bias", with_changes(**{"fc.bias": None}), "fc.bias", "missing"),
    ("an unexpected key", with_changes(**{"step_count": np.zeros(1, np.float32), "fc.weight": None, "fc.bias": None}), "step_count", "not an nn.Linear head"),
    ("an unexpected key beside a head", with_changes(**{"step_count": np.zeros(1, np.float32)}), "step_count", "unexpected"),
    ("an embedding (a weight without a bias)", with_changes(**{"embedding.weight": np.zeros((4, 3), np.float32), "fc.weight": None, "fc.bias": None}), "embedding.bias", "missing: an nn.Linear head has embedding.weight"),
    ("two heads", with_changes(**{"fc2.weight": np.zeros((2, 5), np.float32), "fc2.bias": np.zeros(2, np.float32)}), None, "more than one nn.Linear head"),
    ("no recurrent layer", {"fc.weight": np.zeros((2, 5), np.float32), "fc.bias": np.zeros(2, np.float32)}, None, "not an nn.RNN"),
    ("a hidden size over 256", with_changes("rnn", **{"rnn.weight_hh_l0": np.zeros((300, 300), np.float32)}), "rnn.weight_hh_l0", "hidden size 300"),
    ("a vector for a matrix", with_changes(**{"rnn.weight_hh_l0": np.zeros(15, np.float32)}), "rnn.weight_hh_l0", "expected a matrix"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
@pytest.mark.parametrize("write", [safetensors_file, npz_file], ids=["safetensors", "npz"])
def test_a_model_that_does_not_fit_is_refused_naming_the_key(case, write):
    _, arrays, key, words = case
    message = refused(write(arrays))
    assert words in message, message
    if key is not None:
        assert message.startswith(f"{key}: "), message


def safetensors_bytes(header: dict, data: bytes, header_size=None) -> io.BytesIO:
    raw = json.dumps(header).encode()
    return io.BytesIO(struct.pack("<Q", len(raw) if header_size is None else header_size) + raw + data)


BAD_FILES = [  # (what, file, words the message holds)
    ("not a model file", io.BytesIO(b"hello, world: not weights"), "neither a safetensors file nor"),
    ("empty", io.BytesIO(b""), "neither a safetensors file nor"),
    ("a header over the cap", safetensors_bytes({}, b"", MAX_FILE_HEADER + 1), f"at most {MAX_FILE_HEADER}"),
    ("a header past the file's end", safetensors_bytes({}, b"", 10_000), "the file has"),
    ("a header that is not JSON", io.BytesIO(struct.pack("<Q", 5) + b"{nope"), "not JSON"),
    ("a header that is a list", io.BytesIO(struct.pack("<Q", 2) + b"[]"), "neither a safetensors file"),
    ("a name twice", io.BytesIO(struct.pack("<Q", 2 * 60 + 3) + (b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},'
                                 b' "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}').ljust(123) + b"\0" * 4), "appears twice"),
    ("an integer dtype", safetensors_bytes({"w": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8), "w: dtype I64"),
    ("a shape that is not the range", safetensors_bytes({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8), "w: shape [3] of F32 is 12 bytes"),
    ("a range past the file", safetensors_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8), "not a range within"),
    ("overlapping ranges", safetensors_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                              "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "overlap"),
    ("a gap", safetensors_bytes({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8), "a gap"),
    ("bytes no tensor covers", safetensors_bytes({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 8), "cover 4 bytes"),
    ("a negative shape", safetensors_bytes({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "not a list of sizes"),
    ("an unknown entry field", safetensors_bytes({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}, b"\0" * 4), "expected exactly"),
]


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_safetensors_file_that_is_not_what_it_says_is_refused(case):
    _, f, words = case
    with pytest.raises(InputError) as caught:
        read_tensors(f)
    assert caught.value.field == "file" and words in caught.value.message, caught.value.message


def zip_of(members: dict, compression=zipfile.ZIP_STORED) -> io.BytesIO:
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return f


def npy(array) -> bytes:
    f = io.BytesIO()
    np.save(f, array, allow_pickle=True)
    return f.getvalue()


def test_an_npz_that_is_not_what_it_says_is_refused():
    cases = [
        (zip_of({"archive/data.pkl": b"\x80\x04N."}), "PyTorch pickle"),
        (zip_of({"w.txt": b"1 2 3"}), "w.txt: not a .npy array"),
        (zip_of({"w.npy": npy(np.array([object()], dtype=object))}), "w: dtype object"),
        (zip_of({"w.npy": npy(np.arange(3))}), "w: dtype int64"),
        (zip_of({"w.npy": npy(np.zeros(4))[:-8]}), "w: shape [4] of float64 is 32 bytes, but 24 follow"),
        (zip_of({"w.npy": b"not an npy file at all"}), "w: cannot be read"),
        (zip_of({"w.npy": b"\0" * (MAX_FILE_ARRAYS + 1)}, zipfile.ZIP_DEFLATED), f"at most {MAX_FILE_ARRAYS}"),
        (io.BytesIO(b"PK\x03\x04 truncated"), "cannot be read"),
    ]
    for f, words in cases:
        with pytest.raises(InputError) as caught:
            read_tensors(f)
        assert caught.value.field == "file" and words in caught.value.message, (words, caught.value.message)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    """16 MB of zeros compress to 16 kB: the declared sizes are checked before reading any of it."""
    f = zip_of({"w.npy": b"\0" * (4 * MAX_FILE_ARRAYS)}, zipfile.ZIP_DEFLATED)
    assert len(f.getvalue()) < 200_000
    with pytest.raises(InputError) as caught:
        read_tensors(f)
    assert "unpack to" in caught.value.message


def test_a_fortran_ordered_array_reads_in_its_order():
    a = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    _, tensors = read_tensors(zip_of({"w.npy": npy(a)}))
    assert np.array_equal(tensors["w"], a)
