import { describe, expect, it } from 'vitest';
import { findWildcardGrants } from '../../e2e/fixtures/deploy/iam-wildcards.js';

/** The least-privilege check the deploy tests rely on must itself catch every kind of wildcard. */

function roleWith(statement: Record<string, unknown>) {
  return {
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] } }] },
      },
    },
  };
}

describe('findWildcardGrants', () => {
  it.each([
    ['a service wildcard action', { Action: ['sqs:*'], Resource: ['arn:aws:sqs:us-east-1:123456789012:q'] }],
    [
      'a partial wildcard action',
      { Action: 'dynamodb:Get*', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t' },
    ],
    ['the * action', { Action: '*', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t' }],
    ['a * resource', { Action: ['kinesis:GetRecords'], Resource: '*' }],
    ['a wildcard region and account', { Action: ['dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:*:*:table/t' }],
    ['a wildcard bucket', { Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::shop-*/x' }],
    [
      'a wildcard in a Sub',
      {
        Action: ['kms:Decrypt'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS one.
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' },
      },
    ],
    [
      'a Join ending in a wildcard after a non-bucket',
      { Action: ['sns:Publish'], Resource: { 'Fn::Join': ['', ['arn:aws:sns:us-east-1:123456789012:', '*']] } },
    ],
    ['NotResource', { Action: ['sqs:SendMessage'], NotResource: 'arn:aws:sqs:us-east-1:123456789012:q' }],
  ])('flags %s', (_case, statement) => {
    // Act
    const problems = findWildcardGrants(roleWith(statement));

    // Assert
    expect(problems).not.toEqual([]);
  });

  it.each([
    ['named ARNs', { Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:us-east-1:123456789012:q'] }],
    ['objects under a literal bucket', { Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::shop-lake/facts/*' }],
    [
      'objects under a bucket’s GetAtt',
      {
        Action: ['s3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Lake', 'Arn'] }, '/aws/lambda/*']] },
      },
    ],
    ['services it does not scope (logs)', { Action: ['logs:CreateLogGroup'], Resource: '*' }],
  ])('accepts %s', (_case, statement) => {
    // Act
    const problems = findWildcardGrants(roleWith(statement));

    // Assert
    expect(problems).toEqual([]);
  });
});
