import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { MAX_EXPIRY_MINUTES } from '#model/order-limits';
import {
  counts,
  decide,
  dimensionValue,
  fires,
  type RiskDecision,
  type RiskRule,
  type RiskSubject,
  riskRules,
} from '#model/risk-rules';
import { nowMs } from '#platform/clock';
import { AppError } from '#platform/errors';
import { logger, metrics } from '#platform/powertools';
import { batchGetOrders } from '#store/orders-repository';
import { buyerOrderIdsSince, countTowards } from '#store/risk-repository';

export class RiskBlockedError extends AppError {
  readonly status = 422;
  readonly code = 'risk_blocked';
}

/**
 * Evaluates the stage's rules for an order about to be created (before the PSP mints anything).
 * Windowed rules count by atomic ADD; `openVouchers` rules read the buyer's recent orders (links,
 * then a BatchGet: no scan) and count those still unpaid. Block → 422 `risk_blocked` naming the
 * rules; flag → the caller creates the order for review.
 */
export async function assessRisk(subject: RiskSubject): Promise<RiskDecision> {
  const now = nowMs();
  const fired: RiskRule[] = [];
  for (const rule of riskRules()) {
    const value = dimensionValue(subject, rule.dimension);
    if (value === undefined || value === '') continue;
    if (!counts(rule, subject.amount, subject.currency)) continue;
    const totals = rule.openVouchers
      ? await openVouchers(subject, now)
      : await countTowards(rule, value, subject.amount, subject.currency, now);
    if (fires(rule, totals, subject.currency)) fired.push(rule);
  }
  const decision = decide(fired);
  if (decision.decision === 'block') {
    metrics.addMetric('RiskBlocked', MetricUnit.Count, 1);
    logger.warn('order blocked by risk rules', { rules: decision.rules });
    throw new RiskBlockedError(`Refused by the risk rule(s) ${decision.rules.join(', ')}.`, {
      rules: decision.rules,
    });
  }
  if (decision.decision === 'flag') {
    metrics.addMetric('RiskFlagged', MetricUnit.Count, 1);
    logger.info('order flagged by risk rules', { rules: decision.rules });
  }
  return decision;
}

/**
 * The buyer's unpaid vouchers, counting the one about to be created: all of them, and the amount
 * of those in this order's currency (amounts of two currencies are never added).
 */
async function openVouchers(subject: RiskSubject, now: number) {
  const since = new Date(now - MAX_EXPIRY_MINUTES * 60_000).toISOString();
  const orders = await batchGetOrders(await buyerOrderIdsSince(subject.buyer.documentNumber, since));
  const open = orders.filter((order) => order.status === 'PENDING_PAYMENT');
  const amount = open
    .filter((order) => order.currency === subject.currency)
    .reduce((sum, order) => sum + order.amount, subject.amount);
  return { count: open.length + 1, amount };
}
