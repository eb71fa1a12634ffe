"""Named arrays from a file a user uploads: safetensors, or a numpy .npz archive. Never a pickle.

Both formats are read by hand, strictly, so that nothing in the file is executed or trusted:

- safetensors (`safetensors.torch.save_file(model.state_dict(), …)`): an 8-byte little-endian
  header length N, N bytes of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}}`
  (and an optional `__metadata__`), then the raw little-endian bytes. The header is capped, every
  dtype must be floating point, shape × the dtype's size must be the byte range, and the ranges
  must tile the data exactly (within the file, no gap, no overlap), as the format requires.
- .npz (`numpy.savez(path, **{k: v.numpy()})`): a zip of .npy members. Each member's declared
  size is checked before it is read (a zip may compress: their sum is capped), each .npy header
  is read and checked (floating dtype, shape × size = the bytes that follow) before its data, and
  the data is read as raw numbers: numpy.load is never called, so no pickle can be reached.

Every array comes back as float64 (exact for float16, bfloat16 and float32). A file that is not
what it says is an InputError naming `file`, with the array's name when there is one.
"""

import json
import math
import zipfile

import numpy as np

from .config import MAX_FILE_ARRAYS, MAX_FILE_HEADER, MAX_FILE_TENSORS
from .errors import InputError

ZIP_MAGIC = b"PK"
# safetensors dtype -> NumPy dtype of its raw bytes; BF16 is the upper half of a float32.
SAFETENSORS_DTYPES = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
                      "BF16": np.dtype("<u2")}
TENSOR_FIELDS = {"dtype", "shape", "data_offsets"}


def bad(message: str, key: str | None = None) -> InputError:
    return InputError("file", message if key is None else f"{key}: {message}")


def read_tensors(f) -> tuple[str, dict[str, np.ndarray]]:
    """("safetensors" or "npz", {name: float64 array}) from a binary file object (seekable)."""
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    head = f.read(8)
    if head.startswith(ZIP_MAGIC):
        return "npz", _read_npz(f)
    if len(head) == 8 and f.read(1) == b"{":
        return "safetensors", _read_safetensors(f, int.from_bytes(head, "little"), size)
    raise bad("neither a safetensors file nor a numpy .npz archive (save the state_dict with "
              "safetensors' save_file or numpy.savez; a torch.save .pt file is never read)")


# --- safetensors ---------------------------------------------------------------------------------


def _read_safetensors(f, header_size: int, size: int) -> dict[str, np.ndarray]:
    if header_size > MAX_FILE_HEADER:
        raise bad(f"a safetensors header of {header_size} bytes; at most {MAX_FILE_HEADER}")
    if 8 + header_size > size:
        raise bad(f"the safetensors header says {header_size} bytes, but the file has {size - 8}")
    f.seek(8)
    try:
        header = json.loads(f.read(header_size), object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError) as error:
        raise bad(f"its safetensors header is not JSON ({str(error)[:80]})") from None
    if not isinstance(header, dict):
        raise bad("its safetensors header is not a JSON object")
    header.pop("__metadata__", None)  # free-form strings: not read
    if len(header) > MAX_FILE_TENSORS:
        raise bad(f"{len(header)} tensors; at most {MAX_FILE_TENSORS}")
    data_size = size - 8 - header_size
    ranges = sorted((_checked_entry(key, entry, data_size), key) for key, entry in header.items())
    end = 0
    for (begin, stop), key in ranges:
        if begin != end:
            raise bad(f"its bytes start at {begin}, but the tensor before ends at {end} "
                      f"({'overlap' if begin < end else 'a gap'})", key)
        end = stop
    if end != data_size:
        raise bad(f"the tensors cover {end} bytes of data, but the file holds {data_size} after its header")
    tensors = {}
    for (begin, stop), key in ranges:
        entry = header[key]
        f.seek(8 + header_size + begin)
        raw = np.frombuffer(f.read(stop - begin), dtype=SAFETENSORS_DTYPES[entry["dtype"]])
        if entry["dtype"] == "BF16":
            raw = (raw.astype(np.uint32) << 16).view(np.float32)
        tensors[key] = raw.astype(np.float64).reshape(entry["shape"])
    return tensors


def _no_duplicates(pairs):
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"the name {next(k for k in keys if keys.count(k) > 1)!r:.80} appears twice")
    return dict(pairs)


def _checked_entry(key: str, entry, data_size: int) -> tuple[int, int]:
    """The entry's (begin, end) byte range, once its dtype, shape and range agree."""
    if not isinstance(entry, dict) or set(entry) != TENSOR_FIELDS:
        raise bad(f"expected exactly {sorted(TENSOR_FIELDS)} in its header entry", key)
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in SAFETENSORS_DTYPES:
        raise bad(f"dtype {str(dtype)[:20]}: the weights must be floating point "
                  f"({', '.join(SAFETENSORS_DTYPES)})", key)
    if not (isinstance(shape, list) and all(_natural(n) for n in shape)):
        raise bad(f"its shape {str(shape)[:80]} is not a list of sizes", key)
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_natural(n) for n in offsets)
            and offsets[0] <= offsets[1] <= data_size):
        raise bad(f"its data_offsets {str(offsets)[:80]} are not a range within the file's "
                  f"{data_size} bytes of data", key)
    nbytes = math.prod(shape) * SAFETENSORS_DTYPES[dtype].itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise bad(f"shape {shape} of {dtype} is {nbytes} bytes, but its range holds "
                  f"{offsets[1] - offsets[0]}", key)
    return offsets[0], offsets[1]


def _natural(n) -> bool:
    return type(n) is int and n >= 0


# --- numpy .npz ----------------------------------------------------------------------------------


def _read_npz(f) -> dict[str, np.ndarray]:
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise bad(f"a zip archive that cannot be read ({str(error)[:80]})") from None
    with archive:
        members = archive.infolist()
        if any(m.filename.endswith(".pkl") for m in members):
            raise bad("a PyTorch pickle (torch.save), which is never unpickled: save the state_dict "
                      "with safetensors' save_file or numpy.savez")
        if len(members) > MAX_FILE_TENSORS:
            raise bad(f"{len(members)} arrays; at most {MAX_FILE_TENSORS}")
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_FILE_ARRAYS:
            raise bad(f"its arrays unpack to {unpacked} bytes; at most {MAX_FILE_ARRAYS}")
        tensors = {}
        for member in members:
            key = member.filename.removesuffix(".npy")
            if key == member.filename:
                raise bad("not a .npy array (numpy.savez writes .npy members only)", member.filename)
            try:
                with archive.open(member) as fp:
                    tensors[key] = _read_npy(fp, member.file_size, key)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise bad(f"cannot be read ({str(error)[:80]})", key) from None
    return tensors


def _read_npy(fp, size: int, key: str) -> np.ndarray:
    """One .npy member: its header checked before any of its data is read."""
    version = np.lib.format.read_magic(fp)
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise bad(f".npy format version {version}; numpy.savez writes 1.0 or 2.0", key)
    shape, fortran_order, dtype = readers[version](fp)
    if dtype.kind != "f" or dtype.itemsize not in (2, 4, 8):
        raise bad(f"dtype {dtype}: the weights must be float16, float32 or float64", key)
    nbytes = math.prod(shape) * dtype.itemsize
    left = size - fp.tell()
    if nbytes != left:
        raise bad(f"shape {list(shape)} of {dtype} is {nbytes} bytes, but {left} follow its header", key)
    values = np.frombuffer(fp.read(nbytes), dtype=dtype)
    if values.nbytes != nbytes:
        raise bad("its data ends early", key)
    return values.astype(np.float64).reshape(shape, order="F" if fortran_order else "C")
