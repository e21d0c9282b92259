import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#http/openapi-document';
import { FUNCTIONS, ROUTES } from '#lib/topology';

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
  };

  it('is OpenAPI 3.1 and documents every route of the topology', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });

  it('is a valid OpenAPI 3.1 document whose every $ref resolves (checked by an independent validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const name = ref.slice(ref.lastIndexOf('/') + 1, -1);
      expect(document.components.schemas[name], name).toBeDefined();
    }
  });

  it('gives the cursor key to exactly the functions whose routes take a cursor (they seal it: decision 76)', () => {
    const takesCursor = (route: (typeof ROUTES)[number]) => {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as
        | { parameters?: { in: string; name: string }[] }
        | undefined;
      return (operation?.parameters ?? []).some(
        (parameter) => parameter.in === 'query' && ['cursor', 'after'].includes(parameter.name),
      );
    };
    const needed = new Set(ROUTES.filter(takesCursor).map((route) => route.function));
    const given = Object.entries(FUNCTIONS).flatMap(([name, spec]) =>
      (spec as { cursors?: true }).cursors ? [name] : [],
    );
    expect(needed.size).toBeGreaterThan(5);
    expect([...needed].sort()).toEqual(given.sort());
  });

  it('derives the request schema from the zod schema that validates it', () => {
    const request = document.components.schemas.CreateOrderRequest;
    expect(request?.required).toEqual(
      expect.arrayContaining(['reference', 'currency', 'amount', 'concept', 'buyer', 'splits']),
    );
    expect(request?.required).not.toContain('expiresInMinutes');
    expect(request?.properties?.currency).toMatchObject({ enum: ['PEN', 'USD'] });
  });
});
