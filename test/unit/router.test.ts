import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '#platform/errors';
import type { HttpEndpoint } from '#platform/http';
import { routeTo } from '#platform/router';

const context = {} as Context;
const request = (method: string, resource: string) =>
  ({ httpMethod: method, resource, pathParameters: null }) as unknown as APIGatewayProxyEvent;
/** An endpoint that answers which route it is: the test sees where each request went. */
const answers =
  (route: string): HttpEndpoint =>
  async () => ({ status: 200, body: route });

describe('routeTo (a function serves exactly its routes in the contract)', () => {
  const events = routeTo('events', {
    'GET /v1/events': answers('list'),
    'GET /v1/orders/{id}/events': answers('order-events'),
    'POST /v1/events/{id}/redeliver': answers('redeliver'),
  });

  it('sends each route API Gateway matched to its own endpoint', async () => {
    await expect(events(request('GET', '/v1/events'), context)).resolves.toMatchObject({ body: 'list' });
    await expect(events(request('POST', '/v1/events/{id}/redeliver'), context)).resolves.toMatchObject({
      body: 'redeliver',
    });
  });

  it('answers 404 for a route the contract does not give it, as the old fallthrough did', async () => {
    for (const [method, resource] of [
      ['POST', '/v1/events'],
      ['GET', '/v1/refunds'],
      ['GET', 'constructor'],
      ['GET', '/v1/events/{id}/redeliver'],
    ] as const) {
      const answer = events(request(method, resource), context);
      await expect(answer).rejects.toBeInstanceOf(NotFoundError);
      await expect(answer).rejects.toMatchObject({ status: 404, message: `No route ${method} ${resource}.` });
    }
  });

  it('refuses, at compile time, a misspelled, missing or foreign route (tsc checks these lines)', () => {
    const compiles = [
      () =>
        routeTo('events', {
          'GET /v1/events': answers('a'),
          // @ts-expect-error a typo ("redelivr") is not a route of `events`: it does not compile
          'POST /v1/events/{id}/redelivr': answers('b'),
        }),
      // @ts-expect-error a route of `events` left out does not compile
      () => routeTo('events', { 'GET /v1/events': answers('a') }),
      () =>
        routeTo('events', {
          'GET /v1/events': answers('a'),
          'POST /v1/events/{id}/redeliver': answers('b'),
          // @ts-expect-error another function's route does not compile
          'GET /v1/refunds': answers('c'),
        }),
    ];
    expect(compiles).toHaveLength(3);
  });
});
