// zod/mini (decision 57): the fields work in schemas of either API, and a function whose request
// schemas are all zod/mini loads no classic zod.
import * as z from 'zod/mini';
import { nowMs } from './clock';
import { schema } from './schema';

/**
 * Request fields every route shares, validated the same way everywhere. Text that marketplaces
 * send us travels on to the PSP (the voucher's concept and payer name), to marketplaces' back
 * offices and to buyers' screens, so it is checked once here rather than trusted downstream.
 */

/**
 * Code points refused in free text: C0/C1 controls (NUL included; tab and newline only where a
 * field is multi-line, and so the Unicode line and paragraph separators U+2028/U+2029), bidi
 * embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F,
 * U+061C: "Trojan Source" reordering of what a reader sees), and characters that show as nothing
 * (Unicode's default-ignorable code points: zero-width space, soft hyphen, word joiner, the BOM,
 * Hangul fillers, tag characters…): a name or concept that looks the same on a screen must be the
 * same text, and a name made of fillers is no name. Zero-width (non-)joiners and variation
 * selectors stay: emoji sequences and Persian script need them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/**
 * Unicode's default-ignorable code points (what renders as nothing: zero-width space, soft hyphen,
 * word joiner, the BOM, Hangul fillers, tag characters, the combining grapheme joiner, …) and the
 * interlinear annotation characters — less what real text needs to show as meant: zero-width
 * (non-)joiners, variation selectors (emoji and ideographic variants) and Mongolian's free
 * variation selectors.
 */
const INVISIBLE =
  /(?!\u200C|\u200D|[\u180B-\u180D\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}])[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB]/u;
/** An emoji subdivision flag (🏴 England, Scotland, Wales): the one use of tag characters. */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/** Why `text` is refused, or undefined when it is fine. */
export function textProblem(text: string, options: { multiline?: boolean } = {}): string | undefined {
  if (!text.isWellFormed()) return 'Contains an unpaired UTF-16 surrogate (not valid Unicode text).';
  if (CONTROL.test(text) || (!options.multiline && LINE_BREAKS.test(text)))
    return options.multiline
      ? 'Control characters are not allowed (tab and line breaks are).'
      : 'Control characters (including tabs and line breaks) are not allowed.';
  if (BIDI_CONTROL.test(text)) return 'Bidirectional marks, overrides and isolates are not allowed.';
  if (INVISIBLE.test(text.replace(EMOJI_TAG_SEQUENCE, '\u{1F3F4}')))
    return 'Invisible characters (zero-width space, soft hyphen, word joiner, byte order mark, fillers, tag characters) are not allowed.';
  return undefined;
}

/**
 * Human-readable text: trimmed, NFC-normalised (so "Núñez" typed two ways is one value), then
 * refused if it holds control, bidi-override or broken characters. Lengths count after that.
 */
export function plainText(options: { min?: number; max: number; multiline?: boolean }) {
  return z.string().check(
    z.trim(),
    z.normalize('NFC'),
    z.minLength(options.min ?? 0),
    z.maxLength(options.max),
    z.superRefine((text, ctx) => {
      const problem = textProblem(text, options);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
}

/** Names of keys that would silently change an object's prototype or shadow its methods. */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype).concat('prototype'));

/** A key of a free-form map (e.g. order metadata): plain characters, never a prototype name. */
export const mapKey = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(40),
    z.regex(/^[A-Za-z0-9_.:-]+$/, 'Use 1-40 letters, digits, "_", ".", ":" or "-".'),
    z.refine((key) => !PROTOTYPE_KEYS.has(key), {
      message: 'This key name is reserved (it is a JavaScript object property); choose another.',
    }),
  ),
);

/**
 * `?limit=`: decimal digits only. `z.coerce.number()` alone would read `1e1`, `0x10`, `0b11`,
 * `+5`, ` 5` and `5.0` as numbers; a typo should be a 400, not a guess.
 */
export function pageLimit(defaultLimit: number, max = 100) {
  const digits = z.pipe(
    z.string().check(z.regex(/^\d{1,4}$/, 'Use a whole number written in digits.')),
    z.transform(Number),
  );
  return z
    .pipe(
      z.optional(z.pipe(digits, z.int().check(z.gte(1), z.lte(max)))),
      z.transform((limit) => limit ?? defaultLimit),
    )
    .check(
      // Documented as the integer it is (a query string carries it as digits): generated clients take a number.
      z.meta({
        description: `Items per page, 1-${max} (default ${defaultLimit}).`,
        type: 'integer',
        minimum: 1,
        maximum: max,
      }),
    );
}

/** An opaque continuation token from a previous page, sealed for its caller (platform/sealed-cursor.ts). */
export const pageCursor = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(3000),
    z.meta({
      description:
        "The previous page's nextCursor, opaque and sealed for the caller it was given to: another principal's, seller's or listing's cursor is refused with 400.",
    }),
  ),
);

/** The paging fields every listing query ends with: `limit` (its default and maximum) and `cursor`. */
export const pagingFields = (defaultLimit: number, max?: number) => ({
  limit: pageLimit(defaultLimit, max),
  cursor: z.optional(pageCursor),
});

/** Safe inside DynamoDB keys and URLs: marketplaces' order and seller ids fit comfortably. */
export const externalId = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9._:-]+$/, 'Use 1-64 letters, digits, ".", "_", ":" or "-".'),
    // Ids become keys of plain objects on the way to the ledger (a seller's moves, balances by
    // seller): there `__proto__` sets the object's prototype instead of a key, and its money
    // would vanish from the seller's balance.
    z.refine((id) => id !== '__proto__', 'This id is reserved; use another.'),
  ),
);

/** `inner` with a description for /openapi.json (zod/mini's form of the classic `.meta({ description })`). */
/**
 * Flags every line of `list` that names a seller an earlier line already named, at
 * `[field, index, 'sellerId']`: splits and refund allocations are one line per seller.
 */
export function flagRepeatedSellers(
  ctx: { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void },
  field: string,
  list: readonly { sellerId: string }[] | undefined,
  message: string,
): void {
  const named = new Set<string>();
  list?.forEach(({ sellerId }, index) => {
    if (named.has(sellerId)) ctx.addIssue({ code: 'custom', path: [field, index, 'sellerId'], message });
    named.add(sellerId);
  });
}

/** How far ahead of our clock a reported instant may be (the reporter's clock running fast). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * When something already happened (a transfer paid out), with its UTC offset or `Z`: a future
 * instant would write a fact that is not yet true into the audit trail, so it is refused.
 */
export const pastInstant = () =>
  z.iso
    .datetime({ offset: true })
    .check(z.refine((value) => Date.parse(value) <= nowMs() + CLOCK_SKEW_MS, 'Cannot be in the future.'));

export const described = <T extends z.ZodMiniType>(inner: T, description: string): T =>
  inner.check(z.meta({ description }));
