import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { physicalName } from '../lib/topology';

/**
 * `npm run api-key:create -- --stage prod --name "checkout backend" [--region us-east-1]`
 * Creates a random API key, stores only its SHA-256 hash, and prints the key once.
 */
const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    name: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
  },
});
if (!values.stage || !values.name) {
  console.error('usage: npm run api-key:create -- --stage <dev|staging|prod|local> --name <who uses it>');
  process.exit(2);
}
// The store reads its table from the config module, like every Lambda does.
process.env.TABLE_NAME = physicalName('table', values.stage);
if (values.region) process.env.AWS_REGION = values.region;
if (values.endpoint) process.env.DYNAMODB_ENDPOINT = values.endpoint;
const { storeApiKey } = await import('../functions/store/api-keys');

const apiKey = `pek_${randomBytes(32).toString('base64url')}`;
const keyId = `key_${randomUUID()}`;
await storeApiKey(apiKey, { keyId, name: values.name, createdAt: new Date().toISOString() });
console.log(`API key for "${values.name}" (${keyId}) — shown once, store it now:\n${apiKey}`);
