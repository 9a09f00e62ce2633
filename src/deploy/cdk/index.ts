/**
 * `shardflow/cdk`: the streams of a shardflow config as an AWS CDK construct (needs `aws-cdk-lib` and
 * `constructs`, optional peer dependencies of shardflow).
 *
 * @example
 * ```ts
 * import { ShardflowStreams } from 'shardflow/cdk';
 * new ShardflowStreams(stack, 'Streams', { config, stage: 'prod', configFile: 'shardflow.config.ts' });
 * ```
 */
export { ShardflowStreams, type ShardflowStreamsProps } from './shardflow-streams.js';
