import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EsmSettings, resolveEsmSettings } from '../../src/local/esm/settings.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import { configForStage } from '../../src/runtime/stages/config-for-stage.js';
import app from './fixtures/deploy/app.config.js';
import { findWildcardGrants } from './fixtures/deploy/iam-wildcards.js';
import { readZip } from './fixtures/deploy/read-zip.js';
import { FIXTURES, type OslsPackageResult, oslsPackage, type Template } from './fixtures/deploy/run-osls.js';

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
  };
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
    expect(resourcesOfType(dev, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.RetentionInDays)).toEqual([
      7, 7, 7, 7,
    ]);
    expect(resourcesOfType(dev, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(configForStage(config, 'dev').logging?.level).toBe('debug');

    // Assert: prod — the config's batch sizes except clicks (1000, parallelization 4), 90 days, alarms with actions.
    expect(mappingOf(prod, 'orders').Properties.BatchSize).toBe(200);
    expect(mappingOf(prod, 'payments').Properties.BatchSize).toBe(100);
    expect(mappingOf(prod, 'clicks').Properties).toMatchObject({ BatchSize: 1000, ParallelizationFactor: 4 });
    expect(functionOf(prod, 'clicks').Properties.Timeout).toBe(120);
    expect(resourcesOfType(prod, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.RetentionInDays)).toEqual([
      90, 90, 90, 90,
    ]);
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
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined(); // no shared role: one role per function
    for (const [, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
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

  it.each(STAGES)('%s: every function is arm64 on nodejs20.x, with its own zip', (stage) => {
    // Arrange
    const functions = resourcesOfType(templates[stage], 'AWS::Lambda::Function');

    // Assert
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
      });
      expect(fn.Properties.Code.S3Key).toMatch(/\/(orders|clicks|payments|refunds)\.zip$/);
    }
  });

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
});
