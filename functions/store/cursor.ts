import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../platform/aws';
import { ValidationError } from '../platform/errors';

/** Opaque pagination cursor: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const cursorProblem = (field: string) =>
  new ValidationError([{ field, message: 'Not a cursor this API returned for this listing.' }]);

function decodeCursor(
  cursor: string | undefined,
  field = 'query.cursor',
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value).every((part) => typeof part === 'string')
    ) {
      return value as Record<string, string>;
    }
  } catch {
    // fall through to the validation error below
  }
  throw cursorProblem(field);
}

/**
 * One page of a Query, starting after the caller's cursor. DynamoDB refuses a start key that does
 * not belong to the query (another listing's cursor, a hand-made one) with a ValidationException:
 * that is the caller's mistake, answered 400 on the cursor's field, never a 500.
 */
export async function queryPage(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  cursor: string | undefined,
  field = 'query.cursor',
): Promise<QueryCommandOutput> {
  const ExclusiveStartKey = decodeCursor(cursor, field);
  try {
    return await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey }));
  } catch (error) {
    if (ExclusiveStartKey && error instanceof Error && error.name === 'ValidationException') {
      throw cursorProblem(field);
    }
    throw error;
  }
}
