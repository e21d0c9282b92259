import { ValidationError } from '../platform/errors';

/** Opaque pagination cursor: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Record<string, string> | undefined {
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
  throw new ValidationError([{ field: 'query.cursor', message: 'Not a cursor this API returned.' }]);
}
