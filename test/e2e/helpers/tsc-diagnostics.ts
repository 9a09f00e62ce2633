/** One error tsc printed: `file(line,col): error TSxxxx: message`. */
export interface Diagnostic {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Errors in third-party declarations that no project without `@types/node` or the DOM lib escapes, whatever
 * it imports from shardflow: zod ≥ 4.5 names the global `URL` in `v4/core/schemas.d.(c)ts`. Tolerated only
 * where a test compiles without Node's types, and only these exactly.
 */
export const THIRD_PARTY_ERRORS_WITHOUT_NODE_TYPES: readonly { file: RegExp; code: string; message: string }[] = [
  { file: /^node_modules\/zod\//, code: 'TS2304', message: "Cannot find name 'URL'." },
];

/**
 * tsc's diagnostics in its output, continuation lines dropped.
 *
 * @example
 * ```ts
 * diagnostics("a.ts(1,2): error TS2304: Cannot find name 'x'."); // [{ file: 'a.ts', code: 'TS2304', … }]
 * ```
 */
export function diagnostics(output: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line) ?? /^()error (TS\d+): (.*)$/.exec(line);
    if (match !== null) found.push({ file: match[1]!, code: match[2]!, message: match[3]!.trim() });
  }
  return found;
}

/**
 * The diagnostics of a tsc run without Node's types that are not the known third-party ones.
 *
 * @example
 * ```ts
 * expect(unexpectedWithoutNodeTypes(output)).toEqual([]);
 * ```
 */
export function unexpectedWithoutNodeTypes(output: string): Diagnostic[] {
  return diagnostics(output).filter(
    (d) =>
      !THIRD_PARTY_ERRORS_WITHOUT_NODE_TYPES.some(
        (known) => known.file.test(d.file) && known.code === d.code && known.message === d.message,
      ),
  );
}
