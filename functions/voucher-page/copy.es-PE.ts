/**
 * Every buyer-facing string of the voucher page and the <pe-voucher> widget, in Peruvian Spanish,
 * addressing the buyer as "tú" throughout (as PagoEfectivo and Peruvian wallets do). Nothing a buyer
 * reads is written anywhere else: test/unit/voucher-copy.test.ts renders the page with every entry
 * swapped for a marker and fails on any visible text that is neither a marker nor order data.
 *
 * `{name}` placeholders are filled by `fill()`. The deadline's words (weekday, month, a. m./p. m.)
 * are entries too: voucher-page/view.ts writes dates in Lima time from them, and
 * test/unit/voucher-page.test.ts checks the result against Intl's `es-PE` for two years of hours.
 */
export const COPY_ES_PE = {
  lang: 'es-PE',
  /** How Peruvians write the currencies (ICU's es-PE says `USD` for dollars; buyers read `US$`). */
  currency: { PEN: 'S/', USD: 'US$' },
  pageTitle: 'Tu código de pago',
  documentTitle: '{title} · {marketplace}',
  greeting: 'Hola, {firstName}:',
  intro: 'Paga en efectivo con este código de pago (CIP) para completar tu compra en {marketplace}.',
  introChoose: 'Elige cómo pagar para completar tu compra en {marketplace}.',
  /** Once the money is in, nothing is left to choose or pay: the intro says so (live, without reload). */
  introPaid: 'Tu compra en {marketplace} está pagada. No necesitas pagar de nuevo.',
  /** Paid after the deadline: the money arrived, the order is still to be confirmed (or refunded). */
  introPaidLate: 'Recibimos tu pago para {marketplace}. No necesitas pagar de nuevo.',
  /** Expired or cancelled: no code on the page can be paid any more. */
  introEnded: 'Este pedido de {marketplace} ya no se puede pagar.',
  amountLabel: 'Monto a pagar',
  conceptLabel: 'Concepto',
  cipLabel: 'Código de pago (CIP)',
  copyCip: 'Copiar CIP',
  copied: 'CIP copiado',
  barcodeLabel: 'Código de barras del CIP {cip}',
  deadlineLabel: 'Fecha límite de pago',
  deadline: 'Paga antes del {weekday} {day} de {month} a las {time}',
  /** As ICU's es-PE writes them ("setiembre" in Peru; Sunday first, as `getUTCDay()` counts; a narrow no-break space in a. m.). */
  weekdays: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
  months: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'setiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
  dayPeriods: { am: 'a.\u202fm.', pm: 'p.\u202fm.' },
  deadlineNote: 'Pasada esa hora, el código vence y tu pedido se anula.',
  countdown: 'Vence en {remaining}',
  countdownDays: '{n} d',
  countdownHours: '{n} h',
  countdownMinutes: '{n} min',
  countdownSeconds: '{n} s',
  statusLabel: 'Estado',
  status: {
    PENDING_PAYMENT: 'Pendiente de pago',
    PAID: 'Pagado',
    FULFILLED: 'Pagado',
    PAID_LATE: 'Pagado fuera de plazo',
    EXPIRED: 'Vencido',
    CANCELLED: 'Anulado',
    REFUNDED: 'Devuelto',
  },
  statusMessage: {
    PENDING_PAYMENT: 'Aún no recibimos tu pago. Esta página se actualiza sola cuando pagues.',
    PAID: '¡Listo! Recibimos tu pago. Ya no necesitas este código.',
    FULFILLED: '¡Listo! Recibimos tu pago. Ya no necesitas este código.',
    PAID_LATE:
      'Recibimos tu pago después de la fecha límite. {marketplace} se comunicará contigo para confirmar tu pedido o devolverte el dinero.',
    EXPIRED: 'Este código venció y ya no se puede pagar. Si aún quieres tu compra, genera un nuevo pedido.',
    CANCELLED: 'Este código fue anulado y ya no se puede pagar.',
    REFUNDED: 'Te devolvimos el dinero de este pago.',
  },
  howToPayTitle: '¿Dónde y cómo pagar?',
  howToPay: [
    'En efectivo, en agentes y bodegas afiliadas a PagoEfectivo: di que vas a pagar con PagoEfectivo y dicta tu CIP.',
    'En las agencias de los bancos afiliados, indicando tu CIP en ventanilla.',
    'Por banca por internet o banca móvil de tu banco: busca PagoEfectivo en pago de servicios e ingresa tu CIP.',
  ],
  whereToPayLink: 'Ver agentes, bodegas y bancos donde puedes pagar',
  cashTitle: 'Paga en efectivo',
  walletTitle: 'Paga con Yape o Plin',
  walletQrLabel: 'Código QR para pagar {amount} con Yape o Plin',
  walletScan: 'Abre Yape, Plin u otra billetera que lea códigos QR y escanea este código.',
  walletOpen: 'Pagar con Yape o Plin',
  walletOpenNote: 'Se abrirá tu billetera para que apruebes el pago.',
  /** Each way to pay, as the buyer reads it (once the order is paid, every one says "Pagado"). */
  optionStatus: {
    open: 'Pendiente de pago',
    paid: 'Pagado',
    closed: 'Anulado',
    expired: 'Vencido',
  },
  printButton: 'Guardar / imprimir',
  footer: 'Pago procesado por PagoEfectivo para {marketplace}.',
  notFoundTitle: 'Código no encontrado',
  notFoundMessage:
    'No encontramos este código de pago. Revisa que el enlace esté completo o pide uno nuevo a la tienda donde compraste.',
  loadError: 'No pudimos cargar tu código de pago. Inténtalo de nuevo en unos minutos.',
} as const;

/** The catalogue's shape with plain strings (another catalogue, or the test's markers, fits it). */
type Widen<T> = T extends string
  ? string
  : T extends readonly (infer U)[]
    ? readonly Widen<U>[]
    : { readonly [K in keyof T]: Widen<T[K]> };
export type VoucherCopy = Widen<typeof COPY_ES_PE>;

/** Fills `{name}` placeholders; a placeholder without a value is left visible (a test catches it). */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
