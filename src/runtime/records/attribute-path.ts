/** Longest attribute name written out in full in a path; longer names are cut (they come from the record). */
const MAX_NAME_LENGTH = 64;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Writes a path into an attribute map in the notation of redaction paths: `.name` for identifier-like
 * names, `["x-api-key"]` for others (cut after 64 characters), `[2]` for list and set positions.
 *
 * @example
 * ```ts
 * attributePath('NewImage', ['items', 2, 'unit-price']); // 'NewImage.items[2]["unit-price"]'
 * ```
 */
export function attributePath(root: string, segments: readonly (string | number)[]): string {
  let path = root;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= MAX_NAME_LENGTH) path += `.${segment}`;
    else {
      const name = segment.length > MAX_NAME_LENGTH ? `${segment.slice(0, MAX_NAME_LENGTH)}…` : segment;
      path += `[${JSON.stringify(name)}]`;
    }
  }
  return path;
}
