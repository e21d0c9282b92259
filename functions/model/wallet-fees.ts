// zod/mini: apply-payment reads it and loads no classic zod (decision 57).
import * as z from 'zod/mini';
import { config } from '#platform/config';
import { schemasOnFirstUse } from '#platform/schema';
import { issuesText } from '#platform/zod-english';
import { contractedFees } from './settlement-config';

/**
 * What each wallet provider keeps of a payment (decision 115): `ratePercent` of the gross plus a
 * fixed part per currency, then tax (IGV) on that — the shape of the PagoEfectivo contract
 * (SETTLEMENT_CONFIG's `commission`). Neither Culqi nor dLocal publishes its wallet (Yape, Plin)
 * fee — both are negotiated per merchant — so each is a stage setting (`WALLET_FEES`, JSON by
 * provider); the defaults are placeholders (PagoEfectivo's default contract) until the stage's
 * contract is entered. The schema is built, and the setting read, with the first wallet payment
 * booked: a cash payment never needs them (decision 120). The CDK app writes the value from the
 * typed stage config, and test/infra/day-one.test.ts parses every stage's with this schema.
 */
export const walletFeesSchema = /* @__PURE__ */ schemasOnFirstUse(() => {
  const rule = z.object({
    ratePercent: z.number().check(z.gte(0), z.lte(100)),
    fixedMinor: z.record(z.string(), z.int().check(z.gte(0))),
    taxPercent: z.number().check(z.gte(0), z.lte(100)),
  });
  const placeholder = { ratePercent: 2, fixedMinor: { PEN: 50 }, taxPercent: 18 };
  return z.object({
    culqi: z._default(rule, placeholder),
    dlocal: z._default(rule, placeholder),
  });
});
export type WalletFees = z.infer<ReturnType<typeof walletFeesSchema>>;
export type WalletFeeRule = WalletFees['culqi'];

let cached: WalletFees | undefined;
/** The stage's wallet fee rules, parsed once per container. */
export function walletFees(): WalletFees {
  cached ??= parseWalletFees(config().WALLET_FEES);
  return cached;
}

/** Reads `WALLET_FEES` (absent: every provider's placeholder); a bad value throws, naming it. */
export function parseWalletFees(raw: string | undefined): WalletFees {
  let json: unknown = {};
  if (raw !== undefined) {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error('WALLET_FEES is not JSON.');
    }
  }
  const parsed = walletFeesSchema().safeParse(json);
  if (!parsed.success) throw new Error(`WALLET_FEES: ${issuesText(parsed.error)}`);
  return parsed.data;
}

/** The fee (commission and its tax, minor units) a provider keeps of a wallet payment of `gross`. */
export function walletFee(
  rule: WalletFeeRule,
  gross: number,
  currency: string,
): { commission: number; tax: number } {
  return contractedFees(gross, currency, { ...rule, toleranceMinor: 0 });
}
