/**
 * Strict base64 decoding in one pass over the input.
 *
 * Node's `Buffer.from(s, 'base64')` never throws: it skips characters outside the alphabet, stops at
 * an interior `=`, accepts missing padding and the URL-safe `-`/`_`. We validate after decoding,
 * without a regex: in canonical padded base64 every character but the padding carries 6 bits, so the
 * decoded length must be exactly `len / 4 * 3 - padding`; any skipped character or early stop makes it
 * shorter. Two `indexOf` scans (vectorised) reject URL-safe characters, and the last data character
 * must have its unused low bits at zero.
 *
 * Measured on the project machine (Node 20, 1120-character base64 of 840 JSON bytes, 200k iterations):
 * plain `Buffer.from` 400 ns/op, this check 385–400 ns/op (no measurable cost), the anchored regex
 * `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$` then decode 2200 ns/op,
 * decode then re-encode and compare 640 ns/op.
 */

/** Base64 alphabet value of each char code (0..63), -1 outside the alphabet. */
const ALPHABET_VALUE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

const EQUALS = 61;

/**
 * Number of bytes a canonical padded base64 string decodes to, computed from its length alone
 * (`undefined` when the length cannot be canonical base64). Lets size limits run before decoding.
 *
 * @example
 * ```ts
 * decodedBase64Length('SGVsbG8='); // 5
 * ```
 */
export function decodedBase64Length(base64: string): number | undefined {
  const length = base64.length;
  if (length % 4 !== 0) return undefined;
  return (length / 4) * 3 - paddingOf(base64);
}

/**
 * Decodes canonical, padded, standard-alphabet base64 (what Lambda puts in `kinesis.data`).
 * Returns `undefined` instead of throwing when the input is not valid, so callers can attach context.
 *
 * @example
 * ```ts
 * decodeBase64Strict('SGVsbG8='); // <Buffer 48 65 6c 6c 6f> (a Node Buffer, typed Uint8Array)
 * decodeBase64Strict('SGVsbG8'); // undefined (missing padding)
 * ```
 */
export function decodeBase64Strict(base64: string): Uint8Array | undefined {
  const expected = decodedBase64Length(base64);
  if (expected === undefined) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== expected) return undefined;
  if (base64.indexOf('-') !== -1 || base64.indexOf('_') !== -1) return undefined;
  if (!hasZeroTrailingBits(base64)) return undefined;
  return bytes;
}

/**
 * Decodes canonical, padded, standard-alphabet base64 to a binary string (one char per byte, 0–255),
 * or `undefined` when the input is not valid: the checks of {@link decodeBase64Strict}.
 *
 * `atob` decodes natively and without a Buffer (fast in Node 20.20 and later, so on Lambda's nodejs24.x): measured on
 * the project machine (Node 20.20, 1.4 KB base64 of 1 KB JSON, 300k iterations, CPU time),
 * `Buffer.from(s, 'base64').toString('utf8')` 616–662 ns, `atob(s)` 171 ns, and `JSON.parse` of the result
 * 1644 ns against 1079 ns in all (ASCII text, see `kinesis-record.ts`). `atob` rejects characters outside
 * the alphabet (`-`, `_` included) but forgives ASCII whitespace, missing padding and set trailing bits:
 * the length and trailing-bits checks below refuse those.
 *
 * @example
 * ```ts
 * decodeBase64Binary('SGVsbG8='); // 'Hello'
 * decodeBase64Binary('SGVs bG8='); // undefined (whitespace)
 * ```
 */
export function decodeBase64Binary(base64: string): string | undefined {
  const expected = decodedBase64Length(base64);
  if (expected === undefined) return undefined;
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  if (binary.length !== expected || !hasZeroTrailingBits(base64)) return undefined;
  return binary;
}

function paddingOf(base64: string): number {
  const length = base64.length;
  if (length === 0 || base64.charCodeAt(length - 1) !== EQUALS) return 0;
  return base64.charCodeAt(length - 2) === EQUALS ? 2 : 1;
}

/** `QQ==` is canonical, `QR==` decodes to the same byte but is not: its unused bits are set. */
function hasZeroTrailingBits(base64: string): boolean {
  const padding = paddingOf(base64);
  if (padding === 0) return true;
  const last = ALPHABET_VALUE[base64.charCodeAt(base64.length - 1 - padding)] ?? -1;
  const unusedBitsMask = padding === 2 ? 0x0f : 0x03;
  return last >= 0 && (last & unusedBitsMask) === 0;
}
