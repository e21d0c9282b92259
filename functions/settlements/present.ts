import { AMOUNT_FIELDS, type Amounts, type Settlement, type SettlementLineRecord } from '#model/settlement';
import { neutraliseFormula } from '#platform/csv';

/** The settlement as the API shows it: with the difference between the report and our expectation. */
export function settlementResponse(settlement: Settlement) {
  const difference: Record<string, Amounts> = {};
  for (const currency of new Set([...Object.keys(settlement.totals), ...Object.keys(settlement.expected)])) {
    const total = settlement.totals[currency];
    const expected = settlement.expected[currency];
    difference[currency] = Object.fromEntries(
      AMOUNT_FIELDS.map((field) => [field, (total?.[field] ?? 0) - (expected?.[field] ?? 0)]),
    ) as unknown as Amounts;
  }
  return { ...settlement, difference };
}

const CSV_COLUMNS = [
  'line',
  'outcome',
  'cip',
  'operationNumber',
  'transactionCode',
  'orderId',
  'currency',
  'gross',
  'commission',
  'tax',
  'net',
  'expectedCurrency',
  'expectedGross',
  'expectedCommission',
  'expectedTax',
  'expectedNet',
  'paidAt',
  'settledOn',
  'channel',
  'anomalyId',
  'detail',
  // Appended last: readers that go by column position keep working.
  'suspenseAnomalyId',
] as const;

export function lineRowsForCsv(lines: readonly SettlementLineRecord[]): string[][] {
  return [
    [...CSV_COLUMNS],
    ...lines.map((line) => {
      const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
        ...line,
        expectedGross: line.expected?.gross,
        expectedCommission: line.expected?.commission,
        expectedTax: line.expected?.tax,
        expectedNet: line.expected?.net,
      } as never;
      return CSV_COLUMNS.map((column) =>
        neutraliseFormula(values[column] === undefined ? '' : String(values[column])),
      );
    }),
  ];
}
