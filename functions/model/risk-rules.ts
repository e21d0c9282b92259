// zod/mini (decision 57): create-order reads the rules at init.
import * as z from 'zod/mini';
import {
  DEFAULT_RISK_RULES,
  RISK_DIMENSIONS,
  type RiskAmount,
  type RiskDimension,
  type RiskRule,
} from '#contract/stage-defaults';
import type { Currency } from '#model/money';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { issuesText } from '#platform/zod-english';

/**
 * Basic anti-fraud at order creation, as data (stage config `riskRules` → RISK_RULES). A rule
 * counts the orders (and their amounts) that share one value of a dimension within a window —
 * only orders of at least `minAmount` when it says so — and fires when this order takes the count
 * past `maxCount` or the amount past `maxAmount`. `openVouchers` rules count instead the unpaid
 * vouchers the buyer already holds (no window). `flag` creates the order for review; `block`
 * refuses it before anything exists at the PSP.
 */

/** Built only where a stage sets RISK_RULES: the defaults below need no parsing (decision 63). */
const riskRuleSchema = /* @__PURE__ */ schemasOnFirstUse(() => {
  const count = () => z.optional(z.int().check(z.gte(0)));
  // A bare number is soles (how rules were first written); otherwise per currency.
  const amount = () =>
    z.optional(
      z.union([
        z.int().check(z.gte(0)),
        z.strictObject({ PEN: count(), USD: count() } satisfies Record<Currency, unknown>),
      ]),
    );
  return z
    .object({
      id: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)),
      dimension: z.enum(RISK_DIMENSIONS),
      window: z
        ._default(z.int().check(z.gte(1), z.lte(7 * 24 * 60)), 60)
        .check(z.meta({ description: 'Minutes.' })),
      minAmount: amount(),
      maxCount: count(),
      maxAmount: amount(),
      openVouchers: z.optional(z.boolean()),
      action: z.enum(['flag', 'block']),
    })
    .check(
      z.refine((rule) => rule.maxCount !== undefined || rule.maxAmount !== undefined, {
        message: 'A rule needs maxCount or maxAmount.',
      }),
    );
});

/** A rule as a stage writes it and the schema reads it back (its shape: contract/stage-defaults.ts). */
export type { RiskRule };
/** The defaults (docs/risk.md): stage defaults, which the CDK app reads too. */
export { DEFAULT_RISK_RULES };

let cached: { source: string | undefined; rules: RiskRule[] } | undefined;

/** The stage's rules; create-order reads them at init, so a malformed RISK_RULES fails there. */
export function riskRules(): RiskRule[] {
  const source = config().RISK_RULES;
  if (cached === undefined || cached.source !== source) {
    const parsed =
      source === undefined
        ? { success: true as const, data: DEFAULT_RISK_RULES }
        : z.array(riskRuleSchema()).safeParse(JSON.parse(source));
    if (!parsed.success) throw new Error(`Invalid RISK_RULES: ${issuesText(parsed.error)}`);
    cached = { source, rules: parsed.data };
  }
  return cached.rules;
}

/** What the marketplace knows of the buyer's session, plus the order's own buyer fields. */
export interface RiskSubject {
  ip?: string | undefined;
  deviceId?: string | undefined;
  buyer: { documentNumber: string; email: string; phone?: string | undefined };
  amount: number;
  currency: Currency;
}

export function dimensionValue(subject: RiskSubject, dimension: RiskDimension): string | undefined {
  switch (dimension) {
    case 'ip':
      return subject.ip;
    case 'deviceId':
      return subject.deviceId;
    case 'buyer.documentNumber':
      return subject.buyer.documentNumber;
    case 'buyer.email':
      return subject.buyer.email.toLowerCase();
    case 'buyer.phone':
      return subject.buyer.phone;
  }
}

/** A rule's amount for orders in `currency`; undefined where the rule names none for it. */
export function amountIn(amount: RiskAmount | undefined, currency: Currency): number | undefined {
  if (amount === undefined) return undefined;
  return typeof amount === 'number' ? (currency === 'PEN' ? amount : undefined) : amount[currency];
}

/**
 * Whether this order counts towards the rule at all: with a `minAmount`, only orders of at least
 * that much in their own currency do (an order in a currency the rule names no amount for does not).
 */
export function counts(rule: RiskRule, amount: number, currency: Currency): boolean {
  if (rule.minAmount === undefined) return true;
  const least = amountIn(rule.minAmount, currency);
  return least !== undefined && amount >= least;
}

/**
 * Whether the totals *including this order* break the rule: its count (orders of any currency) or
 * its amount — the total of the orders in this order's currency, never a sum across currencies.
 */
export function fires(
  rule: RiskRule,
  totals: { count: number; amount: number },
  currency: Currency,
): boolean {
  const maxAmount = amountIn(rule.maxAmount, currency);
  return (
    (rule.maxCount !== undefined && totals.count > rule.maxCount) ||
    (maxAmount !== undefined && totals.amount > maxAmount)
  );
}

export type RiskDecision = { decision: 'allow' } | { decision: 'flag' | 'block'; rules: string[] };

export function decide(fired: RiskRule[]): RiskDecision {
  const blocking = fired.filter((rule) => rule.action === 'block').map((rule) => rule.id);
  if (blocking.length > 0) return { decision: 'block', rules: blocking };
  if (fired.length > 0) return { decision: 'flag', rules: fired.map((rule) => rule.id) };
  return { decision: 'allow' };
}
