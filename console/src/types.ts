/** The API's answers as the console reads them (functions/http/openapi-document.ts has them in full). */
export interface Actor {
  keyId: string;
  keyName: string;
  principal?: string;
  name?: string;
  subject?: string;
}

export interface Order {
  id: string;
  reference: string;
  status: string;
  currency: string;
  amount: number;
  concept: string;
  buyer: { email: string; firstName: string; lastName: string; documentType: string; documentNumber: string };
  splits: { sellerId: string; amount: number; fee: number }[];
  createdAt: string;
  expiresAt: string;
  voucher: { cip: string; expiresAt: string; provider: string };
  payment?: {
    paidAt: string;
    amount: number;
    currency: string;
    source: string;
    operationNumber: string | null;
    contested?: { operationNumber: string; amount: number; currency: string; anomalyId: string; at: string };
  };
  refunds?: { id: string; amount: number }[];
  risk?: { decision: string; rules: string[]; reviewedAt?: string; reviewedBy?: string; note?: string };
  settlement?: { id: string; line: number; settledOn: string; net: number };
  history: { from: string | null; to: string; at: string; source: string }[];
}

export interface Anomaly {
  id: string;
  type: string;
  detectedAt: string;
  detail: string;
  cip?: string;
  orderId?: string;
  amount?: number;
  currency?: string;
  resolvedAt?: string;
}

export interface Refund {
  id: string;
  orderId: string;
  status: string;
  amount: number;
  currency: string;
  reason: string;
  order: { id: string; reference: string; status: string };
  requestedBy: Actor;
  history: { status: string; at: string; by: Actor; reason?: string }[];
  createdAt: string;
}

export interface Payout {
  id: string;
  sellerId: string;
  currency: string;
  amount: number;
  status: string;
  bankAccount?: { cci: string; holderName: string; bank?: string };
  requestedBy: Actor;
  createdAt: string;
}

export interface Settlement {
  id: string;
  status: string;
  fileName: string;
  settledOn: string;
  importedAt: string;
  lines: number;
  counts: Record<string, number>;
}

export interface SettlementLine {
  line: number;
  outcome: string;
  detail: string;
  cip?: string;
  currency?: string;
  gross?: number;
}

export interface Balance {
  sellerId: string;
  balances: {
    currency: string;
    pending: number;
    available: number;
    reservedForRefunds: number;
    inTransit: number;
    paidOut: number;
    nextPayout: { on: string; estimatedAmount: number };
  }[];
}

export interface LedgerLine {
  entryId: string;
  at: string;
  reason: string;
  currency: string;
  amount: number;
  bucket: string;
  orderId?: string;
}

export interface BankAccount {
  cci: string;
  holderName: string;
  bank?: string;
  changedAt: string;
  coolingOffUntil?: string;
}
