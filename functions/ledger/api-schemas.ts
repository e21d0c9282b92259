import * as z from 'zod';
import { CURRENCIES } from '#orders/money';
import { schema } from '#platform/schema';
import { ALL_SELLERS_ACCOUNT, FIXED_ACCOUNTS } from './journal';

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
            on: z.iso.date().meta({ description: 'The next payout day of the stage schedule (Lima).' }),
            estimatedAmount: minor.meta({
              description: 'What it would pay if it ran now (0 below the minimum).',
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
