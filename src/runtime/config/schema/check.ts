import {
  ConfigRangeError,
  InvalidSettingTypeError,
  InvalidSettingValueError,
  MissingSettingError,
  UnknownSettingError,
} from '../errors.js';
import type { IntegerSpec, ListSpec, NodeSpec, ObjectSpec, RecordSpec, UnionSpec, VariantsSpec } from './nodes.js';

/**
 * Checks a value against a node of the settings table and throws the first mistake as a named config error
 * carrying its path: `UnknownSettingError` (with "did you mean"), `InvalidSettingTypeError`,
 * `InvalidSettingValueError`, `ConfigRangeError`, `MissingSettingError`. Unknown keys of an object are
 * reported before its fields (a misplaced key usually explains a missing one). Never throws anything else,
 * whatever the value.
 *
 * @example
 * ```ts
 * checkNode(STREAM_NODE, { maxRetires: 5 }, 'streams.orders');
 * // UnknownSettingError: streams.orders.maxRetires: is not a setting of a stream; did you mean 'maxRetries'?
 * ```
 */
export function checkNode(node: NodeSpec, value: unknown, path: string): void {
  switch (node.kind) {
    case 'integer':
      checkInteger(node, value, path);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(path, 'true or false', value);
      return;
    case 'string':
      if (typeof value !== 'string') throw typeError(path, 'a string', value);
      if (node.nonEmpty && value === '') throw new MissingSettingError(path, 'must not be empty');
      if (node.pattern !== undefined && !node.pattern.test(value)) {
        const ErrorClass = node.patternError ?? InvalidSettingValueError;
        throw new ErrorClass(path, `must be ${node.rule ?? `a string matching ${node.pattern}`}, got ${quote(value)}`);
      }
      node.validate?.(value, path);
      return;
    case 'oneOf': {
      if (typeof value !== 'string') throw typeError(path, expectedOf(node), value);
      const candidate = node.ignoreCase ? value.trim().toLowerCase() : value;
      if (node.values.includes(candidate)) return;
      const near = closestName(value, node.values);
      throw new InvalidSettingValueError(
        path,
        `must be ${expectedOf(node)}, got ${quote(value)}${near === undefined ? '' : `; did you mean '${near}'?`}`,
      );
    }
    case 'list':
      checkList(node, value, path);
      return;
    case 'record':
      checkRecord(node, value, path);
      return;
    case 'object':
      checkObject(node, value, path, []);
      return;
    case 'variants':
      checkVariants(node, value, path);
      return;
    case 'union':
      checkUnion(node, value, path);
      return;
    case 'custom':
      if (!node.test(value)) {
        const ErrorClass = node.error ?? InvalidSettingTypeError;
        throw new ErrorClass(path, `must be ${node.expected}, got ${describeValue(value)}`);
      }
      node.validate?.(value, path);
      return;
  }
}

/** `path.key`, or `key` at the top. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Whether a value is an object that is not an array (what a section of the config must be). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a node accepts, in words: "an integer from 1 to 10000", "'json', 'text' or 'bytes'".
 *
 * @example
 * ```ts
 * expectedOf(integer(1, 10)); // 'an integer from 1 to 10'
 * ```
 */
export function expectedOf(node: NodeSpec): string {
  switch (node.kind) {
    case 'integer':
      return integerRule(node);
    case 'boolean':
      return 'true or false';
    case 'string':
      return node.rule ?? 'a string';
    case 'oneOf':
      return orList(node.values.map((value) => `'${value}'`));
    case 'list':
      return `a list of ${node.itemsLabel}`;
    case 'record':
      return `an object of ${node.label}`;
    case 'object':
    case 'variants':
      return node.label;
    case 'union':
    case 'custom':
      return node.expected;
  }
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function integerRule(node: IntegerSpec): string {
  if (node.values !== undefined) return `one of ${node.values.join(', ')}`;
  const range = `an integer from ${node.min} to ${node.max}`;
  return node.also.length === 0 ? range : `${node.also.join(', ')} or ${range}`;
}

function checkInteger(node: IntegerSpec, value: unknown, path: string): void {
  if (typeof value !== 'number') throw typeError(path, integerRule(node), value);
  const allowed =
    node.values !== undefined
      ? node.values.includes(value)
      : node.also.includes(value) || (Number.isInteger(value) && value >= node.min && value <= node.max);
  if (!allowed) throw new ConfigRangeError(path, `must be ${integerRule(node)}, got ${String(value)}`);
}

function checkList(node: ListSpec, value: unknown, path: string): void {
  if (!Array.isArray(value)) {
    const one =
      (typeof value === 'string' && node.item.kind === 'string') ||
      (isPlainObject(value) && node.item.kind !== 'string' && node.item.kind !== 'oneOf');
    const hint = one ? ` (one item is still a list: [${typeof value === 'string' ? quote(value) : '{ … }'}])` : '';
    throw new InvalidSettingTypeError(path, `must be a list of ${node.itemsLabel}, got ${describeValue(value)}${hint}`);
  }
  if (Object.getPrototypeOf(value) !== Array.prototype) {
    // `{ __proto__: … }` written into a list (or a list made in another realm): not a list shardflow can read.
    throw new InvalidSettingTypeError(
      path,
      `must be a plain list of ${node.itemsLabel}, got a list with another prototype`,
    );
  }
  if (value.length < node.min) {
    const count = node.min === 1 ? `one ${node.itemsLabel.replace(/s$/, '')}` : `${node.min} ${node.itemsLabel}`;
    throw new MissingSettingError(path, `needs at least ${count}`);
  }
  if (value.length > node.max) throw new ConfigRangeError(path, `at most ${node.max} ${node.itemsLabel}`);
  for (let i = 0; i < value.length; i++) checkNode(node.item, value[i], `${path}[${i}]`);
}

function checkRecord(node: RecordSpec, value: unknown, path: string): void {
  if (!isPlainObject(value)) throw typeError(path, `an object of ${node.label}`, value);
  const keys = Object.keys(value);
  if (keys.length < node.min) throw new MissingSettingError(path, node.minMessage ?? `needs at least ${node.min}`);
  for (const key of keys) {
    const keyPath = joinPath(path, key);
    node.key(key, keyPath);
    checkNode(node.value, value[key], keyPath);
  }
}

function ownValue(value: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

/** `siblings`: the other variants of a `variants` node, whose keys are named when misplaced. */
function checkObject(node: ObjectSpec, value: unknown, path: string, siblings: readonly [string, ObjectSpec][]): void {
  if (!isPlainObject(value)) throw typeError(path, node.label, value);
  const fields = node.fields;
  const isVariant = siblings.length > 0;
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(fields, key) || (isVariant && key === 'type')) continue;
    throw unknownKey(node, key, joinPath(path, key), siblings);
  }
  for (const [key, field] of Object.entries(fields)) {
    const fieldValue = ownValue(value, key);
    const fieldPath = joinPath(path, key);
    if (fieldValue === undefined) {
      if (field.required) throw new MissingSettingError(fieldPath, field.missing ?? 'is required');
      continue;
    }
    checkNode(field.node, fieldValue, fieldPath);
  }
}

function checkVariants(node: VariantsSpec, value: unknown, path: string): void {
  if (!isPlainObject(value)) throw typeError(path, node.label, value);
  const types = Object.keys(node.options);
  const typePath = joinPath(path, node.key);
  const type = ownValue(value, node.key);
  const expected = orList(types.map((name) => `'${name}'`));
  if (type === undefined) throw new MissingSettingError(typePath, `must be ${expected}`);
  if (typeof type !== 'string' || !Object.hasOwn(node.options, type)) {
    const near = typeof type === 'string' ? closestName(type, types) : undefined;
    throw new InvalidSettingValueError(
      typePath,
      `must be ${expected}, got ${typeof type === 'string' ? quote(type) : describeValue(type)}${near === undefined ? '' : `; did you mean '${near}'?`}`,
    );
  }
  const siblings = Object.entries(node.options).filter(([name]) => name !== type);
  checkObject(node.options[type]!, value, path, siblings);
}

function accepts(node: NodeSpec, value: unknown): boolean {
  switch (node.kind) {
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
    case 'oneOf':
      return typeof value === 'string';
    case 'list':
      return Array.isArray(value);
    case 'record':
    case 'object':
    case 'variants':
      return isPlainObject(value);
    case 'union':
      return node.options.some((option) => accepts(option, value));
    case 'custom':
      return node.test(value);
  }
}

function checkUnion(node: UnionSpec, value: unknown, path: string): void {
  const option = node.options.find((candidate) => accepts(candidate, value));
  if (option === undefined) throw typeError(path, node.expected, value);
  checkNode(option, value, path);
}

function unknownKey(
  node: ObjectSpec,
  key: string,
  path: string,
  siblings: readonly [string, ObjectSpec][],
): UnknownSettingError {
  const message = `is not a setting of ${node.label}`;
  const moved = Object.hasOwn(node.moved, key) ? node.moved[key] : undefined;
  if (moved !== undefined) return new UnknownSettingError(path, message, [moved]);
  const lower = key.toLowerCase();
  for (const [name, field] of Object.entries(node.fields)) {
    if (field.aws?.toLowerCase() === lower)
      return new UnknownSettingError(path, `${message} ('${key}' is AWS's name)`, [name]);
  }
  const own = closestName(key, Object.keys(node.fields));
  if (own !== undefined) return new UnknownSettingError(path, message, [own]);
  const owner = siblings.find(([, sibling]) => Object.hasOwn(sibling.fields, key));
  if (owner !== undefined) {
    return new UnknownSettingError(path, `${message} (it is a setting of { type: '${owner[0]}' })`);
  }
  const nested = nestedNames(node);
  const near = closestName(key, nested.keys());
  if (near !== undefined) return new UnknownSettingError(path, message, nested.get(near));
  return new UnknownSettingError(path, `${message} (known: ${Object.keys(node.fields).join(', ')})`);
}

/** The settings one level down (`quarantine.bucket`, `streams.<stream>.batchSize`), by name. */
function nestedNames(node: ObjectSpec): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (name: string, path: string) => names.set(name, [...(names.get(name) ?? []), path]);
  const addObject = (prefix: string, object: ObjectSpec) => {
    for (const name of Object.keys(object.fields)) add(name, `${prefix}.${name}`);
  };
  for (const [key, field] of Object.entries(node.fields)) {
    const child = field.node;
    if (child.kind === 'object') addObject(key, child);
    if (child.kind === 'variants') {
      const seen = new Set<string>();
      for (const option of Object.values(child.options)) {
        for (const name of Object.keys(option.fields)) {
          if (!seen.has(name)) add(name, `${key}.${name}`);
          seen.add(name);
        }
      }
    }
    if (child.kind === 'record' && child.value.kind === 'object') addObject(`${key}.${child.keyName}`, child.value);
  }
  return names;
}

function typeError(path: string, expected: string, value: unknown): InvalidSettingTypeError {
  return new InvalidSettingTypeError(path, `must be ${expected}, got ${describeValue(value)}`);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * A value as messages name it: `the string "100"`, `the number 5`, `a list`, `an object`, `null`.
 *
 * @example
 * ```ts
 * describeValue('100'); // 'the string "100"'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return `the number ${String(value)}`;
    case 'bigint':
      return `the bigint ${String(value)}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/**
 * "Did you mean": the known name closest to a mistyped one — the same name in another letter case, a name one
 * or two edits away (a swapped pair of letters is one edit: `maxRetires` → `maxRetries`), or a name that starts
 * with it (`queue` → `queueUrl`). `undefined` when nothing is close.
 *
 * @example
 * ```ts
 * closestName('maxRetires', ['maxRetries', 'batchSize']); // 'maxRetries'
 * closestName('stage', ['stages', 'streams']); // 'stages'
 * ```
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    if (lower === wanted) return candidate;
    const distance = editDistance(wanted, lower);
    const limit = wanted.length <= 4 ? 1 : 2;
    const prefix = wanted.length >= 4 && (lower.startsWith(wanted) || wanted.startsWith(lower));
    if ((distance <= limit || prefix) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Number.POSITIVE_INFINITY;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const previous = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      row[j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
