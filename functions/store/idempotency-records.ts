import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { idempotencyRecordEntity } from './entities/idempotency-record';

/**
 * Idempotency records (decision 62): one item per (operation, hashed key), a partition each, kept
 * `ttl` seconds. A claim is one conditional PutItem — it wins when no live record exists, or when
 * the record is an abandoned claim (its Lambda died before finishing: `lockedUntil` passed).
 */
export interface IdempotencyClaim {
  operation: string;
  /** Hash of (caller, Idempotency-Key): the key's own characters never reach the table. */
  keyHash: string;
  /** Hash of the request body; a reused key with another body is refused. */
  fingerprint: string;
  /** Epoch ms after which an unfinished claim may be taken over (the invocation's deadline). */
  lockedUntil: number;
  /** Epoch seconds when the record lapses (DynamoDB TTL; ignored when read after it). */
  ttl: number;
}

export type ClaimOutcome =
  | { state: 'claimed' }
  | { state: 'completed'; fingerprint: string; result: unknown }
  | { state: 'in-progress'; fingerprint: string };

interface StoredRecord {
  status: 'IN_PROGRESS' | 'COMPLETED';
  fingerprint: string;
  result?: string;
}

export const idempotencyRecords = {
  /** Takes the key for this call, or says what holds it: a finished result or a running twin. */
  async claim(claim: IdempotencyClaim, nowMs: number): Promise<ClaimOutcome> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...idempotencyRecordEntity.key(claim.operation, claim.keyHash),
            status: 'IN_PROGRESS',
            fingerprint: claim.fingerprint,
            lockedUntil: claim.lockedUntil,
            ttl: claim.ttl,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR #ttl < :nowSeconds OR (#status = :inProgress AND lockedUntil < :nowMs)',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowSeconds': Math.floor(nowMs / 1000),
            ':nowMs': nowMs,
            ':inProgress': 'IN_PROGRESS',
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || error.Item === undefined) throw error;
      // The document client leaves the exception's item in DynamoDB's wire format.
      const held = unmarshall(error.Item) as StoredRecord;
      return held.status === 'COMPLETED'
        ? { state: 'completed', fingerprint: held.fingerprint, result: JSON.parse(held.result ?? 'null') }
        : { state: 'in-progress', fingerprint: held.fingerprint };
    }
  },

  /**
   * Stores the result under a claim this call still holds. If the claim was taken over (this
   * invocation outlived its lock), the newer holder's record stands and this one is dropped.
   */
  async complete(claim: IdempotencyClaim, result: unknown): Promise<void> {
    await unlessTakenOver(
      dynamo().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...idempotencyRecordEntity.key(claim.operation, claim.keyHash),
            status: 'COMPLETED',
            fingerprint: claim.fingerprint,
            result: JSON.stringify(result),
            ttl: claim.ttl,
          },
          ...heldCondition(claim),
        }),
      ),
    );
  },

  /** A failed call leaves no record, so the client may retry with the same key. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await unlessTakenOver(
      dynamo().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: idempotencyRecordEntity.key(claim.operation, claim.keyHash),
          ...heldCondition(claim),
        }),
      ),
    );
  },
};

function heldCondition(claim: IdempotencyClaim) {
  return {
    ConditionExpression:
      '#status = :inProgress AND lockedUntil = :lockedUntil AND fingerprint = :fingerprint',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':inProgress': 'IN_PROGRESS',
      ':lockedUntil': claim.lockedUntil,
      ':fingerprint': claim.fingerprint,
    },
  };
}

/** A write under a claim that another invocation has since taken over is dropped, not an error. */
async function unlessTakenOver(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
