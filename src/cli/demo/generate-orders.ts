import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { dynamodbLambdaRecord } from '../../esm/lambda-event.js';
import { seededRandom } from './random.js';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-22T00:00:00.000';
const SKUS = ['sku-kettle', 'sku-mug', 'sku-tea', 'sku-grinder', 'sku-beans', 'sku-filter'];

/** Expected results computed from the generated input, independently of the processors. */
export interface OrdersTruth {
  readonly records: number;
  readonly poison: number;
  readonly paidOrders: number;
  readonly revenueCents: number;
  readonly removes: number;
}

/**
 * Generates an `orders` table change stream as DynamoDB Streams Lambda records: each order is inserted
 * (NEW), most are paid then shipped, a few are deleted (some by TTL), and `poisonRate` of the changes
 * carry an image that violates the schema.
 *
 * @example
 * ```ts
 * const { records, truth } = generateOrderChanges({ orders: 100, poisonRate: 0.01, seed: 1 });
 * ```
 */
export function generateOrderChanges(options: { orders: number; poisonRate: number; seed: number }): {
  records: DynamoDBRecord[];
  truth: OrdersTruth;
} {
  const rand = seededRandom(options.seed);
  const records: DynamoDBRecord[] = [];
  let sequence = 100_000_000_000_000_000_000n;
  let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  let poison = 0;
  let paidOrders = 0;
  let revenueCents = 0;
  let removes = 0;

  const emit = (
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    keys: Record<string, unknown>,
    newImage?: Record<string, unknown>,
    oldImage?: Record<string, unknown>,
    ttl = false,
  ) => {
    sequence += BigInt(1 + Math.floor(rand() * 50));
    clock += Math.floor(rand() * 400);
    const size = JSON.stringify([keys, newImage, oldImage]).length;
    records.push(
      dynamodbLambdaRecord({
        streamArn: STREAM_ARN,
        region: 'us-east-1',
        eventID: `${sequence.toString(16)}${records.length.toString(16).padStart(8, '0')}`,
        eventName,
        sequenceNumber: sequence.toString(),
        keys: marshall(keys),
        ...(newImage ? { newImage: marshall(newImage) } : {}),
        ...(oldImage ? { oldImage: marshall(oldImage) } : {}),
        sizeBytes: size,
        streamViewType: 'NEW_AND_OLD_IMAGES',
        approximateCreationMs: clock,
        ...(ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
      }),
    );
  };

  for (let i = 0; i < options.orders; i++) {
    const orderId = `o-${String(i).padStart(6, '0')}`;
    const quantity = 1 + Math.floor(rand() * 3);
    const base = {
      orderId,
      customerId: `c-${Math.floor(rand() * options.orders * 0.4)}`,
      sku: SKUS[Math.floor(rand() * SKUS.length)]!,
      quantity,
      totalCents: quantity * (500 + Math.floor(rand() * 4500)),
    };
    const at = () => new Date(clock).toISOString();
    if (rand() < options.poisonRate) {
      poison++;
      emit('INSERT', { orderId }, { ...base, status: 'LOST', updatedAt: at() });
      continue;
    }
    const created = { ...base, status: 'NEW', updatedAt: at() };
    emit('INSERT', { orderId }, created);
    if (rand() < 0.9) {
      const paid = { ...base, status: 'PAID', updatedAt: at() };
      emit('MODIFY', { orderId }, paid, created);
      paidOrders++;
      revenueCents += base.totalCents;
      if (rand() < 0.75) {
        const shipped = { ...base, status: 'SHIPPED', updatedAt: at() };
        emit('MODIFY', { orderId }, shipped, paid);
        if (rand() < 0.05) {
          emit('REMOVE', { orderId }, undefined, shipped, rand() < 0.5);
          removes++;
        }
      }
    }
  }
  return { records, truth: { records: records.length, poison, paidOrders, revenueCents, removes } };
}
