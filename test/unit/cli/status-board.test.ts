import { describe, expect, it } from 'vitest';
import {
  activityOf,
  formatStatusLines,
  StatusBoard,
  StatusSampler,
  type StreamSample,
} from '../../../src/cli/dev/status-board.js';
import type { EsmStatus } from '../../../src/local/esm/event-source-mapping.js';

const idle: EsmStatus = {
  recordsRead: 0,
  recordsFiltered: 0,
  recordsDone: 0,
  recordsDiscarded: 0,
  invocations: 0,
  functionErrors: 0,
  partialFailures: 0,
  retries: 0,
  lastArrivalMs: 0,
  invoking: 0,
  shards: { active: 1, ended: 0, waiting: 0 },
  inFlight: 0,
  openWindows: 0,
  iteratorAgeMs: 0,
  retryInMs: undefined,
  started: true,
};

/** Three streams: one invoking, one idle, one with a long name waiting to retry. */
const samples: StreamSample[] = [
  {
    stream: 'orders',
    recordsPerSecond: 412.4,
    status: {
      ...idle,
      recordsRead: 12_840,
      recordsDone: 12_340,
      invocations: 130,
      inFlight: 500,
      invoking: 500,
      iteratorAgeMs: 1400,
      shards: { active: 2, ended: 0, waiting: 0 },
    },
  },
  {
    stream: 'revenue',
    recordsPerSecond: 0,
    status: { ...idle, recordsRead: 12_840, recordsDone: 1220, invocations: 12 },
  },
  {
    stream: 'clickstream-enrichment-eu-west-1',
    recordsPerSecond: 1250,
    status: {
      ...idle,
      recordsRead: 120_000,
      recordsDone: 118_500,
      retries: 3,
      recordsDiscarded: 12,
      functionErrors: 2,
      invocations: 420,
      retryInMs: 3200,
      iteratorAgeMs: 65_000,
      shards: { active: 4, ended: 0, waiting: 0 },
    },
  },
];

describe('formatStatusLines', () => {
  it('fits 80 columns: names cut with …, least important columns dropped, numbers whole', () => {
    // Act
    const lines = formatStatusLines(samples, { width: 80 });

    // Assert
    expect(lines).toEqual([
      'orders              412.4 rec/s  done 12,340   retries 0  invoking 500',
      'revenue               0.0 rec/s  done 1,220    retries 0  waiting for next poll',
      'clickstream-enri…  1250.0 rec/s  done 118,500  retries 3  retrying in 4s',
    ]);
    for (const line of lines) expect(line.length).toBeLessThan(80);
  });

  it('fits 120 columns with more columns', () => {
    // Act
    const lines = formatStatusLines(samples, { width: 120 });

    // Assert
    expect(lines).toEqual([
      'orders                 412.4 rec/s  done 12,340   retries 0  discarded 0   age 1.4s  fn-errors 0  invoking 500',
      'revenue                  0.0 rec/s  done 1,220    retries 0  discarded 0   age 0ms   fn-errors 0  waiting for next poll',
      'clickstream-enrichm…  1250.0 rec/s  done 118,500  retries 3  discarded 12  age 1m5s  fn-errors 2  retrying in 4s',
    ]);
    for (const line of lines) expect(line.length).toBeLessThan(120);
  });

  it('keeps every column without a width limit (plain output)', () => {
    // Act
    const [line] = formatStatusLines([samples[2]!], { width: Number.POSITIVE_INFINITY });

    // Assert
    expect(line).toBe(
      'clickstream-enrichment-eu-west-1  1250.0 rec/s  done 118,500  retries 3  discarded 12  age 1m5s  fn-errors 2  read 120,000  invocations 420  shards 4  retrying in 4s',
    );
  });

  it('colours only when asked (terminals), without changing the visible text', () => {
    // Act
    const plain = formatStatusLines(samples, { width: 80 });
    const coloured = formatStatusLines(samples, { width: 80, color: true });

    // Assert
    expect(plain.join('')).not.toContain('\u001b[');
    const stripped = coloured.map((line) =>
      line
        .split('\u001b[')
        .map((part, i) => (i === 0 ? part : part.replace(/^\d+m/, '')))
        .join(''),
    );
    expect(coloured).not.toEqual(plain);
    expect(stripped).toEqual(plain);
  });
});

describe('activityOf', () => {
  it.each([
    [{ ...idle, started: false }, 'starting'],
    [{ ...idle, retryInMs: 2100 }, 'retrying in 3s'],
    [{ ...idle, inFlight: 40, invoking: 40 }, 'invoking 40'],
    [{ ...idle, inFlight: 40 }, 'batching 40'],
    [idle, 'waiting for next poll'],
  ])('says what the stream does: %#', (status, text) => {
    // Act + Assert
    expect(activityOf(status as EsmStatus).text).toBe(text);
  });
});

describe('StatusSampler', () => {
  it('smooths records/s over the last five seconds instead of dropping to 0 between batches', () => {
    // Arrange — 500 records handled at t=1 s, then nothing until t=4 s.
    let now = 0;
    let done = 0;
    const sampler = new StatusSampler(
      new Map([['clicks', { status: () => ({ ...idle, recordsDone: done }) }]]),
      () => now,
    );
    sampler.sample();

    // Act
    const rates: number[] = [];
    for (const [at, total] of [
      [1000, 500],
      [2000, 500],
      [3000, 500],
      [4000, 500],
    ] as const) {
      now = at;
      done = total;
      rates.push(sampler.sample()[0]!.recordsPerSecond);
    }

    // Assert
    expect(rates).toEqual([500, 250, 500 / 3, 125]);
  });
});

describe('StatusBoard', () => {
  it('prints plain status lines at most every plainEveryMs when not a terminal, and always when forced', () => {
    // Arrange
    let now = 0;
    const written: string[] = [];
    const board = new StatusBoard({ write: (text: string) => written.push(text) }, { live: false, now: () => now });

    // Act
    board.update([samples[1]!]);
    now = 1000;
    board.update([samples[1]!]);
    now = 5000;
    board.update([samples[1]!]);
    board.update([samples[1]!], true);

    // Assert
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^status revenue +0\.0 rec\/s {2}done 1,220 .* waiting for next poll\n$/);
  });

  it('redraws in place on a terminal, fitted to its width', () => {
    // Arrange
    const written: string[] = [];
    const board = new StatusBoard({ write: (text: string) => written.push(text), columns: 80 }, { live: true });

    // Act
    board.update(samples);
    board.update(samples);

    // Assert
    expect(written[1]!.startsWith('\u001b[3F\u001b[J')).toBe(true);
    for (const line of written[1]!.replace('\u001b[3F\u001b[J', '').trimEnd().split('\n')) {
      expect(line.length).toBeLessThan(80);
    }
  });
});
