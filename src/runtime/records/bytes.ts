/**
 * The Node `Buffer` over bytes shardflow hands out as `Uint8Array`. The bytes it decodes are Buffers already
 * (returned as they are); any other `Uint8Array` is wrapped without copying. Public types say `Uint8Array`
 * (which a Buffer is) so that shardflow's declarations need no `@types/node`.
 *
 * @example
 * ```ts
 * asBuffer(record.data).toString('hex');
 * ```
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
