import { BASIC_EXECUTION_POLICY } from '../runtime/stages/constants.js';
import { type CfnResource, type CfnValue, sub } from './cfn.js';

/** Some actions on some resources: one IAM statement. */
export interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly CfnValue[];
}

/** The services whose actions a function role may only get on named resources (never `*`). */
export const SCOPED_SERVICES = ['dynamodb', 'kinesis', 'kms', 's3', 'sns', 'sqs'] as const;

/**
 * The IAM statements of a set of grants: sorted actions, identical statements merged, in a stable order.
 *
 * @throws {TypeError} when a grant has a wildcard action or a `*` resource — a bug in the caller, never
 *   something a config can ask for
 *
 * @example
 * ```ts
 * policyStatements([{ actions: ['sqs:SendMessage'], resources: [queueArn] }]);
 * // [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queueArn] }]
 * ```
 */
export function policyStatements(grants: readonly Grant[]): CfnValue[] {
  const seen = new Set<string>();
  const statements: CfnValue[] = [];
  for (const grant of grants) {
    if (grant.actions.length === 0 || grant.resources.length === 0) continue;
    for (const action of grant.actions) {
      if (action.includes('*')) throw new TypeError(`wildcard action ${action} in a function role`);
    }
    for (const resource of grant.resources) {
      if (resource === '*') throw new TypeError(`'*' resource for ${grant.actions.join(', ')} in a function role`);
    }
    const statement = { Effect: 'Allow', Action: [...grant.actions].sort(), Resource: [...grant.resources] };
    const key = JSON.stringify(statement);
    if (seen.has(key)) continue;
    seen.add(key);
    statements.push(statement);
  }
  return statements;
}

/**
 * A function's execution role: assumable by Lambda only, logs through the AWS managed basic execution policy,
 * and one inline policy with exactly the grants given (its stream, destination, quarantine sink,
 * idempotency table and application resources).
 *
 * @example
 * ```ts
 * const role = functionRole('shop-analytics-prod-orders', [{ actions: ['kinesis:GetRecords'], resources: [streamArn] }]);
 * role.Type; // 'AWS::IAM::Role'
 * ```
 */
export function functionRole(functionName: string, grants: readonly Grant[]): CfnResource {
  const statements = policyStatements(grants);
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `Execution role of ${functionName} (shardflow: least privilege)`.slice(0, 1000),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: [sub(BASIC_EXECUTION_POLICY)],
      Policies: [
        { PolicyName: 'shardflow-stream-access', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      ],
    },
  };
}
