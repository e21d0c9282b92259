import { describe, expect, it } from 'vitest';
import { CreateOrderRequestSchema } from '#orders/create-order-request';
import { zodIssuesToFields } from '#platform/http';

const valid = {
  reference: 'mkt-1',
  currency: 'PEN',
  amount: 15000,
  concept: 'Zapatillas',
  buyer: {
    email: 'ana@example.pe',
    firstName: 'Ana',
    lastName: 'Núñez',
    documentType: 'DNI',
    documentNumber: '45678912',
  },
  splits: [{ sellerId: 's1', amount: 15000, fee: 1500 }],
};

function fieldsOf(input: unknown): string[] {
  const result = CreateOrderRequestSchema.safeParse(input);
  return result.success ? [] : zodIssuesToFields(result.error.issues).map((problem) => problem.field);
}

describe('create-order validation', () => {
  it('accepts a valid order and fills defaults', () => {
    const parsed = CreateOrderRequestSchema.parse(valid);
    expect(parsed.expiresInMinutes).toBe(1440);
    expect(parsed.metadata).toEqual({});
  });

  it('names each offending field by its path', () => {
    expect(fieldsOf({ ...valid, currency: 'EUR' })).toEqual(['currency']);
    expect(fieldsOf({ ...valid, amount: 150.5 })).toEqual(['amount']);
    expect(fieldsOf({ ...valid, amount: 0 })).toContain('amount');
    expect(fieldsOf({ ...valid, buyer: { ...valid.buyer, email: 'nope' } })).toEqual(['buyer.email']);
    expect(fieldsOf({ ...valid, buyer: { ...valid.buyer, documentNumber: '123' } })).toEqual([
      'buyer.documentNumber',
    ]);
    expect(fieldsOf({ ...valid, buyer: { ...valid.buyer, documentType: 'XYZ' } })).toEqual([
      'buyer.documentType',
    ]);
    // A RUC is a document type now; a DNI's 8 digits are not a RUC.
    expect(fieldsOf({ ...valid, buyer: { ...valid.buyer, documentType: 'RUC' } })).toEqual([
      'buyer.documentNumber',
    ]);
    expect(fieldsOf({ ...valid, reference: 'has spaces' })).toEqual(['reference']);
    expect(fieldsOf({ ...valid, expiresInMinutes: 5 })).toEqual(['expiresInMinutes']);
    expect(fieldsOf({ ...valid, expiresInMinutes: 60 * 24 * 31 })).toEqual(['expiresInMinutes']);
    expect(fieldsOf({ ...valid, unexpected: true })).toEqual(['body']);
  });

  it('requires split amounts to add up to the order amount', () => {
    expect(fieldsOf({ ...valid, splits: [{ sellerId: 's1', amount: 14000, fee: 0 }] })).toEqual(['splits']);
  });

  it('refuses a fee above its split and a seller twice', () => {
    expect(fieldsOf({ ...valid, splits: [{ sellerId: 's1', amount: 15000, fee: 15001 }] })).toEqual([
      'splits.0.fee',
    ]);
    expect(
      fieldsOf({
        ...valid,
        splits: [
          { sellerId: 's1', amount: 7500, fee: 0 },
          { sellerId: 's1', amount: 7500, fee: 0 },
        ],
      }),
    ).toEqual(['splits.1.sellerId']);
  });

  it('bounds metadata', () => {
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect(fieldsOf({ ...valid, metadata: tooMany })).toEqual(['metadata']);
    expect(fieldsOf({ ...valid, metadata: { k: 1 } })).toEqual(['metadata.k']);
  });
});
