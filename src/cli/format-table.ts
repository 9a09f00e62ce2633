/**
 * Formats rows as a plain-text table: a header line, a rule, then one line per row, columns padded to
 * their widest cell and separated by two spaces. Trailing spaces are trimmed, so the output greps well.
 *
 * @example
 * ```ts
 * formatTable(['fate', 'error'], [['processed', ''], ['quarantined', 'InvalidJsonError']]);
 * // fate         error
 * // -----------  ----------------
 * // processed
 * // quarantined  InvalidJsonError
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, column) => (cells[column] ?? '').padEnd(width))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
