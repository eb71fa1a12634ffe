// The packed wire form of /api/trace (docs/api.md §Packed), decoded into the very object
// JSON.parse gives for the JSON answer: nested arrays of numbers, every float64 to the last bit.
// Pure: no DOM, no fetch. A server that only speaks JSON answers with Content-Type
// application/json; `isPacked` tells which form came back.
//
// Layout: bytes 0-3 "UNR1"; bytes 4-7 n, uint32 little-endian; n bytes of UTF-8 JSON (the head,
// each float64 array written {"$f64": [offset, ...shape]}, padded with spaces so that 8 + n is a
// multiple of 8); then the float64 values, little-endian, row-major, `offset` counting values.

export const PACKED_TYPE = "application/vnd.unroll.packed";
/** The Accept header that asks for the packed form and still takes JSON. */
export const ACCEPT_PACKED = `${PACKED_TYPE}, application/json;q=0.5`;

const MAGIC = [0x55, 0x4e, 0x52, 0x31]; // "UNR1"
const REF = "$f64";
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Is a response's Content-Type the packed form? */
export function isPacked(contentType) {
  return String(contentType ?? "").split(";")[0].trim().toLowerCase() === PACKED_TYPE;
}

/** The float64 values from byte `start` on, as a Float64Array (a view when it can be one). */
function valuesFrom(bytes, start) {
  const count = (bytes.byteLength - start) / 8;
  if (!Number.isInteger(count)) throw new Error("packed trace: the values do not fill whole float64s");
  const at = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && at % 8 === 0) return new Float64Array(bytes.buffer, at, count);
  if (LITTLE_ENDIAN) return new Float64Array(bytes.slice(start).buffer);
  const view = new DataView(bytes.buffer, at, count * 8);
  return Float64Array.from({ length: count }, (_, k) => view.getFloat64(8 * k, true));
}

/** values[offset…] in `shape`, as nested arrays of numbers. */
function nested(values, offset, shape) {
  if (shape.length === 0) return values[offset];
  if (shape.length === 1) return Array.from(values.subarray(offset, offset + shape[0]));
  const inner = shape.slice(1);
  const stride = inner.reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, k) => nested(values, offset + k * stride, inner));
}

/** Every {"$f64": [offset, ...shape]} in the head replaced, in place, by its values. */
function expand(value, values) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) value[k] = expand(value[k], values);
    return value;
  }
  const ref = value[REF];
  if (Array.isArray(ref) && Object.keys(value).length === 1) {
    const [offset, ...shape] = ref;
    return nested(values, offset, shape);
  }
  for (const key of Object.keys(value)) value[key] = expand(value[key], values);
  return value;
}

/**
 * A packed answer (ArrayBuffer or Uint8Array) -> the object JSON.parse gives for the same
 * request's JSON answer. Throws an Error when the bytes are not the packed form.
 */
export function decodeTrace(body) {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  if (bytes.byteLength < 8 || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new Error("not a packed trace (it does not start with UNR1)");
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  if (8 + n > bytes.byteLength) throw new Error("packed trace: the head is cut short");
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return expand(head, valuesFrom(bytes, 8 + n));
}
