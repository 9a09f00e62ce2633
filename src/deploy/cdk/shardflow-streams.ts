import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, CfnResource } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import type { CfnResource as CfnResourceJson, CfnValue } from '../cfn.js';
import { getAtt } from '../cfn.js';
import { type DeployPlan, planDeployment } from '../deploy-plan.js';
import { BundleError } from '../errors.js';
import { buildServerlessSections, type ServerlessFunctionDefinition } from '../serverless-template.js';

/** What {@link ShardflowStreams} deploys. */
export interface ShardflowStreamsProps {
  /** The config (`defineConfig(...)`, e.g. the default export of `shardflow.config.ts`). */
  readonly config: ShardflowConfig;
  readonly stage: string;
  /**
   * The config's file: the construct bundles each stream function from it with esbuild at synth time,
   * exactly as the Serverless plugin does. Not needed when `artifacts` are given.
   */
  readonly configFile?: string;
  /** Prebuilt function zips per stream (from `osls package`, or a previous build) instead of bundling. */
  readonly artifacts?: Readonly<Record<string, string>>;
  /** Bare imports of the bundles resolve from here. Default: the working directory. */
  readonly serviceDir?: string;
  /** The day the runtime policy is checked on (tests). Default: now. */
  readonly today?: Date;
}

const HERE = fileURLToPath(import.meta.url);

/** Bundles the stage's functions in a child process (constructs are synchronous; esbuild's API is not). */
function bundleSync(configFile: string, stage: string, serviceDir: string): Record<string, string> {
  const script = join(dirname(HERE), `bundle-main${extname(HERE)}`);
  const outDir = join(serviceDir, '.shardflow', 'cdk', stage);
  const args = extname(HERE) === '.ts' ? ['--import', 'tsx', script] : [script];
  const child = spawnSync(process.execPath, [...args, resolve(configFile), stage, serviceDir, outDir], {
    cwd: serviceDir,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) {
    throw new BundleError('*', (child.stderr || child.error?.message || `exit ${child.status}`).trim());
  }
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, string>;
}

function addResource(scope: Construct, logicalId: string, resource: CfnResourceJson): CfnResource {
  const cfn = new CfnResource(scope, logicalId, {
    type: resource.Type,
    properties: resource.Properties as Record<string, unknown>,
  });
  cfn.overrideLogicalId(logicalId);
  if (resource.DependsOn !== undefined) cfn.addOverride('DependsOn', [...resource.DependsOn]);
  if (resource.DeletionPolicy !== undefined) cfn.addOverride('DeletionPolicy', resource.DeletionPolicy);
  if (resource.UpdateReplacePolicy !== undefined) cfn.addOverride('UpdateReplacePolicy', resource.UpdateReplacePolicy);
  return cfn;
}

/** The `AWS::Lambda::Function` the Serverless Framework would make of a stream's function definition. */
function functionResource(definition: ServerlessFunctionDefinition, code: Asset): CfnResourceJson {
  return {
    Type: 'AWS::Lambda::Function',
    DependsOn: [],
    Properties: {
      FunctionName: definition.name,
      Handler: definition.handler,
      Runtime: definition.runtime,
      Architectures: [definition.architecture],
      MemorySize: definition.memorySize,
      Timeout: definition.timeout,
      Description: definition.description,
      Role: getAtt(definition.role, 'Arn'),
      Environment: { Variables: { ...definition.environment } },
      Code: { S3Bucket: code.s3BucketName, S3Key: code.s3ObjectKey },
    },
  };
}

/**
 * Every stream of a shardflow config, for one stage, in a CDK stack: the same functions, event source
 * mappings, roles, destinations, quarantine sinks, tables, alarms and outputs as the Serverless plugin adds —
 * both render the one `planDeployment` → `buildServerlessSections` description, with the same logical IDs,
 * so the two deploy paths cannot disagree. Each function runs its esbuild bundle (built from `configFile`, or
 * given as `artifacts`). One `ShardflowStreams` per stack (logical IDs are the stack's).
 *
 * @throws {ConfigError} (and subclasses: `SilentDiscardError`, `RuntimeBlockedError`, …) as `planDeployment`
 * @throws {BundleError} when a function does not bundle
 *
 * @example
 * ```ts
 * import config from './shardflow.config.js';
 * import { ShardflowStreams } from 'shardflow/cdk';
 *
 * const stack = new Stack(app, 'shop-analytics-prod');
 * new ShardflowStreams(stack, 'Streams', { config, stage: 'prod', configFile: 'shardflow.config.ts' });
 * ```
 */
export class ShardflowStreams extends Construct {
  /** The resolved deploy of the stage. */
  readonly plan: DeployPlan;
  /** The `AWS::Lambda::Function` of each stream. */
  readonly functions: Readonly<Record<string, CfnResource>>;
  /** The `AWS::Lambda::EventSourceMapping` of each stream. */
  readonly mappings: Readonly<Record<string, CfnResource>>;

  constructor(scope: Construct, id: string, props: ShardflowStreamsProps) {
    super(scope, id);
    this.plan = planDeployment(props.config, props.stage, props.today === undefined ? {} : { today: props.today });
    const sections = buildServerlessSections(this.plan);
    const serviceDir = resolve(props.serviceDir ?? process.cwd());
    let artifacts = props.artifacts;
    if (artifacts === undefined) {
      if (props.configFile === undefined) {
        throw new TypeError('ShardflowStreams needs configFile (to bundle the functions) or artifacts');
      }
      artifacts = bundleSync(props.configFile, props.stage, serviceDir);
    }

    const added = new Map<string, CfnResource>();
    for (const [logicalId, resource] of Object.entries(sections.resources.Resources)) {
      added.set(logicalId, addResource(this, logicalId, resource));
    }
    const functions: Record<string, CfnResource> = {};
    const mappings: Record<string, CfnResource> = {};
    for (const stream of this.plan.streams) {
      const definition = sections.functions[stream.name]!;
      const zip = artifacts[stream.name];
      if (zip === undefined || !existsSync(zip)) {
        throw new BundleError(stream.name, `no function zip for stream '${stream.name}' (${zip ?? 'not given'})`);
      }
      addResource(this, stream.ids.logGroup, {
        Type: 'AWS::Logs::LogGroup',
        Properties: {
          LogGroupName: `/aws/lambda/${definition.name}`,
          ...(definition.logRetentionInDays === undefined ? {} : { RetentionInDays: definition.logRetentionInDays }),
        },
      });
      const code = new Asset(this, `${stream.ids.function}Code`, { path: zip });
      functions[stream.name] = addResource(this, stream.ids.function, {
        ...functionResource(definition, code),
        DependsOn: [stream.ids.logGroup, stream.ids.role],
      });
      mappings[stream.name] = added.get(stream.ids.eventSourceMapping)!;
    }
    for (const [key, output] of Object.entries(sections.resources.Outputs)) {
      const cfn = new CfnOutput(this, key, {
        description: output.Description,
        value: output.Value as unknown as string,
        ...(output.Export === undefined ? {} : { exportName: output.Export.Name as CfnValue as string }),
      });
      cfn.overrideLogicalId(key);
    }
    this.functions = functions;
    this.mappings = mappings;
  }
}
