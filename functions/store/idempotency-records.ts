import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { idempotencyRecordEntity } from '#contract/entities/idempotency-record';
import { dynamo } from '#platform/aws';
import { tableName } from '#platform/config';
import { ConflictError } from '#platform/errors';
import { cancellationCodes, type TransactItem } from './transactions';

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

/**
 * What an idempotent use case adds to the transaction that commits its effect (decision 71): the
 * record completed with `result`, conditional on this call still holding the claim. Empty when the
 * request carried no Idempotency-Key. The result handed over must be the one the use case returns.
 */
export type CompletionWrites<TResult> = (result: TResult) => TransactItem[];

/** For a use case called without an Idempotency-Key (or by a job): nothing rides along. */
export const noCompletion: CompletionWrites<unknown> = () => [];

/**
 * The effect's transaction was cancelled because its idempotency record is no longer this call's
 * claim (this invocation outlived its lock and a retry took the key over): the effect did not
 * happen here, and the newer holder answers for the key.
 */
export class IdempotencyClaimLostError extends ConflictError {
  constructor() {
    super(
      'idempotency_in_progress',
      'A request with this Idempotency-Key is still being processed. Retry in a few seconds.',
    );
    this.name = 'IdempotencyClaimLostError';
  }
}

/** Completion items handed out, recognised by identity in a cancelled transaction's items. */
const completionItems = new WeakSet<TransactItem>();

/**
 * Call first in the catch of a transaction that may carry a completion: a cancellation caused by
 * the completion's condition is a lost claim (409), not a stale read to re-read and retry.
 */
export function throwIfClaimLost(error: unknown, items: readonly TransactItem[]): void {
  const codes = cancellationCodes(error);
  if (codes === undefined) return;
  if (items.some((item, index) => completionItems.has(item) && codes[index] === 'ConditionalCheckFailed')) {
    throw new IdempotencyClaimLostError();
  }
}

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
   * The record completed with `result`, as an item of the transaction that commits the effect
   * (decision 71): effect and record commit together or not at all, so no crash can leave an
   * effect whose key a retry would run again. Conditional on the claim still being this call's.
   */
  completion(claim: IdempotencyClaim, result: unknown): TransactItem {
    const item: TransactItem = { Put: completedPut(claim, result) };
    completionItems.add(item);
    return item;
  },

  /**
   * Stores the result in a write of its own — only for a call whose use case committed no
   * transaction carrying `completion`. If the claim was taken over (this invocation outlived its
   * lock), the newer holder's record stands and this one is dropped.
   */
  async complete(claim: IdempotencyClaim, result: unknown): Promise<void> {
    await unlessTakenOver(dynamo().send(new PutCommand(completedPut(claim, result))));
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

function completedPut(claim: IdempotencyClaim, result: unknown) {
  return {
    TableName: tableName(),
    Item: {
      ...idempotencyRecordEntity.key(claim.operation, claim.keyHash),
      status: 'COMPLETED',
      fingerprint: claim.fingerprint,
      result: JSON.stringify(result),
      ttl: claim.ttl,
    },
    ...heldCondition(claim),
  };
}

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
