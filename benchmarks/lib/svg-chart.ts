/** One line of a chart. Points with a non-finite or (on a log axis) non-positive value are skipped. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Dashed line: a reference such as a ceiling or a target. */
  readonly dashed?: boolean;
}

/** What {@link renderLineChart} draws. */
export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Tick values of the x axis (default: derived from the data). */
  readonly xTicks?: readonly number[];
  /** A line of small print under the title (what the figures include). */
  readonly subtitle?: string;
  readonly width?: number;
  readonly height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const MARGIN = { top: 58, right: 290, bottom: 56, left: 78 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Compact number for tick labels: integers below 10 000 as they are, then k and M.
 *
 * @example
 * ```ts
 * [1769, 20_000, 1_500_000, 0.25].map(formatTick); // ['1769', '20k', '1.5M', '0.25']
 * ```
 */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  const trim = (n: number) => String(Number(n.toPrecision(3)));
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4 || (abs >= 1e3 && !Number.isInteger(value))) return `${trim(value / 1e3)}k`;
  if (Number.isInteger(value)) return String(value);
  if (abs >= 1 || abs === 0) return trim(value);
  return String(Number(value.toPrecision(2)));
}

function niceLinearTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(max) - Math.log10(min);
  const mantissas = decades > 3 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

interface Axis {
  readonly toPixel: (value: number) => number;
  readonly ticks: readonly number[];
}

function axis(values: number[], log: boolean, from: number, to: number, explicit?: readonly number[]): Axis {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (log) {
    // Pad to the next quarter decade on each side.
    min = 10 ** (Math.floor(Math.log10(min) * 4) / 4);
    max = 10 ** (Math.ceil(Math.log10(max) * 4) / 4);
    if (explicit) {
      min = Math.min(min, ...explicit);
      max = Math.max(max, ...explicit);
    }
    const lmin = Math.log10(min);
    const span = Math.log10(max) - lmin || 1;
    return {
      toPixel: (v) => from + ((Math.log10(v) - lmin) / span) * (to - from),
      ticks: explicit ?? logTicks(min, max),
    };
  }
  min = Math.min(0, min);
  const ticks = explicit ?? niceLinearTicks(min, max === min ? min + 1 : max);
  max = Math.max(max, ...ticks);
  const span = max - min || 1;
  return { toPixel: (v) => from + ((v - min) / span) * (to - from), ticks };
}

/**
 * Renders a self-contained SVG line chart (no scripts, no external fonts or styles): axes with ticks
 * (linear or log10), one coloured line with point markers per series (hover titles show the values),
 * a legend on the right, a title and an optional subtitle.
 *
 * @example
 * ```ts
 * const svg = renderLineChart({
 *   title: 'Throughput vs batch size', xLabel: 'batch size', yLabel: 'records/s', logX: true,
 *   series: [{ name: 'shardflow', points: [{ x: 1, y: 900 }, { x: 100, y: 40_000 }] }],
 * });
 * await writeFile('throughput.svg', svg);
 * ```
 */
export function renderLineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 920;
  const height = spec.height ?? 440;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const usable = (p: { x: number; y: number }) =>
    Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.logX || p.x > 0) && (!spec.logY || p.y > 0);
  const series = spec.series.map((s) => ({ ...s, points: s.points.filter(usable) }));
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${plot.left}" y="24" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  if (spec.subtitle) out.push(`<text x="${plot.left}" y="42" fill="#555">${escapeXml(spec.subtitle)}</text>`);
  if (xs.length === 0 || ys.length === 0) {
    out.push(`<text x="${plot.left}" y="${(plot.top + plot.bottom) / 2}">no data</text>`, '</svg>');
    return out.join('\n');
  }
  const x = axis(xs, spec.logX ?? false, plot.left, plot.right, spec.xTicks);
  const y = axis(ys, spec.logY ?? false, plot.bottom, plot.top);
  const px = (v: number) => x.toPixel(v).toFixed(1);
  const py = (v: number) => y.toPixel(v).toFixed(1);

  out.push(`<g stroke="#e5e5e5">`);
  for (const t of y.ticks) out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${py(t)}" y2="${py(t)}"/>`);
  for (const t of x.ticks) out.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${plot.top}" y2="${plot.bottom}"/>`);
  out.push('</g>');
  out.push(
    `<g stroke="#333"><line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/><line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}"/></g>`,
  );
  out.push('<g fill="#333">');
  for (const t of y.ticks)
    out.push(
      `<text x="${plot.left - 6}" y="${py(t)}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  for (const t of x.ticks)
    out.push(`<text x="${px(t)}" y="${plot.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  out.push('</g>');
  out.push(
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}${spec.logX ? ' (log)' : ''}</text>`,
    `<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}${spec.logY ? ' (log)' : ''}</text>`,
  );

  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const points = [...s.points].sort((a, b) => a.x - b.x);
    if (points.length > 1) {
      const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.x)},${py(p.y)}`).join(' ');
      out.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const p of points) {
      out.push(
        `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3.5" fill="${colour}"><title>${escapeXml(s.name)}: x=${formatTick(p.x)}, y=${formatTick(p.y)}</title></circle>`,
      );
    }
    const ly = plot.top + 8 + i * 20;
    out.push(
      `<line x1="${plot.right + 16}" x2="${plot.right + 40}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${plot.right + 46}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
