import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type SandboxCipStatus = 'generated' | 'paid' | 'expired' | 'deleted';

export interface SandboxCip {
  cip: string;
  currency: 'PEN' | 'USD';
  /** As the merchant sent it: a decimal with two places. */
  amount: string;
  transactionCode: string;
  userEmail: string;
  userName?: string;
  dateCreation: string;
  dateExpiry: string;
  /** Set when marked paid, with the operation number of the payment. */
  datePayment?: string;
  operationNumber?: string;
  dateRemoval?: string;
  /** Set when a sandbox settlement report listed the payment (`yyyy-mm-dd`). */
  settledOn?: string;
  status: SandboxCipStatus;
  guid: string;
  /** Set for tickets issued through the dLocal API (local/sandbox/dlocal.ts). */
  dlocal?: { paymentId: string; notificationUrl?: string };
}

/**
 * A wallet order at the sandbox's Culqi (local/sandbox/culqi.ts) or a Yape payment at its dLocal
 * (local/sandbox/dlocal.ts, method YP), keyed by our option id. `amount` in céntimos for both.
 */
export interface SandboxWalletOrder {
  provider: 'culqi' | 'dlocal';
  optionId: string;
  /** Culqi's `ord_…`, dLocal's payment id `D-4-…`. */
  providerRef: string;
  amount: number;
  currency: 'PEN';
  description: string;
  /** Culqi only: the order's payment code and the text its QR shows. */
  paymentCode?: string;
  qr?: string;
  /** dLocal only: where it notifies, where the buyer returns, the redirect it answered. */
  dlocal?: { notificationUrl: string; callbackUrl: string; redirectUrl: string; email: string };
  state: 'pending' | 'paid' | 'deleted' | 'created';
  createdAtMs: number;
  expiresAtMs: number;
  paidAtMs?: number;
  chargeId?: string;
  metadata: Record<string, unknown>;
  refundedAmount: number;
  refunds?: { id: string; amount: number; reason: string }[];
}

interface PersistedState {
  nextCip: number;
  nextOperation: number;
  cips: SandboxCip[];
  walletOrders?: SandboxWalletOrder[];
}

/** The sandbox's CIPs, kept on disk beside DynamoDB Local's data unless the stack is in-memory. */
export class SandboxState {
  nextCip = 2_500_000;
  nextOperation = 900_000;
  readonly cips = new Map<string, SandboxCip>();
  readonly walletOrders = new Map<string, SandboxWalletOrder>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
      this.nextCip = saved.nextCip;
      this.nextOperation = saved.nextOperation;
      for (const cip of saved.cips) this.cips.set(cip.cip, cip);
      for (const order of saved.walletOrders ?? []) this.walletOrders.set(order.optionId, order);
    }
  }

  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const state: PersistedState = {
      nextCip: this.nextCip,
      nextOperation: this.nextOperation,
      cips: [...this.cips.values()],
      walletOrders: [...this.walletOrders.values()],
    };
    // Write-then-rename, so a crash mid-write never leaves half a file.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(state));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
