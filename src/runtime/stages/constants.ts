/**
 * Defaults of the deployed functions: the newest Lambda Node.js runtime on arm64 (about 20 % cheaper per
 * GB-second than x86_64). Which runtimes AWS still accepts is in `src/deploy/lambda-runtimes.ts`.
 *
 * @example
 * ```ts
 * functionObject.handler = DEPLOY_DEFAULTS.handler; // 'index.handler'
 * ```
 */
export const DEPLOY_DEFAULTS = {
  /** The generated entry module is `index.mjs` at the root of each function's zip. */
  handler: 'index.handler',
  /** The Lambda runtime of a stream function unless the config, a stage or the stream says otherwise. */
  runtime: 'nodejs24.x',
  /** The instruction set of every stream function. */
  architecture: 'arm64',
  /** esbuild target when the runtime does not name a Node version. */
  esbuildTarget: 'node24',
  /** The stage `osls package` uses when none is given. */
  stage: 'dev',
} as const;

/**
 * Alarm defaults, used when a stage turns alarms on without saying more.
 *
 * @example
 * ```ts
 * const threshold = settings.iteratorAgeSeconds ?? ALARM_DEFAULTS.iteratorAgeSeconds;
 * ```
 */
export const ALARM_DEFAULTS = {
  /** IteratorAge (the age of the last record of a batch when it reached the function) that means "falling behind". */
  iteratorAgeSeconds: 60,
  /** Function errors (whole-batch failures: the handler threw) per minute. */
  errors: 1,
  /** Messages waiting in (or published to) the on-failure destination. */
  destinationDepth: 1,
  /** Consecutive one-minute periods above the IteratorAge threshold before the alarm fires. */
  evaluationPeriods: 5,
  /** Every alarm looks at one-minute periods. */
  periodSeconds: 60,
} as const;

/**
 * Retention periods CloudWatch Logs accepts (`RetentionInDays`).
 *
 * @example
 * ```ts
 * LOG_RETENTION_DAYS.includes(30); // true
 * ```
 */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * How long destinations keep what they hold.
 *
 * @example
 * ```ts
 * queue.Properties.MessageRetentionPeriod = RETENTION.onFailureQueueSeconds; // 14 days, SQS's maximum
 * ```
 */
export const RETENTION = {
  /** SQS's maximum, 14 days: on-failure records describe data that is otherwise gone. */
  onFailureQueueSeconds: 1_209_600,
  /** Quarantine Kinesis streams keep records 7 days, so someone can look at them after a weekend. */
  quarantineStreamHours: 168,
  /** Source streams the stack owns keep Kinesis's default, 24 hours. */
  sourceStreamHours: 24,
} as const;

/**
 * IAM actions each role gets, per use. Every list is granted on one resource ARN, never on `*`.
 *
 * - Reading a stream: what Lambda's event source mapping calls with the function's role.
 * - On-failure destinations: what the event source mapping needs to deliver an on-failure record
 *   (S3 also needs `ListBucket`).
 * - Idempotency: the store's `BatchGetItem`/`BatchWriteItem`, and the claim transaction, whose `Put`s IAM
 *   authorizes as `PutItem` (there is no separate `TransactWriteItems` action); `DeleteItem` releases claims.
 * - KMS: sending to a queue or topic encrypted with the stack's key.
 * - Application resources (`resources` in the config): object reads/writes, table reads/writes.
 *
 * @example
 * ```ts
 * statement(IAM_ACTIONS.readKinesisStream, streamArn);
 * ```
 */
export const IAM_ACTIONS = {
  readKinesisStream: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
  ],
  readDynamoDBStream: [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ],
  sendToQueue: ['sqs:SendMessage'],
  publishToTopic: ['sns:Publish'],
  putObject: ['s3:PutObject'],
  listBucket: ['s3:ListBucket'],
  putKinesisRecords: ['kinesis:PutRecord', 'kinesis:PutRecords'],
  writeQuarantineTable: ['dynamodb:BatchWriteItem'],
  idempotencyTable: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
  useStackKey: ['kms:Decrypt', 'kms:GenerateDataKey'],
  getObject: ['s3:GetObject'],
  readTable: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  writeTable: [
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
} as const;

/**
 * The AWS managed policy that lets a function write its logs (CloudWatch Logs only).
 *
 * @example
 * ```ts
 * role.Properties.ManagedPolicyArns = [{ 'Fn::Sub': BASIC_EXECUTION_POLICY }];
 * ```
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS one.
export const BASIC_EXECUTION_POLICY = 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/**
 * Key prefix under which Lambda writes on-failure records to an S3 destination:
 * `aws/lambda/<esm-uuid>/<shardId>/YYYY/MM/DD/…`.
 *
 * @example
 * ```ts
 * const objects = `${bucketArn}/${S3_ON_FAILURE_PREFIX}*`;
 * ```
 */
export const S3_ON_FAILURE_PREFIX = 'aws/lambda/';

/**
 * Default key prefix of the S3 quarantine sink (see `S3QuarantineSink`).
 *
 * @example
 * ```ts
 * const prefix = spec.prefix ?? S3_QUARANTINE_DEFAULT_PREFIX;
 * ```
 */
export const S3_QUARANTINE_DEFAULT_PREFIX = 'quarantine/';

/**
 * The S3 request-metrics filter the stack enables on on-failure buckets it owns when alarms are on, so that
 * `PutRequests` (an on-failure record arrived) can raise the destination alarm within a minute.
 *
 * @example
 * ```ts
 * bucket.Properties.MetricsConfigurations = [{ Id: S3_METRICS_FILTER_ID }];
 * ```
 */
export const S3_METRICS_FILTER_ID = 'EntireBucket';
