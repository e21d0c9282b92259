import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bankAccountEntity } from '#contract/entities/bank-account';
import { withoutKeys } from '#contract/entities/indexes';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { StaleVersionError } from '#platform/optimistic';
import { sellerBalanceUpdate } from './ledger-repository';
import { outboxPut } from './outbox';
import { cancellationCodes } from './transactions';

/** A seller's bank account as stored (the full CCI: payouts need it; answers mask it). */
export interface StoredBankAccount {
  sellerId: string;
  cci: string;
  holderName: string;
  documentType: string;
  documentNumber: string;
  bank?: string;
  version: number;
  changedAt: string;
  /** The key that set this version, and the person holding it (absent before principals: the key). */
  changedBy: string;
  changedByPrincipal?: string;
  coolingOffUntil?: string;
}

const table = () => tableName();

const fromItem = (item: Record<string, unknown>) => withoutKeys<StoredBankAccount>(item);

export async function getBankAccount(sellerId: string): Promise<StoredBankAccount | undefined> {
  const result = await dynamo().send(
    new GetCommand({ TableName: table(), Key: bankAccountEntity.key(sellerId), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

/** Every version, oldest first: the account's change history (kept, never overwritten). */
export async function bankAccountHistory(sellerId: string): Promise<StoredBankAccount[]> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': bankAccountEntity.key(sellerId).pk,
        ':prefix': bankAccountEntity.versionPrefix,
      },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map(fromItem);
}

export async function getBankAccountVersion(sellerId: string, version: number) {
  const result = await dynamo().send(
    new GetCommand({ TableName: table(), Key: bankAccountEntity.versionKey(sellerId, version) }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

export class StaleBankAccountError extends StaleVersionError {
  constructor() {
    super('the bank account changed meanwhile');
    this.name = 'StaleBankAccountError';
  }
}

/**
 * Writes a new version: the current account (conditional on the version read), its history item,
 * `seller.bank_account_changed` (with the CCI masked by the caller), and the version and
 * cooling-off on the seller's balance item — so the payout job reads one item per seller.
 */
export async function saveBankAccount(
  previous: StoredBankAccount | undefined,
  next: StoredBankAccount,
  eventData: Record<string, unknown>,
): Promise<void> {
  const current = bankAccountEntity.key(next.sellerId);
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...current, entity: bankAccountEntity.name, ...next },
              ...(previous
                ? {
                    ConditionExpression: '#version = :version',
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': previous.version },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          {
            Put: {
              TableName: table(),
              Item: {
                ...bankAccountEntity.versionKey(next.sellerId, next.version),
                entity: bankAccountEntity.versionName,
                ...next,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          outboxPut({
            subject: current.pk,
            sequence: next.version,
            type: 'seller.bank_account_changed',
            occurredAt: next.changedAt,
            data: eventData,
          }),
          sellerBalanceUpdate(next.sellerId, 'PEN', {}, next.changedAt, {
            set: ['bankAccountVersion = :bankVersion', 'coolingOffUntil = :coolingOffUntil'],
            values: {
              ':bankVersion': next.version,
              ':coolingOffUntil': next.coolingOffUntil ?? next.changedAt,
            },
          }),
        ],
      }),
    );
  } catch (error) {
    if (cancellationCodes(error) !== undefined) throw new StaleBankAccountError();
    throw error;
  }
}
