import * as z from 'zod/mini';

// zod's classic API sets English messages when it loads; zod/mini sets none, and a function that
// validates with zod/mini only would answer "Invalid input" for every problem. Imported by the
// modules that validate (platform/http.ts, platform/config.ts), so problems read the same
// whichever API built the schema. (The bundles carry only the English locale: build-functions.ts.)
z.config(z.locales.en());
