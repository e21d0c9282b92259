import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { FunctionName } from '#lib/topology';
import { lambdaContext } from '../../local/lambda-context';

/** What an in-process call answered: the HTTP status and the parsed JSON body. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answer bodies field by field
  body: any;
}

type HttpLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Calls an HTTP handler in this process with the event API Gateway would send after our
 * authorizer (an admin key named `keyId`), so what the handler does to DynamoDB, SQS and the PSP
 * happens here, where test/support/faults.ts can see it.
 */
export async function callRoute(
  fn: FunctionName,
  handler: HttpLambda,
  request: {
    method: string;
    /** The route's path template, as in lib/topology.ts: `/v1/orders/{id}/refunds`. */
    resource: string;
    pathParameters?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    keyId?: string;
  },
): Promise<Answer> {
  const path = request.resource.replace(
    /\{(\w+)\}/g,
    (_, name: string) => request.pathParameters?.[name] ?? '',
  );
  const text = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const keyId = request.keyId ?? 'key_harness';
  const event = {
    resource: request.resource,
    path,
    httpMethod: request.method,
    headers: { 'content-type': 'application/json', ...request.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body: text === undefined ? null : Buffer.from(text).toString('base64'),
    isBase64Encoded: text !== undefined,
    requestContext: {
      requestId: randomUUID(),
      httpMethod: request.method,
      resourcePath: request.resource,
      stage: 'local',
      identity: { sourceIp: '127.0.0.1' },
      authorizer: { principalId: keyId, keyId, keyName: keyId, scopes: 'admin' },
    },
  } as unknown as APIGatewayProxyEvent;
  const result = await handler(event, lambdaContext(fn));
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}
