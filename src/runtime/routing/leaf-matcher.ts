import { InvalidPatternError } from './errors.js';
import { compileCidr } from './ip-address.js';
import { indexPath, keyPath } from './pattern-path.js';
import type { CompiledMatcher } from './pattern-types.js';

type StringTest = (value: string) => boolean;
type NumberTest = (value: number) => boolean;

/** Everything a leaf's alternatives accept, sorted by the JSON type they apply to. */
interface LeafAcceptance {
  readonly strings: string[];
  readonly numbers: number[];
  readonly stringTests: StringTest[];
  readonly numberTests: NumberTest[];
  anyString: boolean;
  anyNumber: boolean;
  matchTrue: boolean;
  matchFalse: boolean;
  matchNull: boolean;
  /** `{ "exists": false }`: the leaf also matches when the field is absent (or is not a leaf). */
  existsFalse: boolean;
}

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

const ANYTHING_BUT_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

const MATCH = 1;
const LEAF_NO_MATCH = 0;
const NO_LEAF = -1;

function fail(path: string, message: string): never {
  throw new InvalidPatternError(path, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Compiles a leaf array of a pattern (`["PAID", { "prefix": "us-" }, { "exists": false }]`) into a
 * matcher on the event value at that position. AWS semantics: the alternatives are ORed; when the event
 * value is an array, the leaf matches if any element matches; objects are not leaves (only
 * `{ "exists": false }` matches them, as it matches an absent field).
 *
 * @example
 * ```ts
 * const leaf = compileLeaf(['PAID', { prefix: 'SHIP' }], 'pattern.status');
 * leaf.test('SHIPPED'); // true
 * leaf.test(['NEW', 'PAID']); // true
 * leaf.whenMissing; // false
 * ```
 */
export function compileLeaf(rules: readonly unknown[], path: string): CompiledMatcher {
  if (rules.length === 0) fail(path, 'empty arrays are not allowed: a leaf needs at least one value to match');
  const accept: LeafAcceptance = {
    strings: [],
    numbers: [],
    stringTests: [],
    numberTests: [],
    anyString: false,
    anyNumber: false,
    matchTrue: false,
    matchFalse: false,
    matchNull: false,
    existsFalse: false,
  };
  for (let i = 0; i < rules.length; i++) addRule(accept, rules[i], indexPath(path, i));
  return toMatcher(buildPrimitiveTest(accept), accept.existsFalse);
}

function addRule(accept: LeafAcceptance, rule: unknown, path: string): void {
  switch (typeof rule) {
    case 'string':
      accept.strings.push(rule);
      return;
    case 'number':
      if (!Number.isFinite(rule)) fail(path, 'numbers must be finite');
      accept.numbers.push(rule);
      return;
    case 'boolean':
      if (rule) accept.matchTrue = true;
      else accept.matchFalse = true;
      return;
    default:
      break;
  }
  if (rule === null) {
    accept.matchNull = true;
    return;
  }
  if (Array.isArray(rule)) fail(path, 'nested arrays are not allowed in a leaf');
  if (!isPlainObject(rule)) fail(path, 'a leaf value must be a string, number, boolean, null or an operator object');
  const keys = Object.keys(rule);
  if (keys.length !== 1) fail(path, `an operator object must have exactly one key, found ${keys.length}`);
  const operator = keys[0] as string;
  if (!OPERATORS.has(operator)) {
    fail(keyPath(path, operator), `unknown operator "${operator}"; expected one of ${[...OPERATORS].join(', ')}`);
  }
  addOperator(accept, operator, rule[operator], keyPath(path, operator));
}

function addOperator(accept: LeafAcceptance, operator: string, operand: unknown, path: string): void {
  switch (operator) {
    case 'prefix':
      accept.stringTests.push(prefixTest(operand, path));
      return;
    case 'suffix':
      accept.stringTests.push(suffixTest(operand, path));
      return;
    case 'equals-ignore-case': {
      const text = requireString(operand, path);
      accept.stringTests.push(regExpTest(new RegExp(`^${escapeRegExp(text)}$`, 'iu')));
      return;
    }
    case 'wildcard': {
      const wildcard = parseWildcard(requireString(operand, path), path);
      if (wildcard.literal !== undefined) accept.strings.push(wildcard.literal);
      else accept.stringTests.push(regExpTest(new RegExp(`^${wildcard.source}$`, 's')));
      return;
    }
    case 'anything-but':
      addAnythingBut(accept, operand, path);
      return;
    case 'numeric':
      accept.numberTests.push(compileNumeric(operand, path));
      return;
    case 'exists':
      if (typeof operand !== 'boolean') fail(path, 'exists must be true or false');
      if (operand) {
        accept.anyString = true;
        accept.anyNumber = true;
        acceptLiterals(accept);
      } else {
        accept.existsFalse = true;
      }
      return;
    default: {
      const cidr = compileCidr(requireString(operand, path));
      if (!cidr.ok) fail(path, cidr.reason);
      accept.stringTests.push(cidr.test);
    }
  }
}

function acceptLiterals(accept: LeafAcceptance): void {
  accept.matchTrue = true;
  accept.matchFalse = true;
  accept.matchNull = true;
}

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') fail(path, 'must be a string');
  return operand;
}

function regExpTest(regExp: RegExp): StringTest {
  return (value) => regExp.test(value);
}

/** `{ "equals-ignore-case": "…" }` inside prefix/suffix; returns the operand string. */
function ignoreCaseOperand(operand: unknown, path: string): string {
  if (!isPlainObject(operand)) fail(path, 'must be a string or { "equals-ignore-case": string }');
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
    fail(path, 'the only operator allowed here is { "equals-ignore-case": string }');
  }
  return requireString(operand['equals-ignore-case'], keyPath(path, 'equals-ignore-case'));
}

function prefixTest(operand: unknown, path: string): StringTest {
  if (typeof operand === 'string') return (value) => value.startsWith(operand);
  const text = ignoreCaseOperand(operand, path);
  return regExpTest(new RegExp(`^${escapeRegExp(text)}`, 'iu'));
}

function suffixTest(operand: unknown, path: string): StringTest {
  if (typeof operand === 'string') return (value) => value.endsWith(operand);
  const text = ignoreCaseOperand(operand, path);
  return regExpTest(new RegExp(`${escapeRegExp(text)}$`, 'iu'));
}

/**
 * Parses an Event Ruler wildcard: `*` matches any run of characters, `\*` is a literal asterisk, `\\` a
 * literal backslash. Consecutive `**` and any other escape are rejected, as AWS does.
 */
function parseWildcard(text: string, path: string): { literal?: string; source: string } {
  let source = '';
  let literal = '';
  let hasWildcard = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '*') {
      if (text[i + 1] === '*') fail(path, `consecutive wildcard characters at position ${i}`);
      hasWildcard = true;
      source += '.*';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') fail(path, `invalid escape character at position ${i}`);
      source += escapeRegExp(next);
      literal += next;
      i++;
    } else {
      source += escapeRegExp(char);
      literal += char;
    }
  }
  return hasWildcard ? { source } : { literal, source };
}

function addAnythingBut(accept: LeafAcceptance, operand: unknown, path: string): void {
  // Whatever is excluded, values of the other JSON types are "anything but" it: AWS matches them.
  acceptLiterals(accept);
  if (typeof operand === 'string') {
    accept.stringTests.push((value) => value !== operand);
    accept.anyNumber = true;
    return;
  }
  if (typeof operand === 'number') {
    if (!Number.isFinite(operand)) fail(path, 'numbers must be finite');
    accept.numberTests.push((value) => value !== operand);
    accept.anyString = true;
    return;
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail(path, 'empty arrays are not allowed');
    if (operand.every((value) => typeof value === 'string')) {
      const excluded = new Set<string>(operand);
      accept.stringTests.push((value) => !excluded.has(value));
      accept.anyNumber = true;
      return;
    }
    if (operand.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      const excluded = new Set<number>(operand);
      accept.numberTests.push((value) => !excluded.has(value));
      accept.anyString = true;
      return;
    }
    fail(path, 'an anything-but list must hold only strings or only finite numbers');
  }
  if (!isPlainObject(operand)) {
    fail(path, 'must be a string, a number, a list of strings or numbers, or an object with one operator');
  }
  const keys = Object.keys(operand);
  if (keys.length !== 1) fail(path, `must have exactly one operator, found ${keys.length}`);
  const operator = keys[0] as string;
  const innerPath = keyPath(path, operator);
  if (!ANYTHING_BUT_OPERATORS.has(operator)) {
    fail(
      innerPath,
      `unsupported anything-but operator "${operator}"; expected prefix, suffix, equals-ignore-case or wildcard`,
    );
  }
  const values = stringList(operand[operator], innerPath);
  accept.anyNumber = true;
  switch (operator) {
    case 'prefix':
      if (values.includes('')) fail(innerPath, 'an empty prefix is not allowed');
      accept.stringTests.push((value) => !startsWithAny(value, values));
      return;
    case 'suffix':
      if (values.includes('')) fail(innerPath, 'an empty suffix is not allowed');
      accept.stringTests.push((value) => !endsWithAny(value, values));
      return;
    case 'equals-ignore-case': {
      const regExp = new RegExp(`^(?:${values.map(escapeRegExp).join('|')})$`, 'iu');
      accept.stringTests.push((value) => !regExp.test(value));
      return;
    }
    default: {
      // wildcard
      const sources = values.map((value, i) => parseWildcard(value, indexOrSelf(innerPath, values, i)).source);
      const regExp = new RegExp(`^(?:${sources.join('|')})$`, 's');
      accept.stringTests.push((value) => !regExp.test(value));
    }
  }
}

function startsWithAny(value: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (value.startsWith(prefixes[i] as string)) return true;
  return false;
}

function endsWithAny(value: string, suffixes: readonly string[]): boolean {
  for (let i = 0; i < suffixes.length; i++) if (value.endsWith(suffixes[i] as string)) return true;
  return false;
}

function indexOrSelf(path: string, values: readonly string[], index: number): string {
  return values.length === 1 ? path : indexPath(path, index);
}

function stringList(operand: unknown, path: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (!Array.isArray(operand)) fail(path, 'must be a string or a list of strings');
  if (operand.length === 0) fail(path, 'empty arrays are not allowed');
  operand.forEach((value, i) => {
    if (typeof value !== 'string') fail(indexPath(path, i), 'must be a string');
  });
  return operand as string[];
}

const LOWER_BOUND = new Set(['>', '>=']);
const UPPER_BOUND = new Set(['<', '<=']);

/**
 * Compiles `numeric` operands as Event Ruler accepts them: `["=", n]`, `[">"|">="|"<"|"<=", n]`, or a
 * range `[">"|">=", low, "<"|"<=", high]` with `low < high`.
 */
function compileNumeric(operand: unknown, path: string): NumberTest {
  if (!Array.isArray(operand)) fail(path, 'must be an array such as [">", 0, "<=", 5]');
  if (operand.length !== 2 && operand.length !== 4) {
    fail(path, `must hold one operator and number, or a lower and an upper bound; found ${operand.length} items`);
  }
  const op = operand[0];
  if (typeof op !== 'string' || !(op === '=' || LOWER_BOUND.has(op) || UPPER_BOUND.has(op))) {
    fail(indexPath(path, 0), `unknown numeric operator ${JSON.stringify(op)}; expected =, <, <=, > or >=`);
  }
  const first = numericValue(operand[1], indexPath(path, 1));
  if (operand.length === 2) {
    switch (op) {
      case '=':
        return (value) => value === first;
      case '>':
        return (value) => value > first;
      case '>=':
        return (value) => value >= first;
      case '<':
        return (value) => value < first;
      default:
        return (value) => value <= first;
    }
  }
  if (!LOWER_BOUND.has(op)) fail(indexPath(path, 0), 'a numeric range must start with ">" or ">="');
  const upperOp = operand[2];
  if (typeof upperOp !== 'string' || !UPPER_BOUND.has(upperOp)) {
    fail(indexPath(path, 2), `a numeric range must end with "<" or "<=", found ${JSON.stringify(upperOp)}`);
  }
  const second = numericValue(operand[3], indexPath(path, 3));
  if (!(first < second)) fail(path, `the lower bound ${first} must be less than the upper bound ${second}`);
  const lowIncl = op === '>=';
  const highIncl = upperOp === '<=';
  if (lowIncl) return highIncl ? (v) => v >= first && v <= second : (v) => v >= first && v < second;
  return highIncl ? (v) => v > first && v <= second : (v) => v > first && v < second;
}

function numericValue(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number');
  return value;
}

/** Turns the accepted alternatives into one test on a primitive (string, number, boolean or null). */
function buildPrimitiveTest(accept: LeafAcceptance): (value: unknown) => boolean {
  const { anyString, anyNumber, matchTrue, matchFalse, matchNull } = accept;
  const stringTests = accept.stringTests.slice();
  const numberTests = accept.numberTests.slice();
  const noStringTests = stringTests.length === 0;
  const noLiterals = !matchTrue && !matchFalse && !matchNull;
  const stringSet = accept.strings.length > 0 ? new Set(accept.strings) : undefined;
  const numberSet = accept.numbers.length > 0 ? new Set(accept.numbers) : undefined;

  // Fast paths for the most common leaves: exact strings only.
  if (noStringTests && noLiterals && !anyString && !anyNumber && numberSet === undefined && numberTests.length === 0) {
    if (stringSet === undefined) return () => false;
    if (stringSet.size === 1) {
      const only = accept.strings[0];
      return (value) => value === only;
    }
    return (value) => typeof value === 'string' && stringSet.has(value);
  }

  return (value) => {
    if (typeof value === 'string') {
      if (anyString || stringSet?.has(value)) return true;
      for (let i = 0; i < stringTests.length; i++) if ((stringTests[i] as StringTest)(value)) return true;
      return false;
    }
    if (typeof value === 'number') {
      if (anyNumber || numberSet?.has(value)) return true;
      for (let i = 0; i < numberTests.length; i++) if ((numberTests[i] as NumberTest)(value)) return true;
      return false;
    }
    if (value === true) return matchTrue;
    if (value === false) return matchFalse;
    return value === null && matchNull;
  };
}

/** Wraps a primitive test with AWS's treatment of arrays (any element), objects (not leaves) and absence. */
function toMatcher(primitive: (value: unknown) => boolean, whenMissing: boolean): CompiledMatcher {
  // 1 = an element matched, 0 = leaves present but none matched, -1 = no leaf at all.
  const visit = (value: unknown): number => {
    if (value === undefined) return NO_LEAF;
    if (value === null || typeof value !== 'object') return primitive(value) ? MATCH : LEAF_NO_MATCH;
    let result = NO_LEAF;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const inner = visit(value[i]);
        if (inner === MATCH) return MATCH;
        if (inner === LEAF_NO_MATCH) result = LEAF_NO_MATCH;
      }
    } else if (value instanceof Set) {
      for (const element of value) {
        const inner = visit(element);
        if (inner === MATCH) return MATCH;
        if (inner === LEAF_NO_MATCH) result = LEAF_NO_MATCH;
      }
    }
    return result;
  };
  const test = (value: unknown): boolean => {
    if (value === undefined) return whenMissing;
    if (value === null || typeof value !== 'object') return primitive(value);
    const result = visit(value);
    return result === MATCH || (result === NO_LEAF && whenMissing);
  };
  return { test, whenMissing };
}
