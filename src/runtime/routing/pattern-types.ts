/**
 * Types of AWS event patterns (the EventBridge content-filtering syntax that Lambda event source mapping
 * `FilterCriteria` use). A pattern mirrors the shape of the event: objects nest, and every leaf is an
 * array of alternatives.
 */

/** A literal alternative in a leaf: matches an event value of the same JSON type and value. */
export type PatternLiteral = string | number | boolean | null;

/** `{ "equals-ignore-case": "…" }` used inside `prefix` / `suffix`. */
export interface IgnoreCaseOperand {
  readonly 'equals-ignore-case': string;
}

/** The operand of `anything-but`: value(s) to exclude, or an excluded prefix/suffix/case-insensitive/wildcard. */
export type AnythingButOperand =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string | readonly string[] }
  | { readonly suffix: string | readonly string[] }
  | { readonly 'equals-ignore-case': string | readonly string[] }
  | { readonly wildcard: string | readonly string[] };

/** A content-filter operator object; exactly one key. */
export type PatternOperator =
  | { readonly prefix: string | IgnoreCaseOperand }
  | { readonly suffix: string | IgnoreCaseOperand }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingButOperand }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string };

/** One alternative of a leaf array. */
export type PatternRule = PatternLiteral | PatternOperator;

/**
 * An AWS event pattern. Keys name event fields; values are nested patterns (ANDed) or leaf arrays of
 * alternatives (ORed). The key `$or` takes an array of at least two sub-patterns, one of which must match.
 *
 * @example
 * ```ts
 * const pattern: EventPattern = {
 *   eventName: ['INSERT', 'MODIFY'],
 *   dynamodb: { NewImage: { status: { S: ['PAID'] } } },
 * };
 * ```
 */
export interface EventPattern {
  readonly [field: string]: readonly PatternRule[] | EventPattern | readonly EventPattern[];
}

/** A compiled pattern node: a test on the value found at its position, and its result when that value is absent. */
export interface CompiledMatcher {
  readonly test: (value: unknown) => boolean;
  /** The constant result of `test(undefined)`, precomputed so absent subtrees cost nothing. */
  readonly whenMissing: boolean;
}
