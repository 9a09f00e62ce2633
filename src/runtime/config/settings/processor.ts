import type { AnyProcessor } from '../processor.js';
import { checkNode } from '../schema/check.js';
import { anyOf, boolean, custom, object, oneOf, required, setting, string } from '../schema/nodes.js';
import { PROCESSOR_NAME } from './names.js';

/**
 * The settings table: what `defineProcessor` accepts. Its TypeScript type is `ProcessorSpec` (generic in the
 * schema, the window state and the batch buffer, so written by hand); this table is what is checked at run
 * time, and a type test keeps the two key for key.
 *
 * @example
 * ```ts
 * checkProcessorSpec({ name: 'clicks', schema: z.object({}), format: 'JSON', process() {} });
 * // InvalidSettingValueError: processors.clicks.format: must be 'json', 'text' or 'bytes', got "JSON"; did you mean 'json'?
 * ```
 */

const fn = (expected = 'a function') => custom<(...args: never[]) => unknown>(expected, (v) => typeof v === 'function');

/** How a Kinesis record's data can be turned into the value a processor's schema validates. */
export const PAYLOAD_FORMATS = ['json', 'text', 'bytes'] as const;

/** A zod schema (anything with `safeParse`). */
function isSchema(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

/** The fields of a processor spec. */
export const PROCESSOR_FIELDS = {
  name: required(
    string({ nonEmpty: true, pattern: PROCESSOR_NAME, rule: 'a processor name (letters, digits, . _ -; ≤ 64)' }),
    { doc: 'Unique name; routes and quarantine entries refer to it.' },
  ),
  schema: required(custom<unknown>('a zod schema (z.object({ … }), z.string(), …)', isSchema), {
    doc: 'Validates the payload: Kinesis decoded data, or the DynamoDB NewImage (OldImage on REMOVE).',
  }),
  format: setting(oneOf(PAYLOAD_FORMATS), {
    default: 'json',
    doc: 'How Kinesis data is decoded before validation. Ignored for DynamoDB.',
  }),
  idempotency: setting(
    anyOf('true, false or { key(payload, record) }', [
      boolean(),
      object(
        'the idempotency options of a processor',
        { key: setting(fn(), { doc: 'Business key. Default: the record’s identity.' }) },
        {
          moved: {
            table: 'streams.<stream>.idempotency.table',
            ttlSeconds: 'streams.<stream>.idempotency.ttlSeconds',
          },
        },
      ),
    ]),
    { default: false, doc: 'Exactly-once effects; needs the stream’s `idempotency.table`.' },
  ),
  window: setting(
    object('the window options of a processor', {
      initial: required(fn('a function returning the initial state'), { doc: 'The state a new window starts with.' }),
      onClose: setting(fn(), { doc: 'Called once per window on its final invocation, with the aggregate.' }),
    }),
    { doc: 'Tumbling-window aggregation; needs the stream’s `tumblingWindowSeconds`.' },
  ),
  batch: setting(
    object('the batch options of a processor', {
      create: required(fn(), { doc: 'A fresh, empty buffer.' }),
      commit: required(fn(), { doc: 'Writes the buffer out, once per batch.' }),
    }),
    { doc: 'A per-invocation output buffer committed once per batch.' },
  ),
  process: required(fn(), { doc: 'Handles one record. Throw `PermanentError` to quarantine it.' }),
};

/** Processors as `defineProcessor` returns them also carry `kind`. */
const PROCESSOR_NODE = object(
  'a processor',
  { ...PROCESSOR_FIELDS, kind: setting(oneOf(['shardflow.processor']), { doc: 'Set by `defineProcessor`.' }) },
  {
    moved: {
      table: 'streams.<stream>.idempotency.table',
      ttlSeconds: 'streams.<stream>.idempotency.ttlSeconds',
      tumblingWindowSeconds: 'streams.<stream>.tumblingWindowSeconds',
    },
  },
);

/**
 * Whether a value is a processor made by `defineProcessor`.
 *
 * @example
 * ```ts
 * isProcessor(defineProcessor({ name: 'p', schema: z.object({}), process() {} })); // true
 * ```
 */
export function isProcessor(value: unknown): value is AnyProcessor {
  return typeof value === 'object' && value !== null && (value as AnyProcessor).kind === 'shardflow.processor';
}

/**
 * The path under which a processor's settings are reported: `processors.<name>`.
 *
 * @example
 * ```ts
 * processorPath({ name: 'order-facts' }); // 'processors.order-facts'
 * ```
 */
export function processorPath(spec: unknown): string {
  const name = typeof spec === 'object' && spec !== null ? (spec as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' && name.length <= 64 ? `processors.${name}` : 'processor';
}

/**
 * Checks what `defineProcessor` (or a hand-made processor object) holds against the table: known keys only,
 * a valid name, a zod schema, a known `format` (in its exact case), functions where functions belong.
 *
 * @throws {ConfigError} subclasses (`UnknownSettingError`, `InvalidSettingTypeError`, …) with the path
 *   `processors.<name>.<field>`
 *
 * @example
 * ```ts
 * checkProcessorSpec(spec);
 * ```
 */
export function checkProcessorSpec(spec: unknown): void {
  checkNode(PROCESSOR_NODE, spec, processorPath(spec));
}
