import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { minorToDecimal } from '#model/money';
import type { Order } from '#model/order';
import { contractedFees, DEFAULT_SETTLEMENT_CONFIG } from '#model/settlement-config';
import { config, tableName } from '#platform/config';
import { orderItem } from '#store/orders-repository';

/**
 * Pending orders written straight to the table (no PSP round trip), for volume tests and benches
 * of the scheduled jobs. Their CIPs were never issued by the sandbox, so the PSP reports no
 * payment for them.
 */
export function syntheticPendingOrder(i: number, expiresAt: Date, cipBase = 80_000_000): Order {
  const createdAt = new Date(expiresAt.getTime() - 3600_000).toISOString();
  return {
    id: `ord_${String(cipBase + i).padStart(26, '0')}`,
    reference: `bulk-${cipBase + i}`,
    status: 'PENDING_PAYMENT',
    currency: 'PEN',
    amount: 1000,
    concept: 'bulk',
    buyer: {
      email: 'b@example.pe',
      firstName: 'B',
      lastName: 'B',
      documentType: 'DNI',
      documentNumber: '12345678',
    },
    splits: [{ sellerId: 's', amount: 1000, fee: 0 }],
    metadata: {},
    createdAt,
    updatedAt: createdAt,
    expiresAt: expiresAt.toISOString(),
    voucher: {
      provider: 'pagoefectivo',
      cip: String(cipBase + i),
      url: 'https://example.invalid/voucher',
      expiresAt: expiresAt.toISOString(),
    },
    history: [{ from: null, to: 'PENDING_PAYMENT', at: createdAt, source: 'api' }],
    version: 1,
  };
}

/**
 * A loader's own client: thousands of batch writes into a DynamoDB Local shared with other tests
 * on a small machine may take longer than the 2 s the product's clients allow a request
 * (platform/aws.ts) — a deadline for answering callers, not for filling a table.
 */
function loaderClient(): DynamoDBDocumentClient {
  const { AWS_REGION, DYNAMODB_ENDPOINT } = config();
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: AWS_REGION,
      ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}),
      maxAttempts: 5,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/** BatchWrite in 25s, four batches in flight, retrying unprocessed items. */
export async function writeOrders(orders: Order[]): Promise<void> {
  const table = tableName();
  const client = loaderClient();
  try {
    const batches: Order[][] = [];
    for (let i = 0; i < orders.length; i += 25) batches.push(orders.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(
        batches.slice(i, i + 4).map(async (batch) => {
          let pending = batch.map((order) => ({ PutRequest: { Item: orderItem(order) } }));
          while (pending.length > 0) {
            const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
            pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
          }
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

/** A synthetic order paid three days ago by notification (its payment's booking is not written). */
export function syntheticPaidOrder(i: number, base: number, sellerId: string): Order {
  const pending = syntheticPendingOrder(i, new Date(Date.now() + 86_400_000), base);
  const paidAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
  return {
    ...pending,
    status: 'PAID',
    payment: {
      operationNumber: String(base + i),
      paidAt,
      amount: pending.amount,
      currency: 'PEN',
      source: 'webhook',
    },
    splits: [{ sellerId, amount: pending.amount, fee: 0 }],
    history: [...pending.history, { from: 'PENDING_PAYMENT', to: 'PAID', at: paidAt, source: 'webhook' }],
    version: 2,
  };
}

/** A settlement report (CSV, `;`, BOM, CRLF) listing `orders` at the contracted commission. */
export function settlementReportCsv(orders: readonly Order[]): string {
  const lines = [
    'CIP;Nro. Operación;Cód. Transacción;Moneda;Monto;Comisión;IGV;Neto;Fecha Pago;Fecha Liquidación;Canal',
  ];
  for (const order of orders) {
    const { commission, tax } = contractedFees(order.amount, 'PEN', DEFAULT_SETTLEMENT_CONFIG.commission);
    lines.push(
      [
        order.voucher.cip,
        order.payment?.operationNumber,
        order.id,
        'PEN',
        minorToDecimal(order.amount),
        minorToDecimal(commission),
        minorToDecimal(tax),
        minorToDecimal(order.amount - commission - tax),
        '24/11/2026 10:00:00',
        '27/11/2026',
        'Agente BCP',
      ].join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
