import { describe, expect, it } from 'vitest';
import { RECORD_CASES } from './corpus.js';
import type { RecordCase, RecordFate } from './corpus-types.js';
import {
  FATE_OF,
  factories,
  identityOf,
  leaksIn,
  linesIdentifying,
  objectPrototypeSnapshot,
  type RunResult,
  runBatch,
} from './harness.js';

/**
 * Record-level bad inputs: each bad Lambda record runs between two good records of other keys through
 * a real handler. The bad record must end in its defined fate with its named error, the handler must
 * not throw, the good records must be processed, and the logs must identify the bad record without
 * its payload or the secrets planted in it.
 */

interface CaseRun {
  readonly run: RunResult;
  readonly badRaw: unknown;
  readonly prototypeBefore: string[];
}

/** Builds `[good-1, bad, good-2]` for the case and runs it (cached: each case runs once). */
const runs = new Map<RecordCase, Promise<CaseRun>>();
function runCase(testCase: RecordCase): Promise<CaseRun> {
  let pending = runs.get(testCase);
  if (pending === undefined) {
    pending = (async () => {
      const { kinesis, dynamodb } = factories();
      let records: unknown[];
      let badRaw: unknown;
      if (testCase.source === 'kinesis') {
        const first = kinesis.record({ json: { userId: 'good-1', n: 1 }, partitionKey: 'good-1' });
        badRaw = testCase.bad(kinesis);
        const last = kinesis.record({ json: { userId: 'good-2', n: 2 }, partitionKey: 'good-2' });
        records = [first, badRaw, last];
      } else {
        const first = dynamodb.insert({ id: 'good-1' }, { id: 'good-1', status: 'NEW' });
        badRaw = testCase.bad(dynamodb);
        const last = dynamodb.insert({ id: 'good-2' }, { id: 'good-2', status: 'NEW' });
        records = [first, badRaw, last];
      }
      const prototypeBefore = objectPrototypeSnapshot();
      const run = await runBatch({
        source: testCase.source,
        event: { Records: records },
        ...(testCase.source === 'kinesis' && testCase.processor ? { processor: testCase.processor } : {}),
        ...(testCase.stream ? { stream: testCase.stream } : {}),
      });
      return { run, badRaw, prototypeBefore };
    })();
    runs.set(testCase, pending);
  }
  return pending;
}

/** Identifier of a good record in what the processor received (Kinesis `userId`, DynamoDB `id`). */
function receivedIds(run: RunResult): unknown[] {
  return run.calls.map((call) => {
    const payload = call.payload as Record<string, unknown> | string;
    if (typeof payload === 'string') return (JSON.parse(payload) as Record<string, unknown>).userId;
    return payload.userId ?? payload.id;
  });
}

const fatesOf = (testCase: RecordCase): readonly RecordFate[] => testCase.outcomes ?? [testCase.expectedFate];

describe.each(RECORD_CASES.map((c) => [`${c.source}: ${c.name}`, c] as const))(
  'bad record — %s',
  (_title, testCase) => {
    it(`ends ${testCase.expectedFate} with ${testCase.expectedError ?? 'no error'}, without a throw, and the good records are processed`, async () => {
      // Arrange
      const expectedFates = fatesOf(testCase).map((fate) => FATE_OF[fate]);

      // Act
      const { run, badRaw, prototypeBefore } = await runCase(testCase);

      // Assert
      expect(run.thrown).toBeUndefined();
      const outcomes = run.result!.outcomes.filter((outcome) => outcome.index === 1);
      expect(outcomes.map((outcome) => outcome.fate)).toEqual(expectedFates);
      for (const outcome of outcomes) {
        if (outcome.fate === 'processed' || outcome.fate === 'ignored') expect(outcome.error).toBeUndefined();
        else expect(outcome.error?.name).toBe(testCase.expectedError);
      }
      const identity = identityOf(badRaw);
      const quarantined = outcomes.filter((outcome) => outcome.fate === 'quarantined');
      expect(run.sink.entries).toHaveLength(quarantined.length);
      for (const entry of run.sink.entries) {
        expect(entry.error.name).toBe(testCase.expectedError);
        expect(entry.sequenceNumber).toBe(identity.sequenceNumber);
        // With `logging.redact` configured (the harness does), the stored payload is redacted; the record's
        // identity stays, so it can be traced and redriven.
        if (entry.redacted === undefined) expect(entry.record).toBe(badRaw);
        else expect(entry.redacted.paths.length).toBeGreaterThan(0);
      }
      const retried = outcomes.some((outcome) => outcome.fate === 'failed');
      expect(run.result!.response.batchItemFailures).toEqual(
        retried ? [{ itemIdentifier: identity.sequenceNumber }] : [],
      );
      expect(receivedIds(run)).toEqual(expect.arrayContaining(['good-1', 'good-2']));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(objectPrototypeSnapshot()).toEqual(prototypeBefore);
    });

    const logTest = testCase.knownBug?.breaks === 'log' ? it.fails : it;
    // it.fails rows are known defects or gaps, described in testCase.knownBug (and in the report).
    logTest('is identified by a log line that holds neither its payload nor a planted secret', async () => {
      // Arrange
      const { run, badRaw } = await runCase(testCase);
      const identity = identityOf(badRaw);

      // Act
      const identifying = linesIdentifying(run.logs, identity);
      const leaks = leaksIn(run.logText, identity);

      // Assert
      if (testCase.expectedFate !== 'processed') expect(identifying.length).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
    });
  },
);
