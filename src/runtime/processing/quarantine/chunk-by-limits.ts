/** Limits one service request must respect. */
export interface ChunkLimits {
  /** Most items in one request. */
  readonly maxItems: number;
  /** Most bytes (as measured by `sizeOf`) in one request. */
  readonly maxBytes: number;
}

/**
 * Splits items, in order, into consecutive chunks that hold at most `maxItems` items and at most
 * `maxBytes` bytes each. An item larger than `maxBytes` on its own gets a chunk of its own (callers
 * reject such items before chunking).
 *
 * @example
 * ```ts
 * chunkByLimits([1, 2, 3], { maxItems: 2, maxBytes: Infinity }, () => 1); // [[1, 2], [3]]
 * ```
 */
export function chunkByLimits<T>(items: readonly T[], limits: ChunkLimits, sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= limits.maxItems || currentBytes + size > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
