/**
 * The shardflow config of a cloud benchmark stage, for the serverless packaging (`SHARDFLOW_CONFIG`) and
 * for the deployed functions, which rebuild it from the `BENCH_SPEC` environment variable the benchmark
 * driver sets (see `oslsDeployer`). Without `BENCH_SPEC` it describes a one-function placeholder stage.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BenchCloudSpec, benchCloudConfig } from './bench-config.js';

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

const spec: BenchCloudSpec = process.env.BENCH_SPEC
  ? (JSON.parse(process.env.BENCH_SPEC) as BenchCloudSpec)
  : placeholder;

export default benchCloudConfig(spec, new DynamoDBClient({}));
