import type { AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue } from '../../../runtime/records/lambda-events.js';

/**
 * Converts an attribute map as the DynamoDB Streams SDK returns it into the JSON form of a Lambda
 * event: binary values (`B`, `BS`, also nested in `L`/`M`) become base64 text, as they are on the wire;
 * everything else is copied as is. A map without binaries is returned unchanged (no copy).
 *
 * @example
 * ```ts
 * toLambdaImage({ id: { S: 'o-1' }, blob: { B: Uint8Array.of(1, 2) } });
 * // { id: { S: 'o-1' }, blob: { B: 'AQI=' } }
 * ```
 */
export function toLambdaImage(image: Record<string, StreamsAttributeValue>): Record<string, LambdaAttributeValue> {
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(image)) {
    const value = image[name];
    const converted = toLambdaValue(value);
    if (converted !== value) {
      copy ??= { ...image };
      copy[name] = converted;
    }
  }
  return (copy ?? image) as Record<string, LambdaAttributeValue>;
}

function toLambdaValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const attribute = value as { B?: unknown; BS?: unknown; L?: unknown; M?: unknown };
  if (attribute.B instanceof Uint8Array) return { B: toBase64(attribute.B) };
  if (Array.isArray(attribute.BS)) return { BS: attribute.BS.map((item) => toBase64(item as Uint8Array)) };
  if (Array.isArray(attribute.L)) {
    const list = attribute.L;
    let copy: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const converted = toLambdaValue(list[i]);
      if (converted !== list[i]) {
        copy ??= list.slice();
        copy[i] = converted;
      }
    }
    return copy === undefined ? value : { L: copy };
  }
  if (typeof attribute.M === 'object' && attribute.M !== null) {
    const map = attribute.M as Record<string, StreamsAttributeValue>;
    const converted = toLambdaImage(map);
    return converted === (map as unknown) ? value : { M: converted };
  }
  return value;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
