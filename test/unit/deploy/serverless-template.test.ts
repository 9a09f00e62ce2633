import { describe, expect, it } from 'vitest';
import type { AppResourceConfig } from '../../../src/deploy/app-resources.js';
import { planDeployment } from '../../../src/deploy/deploy-plan.js';
import { buildServerlessSections, sourceArn } from '../../../src/deploy/serverless-template.js';
import { DuplicateNameError } from '../../../src/runtime/config/errors.js';
import type { StagesConfig } from '../../../src/runtime/stages/stage-overrides.js';
import { findWildcardGrants } from '../../e2e/fixtures/deploy/iam-wildcards.js';
import { clicksStream, deployConfig, ordersStream } from './fixtures.js';

describe('buildServerlessSections', () => {
  it('generates one function per stream with its own role and event source mapping', () => {
    // Arrange
    const plan = planDeployment(deployConfig({ orders: ordersStream(), clicks: clicksStream() }), 'dev');

    // Act
    const sections = buildServerlessSections(plan);

    // Assert
    expect(sections.functions.orders).toEqual({
      name: 'shop-dev-orders',
      handler: 'index.handler',
      description: 'shardflow: dynamodb orders-dev → order-facts',
      role: 'OrdersExecutionRole',
      memorySize: 1024,
      timeout: 60,
      runtime: 'nodejs24.x',
      architecture: 'arm64',
      environment: { NODE_OPTIONS: '--enable-source-maps', SHARDFLOW_STAGE: 'dev' },
    });
    const resources = sections.resources.Resources;
    expect(resources.OrdersEventSourceMapping?.DependsOn).toEqual(['OrdersExecutionRole']);
    expect(resources.ClicksEventSourceMapping?.Properties.EventSourceArn).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS one.
      'Fn::Sub': 'arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks',
    });
    expect(findWildcardGrants({ Resources: resources })).toEqual([]);
    expect(sections.functions.orders?.logRetentionInDays).toBeUndefined();
  });

  it('creates a resource shared by several streams once', () => {
    // Arrange
    const plan = planDeployment(
      deployConfig({ orders: ordersStream(), clicks: clicksStream({ idempotency: { table: 'shop-idempotency' } }) }),
      'dev',
    );

    // Act
    const resources = buildServerlessSections(plan).resources.Resources;

    // Assert
    const tables = Object.values(resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables.map((table) => table.Properties.TableName)).toEqual(['orders-dev', 'shop-idempotency-dev']);
    expect(Object.keys(resources).filter((id) => id === 'ShopQuarantineBucket')).toHaveLength(1);
  });

  it('refuses one table used for two incompatible things', () => {
    // Arrange
    const plan = planDeployment(
      deployConfig({ orders: ordersStream({ quarantine: { type: 'dynamodb', table: 'shop-idempotency' } }) }),
      'dev',
    );

    // Act
    const act = () => buildServerlessSections(plan);

    // Assert
    expect(act).toThrow(DuplicateNameError);
    expect(act).toThrow(expect.objectContaining({ path: 'streams.orders.idempotency.table' }));
  });

  it('creates the KMS key only when a queue or topic needs it', () => {
    // Arrange
    const withQueue = planDeployment(deployConfig({ orders: ordersStream() }), 'dev');
    const withBucket = planDeployment(deployConfig({ clicks: clicksStream() }), 'dev');

    // Act
    const queueResources = buildServerlessSections(withQueue).resources.Resources;
    const bucketResources = buildServerlessSections(withBucket).resources.Resources;

    // Assert
    expect(queueResources.ShardflowKmsKey?.Type).toBe('AWS::KMS::Key');
    expect(queueResources.ShardflowKmsKeyAlias?.Properties.AliasName).toBe('alias/shop-dev-shardflow');
    expect(bucketResources.ShardflowKmsKey).toBeUndefined();
  });

  it('adds alarms, and S3 request metrics for an S3 destination, only where the stage turns them on', () => {
    // Arrange
    const config = deployConfig(
      { clicks: clicksStream() },
      { stages: { prod: { alarms: true, retentionDays: 30 } } as StagesConfig },
    );

    // Act
    const dev = buildServerlessSections(planDeployment(config, 'dev'));
    const prod = buildServerlessSections(planDeployment(config, 'prod'));

    // Assert
    expect(Object.keys(dev.resources.Resources).filter((id) => id.endsWith('Alarm'))).toEqual([]);
    expect(dev.resources.Resources.ShopClicksFailuresBucket?.Properties.MetricsConfigurations).toBeUndefined();
    expect(Object.keys(prod.resources.Resources).filter((id) => id.endsWith('Alarm'))).toEqual([
      'ClicksIteratorAgeAlarm',
      'ClicksErrorsAlarm',
      'ClicksOnFailureDepthAlarm',
    ]);
    expect(prod.resources.Resources.ClicksOnFailureDepthAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: 'PutRequests',
      Dimensions: [
        { Name: 'BucketName', Value: { Ref: 'ShopClicksFailuresBucket' } },
        { Name: 'FilterId', Value: 'EntireBucket' },
      ],
    });
    expect(prod.resources.Resources.ShopClicksFailuresBucket?.Properties.MetricsConfigurations).toEqual([
      { Id: 'EntireBucket' },
    ]);
    expect(prod.functions.clicks?.logRetentionInDays).toBe(30);
  });

  it('creates application resources, grants them and passes their names in the environment', () => {
    // Arrange
    const resources: Record<string, AppResourceConfig> = {
      archive: { type: 's3', bucket: 'arn:aws:s3:::shared-archive', env: 'ARCHIVE_BUCKET', access: 'read' },
    };
    const plan = planDeployment(deployConfig({ orders: ordersStream() }, { resources }), 'dev');

    // Act
    const sections = buildServerlessSections(plan);

    // Assert
    expect(sections.functions.orders?.environment.ARCHIVE_BUCKET).toBe('shared-archive');
    const statements = sections.resources.Resources.OrdersExecutionRole?.Properties.Policies as {
      PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] };
    }[];
    expect(statements[0]?.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [{ 'Fn::Join': ['', ['arn:aws:s3:::shared-archive', '/*']] }],
    });
    expect(statements[0]?.PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: ['arn:aws:s3:::shared-archive'],
    });
  });

  it('exports what benchmarks and the redrive tool look up', () => {
    // Arrange
    const plan = planDeployment(deployConfig({ orders: ordersStream() }), 'prod');

    // Act
    const outputs = buildServerlessSections(plan).resources.Outputs;

    // Assert
    expect(outputs.OrdersFunctionName).toEqual({
      Description: 'Function of stream orders',
      Value: 'shop-prod-orders',
      Export: { Name: 'shop-prod-OrdersFunctionName' },
    });
    expect(outputs.OrdersSourceArn?.Value).toEqual(sourceArn(plan.streams[0]!.source));
    expect(outputs.OrdersOnFailureDestinationArn?.Value).toEqual({ 'Fn::GetAtt': ['ShopOrdersFailuresQueue', 'Arn'] });
  });
});
