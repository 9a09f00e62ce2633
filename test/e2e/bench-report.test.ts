import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { originOf, staticOutputs } from '../../benchmarks/coldstart/bundle-handler.js';
import { ORDER_BYTES } from '../../benchmarks/coldstart/handlers/order.js';
import { orderPayload } from '../../benchmarks/coldstart/order-event.js';
import { spread } from '../../benchmarks/coldstart/run-coldstart.js';
import { benchPayload, dynamodbBenchEvent, kinesisBenchEvent, PAYLOAD_BYTES } from '../../benchmarks/lib/fixtures.js';
import { LatencyHistogram } from '../../benchmarks/lib/latency-histogram.js';
import { formatRate, markdownTable } from '../../benchmarks/lib/markdown.js';
import { costPerMillionRecords, LAMBDA_PRICING } from '../../benchmarks/lib/pricing.js';
import { formatTick, renderLineChart } from '../../benchmarks/lib/svg-chart.js';
import { modelDurations } from '../../benchmarks/memory/run-memory.js';
import { summarizeProfile } from '../../benchmarks/micro/profile.js';
import { checkTargets, MICRO_TARGETS, type MicroResult, microRatios } from '../../benchmarks/micro/run-micro.js';
import { DOCS_BLOCK, updateDocs } from '../../benchmarks/publish.js';
import type { BenchRun } from '../../benchmarks/suite.js';

describe('benchmark fixtures', () => {
  it('pads every payload to exactly 1 KB of JSON', () => {
    // Act
    const sizes = [0, 7, 99_999].map((i) => Buffer.byteLength(JSON.stringify(benchPayload(i))));
    // Assert
    expect(sizes).toEqual([PAYLOAD_BYTES, PAYLOAD_BYTES, PAYLOAD_BYTES]);
  });

  it('builds Lambda events in AWS shapes: base64 Kinesis data, DynamoDB INSERT then MODIFY with an old image', () => {
    // Act
    const kinesis = kinesisBenchEvent(2);
    const dynamodb = dynamodbBenchEvent(2);
    // Assert
    const [k] = kinesis.Records;
    expect(k!.eventSource).toBe('aws:kinesis');
    expect(JSON.parse(Buffer.from(k!.kinesis.data, 'base64').toString())).toEqual(benchPayload(0));
    expect(k!.eventID).toBe(`shardId-000000000000:${k!.kinesis.sequenceNumber}`);
    expect(dynamodb.Records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(dynamodb.Records[0]!.dynamodb!.OldImage).toBeUndefined();
    expect(dynamodb.Records[1]!.dynamodb!.OldImage).toBeDefined();
    expect(dynamodb.Records[0]!.eventVersion).toBe('1.1');
  });
});

describe('cost and the modelled CPU share', () => {
  it('prices a million records as invocations × (GB-seconds × rate + request)', () => {
    // Act
    const cost = costPerMillionRecords({ memoryMB: 1024, billedMs: 3, batchSize: 100, architecture: 'x86' });
    // Assert: 10 000 invocations × (1 GB × 0.003 s × $0.0000166667 + $0.0000002)
    expect(cost).toBeCloseTo(10_000 * (0.003 * LAMBDA_PRICING.perGbSecond.x86 + 0.0000002), 12);
  });

  it('stretches CPU-bound batches by 1769/memory below one vCPU and leaves them alone above', () => {
    // Act
    const small = modelDurations([2, 2], 2, 128);
    const large = modelDurations([2, 2], 2, 3008);
    // Assert
    expect(small[0]).toBeCloseTo((2 * 1769) / 128, 6);
    expect(large).toEqual([2, 2]);
  });
});

describe('report building blocks', () => {
  it('summarises latencies with ordered HDR percentiles', () => {
    // Arrange
    const histogram = new LatencyHistogram();
    // Act
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    const summary = histogram.summary();
    // Assert
    expect(summary.count).toBe(1000);
    expect(summary.p50).toBeCloseTo(500, -1);
    expect(summary.p99).toBeCloseTo(990, -1);
    expect(summary.max).toBe(1000);
  });

  it('renders a self-contained SVG line chart with a legend entry and a point per value', () => {
    // Act
    const svg = renderLineChart({
      title: 'Throughput <vs> batch',
      xLabel: 'batch size',
      yLabel: 'records/s',
      logX: true,
      logY: true,
      series: [
        {
          name: 'shardflow',
          points: [
            { x: 1, y: 1000 },
            { x: 100, y: 90_000 },
          ],
        },
        {
          name: 'ceiling',
          dashed: true,
          points: [
            { x: 1, y: 2000 },
            { x: 100, y: 0 },
          ],
        },
      ],
    });
    // Assert
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Throughput &#60;vs&#62; batch');
    expect(svg.match(/<circle /g)).toHaveLength(3); // y = 0 has no place on a log axis
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('formats ticks compactly and memory sizes exactly', () => {
    // Assert
    expect([1769, 3008, 20_000, 1_500_000, 0.25].map(formatTick)).toEqual(['1769', '3008', '20k', '1.5M', '0.25']);
    expect(formatRate(45_210)).toBe('45.2k');
  });

  it('writes markdown tables with right-aligned numeric columns', () => {
    // Act
    const table = markdownTable(['batch', 'who'], [[100, 'a|b']]);
    // Assert
    expect(table).toBe('| batch | who |\n| ---: | --- |\n| 100 | a\\|b |');
  });

  it("divides shardflow's records/s by each peer's round by round and checks the targets on the median", () => {
    // Arrange: three rounds; Powertools with its parser ran round 0 only (it is slow)
    const row = (contender: MicroResult['contender'], rounds: (number | null)[]) =>
      ({
        source: 'kinesis',
        batchSize: 100,
        contender,
        roundsRecordsPerSecond: rounds,
        roundsWallRecordsPerSecond: rounds,
      }) as unknown as MicroResult;
    // Act
    const ratios = microRatios([
      row('shardflow', [90_000, 80_000, 100_000]),
      row('powertools-parser', [2_000, null, null]),
      row('powertools-plain', [100_000, 50_000, 100_000]),
      row('hand-loop', [100_000, 100_000, 100_000]),
    ]);
    const checks = checkTargets(ratios, MICRO_TARGETS);
    // Assert
    const of = (peer: string) => ratios.find((r) => r.subject === 'shardflow' && r.peer === peer);
    expect(of('hand-loop')).toMatchObject({ median: 0.9, min: 0.8, max: 1, rounds: 3 });
    expect(of('powertools-plain')).toMatchObject({ median: 1, min: 0.9, max: 1.6, rounds: 3 });
    expect(of('powertools-parser')).toMatchObject({ median: 45, rounds: 1 });
    expect(checks.find((c) => c.target === 'kinesis-hand-100')).toMatchObject({ batchSize: 100, met: true });
    expect(checks.find((c) => c.target === 'kinesis-powertools')).toMatchObject({ batchSize: 100, met: false });
    // Targets at batch sizes (or sources) that were not measured are left out.
    expect(checks.find((c) => c.target === 'kinesis-logger')).toBeUndefined();
    expect(checks.find((c) => c.target === 'dynamodb-hand')).toBeUndefined();
  });

  it('attributes profile samples to functions by self and inclusive time, leaving out the profiler itself', () => {
    // Arrange: root → run (src) → json (src) ; root → dispatch (the inspector)
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
        {
          id: 2,
          callFrame: frame('run', new URL('../../src/runtime/processing/batch-engine.ts', import.meta.url).href),
          children: [3],
        },
        {
          id: 3,
          callFrame: frame('json', new URL('../../src/runtime/records/kinesis-record.ts', import.meta.url).href),
        },
        { id: 4, callFrame: frame('dispatch', '') },
      ],
      samples: [2, 3, 3, 3, 4],
      timeDeltas: [10, 10, 10, 10, 1000],
    };
    // Act
    const { self, inclusiveSrc } = summarizeProfile(profile);
    // Assert
    expect(self.map((e) => [e.function, e.percent])).toEqual([
      ['json', 75],
      ['run', 25],
    ]);
    expect(inclusiveSrc.map((e) => [e.function, e.location, e.percent])).toEqual([
      ['run', 'src/runtime/processing/batch-engine.ts', 100],
      ['json', 'src/runtime/records/kinesis-record.ts', 75],
    ]);
  });
});

describe('cold-start building blocks', () => {
  it('pads every order to exactly 840 bytes of JSON', () => {
    // Act
    const sizes = [0, 7, 99_999].map((i) => Buffer.byteLength(JSON.stringify(orderPayload(i))));
    // Assert
    expect(ORDER_BYTES).toBe(840);
    expect(sizes).toEqual([840, 840, 840]);
  });

  it('summarises measurements as median, quartiles and range', () => {
    // Act
    const summary = spread([4, 1, 3, 2]);
    // Assert
    expect(summary).toEqual({ median: 2.5, p25: 1.75, p75: 3.25, min: 1, max: 4 });
  });

  it('names the package or repository folder of a bundle input', () => {
    // Act
    const origins = [
      '../../main/node_modules/@aws-sdk/client-sqs/dist-es/index.js',
      'node_modules/zod/v4/classic/schemas.js',
      'src/runtime/handler.ts',
    ].map(originOf);
    // Assert
    expect(origins).toEqual(['@aws-sdk/client-sqs', 'zod', 'src/runtime/']);
  });

  it('follows static imports from index.mjs, not dynamic ones, to find what an import evaluates', () => {
    // Arrange
    const output = (imports: { path: string; kind: 'import-statement' | 'dynamic-import' }[]) => ({
      bytes: 1,
      inputs: {},
      imports: imports.map((link) => ({ ...link, external: false })),
      exports: [],
    });
    const metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': output([
          { path: 'out/chunks/shared.mjs', kind: 'import-statement' },
          { path: 'out/chunks/sqs.mjs', kind: 'dynamic-import' },
        ]),
        'out/chunks/shared.mjs': output([]),
        'out/chunks/sqs.mjs': output([{ path: 'out/chunks/shared.mjs', kind: 'import-statement' }]),
      },
    };
    // Act
    const statics = staticOutputs(metafile);
    // Assert
    expect(statics.sort()).toEqual(['out/chunks/shared.mjs', 'out/index.mjs']);
  });
});

describe('updateDocs (the generated block of docs/benchmarks.md)', () => {
  it("replaces only the generated block, with the run's command and links to its summary and charts", async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'shardflow-docs-'));
    const doc = join(dir, 'docs', 'benchmarks.md');
    await mkdir(join(dir, 'docs'));
    await writeFile(doc, `# Benchmarks\n\nbefore\n\n${DOCS_BLOCK.start}\nold figures\n${DOCS_BLOCK.end}\n\nafter\n`);
    const runDir = join(dir, 'benchmarks', 'results', 'run-1');
    const run = {
      id: 'run-1',
      command: 'npm run bench -- --update-docs',
      durationSeconds: 700,
      machine: {
        cpuModel: 'AMD EPYC',
        cores: 2,
        node: 'v20.20.2',
        cgroupMode: 'cgroup-v1',
        loadAverageAtStart: [1, 2, 3],
      },
      loadAverageAtEnd: [3, 2, 1],
    } as unknown as BenchRun;
    try {
      // Act
      await updateDocs(doc, { run, dir: runDir, files: [join(runDir, 'summary.md'), join(runDir, 'e2e-p99.svg')] });
      const text = await readFile(doc, 'utf8');
      // Assert
      expect(text).not.toContain('old figures');
      expect(text.startsWith('# Benchmarks\n\nbefore\n')).toBe(true);
      expect(text.endsWith('\nafter\n')).toBe(true);
      expect(text).toContain('npm run bench -- --update-docs');
      expect(text).toContain('(../benchmarks/results/run-1/summary.md)');
      expect(text).toContain('![e2e-p99](../benchmarks/results/run-1/e2e-p99.svg)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file without the generated block', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'shardflow-docs-'));
    const doc = join(dir, 'plain.md');
    await writeFile(doc, '# nothing generated here\n');
    try {
      // Act
      const update = updateDocs(doc, { run: {} as BenchRun, dir, files: [] });
      // Assert
      await expect(update).rejects.toThrow(/no generated block/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
