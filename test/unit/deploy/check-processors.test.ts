import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkProcessors } from '../../../src/deploy/check-processors.js';
import { InvalidProcessorError } from '../../../src/deploy/errors.js';
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

  it.each([
    ['a schema that is not zod', { schema: { parse() {} } }, 'processors.p.schema'],
    ['process that is not a function', { process: 'nope' }, 'processors.p.process'],
    ['an unknown payload format', { format: 'xml' }, 'processors.p.format'],
    ['an idempotency key that is not a function', { idempotency: { key: 'orderId' } }, 'processors.p.idempotency'],
    ['a batch without commit', { batch: { create: () => [] } }, 'processors.p.batch'],
  ])('rejects %s at %s', (_case, override, path) => {
    // Arrange
    const processor = { kind: 'shardflow.processor', name: 'p', schema: z.object({}), process() {}, ...override };

    // Act
    const act = () => checkProcessors(withProcessor(processor));

    // Assert
    expect(act).toThrow(InvalidProcessorError);
    expect(act).toThrow(expect.objectContaining({ path }));
  });
});
