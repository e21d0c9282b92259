/**
 * The domain's defaults a stage starts from (lib/stage-config.ts): re-exported from the model,
 * where the functions read them too, so a stage and a function without the setting agree, and
 * `lib/` reads `functions/` only through the contract (decision 98).
 */
export { DEFAULT_PAYOUT_SCHEDULE, type PayoutSchedule } from '#model/payout-schedule';
export { DEFAULT_RISK_RULES, type RiskRule } from '#model/risk-rules';
export { DEFAULT_SETTLEMENT_CONFIG, type SettlementConfig } from '#model/settlement-config';
