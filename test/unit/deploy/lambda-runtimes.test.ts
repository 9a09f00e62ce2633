import { describe, expect, it } from 'vitest';
import { planDeployment } from '../../../src/deploy/deploy-plan.js';
import { RuntimeBlockedError, UnknownRuntimeError } from '../../../src/deploy/errors.js';
import { checkLambdaRuntime, LAMBDA_NODE_RUNTIMES, newestRuntime } from '../../../src/deploy/lambda-runtimes.js';
import { ConfigError } from '../../../src/runtime/config/errors.js';
import { deployConfig, ordersStream } from './fixtures.js';

/** The day this was written: nodejs20.x is past its blocks, nodejs22.x and nodejs24.x are supported. */
const TODAY = new Date('2026-12-01T12:00:00Z');

describe('checkLambdaRuntime (AWS’s dates, "today" injected)', () => {
  it('accepts a supported runtime far from its deprecation', () => {
    // Act
    const warning = checkLambdaRuntime('nodejs24.x', 'runtime', TODAY);

    // Assert
    expect(warning).toBeUndefined();
  });

  it('fails once AWS blocks creating and updating functions on the runtime', () => {
    // Act
    const check = () => checkLambdaRuntime('nodejs20.x', 'streams.orders.runtime', TODAY);

    // Assert
    expect(check).toThrow(RuntimeBlockedError);
    expect(check).toThrow(
      'streams.orders.runtime: nodejs20.x was deprecated on 2026-04-30; AWS blocks creating functions on it since 2026-06-01 and updating functions on it since 2026-07-01: use nodejs24.x',
    );
  });

  it('fails from the create-block day on, even before updates are blocked', () => {
    // Act
    const check = () => checkLambdaRuntime('nodejs22.x', 'runtime', new Date('2027-06-01T00:00:00Z'));

    // Assert
    expect(check).toThrow('AWS blocks creating functions on it since 2027-06-01: use nodejs24.x');
  });

  it('warns from 90 days before the deprecation date, and after it until the block', () => {
    // Act
    const before = checkLambdaRuntime('nodejs22.x', 'runtime', new Date('2027-01-29T00:00:00Z'));
    const within = checkLambdaRuntime('nodejs22.x', 'runtime', new Date('2027-01-30T00:00:00Z'));
    const after = checkLambdaRuntime('nodejs22.x', 'runtime', new Date('2027-05-15T00:00:00Z'));

    // Assert
    expect(before).toBeUndefined();
    expect(within).toBe(
      'runtime: nodejs22.x is deprecated on 2027-04-30; AWS blocks creating functions on it from 2027-06-01 and updating them from 2027-07-01 — move to nodejs24.x',
    );
    expect(after).toContain('nodejs22.x was deprecated on 2027-04-30');
  });

  it('rejects a runtime the table does not know', () => {
    // Act
    const check = () => checkLambdaRuntime('nodejs26.x', 'runtime', TODAY);

    // Assert
    expect(check).toThrow(UnknownRuntimeError);
    expect(check).toThrow(/nodejs26.x is not a Lambda Node.js runtime shardflow knows \(known: nodejs24.x, /);
  });

  it('lists block dates after deprecation dates, and nodejs24.x as the newest', () => {
    // Assert
    for (const [runtime, dates] of Object.entries(LAMBDA_NODE_RUNTIMES)) {
      expect(dates.blockCreate >= dates.deprecated, runtime).toBe(true);
      expect(dates.blockUpdate >= dates.blockCreate, runtime).toBe(true);
    }
    expect(newestRuntime()).toBe('nodejs24.x');
    expect(LAMBDA_NODE_RUNTIMES['nodejs20.x']?.deprecated).toBe('2026-04-30');
  });
});

describe('planDeployment: the runtime of each function', () => {
  it('defaults to nodejs24.x on arm64', () => {
    // Act
    const plan = planDeployment(deployConfig({ orders: ordersStream() }), 'dev', { today: TODAY });

    // Assert
    expect(plan.streams[0]).toMatchObject({ runtime: 'nodejs24.x', architecture: 'arm64' });
    expect(plan.warnings.filter((warning) => warning.includes('nodejs'))).toEqual([]);
  });

  it('takes the config’s, the stream’s, the stage’s and the stage’s per-stream runtime, most specific first', () => {
    // Arrange
    const config = deployConfig(
      {
        orders: ordersStream({ runtime: 'nodejs22.x' }),
        clicks: ordersStream({ source: { type: 'kinesis', stream: 'c' } }),
      },
      {
        runtime: 'nodejs22.x',
        stages: { prod: { runtime: 'nodejs24.x', streams: { clicks: { runtime: 'nodejs22.x' } } } },
      } as never,
    );

    // Act
    const dev = planDeployment(config, 'dev', { today: TODAY });
    const prod = planDeployment(config, 'prod', { today: TODAY });

    // Assert
    expect(dev.streams.map((stream) => stream.runtime)).toEqual(['nodejs22.x', 'nodejs22.x']);
    expect(prod.streams.map((stream) => stream.runtime)).toEqual(['nodejs24.x', 'nodejs22.x']);
  });

  it('fails the plan on a blocked runtime, naming where it is set', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream() }, { stages: { prod: { runtime: 'nodejs20.x' } } } as never);

    // Act
    const plan = () => planDeployment(config, 'prod', { today: TODAY });

    // Assert
    expect(plan).toThrow(RuntimeBlockedError);
    expect(plan).toThrow(/^stages\.prod\.runtime: nodejs20\.x was deprecated/);
    expect(planDeployment(config, 'dev', { today: TODAY }).streams[0]?.runtime).toBe('nodejs24.x');
  });

  it('warns once per runtime within 90 days of its deprecation', () => {
    // Arrange
    const config = deployConfig(
      { orders: ordersStream(), clicks: ordersStream({ source: { type: 'kinesis', stream: 'c' } }) },
      { runtime: 'nodejs22.x' } as never,
    );

    // Act
    const { warnings } = planDeployment(config, 'dev', { today: new Date('2027-03-01T00:00:00Z') });

    // Assert
    expect(
      warnings.filter((warning) => warning.startsWith('runtime: nodejs22.x is deprecated on 2027-04-30')),
    ).toHaveLength(1);
  });

  it('rejects a runtime setting that is not a Node.js runtime when the config is defined', () => {
    // Act
    const define = () => deployConfig({ orders: ordersStream({ runtime: 'python3.13' }) });

    // Assert
    expect(define).toThrow(ConfigError);
    expect(define).toThrow("streams.orders.runtime: must be a Lambda Node.js runtime such as 'nodejs24.x'");
  });
});
