import { describe, expect, it } from 'vitest';
import { documentNumberProblem, rucCheckDigitOk } from '#model/documents';
import { CreateOrderRequestSchema } from '#orders/create-order-request';
import { PutBankAccountRequestSchema } from '#payouts/request-schemas';

describe('identity documents, validated per type', () => {
  it("checks a RUC's SUNAT check digit (SUNAT's own RUC and a person's with a business)", () => {
    expect(rucCheckDigitOk('20131312955')).toBe(true);
    expect(rucCheckDigitOk('10467793549')).toBe(true);
    expect(rucCheckDigitOk('20131312954')).toBe(false);
    expect(documentNumberProblem('RUC', '20131312954')).toContain('check digit');
    expect(documentNumberProblem('RUC', '30131312955')).toContain('starts 10, 15, 16, 17 or 20');
    expect(documentNumberProblem('RUC', '2013131295')).toContain('11 digits');
  });

  it('takes a DNI of 8 digits, a CE of up to 12 letters or digits, a passport', () => {
    expect(documentNumberProblem('DNI', '45678912')).toBeUndefined();
    expect(documentNumberProblem('DNI', '4567891')).toBe('A DNI has exactly 8 digits.');
    expect(documentNumberProblem('CE', '001234567')).toBeUndefined();
    expect(documentNumberProblem('CE', 'X12345678901')).toBeUndefined();
    expect(documentNumberProblem('CE', 'X123456789012')).toContain('4 to 12');
    expect(documentNumberProblem('PAS', 'AB123456')).toBeUndefined();
  });

  it('accepts a company (RUC) or a foreign resident (CE) as a bank account holder, and refuses a wrong RUC naming the field', () => {
    const account = { cci: '00219300123456789013', holderName: 'Tienda SAC' };
    expect(
      PutBankAccountRequestSchema.safeParse({
        ...account,
        documentType: 'RUC',
        documentNumber: '20131312955',
      }).success,
    ).toBe(true);
    expect(
      PutBankAccountRequestSchema.safeParse({ ...account, documentType: 'CE', documentNumber: '001234567' })
        .success,
    ).toBe(true);
    const wrong = PutBankAccountRequestSchema.safeParse({
      ...account,
      documentType: 'RUC',
      documentNumber: '20131312954',
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['documentNumber']);
  });

  it("validates a buyer's document by its type", () => {
    const order = {
      reference: 'r-1',
      currency: 'PEN',
      amount: 1000,
      concept: 'x',
      buyer: {
        email: 'a@b.pe',
        firstName: 'A',
        lastName: 'B',
        documentType: 'RUC',
        documentNumber: '20131312955',
      },
      splits: [{ sellerId: 's', amount: 1000, fee: 0 }],
    };
    expect(CreateOrderRequestSchema.safeParse(order).success).toBe(true);
    const wrong = CreateOrderRequestSchema.safeParse({
      ...order,
      buyer: { ...order.buyer, documentNumber: '20131312954' },
    });
    expect(wrong.error?.issues[0]?.path).toEqual(['buyer', 'documentNumber']);
  });
});
