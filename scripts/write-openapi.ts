import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildOpenApiDocument } from '#http/openapi-document';

/** Writes the document `GET /openapi.json` serves, for outside tools (Spectral in `npm run lint`). */
export function writeOpenApi(path = '.build/openapi.json'): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  return path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`wrote ${writeOpenApi(process.argv[2])}`);
}
