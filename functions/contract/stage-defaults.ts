/**
 * The money rules a stage starts from (lib/stage-config.ts) and a function falls back to when its
 * setting is unset: the model's schemas take their defaults from here (model/risk-rules.ts,
 * payout-schedule.ts, settlement-config.ts), so a stage and a function cannot disagree, and the
 * CDK app reads them without importing the model (decision 119). Plain data and the shapes the
 * stage config writes; the model's zod schemas are what the functions parse them with.
 */

/** What a risk rule counts orders by (docs/risk.md). */
export const RISK_DIMENSIONS = [
  'ip',
  'deviceId',
  'buyer.documentNumber',
  'buyer.email',
  'buyer.phone',
] as const;
export type RiskDimension = (typeof RISK_DIMENSIONS)[number];

/**
 * A rule's amount, in minor units: per currency (`{"PEN": 50000, "USD": 15000}`), or a bare number
 * for soles alone (how rules were first written). Amounts of two currencies are never added or
 * compared with each other: an order counts against the amount of its own currency only.
 */
export type RiskAmount = number | { PEN?: number; USD?: number };

/** One anti-fraud rule as a stage states it (RISK_RULES); model/risk-rules.ts parses and applies it. */
export interface RiskRule {
  id: string;
  dimension: RiskDimension;
  /** Minutes. */
  window: number;
  /** Only orders of at least this much count; an order in a currency it does not name does not. */
  minAmount?: RiskAmount;
  maxCount?: number;
  /** The total of the orders in the order's currency; no limit in a currency it does not name. */
  maxAmount?: RiskAmount;
  openVouchers?: boolean;
  action: 'flag' | 'block';
}

/** The defaults (docs/risk.md): amounts in minor units of each currency. */
export const DEFAULT_RISK_RULES: RiskRule[] = [
  {
    id: 'ip-large-orders',
    dimension: 'ip',
    window: 60,
    minAmount: { PEN: 50_000, USD: 15_000 },
    maxCount: 2,
    action: 'flag',
  },
  {
    id: 'ip-large-orders-burst',
    dimension: 'ip',
    window: 60,
    minAmount: { PEN: 50_000, USD: 15_000 },
    maxCount: 5,
    action: 'block',
  },
  {
    id: 'buyer-open-vouchers',
    dimension: 'buyer.documentNumber',
    window: 60,
    openVouchers: true,
    maxCount: 5,
    action: 'block',
  },
  {
    id: 'buyer-daily-amount',
    dimension: 'buyer.documentNumber',
    window: 1440,
    maxAmount: { PEN: 499_999, USD: 149_999 },
    action: 'flag',
  },
];

/** When sellers are paid (PAYOUT_SCHEDULE; model/payout-schedule.ts says what each field means). */
export interface PayoutSchedule {
  weekday?: number;
  monthDay?: number;
  minimumAmount: number;
  holdDays: number;
  coolingOffHours: number;
}

/** Mondays, from 50.00, money available for 2 days, 48 h after a bank account change. */
export const DEFAULT_PAYOUT_SCHEDULE: PayoutSchedule = {
  weekday: 1,
  minimumAmount: 5_000,
  holdDays: 2,
  coolingOffHours: 48,
};

/**
 * How a stage reads PagoEfectivo's settlement report and what its contract says
 * (SETTLEMENT_CONFIG; model/settlement-config.ts says what each field means).
 */
export const DEFAULT_SETTLEMENT_CONFIG = {
  columns: {
    cip: 'CIP',
    operationNumber: 'Nro. Operación',
    transactionCode: 'Cód. Transacción',
    currency: 'Moneda',
    gross: 'Monto',
    commission: 'Comisión',
    tax: 'IGV',
    net: 'Neto',
    paidAt: 'Fecha Pago',
    settledOn: 'Fecha Liquidación',
    channel: 'Canal',
  },
  commission: {
    ratePercent: 2,
    fixedMinor: { PEN: 50, USD: 15 } as Record<string, number>,
    taxPercent: 18,
    toleranceMinor: 1,
  },
  unsettledAfterDays: 7,
  limits: {
    maxLines: 100_000,
    maxLineBytes: 4_096,
    maxCellChars: 512,
    xlsxMaxBytes: 16_000_000,
    xlsxMaxUncompressedBytes: 160_000_000,
    xlsxMaxSharedStringsBytes: 24_000_000,
    xlsxMaxEntries: 1_000,
  },
};
export type SettlementConfig = typeof DEFAULT_SETTLEMENT_CONFIG;
