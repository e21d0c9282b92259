import { buildOpenApiDocument } from '#http/openapi-document';
import { type HttpEndpoint, httpHandler } from '#platform/http';

// In the deployed bundle this is the document generated at build time, parsed from JSON: the
// function loads no schema (scripts/build-functions.ts, decision 60). Locally it is generated.
let document: Record<string, unknown> | undefined;

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async () => {
  document ??= buildOpenApiDocument();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
};

export const handler = httpHandler(run);
