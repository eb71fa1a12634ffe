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

/** values[offset…] in the shape shape[axis…], as nested arrays of numbers. Plain loops: a page's
 * first trace is read before the JIT has warmed up, where Array.from and iterators cost most. */
function nested(values, offset, shape, axis = 0) {
  if (axis === shape.length) return values[offset];
  const length = shape[axis];
  const out = [];
  if (axis === shape.length - 1) {
    for (let k = 0; k < length; k++) out.push(values[offset + k]);
    return out;
  }
  let stride = 1;
  for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
  for (let k = 0; k < length; k++) out.push(nested(values, offset + k * stride, shape, axis + 1));
  return out;
}

/** Is this head object a reference {"$f64": [offset, ...shape]} (its only key)? */
function isRef(value) {
  if (!Array.isArray(value[REF])) return false;
  for (const key in value) if (key !== REF) return false;
  return true;
}

/** Every {"$f64": [offset, ...shape]} in the head replaced, in place, by its values. */
function expand(value, values) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) value[k] = expand(value[k], values);
    return value;
  }
  if (isRef(value)) {
    const ref = value[REF]; // [offset, ...shape]
    return nested(values, ref[0], ref, 1);
  }
  for (const key in value) value[key] = expand(value[key], values);
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
