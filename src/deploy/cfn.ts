/** A CloudFormation template value: JSON, where objects may be intrinsic functions (`Ref`, `Fn::GetAtt`, …). */
export type CfnValue = string | number | boolean | null | readonly CfnValue[] | { readonly [key: string]: CfnValue };

/** One resource of a CloudFormation template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: { readonly [key: string]: CfnValue };
  readonly DependsOn?: readonly string[];
  readonly DeletionPolicy?: 'Delete' | 'Retain';
  readonly UpdateReplacePolicy?: 'Delete' | 'Retain';
}

/** One output of a CloudFormation template. */
export interface CfnOutput {
  readonly Description: string;
  readonly Value: CfnValue;
  readonly Export?: { readonly Name: CfnValue };
}

/**
 * `{ Ref: logicalId }`.
 *
 * @example
 * ```ts
 * ref('ShopAnalyticsIdempotencyTable'); // { Ref: 'ShopAnalyticsIdempotencyTable' }
 * ```
 */
export function ref(logicalId: string): CfnValue {
  return { Ref: logicalId };
}

/**
 * `{ 'Fn::GetAtt': [logicalId, attribute] }`.
 *
 * @example
 * ```ts
 * getAtt('OrdersLambdaFunction', 'Arn');
 * ```
 */
export function getAtt(logicalId: string, attribute: string): CfnValue {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}

/**
 * `{ 'Fn::Sub': template }`, for ARNs built from `${AWS::Partition}`, `${AWS::Region}` and `${AWS::AccountId}`.
 *
 * @example
 * ```ts
 * sub('arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/clicks');
 * ```
 */
export function sub(template: string): CfnValue {
  return { 'Fn::Sub': template };
}

/**
 * `{ 'Fn::Join': ['', parts] }`.
 *
 * @example
 * ```ts
 * join([getAtt('FailuresBucket', 'Arn'), '/aws/lambda/*']);
 * ```
 */
export function join(parts: readonly CfnValue[]): CfnValue {
  return { 'Fn::Join': ['', parts] };
}

/**
 * `{ 'Fn::ImportValue': exportName }`: a value another stack exports.
 *
 * @example
 * ```ts
 * importValue('shared-streams-ClicksStreamArn');
 * ```
 */
export function importValue(exportName: string): CfnValue {
  return { 'Fn::ImportValue': exportName };
}
