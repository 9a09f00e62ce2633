import { describe, expect, it } from 'vitest';
import { eventSourceMappingProperties } from '../../../src/deploy/event-source-mapping.js';
import { resolveEsmSettings } from '../../../src/local/esm/settings.js';
import { asStream, clicksStream, ordersStream } from './fixtures.js';

const targets = { functionArn: { 'Fn::GetAtt': ['FnLambdaFunction', 'Arn'] }, eventSourceArn: 'arn:source' } as const;

describe('eventSourceMappingProperties', () => {
  it('writes every setting out, AWS defaults included', () => {
    // Arrange
    const settings = resolveEsmSettings(asStream(ordersStream({ onFailure: undefined })));

    // Act
    const properties = eventSourceMappingProperties(settings, { ...targets, onFailureArn: undefined });

    // Assert
    expect(properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['FnLambdaFunction', 'Arn'] },
      EventSourceArn: 'arn:source',
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      TumblingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MetricsConfig: { Metrics: ['EventCount'] },
    });
  });

  it('turns the mapping’s metrics off with metrics: []', () => {
    // Arrange
    const settings = resolveEsmSettings(asStream(ordersStream({ onFailure: undefined, metrics: [] })));

    // Act
    const properties = eventSourceMappingProperties(settings, { ...targets, onFailureArn: undefined });

    // Assert
    expect(properties.MetricsConfig).toBeUndefined();
  });

  it('adds the timestamp in epoch seconds, filter patterns as JSON and the destination', () => {
    // Arrange
    const settings = resolveEsmSettings(
      asStream(
        clicksStream({
          startingPosition: 'AT_TIMESTAMP',
          startingPositionTimestamp: '2024-05-01T00:00:00.500Z',
          filterPatterns: [{ data: { action: ['checkout'] } }, { data: { amount: [{ numeric: ['>', 100] }] } }],
          reportBatchItemFailures: false,
        }),
      ),
    );

    // Act
    const properties = eventSourceMappingProperties(settings, { ...targets, onFailureArn: 'arn:aws:s3:::failures' });

    // Assert
    expect(properties).toMatchObject({
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1714521600.5,
      FunctionResponseTypes: [],
      FilterCriteria: {
        Filters: [
          { Pattern: '{"data":{"action":["checkout"]}}' },
          { Pattern: '{"data":{"amount":[{"numeric":[">",100]}]}}' },
        ],
      },
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:s3:::failures' } },
    });
  });

  it('refuses a destination ARN the settings do not have (and the reverse)', () => {
    // Arrange
    const settings = resolveEsmSettings(asStream(ordersStream()));

    // Act
    const act = () => eventSourceMappingProperties(settings, { ...targets, onFailureArn: undefined });

    // Assert
    expect(act).toThrow(TypeError);
  });
});
