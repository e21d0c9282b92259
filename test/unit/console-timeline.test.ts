import { describe, expect, it } from 'vitest';
import { inTimelineOrder } from '../../console/src/timeline';

describe("the console's order timeline (decision 133)", () => {
  it('never shows a step above the creation, even a payment timed in whole seconds within its first second', () => {
    const createdAt = '2026-12-04T15:00:07.420Z';
    const steps = [
      { at: createdAt, text: 'Pedido creado' },
      { at: createdAt, text: 'CIP emitido' },
      // PagoEfectivo's payment date has no milliseconds: 15:00:07.000, before 07.420.
      { at: '2026-12-04T15:00:07Z', text: 'Pago recibido' },
      { at: '2026-12-04T15:00:07.600Z', text: 'PENDING_PAYMENT → PAID' },
      { at: '2026-12-05T04:59:59Z', text: 'Liquidado' },
    ];
    expect(inTimelineOrder(steps, createdAt).map((step) => step.text)).toEqual([
      'Pedido creado',
      'CIP emitido',
      'Pago recibido',
      'PENDING_PAYMENT → PAID',
      'Liquidado',
    ]);
  });

  it('orders the later steps by their own times', () => {
    const createdAt = '2026-12-04T15:00:00Z';
    const steps = [
      { at: createdAt, text: 'created' },
      { at: '2026-12-04T16:00:00Z', text: 'late' },
      { at: '2026-12-04T15:30:00Z', text: 'early' },
    ];
    expect(inTimelineOrder(steps, createdAt).map((step) => step.text)).toEqual(['created', 'early', 'late']);
  });
});
