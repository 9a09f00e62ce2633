import { type LoggerOptions, type Logger as PinoLogger, pino } from 'pino';
import type { LogDestination } from '../../../src/runtime/observability/logger.js';
import { createRedactor, type Redactor } from '../../../src/runtime/redaction/index.js';

/**
 * The reference `pino-compatibility.test.ts` compares shardflow's logger with: pino 10, configured exactly as
 * shardflow's `createLogger` configured it before it wrote its lines itself (level labels, ISO time, no
 * pid/hostname, `base` as bindings; with redaction paths, shardflow's redactor on fields, bindings, logged
 * errors and interpolated objects).
 */
export function pinoReference(options: {
  readonly level: string;
  readonly destination: LogDestination;
  readonly redact?: readonly string[];
  readonly base?: object;
}): PinoLogger {
  const redactor = createRedactor(options.redact ?? [], 'logging.redact');
  const config: LoggerOptions = {
    level: options.level,
    base: options.base === undefined ? null : redactor.value(options.base),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (redactor.active) {
    config.formatters!.log = (line) => redactLine(line, redactor);
    config.serializers = { err: (value: unknown) => (value instanceof Error ? pino.stdSerializers.err(value) : value) };
    config.hooks = {
      logMethod(args, method) {
        const redacted = args.map((arg, i) => (i === 0 || typeof arg !== 'object' ? arg : safely(redactor, arg)));
        return method.apply(this, redacted as Parameters<typeof method>);
      },
    };
  }
  const logger = pino(config, options.destination);
  if (redactor.active) {
    const child = logger.child;
    Object.defineProperty(logger, 'child', {
      configurable: true,
      writable: true,
      value(this: PinoLogger, bindings: Record<string, unknown>) {
        return child.call(this, safely(redactor, bindings) as Record<string, unknown>);
      },
    });
  }
  return logger;
}

const UNREDACTABLE = Object.freeze({ redaction: 'failed: the fields of this line were dropped' });

function safely(redactor: Redactor, value: unknown): unknown {
  try {
    return redactor.value(value);
  } catch {
    return UNREDACTABLE;
  }
}

function redactLine(line: Record<string, unknown>, redactor: Redactor): Record<string, unknown> {
  try {
    const err = line.err;
    const serialized = err instanceof Error ? { ...line, err: pino.stdSerializers.err(err) } : line;
    return redactor.value(serialized);
  } catch {
    return { ...UNREDACTABLE };
  }
}
