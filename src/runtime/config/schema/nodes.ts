import type { ConfigError } from '../../errors.js';

/**
 * The vocabulary of the settings table: small, plain-object descriptions of what a setting accepts, from
 * which the TypeScript input types (`InputOf`), the validation (`checkNode`) and the reference documentation
 * are derived. Plain objects rather than zod schemas: the table is in every Lambda bundle and builds in
 * microseconds, with no schema compilation on the first `defineConfig`.
 *
 * @example
 * ```ts
 * const batchSize = setting(integer(1, 10_000), { default: 100, aws: 'BatchSize', stage: true, doc: 'Records per batch.' });
 * type BatchSize = InputOf<typeof batchSize.node>; // number
 * ```
 */

/** Carries the TypeScript type a node accepts; never present at run time. */
export interface Typed<T> {
  readonly '~input': T;
}

/** The input type a node accepts. */
export type InputOf<N> = N extends Typed<infer T> ? T : never;

/** Re-maps an intersection into one object type (readable hovers and errors). */
export type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** A semantic check run after the type check: throws a named {@link ConfigError} with `path`. */
export type ValueCheck<T> = (value: T, path: string) => void;

/** A constructor of a named config error. */
export type ConfigErrorClass = new (path: string, message: string) => ConfigError;

export interface IntegerSpec {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  /** Values allowed besides the range (`-1` for "infinite"). */
  readonly also: readonly number[];
  /** When set, only these values (e.g. CloudWatch's retention periods); `min`/`max` are their bounds. */
  readonly values: readonly number[] | undefined;
}

export interface BooleanSpec {
  readonly kind: 'boolean';
}

export interface StringSpec {
  readonly kind: 'string';
  /** `''` is a missing setting. */
  readonly nonEmpty: boolean;
  readonly pattern: RegExp | undefined;
  /** What the pattern means, for messages and docs ("letters, digits and dashes"). */
  readonly rule: string | undefined;
  /** The error a pattern mismatch throws. Default `InvalidSettingValueError`. */
  readonly patternError: ConfigErrorClass | undefined;
  readonly validate: ValueCheck<string> | undefined;
}

export interface OneOfSpec {
  readonly kind: 'oneOf';
  readonly values: readonly string[];
  /** Accept any letter case and surrounding blanks (log levels). */
  readonly ignoreCase: boolean;
}

export interface ListSpec {
  readonly kind: 'list';
  readonly item: NodeSpec;
  /** At least this many items; fewer is a missing setting. */
  readonly min: number;
  /** At most this many items (a `ConfigRangeError`). */
  readonly max: number;
  /** What the items are, for messages ("event patterns"). */
  readonly itemsLabel: string;
}

/** How a record's keys are checked (stream names, stage names, variable names). */
export type KeyCheck = (key: string, path: string) => void;

export interface RecordSpec {
  readonly kind: 'record';
  readonly label: string;
  readonly value: NodeSpec;
  readonly key: KeyCheck;
  /** What a key names, for the docs (`<stream>`, `<stage>`). */
  readonly keyName: string;
  /** At least this many entries; fewer is a missing setting. */
  readonly min: number;
  readonly minMessage: string | undefined;
}

export interface ObjectSpec {
  readonly kind: 'object';
  /** What the object is, in messages: "a stream", "an sqs quarantine sink". */
  readonly label: string;
  readonly fields: Fields;
  /** Settings people put here that belong elsewhere: key → where it belongs (`streams.<stream>.idempotency.table`). */
  readonly moved: Readonly<Record<string, string>>;
}

export interface VariantsSpec {
  readonly kind: 'variants';
  readonly label: string;
  /** The discriminating key, always `type`. */
  readonly key: 'type';
  readonly options: Readonly<Record<string, ObjectSpec>>;
}

export interface UnionSpec {
  readonly kind: 'union';
  /** What the union accepts, in messages and docs ("true, false or alarm settings"). */
  readonly expected: string;
  readonly options: readonly NodeSpec[];
}

export interface CustomSpec {
  readonly kind: 'custom';
  /** What it accepts, in messages and docs ("a function", "an AWS event pattern"). */
  readonly expected: string;
  readonly test: (value: unknown) => boolean;
  /** The error a failed `test` throws. Default `InvalidSettingTypeError`. */
  readonly error: ConfigErrorClass | undefined;
  readonly validate: ValueCheck<unknown> | undefined;
}

/** Any node of the table. */
export type NodeSpec =
  | IntegerSpec
  | BooleanSpec
  | StringSpec
  | OneOfSpec
  | ListSpec
  | RecordSpec
  | ObjectSpec
  | VariantsSpec
  | UnionSpec
  | CustomSpec;

/** A node that accepts values of type `T`. */
export type Node<T = unknown, S extends NodeSpec = NodeSpec> = S & Typed<T>;

/** What the table says about one setting besides its type. */
export interface SettingMeta<T = unknown> {
  /** One line of documentation. */
  readonly doc: string;
  /** The value used when the setting is absent (what the local ESM, the handler and the deploy use). */
  readonly default?: T;
  /** The default as the docs say it, when it is not a plain value ("every stream", "stdout"). */
  readonly defaultDoc?: string;
  /** The setting's name in AWS's API (`MaximumRetryAttempts`): a key written so is suggested this setting. */
  readonly aws?: string;
  /** Where the deploy writes it: `<resource type>.<property>` (`AWS::Lambda::EventSourceMapping.BatchSize`). */
  readonly cfn?: string;
  /** The message when a required setting is missing. */
  readonly missing?: string;
}

/** One row of the table: a node, whether it is required, whether a stage may override it, and its meta. */
export interface Setting<N extends Node = Node, R extends boolean = boolean, S extends boolean = boolean>
  extends SettingMeta<InputOf<N>> {
  readonly node: N;
  readonly required: R;
  /** A stage may override it (`stages.<stage>.…`, `stages.<stage>.streams.<name>.…`). */
  readonly stage: S;
}

/** The settings of one object. */
export type Fields = Readonly<Record<string, Setting>>;

type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K]['required'] extends true ? K : never }[keyof F];

/** The input type of an object with these fields: required ones required, the others optional. */
export type ObjectInput<F extends Fields> = Flatten<
  { readonly [K in RequiredKeys<F>]: InputOf<F[K]['node']> } & {
    readonly [K in Exclude<keyof F, RequiredKeys<F>>]?: InputOf<F[K]['node']>;
  }
>;

/** The fields a stage may override. */
export type StageFields<F extends Fields> = { readonly [K in keyof F as F[K]['stage'] extends true ? K : never]: F[K] };

/** An object node with its fields (kept in the type so that `ObjectInput` can see them). */
export type ObjectNode<F extends Fields = Fields> = Node<ObjectInput<F>, ObjectSpec & { readonly fields: F }>;

function typed<T, S extends NodeSpec>(spec: S): Node<T, S> {
  return spec as Node<T, S>;
}

/**
 * An integer from `min` to `max`, optionally with extra allowed values (`also`).
 *
 * @example
 * ```ts
 * integer(60, 604_800, { also: [-1] }); // -1 or 60–604800
 * ```
 */
export function integer(min: number, max: number, options: { readonly also?: readonly number[] } = {}) {
  return typed<number, IntegerSpec>({ kind: 'integer', min, max, also: options.also ?? [], values: undefined });
}

/**
 * One of a fixed set of integers (CloudWatch's retention periods).
 *
 * @example
 * ```ts
 * integerIn([1, 3, 5, 7]);
 * ```
 */
export function integerIn(values: readonly number[]) {
  return typed<number, IntegerSpec>({
    kind: 'integer',
    min: Math.min(...values),
    max: Math.max(...values),
    also: [],
    values,
  });
}

/**
 * `true` or `false`.
 *
 * @example
 * ```ts
 * boolean();
 * ```
 */
export function boolean() {
  return typed<boolean, BooleanSpec>({ kind: 'boolean' });
}

/** Options of {@link string}. */
export interface StringOptions {
  readonly nonEmpty?: boolean;
  readonly pattern?: RegExp;
  readonly rule?: string;
  readonly patternError?: ConfigErrorClass;
  readonly validate?: ValueCheck<string>;
}

/**
 * A string, optionally non-empty, matching a pattern, and passing a semantic check.
 *
 * @example
 * ```ts
 * string({ pattern: /^nodejs\d+\.x$/, rule: "a Lambda Node.js runtime such as 'nodejs24.x'" });
 * ```
 */
export function string(options: StringOptions = {}) {
  return typed<string, StringSpec>({
    kind: 'string',
    nonEmpty: options.nonEmpty ?? false,
    pattern: options.pattern,
    rule: options.rule,
    patternError: options.patternError,
    validate: options.validate,
  });
}

/**
 * One of a fixed set of strings.
 *
 * @example
 * ```ts
 * oneOf(['partitionKey', 'shard', 'none']);
 * ```
 */
export function oneOf<const V extends readonly string[]>(values: V, options: { readonly ignoreCase?: boolean } = {}) {
  return typed<V[number], OneOfSpec>({ kind: 'oneOf', values, ignoreCase: options.ignoreCase ?? false });
}

/**
 * A list of items.
 *
 * @example
 * ```ts
 * list(string(), { itemsLabel: 'redaction paths' });
 * ```
 */
export function list<N extends Node>(
  item: N,
  options: { readonly min?: number; readonly max?: number; readonly itemsLabel: string },
) {
  return typed<readonly InputOf<N>[], ListSpec>({
    kind: 'list',
    item,
    min: options.min ?? 0,
    max: options.max ?? Number.POSITIVE_INFINITY,
    itemsLabel: options.itemsLabel,
  });
}

/**
 * An object of names to values (streams by name, stages by name, variables by name).
 *
 * @example
 * ```ts
 * record('environment', string(), { key: checkEnvName, keyName: '<variable>' });
 * ```
 */
export function record<N extends Node>(
  label: string,
  value: N,
  options: { readonly key: KeyCheck; readonly keyName: string; readonly min?: number; readonly minMessage?: string },
) {
  return typed<Readonly<Record<string, InputOf<N>>>, RecordSpec>({
    kind: 'record',
    label,
    value,
    key: options.key,
    keyName: options.keyName,
    min: options.min ?? 0,
    minMessage: options.minMessage,
  });
}

/**
 * An object with known fields; any other key is an `UnknownSettingError`.
 *
 * @example
 * ```ts
 * object('the idempotency settings', { table: required(string({ nonEmpty: true }), { doc: 'The table.' }) });
 * ```
 */
export function object<F extends Fields>(
  label: string,
  fields: F,
  options: { readonly moved?: Readonly<Record<string, string>> } = {},
): ObjectNode<F> {
  return typed<ObjectInput<F>, ObjectSpec & { readonly fields: F }>({
    kind: 'object',
    label,
    fields,
    moved: options.moved ?? {},
  });
}

type VariantInput<O extends Readonly<Record<string, ObjectNode>>> = {
  [K in keyof O & string]: Flatten<{ readonly type: K } & InputOf<O[K]>>;
}[keyof O & string];

/**
 * Objects told apart by their `type` (`{ type: 'kinesis', stream }` or `{ type: 'dynamodb', table }`). The
 * variants' fields do not list `type`.
 *
 * @example
 * ```ts
 * variants('a stream source', { kinesis: object('a Kinesis source', { … }), dynamodb: object('a DynamoDB source', { … }) });
 * ```
 */
export function variants<const O extends Readonly<Record<string, ObjectNode>>>(label: string, options: O) {
  return typed<VariantInput<O>, VariantsSpec>({ kind: 'variants', label, key: 'type', options });
}

/**
 * One of several nodes, chosen by the value's JavaScript type (a boolean or an object; a string or a processor).
 *
 * @example
 * ```ts
 * anyOf('true, false or alarm settings', [boolean(), alarmSettings]);
 * ```
 */
export function anyOf<const N extends readonly Node[]>(expected: string, options: N) {
  return typed<InputOf<N[number]>, UnionSpec>({ kind: 'union', expected, options });
}

/**
 * A value checked by a predicate (functions, processors, event patterns), optionally with a semantic check.
 *
 * @example
 * ```ts
 * custom<() => void>('a function', (value) => typeof value === 'function');
 * ```
 */
export function custom<T>(
  expected: string,
  test: (value: unknown) => boolean,
  options: { readonly error?: ConfigErrorClass; readonly validate?: ValueCheck<T> } = {},
) {
  return typed<T, CustomSpec>({
    kind: 'custom',
    expected,
    test,
    error: options.error,
    validate: options.validate as ValueCheck<unknown> | undefined,
  });
}

/** The meta a setting is declared with. */
export type MetaOf<N extends Node> = SettingMeta<InputOf<N>> & { readonly stage?: boolean };

/**
 * An optional setting. With `stage: true` a stage may override it; its `default` keeps its type.
 *
 * @example
 * ```ts
 * setting(integer(1, 10), { default: 1, aws: 'ParallelizationFactor', stage: true, doc: 'Concurrent batches per shard.' });
 * ```
 */
export function setting<N extends Node, const M extends MetaOf<N>>(
  node: N,
  meta: M,
): Setting<N, false, M extends { readonly stage: true } ? true : false> & Omit<M, 'stage'> {
  return { ...meta, node, required: false, stage: meta.stage ?? false } as never;
}

/**
 * A required setting.
 *
 * @example
 * ```ts
 * required(string({ nonEmpty: true }), { doc: 'Stream name.', missing: 'a Kinesis source needs a stream name' });
 * ```
 */
export function required<N extends Node, const M extends Omit<SettingMeta, 'default'>>(
  node: N,
  meta: M,
): Setting<N, true, false> & M {
  return { ...meta, node, required: true, stage: false };
}

/**
 * The fields a stage may override, as optional settings.
 *
 * @example
 * ```ts
 * stageFields(STREAM_FIELDS); // { memorySize, timeoutSeconds, batchSize, … }
 * ```
 */
export function stageFields<F extends Fields>(fields: F): StageFields<F> {
  return Object.fromEntries(Object.entries(fields).filter(([, field]) => field.stage)) as StageFields<F>;
}
