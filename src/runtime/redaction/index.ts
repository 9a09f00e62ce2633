/**
 * Redaction: one engine for log lines, quarantine entries and on-failure payloads, with pino's path syntax.
 *
 * @example
 * ```ts
 * import { createRedactor } from './redaction/index.js';
 * const redactor = createRedactor(['email', 'contacts[*].email', 'headers["x-api-key"]']);
 * const { record } = redactor.lambdaRecord(lambdaRecord); // payload redacted, for an on-failure destination
 * ```
 */
export { compileRedactionPaths, type PathNode, type PathSegment, parseRedactionPath, WILDCARD } from './paths.js';
export {
  createRedactor,
  type DroppedData,
  type RedactedData,
  type RedactedLambdaRecord,
  type Redactor,
} from './redactor.js';
export { REDACTED } from './walk.js';
