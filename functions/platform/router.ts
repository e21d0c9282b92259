import type { FunctionName, RouteKeyOf } from '#contract/routes';
import { NotFoundError } from './errors';
import type { HttpEndpoint } from './http';

/**
 * A function's HTTP endpoints, one per route the contract (functions/contract/routes.ts) gives it,
 * keyed `METHOD /path`. The type demands every one of that function's routes and refuses any other
 * key: a misspelled, forgotten or foreign route does not compile (test/unit/router.test.ts).
 */
export type Endpoints<F extends FunctionName> = { readonly [Key in RouteKeyOf<F>]: HttpEndpoint };

/**
 * The endpoint for the route API Gateway matched. Its `resource` is already the route's template
 * (`/v1/refunds/{id}`), so the dispatch is one lookup of `METHOD resource`: no path is matched
 * again, and no router library is loaded at cold start (decision 97). A route the table does not
 * give this function (a misconfigured integration) is the same 404 as before.
 */
export function routeTo<F extends FunctionName>(_fn: F, endpoints: NoInfer<Endpoints<F>>): HttpEndpoint {
  const byKey: Readonly<Record<string, HttpEndpoint>> = endpoints;
  return async (event, context) => {
    const key = `${event.httpMethod} ${event.resource}`;
    const endpoint = Object.hasOwn(byKey, key) ? byKey[key] : undefined;
    if (endpoint === undefined) throw new NotFoundError(`No route ${key}.`);
    return endpoint(event, context);
  };
}
