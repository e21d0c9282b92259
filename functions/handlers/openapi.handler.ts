import { buildOpenApiDocument } from '#http/openapi-document';
import { httpHandler } from '#platform/http';

let document: Record<string, unknown> | undefined;

export const handler = httpHandler(async () => {
  document ??= buildOpenApiDocument();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
