import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EsmSettings, resolveEsmSettings } from '../../src/local/esm/settings.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import type { DynamoDBStreamEvent, KinesisStreamEvent } from '../../src/runtime/records/lambda-events.js';
import { configForStage } from '../../src/runtime/stages/config-for-stage.js';
import { AWS_SAMPLE_DYNAMODB_EVENT, AWS_SAMPLE_KINESIS_EVENT } from '../factories/index.js';
import app from './fixtures/deploy/app.config.js';
import { findWildcardGrants } from './fixtures/deploy/iam-wildcards.js';
import { readZip } from './fixtures/deploy/read-zip.js';
import { invokePackagedBundle } from './fixtures/deploy/run-bundle.js';
import {
  cfnLintErrors,
  FIXTURES,
  type OslsPackageResult,
  oslsPackage,
  REPO_ROOT,
  type Template,
} from './fixtures/deploy/run-osls.js';

/**
 * `osls package` of serverless.yml, offline and without AWS credentials, for two stages of the fixture app
 * (every kind of source, destination and quarantine sink, application resources, stage overrides), then
 * assertions on the CloudFormation it generates and on the function zips.
 */

const STAGES = ['dev', 'prod'] as const;
type Stage = (typeof STAGES)[number];

/** The event source mapping properties AWS documents for a stream's settings (written out independently here). */
function expectedMapping(settings: EsmSettings): Record<string, unknown> {
  return {
    StartingPosition: settings.startingPosition,
    BatchSize: settings.batchSize,
    MaximumBatchingWindowInSeconds: settings.batchWindowSeconds,
    ParallelizationFactor: settings.parallelizationFactor,
    BisectBatchOnFunctionError: settings.bisectOnError,
    MaximumRetryAttempts: settings.maxRetries,
    MaximumRecordAgeInSeconds: settings.maxRecordAgeSeconds,
    TumblingWindowInSeconds: settings.tumblingWindowSeconds,
    FunctionResponseTypes: settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    ...(settings.startingPositionTimestamp === undefined
      ? {}
      : { StartingPositionTimestamp: settings.startingPositionTimestamp.getTime() / 1000 }),
    ...(settings.filterPatterns.length === 0
      ? {}
      : { FilterCriteria: { Filters: settings.filterPatterns.map((p) => ({ Pattern: JSON.stringify(p) })) } }),
    ...(settings.metrics.length === 0 ? {} : { MetricsConfig: { Metrics: [...settings.metrics] } }),
  };
}

const STREAMS = ['orders', 'clicks', 'payments', 'refunds'] as const;

/** AWS's sample event of a stream's source type. */
function sampleEventOf(config: ShardflowConfig, stream: string): KinesisStreamEvent | DynamoDBStreamEvent {
  return config.streams[stream]!.source.type === 'kinesis' ? AWS_SAMPLE_KINESIS_EVENT : AWS_SAMPLE_DYNAMODB_EVENT;
}

/** The record identifiers (sequence numbers) of an event. */
function identifiersOf(event: KinesisStreamEvent | DynamoDBStreamEvent): string[] {
  return event.Records.map((record) =>
    'kinesis' in record ? record.kinesis.sequenceNumber : (record.dynamodb?.SequenceNumber ?? ''),
  );
}

/**
 * Invokes every stream function's packaged bundle from plain `node` with the template's environment and AWS's
 * sample event of its source: the bundle loads with nothing but itself, and answers with a partial batch
 * response naming only records of the event (offline, records that need AWS are reported for retry).
 */
async function expectBundlesToHandleSampleEvents(
  run: OslsPackageResult,
  template: Template,
  config: ShardflowConfig,
): Promise<void> {
  for (const stream of Object.keys(config.streams)) {
    const fn = functionOf(template, stream);
    const event = sampleEventOf(config, stream);
    const invocation = await invokePackagedBundle(join(run.packageDir, `${stream}.zip`), event, {
      ...(fn.Properties.Environment.Variables as Record<string, string>),
      AWS_REGION: 'us-east-1',
    });
    expect(invocation.error, `${stream}: ${invocation.output}`).toBeUndefined();
    const failures = (invocation.result as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
    expect(Array.isArray(failures), `${stream}: ${invocation.output}`).toBe(true);
    for (const failure of failures) expect(identifiersOf(event)).toContain(failure.itemIdentifier);
  }
}

function resourcesOfType(template: Template, type: string): [string, Template['Resources'][string]][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function functionOf(template: Template, stream: string) {
  const name = stream.charAt(0).toUpperCase() + stream.slice(1);
  return template.Resources[`${name}LambdaFunction`]!;
}

function mappingOf(template: Template, stream: string) {
  const name = stream.charAt(0).toUpperCase() + stream.slice(1);
  return template.Resources[`${name}EventSourceMapping`]!;
}

function roleOf(template: Template, stream: string) {
  const name = stream.charAt(0).toUpperCase() + stream.slice(1);
  return template.Resources[`${name}ExecutionRole`]!;
}

function roleId(stream: string): string {
  return `${stream.charAt(0).toUpperCase()}${stream.slice(1)}ExecutionRole`;
}

function statementsOf(role: Template['Resources'][string]): { Action: string[]; Resource: unknown[] }[] {
  return role.Properties.Policies[0].PolicyDocument.Statement;
}

describe('osls package --stage dev|prod of the fixture app (offline, no AWS credentials)', () => {
  const runs = {} as Record<Stage, OslsPackageResult>;
  const templates = {} as Record<Stage, Template>;
  const config = app as ShardflowConfig;

  beforeAll(async () => {
    // Act: the two stages, one after the other (each takes a few seconds).
    for (const stage of STAGES) {
      runs[stage] = await oslsPackage({ stage, config: `${FIXTURES}/app.config.ts` });
      if (runs[stage].exitCode === 0) templates[stage] = await runs[stage].template();
    }
  }, 120_000);

  afterAll(async () => {
    for (const stage of STAGES) await runs[stage]?.cleanup();
  });

  it.each(STAGES)('%s: packages without touching the network', (stage) => {
    // Assert
    expect(runs[stage].output).toContain('Service packaged');
    expect(runs[stage].exitCode).toBe(0);
    expect(runs[stage].networkAttempts).toEqual([]);
  });

  it.each(STAGES)(
    '%s: every event source mapping equals resolveEsmSettings of its stream (the local ESM’s view)',
    (stage) => {
      // Arrange
      const deployed = configForStage(config, stage);

      for (const name of Object.keys(config.streams)) {
        // Act
        const mapping = mappingOf(templates[stage], name);

        // Assert
        expect(mapping.Type).toBe('AWS::Lambda::EventSourceMapping');
        expect(mapping.Properties).toMatchObject(expectedMapping(resolveEsmSettings(deployed.streams[name]!)));
        expect(mapping.Properties.FunctionName).toEqual({
          'Fn::GetAtt': [`${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`, 'Arn'],
        });
      }
      expect(resourcesOfType(templates[stage], 'AWS::Lambda::EventSourceMapping')).toHaveLength(4);
    },
  );

  it('writes the config’s own values: filters, bisect, retries, age, windows and AT_TIMESTAMP', () => {
    // Arrange
    const orders = mappingOf(templates.prod, 'orders').Properties;
    const clicks = mappingOf(templates.prod, 'clicks').Properties;
    const payments = mappingOf(templates.prod, 'payments').Properties;

    // Assert
    expect(orders).toMatchObject({
      BatchSize: 200,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT","MODIFY"]}' }] },
    });
    expect(clicks).toMatchObject({
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1714521600,
      TumblingWindowInSeconds: 60,
      MaximumRetryAttempts: 3,
    });
    expect(payments).toMatchObject({
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      StartingPosition: 'LATEST',
    });
    expect(payments.FilterCriteria).toBeUndefined();
    expect(mappingOf(templates.prod, 'refunds').Properties.DestinationConfig).toBeUndefined();
  });

  it('applies the per-stage overrides: memory, batch size, per-stream settings, log retention, log level, alarms', () => {
    // Arrange
    const { dev, prod } = templates;

    // Assert: dev — 256 MB and batches of 10 everywhere, logs kept 7 days, no alarms.
    for (const name of ['orders', 'clicks', 'payments', 'refunds']) {
      expect(functionOf(dev, name).Properties.MemorySize).toBe(256);
      expect(mappingOf(dev, name).Properties.BatchSize).toBe(10);
      expect(functionOf(prod, name).Properties.MemorySize).toBe(2048);
    }
    const streamLogGroups = (template: Template) =>
      resourcesOfType(template, 'AWS::Logs::LogGroup').filter(([id]) => id !== 'HealthLogGroup');
    expect(streamLogGroups(dev).map(([, g]) => g.Properties.RetentionInDays)).toEqual([7, 7, 7, 7]);
    expect(resourcesOfType(dev, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(configForStage(config, 'dev').logging?.level).toBe('debug');

    // Assert: prod — the config's batch sizes except clicks (1000, parallelization 4), 90 days, alarms with actions.
    expect(mappingOf(prod, 'orders').Properties.BatchSize).toBe(200);
    expect(mappingOf(prod, 'payments').Properties.BatchSize).toBe(100);
    expect(mappingOf(prod, 'clicks').Properties).toMatchObject({ BatchSize: 1000, ParallelizationFactor: 4 });
    expect(functionOf(prod, 'clicks').Properties.Timeout).toBe(120);
    expect(streamLogGroups(prod).map(([, g]) => g.Properties.RetentionInDays)).toEqual([90, 90, 90, 90]);
    const alarms = resourcesOfType(prod, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.map((alarm) => alarm.MetricName).sort()).toEqual(
      [
        ...Array(4).fill('IteratorAge'),
        ...Array(4).fill('Errors'),
        'ApproximateNumberOfMessagesVisible',
        'PutRequests',
        'NumberOfMessagesPublished',
      ].sort(),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:shop-oncall']);
    expect(prod.Resources.OrdersIteratorAgeAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'OrdersLambdaFunction' } }],
      Threshold: 60_000,
    });
  });

  it.each(STAGES)('%s: scopes every created resource name to the stage', (stage) => {
    // Arrange
    const { Resources } = templates[stage];

    // Assert
    expect(Resources.OrdersTable?.Properties.TableName).toBe(`orders-${stage}`);
    expect(Resources.ClicksStream?.Properties).toMatchObject({ Name: `clicks-${stage}`, ShardCount: 2 });
    expect(Resources.ShopOrdersFailuresQueue?.Properties.QueueName).toBe(`shop-orders-failures-${stage}`);
    expect(Resources.ShopClicksFailuresBucket?.Properties.BucketName).toBe(`shop-clicks-failures-${stage}`);
    expect(Resources.ShopPaymentsFailuresTopic?.Properties.TopicName).toBe(`shop-payments-failures-${stage}`);
    expect(Resources.ShopQuarantineBucket?.Properties.BucketName).toBe(`shop-quarantine-${stage}`);
    expect(Resources.ShopIdempotencyTable?.Properties.TableName).toBe(`shop-idempotency-${stage}`);
    expect(functionOf(templates[stage], 'orders').Properties.FunctionName).toBe(`shop-${stage}-orders`);
    expect(functionOf(templates[stage], 'orders').Properties.Environment.Variables.SHOP_LAKE_BUCKET).toBe(
      `shop-lake-${stage}`,
    );
    expect(functionOf(templates[stage], 'clicks').Properties.Environment.Variables.SHOP_SESSIONS_TABLE).toBe(
      `shop-sessions-${stage}`,
    );
  });

  it('wires sources and on-failure destinations to the right ARNs', () => {
    // Arrange
    const template = templates.prod;

    // Assert: sources — created table's stream, created stream, existing ARN, another stack's export.
    expect(mappingOf(template, 'orders').Properties.EventSourceArn).toEqual({
      'Fn::GetAtt': ['OrdersTable', 'StreamArn'],
    });
    expect(mappingOf(template, 'clicks').Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['ClicksStream', 'Arn'] });
    expect(mappingOf(template, 'payments').Properties.EventSourceArn).toBe(
      'arn:aws:kinesis:us-east-1:123456789012:stream/payments',
    );
    expect(mappingOf(template, 'refunds').Properties.EventSourceArn).toEqual({
      'Fn::ImportValue': 'billing-RefundsStreamArn',
    });
    // Assert: destinations — SQS queue, S3 bucket, SNS topic (a topic's Ref is its ARN).
    expect(mappingOf(template, 'orders').Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': ['ShopOrdersFailuresQueue', 'Arn'] } },
    });
    expect(mappingOf(template, 'clicks').Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': ['ShopClicksFailuresBucket', 'Arn'] } },
    });
    expect(mappingOf(template, 'payments').Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { Ref: 'ShopPaymentsFailuresTopic' } },
    });
    expect(mappingOf(template, 'orders').DependsOn).toEqual(['OrdersExecutionRole']);
  });

  it.each(STAGES)('%s: least privilege — no wildcard on Kinesis, DynamoDB, SQS, SNS, S3 or KMS', (stage) => {
    // Arrange
    const template = templates[stage];

    // Act
    const problems = findWildcardGrants(template);

    // Assert
    expect(problems).toEqual([]);
    // No stream function shares a role: each has its own (the framework's shared role serves serverless.yml's own function).
    for (const stream of STREAMS) {
      expect(functionOf(template, stream).Properties.Role).toEqual({ 'Fn::GetAtt': [`${roleId(stream)}`, 'Arn'] });
    }
    const shardflowRoles = resourcesOfType(template, 'AWS::IAM::Role').filter(
      ([id]) => id !== 'IamRoleLambdaExecution',
    );
    for (const [, role] of shardflowRoles) {
      expect(role.Properties.ManagedPolicyArns).toEqual([
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS one.
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      ]);
    }
  });

  it('grants each function only its own stream, destination, quarantine sink, tables and resources', () => {
    // Arrange
    const template = templates.prod;
    const grants = (stream: string) =>
      statementsOf(roleOf(template, stream)).map((statement) => ({
        actions: statement.Action,
        resources: statement.Resource,
      }));

    // Assert
    expect(grants('orders')).toEqual([
      {
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [{ 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] }],
      },
      { actions: ['sqs:SendMessage'], resources: [{ 'Fn::GetAtt': ['ShopOrdersFailuresQueue', 'Arn'] }] },
      {
        actions: ['s3:PutObject'],
        resources: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ShopQuarantineBucket', 'Arn'] }, '/quarantine/*']] }],
      },
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
        resources: [{ 'Fn::GetAtt': ['ShopIdempotencyTable', 'Arn'] }],
      },
      {
        actions: ['s3:PutObject'],
        resources: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ShopLakeBucket', 'Arn'] }, '/facts/*']] }],
      },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [{ 'Fn::GetAtt': ['ShardflowKmsKey', 'Arn'] }] },
    ]);
    expect(grants('clicks')).toEqual([
      {
        actions: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        resources: [{ 'Fn::GetAtt': ['ClicksStream', 'Arn'] }],
      },
      {
        actions: ['s3:PutObject'],
        resources: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ShopClicksFailuresBucket', 'Arn'] }, '/aws/lambda/*']] }],
      },
      { actions: ['s3:ListBucket'], resources: [{ 'Fn::GetAtt': ['ShopClicksFailuresBucket', 'Arn'] }] },
      {
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: [{ 'Fn::GetAtt': ['ShopClicksQuarantineStream', 'Arn'] }],
      },
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        resources: [{ 'Fn::GetAtt': ['ShopSessionsTable', 'Arn'] }],
      },
      {
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        resources: [{ 'Fn::GetAtt': ['ShopSessionsTable', 'Arn'] }],
      },
    ]);
    expect(grants('payments')).toEqual([
      {
        actions: expect.arrayContaining(['kinesis:GetRecords']),
        resources: ['arn:aws:kinesis:us-east-1:123456789012:stream/payments'],
      },
      { actions: ['sns:Publish'], resources: [{ Ref: 'ShopPaymentsFailuresTopic' }] },
      { actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:payments-quarantine'] },
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
        resources: [{ 'Fn::GetAtt': ['ShopIdempotencyTable', 'Arn'] }],
      },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [{ 'Fn::GetAtt': ['ShardflowKmsKey', 'Arn'] }] },
    ]);
    expect(grants('refunds')).toEqual([
      {
        actions: expect.arrayContaining(['dynamodb:GetRecords']),
        resources: [{ 'Fn::ImportValue': 'billing-RefundsStreamArn' }],
      },
      { actions: ['dynamodb:BatchWriteItem'], resources: [{ 'Fn::GetAtt': ['ShopRefundsQuarantineTable', 'Arn'] }] },
    ]);
  });

  it.each(STAGES)(
    '%s: encrypts queues, topics, buckets, tables and streams; blocks public access to buckets',
    (stage) => {
      // Arrange
      const template = templates[stage];

      // Assert
      const queues = resourcesOfType(template, 'AWS::SQS::Queue');
      expect(queues).toHaveLength(1);
      for (const [, queue] of queues) {
        expect(queue.Properties).toMatchObject({
          KmsMasterKeyId: { 'Fn::GetAtt': ['ShardflowKmsKey', 'Arn'] },
          MessageRetentionPeriod: 1_209_600,
        });
      }
      expect(template.Resources.ShardflowKmsKey?.Properties.EnableKeyRotation).toBe(true);
      for (const [, topic] of resourcesOfType(template, 'AWS::SNS::Topic')) {
        expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['ShardflowKmsKey', 'Arn'] });
      }
      const buckets = resourcesOfType(template, 'AWS::S3::Bucket');
      expect(buckets.map(([id]) => id).sort()).toEqual(
        ['ServerlessDeploymentBucket', 'ShopClicksFailuresBucket', 'ShopLakeBucket', 'ShopQuarantineBucket'].sort(),
      );
      for (const [id, bucket] of buckets) {
        expect(
          bucket.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault,
          id,
        ).toBeDefined();
        expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      for (const [, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
        expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      }
      for (const [, stream] of resourcesOfType(template, 'AWS::Kinesis::Stream')) {
        expect(stream.Properties.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      }
    },
  );

  it('creates the idempotency table the store expects: key id (S), TTL on expiration', () => {
    // Arrange
    const table = templates.dev.Resources.ShopIdempotencyTable!;

    // Assert
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it.each(STAGES)('%s: every stream function is arm64 on nodejs24.x, with its own zip', (stage) => {
    // Assert
    for (const stream of STREAMS) {
      const fn = functionOf(templates[stage], stream);
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
      });
      expect(fn.Properties.Code.S3Key).toMatch(new RegExp(`/${stream}\\.zip$`));
    }
  });

  it.each(STAGES)(
    '%s: keeps serverless.yml’s own function, its package patterns and its provider settings',
    async (stage) => {
      // Arrange
      const health = templates[stage].Resources.HealthLambdaFunction!;

      // Act
      const files = await readZip(join(runs[stage].packageDir, 'health.zip'));

      // Assert
      expect(health.Properties).toMatchObject({
        Handler: 'example/functions/health.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        FunctionName: `shop-analytics-${stage}-health`,
        Environment: { Variables: { SERVICE_NAME: 'shop-analytics', STAGE: stage } },
      });
      expect([...files.keys()].sort()).toEqual(['example/functions/health.js', 'example/functions/package.json']);
    },
  );

  it.each(STAGES)('%s: cfn-lint finds no error in the packaged template', async (stage) => {
    // Act
    const errors = await cfnLintErrors(join(runs[stage].packageDir, 'cloudformation-template-update-stack.json'));

    // Assert
    if (errors !== undefined) expect(errors).toEqual([]);
  });

  it('dev deletes its data resources with the stack (buckets emptied first); prod, with retain, keeps them', () => {
    // Arrange
    const dataTypes = [
      'AWS::DynamoDB::Table',
      'AWS::S3::Bucket',
      'AWS::Kinesis::Stream',
      'AWS::SQS::Queue',
      'AWS::KMS::Key',
    ];
    const data = (template: Template) =>
      Object.entries(template.Resources).filter(
        ([id, resource]) => dataTypes.includes(resource.Type) && id !== 'ServerlessDeploymentBucket',
      ) as [string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }][];

    // Assert
    expect(data(templates.dev).length).toBeGreaterThan(5);
    for (const [id, resource] of data(templates.dev)) {
      expect([resource.DeletionPolicy, resource.UpdateReplacePolicy], id).toEqual(['Delete', 'Delete']);
    }
    for (const [id, resource] of data(templates.prod)) {
      expect([resource.DeletionPolicy, resource.UpdateReplacePolicy], id).toEqual(['Retain', 'Retain']);
    }
    const emptiers = resourcesOfType(templates.dev, 'Custom::ShardflowEmptyBucket').map(
      ([, r]) => r.Properties.BucketName,
    );
    expect(emptiers).toEqual(
      expect.arrayContaining([
        { Ref: 'ShopQuarantineBucket' },
        { Ref: 'ShopClicksFailuresBucket' },
        { Ref: 'ShopLakeBucket' },
      ]),
    );
    expect(resourcesOfType(templates.prod, 'Custom::ShardflowEmptyBucket')).toEqual([]);
    expect(templates.dev.Resources.ShardflowBucketEmptier?.Properties.Runtime).toBe('nodejs24.x');
  });

  it.each(STAGES)(
    '%s: each bundle, run by plain node with the template’s environment, handles AWS’s sample event',
    async (stage) => {
      // Act + Assert
      await expectBundlesToHandleSampleEvents(runs[stage], templates[stage], configForStage(config, stage));
    },
  );

  it('ships a bundle that loads and handles an event: tree-shaken, minified, with source maps and error names', async () => {
    // Arrange
    const files = await readZip(join(runs.prod.packageDir, 'orders.zip'));
    const dir = await mkdtemp(join(tmpdir(), 'shardflow-bundle-'));
    for (const [name, data] of files) {
      await import('node:fs/promises').then((fs) => fs.mkdir(dirname(join(dir, name)), { recursive: true }));
      await writeFile(join(dir, name), data);
    }
    const sizes = Object.fromEntries(
      await Promise.all(
        ['orders', 'clicks', 'payments', 'refunds'].map(async (name) => {
          const { stat } = await import('node:fs/promises');
          return [name, (await stat(join(runs.prod.packageDir, `${name}.zip`))).size] as const;
        }),
      ),
    );
    console.log('function zip sizes (bytes):', sizes);

    try {
      // Act
      const { handler } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as {
        handler: (event: unknown, context?: unknown) => Promise<unknown>;
      };
      const empty = await handler({ Records: [] }, {});
      const invalid = await handler({ nothing: true }, {}).catch((error: Error) => error);

      // Assert
      expect([...files.keys()]).toContain('index.mjs');
      expect([...files.keys()]).toContain('index.mjs.map');
      expect(files.get('index.mjs')!.toString('utf8')).toContain('//# sourceMappingURL=index.mjs.map');
      expect(empty).toEqual({ batchItemFailures: [] });
      expect((invalid as Error).name).toBe('UnsupportedEventError');
      for (const size of Object.values(sizes)) expect(size).toBeLessThan(5 * 1024 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('osls package of the repository’s shardflow.config.ts', () => {
  let run: OslsPackageResult;

  beforeAll(async () => {
    // Act
    run = await oslsPackage({ stage: 'dev' });
  }, 60_000);

  afterAll(async () => {
    await run?.cleanup();
  });

  it('deploys every stream with its ESM settings, least-privilege roles and arm64', async () => {
    // Arrange
    expect(run.output).toContain('Service packaged');
    const template = await run.template();
    const config = (await import(pathToFileURL(join(process.cwd(), 'shardflow.config.ts')).href))
      .default as ShardflowConfig;
    const deployed = configForStage(config, 'dev');

    // Assert
    expect(run.networkAttempts).toEqual([]);
    for (const name of Object.keys(config.streams)) {
      expect(mappingOf(template, name).Properties).toMatchObject(
        expectedMapping(resolveEsmSettings(deployed.streams[name]!)),
      );
      expect(functionOf(template, name).Properties.Architectures).toEqual(['arm64']);
    }
    expect(findWildcardGrants(template)).toEqual([]);
  });

  it('gives every stream that can run out of retries an on-failure destination (revenue included)', async () => {
    // Arrange
    const template = await run.template();

    // Assert
    for (const name of ['orders', 'revenue', 'clicks']) {
      expect(mappingOf(template, name).Properties.DestinationConfig?.OnFailure?.Destination, name).toBeDefined();
    }
  });

  it('has a template cfn-lint finds no error in', async () => {
    // Act
    const errors = await cfnLintErrors(join(run.packageDir, 'cloudformation-template-update-stack.json'));

    // Assert
    if (errors !== undefined) expect(errors).toEqual([]);
  });

  it('ships bundles that plain node runs with the template’s environment on AWS’s sample events', async () => {
    // Arrange
    const template = await run.template();
    const config = (await import(pathToFileURL(join(process.cwd(), 'shardflow.config.ts')).href))
      .default as ShardflowConfig;

    // Act + Assert
    await expectBundlesToHandleSampleEvents(run, template, configForStage(config, 'dev'));
  });
});

describe('reproducible bundles: the same commit packaged from two checkout paths', () => {
  const copies: string[] = [];
  const runs: OslsPackageResult[] = [];

  beforeAll(async () => {
    // Arrange: two copies of this checkout (tracked files and the built dist/) at paths of different lengths.
    const base = await mkdtemp(join(tmpdir(), 'shardflow-checkouts-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file !== '' && file !== 'node_modules' && existsSync(join(REPO_ROOT, file)));
    for (const copy of [join(base, 'a'), join(base, 'a-much-longer', 'checkout', 'path')]) {
      for (const file of [...files, 'dist']) await cp(join(REPO_ROOT, file), join(copy, file), { recursive: true });
      await symlink(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
      copies.push(copy);
    }
    // Act
    for (const copy of copies) runs.push(await oslsPackage({ stage: 'dev', serviceDir: copy }));
  }, 180_000);

  afterAll(async () => {
    for (const run of runs) await run.cleanup();
    if (copies[0] !== undefined) await rm(dirname(copies[0]), { recursive: true, force: true });
  });

  it('gives byte-identical function zips', async () => {
    // Arrange
    const digest = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    const [first, second] = runs as [OslsPackageResult, OslsPackageResult];

    for (const stream of ['orders', 'revenue', 'clicks']) {
      // Act
      const [a, b] = await Promise.all([
        digest(join(first.packageDir, `${stream}.zip`)),
        digest(join(second.packageDir, `${stream}.zip`)),
      ]);

      // Assert
      console.log(`${stream}.zip sha256 ${a} (copy 1) ${b} (copy 2)`);
      expect(first.exitCode).toBe(0);
      expect(b, stream).toBe(a);
    }
    const sources = JSON.parse((await readZip(join(first.packageDir, 'orders.zip'))).get('index.mjs.map')!.toString())
      .sources as string[];
    expect(sources.filter((source) => source.includes(copies[0]!) || source.includes('/tmp/'))).toEqual([]);
  });
});
