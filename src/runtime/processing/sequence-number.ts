/**
 * Compares two stream sequence numbers (decimal strings of up to 128 bits, no leading zeros for
 * Kinesis; DynamoDB's are fixed width). Length first, then lexicographic: same order as BigInt
 * without allocating one per comparison.
 *
 * @example
 * ```ts
 * compareSequenceNumbers('99', '100'); // -1
 * ```
 */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripLeadingZeros(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 48) return s;
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}
