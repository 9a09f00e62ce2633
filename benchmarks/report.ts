import type { ColdstartContenderReport, Spread } from './coldstart/run-coldstart.js';
import type { E2eMeasurement } from './e2e/run-e2e.js';
import { formatRate, formatRatio, markdownTable, round } from './lib/markdown.js';
import { type ChartSeries, renderLineChart } from './lib/svg-chart.js';
import type { MemoryReport } from './memory/run-memory.js';
import { CONTENDER_IDS, type ContenderId } from './micro/contenders.js';
import type { MicroRatio } from './micro/run-micro.js';
import type { BenchRun } from './suite.js';

/** A file of the report. */
export interface ReportFile {
  readonly name: string;
  readonly content: string;
}

const CONTENDER_NAMES: Record<ContenderId, string> = {
  shardflow: 'shardflow',
  'shardflow-info': 'shardflow, default info logger',
  'shardflow-previous': 'shardflow reading ctx.previous',
  'powertools-parser': 'Powertools + parser (innerSchema)',
  'powertools-schema': 'Powertools + parser (schema)',
  'powertools-plain': 'Powertools, no parser',
  'hand-loop': 'hand-written loop',
  'hand-loop-both': 'hand-written loop, both images',
};

const SOURCE_TITLES = { kinesis: 'Kinesis', dynamodb: 'DynamoDB Streams (MODIFY, both images)' } as const;

function spreadRatio(ratio: MicroRatio | undefined): string {
  return ratio === undefined
    ? '–'
    : `${formatRatio(ratio.median)} (${formatRatio(ratio.min)}–${formatRatio(ratio.max)})`;
}

function esmName(m: E2eMeasurement): string {
  if (m.kind === 'lean-loop') return 'lean loop (ceiling)';
  if (m.kind === 'esm-path-loop') return 'ESM-path loop (reference)';
  return `local ESM, window ${m.windowSeconds} s, PF ${m.parallelization}`;
}

/** `median (min–max)` of a spread, formatted by `format`. */
function withSpread(value: Spread | undefined, format: (n: number) => string): string {
  return value === undefined ? '–' : `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
}

function e2eSeries(results: readonly E2eMeasurement[], y: (m: E2eMeasurement) => number | undefined): ChartSeries[] {
  const names = [...new Set(results.map(esmName))];
  return names.map((name) => ({
    name,
    dashed: !name.startsWith('local ESM'),
    points: results
      .filter((m) => esmName(m) === name)
      .flatMap((m) => {
        const value = y(m);
        return value === undefined ? [] : [{ x: m.batchSize, y: value }];
      }),
  }));
}

/**
 * The charts of a run as self-contained SVG files: handler throughput per contender and source,
 * end-to-end throughput and p99 latency vs batch size, cost and duration vs memory size.
 *
 * @example
 * ```ts
 * for (const chart of renderCharts(run)) await writeFile(chart.name, chart.content);
 * ```
 */
export function renderCharts(run: BenchRun): ReportFile[] {
  const charts: ReportFile[] = [];
  if (run.micro) {
    for (const source of run.micro.settings.sources) {
      const rows = run.micro.results.filter((r) => r.source === source);
      charts.push({
        name: `micro-${source}.svg`,
        content: renderLineChart({
          title: `Handler throughput, ${SOURCE_TITLES[source]} (1 KB JSON, no-op processor)`,
          subtitle: `records/s per batch size, median of ${run.micro.settings.rounds} interleaved rounds, same process and run · ${run.id}`,
          xLabel: 'batch size',
          yLabel: 'records/s',
          logX: true,
          logY: true,
          xTicks: run.micro.settings.batchSizes,
          series: CONTENDER_IDS.filter((id) => rows.some((r) => r.contender === id)).map((id) => ({
            name: `${CONTENDER_NAMES[id]}${rows.some((r) => r.contender === id && !r.correct) ? ' ✗ fails records' : ''}`,
            dashed: id.startsWith('hand-loop'),
            points: rows.filter((r) => r.contender === id).map((r) => ({ x: r.batchSize, y: r.recordsPerSecond })),
          })),
        }),
      });
    }
  }
  if (run.e2e) {
    const results = run.e2e.results;
    const batchSizes = run.e2e.settings.batchSizes;
    charts.push({
      name: 'e2e-throughput.svg',
      content: renderLineChart({
        title: 'End to end on kinesalite: drain throughput vs batch size',
        subtitle: `${run.e2e.settings.shards} shards, backlog of ${run.e2e.settings.drainRecords} records, median of ${run.e2e.settings.drainRounds} interleaved rounds · ${run.id}`,
        xLabel: 'batch size',
        yLabel: 'records/s',
        logX: true,
        xTicks: batchSizes,
        series: e2eSeries(results, (m) => m.drainRecordsPerSecond?.median),
      }),
    });
    charts.push({
      name: 'e2e-p99.svg',
      content: renderLineChart({
        title: 'End to end on kinesalite: p99 put→processed latency vs batch size',
        subtitle: `${run.e2e.settings.offeredRate} records/s offered for ${run.e2e.settings.loadSeconds} s (first ${run.e2e.settings.loadWarmupSeconds} s left out), HDR histogram · ${run.id}`,
        xLabel: 'batch size',
        yLabel: 'p99 latency (ms)',
        logX: true,
        xTicks: batchSizes,
        series: e2eSeries(results, (m) => m.load?.latencyMs.p99),
      }),
    });
  }
  if (run.memory && run.memory.length > 0) {
    const label = (report: MemoryReport) =>
      `batch ${report.settings.batchSize}${report.mode === 'modelled' ? ' (modelled)' : ''}`;
    const sizes = run.memory[0]!.settings.memorySizes;
    // Which sweep a chart shows: the Node flags of its workers (e.g. --max-semi-space-size=16), in its title.
    const variants = [...new Set(run.memory.map((report) => memoryVariant(report)))].join('; ');
    charts.push({
      name: 'memory-cost.svg',
      content: renderLineChart({
        title: `Cost per million records vs Lambda memory size (${variants})`,
        subtitle: `us-east-1 on-demand prices (${run.memory[0]!.pricing.retrieved}), ${run.memory[0]!.mode} CPU share; arm64 (dashed) modelled from the x86 durations measured here · ${run.id}`,
        xLabel: 'memory (MB)',
        yLabel: 'USD per million records',
        logX: true,
        logY: true,
        xTicks: sizes,
        series: run.memory.flatMap((report) =>
          (['x86', 'arm64'] as const).map((architecture) => ({
            name: `${architecture === 'arm64' ? 'arm64 (modelled from x86 durations)' : 'x86'}, ${label(report)}`,
            dashed: architecture === 'arm64',
            points: report.points
              .filter((p) => p.error === undefined)
              .map((p) => ({ x: p.memoryMB, y: p.figures.costPerMillionRecords[architecture] })),
          })),
        ),
      }),
    });
    charts.push({
      name: 'memory-duration.svg',
      content: renderLineChart({
        title: `Batch duration vs Lambda memory size (${variants})`,
        subtitle: `mean per invocation, ${run.memory[0]!.mode === 'modelled' ? 'modelled' : 'cgroup-enforced'} (solid) vs modelled from CPU time (dashed) · ${run.id}`,
        xLabel: 'memory (MB)',
        yLabel: 'ms per batch',
        logX: true,
        logY: true,
        xTicks: sizes,
        series: run.memory.flatMap((report) => [
          {
            name: label(report),
            points: report.points
              .filter((p) => p.error === undefined)
              .map((p) => ({ x: p.memoryMB, y: p.figures.meanMs })),
          },
          {
            name: `batch ${report.settings.batchSize}, modelled`,
            dashed: true,
            points: report.points
              .filter((p) => p.error === undefined)
              .map((p) => ({ x: p.memoryMB, y: p.modelled.meanMs })),
          },
        ]),
      }),
    });
  }
  return charts;
}

/** A memory sweep's variant as a chart title says it: its workers' Node flags, or the defaults. */
function memoryVariant(report: MemoryReport): string {
  const flags = report.settings.nodeFlags ?? [];
  return flags.length === 0 ? 'default Node flags' : `NODE_OPTIONS=${flags.join(' ')}`;
}

function spreadCell(value: Spread, unit = ''): string {
  return `${value.median}${unit} (${value.p25}–${value.p75}, ${value.min}–${value.max})`;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function topOrigins(contender: ColdstartContenderReport, count: number): string {
  const entries = Object.entries(contender.bundle.staticOrigins);
  const shown = entries.slice(0, count).map(([origin, bytes]) => `${origin} ${kib(bytes)}`);
  return entries.length > count ? `${shown.join(', ')}, … (${entries.length - count} more)` : shown.join(', ');
}

function coldstartSection(run: BenchRun): string[] {
  const coldstart = run.coldstart;
  if (!coldstart) return [];
  const { settings, targets } = coldstart;
  return [
    '## Cold start (bundled handler, fresh process)',
    '',
    `${coldstart.includes} ${settings.rounds} rounds; first invocation: ${settings.batchSize} records of ${settings.orderBytes}-byte JSON orders, all valid. Targets: import ≤ ${targets.importRatio}× Powertools (median of the per-round ratios), zip ≤ ${targets.zipKiB} KiB, no \`@aws-sdk/client-*\` evaluated before a record needs it.`,
    '',
    markdownTable(
      [
        'handler',
        'import ms: median (p25–p75, min–max)',
        'import CPU ms',
        'first invoke ms',
        'zip KiB',
        'JS at import KiB',
        'JS in zip KiB',
        '@aws-sdk evaluated at import',
        'after first invoke',
      ],
      coldstart.contenders.map((c) => [
        `${c.id}${c.failures > 0 ? ` ✗ ${c.failures} failed` : ''}`,
        spreadCell(c.importMs),
        spreadCell(c.importCpuMs),
        spreadCell(c.firstInvokeMs),
        kib(c.bundle.zipBytes),
        kib(c.bundle.staticCodeBytes),
        kib(c.bundle.codeBytes),
        c.bundle.sdkEvaluated.atImport.join(', ') || 'none',
        c.bundle.sdkEvaluated.afterFirstInvoke.join(', ') || 'none',
      ]),
    ),
    '',
    markdownTable(
      ['÷ powertools, per round', 'import ratio', 'import CPU ratio', 'first-invoke ratio', 'targets'],
      coldstart.ratios.map((r) => [
        r.contender,
        spreadCell(r.importRatio, '×'),
        spreadCell(r.importCpuRatio, '×'),
        spreadCell(r.firstInvokeRatio, '×'),
        `${r.meetsImportTarget ? '✓' : '✗'} import, ${r.meetsZipTarget ? '✓' : '✗'} zip, ${r.noClientBeforeNeeded ? '✓' : '✗'} no client before needed`,
      ]),
    ),
    '',
    '### What the import evaluates: KiB per package in the chunks loaded at import',
    '',
    markdownTable(
      ['handler', 'packages (largest first)'],
      coldstart.contenders.map((c) => [c.id, topOrigins(c, 10)]),
    ),
    '',
    ...coldstart.contenders.map((c) => `- ${c.id}: ${c.label}.`),
    '',
  ];
}

function microSection(run: BenchRun): string[] {
  const micro = run.micro;
  if (!micro) return [];
  const { settings } = micro;
  const lines = [
    '## Handler overhead (micro)',
    '',
    `${micro.includes} Harness: ${settings.harness}; ${settings.rounds} round(s), ${settings.sliceMs} ms per contender and round after ${settings.warmupMs} ms of warm-up; ${settings.payloadBytes}-byte JSON payloads. 1-minute load average ${micro.loadAverage.min}–${micro.loadAverage.max} while it ran.`,
    '',
  ];
  for (const source of settings.sources) {
    const rows = micro.results.filter((r) => r.source === source);
    const ids = CONTENDER_IDS.filter((id) => rows.some((r) => r.contender === id));
    lines.push(`### ${SOURCE_TITLES[source]}: records/s (µs/record), lowest–highest round`, '');
    lines.push(`Event: ${settings.events[source]}.`, '');
    lines.push(
      markdownTable(
        ['batch', ...ids.map((id) => CONTENDER_NAMES[id])],
        settings.batchSizes.map((batchSize) => [
          batchSize,
          ...ids.map((id) => {
            const r = rows.find((row) => row.batchSize === batchSize && row.contender === id);
            if (!r) return '–';
            const flag = r.correct ? '' : ` ✗ ${r.failuresReported} failed`;
            const spread =
              r.roundsRecordsPerSecond.filter((v) => v !== null).length > 1
                ? ` ${formatRate(r.spread.min)}–${formatRate(r.spread.max)}`
                : ' (1 round)';
            return `${formatRate(r.recordsPerSecond)} (${round(r.microsPerRecord, 3)} µs)${spread}${flag}`;
          }),
        ]),
      ),
      '',
    );
    lines.push(`![records/s vs batch size](micro-${source}.svg)`, '');
  }
  const pairs = [...new Set(micro.ratios.map((r) => `${r.subject} ÷ ${r.peer}`))];
  lines.push(
    '### Ratios, paired by round: median (lowest–highest round)',
    '',
    markdownTable(
      [
        'source',
        'batch',
        ...pairs.map((pair) => pair.replace(/[a-z-]+/g, (id) => CONTENDER_NAMES[id as ContenderId] ?? id)),
      ],
      settings.sources.flatMap((source) =>
        settings.batchSizes.map((batchSize) => [
          source,
          batchSize,
          ...pairs.map((pair) =>
            spreadRatio(
              micro.ratios.find(
                (r) => r.source === source && r.batchSize === batchSize && `${r.subject} ÷ ${r.peer}` === pair,
              ),
            ),
          ),
        ]),
      ),
    ),
    '',
    '### Targets',
    '',
    markdownTable(
      ['target', 'batch', 'paired ratio', 'needed', 'met'],
      micro.checks.map((check) => [
        check.description,
        check.batchSize,
        spreadRatio(check.ratio),
        `≥ ${check.atLeast}×`,
        check.met ? '✓' : '✗',
      ]),
    ),
    '',
  );
  const incorrect = micro.results.filter((r) => !r.correct);
  if (incorrect.length > 0) {
    const ids = [...new Set(incorrect.map((r) => `${r.contender} on ${r.source}`))];
    lines.push(
      `✗ marks a contender that reported failures for an all-valid batch (${ids.join(', ')}): its speed is shown but it does not do the job.`,
      '',
    );
  }
  return lines;
}

function profileSection(run: BenchRun): string[] {
  if (!run.profiles || run.profiles.length === 0) return [];
  const lines = ['## Where shardflow spends its time (V8 sampling profile)', ''];
  for (const profile of run.profiles) {
    lines.push(
      `### ${profile.source}, batch ${profile.batchSize}${profile.variant?.logger === 'info' ? ', default info logger' : ''}${profile.variant?.readsPrevious ? ', reading ctx.previous' : ''} (${formatRate(profile.recordsPerSecond)} records/s while profiled)`,
      '',
      markdownTable(
        ['self time', 'function', 'where'],
        profile.self.slice(0, 12).map((e) => [`${e.percent}%`, e.function, e.location]),
      ),
      '',
      markdownTable(
        ['inclusive', 'function in src/', 'file'],
        profile.inclusiveSrc.slice(0, 12).map((e) => [`${e.percent}%`, e.function, e.location]),
      ),
      '',
    );
  }
  return lines;
}

function e2eSection(run: BenchRun): string[] {
  const e2e = run.e2e;
  if (!e2e) return [];
  const s = e2e.settings;
  return [
    '## End to end (local ESM on kinesalite)',
    '',
    `${e2e.includes} Polling: ${s.polling.activeMs} ms between reads while records flow, ${s.polling.idleMs} ms after an empty read (Lambda's Kinesis cadence). ${s.shards} shards, a backlog of ${s.drainRecords} records per drain, ${s.drainRounds} interleaved rounds (order rotating, after one unrecorded warm-up drain each): drain records/s is the median (min–max) over rounds, the ratio to the lean loop is paired by round (median, min–max). Latency: ${s.offeredRate} records/s offered for ${s.loadSeconds} s in the last round, records put in the first ${s.loadWarmupSeconds} s left out. Targets (window 0): local ESM ≥ ${e2e.targets.vsCeiling}× the lean loop; p99 ≤ ${e2e.targets.p99Ms} ms.`,
    '',
    markdownTable(
      [
        'poller',
        'batch',
        'drain records/s',
        'vs lean loop',
        'drain invocations',
        'load invocations',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'p99 target',
        'p99 incl. onset',
      ],
      e2e.results.map((m) => [
        esmName(m),
        m.batchSize,
        m.drainRecordsPerSecond ? withSpread(m.drainRecordsPerSecond, formatRate) : (m.error ?? '–'),
        m.ratioToCeiling === undefined
          ? '–'
          : `${withSpread(m.ratioToCeiling, formatRatio)}${m.meetsCeilingTarget === undefined ? '' : m.meetsCeilingTarget ? ' ✓' : ' ✗'}`,
        m.drain?.invocations ?? '–',
        m.load?.invocations ?? '–',
        m.load?.latencyMs.p50 ?? '–',
        m.load?.latencyMs.p90 ?? '–',
        m.load?.latencyMs.p99 ?? '–',
        m.load?.latencyMs.max ?? '–',
        m.load?.p99TargetMs === undefined ? '–' : `${m.load.meetsLatencyTarget ? '✓' : '✗'} ≤ ${m.load.p99TargetMs}`,
        m.load?.latencyWithOnsetMs.p99 ?? '–',
      ]),
    ),
    '',
    '![throughput vs batch size](e2e-throughput.svg)',
    '',
    '![p99 latency vs batch size](e2e-p99.svg)',
    '',
  ];
}

function memorySection(run: BenchRun): string[] {
  if (!run.memory || run.memory.length === 0) return [];
  const first = run.memory[0]!;
  const lines = [
    '## Memory sweep',
    '',
    `CPU share: **${first.mode}** (${first.modeDetail}). Worker: ${first.workerEntry}. ${first.includes} Prices: ${first.pricing.region}, x86 $${first.pricing.perGbSecond.x86}/GB-s, arm64 $${first.pricing.perGbSecond.arm64}/GB-s, $${first.pricing.perRequest * 1e6} per million requests (${first.pricing.source}, retrieved ${first.pricing.retrieved}).`,
    '',
  ];
  for (const report of run.memory) {
    const modelledNote = report.mode === 'modelled' ? ' — every figure **modelled** from CPU time × 1769/memory' : '';
    const flags = report.settings.nodeFlags?.length
      ? ` — workers run with \`${report.settings.nodeFlags.join(' ')}\``
      : '';
    lines.push(`### Batch of ${report.settings.batchSize} records${modelledNote}${flags}`, '');
    lines.push(
      markdownTable(
        [
          'memory MB',
          'vCPU share',
          'basis',
          'mean ms',
          'p99 ms',
          'billed ms',
          'records/s',
          '$/M records x86',
          '$/M records arm64',
          'modelled mean ms',
          'CPU ms/batch (limited)',
          'throttled periods',
          'peak MB',
        ],
        report.points.map((p) =>
          p.error !== undefined
            ? [p.memoryMB, p.vcpuShare, p.basis, `error: ${p.error}`]
            : [
                p.memoryMB,
                p.vcpuShare,
                p.basis,
                p.figures.meanMs,
                p.figures.p99Ms,
                p.figures.billedMeanMs,
                formatRate(p.figures.recordsPerSecond),
                p.figures.costPerMillionRecords.x86,
                p.figures.costPerMillionRecords.arm64,
                p.modelled.meanMs,
                p.limitedCpuMsPerBatch ?? p.cpuMsPerBatch,
                p.throttling ? `${p.throttling.throttledPeriods}/${p.throttling.periods}` : '–',
                p.peakMemoryMB ?? '–',
              ],
        ),
      ),
      '',
      `Cost-optimal: **${report.costOptimalMB.x86} MB** (x86), **${report.costOptimalMB.arm64} MB** (arm64). Speed-optimal: **${report.speedOptimalMB} MB**.`,
      '',
    );
  }
  lines.push('![cost vs memory](memory-cost.svg)', '', '![duration vs memory](memory-duration.svg)', '');
  return lines;
}

function cloudSection(run: BenchRun): string[] {
  const cloud = run.cloud;
  if (!cloud) return [];
  return [
    `## Cloud mode (${cloud.target}), stage \`${cloud.deployment.stage}\``,
    '',
    `${cloud.includes} ${cloud.rate} records/s offered per function for ${cloud.durationSeconds} s. Stage ${cloud.removed ? 'removed' : 'kept'}${cloud.removeError ? ` (removal failed: ${cloud.removeError})` : ''}.`,
    '',
    markdownTable(
      [
        'memory MB',
        'records',
        'invocations',
        'records/invocation',
        'duration p50 ms',
        'duration p99 ms',
        'iterator age max ms',
        'latency p50 ms',
        'latency p99 ms',
        '$/M x86',
        '$/M arm64',
      ],
      cloud.functions.map((f) => [
        f.memoryMB,
        f.records,
        f.invocations,
        f.recordsPerInvocation,
        f.durationMs.p50,
        f.durationMs.p99,
        f.iteratorAgeMs.max,
        f.latencyMs.p50,
        f.latencyMs.p99,
        f.costPerMillionRecords.x86,
        f.costPerMillionRecords.arm64,
      ]),
    ),
    '',
  ];
}

/**
 * The headline figures of a run: cold start and zip size vs Powertools, shardflow vs the hand loop and
 * Powertools at batch 100 per source (ratios paired by round, with their spread), the logger's cost at batch
 * 10, how many handler targets were met, the local ESM vs the ceiling (batch 100, window 0, PF 1) and the
 * cost-optimal memory size.
 *
 * @example
 * ```ts
 * headline(run); // ['shardflow vs the hand-written loop (kinesis, batch 100): 0.93× (0.9×–0.95×); …', …]
 * ```
 */
export function headline(run: BenchRun): string[] {
  const lines: string[] = [];
  const powertools = run.coldstart?.contenders.find((c) => c.id === 'powertools');
  for (const coldRatio of run.coldstart?.ratios ?? []) {
    const contender = run.coldstart!.contenders.find((c) => c.id === coldRatio.contender)!;
    lines.push(
      `cold start, ${coldRatio.contender} vs Powertools: import ${contender.importMs.median} ms vs ${powertools?.importMs.median} ms (${formatRatio(coldRatio.importRatio.median)} per round, median; CPU time ${formatRatio(coldRatio.importCpuRatio.median)}), zip ${kib(contender.bundle.zipBytes)} KiB vs ${powertools ? kib(powertools.bundle.zipBytes) : '–'} KiB`,
    );
  }
  const micro = run.micro;
  const ratio = (source: string, batchSize: number, subject: ContenderId, peer: ContenderId) =>
    micro?.ratios.find(
      (r) => r.source === source && r.batchSize === batchSize && r.subject === subject && r.peer === peer,
    );
  for (const source of micro?.settings.sources ?? []) {
    if (ratio(source, 100, 'shardflow', 'hand-loop') === undefined) continue;
    const previous = ratio(source, 100, 'shardflow-previous', 'hand-loop-both');
    const logger = ratio(source, 10, 'shardflow-info', 'shardflow');
    lines.push(
      `shardflow vs the hand-written loop (${source}, batch 100): ${spreadRatio(ratio(source, 100, 'shardflow', 'hand-loop'))}; vs Powertools without parser: ${spreadRatio(ratio(source, 100, 'shardflow', 'powertools-plain'))}; vs Powertools with parser: ${spreadRatio(ratio(source, 100, 'shardflow', 'powertools-parser'))}` +
        (previous ? `; reading ctx.previous vs the both-images loop: ${spreadRatio(previous)}` : '') +
        (logger ? `; default info logger vs silent (batch 10): ${spreadRatio(logger)}` : ''),
    );
  }
  if (micro && micro.checks.length > 0) {
    const missed = micro.checks.filter((c) => !c.met);
    lines.push(
      `handler targets: ${micro.checks.length - missed.length} of ${micro.checks.length} met` +
        (missed.length > 0
          ? ` (missed: ${missed.map((c) => `${c.target} at batch ${c.batchSize}: ${formatRatio(c.ratio?.median)} < ${c.atLeast}×`).join('; ')})`
          : ''),
    );
  }
  const esm = run.e2e?.results.find(
    (m) => m.kind === 'local-esm' && m.batchSize === 100 && m.windowSeconds === 0 && m.parallelization === 1,
  );
  if (esm?.ratioToCeiling !== undefined) {
    const lean = run.e2e?.results.find((m) => m.kind === 'lean-loop' && m.batchSize === 100);
    lines.push(
      `local ESM vs the lean GetRecords loop (batch 100, window 0, PF 1): ${withSpread(esm.ratioToCeiling, formatRatio)}${esm.meetsCeilingTarget ? ' ✓' : ' ✗'} (${withSpread(esm.drainRecordsPerSecond, formatRate)} vs ${withSpread(lean?.drainRecordsPerSecond, formatRate)} records/s; p99 ${esm.load?.latencyMs.p99} ms at ${esm.load?.offeredRate} records/s${esm.load?.meetsLatencyTarget === undefined ? '' : esm.load.meetsLatencyTarget ? ' ✓' : ' ✗'})`,
    );
  }
  for (const report of run.memory ?? []) {
    const flags = report.settings.nodeFlags?.length ? `, ${report.settings.nodeFlags.join(' ')}` : '';
    lines.push(
      `cost-optimal memory for batches of ${report.settings.batchSize} (${report.mode}${flags}): ${report.costOptimalMB.arm64} MB arm64, ${report.costOptimalMB.x86} MB x86; fastest: ${report.speedOptimalMB} MB`,
    );
  }
  return lines;
}

/**
 * The markdown summary of a run: machine, headline, one section per suite with tables and charts.
 *
 * @example
 * ```ts
 * await writeFile('summary.md', renderSummary(run, ['micro-kinesis.svg']));
 * ```
 */
export function renderSummary(run: BenchRun, _charts: readonly string[]): string {
  const m = run.machine;
  const lines = [
    `# shardflow benchmarks — ${run.id}`,
    '',
    `Command: \`${run.command}\` · ${run.startedAt} → ${run.finishedAt} (${run.durationSeconds} s)`,
    '',
    markdownTable(
      ['CPU', 'cores', 'memory', 'Node', 'kernel', 'cgroup mode', 'load avg start', 'load avg end'],
      [
        [
          m.cpuModel,
          m.cores,
          `${m.memoryMB} MB`,
          m.node,
          m.kernel,
          m.cgroupMode,
          m.loadAverageAtStart.join(' / '),
          run.loadAverageAtEnd.join(' / '),
        ],
      ],
    ),
    '',
    `> ${m.note}`,
    '',
  ];
  const top = headline(run);
  if (top.length > 0) lines.push('## Headline', '', ...top.map((line) => `- ${line}`), '');
  lines.push(
    ...coldstartSection(run),
    ...microSection(run),
    ...profileSection(run),
    ...e2eSection(run),
    ...memorySection(run),
    ...cloudSection(run),
  );
  return `${lines.join('\n')}\n`;
}
