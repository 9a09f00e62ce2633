/**
 * The payload of a Kinesis record a builder writes: exactly one of `json` (serialised with
 * `JSON.stringify`), `text` (UTF-8), `bytes`, or `base64` (put into `kinesis.data` verbatim — use it for
 * corrupt data).
 *
 * @example
 * ```ts
 * const payloads: KinesisPayload[] = [{ json: { orderId: 'o-1' } }, { text: 'hello' }, { bytes: Uint8Array.of(1, 2) }, { base64: 'AQI=' }];
 * ```
 */
export type KinesisPayload =
  | { readonly json: unknown }
  | { readonly text: string }
  | { readonly bytes: Uint8Array }
  | { readonly base64: string };

/**
 * The bytes of a payload (`base64` decoded leniently, as given). A `Buffer` at run time; typed as
 * `Uint8Array` so that declarations need no `@types/node`.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(payloadBytes({ json: { a: 1 } })); // '{"a":1}'
 * ```
 */
export function payloadBytes(payload: KinesisPayload): Uint8Array {
  if ('json' in payload) return Buffer.from(JSON.stringify(payload.json) ?? 'null', 'utf8');
  if ('text' in payload) return Buffer.from(payload.text, 'utf8');
  if ('bytes' in payload) return Buffer.from(payload.bytes);
  return Buffer.from(payload.base64, 'base64');
}

/**
 * The `kinesis.data` string of a payload: base64 of its bytes, or the `base64` input verbatim.
 *
 * @example
 * ```ts
 * payloadToBase64({ text: 'Hello, this is a test.' }); // 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg=='
 * ```
 */
export function payloadToBase64(payload: KinesisPayload): string {
  if ('base64' in payload) return payload.base64;
  return toBase64(payloadBytes(payload));
}

/**
 * Whether a value is a payload input (rather than a Lambda record already built).
 *
 * @example
 * ```ts
 * isKinesisPayload({ text: 'a' }); // true
 * ```
 */
export function isKinesisPayload(value: object): value is KinesisPayload {
  return 'json' in value || 'text' in value || 'bytes' in value || 'base64' in value;
}

/**
 * Base64 text of bytes (standard alphabet, padded), as Lambda events carry binary data.
 *
 * @example
 * ```ts
 * toBase64(Uint8Array.of(1)); // 'AQ=='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
