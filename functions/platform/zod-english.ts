import * as z from 'zod/mini';

// zod's classic API sets English messages when it loads; zod/mini sets none, and a function that
// validates with zod/mini only would answer "Invalid input" for every problem. Imported by the
// modules that validate (platform/http.ts, platform/config.ts), so problems read the same
// whichever API built the schema. (The bundles carry only the English locale: build-functions.ts.)
z.config(z.locales.en());

/**
 * A failed parse as one line per problem, `PSP_TIMEOUT_MS: Too small: expected number to be >=1`,
 * for logs and startup errors. Not `z.prettifyError`: importing it cost every function ~1 ms of
 * cold start, for text only a failure ever shows (decision 60).
 */
export function issuesText(error: { issues: readonly z.core.$ZodIssue[] }): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('\n');
}
