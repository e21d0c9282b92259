import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sellerBalanceEntity } from '#contract/entities/seller-balance';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';

/**
 * Test setup only: ends the cooling-off of a seller's bank account (decision 77: a first account
 * cools off too) for a test about something else — payouts under faults, the ledger against a
 * model. The cooling-off itself is proven over the API by test/e2e/serial/payout-approvers.test.ts
 * and payouts.test.ts. It moves the seller balance item's `coolingOffUntil`, which both the payout
 * request and its approval read, into the past.
 */
export async function endCoolingOff(sellerId: string): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: sellerBalanceEntity.key(sellerId),
      UpdateExpression: 'SET coolingOffUntil = :past',
      ConditionExpression: 'attribute_exists(coolingOffUntil)',
      ExpressionAttributeValues: { ':past': '2000-01-01T00:00:00.000Z' },
    }),
  );
}
