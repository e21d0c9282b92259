import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetAwsClientsForTests } from '#platform/aws';
import { resetConfigForTests } from '#platform/config';
import { ensureTable, LOCAL_CREDENTIALS } from '../../local/dynamodb';
import { stack } from './api';

/**
 * Points this process's handlers and jobs at a fresh table of their own on the local DynamoDB
 * (for tests that scan or fill a whole table, so the shared one stays small and other tests are
 * not disturbed). Returns the function that points them back at the shared table, for afterAll.
 */
export async function useOwnTable(prefix: string): Promise<() => void> {
  const original = process.env.TABLE_NAME;
  const name = `${prefix}-${Date.now()}`;
  const client = new DynamoDBClient({
    endpoint: stack().env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  await ensureTable(client, name);
  client.destroy();
  process.env.TABLE_NAME = name;
  resetConfigForTests();
  resetAwsClientsForTests();
  return () => {
    process.env.TABLE_NAME = original;
    resetConfigForTests();
    resetAwsClientsForTests();
  };
}
