import type {
  ChangeExpiryOutcome,
  CipStatus,
  CreatedVoucher,
  CreateVoucherInput,
  DeleteCipOutcome,
  PspProvider,
  VoucherRef,
} from '../provider';
import type { PagoEfectivoClient } from './client';

/** PagoEfectivo direct: a CIP is the voucher, found by its own number (no separate payment id). */
export class PagoEfectivoProvider implements PspProvider {
  readonly name = 'pagoefectivo' as const;
  /** The buyer document types PagoEfectivo's API lists (`userDocumentType`). */
  readonly payerDocumentTypes = ['DNI', 'PAS', 'LMI', 'PAR', 'NAN'] as const;

  constructor(private readonly client: PagoEfectivoClient) {}

  createVoucher(input: CreateVoucherInput): Promise<CreatedVoucher> {
    return this.client.createCip(input);
  }

  searchVouchers(vouchers: readonly VoucherRef[]): Promise<CipStatus[]> {
    return this.client.searchCips(vouchers.map((voucher) => voucher.cip));
  }

  /** `POST /v1/cips/search`'s `datePayment` of each paid CIP (protocol §3): PagoEfectivo's own date. */
  async paymentDates(vouchers: readonly VoucherRef[]): Promise<Map<string, Date>> {
    const statuses = await this.searchVouchers(vouchers);
    const dates = new Map<string, Date>();
    for (const status of statuses) {
      if (status.state === 'paid' && status.paidAt !== undefined) dates.set(status.cip, status.paidAt);
    }
    return dates;
  }

  deleteVoucher(voucher: VoucherRef): Promise<DeleteCipOutcome> {
    return this.client.deleteCip(voucher.cip);
  }

  changeVoucherExpiry(voucher: VoucherRef, expiresAt: Date): Promise<ChangeExpiryOutcome> {
    return this.client.changeCipExpiry(voucher.cip, expiresAt);
  }
}
