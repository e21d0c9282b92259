import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { creationIntentEntity } from '#contract/entities/creation-intent';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';

/**
 * Written before an order's CIP is requested from the PSP: which order id (the CIP's
 * `transactionCode`) was about to be created for which marketplace reference. If the request dies
 * after the PSP minted the CIP but before the order was stored (killed, crashed, the PSP's answer
 * lost), no order has that CIP, and PagoEfectivo offers no search by transactionCode. A payment of
 * that CIP then still finds its way: its notification carries the transactionCode, and this item
 * names the order and reference it was meant for. Kept until well after the CIP could be paid.
 */
export interface CreationIntent {
  orderId: string;
  reference: string;
  amount: number;
  currency: string;
  createdAt: string;
  expiresAt: string;
}

const KEEP_AFTER_EXPIRY_SECONDS = 30 * 86_400;

/**
 * `under`: another id the provider will echo (a wallet option's `po_…`, its order number), so a
 * payment of that option is traced to the order too.
 */
export async function recordCreationIntent(
  intent: CreationIntent,
  under: string = intent.orderId,
): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...creationIntentEntity.key(under),
        entity: creationIntentEntity.name,
        ...intent,
        ttl: Math.floor(Date.parse(intent.expiresAt) / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
      },
    }),
  );
}

export async function findCreationIntent(orderId: string): Promise<CreationIntent | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: creationIntentEntity.key(orderId) }),
  );
  if (!result.Item) return undefined;
  const { orderId: id, reference, amount, currency, createdAt, expiresAt } = result.Item;
  return { orderId: id, reference, amount, currency, createdAt, expiresAt } as CreationIntent;
}
