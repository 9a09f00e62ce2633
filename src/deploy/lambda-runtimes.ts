import { RuntimeBlockedError, UnknownRuntimeError } from './errors.js';

/** AWS's lifecycle dates of one Lambda Node.js runtime (ISO dates, UTC). */
export interface LambdaRuntimeDates {
  /** Lambda stops patching it and the console stops offering it. */
  readonly deprecated: string;
  /** `CreateFunction` with this runtime is refused from this day on. */
  readonly blockCreate: string;
  /** `UpdateFunctionCode` / `UpdateFunctionConfiguration` are refused from this day on. */
  readonly blockUpdate: string;
}

/**
 * The Lambda Node.js runtimes and AWS's dates for them, from the "Lambda runtimes" page of the AWS Lambda
 * Developer Guide (the supported and deprecated runtime tables; AWS moved the create/update blocks of
 * nodejs16.x–nodejs20.x to 2026-06-01 / 2026-07-01). Update this table when AWS publishes a new runtime or
 * changes a date; nothing else in shardflow knows these dates.
 *
 * @example
 * ```ts
 * LAMBDA_NODE_RUNTIMES['nodejs24.x']?.deprecated; // '2028-04-30'
 * ```
 */
export const LAMBDA_NODE_RUNTIMES: Readonly<Record<string, LambdaRuntimeDates>> = {
  'nodejs24.x': { deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
  'nodejs22.x': { deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs20.x': { deprecated: '2026-04-30', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'nodejs18.x': { deprecated: '2025-09-01', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'nodejs16.x': { deprecated: '2024-06-12', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'nodejs14.x': { deprecated: '2023-12-04', blockCreate: '2024-01-09', blockUpdate: '2026-07-01' },
  'nodejs12.x': { deprecated: '2023-03-31', blockCreate: '2023-03-31', blockUpdate: '2023-04-30' },
};

/** How many days before a runtime's deprecation `validate` and packaging start warning. */
export const RUNTIME_WARNING_DAYS = 90;

const DAY_MS = 86_400_000;

function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/**
 * Checks a function's runtime against {@link LAMBDA_NODE_RUNTIMES} on `today`: throws once AWS blocks
 * creating or updating functions on it (a deploy would fail), returns a warning from
 * {@link RUNTIME_WARNING_DAYS} days before its deprecation date on, `undefined` otherwise.
 *
 * @throws {RuntimeBlockedError} when `today` is on or after the runtime's create- or update-block date
 * @throws {UnknownRuntimeError} when the table does not know the runtime
 *
 * @example
 * ```ts
 * checkLambdaRuntime('nodejs20.x', 'streams.orders.runtime', new Date('2026-12-01')); // throws RuntimeBlockedError
 * checkLambdaRuntime('nodejs22.x', 'runtime', new Date('2027-03-01')); // 'runtime: nodejs22.x is deprecated on 2027-04-30 …'
 * ```
 */
export function checkLambdaRuntime(runtime: string, path: string, today: Date): string | undefined {
  const dates = LAMBDA_NODE_RUNTIMES[runtime];
  if (dates === undefined) {
    throw new UnknownRuntimeError(path, runtime, Object.keys(LAMBDA_NODE_RUNTIMES));
  }
  const now = today.getTime();
  const blocked = [
    ['creating', dates.blockCreate],
    ['updating', dates.blockUpdate],
  ].filter(([, date]) => now >= day(date!));
  if (blocked.length > 0) {
    throw new RuntimeBlockedError(
      path,
      `${runtime} was deprecated on ${dates.deprecated}; AWS blocks ${blocked.map(([what, date]) => `${what} functions on it since ${date}`).join(' and ')}: use ${newestRuntime()}`,
    );
  }
  if (now >= day(dates.deprecated) - RUNTIME_WARNING_DAYS * DAY_MS) {
    const past = now >= day(dates.deprecated);
    return `${path}: ${runtime} ${past ? 'was' : 'is'} deprecated on ${dates.deprecated}; AWS blocks creating functions on it from ${dates.blockCreate} and updating them from ${dates.blockUpdate} — move to ${newestRuntime()}`;
  }
  return undefined;
}

/**
 * The runtime with the latest deprecation date.
 *
 * @example
 * ```ts
 * newestRuntime(); // 'nodejs24.x'
 * ```
 */
export function newestRuntime(): string {
  return Object.entries(LAMBDA_NODE_RUNTIMES).sort(([, a], [, b]) => day(b.deprecated) - day(a.deprecated))[0]![0];
}
