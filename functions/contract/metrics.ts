/**
 * Every metric our code emits (Powertools Metrics, namespace SERVICE.metricsNamespace), by name:
 * the one list both sides read. The Lambda code can only emit these (platform/powertools.ts types
 * `metrics.addMetric` with them) and the CDK app can only graph or alarm on these
 * (lib/constructs/service-alarms.ts); test/infra/alarm-metrics.test.ts checks that every alarm in
 * the synthesized templates watches one of them and that the code really emits each one it names.
 * Plain data, importing nothing (decision 98). Renaming one renames it on both sides at once
 * (decision 117).
 */
export const METRIC_NAMES = [
  // Orders and payment options (orders/)
  'OrderCreated',
  'OrphanCipNotDeleted',
  'WalletOptionUnavailable',
  'OrphanWalletOrderNotCancelled',
  // Incoming PSP notifications (notifications/ingest-notification.ts)
  'NotificationAccepted',
  'WalletNotificationAccepted',
  'NotificationRejected',
  'NotificationSignatureRejected',
  // Payments applied (payments/, jobs/)
  'PaymentApplied',
  'PaymentAppliedLate',
  'PaymentAnomaly',
  'InformationalAnomaly',
  'PaymentOptionNotClosed',
  'PaymentsRecoveredByPoll',
  'PaymentDatesConfirmed',
  'OrdersExpired',
  'DueOrdersLeft',
  'FinalCheckFailingSeconds',
  'ExpiryRemindersSent',
  // Events and outgoing webhooks to marketplaces (events/, outbound-webhooks/)
  'EventPublished',
  'WebhookDelivered',
  'WebhookDeliveryFailed',
  'WebhookDeliveryCrashed',
  // Refunds, ledger, risk, settlements, payouts
  'RefundRequested',
  'RefundApproved',
  'RefundPaidOut',
  'RefundNotPaid',
  'RefundsOverdue',
  'LedgerIntegrityDifferences',
  'RiskFlagged',
  'RiskBlocked',
  'SettlementImported',
  'SettlementLinesUnmatched',
  'PayoutRequested',
  'PayoutApproved',
  'PayoutPaidOut',
  'PayoutNotPaid',
  'PayoutDayIncomplete',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
