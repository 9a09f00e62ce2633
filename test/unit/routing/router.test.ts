import { describe, expect, it } from 'vitest';
import {
  createRouter,
  InvalidPatternError,
  InvalidRouteMatchError,
  type Route,
} from '../../../src/runtime/routing/index.js';
import { dynamodbRecord, kinesisRecord } from './record-factories.js';

const routes: Route<string>[] = [
  { match: { source: 'dynamodb', eventName: 'INSERT', payload: { status: ['PAID'] } }, target: 'paid-order-facts' },
  { match: { source: 'dynamodb', eventName: ['INSERT', 'MODIFY'] }, target: 'order-facts' },
  { match: { source: 'dynamodb', eventName: 'REMOVE' }, target: 'order-tombstones' },
  { match: { source: 'kinesis', payload: { type: ['click'] } }, target: 'clicks' },
];

describe('createRouter', () => {
  it.each([
    [
      'the first matching route wins over a later one that also matches',
      dynamodbRecord({ eventName: 'INSERT' }),
      'paid-order-facts',
      0,
    ],
    [
      'a record skips routes that do not match',
      dynamodbRecord({ eventName: 'INSERT', newImage: { orderId: { S: 'o-1' }, status: { S: 'NEW' } } }),
      'order-facts',
      1,
    ],
    ['a MODIFY goes to the second route', dynamodbRecord({ eventName: 'MODIFY' }), 'order-facts', 1],
    ['a REMOVE goes to the third route', dynamodbRecord({ eventName: 'REMOVE' }), 'order-tombstones', 2],
    ['a Kinesis click goes to the fourth route', kinesisRecord({ data: { type: 'click' } }), 'clicks', 3],
  ])('%s', (_description, record, target, index) => {
    // Arrange
    const router = createRouter(routes);

    // Act
    const result = router.route(record);

    // Assert
    expect(result).toEqual({ target, index });
  });

  it('returns undefined when no route matches', () => {
    // Arrange
    const router = createRouter(routes);

    // Act
    const result = router.route(kinesisRecord({ data: 'not json' }));

    // Assert
    expect(result).toBeUndefined();
  });

  it('treats a route without match as a catch-all', () => {
    // Arrange
    const router = createRouter([...routes, { target: 'quarantine' }]);

    // Act
    const result = router.route(kinesisRecord({ data: { type: 'view' } }));

    // Assert
    expect(result).toEqual({ target: 'quarantine', index: 4 });
  });

  it('returns the same frozen result object every time a route is taken', () => {
    // Arrange
    const router = createRouter(routes);

    // Act
    const first = router.route(dynamodbRecord({ eventName: 'REMOVE' }));
    const second = router.route(dynamodbRecord({ eventName: 'REMOVE' }));

    // Assert
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('keeps the type of its targets', () => {
    // Arrange
    const handlers = { facts: (id: string) => `facts:${id}`, tombstones: (id: string) => `tombstones:${id}` };
    const router = createRouter([
      { match: { eventName: 'REMOVE' }, target: handlers.tombstones },
      { target: handlers.facts },
    ]);

    // Act
    const handler = router.route(dynamodbRecord({ eventName: 'REMOVE' }))?.target;

    // Assert
    expect(handler?.('o-1001')).toBe('tombstones:o-1001');
  });

  it('routes an empty route list to nothing', () => {
    // Arrange
    const router = createRouter<string>([]);

    // Act
    const result = router.route(dynamodbRecord());

    // Assert
    expect(result).toBeUndefined();
  });

  it.each([
    [
      'a malformed pattern names its route',
      [{ target: 'a' }, { match: { payload: { status: 'PAID' } }, target: 'b' }],
      'streams.orders.routes[1].match.payload.status',
      InvalidPatternError,
    ],
    [
      'a malformed match names its route',
      [{ match: { eventName: 'Insert' }, target: 'a' }],
      'streams.orders.routes[0].match.eventName',
      InvalidRouteMatchError,
    ],
    ['a route that is not an object', [null], 'streams.orders.routes[0]', InvalidRouteMatchError],
  ])('rejects %s at compile time', (_description, badRoutes, path, errorClass) => {
    // Arrange
    const compile = () => createRouter(badRoutes as unknown as Route<string>[], 'streams.orders.routes');

    // Act
    let error: unknown;
    try {
      compile();
    } catch (caught) {
      error = caught;
    }

    // Assert
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ path });
  });
});
