import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { createLogger } from '../../../src/runtime/observability/logger.js';
import { decodeEvent } from '../../../src/runtime/records/index.js';

// AWS's own sample events (SAM CLI, Powertools for AWS Lambda (TypeScript), aws-lambda-go testdata), verbatim:
// see test/fixtures/aws-sample-events/README.md.
const DIR = join(import.meta.dirname, '../../fixtures/aws-sample-events');
const samples = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { Records: unknown[] } }));
/** The samples whose eventSourceARN is a placeholder (not an ARN): one warning each. */
const PLACEHOLDERS = new Set([
  'sam-cli-kinesis-get-records.json',
  'powertools-dynamodb-base.json',
  'powertools-dynamodb-tumbling-window.json',
  'aws-lambda-go-dynamodb-time-window-event.json',
]);
/**
 * Records no AWS stream can hold, kept strict: aws-lambda-go's dynamodb-event.json's second record has binary
 * sets with duplicate elements and an empty string set (DynamoDB stores neither).
 */
const INVALID: Readonly<Record<string, readonly number[]>> = { 'aws-lambda-go-dynamodb-event.json': [1] };

function handlerFor(source: 'kinesis' | 'dynamodb', tumbling: boolean) {
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as { level: string; msg: string }) },
  });
  const seen: unknown[] = [];
  const processor = defineProcessor({
    name: 'sample',
    format: 'text',
    schema: source === 'kinesis' ? z.string() : z.record(z.string(), z.unknown()),
    process: (payload) => {
      seen.push(payload);
    },
  });
  const config = defineConfig({
    service: 'samples',
    processors: [processor],
    streams: {
      sample: {
        source: source === 'kinesis' ? { type: 'kinesis', stream: 'sample' } : { type: 'dynamodb', table: 'sample' },
        startingPosition: 'TRIM_HORIZON',
        ...(tumbling ? { tumblingWindowSeconds: 60 } : {}),
        routes: [{ processor: 'sample' }],
      },
    },
  });
  const handler = createHandler(config, 'sample', { logger, metrics: false });
  return { handler, seen, warnings: () => lines.filter((line) => line.level === 'warn').map((line) => line.msg) };
}

describe('AWS sample events', () => {
  it('are all here: SAM CLI, Powertools and aws-lambda-go, Kinesis and DynamoDB', () => {
    // Assert
    expect(samples.map((s) => s.file.split('-')[0])).toEqual(expect.arrayContaining(['sam', 'powertools', 'aws']));
    expect(samples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(samples)('$file decodes every record, with one warning only for a placeholder ARN', ({ file, event }) => {
    // Act
    const decoded = decodeEvent(event);

    // Assert
    const invalid = INVALID[file] ?? [];
    expect(decoded.entries.map((entry) => entry.ok)).toEqual(event.Records.map((_, i) => !invalid.includes(i)));
    for (const i of invalid) {
      expect(decoded.entries[i]).toMatchObject({ ok: false, failure: { error: { name: 'InvalidImageError' } } });
    }
    expect(decoded.warnings).toHaveLength(PLACEHOLDERS.has(file) ? 1 : 0);
  });

  it.each(samples)(
    '$file is processed by a handler, nothing quarantined for its placeholders',
    async ({ file, event }) => {
      // Arrange
      const source =
        (event.Records[0] as { eventSource: string }).eventSource === 'aws:kinesis' ? 'kinesis' : 'dynamodb';
      const { handler, seen, warnings } = handlerFor(source, 'window' in event);

      // Act
      const result = await handler.run(event);

      // Assert — no quarantine is configured: an invalid record is reported for retry, as in Lambda.
      const invalid = INVALID[file] ?? [];
      expect(result.counts.quarantined).toBe(0);
      expect(result.outcomes.map((o) => o.fate)).toEqual(
        event.Records.map((_, i) => (invalid.includes(i) ? 'failed' : 'processed')),
      );
      expect(result.response.batchItemFailures).toHaveLength(invalid.length);
      expect(seen).toHaveLength(event.Records.length - invalid.length);
      const sampleWarnings = warnings().filter((msg) => msg.includes('placeholder'));
      expect(sampleWarnings).toHaveLength(PLACEHOLDERS.has(file) ? 1 : 0);
    },
  );

  it('keeps AWS-shaped events strict: a well-formed ARN of another service is still malformed', () => {
    // Arrange — the SAM Kinesis sample, with an SQS queue ARN instead of its placeholder.
    const sam = samples.find((s) => s.file === 'sam-cli-kinesis-get-records.json')!.event;
    const event = {
      Records: [{ ...(sam.Records[0] as object), eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q' }],
    };

    // Act
    const decoded = decodeEvent(event);

    // Assert
    expect(decoded.entries[0]).toMatchObject({ ok: false, failure: { error: { name: 'MalformedRecordError' } } });
    expect(decoded.warnings).toEqual([]);
  });

  it('keeps AWS-shaped events strict: a record with a real ARN still needs ApproximateCreationDateTime', () => {
    // Arrange — Powertools' DynamoDB sample (its second record has no ApproximateCreationDateTime), with real ARNs.
    const base = samples.find((s) => s.file === 'powertools-dynamodb-base.json')!.event;
    const arn = 'arn:aws:dynamodb:us-west-2:123456789012:table/Example/stream/2024-01-01T00:00:00.000';
    const event = { Records: base.Records.map((record) => ({ ...(record as object), eventSourceARN: arn })) };

    // Act
    const decoded = decodeEvent(event);

    // Assert
    expect(decoded.entries.map((entry) => entry.ok)).toEqual([true, false]);
  });
});
