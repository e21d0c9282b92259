import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// A module-level constant built with zod: `z.…`, another schema's `.extend/.omit/.meta…`, or one
// of the field builders of platform/api-fields.ts — not written `/* @__PURE__ */ schema(() => …)`.
const SCHEMA_CONSTANT =
  /^(?:export )?const \w+(?::[^=]+)? = (?!\/\* @__PURE__ \*\/ schema\(\(\) =>)(?:\/\* @__PURE__ \*\/ )?(?:z$|z\.\w+\(|\w*Schema\.|plainText\(|pageLimit\(|schema\()/;

// Building a zod schema is a cold start's cost wherever the module is loaded; built through a pure
// call, a schema a function never uses is left out of its bundle by esbuild (decision 57).
describe('schema constants are built with /* @__PURE__ */ schema(() => …)', () => {
  it('in every module of functions/', () => {
    const unmarked = sources('functions').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((text, index) => (SCHEMA_CONSTANT.test(text) ? [`${file}:${index + 1}: ${text}`] : [])),
    );
    expect(unmarked).toEqual([]);
  });

  it('finds an unmarked one (the check above can fail)', () => {
    expect(SCHEMA_CONSTANT.test('export const FooSchema = z.object({ id: z.string() });')).toBe(true);
    expect(SCHEMA_CONSTANT.test('const BarSchema = FooSchema.extend({});')).toBe(true);
    // Marked pure but built by method calls: esbuild keeps the arguments' calls, so the schema too.
    expect(SCHEMA_CONSTANT.test('export const FooSchema = /* @__PURE__ */ z.object({});')).toBe(true);
    // The wrapper without the mark is an ordinary call: esbuild keeps it.
    expect(SCHEMA_CONSTANT.test('export const FooSchema = schema(() => z.object({}));')).toBe(true);
    expect(SCHEMA_CONSTANT.test('export const FooSchema = /* @__PURE__ */ schema(() => z.object({}));')).toBe(
      false,
    );
  });
});
