import type { PathNode } from './paths.js';

/** The value redacted fields are replaced with. */
export const REDACTED = '[REDACTED]';

/** What a censored DynamoDB attribute value becomes: still a valid attribute value. */
const REDACTED_ATTRIBUTE = Object.freeze({ S: REDACTED });

/** Sets an own property, also one named `__proto__` (plain assignment would replace the prototype). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

/** A shallow copy that keeps own `__proto__` keys as keys (spread defines properties, never assigns). */
function shallowCopy(value: object): Record<string, unknown> {
  return (Array.isArray(value) ? value.slice() : { ...value }) as Record<string, unknown>;
}

/**
 * The names of `value` that `node` says something about, each with the node that applies to it.
 * Own properties only; list positions are names (`"0"`, `"1"`, …).
 */
function* matches(value: object, node: PathNode): Generator<readonly [string, PathNode]> {
  if (node.wildcard === undefined) {
    for (const [name, child] of node.children) if (Object.hasOwn(value, name)) yield [name, child];
    return;
  }
  for (const name of Object.keys(value)) yield [name, node.children.get(name) ?? node.wildcard];
}

/**
 * `value` with every value the tree reaches replaced by {@link REDACTED}, copying only the objects and
 * arrays on the way to a censored value (the input is never modified; with nothing to censor it is
 * returned as is). `undefined` values stay `undefined`, as a JSON line would omit them.
 *
 * @example
 * ```ts
 * redactPlain({ card: { number: '4111…' }, id: 1 }, compileRedactionPaths(['card.number']));
 * // { card: { number: '[REDACTED]' }, id: 1 }
 * ```
 */
export function redactPlain(value: unknown, node: PathNode): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [name, child] of matches(value, node)) {
    const current = (value as Record<string, unknown>)[name];
    const next = child.censor ? (current === undefined ? undefined : REDACTED) : redactPlain(current, child);
    if (next === current) continue;
    copy ??= shallowCopy(value);
    setOwn(copy, name, next);
  }
  return copy ?? value;
}

/**
 * A DynamoDB attribute map as a Lambda event carries it (`{ card: { M: { number: { S: '4111…' } } } }`)
 * with the attributes the tree reaches replaced by `{ S: "[REDACTED]" }`. Paths are those of the plain
 * item: a name goes through `M`, a position or `*` through `L` (`contacts[*].email` reaches
 * `contacts.L[*].M.email`); a path into a set censors the whole set. Malformed values are walked as far
 * as they have `M` or `L`. Copy-on-write like {@link redactPlain}.
 *
 * @example
 * ```ts
 * redactAttributeMap({ email: { S: 'a@b.c' } }, compileRedactionPaths(['email'])); // { email: { S: '[REDACTED]' } }
 * ```
 */
export function redactAttributeMap(map: unknown, node: PathNode): unknown {
  if (typeof map !== 'object' || map === null) return map;
  let copy: Record<string, unknown> | undefined;
  for (const [name, child] of matches(map, node)) {
    const current = (map as Record<string, unknown>)[name];
    const next = child.censor ? REDACTED_ATTRIBUTE : redactAttributeValue(current, child);
    if (next === current) continue;
    copy ??= shallowCopy(map);
    setOwn(copy, name, next);
  }
  return copy ?? map;
}

function redactAttributeValue(value: unknown, node: PathNode): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const attribute = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  if (Object.hasOwn(attribute, 'M')) {
    const map = attribute.M;
    const next = Array.isArray(map) ? redactAttributeList(map, node) : redactAttributeMap(map, node);
    if (next !== map) {
      copy ??= { ...attribute };
      copy.M = next;
    }
  }
  if (Object.hasOwn(attribute, 'L')) {
    const list = attribute.L;
    const next = Array.isArray(list) ? redactAttributeList(list, node) : redactAttributeMap(list, node);
    if (next !== list) {
      copy ??= { ...attribute };
      copy.L = next;
    }
  }
  for (const type of ['SS', 'NS', 'BS']) {
    const set = attribute[type];
    if (Object.hasOwn(attribute, type) && typeof set === 'object' && set !== null) {
      for (const _ of matches(set, node)) return REDACTED_ATTRIBUTE;
    }
  }
  return copy ?? value;
}

function redactAttributeList(list: readonly unknown[], node: PathNode): unknown {
  let copy: unknown[] | undefined;
  for (const [name, child] of matches(list, node)) {
    const index = Number(name);
    const current = list[index];
    const next = child.censor ? REDACTED_ATTRIBUTE : redactAttributeValue(current, child);
    if (next === current) continue;
    copy ??= list.slice();
    copy[index] = next;
  }
  return copy ?? list;
}
