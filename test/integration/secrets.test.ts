import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfigForTests } from '#platform/config';
import { resetSecretsForTests, SecretReadError, secretJson } from '#platform/secrets';
import { pspCredentials } from '#psp/pagoefectivo/credentials';

/**
 * GetSecretValue through platform/secrets.ts (the SDK's Secrets Manager client, decision 102),
 * against a local server that answers as Secrets Manager does and checks each request's SigV4
 * signature with the credentials below: it must accept the client's requests and refuse them
 * signed with another key. There is no Secrets Manager emulator here.
 */

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDSECRETSTEST', secretAccessKey: 'the-test-secret-access-key' };
const PE_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pagoefectivo-AbCdEf';
const SECRETS = new Map([
  [PE_SECRET, JSON.stringify({ serviceId: 2001, accessKey: 'ak-1', secretKey: 'sk-1' })],
]);

let server: Server;
let endpoint: string;
let reads = 0;
const saved = { ...process.env };

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

/** Recomputes the request's signature over the headers it says it signed; true when it matches. */
async function signatureHolds(request: IncomingMessage, body: string): Promise<boolean> {
  const authorization = request.headers.authorization ?? '';
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const date = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(
    date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const headers = Object.fromEntries(signed.map((name) => [name, String(request.headers[name] ?? '')]));
  const url = new URL(request.url ?? '/', endpoint);
  const expected = await new SignatureV4({
    service: 'secretsmanager',
    region: REGION,
    credentials: CREDENTIALS,
    sha256: Hash.bind(null, 'sha256'),
  }).sign(
    new HttpRequest({
      method: request.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers,
      body,
    }),
    { signingDate },
  );
  return (
    signed.includes('host') &&
    signed.includes('x-amz-target') &&
    expected.headers.authorization === authorization
  );
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    const reply = (status: number, json: object) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(json));
    };
    if (
      request.method !== 'POST' ||
      request.headers['content-type'] !== 'application/x-amz-json-1.1' ||
      request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue'
    ) {
      return reply(400, { __type: 'UnknownOperationException' });
    }
    if (!(await signatureHolds(request, body))) {
      return reply(403, { __type: 'InvalidSignatureException', message: 'The signature does not match.' });
    }
    reads += 1;
    const { SecretId } = JSON.parse(body) as { SecretId: string };
    const secret = SECRETS.get(SecretId);
    if (secret === undefined) {
      return reply(400, {
        __type: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      });
    }
    return reply(200, { ARN: SecretId, Name: 'pagoefectivo', SecretString: secret, VersionId: 'v1' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    SECRETS_MANAGER_ENDPOINT: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
});

beforeEach(() => {
  resetConfigForTests();
  resetSecretsForTests();
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  resetConfigForTests();
  resetSecretsForTests();
  await new Promise((resolve) => server.close(resolve));
});

describe('the local Secrets Manager checks signatures (the oracle is the SDK client)', () => {
  it("accepts the SDK client's request, and refuses it signed with another key", async () => {
    const client = (secretAccessKey: string) =>
      new SecretsManagerClient({
        region: REGION,
        endpoint,
        credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey },
      });
    const read = await client(CREDENTIALS.secretAccessKey).send(
      new GetSecretValueCommand({ SecretId: PE_SECRET }),
    );
    expect(read.SecretString).toBe(SECRETS.get(PE_SECRET));
    await expect(
      client('another-key').send(new GetSecretValueCommand({ SecretId: PE_SECRET })),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });
});

describe('secretJson(): GetSecretValue through the SDK client', () => {
  it("reads a secret's JSON, once per max age", async () => {
    const before = reads;
    expect(await secretJson(PE_SECRET, 300)).toEqual({
      serviceId: 2001,
      accessKey: 'ak-1',
      secretKey: 'sk-1',
    });
    expect(await secretJson(PE_SECRET, 300)).toEqual({
      serviceId: 2001,
      accessKey: 'ak-1',
      secretKey: 'sk-1',
    });
    expect(reads - before).toBe(1);
    await secretJson(PE_SECRET, 0);
    expect(reads - before).toBe(2);
  });

  it('shares one read among concurrent callers', async () => {
    const before = reads;
    await Promise.all([secretJson(PE_SECRET, 300), secretJson(PE_SECRET, 300), secretJson(PE_SECRET, 300)]);
    expect(reads - before).toBe(1);
  });

  it("names AWS's error: an unknown secret, a bad signature", async () => {
    const unknown = await secretJson('arn:aws:secretsmanager:us-east-1:123456789012:secret:nope', 300).catch(
      (error: unknown) => error,
    );
    expect(unknown).toBeInstanceOf(SecretReadError);
    expect(unknown).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 400 });

    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-key';
    resetSecretsForTests();
    try {
      await expect(secretJson(PE_SECRET, 300)).rejects.toMatchObject({
        code: 'InvalidSignatureException',
        statusCode: 403,
      });
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    }
  });

  it("gives PagoEfectivo's merchant credentials from PAGOEFECTIVO_SECRET_ARN", async () => {
    process.env.PAGOEFECTIVO_SECRET_ARN = PE_SECRET;
    resetConfigForTests();
    try {
      expect(await pspCredentials()).toEqual({ serviceId: '2001', accessKey: 'ak-1', secretKey: 'sk-1' });
    } finally {
      delete process.env.PAGOEFECTIVO_SECRET_ARN;
    }
  });
});
