import { InvalidSettingTypeError, InvalidSettingValueError } from '../config/errors.js';
import type { ConfigError } from '../errors.js';

/** A path segment: a property name (list positions are names too: `"2"`), or {@link WILDCARD}. */
export type PathSegment = string | typeof WILDCARD;

/** The `*` segment: any property of an object, any position of a list. */
export const WILDCARD: unique symbol = Symbol('*');

/**
 * The redaction paths compiled into one tree: walking a value and the tree side by side finds every
 * value to censor in one pass. A node's literal children already include what its wildcard child
 * covers, so a property is looked up once: `children.get(name) ?? wildcard`.
 */
export interface PathNode {
  /** The value that reaches this node is censored (deeper paths under it are moot). */
  readonly censor: boolean;
  readonly children: ReadonlyMap<string, PathNode>;
  readonly wildcard: PathNode | undefined;
}

interface MutableNode {
  censor: boolean;
  children: Map<string, MutableNode>;
  wildcard: MutableNode | undefined;
}

const IDENTIFIER_STOP = new Set(['.', '[', ']', '"', "'", '`']);

function invalid(setting: string, path: string, why: string): ConfigError {
  return new InvalidSettingValueError(setting, `${JSON.stringify(path)} is not a redaction path: ${why}`);
}

/**
 * Parses one redaction path in pino's syntax: names joined by dots (`card.number`), bracketed names for
 * anything else (`headers["x-api-key"]`, `headers['x-api-key']`), list positions (`items[0]`) and the
 * `*` wildcard as a segment or in brackets (`*.email`, `contacts[*].email`).
 *
 * @throws ConfigError (path `setting`) for anything else: an empty path or segment, `..`, an unclosed or
 *   empty bracket, an unquoted bracket that is neither a position nor `*`, text after a closing quote.
 *
 * @example
 * ```ts
 * parseRedactionPath('contacts[*].email'); // ['contacts', WILDCARD, 'email']
 * parseRedactionPath('headers["x-api-key"]'); // ['headers', 'x-api-key']
 * ```
 */
export function parseRedactionPath(path: string, setting = 'logging.redact'): PathSegment[] {
  if (typeof path !== 'string')
    throw new InvalidSettingTypeError(setting, `redaction paths are strings, got ${typeof path}`);
  if (path === '') throw invalid(setting, path, 'it is empty');
  const segments: PathSegment[] = [];
  let i = 0;
  let expectName = true; // at the start or after a dot
  while (i < path.length) {
    const char = path[i]!;
    if (char === '[') {
      if (expectName && segments.length > 0) throw invalid(setting, path, `a dot is followed by "[" at ${i}`);
      const close = readBracket(path, i, setting);
      segments.push(close.segment);
      i = close.end;
      expectName = false;
      if (i < path.length && path[i] !== '.' && path[i] !== '[') {
        throw invalid(setting, path, `unexpected ${JSON.stringify(path[i])} at ${i}`);
      }
      if (path[i] === '.') {
        i++;
        expectName = true;
        if (i === path.length) throw invalid(setting, path, 'it ends with a dot');
      }
      continue;
    }
    if (!expectName) throw invalid(setting, path, `unexpected ${JSON.stringify(char)} at ${i}`);
    let end = i;
    while (end < path.length && !IDENTIFIER_STOP.has(path[end]!)) end++;
    if (end === i) throw invalid(setting, path, `an empty name at ${i}`);
    const name = path.slice(i, end);
    segments.push(name === '*' ? WILDCARD : name);
    i = end;
    expectName = false;
    if (i < path.length) {
      if (path[i] === '.') {
        i++;
        expectName = true;
        if (i === path.length) throw invalid(setting, path, 'it ends with a dot');
      } else if (path[i] !== '[') {
        throw invalid(setting, path, `unexpected ${JSON.stringify(path[i])} at ${i}`);
      }
    }
  }
  return segments;
}

function readBracket(path: string, open: number, setting: string): { segment: PathSegment; end: number } {
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") {
    const closeQuote = path.indexOf(quote, open + 2);
    if (closeQuote === -1) throw invalid(setting, path, `an unclosed quote at ${open + 1}`);
    if (path[closeQuote + 1] !== ']')
      throw invalid(setting, path, `a quoted name not followed by "]" at ${closeQuote}`);
    return { segment: path.slice(open + 2, closeQuote), end: closeQuote + 2 };
  }
  const close = path.indexOf(']', open + 1);
  if (close === -1) throw invalid(setting, path, `an unclosed "[" at ${open}`);
  const inner = path.slice(open + 1, close);
  if (inner === '*') return { segment: WILDCARD, end: close + 1 };
  if (/^(?:0|[1-9][0-9]*)$/.test(inner)) return { segment: inner, end: close + 1 };
  throw invalid(setting, path, `"[${inner}]" is neither a position, "*" nor a quoted name`);
}

function emptyNode(): MutableNode {
  return { censor: false, children: new Map(), wildcard: undefined };
}

function insert(root: MutableNode, segments: readonly PathSegment[]): void {
  let node = root;
  for (const segment of segments) {
    if (segment === WILDCARD) {
      node.wildcard ??= emptyNode();
      node = node.wildcard;
    } else {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = emptyNode();
        node.children.set(segment, child);
      }
      node = child;
    }
  }
  node.censor = true;
}

/** A new node covering what `a` and `b` cover. */
function merge(a: MutableNode | undefined, b: MutableNode | undefined): MutableNode | undefined {
  if (a === undefined) return b === undefined ? undefined : merge(emptyNode(), b);
  if (b === undefined) return merge(emptyNode(), a);
  const out = emptyNode();
  out.censor = a.censor || b.censor;
  for (const [name, child] of a.children) out.children.set(name, merge(child, b.children.get(name))!);
  for (const [name, child] of b.children) if (!out.children.has(name)) out.children.set(name, merge(child, undefined)!);
  out.wildcard = a.wildcard === undefined && b.wildcard === undefined ? undefined : merge(a.wildcard, b.wildcard);
  return out;
}

/** Folds each wildcard into its literal siblings, depth first, and freezes the tree. */
function finish(node: MutableNode): PathNode {
  const wildcard = node.wildcard === undefined ? undefined : finish(node.wildcard);
  const children = new Map<string, PathNode>();
  for (const [name, child] of node.children) {
    children.set(name, finish(node.wildcard === undefined ? child : merge(child, node.wildcard)!));
  }
  return Object.freeze({ censor: node.censor, children, wildcard });
}

/**
 * Compiles redaction paths (see {@link parseRedactionPath}) into one {@link PathNode} tree.
 *
 * @throws ConfigError for an invalid path (or a `paths` that is not an array of strings).
 *
 * @example
 * ```ts
 * const tree = compileRedactionPaths(['email', '*.email', 'contacts[*].email']);
 * tree.children.get('email')?.censor; // true
 * ```
 */
export function compileRedactionPaths(paths: readonly string[], setting = 'logging.redact'): PathNode {
  if (!Array.isArray(paths))
    throw new InvalidSettingTypeError(setting, `must be an array of paths, got ${typeof paths}`);
  const root = emptyNode();
  for (const path of paths) insert(root, parseRedactionPath(path, setting));
  return finish(root);
}
