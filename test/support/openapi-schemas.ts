import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { buildOpenApiDocument } from '#http/openapi-document';

/**
 * Real responses checked against the document clients generate from (`/openapi.json`), by an
 * independent JSON Schema validator (Ajv, draft 2020-12, formats) — not against our zod schemas.
 */
const document = buildOpenApiDocument() as { components: { schemas: Record<string, object> } };
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: 'openapi.json', components: document.components });

export function expectMatchesOpenApi(schemaName: string, body: unknown): void {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${schemaName}`);
  if (validate === undefined) throw new Error(`No schema ${schemaName} in the document`);
  const valid = validate(body);
  expect(valid, `${schemaName}: ${JSON.stringify(validate.errors)}`).toBe(true);
}
