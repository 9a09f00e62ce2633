import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkProcessors } from '../../../src/deploy/check-processors.js';
import {
  type ConfigError,
  InvalidSettingTypeError,
  InvalidSettingValueError,
  MissingSettingError,
  UnknownSettingError,
} from '../../../src/runtime/config/errors.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import { deployConfig, ordersStream } from './fixtures.js';

const withProcessor = (processor: unknown) =>
  deployConfig({ orders: ordersStream({ routes: [{ processor: processor as never }] }) });

describe('checkProcessors', () => {
  it('accepts processors with a zod schema and the options defineProcessor documents', () => {
    // Arrange
    const windowed = defineProcessor({
      name: 'windowed',
      schema: z.object({ n: z.number() }),
      format: 'json',
      idempotency: { key: (payload) => String(payload.n) },
      window: { initial: () => 0, onClose() {} },
      process() {},
    });

    // Act
    const act = () =>
      checkProcessors(
        deployConfig({
          orders: ordersStream({
            idempotency: { table: 't-idem' },
            tumblingWindowSeconds: 60,
            routes: [{ processor: windowed }],
          }),
        }),
      );

    // Assert
    expect(act).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, new (...args: never[]) => ConfigError, string]>([
    ['a schema that is not zod', { schema: { parse() {} } }, InvalidSettingTypeError, 'processors.p.schema'],
    ['process that is not a function', { process: 'nope' }, InvalidSettingTypeError, 'processors.p.process'],
    ['an unknown payload format', { format: 'xml' }, InvalidSettingValueError, 'processors.p.format'],
    [
      'an idempotency key that is not a function',
      { idempotency: { key: 'orderId' } },
      InvalidSettingTypeError,
      'processors.p.idempotency.key',
    ],
    ['a batch without commit', { batch: { create: () => [] } }, MissingSettingError, 'processors.p.batch.commit'],
    ['an unknown key', { proccess() {} }, UnknownSettingError, 'processors.p.proccess'],
  ])('rejects %s at %s (already at defineConfig)', (_case, override, errorClass, path) => {
    // Arrange
    const processor = { kind: 'shardflow.processor', name: 'p', schema: z.object({}), process() {}, ...override };

    // Act
    const act = () => checkProcessors(withProcessor(processor));

    // Assert
    expect(act).toThrow(errorClass);
    expect(act).toThrow(expect.objectContaining({ path }));
  });
});
