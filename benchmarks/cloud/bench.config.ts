/**
 * The shardflow config of a cloud benchmark stage (`custom.shardflow.config` of benchmarks/cloud/serverless.yml),
 * for the serverless packaging and for the deployed functions: both rebuild it from the `BENCH_SPEC`
 * environment variable — set by the benchmark driver for `osls deploy` (see `oslsDeployer`), and put into each
 * function's environment by the config itself. Without `BENCH_SPEC` it describes a one-function placeholder stage.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BENCH_SPEC_ENV, type BenchCloudSpec, benchCloudConfig } from './bench-config.js';

const placeholder: BenchCloudSpec = {
  service: 'shardflow-bench',
  stage: 'bench',
  runId: 'placeholder',
  memorySizes: [1024],
  streams: {
    1024: {
      name: 'shardflow-bench-bench-m1024',
      arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/shardflow-bench-bench-m1024',
    },
  },
  resultsTable: 'shardflow-bench-bench-results',
  batchSize: 100,
  batchWindowSeconds: 0,
  timeoutSeconds: 60,
};

const fromEnvironment = process.env[BENCH_SPEC_ENV];
const spec: BenchCloudSpec = fromEnvironment ? (JSON.parse(fromEnvironment) as BenchCloudSpec) : placeholder;

export default benchCloudConfig(spec, new DynamoDBClient({}));
