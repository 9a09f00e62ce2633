/**
 * A GitHub-flavoured markdown table. Cells are converted with `String`; `|` is escaped.
 *
 * @example
 * ```ts
 * markdownTable(['batch', 'records/s'], [[100, '41.2k']]);
 * // | batch | records/s |\n| ---: | ---: |\n| 100 | 41.2k |
 * ```
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown) => String(value ?? '').replaceAll('|', '\\|');
  const align = headers.map((_, i) => (rows.every((row) => typeof row[i] === 'number') ? '---:' : '---'));
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${headers.map((_, i) => cell(row[i])).join(' | ')} |`),
  ].join('\n');
}

/**
 * Rounds to `digits` significant digits (for tables and JSON).
 *
 * @example
 * ```ts
 * round(123_456, 3); // 123000
 * ```
 */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/**
 * A records/s figure for tables.
 *
 * @example
 * ```ts
 * formatRate(1_234_567); // '1.23M'
 * ```
 */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1e6) return `${round(value / 1e6)}M`;
  if (value >= 1e3) return `${round(value / 1e3)}k`;
  return String(round(value));
}

/**
 * A ratio for tables (`–` when there is none).
 *
 * @example
 * ```ts
 * formatRatio(1.5234); // '1.52×'
 * ```
 */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${round(value, 3)}×`;
}
