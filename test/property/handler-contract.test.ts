import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../src/runtime/config/processor.js';
import { PermanentError, TransientError, UnattributableFailureError } from '../../src/runtime/errors.js';
import { createHandler } from '../../src/runtime/handler.js';
import { createLogger } from '../../src/runtime/observability/logger.js';
import type { BatchResult, RecordOutcome } from '../../src/runtime/processing/batch-engine.js';
import { Fate, RETRY_FATES } from '../../src/runtime/processing/fates.js';
import type { QuarantineEntry } from '../../src/runtime/processing/quarantine/index.js';
import { captureDestination } from '../unit/observability/capture.js';
import { MemorySink } from '../unit/processing/engine-fixtures.js';
import { THROWN_SHAPES } from '../unit/processing/thrown-shapes.js';
import {
  type BatchPlan,
  type Behaviour,
  type BuiltBatch,
  batchPlanArbitrary,
  buildBatch,
  REDACT_PATHS,
  type Unit,
} from './contract-batches.js';

/**
 * The handler's contract, on random batches (Kinesis and DynamoDB, AWS-shaped, with malformed records of
 * every kind) and random processor behaviour (success, TransientError, a plain Error, PermanentError,
 * non-Error throws of every shape, running past the deadline):
 *
 * 1. the handler rejects only as documented: `UnattributableFailureError` for a record without a sequence
 *    number, before any processor ran;
 * 2. every `itemIdentifier` is a sequence number of the batch, and it is the lowest one whose record must
 *    be retried (one per shard);
 * 3. nothing after a failure of the same ordering key ran (the whole shard with `ordering: 'shard'`);
 * 4. each record ends exactly once, in a fate its plan allows (exactly the reference model's when no
 *    processor runs past the deadline), and processors ran exactly the records that ended by running;
 * 5. no prototype pollution: `Object.prototype` unchanged, processors receive plain objects;
 * 6. no value planted at a redaction path appears in a log line, a quarantine entry or the response.
 *
 * `SHARDFLOW_CONTRACT_RUNS` sets the number of batches (default 200); `SHARDFLOW_CONTRACT_SEED` replays one.
 */

const RUNS = Number(process.env.SHARDFLOW_CONTRACT_RUNS ?? 200);
const SEED =
  process.env.SHARDFLOW_CONTRACT_SEED === undefined ? undefined : Number(process.env.SHARDFLOW_CONTRACT_SEED);
const DEADLINE_MARGIN_MS = 2000;

const KinesisPayload = z.looseObject({
  userId: z.string(),
  tag: z.string(),
  n: z.number().int(),
  isAdmin: z.boolean().optional(),
});
const OrderImage = z.looseObject({
  orderId: z.string(),
  customerId: z.string(),
  tag: z.string(),
  status: z.string(),
  isAdmin: z.boolean().optional(),
});

/** What the processor saw of one record. */
interface Call {
  readonly tag: string;
  readonly plainObject: boolean;
  readonly inheritsNothing: boolean;
}

interface ContractRun {
  readonly built: BuiltBatch;
  readonly result: BatchResult | undefined;
  readonly thrown: unknown;
  readonly calls: readonly Call[];
  readonly entries: readonly QuarantineEntry[];
  readonly logText: readonly string[];
  readonly prototypeBefore: readonly string[];
  readonly prototypeAfter: readonly string[];
  /** Whether a processor ran past the deadline. */
  readonly deadlinePassed: boolean;
}

function prototypeKeys(): string[] {
  return Reflect.ownKeys(Object.prototype).map(String).sort();
}

function act(behaviour: Behaviour, clock: { remainingMs: number }): void {
  switch (behaviour.kind) {
    case 'ok':
      return;
    case 'transient':
      throw new TransientError('downstream unavailable');
    case 'error':
      throw new Error('boom');
    case 'permanent':
      throw new PermanentError('refused');
    case 'non-error':
      throw THROWN_SHAPES[behaviour.shape]![1]();
    case 'hang':
      clock.remainingMs = DEADLINE_MARGIN_MS - 1;
      return;
  }
}

async function runContract(plan: BatchPlan): Promise<ContractRun> {
  const built = buildBatch(plan);
  const behaviours = new Map<string, Behaviour>();
  for (const unit of built.units) {
    if (unit.expectation.kind === 'processor') behaviours.set(unit.tag, unit.expectation.behaviour);
  }
  const calls: Call[] = [];
  const clock = { remainingMs: 60_000 };
  const processor = defineProcessor({
    name: plan.source === 'kinesis' ? 'clicks' : 'orders',
    schema: plan.source === 'kinesis' ? KinesisPayload : OrderImage,
    async process(payload, ctx) {
      const value = payload as { tag: string; isAdmin?: unknown; polluted?: unknown };
      calls.push({
        tag: value.tag,
        plainObject: Object.getPrototypeOf(value) === Object.prototype,
        inheritsNothing: value.isAdmin === undefined && value.polluted === undefined,
      });
      ctx.logger.info({ payload }, 'processing');
      ctx.logger.debug(payload as object, 'payload at top level');
      await Promise.resolve();
      act(behaviours.get(value.tag)!, clock);
    },
  });
  const config = defineConfig({
    service: 'contract',
    logging: { redact: [...REDACT_PATHS] },
    streams: {
      contract: {
        source:
          plan.source === 'kinesis' ? { type: 'kinesis', stream: 'clicks' } : { type: 'dynamodb', table: 'orders' },
        startingPosition: 'TRIM_HORIZON',
        ordering: plan.ordering,
        concurrency: plan.concurrency,
        deadlineMarginMs: DEADLINE_MARGIN_MS,
        routes: [{ processor }],
      },
    },
  });
  const destination = captureDestination();
  const logger = createLogger({ level: 'debug', redact: config.logging?.redact, destination });
  const sink = new MemorySink();
  const handler = createHandler(config, 'contract', { logger, quarantine: sink, metrics: false });
  const context = {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    functionName: 'contract',
    getRemainingTimeInMillis: () => clock.remainingMs,
  };
  const prototypeBefore = prototypeKeys();
  let result: BatchResult | undefined;
  let thrown: unknown;
  try {
    result = await handler.run(built.event, context);
  } catch (error) {
    thrown = error;
  }
  return {
    built,
    result,
    thrown,
    calls,
    entries: sink.entries,
    logText: destination.raw,
    prototypeBefore,
    prototypeAfter: prototypeKeys(),
    deadlinePassed: clock.remainingMs < DEADLINE_MARGIN_MS,
  };
}

/** Fates a unit may end in, given its plan (with or without a deadline passing during the batch). */
function allowedFates(unit: Unit): ReadonlySet<string> {
  const stopped = [Fate.blocked, Fate.deferred];
  if (unit.expectation.kind === 'permanent') return new Set([Fate.quarantined, ...stopped]);
  switch (unit.expectation.behaviour.kind) {
    case 'ok':
    case 'hang':
      return new Set([Fate.processed, ...stopped]);
    case 'permanent':
      return new Set([Fate.quarantined, ...stopped]);
    default:
      return new Set([Fate.failed, ...stopped]);
  }
}

const FAILURE_ERROR: Record<string, string> = {
  transient: 'TransientError',
  error: 'Error',
  'non-error': 'NonErrorThrownError',
  permanent: 'PermanentError',
};

/** Groups of units that must run in order, in event order within each. */
function orderingGroups(plan: BatchPlan, units: readonly Unit[]): Unit[][] {
  if (plan.ordering === 'shard') return [[...units]];
  if (plan.ordering === 'none') return units.map((unit) => [unit]);
  const groups = new Map<string, Unit[]>();
  for (const unit of units) {
    const key = unit.orderingKey ?? `\u0000index:${unit.index}`;
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }
  return [...groups.values()];
}

/** The reference model when the deadline never passes: per group, everything after a failure is blocked. */
function modelFates(plan: BatchPlan, units: readonly Unit[]): Map<Unit, string> {
  const fates = new Map<Unit, string>();
  for (const group of orderingGroups(plan, units)) {
    let stopped = false;
    for (const unit of group) {
      if (stopped) fates.set(unit, Fate.blocked);
      else if (unit.expectation.kind === 'permanent') fates.set(unit, Fate.quarantined);
      else {
        const kind = unit.expectation.behaviour.kind;
        if (kind === 'ok' || kind === 'hang') fates.set(unit, Fate.processed);
        else if (kind === 'permanent') fates.set(unit, Fate.quarantined);
        else {
          fates.set(unit, Fate.failed);
          stopped = true;
        }
      }
    }
  }
  return fates;
}

function lowest(sequenceNumbers: readonly string[]): string | undefined {
  let min: string | undefined;
  for (const s of sequenceNumbers) if (min === undefined || BigInt(s) < BigInt(min)) min = s;
  return min;
}

function decodedData(base64: unknown): string {
  return typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('utf8') : '';
}

function checkContract(plan: BatchPlan, run: ContractRun): void {
  const { built, result } = run;

  // 5. No prototype pollution, whatever happened.
  expect(run.prototypeAfter).toEqual(run.prototypeBefore);
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  for (const call of run.calls) expect(call).toMatchObject({ plainObject: true, inheritsNothing: true });

  // 6. No planted secret anywhere.
  const texts = [...run.logText, JSON.stringify(run.entries)];
  for (const entry of run.entries) {
    texts.push(decodedData((entry.record as { kinesis?: { data?: unknown } } | null)?.kinesis?.data));
    texts.push(decodedData(entry.userRecord?.data));
  }
  if (result !== undefined) texts.push(JSON.stringify(result.response));
  const leaked = built.secrets.filter((secret) => texts.some((text) => text.includes(secret)));
  expect(leaked).toEqual([]);

  // 1. Only documented whole-batch rejections.
  if (plan.missingSequenceNumber !== undefined) {
    expect(run.thrown).toBeInstanceOf(UnattributableFailureError);
    expect(run.calls).toEqual([]);
    expect(run.entries).toEqual([]);
    return;
  }
  expect(run.thrown).toBeUndefined();
  if (result === undefined) throw new Error('no result');

  // 4. Each record ends exactly once, in a fate its plan allows.
  const { outcomes } = result;
  expect(outcomes.map((o) => [o.index, o.subSequenceNumber, o.sequenceNumber])).toEqual(
    built.units.map((u) => [u.index, u.subSequenceNumber, u.sequenceNumber]),
  );
  expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(built.units.length);
  const outcomeOf = new Map<Unit, RecordOutcome>(built.units.map((unit, i) => [unit, outcomes[i]!]));
  for (const [unit, outcome] of outcomeOf) {
    expect(allowedFates(unit)).toContain(outcome.fate);
    if (unit.orderingKey !== undefined) expect(outcome.partitionKey).toBe(unit.orderingKey);
    if (outcome.fate === Fate.quarantined || outcome.fate === Fate.failed) {
      const expected =
        unit.expectation.kind === 'permanent' ? unit.expectation.error : FAILURE_ERROR[unit.expectation.behaviour.kind];
      expect(outcome.error?.name).toBe(expected);
    }
  }
  if (!run.deadlinePassed) {
    const model = modelFates(plan, built.units);
    expect(outcomes.map((o) => o.fate)).toEqual(built.units.map((u) => model.get(u)));
  }
  if (outcomes.some((o) => o.fate === Fate.deferred)) expect(run.deadlinePassed).toBe(true);

  // Processors ran exactly the records that ended by running, each once.
  const ranTags = run.calls.map((call) => call.tag);
  expect(new Set(ranTags).size).toBe(ranTags.length);
  const mustHaveRun = built.units.filter((unit) => {
    const fate = outcomeOf.get(unit)!.fate;
    return (
      unit.expectation.kind === 'processor' &&
      (fate === Fate.processed || fate === Fate.failed || fate === Fate.quarantined)
    );
  });
  expect([...ranTags].sort()).toEqual(mustHaveRun.map((unit) => unit.tag).sort());

  // Quarantine entries: exactly the quarantined records, once each.
  const quarantined = built.units.filter((unit) => outcomeOf.get(unit)!.fate === Fate.quarantined);
  expect(run.entries.map((e) => [e.sequenceNumber, e.subSequenceNumber]).sort()).toEqual(
    quarantined.map((u) => [u.sequenceNumber, u.subSequenceNumber]).sort(),
  );

  // 3. Nothing after a failure of the same ordering key ran: once a unit of a group must be retried, every
  //    later unit of the group is blocked (and so did not run).
  for (const group of orderingGroups(plan, built.units)) {
    const firstRetry = group.findIndex((unit) => RETRY_FATES.has(outcomeOf.get(unit)!.fate));
    if (firstRetry === -1) continue;
    expect([Fate.failed, Fate.deferred]).toContain(outcomeOf.get(group[firstRetry]!)!.fate);
    for (const later of group.slice(firstRetry + 1)) {
      expect(outcomeOf.get(later)!.fate).toBe(Fate.blocked);
      expect(ranTags).not.toContain(later.tag);
    }
  }

  // 2. itemIdentifiers: sequence numbers of the batch; the lowest that must be retried, one per shard.
  const identifiers = result.response.batchItemFailures.map((failure) => failure.itemIdentifier);
  for (const identifier of identifiers) expect(built.sequenceNumbers.has(identifier)).toBe(true);
  const retried = built.units.filter((unit) => RETRY_FATES.has(outcomeOf.get(unit)!.fate));
  const expectedLowest = lowest(retried.map((unit) => unit.sequenceNumber));
  expect(identifiers).toEqual(expectedLowest === undefined ? [] : [expectedLowest]);
}

describe('handler contract (fast-check)', () => {
  it(
    `holds on ${RUNS} random batches with malformed records and random processor behaviour`,
    async () => {
      await fc.assert(
        fc.asyncProperty(batchPlanArbitrary, async (plan) => {
          checkContract(plan, await runContract(plan));
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    },
    Math.max(60_000, RUNS * 100),
  );
});
