import {
  DeleteCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unconfirmedPaymentDateEntity } from '#contract/entities/unconfirmed-payment-date';
import type { Order, Voucher } from '#model/order';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleOrderError, transitionWrites } from './orders-repository';
import { cancellationCodes } from './transactions';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A payment dated by its receipt, waiting for the provider's date. */
export interface UnconfirmedPaymentDate {
  orderId: string;
  cip: string;
  provider: Voucher['provider'];
  /** The receipt time that stands in for the date (the order's `payment.paidAt`). */
  receivedAt: string;
}

/** Written in the payment's own transaction, so no such payment is ever missed. */
export function unconfirmedPaymentDatePut(marker: UnconfirmedPaymentDate): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...unconfirmedPaymentDateEntity.key(marker.orderId, marker.receivedAt),
        entity: unconfirmedPaymentDateEntity.name,
        ...marker,
      },
    },
  };
}

/** The oldest `limit` of one bucket. */
export async function queryUnconfirmedPaymentDates(
  bucket: number,
  limit: number,
): Promise<{ items: UnconfirmedPaymentDate[]; itemsRead: number }> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': unconfirmedPaymentDateEntity.partition(bucket) },
      Limit: limit,
    }),
  );
  const items = (page.Items ?? []).map((item) => ({
    orderId: String(item.orderId),
    cip: String(item.cip),
    provider: item.provider as Voucher['provider'],
    receivedAt: String(item.receivedAt),
  }));
  return { items, itemsRead: page.ScannedCount ?? items.length };
}

/**
 * Records the provider's date on the order (conditional on the status and version read, with its
 * `order.payment_date_confirmed` event) and deletes the marker, in one transaction.
 */
export async function saveConfirmedPaymentDate(
  previous: Order,
  next: Order,
  eventData: Record<string, unknown>,
  marker: UnconfirmedPaymentDate,
): Promise<void> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          ...transitionWrites(previous, next, eventData, 'order.payment_date_confirmed'),
          {
            Delete: {
              TableName: tableName(),
              Key: unconfirmedPaymentDateEntity.key(marker.orderId, marker.receivedAt),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw new StaleOrderError(previous.id);
    throw error;
  }
}

/** Drops a marker whose payment no longer waits (already confirmed, or its order is gone). */
export async function dropUnconfirmedPaymentDate(marker: UnconfirmedPaymentDate): Promise<void> {
  await dynamo().send(
    new DeleteCommand({
      TableName: tableName(),
      Key: unconfirmedPaymentDateEntity.key(marker.orderId, marker.receivedAt),
    }),
  );
}
