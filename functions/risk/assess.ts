import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { MAX_EXPIRY_MINUTES } from '#model/order-limits';
import {
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
    if (rule.minAmount !== undefined && subject.amount < rule.minAmount) continue;
    const totals = rule.openVouchers
      ? await openVouchers(subject.buyer.documentNumber, now)
      : await countTowards(rule, value, subject.amount, now);
    if (fires(rule, totals)) fired.push(rule);
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

/** The buyer's unpaid vouchers, counting the one about to be created. */
async function openVouchers(documentNumber: string, now: number) {
  const since = new Date(now - MAX_EXPIRY_MINUTES * 60_000).toISOString();
  const orders = await batchGetOrders(await buyerOrderIdsSince(documentNumber, since));
  const open = orders.filter((order) => order.status === 'PENDING_PAYMENT');
  return { count: open.length + 1, amount: open.reduce((sum, order) => sum + order.amount, 0) };
}
