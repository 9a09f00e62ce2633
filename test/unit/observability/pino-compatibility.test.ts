import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Logger } from '../../../src/runtime/observability/logger.js';
import { captureDestination } from './capture.js';
import { pinoReference } from './pino-reference.js';

/**
 * shardflow writes its log lines itself (`src/runtime/observability/json-logger.ts`) in pino's format. This
 * writes one corpus of log calls through shardflow's logger and through pino configured as shardflow
 * configured it (`pino-reference.ts`), with the clock stopped, and compares the lines byte for byte.
 */

type Call = (logger: Logger) => void;

/** Loose calls: what JavaScript callers (and `any`) can pass beyond the `LogFn` overloads. */
function loose(logger: Logger, level: 'info' | 'warn' | 'error', ...args: unknown[]): void {
  (logger[level] as (...args: unknown[]) => void)(...args);
}

function circular(): Record<string, unknown> {
  const order: Record<string, unknown> = { zeta: 1, id: 'o-1', alpha: { email: 'ada@example.com' } };
  order.self = order;
  return order;
}

class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
  readonly code = 'card_declined';
  readonly email = 'ada@example.com';
  readonly raw = 'not copied';
  readonly detail = new Error('acquirer said no');
  readonly attempt = { n: 2, at: new Date(0) };
}

function errors() {
  const root = new TypeError('socket hang up');
  const middle = new Error('store unavailable', { cause: root });
  const outer = new Error('claim failed', { cause: middle });
  const loopA = new Error('a');
  const loopB = new Error('b', { cause: loopA });
  (loopA as { cause?: unknown }).cause = loopB;
  const inner = new Error('inner');
  const vErrorStyle = Object.assign(new Error('outer (VError style)'), { cause: () => inner });
  return {
    plain: new Error('boom'),
    outer,
    declined: new PaymentDeclinedError('payment declined'),
    aggregate: new AggregateError([new Error('first'), new RangeError('second')], 'two failed'),
    loop: loopA,
    vErrorStyle,
  };
}

/** Each case makes its values once (errors carry the stack of where they were made) and returns the calls. */
const CASES: Readonly<Record<string, () => Call>> = {
  'a message': () => (l) => l.info('batch done'),
  'quotes, backslashes, control characters, long and lone-surrogate strings': () => (l) => {
    l.info('say "hi" \\ bye');
    l.info('tab\there');
    l.info('x'.repeat(150));
    l.info({ s: 'lone \ud800 surrogate', long: `"${'y'.repeat(120)}"` }, 'lone \udc00');
  },
  'fields and a message': () => (l) =>
    l.info({ orderId: 'o-1', n: 3, ok: true, nested: { a: [1, 2, { b: null }] }, none: null }, 'order'),
  'values pino drops or rewrites': () => (l) =>
    l.warn(
      {
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        negZero: -0,
        undef: undefined,
        fn() {},
        sym: Symbol('s'),
        inArray: [undefined, () => 1, Number.NaN],
      },
      'odd values',
    ),
  'values JSON.stringify cannot write: BigInt, cycles, deep and wide objects': () => (l) => {
    l.info({ big: 12_345_678_901_234_567_890n, deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } });
    l.info({ order: circular() }, 'circular');
    const wide: Record<string, number> = { big: 1 };
    for (let i = 0; i < 120; i++) wide[`k${String(i).padStart(3, '0')}`] = i;
    l.info({ wide, list: Array.from({ length: 130 }, (_, i) => i), n: 1n });
    l.info({ typed: new Uint8Array([1, 2, 3]), self: circular() });
  },
  'objects with toJSON and built-ins': () => (l) =>
    l.info({
      date: new Date(0),
      map: new Map([[1, 2]]),
      set: new Set([1]),
      buffer: Buffer.from('hi'),
      bytes: new Uint8Array([1, 2]),
      regexp: /x/g,
    }),
  'errors: alone, with causes, custom fields, aggregates, cycles, VError style': () => {
    const e = errors();
    return (l) => {
      l.error(e.plain);
      l.error(e.outer, 'claim failed for 3 keys');
      l.error({ err: e.declined, orderId: 'o-1' }, 'declined');
      l.error({ err: e.declined });
      l.error(e.aggregate);
      l.error({ err: e.loop }, 'loop');
      l.error({ err: e.vErrorStyle });
      l.warn({ err: { message: 'error-like object', code: 7 } });
      l.warn({ err: 'a string' }, 'string err');
      l.warn({ err: null, other: 1 });
    };
  },
  'msg among the fields': () => {
    const err = new Error('err message');
    return (l) => {
      l.warn({ msg: 'from the fields' });
      l.warn({ msg: 'from the fields' }, 'and the message');
      l.warn({ err });
      l.warn({ err, msg: 'fields msg wins over err.message' });
    };
  },
  'interpolation: %s %d %i %f %j %o %O %% and unknown directives': () => (l) => {
    l.info('%s has %d items at %f (%i) %j %o %O %% %x', 'cart', 3, 1.5, 2.7, { a: 1 }, 'str', [1], 'extra');
    l.info({ orderId: 'o-1' }, 'order %s is %s', 'o-1', 'paid');
    l.info('%d %d', null, undefined);
    l.info('%j', () => 1);
    l.info('%o', circular());
    l.info('no directives', 'unused', 3);
  },
  'calls outside the overloads': () => (l) => {
    loose(l, 'info', null);
    loose(l, 'info');
    loose(l, 'info', undefined, 'message after undefined');
    loose(l, 'info', 42);
    loose(l, 'info', true);
    loose(l, 'info', { a: 1 }, { b: 2 }, 'x', 'y');
    loose(l, 'info', { a: 1 }, 42);
    loose(l, 'info', { a: 1 }, Number.NaN);
    loose(l, 'info', { a: 1 }, false);
    loose(l, 'info', { a: 1 }, { nested: true });
    loose(l, 'info', null, 'after null');
    loose(l, 'warn', 'x', { o: 1 });
    loose(l, 'error', { a: 1 }, () => 'fn message');
    loose(l, 'error', { a: 1 }, 10n);
  },
  'odd keys': () => (l) => l.info({ 'we"ird\\key': 1, 'new\nline': 2, '': 3, ünïcode: 4, __proto__x: 5 }),
  'children: nested bindings, reserved keys, errors and dropped values in bindings': () => {
    const bound = new Error('bound error');
    return (l) => {
      const child = l
        .child({
          awsRequestId: 'req-1',
          level: 'ignored',
          serializers: 'ignored',
          formatters: 'ignored',
          customLevels: 'ignored',
          lvl: 'kept',
          err: bound,
          undef: undefined,
          fn() {},
          email: 'grace@example.com',
        })
        .child({ shardId: 'shardId-000000000000', stream: 'orders' });
      child.warn('schema violation');
      child.error({ email: 'ada@example.com', card: { number: '4111111111111111', brand: 'visa' } }, 'declined');
      l.info('the parent is unchanged');
    };
  },
  'levels below the logger level are dropped': () => (l) => {
    l.trace('hidden');
    l.debug('hidden');
    l.fatal('shown');
  },
  'redaction targets': () => {
    const withEmail = Object.assign(new Error('with email'), { email: 'ada@example.com' });
    return (l) => {
      l.info(
        {
          email: 'ada@example.com',
          customer: { email: 'ada@example.com', name: 'Ada' },
          card: { number: '4111111111111111', brand: 'visa' },
          headers: { 'x-api-key': 'secret', accept: 'json' },
          contacts: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
        },
        'customer',
      );
      l.info('interpolated %o and %j', { email: 'ada@example.com' }, { customer: { email: 'ada@example.com' } });
      l.error({ err: withEmail }, 'failed');
    };
  },
};

const REDACT = ['email', '*.email', 'card.number', 'headers["x-api-key"]', 'contacts[*].email'];

const CONFIGS: Readonly<
  Record<string, { readonly level: string; readonly redact?: string[]; readonly base?: object }>
> = {
  'info, no redaction': { level: 'info' },
  'trace, base fields': { level: 'trace', base: { service: 'shop', region: 'eu-west-1', err: new Error('in base') } },
  'info, redaction paths': { level: 'info', redact: REDACT, base: { service: 'shop', email: 'ops@example.com' } },
  silent: { level: 'silent' },
};

describe("shardflow's logger writes pino's lines, byte for byte", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 2, 3, 4, 5, 678), toFake: ['Date'] });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  for (const [configName, config] of Object.entries(CONFIGS)) {
    for (const [caseName, makeCall] of Object.entries(CASES)) {
      it(`${configName}: ${caseName}`, () => {
        // Arrange
        const ours = captureDestination();
        const theirs = captureDestination();
        const options = { ...config, ...(config.redact ? { redact: config.redact } : {}) };
        const shardflow = createLogger({ ...options, destination: ours });
        const pino = pinoReference({ ...options, destination: theirs });

        const call = makeCall();

        // Act
        call(shardflow);
        call(pino as unknown as Logger);

        // Assert
        expect(ours.raw).toEqual(theirs.raw);
        if (config.level !== 'silent' && caseName !== 'levels below the logger level are dropped') {
          expect(ours.raw.length).toBeGreaterThan(0);
        }
      });
    }
  }

  it('tells destinations that ask for it the level of each line, so pino.multistream routes lines as with pino', () => {
    // Arrange
    const captures = {
      ours: [captureDestination(), captureDestination()],
      theirs: [captureDestination(), captureDestination()],
    };
    const multistream = ([warn, all]: ReturnType<typeof captureDestination>[]) =>
      pino.multistream([
        { level: 'warn', stream: warn! },
        { level: 'debug', stream: all! },
      ]);
    const loggers = [
      createLogger({ level: 'debug', destination: multistream(captures.ours) }),
      pinoReference({ level: 'debug', destination: multistream(captures.theirs) }) as unknown as Logger,
    ];

    // Act
    for (const logger of loggers) {
      logger.debug('detail');
      logger.child({ shardId: 's-1' }).warn({ failed: 2 }, 'retrying');
      logger.error('gave up');
    }

    // Assert
    expect(captures.ours.map((c) => c.raw)).toEqual(captures.theirs.map((c) => c.raw));
    expect(captures.ours.map((c) => c.raw.length)).toEqual([2, 3]);
  });

  it('has the level it was created with, on children too', () => {
    // Arrange
    const logger = createLogger({ level: 'warn', destination: captureDestination() });

    // Act
    const child = logger.child({ a: 1 });

    // Assert
    expect([logger.level, child.level]).toEqual(['warn', 'warn']);
  });
});
