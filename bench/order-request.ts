import type { CreateOrderRequest } from '#orders/create-order-request';

/**
 * The order every bench creates: S/ 150.00 for one seller. Each gets a buyer of its own — the risk
 * rules (a buyer's open vouchers) would otherwise refuse a bench's worth.
 */
export function benchOrderRequest(reference: string, documentNumber: string): CreateOrderRequest {
  return {
    reference,
    currency: 'PEN',
    amount: 15000,
    concept: 'Bench',
    buyer: {
      email: 'bench@example.pe',
      firstName: 'Ana',
      lastName: 'Núñez',
      documentType: 'DNI',
      documentNumber,
    },
    splits: [{ sellerId: 'seller-bench', amount: 15000, fee: 1000 }],
    expiresInMinutes: 1440,
    metadata: {},
  };
}
