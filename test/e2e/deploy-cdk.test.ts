import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template as CdkTemplate, Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardflowStreams } from '../../src/deploy/cdk/index.js';
import { eventSourceMappingProperties } from '../../src/deploy/event-source-mapping.js';
import { resolveEsmSettings } from '../../src/local/esm/settings.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import { configForStage } from '../../src/runtime/stages/config-for-stage.js';
import app from './fixtures/deploy/app.config.js';
import {
  cfnLintErrors,
  FIXTURES,
  type OslsPackageResult,
  oslsPackage,
  REPO_ROOT,
  type Template,
} from './fixtures/deploy/run-osls.js';

/**
 * The CDK construct against the Serverless plugin: for the same config and stage, every event source
 * mapping `ShardflowStreams` synthesizes equals the one `osls package` writes and the one `resolveEsmSettings`
 * (the local ESM's view) implies; functions, roles and resources match too.
 */

const STAGES = ['dev', 'prod'] as const;
const config = app as ShardflowConfig;

function synth(props: ConstructorParameters<typeof ShardflowStreams>[2], outdir: string) {
  const cdkApp = new App({ outdir });
  const stack = new Stack(cdkApp, `shop-${props.stage}`, { env: { account: '123456789012', region: 'us-east-1' } });
  const streams = new ShardflowStreams(stack, 'Streams', props);
  return { template: CdkTemplate.fromStack(stack), streams, assembly: cdkApp.synth() };
}

function logicalId(stream: string, suffix: string): string {
  return `${stream.charAt(0).toUpperCase()}${stream.slice(1)}${suffix}`;
}

describe('ShardflowStreams (aws-cdk-lib/assertions) against osls package of the same config and stage', () => {
  const packaged = {} as Record<(typeof STAGES)[number], { run: OslsPackageResult; template: Template }>;
  let outdir: string;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'shardflow-cdk-'));
    for (const stage of STAGES) {
      const run = await oslsPackage({ stage, config: `${FIXTURES}/app.config.ts` });
      packaged[stage] = { run, template: await run.template() };
    }
  }, 120_000);

  afterAll(async () => {
    for (const stage of STAGES) await packaged[stage]?.run.cleanup();
    await rm(outdir, { recursive: true, force: true });
  });

  it.each(STAGES)('%s: every mapping equals the osls template’s and resolveEsmSettings’', (stage) => {
    // Arrange
    const { run, template: osls } = packaged[stage];
    const artifacts = Object.fromEntries(Object.keys(config.streams).map((s) => [s, join(run.packageDir, `${s}.zip`)]));

    // Act
    const { template, streams } = synth({ config, stage, artifacts }, join(outdir, stage));

    // Assert
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings).sort()).toEqual(
      Object.keys(config.streams)
        .map((s) => logicalId(s, 'EventSourceMapping'))
        .sort(),
    );
    const deployed = configForStage(config, stage);
    for (const plan of streams.plan.streams) {
      const id = plan.ids.eventSourceMapping;
      const fromOsls = osls.Resources[id]!;
      const fromSettings = eventSourceMappingProperties(resolveEsmSettings(deployed.streams[plan.name]!), {
        functionArn: fromOsls.Properties.FunctionName,
        eventSourceArn: fromOsls.Properties.EventSourceArn,
        onFailureArn: fromOsls.Properties.DestinationConfig?.OnFailure?.Destination,
      });
      template.hasResource('AWS::Lambda::EventSourceMapping', {
        Properties: Match.objectEquals(fromOsls.Properties),
        DependsOn: fromOsls.DependsOn,
      });
      expect(mappings[id]!.Properties, plan.name).toEqual(fromOsls.Properties);
      expect(mappings[id]!.Properties, plan.name).toEqual(fromSettings);
    }
  });

  it.each(STAGES)('%s: functions, roles, destinations, sinks and tables equal the osls template’s', (stage) => {
    // Arrange
    const { run, template: osls } = packaged[stage];
    const artifacts = Object.fromEntries(Object.keys(config.streams).map((s) => [s, join(run.packageDir, `${s}.zip`)]));

    // Act
    const { template } = synth({ config, stage, artifacts }, join(outdir, `${stage}-resources`));
    const cdk = template.toJSON() as Template;

    // Assert: everything shardflow generates is there under the same logical ID with the same properties.
    const generated = Object.keys(osls.Resources).filter(
      (id) =>
        !id.startsWith('Serverless') &&
        !id.startsWith('IamRoleLambdaExecution') &&
        !id.startsWith('Health') &&
        !/LambdaVersion/.test(id) &&
        !/LambdaFunction$/.test(id),
    );
    for (const id of generated) expect(cdk.Resources[id], id).toEqual(osls.Resources[id]);
    for (const stream of Object.keys(config.streams)) {
      const id = logicalId(stream, 'LambdaFunction');
      const { Code: _cdkCode, ...cdkFunction } = cdk.Resources[id]!.Properties;
      const { Code: _oslsCode, ...oslsFunction } = osls.Resources[id]!.Properties;
      expect(cdkFunction, id).toEqual(oslsFunction);
    }
    expect(Object.keys(cdk.Outputs).sort()).toEqual(
      Object.keys(osls.Outputs)
        .filter((key) => !key.startsWith('Serverless') && !key.includes('LambdaFunctionQualifiedArn'))
        .sort(),
    );
  });

  it('synthesizes a template cfn-lint finds no error in', async () => {
    // Arrange
    const { run } = packaged.dev;
    const artifacts = Object.fromEntries(Object.keys(config.streams).map((s) => [s, join(run.packageDir, `${s}.zip`)]));
    const { assembly } = synth({ config, stage: 'dev', artifacts }, join(outdir, 'lint'));

    // Act
    const errors = await cfnLintErrors(join(assembly.directory, 'shop-dev.template.json'));

    // Assert
    if (errors !== undefined) expect(errors).toEqual([]);
  });

  it('fails like validate does: a config that can lose records is refused', async () => {
    // Arrange
    const { default: silent } = (await import('./fixtures/deploy/silent-discard.config.js')) as {
      default: ShardflowConfig;
    };

    // Act
    const construct = () => synth({ config: silent, stage: 'dev', artifacts: {} }, join(outdir, 'silent'));

    // Assert
    expect(construct).toThrow(/SilentDiscardError|AWS discards a failing batch after 5 retries/);
  });
});

describe('ShardflowStreams bundling the repository’s shardflow.config.ts itself', () => {
  let outdir: string;
  let osls: OslsPackageResult;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'shardflow-cdk-bundle-'));
    osls = await oslsPackage({ stage: 'dev' });
  }, 120_000);

  afterAll(async () => {
    await osls?.cleanup();
    await rm(outdir, { recursive: true, force: true });
  });

  it('bundles every function at synth time into the same bytes as osls package', async () => {
    // Arrange
    const configFile = join(REPO_ROOT, 'shardflow.config.ts');
    const { default: repoConfig } = (await import(pathToFileURL(configFile).href)) as { default: ShardflowConfig };
    const digest = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');

    // Act
    const { template, assembly } = synth(
      { config: repoConfig, stage: 'dev', configFile, serviceDir: REPO_ROOT },
      outdir,
    );

    // Assert
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).sort()).toEqual([
      'ClicksLambdaFunction',
      'OrdersLambdaFunction',
      'RevenueLambdaFunction',
      'ShardflowBucketEmptier',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'shop-analytics-dev-orders',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    // File assets are staged into the cloud assembly as `asset.<hash>.zip`.
    const assets = (await readdir(assembly.directory)).filter((name) => /^asset\..+\.zip$/.test(name));
    expect(assets).toHaveLength(3);
    const cdkDigests = await Promise.all(assets.map((asset) => digest(join(assembly.directory, asset))));
    const oslsDigests = await Promise.all(
      ['orders', 'revenue', 'clicks'].map((stream) => digest(join(osls.packageDir, `${stream}.zip`))),
    );
    expect(cdkDigests.sort()).toEqual(oslsDigests.sort());
  }, 120_000);
});
