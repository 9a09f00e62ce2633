/**
 * AWS Lambda on-demand prices used for cost figures: us-east-1, the first pricing tier (x86: first 6 billion
 * GB-seconds a month; arm64: first 7.5 billion), no free tier, no Savings Plans.
 *
 * Source: https://aws.amazon.com/lambda/pricing/ (the official page renders its rate tables client-side).
 * Looked up 2026-11-22 in stored copies of public pages quoting that page's us-east-1 rates:
 * https://cloudchipr.com/blog/aws-lambda-pricing (x86 $0.0000166667 and arm64 $0.0000133334 per GB-s),
 * artillery's `lib/platform/aws-lambda/prices.js` (same base rates), and a Lambda cost guide
 * (requests $0.20 per million for both architectures). Check the official page before relying on them.
 */
export const LAMBDA_PRICING = Object.freeze({
  region: 'us-east-1',
  source: 'https://aws.amazon.com/lambda/pricing/',
  retrieved: '2026-11-22',
  /** USD per GB-second of duration (memory in GB = MB / 1024). */
  perGbSecond: Object.freeze({ x86: 0.0000166667, arm64: 0.0000133334 }),
  /** USD per request (invocation), both architectures. */
  perRequest: 0.2 / 1_000_000,
  /** Lambda bills duration rounded up to the millisecond. */
  billingGranularityMs: 1,
} as const);

/** Instruction set architectures Lambda prices differently. */
export type Architecture = keyof typeof LAMBDA_PRICING.perGbSecond;

/**
 * Cost in USD of one million records processed in batches of `batchSize`, each invocation billed for
 * `billedMs` (already rounded up to the millisecond) at `memoryMB`.
 *
 * @example
 * ```ts
 * costPerMillionRecords({ memoryMB: 1024, billedMs: 3, batchSize: 100, architecture: 'x86' }); // ≈ 0.0025
 * ```
 */
export function costPerMillionRecords(input: {
  readonly memoryMB: number;
  readonly billedMs: number;
  readonly batchSize: number;
  readonly architecture: Architecture;
}): number {
  const invocations = 1_000_000 / input.batchSize;
  const gbSeconds = (input.memoryMB / 1024) * (input.billedMs / 1000);
  return invocations * (gbSeconds * LAMBDA_PRICING.perGbSecond[input.architecture] + LAMBDA_PRICING.perRequest);
}
