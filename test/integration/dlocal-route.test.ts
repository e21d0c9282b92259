import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '#handlers/ingest-notification.handler';
import { resetConfigForTests } from '#platform/config';
import { lambdaContext } from '../../local/lambda-context';

function dlocalEvent(): APIGatewayProxyEvent {
  return {
    resource: '/webhooks/dlocal',
    path: '/webhooks/dlocal',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', 'x-date': new Date().toISOString(), 'x-login': 'x' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: '{"id":"D-4-1","status":"PAID"}',
    isBase64Encoded: false,
    requestContext: { requestId: 'test', httpMethod: 'POST', resourcePath: '/webhooks/dlocal' },
  } as unknown as APIGatewayProxyEvent;
}

describe('/webhooks/dlocal on a stage that does not sell through dLocal', () => {
  it('refuses with 401 problem+json (nothing to verify a signature with), never a 500', async () => {
    const saved = { ...process.env };
    for (const name of ['DLOCAL_SECRET_ARN', 'DLOCAL_LOGIN', 'DLOCAL_TRANS_KEY', 'DLOCAL_SECRET_KEY'])
      delete process.env[name];
    resetConfigForTests();
    try {
      const response = (await handler(
        dlocalEvent(),
        lambdaContext('ingest-notification'),
      )) as APIGatewayProxyResult;
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['content-type']).toContain('application/problem+json');
    } finally {
      Object.assign(process.env, saved);
      resetConfigForTests();
    }
  });
});
