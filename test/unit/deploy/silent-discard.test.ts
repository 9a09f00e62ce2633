import { describe, expect, it } from 'vitest';
import { planDeployment } from '../../../src/deploy/deploy-plan.js';
import { SilentDiscardError } from '../../../src/deploy/errors.js';
import { deployConfig, ordersStream } from './fixtures.js';

describe('planDeployment: no silent loss', () => {
  it('refuses finite retries without an on-failure destination, saying what AWS would do', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream({ onFailure: undefined, maxRetries: 5 }) });

    // Act
    const plan = () => planDeployment(config, 'dev');

    // Assert
    expect(plan).toThrow(SilentDiscardError);
    expect(plan).toThrow(
      "streams.orders: AWS discards a failing batch after 5 retries (maxRetries), and with no onFailure destination nothing records which records were lost: add onFailure: { type: 'sqs' | 'sns' | 's3', … }, or opt out explicitly with discardOnFailure: true",
    );
  });

  it('refuses a finite record age without an on-failure destination', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream({ onFailure: undefined, maxRecordAgeSeconds: 3600 }) });

    // Act
    const error = (() => {
      try {
        planDeployment(config, 'dev');
      } catch (caught) {
        return caught as SilentDiscardError;
      }
    })();

    // Assert
    expect(error?.name).toBe('SilentDiscardError');
    expect(error?.path).toBe('streams.orders');
    expect(error?.message).toContain('once its records are 3600 s old (maxRecordAgeSeconds)');
  });

  it('accepts finite retries with an on-failure destination, or with the explicit opt-out (and warns)', () => {
    // Arrange
    const withDestination = deployConfig({ orders: ordersStream({ maxRetries: 5 }) });
    const optedOut = deployConfig({
      orders: ordersStream({ onFailure: undefined, maxRetries: 5, discardOnFailure: true }),
    });

    // Act
    const planned = planDeployment(withDestination, 'dev');
    const discarding = planDeployment(optedOut, 'dev');

    // Assert
    expect(planned.streams[0]?.onFailure?.name).toBe('shop-orders-failures-dev');
    expect(discarding.warnings).toContain(
      'streams.orders.discardOnFailure: batches that run out of retries or record age are discarded unrecorded',
    );
  });

  it('accepts unlimited retries and age without a destination (records are retried until they expire)', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream({ onFailure: undefined }) });

    // Act
    const plan = planDeployment(config, 'dev');

    // Assert
    expect(plan.streams[0]?.esm).toMatchObject({ maxRetries: -1, maxRecordAgeSeconds: -1 });
  });
});
