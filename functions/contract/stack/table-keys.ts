/**
 * The table's indexes (lib/topology.ts TABLE) and the entities whose key patterns the CDK app
 * writes into IAM conditions (`dynamodb:LeadingKeys`, the prefixes a function may delete):
 * re-exported from their own modules, which import nothing, so `lib/` reads `functions/` only
 * through the contract (decision 98).
 */
export { apiKeyEntity } from '#store/entities/api-key';
export { idempotencyRecordEntity } from '#store/entities/idempotency-record';
export { TABLE_INDEXES } from '#store/entities/indexes';
export { orderEntity } from '#store/entities/order';
export { unconfirmedPaymentDateEntity } from '#store/entities/unconfirmed-payment-date';
export { voucherPageEntity } from '#store/entities/voucher-page';
export { webhookEndpointEntity } from '#store/entities/webhook-endpoint';
