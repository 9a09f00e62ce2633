/**
 * Stream name of a Kinesis stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`), also when
 * the ARN names an enhanced fan-out consumer (`…:stream/<name>/consumer/<consumer>:<ts>`).
 * `undefined` when the ARN is not a Kinesis stream ARN.
 *
 * @example
 * ```ts
 * streamNameFromArn('arn:aws:kinesis:us-east-1:123456789012:stream/clicks'); // 'clicks'
 * ```
 */
export function streamNameFromArn(arn: string): string | undefined {
  return resourceName(arn, ':stream/');
}

/**
 * Table name of a DynamoDB stream (or table) ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`).
 * `undefined` when the ARN is not a DynamoDB table ARN.
 *
 * @example
 * ```ts
 * tableNameFromArn('arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000'); // 'orders'
 * ```
 */
export function tableNameFromArn(arn: string): string | undefined {
  return resourceName(arn, ':table/');
}

function resourceName(arn: string, marker: string): string | undefined {
  const start = arn.indexOf(marker);
  if (start === -1) return undefined;
  const from = start + marker.length;
  const end = arn.indexOf('/', from);
  const name = end === -1 ? arn.slice(from) : arn.slice(from, end);
  return name.length > 0 ? name : undefined;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` — six parts, partition, service and resource non-empty. */
const WELL_FORMED_ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

/**
 * Whether a string has the shape of an ARN (`arn:partition:service:region:account:resource`), whatever
 * the service. Strings that do not are placeholders of sample events (`arn:aws:kinesis:EXAMPLE`,
 * `stream-ARN`, `eventsource_arn`): AWS never delivers them.
 *
 * @example
 * ```ts
 * isWellFormedArn('arn:aws:kinesis:us-east-1:123456789012:stream/clicks'); // true
 * isWellFormedArn('arn:aws:kinesis:EXAMPLE'); // false
 * ```
 */
export function isWellFormedArn(value: string): boolean {
  return WELL_FORMED_ARN.test(value);
}
