import * as z from 'zod';
import { ALL_SELLERS_ACCOUNT, FIXED_ACCOUNTS } from '#model/journal';
import { CURRENCIES } from '#model/money';
import { schema } from '#platform/schema';

const minor = /* @__PURE__ */ schema(() => z.number().int().meta({ description: 'Integer minor units' }));

export const SellerBalanceSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      sellerId: z.string(),
      balances: z.array(
        z.object({
          currency: z.enum(CURRENCIES),
          pending: minor.meta({ description: 'Paid by buyers, not yet settled by the PSP.' }),
          available: minor.meta({ description: 'Settled, ready to pay out.' }),
          reservedForRefunds: minor,
          inTransit: minor.meta({ description: 'Approved payouts not yet paid out.' }),
          paidOut: minor,
          nextPayout: z.object({
            on: z.iso.date().meta({
              description:
                "The next payout day of the stage schedule (Lima); today on a payout day, even after that day's run.",
            }),
            estimatedAmount: minor.meta({
              description:
                "What a run now would propose from `available` (0 below the minimum). An estimate from this balance alone: the run also skips a seller with no bank account, one still cooling off after an account change, or one with a payout in progress, and money that became available after the day's run waits for the next payout day.",
            }),
          }),
        }),
      ),
    })
    .meta({ id: 'SellerBalance' }),
);

export const SellerLedgerPageSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      items: z.array(
        z.object({
          entryId: z.string(),
          at: z.iso.datetime(),
          reason: z.string(),
          currency: z.enum(CURRENCIES),
          amount: minor.meta({ description: 'Positive: owed to the seller; negative: taken back.' }),
          bucket: z.enum(['pending', 'available', 'reservedForRefunds', 'paidOut']),
          orderId: z.string().optional(),
        }),
      ),
      nextCursor: z.string().nullable(),
    })
    .meta({ id: 'SellerLedgerPage' }),
);

export const TrialBalanceSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      currency: z.enum(CURRENCIES),
      accounts: z.array(
        z.object({
          account: z.enum([...FIXED_ACCOUNTS, ALL_SELLERS_ACCOUNT]),
          balance: minor.meta({ description: 'Debits minus credits: what we owe is negative.' }),
        }),
      ),
      total: minor.meta({ description: 'Always 0: every entry balances.' }),
    })
    .meta({ id: 'TrialBalance' }),
);

const IntegrityDifferenceSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      check: z.enum([
        'entry_balances',
        'payment_applied_once',
        'refunds_within_payment',
        'suspense_not_overdrawn',
        'account_total',
        'seller_owed',
        'seller_reserved',
        'seller_paid_out',
        'seller_in_transit',
        'trial_balance',
      ]),
      account: z
        .string()
        .optional()
        .meta({ description: 'The account at fault: `platform_commission`, `seller_payable:<sellerId>`, …' }),
      orderId: z.string().optional().meta({ description: 'The order at fault (per-order checks).' }),
      entryId: z.string().optional().meta({ description: 'The journal entry at fault (`entry_balances`).' }),
      currency: z.enum(CURRENCIES),
      expected: minor.meta({ description: 'What the journal lines say.' }),
      actual: minor.meta({ description: 'What is stored (or counted).' }),
    })
    .meta({ id: 'IntegrityDifference' }),
);

const IntegrityReportSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      passId: z.string(),
      startedAt: z.iso.datetime(),
      finishedAt: z.iso.datetime(),
      itemsRead: z.number().int().meta({ description: 'Journal entries read: each once.' }),
      pages: z.number().int(),
      readUnits: z.number().meta({ description: 'Read capacity the pass consumed reading the journal.' }),
      invocations: z
        .number()
        .int()
        .meta({ description: 'Job runs the pass took (it resumes where one stopped).' }),
      ok: z.boolean().meta({ description: 'Nothing differs.' }),
      confirmed: z.boolean().meta({
        description:
          'Some difference was also found, with the same gap, by the pass before: alarmed and announced (`ledger.integrity_failed`). One seen once is checked again by a pass started at once.',
      }),
      differenceCount: z.number().int(),
      confirmedCount: z.number().int(),
      firstDifference: IntegrityDifferenceSchema.nullable().meta({
        description: 'The first confirmed difference, else the first one.',
      }),
      differences: z.array(IntegrityDifferenceSchema).meta({ description: 'The first 100.' }),
    })
    .meta({ id: 'IntegrityReport' }),
);

export const LedgerIntegritySchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      latest: IntegrityReportSchema.nullable().meta({
        description: 'The latest completed pass (null before the first).',
      }),
      running: z
        .object({
          passId: z.string(),
          startedAt: z.iso.datetime(),
          bucket: z.number().int().meta({ description: 'Ledger index buckets done so far (of 8).' }),
          itemsRead: z.number().int(),
          pages: z.number().int(),
          readUnits: z.number(),
          invocations: z.number().int(),
        })
        .nullable()
        .meta({ description: 'The pass in progress, if one stopped for time and will resume.' }),
    })
    .meta({ id: 'LedgerIntegrity' }),
);
