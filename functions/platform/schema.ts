/**
 * A module-level schema, built as its module loads: written `/* @__PURE__ *\/ schema(() => …)`.
 * Building a zod schema calls methods esbuild cannot know are free of side effects, so it keeps
 * every schema of every module a bundle imports, used or not; a pure call whose only argument is a
 * function has nothing to keep, so a bundle leaves out the schemas its code never uses
 * (decision 57; test/unit/pure-schemas.test.ts keeps every schema constant written this way).
 */
export function schema<T>(build: () => T): T {
  return build();
}

/**
 * Schemas that belong to something built on demand, like a PSP client's replies: built once, by
 * the first call (the client's constructor), not as the module loads. Every PSP-calling function
 * bundles both adapters and creates its stage's client at init; the other adapter's replies are
 * never built (decision 63). Also written `/* @__PURE__ *\/`, so an unused set is left out.
 */
export function schemasOnFirstUse<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}
