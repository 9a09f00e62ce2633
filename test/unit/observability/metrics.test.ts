import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import { BATCH_METRICS, type BatchStats, createMetrics } from '../../../src/runtime/observability/metrics.js';

const stats: BatchStats = {
  recordsIn: 100,
  processed: 95,
  failed: 2,
  quarantined: 1,
  skipped: 1,
  filtered: 1,
  durationMs: 42.5,
  iteratorAgeMs: 1_200,
};

function capture() {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

// Shape per AWS "Specification: Embedded metric format" (CloudWatch User Guide).
describe('createMetrics (EMF)', () => {
  it('writes one EMF document per publish with the metadata object, a directive and the target members', () => {
    // Arrange
    const out = capture();
    const metrics = createMetrics({
      namespace: 'shardflow',
      service: 'shop-analytics',
      stream: 'orders',
      write: out.write,
      now: () => 1_714_566_896_789,
    });

    // Act
    metrics.publish(stats);

    // Assert
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toContain('\n');
    const document = JSON.parse(out.lines[0]!);
    expect(document._aws.Timestamp).toBe(1_714_566_896_789);
    expect(Number.isInteger(document._aws.Timestamp)).toBe(true);
    expect(document._aws.CloudWatchMetrics).toHaveLength(1);
    const [directive] = document._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe('shardflow');
    expect(directive.Dimensions).toEqual([['service', 'stream']]);
    expect(directive.Metrics).toEqual([
      { Name: 'RecordsIn', Unit: 'Count' },
      { Name: 'RecordsProcessed', Unit: 'Count' },
      { Name: 'RecordsFailed', Unit: 'Count' },
      { Name: 'RecordsQuarantined', Unit: 'Count' },
      { Name: 'RecordsSkipped', Unit: 'Count' },
      { Name: 'RecordsFiltered', Unit: 'Count' },
      { Name: 'BatchDuration', Unit: 'Milliseconds' },
      { Name: 'IteratorAge', Unit: 'Milliseconds' },
    ]);
    // Every dimension and metric the directive references is a root member ("target member").
    for (const name of directive.Dimensions.flat()) expect(typeof document[name]).toBe('string');
    for (const { Name } of directive.Metrics) expect(typeof document[Name]).toBe('number');
    expect(document).toMatchObject({
      service: 'shop-analytics',
      stream: 'orders',
      RecordsIn: 100,
      RecordsProcessed: 95,
      RecordsFailed: 2,
      RecordsQuarantined: 1,
      RecordsSkipped: 1,
      RecordsFiltered: 1,
      BatchDuration: 42.5,
      IteratorAge: 1_200,
    });
  });

  it('names every BatchStats field exactly once', () => {
    // Arrange
    const keys = Object.keys(stats).sort();

    // Act
    const mapped = Object.keys(BATCH_METRICS).sort();

    // Assert
    expect(mapped).toEqual(keys);
  });

  it('omits a metric whose value is not finite and clamps a negative iterator age (clock skew) to 0', () => {
    // Arrange
    const out = capture();
    const metrics = createMetrics({ namespace: 'shardflow', service: 's', stream: 'orders', write: out.write });

    // Act
    metrics.publish({ ...stats, iteratorAgeMs: Number.NaN });
    metrics.publish({ ...stats, iteratorAgeMs: -15 });

    // Assert
    const [withoutAge, skewed] = out.lines.map((line) => JSON.parse(line));
    expect(withoutAge._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).not.toContain(
      'IteratorAge',
    );
    expect(withoutAge).not.toHaveProperty('IteratorAge');
    expect(skewed.IteratorAge).toBe(0);
  });

  it('publishes nothing when disabled', () => {
    // Arrange
    const out = capture();
    const metrics = createMetrics({
      namespace: 'shardflow',
      service: 's',
      stream: 'orders',
      enabled: false,
      write: out.write,
    });

    // Act
    metrics.publish(stats);

    // Assert
    expect(out.lines).toEqual([]);
  });

  it('rejects a namespace or dimension value outside CloudWatch limits with a ConfigError', () => {
    // Arrange
    const make = (namespace: string, stream: string) => () => createMetrics({ namespace, service: 's', stream });

    // Act + Assert
    expect(make('', 'orders')).toThrow(ConfigError);
    expect(make(':bad', 'orders')).toThrow(ConfigError);
    expect(make('n'.repeat(256), 'orders')).toThrow(ConfigError);
    expect(make('shardflow', '')).toThrow(/metrics\.stream/);
  });
});
