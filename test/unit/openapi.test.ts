import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { sellerKeysMayCall } from '#contract/routes';
import { GATEWAY_PROBLEMS } from '#contract/service';
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

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Where functions/ writes a problem code: a conflict, refusal or unprocessable error raised with its
 * code, an error class with a fixed code, a code type's literals (`ReportLimitCode`), or a problem
 * document built by hand.
 */
const CODE_PATTERNS = [
  /new (?:ConflictError|ForbiddenError|UnprocessableError)\(\s*'([a-z_]+)'/g,
  /readonly code = '([a-z_]+)'/g,
  /problem(?:Response)?\(\s*\d{3},\s*'([a-z_]+)'/g,
];
const CODE_TYPE = /type \w+Code =((?:\s*\|\s*'[a-z_]+')+)/g;

function problemCodes(source: string): string[] {
  const literals = [...source.matchAll(CODE_TYPE)].flatMap((match) =>
    [...(match[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((literal) => literal[1] ?? ''),
  );
  return [
    ...CODE_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? '')),
    ...literals,
  ];
}

describe('OpenAPI document: problem codes', () => {
  const document = buildOpenApiDocument() as {
    paths: Record<
      string,
      Record<string, { description?: string; responses: Record<string, { description: string }> }>
    >;
  };
  const text = JSON.stringify(document);
  const answered = [
    ...new Set([
      ...sources('functions').flatMap((file) => problemCodes(readFileSync(file, 'utf8'))),
      // What API Gateway (and the WAF) answer themselves, before any function runs.
      ...Object.values(GATEWAY_PROBLEMS).map((problem) => problem.code),
    ]),
  ].sort();
  const responses = (method: string, path: string) =>
    document.paths[path]?.[method.toLowerCase()]?.responses ?? {};

  it('names every problem code the code can answer', () => {
    expect(answered.length).toBeGreaterThan(50);
    expect(answered.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
  });

  it('finds the codes however they are written (the check above can fail)', () => {
    expect(
      problemCodes(`
        throw new ConflictError(
          'approver_set_bank_account',
          'You set the bank account this payout goes to.',
        );
        throw new ForbiddenError('seller_key_not_allowed', '…');
        export class RiskBlockedError extends AppError { readonly status = 422; readonly code = 'risk_blocked'; }
        export type ReportLimitCode =
          | 'report_too_many_lines'
          | 'report_line_too_long';
        body: problem(404, 'not_found', 'No such voucher.'),
        return problemResponse(500, 'internal_error', 'Something went wrong.');`),
    ).toEqual([
      'approver_set_bank_account',
      'seller_key_not_allowed',
      'risk_blocked',
      'not_found',
      'internal_error',
      'report_too_many_lines',
      'report_line_too_long',
    ]);
  });

  it('leaves no error class whose code the scan cannot see', () => {
    // An AppError takes its code as a literal, as a code type, or (these three) from each call site.
    const fromCallSites = ['ConflictError', 'ForbiddenError', 'UnprocessableError'];
    const unseen = sources('functions').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends AppError \{([\s\S]*?)\n\}/g)].flatMap(
        ([, name, body]) =>
          fromCallSites.includes(name ?? '') ||
          /readonly code = '[a-z_]+'/.test(body ?? '') ||
          /readonly code: \w+Code\b/.test(body ?? '')
            ? []
            : [`${file}: ${name}`],
      ),
    );
    expect(unseen).toEqual([]);
  });

  it('refuses seller keys (403 seller_key_not_allowed) on exactly the routes the table does not open to them', () => {
    const scoped = ROUTES.filter((route) => route.scope !== undefined);
    expect(scoped.length).toBeGreaterThan(40);
    for (const route of scoped) {
      const forbidden = responses(route.method, route.path)['403']?.description ?? '';
      expect(forbidden.includes('`seller_key_not_allowed`'), `${route.method} ${route.path}`).toBe(
        !sellerKeysMayCall(route.method, route.path),
      );
    }
  });

  it("documents each route's own refusals where it answers them", () => {
    expect(responses('POST', '/v1/orders')['422']?.description).toContain('`risk_blocked`');
    expect(responses('POST', '/v1/orders/{id}/fulfil')['409']?.description).toContain(
      '`risk_review_required`',
    );
    const approve = responses('POST', '/v1/payouts/{id}/approve')['409']?.description;
    for (const code of [
      'approver_must_differ',
      'approver_set_bank_account',
      'bank_account_changed',
      'insufficient_available',
    ])
      expect(approve).toContain(`\`${code}\``);
    // The other payout steps meet none of approve's own conflicts.
    expect(responses('POST', '/v1/payouts/{id}/reject')['409']?.description).not.toContain('approver');
    // Listing refunds or payouts needs a filter: a 400 without one, said up front.
    for (const [path, filters] of [
      ['/v1/refunds', ['status', 'orderId']],
      ['/v1/payouts', ['sellerId', 'status']],
    ] as const) {
      const operation = document.paths[path]?.get;
      expect(operation?.description, path).toMatch(/filter is required/);
      for (const filter of filters)
        expect(operation?.responses['400']?.description, path).toContain(`\`${filter}\``);
    }
  });
});
