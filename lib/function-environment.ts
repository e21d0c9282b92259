import { type StageConfig, walletProviderOf } from './stage-config';
import { type FunctionName, type FunctionSpec, SCHEDULES } from './topology';

interface Setting {
  /** Whether the function gets it: by its spec in lib/topology.ts (and, for a few, the stage). */
  when: (spec: FunctionSpec, name: FunctionName, config: StageConfig) => boolean;
  variables: (config: StageConfig) => Record<string, string>;
}

/**
 * The stage settings a function reads from its environment, each declared once beside the spec
 * field that asks for it — so a spec field cannot be honoured in one place and forgotten in
 * another (how RISK_RULES once went missing). Resources (table, queues, secrets, bucket, bus)
 * come with their grants from ServiceFunction.bindSpec, driven by the same spec; PUBLIC_BASE_URL
 * is added once the API exists (lib/service-stack.ts).
 */
const SETTINGS: readonly Setting[] = [
  // Without reserved concurrency a scheduled job's runs are kept apart by a lease item (decision 88).
  {
    when: (_spec, name, config) =>
      !config.jobs.reservedConcurrency && SCHEDULES.some((schedule) => schedule.function === name),
    variables: () => ({ JOB_LEASE: 'true' }),
  },
  // Every function: its metrics carry the provider (and the PSP functions pick their adapter by it).
  { when: () => true, variables: (config) => ({ PSP_PROVIDER: config.psp.provider }) },
  {
    when: (_spec, _name, config) => config.observability.traceAwsSdkCalls,
    variables: () => ({ TRACE_AWS_SDK_CALLS: 'true' }),
  },
  // The wallet functions are told whose wallet they offer (a stage may set it apart from `provider`).
  {
    when: (spec) => spec.wallet === true,
    variables: (config) => ({ WALLET_PROVIDER: walletProviderOf(config) }),
  },
  // Any function may apply a payment (webhook, poll, final check): each books a wallet one with the stage's fee rule.
  {
    when: (_spec, _name, config) => config.wallets.fees !== undefined,
    variables: (config) => ({ WALLET_FEES: JSON.stringify(config.wallets.fees) }),
  },
  // Read by every PSP-calling bundle (both adapters are in it): the stage's, not config.ts's default.
  {
    when: (spec) => spec.psp === 'api',
    variables: (config) => ({ DLOCAL_BASE_URL: config.psp.dlocalBaseUrl }),
  },
  {
    when: (spec) => spec.settlementReports !== undefined || spec.settlementConfig === true,
    variables: (config) => ({ SETTLEMENT_CONFIG: JSON.stringify(config.money.settlement) }),
  },
  {
    when: (spec) => spec.payoutSchedule === true,
    variables: (config) => ({ PAYOUT_SCHEDULE: JSON.stringify(config.money.payoutSchedule) }),
  },
  {
    when: (spec) => spec.voucherPage === true,
    variables: (config) => ({
      VOUCHER_PAGE: JSON.stringify({
        marketplaceName: config.voucherPage.marketplaceName,
        whereToPayUrl: config.voucherPage.whereToPayUrl,
      }),
    }),
  },
  {
    when: (spec) => spec.reminders === true,
    variables: (config) => ({ REMINDER_LEAD_MINUTES: config.expiry.reminderLeadMinutes.join(',') }),
  },
  {
    when: (spec) => spec.expiryGrace === true,
    variables: (config) => ({ EXPIRY_GRACE_SECONDS: String(config.expiry.grace.toSeconds()) }),
  },
  {
    when: (spec) => spec.refundApproval === true,
    variables: (config) => ({
      REFUND_APPROVAL_THRESHOLD: String(config.money.refundApprovalThreshold),
      REFUND_DAILY_APPROVAL_THRESHOLD: String(config.money.refundDailyApprovalThreshold),
    }),
  },
  {
    when: (spec) => spec.riskRules === true,
    variables: (config) => ({
      RISK_RULES: JSON.stringify(config.money.riskRules),
      RISK_REVIEW_REQUIRED: String(config.money.riskReviewRequired),
    }),
  },
];

/** The stage settings `name` gets as environment variables (see SETTINGS). */
export function stageEnvironment(
  name: FunctionName,
  spec: FunctionSpec,
  config: StageConfig,
): Record<string, string> {
  return Object.assign(
    {},
    ...SETTINGS.filter((setting) => setting.when(spec, name, config)).map((setting) =>
      setting.variables(config),
    ),
  );
}
