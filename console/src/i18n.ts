/**
 * The console's words, Peruvian Spanish first (the people who use it) and English for the rest of
 * the team. One catalogue per language with the same keys (TypeScript checks it); `{name}` marks
 * a value filled in by `t`.
 */
const ES_PE = {
  appName: 'Consola',
  skip: 'Saltar al contenido',
  loading: 'Cargando…',
  language: 'Idioma',
  signIn: 'Iniciar sesión',
  signOut: 'Cerrar sesión',
  signInTitle: 'Consola de la plataforma',
  signInLead: 'Inicia sesión con tu cuenta de la empresa para ver lo que necesita atención.',
  signingIn: 'Iniciando sesión…',
  sessionExpired: 'Tu sesión expiró. Vuelve a iniciar sesión: lo que escribiste se conserva.',
  signInFailed: 'No se pudo iniciar sesión: {detail}',
  menu: 'Menú',
  navHome: 'Inicio',
  navOrders: 'Pedidos',
  navAnomalies: 'Anomalías',
  navRefunds: 'Reembolsos',
  navSettlements: 'Liquidaciones',
  navPayouts: 'Pagos a vendedores',
  navRisk: 'Revisión de riesgo',
  navSellers: 'Vendedores',
  navMyAccount: 'Mi cuenta',
  notFound: 'No encontrado',
  notFoundLead: 'No existe o no tienes acceso a esto.',
  forbidden: 'No tienes permiso para esta acción.',
  unavailable: 'El servicio no responde ahora. Intenta de nuevo en unos segundos.',
  genericError: 'Algo salió mal ({status}). Intenta de nuevo.',
  retry: 'Reintentar',
  none: 'Nada pendiente.',
  more: 'Ver más',
  // Inicio
  homeTitle: 'Lo que necesita atención',
  queueAnomalies: 'Anomalías abiertas',
  queueRefunds: 'Reembolsos por aprobar',
  queuePayouts: 'Pagos por aprobar',
  queueRisk: 'Revisiones de riesgo',
  queueDiscrepancies: 'Diferencias de liquidación',
  queueUnsettled: 'Pagos sin liquidar',
  oldest: 'El más antiguo: hace {age}',
  openQueue: 'Abrir la cola',
  // Pedidos
  ordersTitle: 'Pedidos',
  searchBy: 'Buscar por',
  byReference: 'Referencia',
  byOrderId: 'Id del pedido',
  byCip: 'CIP',
  byDocument: 'Documento del comprador',
  searchValue: 'Valor a buscar',
  search: 'Buscar',
  noResults: 'Ningún pedido coincide.',
  reference: 'Referencia',
  status: 'Estado',
  amount: 'Monto',
  buyer: 'Comprador',
  created: 'Creado',
  orderTitle: 'Pedido {reference}',
  timeline: 'Línea de tiempo',
  tlCreated: 'Pedido creado',
  tlVoucher: 'CIP {cip} emitido (vence {date})',
  tlTransition: '{from} → {to} ({source})',
  tlPayment: 'Pago recibido: {amount} ({source})',
  tlRefund: 'Reembolso {id}: {amount}',
  tlSettlement: 'Liquidado el {date} (reporte {id}, línea {line})',
  tlRisk: 'Riesgo: {decision}',
  tlContested: 'El proveedor informa {amount} para la operación {operation}: pago en disputa',
  paymentContested:
    'El proveedor informó que la operación {operation} pagó {amount}, no lo registrado (anomalía {anomaly}). Mientras una anomalía de este pago siga abierta, no se puede despachar ni aceptar el pago: revisa las anomalías abiertas.',
  splits: 'Reparto',
  seller: 'Vendedor',
  fee: 'Comisión',
  ledgerLines: 'Asientos del vendedor',
  refunds: 'Reembolsos',
  requestRefund: 'Solicitar reembolso',
  orderEvents: 'Eventos enviados al marketplace',
  orderEventsLead:
    'Los intentos de entrega se guardan por endpoint, no por evento: aquí no se ven. «Reenviar» lo entrega otra vez a cada endpoint suscrito.',
  redeliver: 'Reenviar',
  // Queues and decisions
  anomaliesTitle: 'Anomalías',
  type: 'Tipo',
  detected: 'Detectada',
  detail: 'Detalle',
  resolve: 'Resolver',
  resolution: 'Qué se hizo',
  refundsTitle: 'Reembolsos',
  requestedBy: 'Solicitado por',
  reason: 'Motivo',
  approve: 'Aprobar',
  reject: 'Rechazar',
  markPaid: 'Marcar pagado',
  markFailed: 'Marcar fallido',
  transferReference: 'Referencia de la transferencia',
  paidAt: 'Fecha del pago',
  makerChecker: 'Regla de doble control: quien solicita no aprueba. Lo aprueba otra persona.',
  ownRequest: 'Tú lo solicitaste: debe aprobarlo otra persona.',
  othersDecide: 'Aprobar, rechazar y registrar el pago lo hace finanzas.',
  payoutsTitle: 'Pagos a vendedores',
  payoutMakerChecker:
    'Regla de doble control: aprueba otra persona que quien lo solicitó y que quien registró la cuenta bancaria.',
  riskTitle: 'Revisión de riesgo',
  rules: 'Reglas',
  note: 'Nota',
  riskRule: 'Aprobar permite entregar el pedido; rechazar lo anula y elimina su CIP.',
  settlementsTitle: 'Liquidaciones',
  upload: 'Subir reporte',
  reportFile: 'Archivo del reporte (CSV o XLSX)',
  settledOn: 'Liquidado el',
  lines: 'Líneas',
  outcome: 'Resultado',
  downloadCsv: 'Descargar CSV',
  settlementTitle: 'Liquidación {id}',
  // Vendedores
  sellersTitle: 'Vendedores',
  sellerId: 'Id del vendedor',
  open: 'Abrir',
  sellerTitle: 'Vendedor {id}',
  balance: 'Saldo',
  currency: 'Moneda',
  pending: 'Pendiente',
  available: 'Disponible',
  reserved: 'Reservado para reembolsos',
  inTransit: 'En tránsito',
  paidOut: 'Pagado',
  nextPayout: 'Próximo pago: {date}, aprox. {amount}',
  ledger: 'Movimientos',
  payouts: 'Pagos',
  bankAccount: 'Cuenta bancaria',
  noBankAccount: 'Sin cuenta bancaria registrada.',
  holder: 'Titular',
  coolingOff: 'En periodo de enfriamiento hasta {date}: no recibe pagos antes.',
  coolingOffDone: 'Activa desde {date}.',
  date: 'Fecha',
  actions: 'Acciones',
  submit: 'Enviar',
  cancel: 'Cancelar',
  done: 'Listo.',
  // Problems
  fieldErrors: 'Revisa los campos marcados.',
  listedErrors: 'Corrige esto y vuelve a enviar:',
  atLine: 'Línea {line}',
  atLineColumn: 'Línea {line}, columna {column}',
  wholeFile: 'El archivo',
  required: 'Este campo es obligatorio.',
  invalidValue: 'Valor no válido.',
  tooShort: 'Escribe al menos {min} caracteres.',
  raceLost: 'Otra persona actuó primero.',
  conflict: 'No se pudo: {detail}',
  nowStatus: 'Ahora está en estado {status}.',
} as const;

export type MessageKey = keyof typeof ES_PE;
type Catalogue = Record<MessageKey, string>;

const EN: Catalogue = {
  appName: 'Console',
  skip: 'Skip to content',
  loading: 'Loading…',
  language: 'Language',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInTitle: 'Platform console',
  signInLead: 'Sign in with your company account to see what needs attention.',
  signingIn: 'Signing in…',
  sessionExpired: 'Your session expired. Sign in again: what you typed is kept.',
  signInFailed: 'Could not sign in: {detail}',
  menu: 'Menu',
  navHome: 'Home',
  navOrders: 'Orders',
  navAnomalies: 'Anomalies',
  navRefunds: 'Refunds',
  navSettlements: 'Settlements',
  navPayouts: 'Seller payouts',
  navRisk: 'Risk review',
  navSellers: 'Sellers',
  navMyAccount: 'My account',
  notFound: 'Not found',
  notFoundLead: 'It does not exist or you have no access to it.',
  forbidden: 'You are not allowed to do this.',
  unavailable: 'The service is not answering right now. Try again in a few seconds.',
  genericError: 'Something went wrong ({status}). Try again.',
  retry: 'Retry',
  none: 'Nothing waiting.',
  more: 'Show more',
  homeTitle: 'What needs attention',
  queueAnomalies: 'Open anomalies',
  queueRefunds: 'Refunds awaiting approval',
  queuePayouts: 'Payouts awaiting approval',
  queueRisk: 'Risk reviews',
  queueDiscrepancies: 'Settlement discrepancies',
  queueUnsettled: 'Unsettled payments',
  oldest: 'Oldest: {age} ago',
  openQueue: 'Open the queue',
  ordersTitle: 'Orders',
  searchBy: 'Search by',
  byReference: 'Reference',
  byOrderId: 'Order id',
  byCip: 'CIP',
  byDocument: "Buyer's document",
  searchValue: 'Value to search',
  search: 'Search',
  noResults: 'No order matches.',
  reference: 'Reference',
  status: 'Status',
  amount: 'Amount',
  buyer: 'Buyer',
  created: 'Created',
  orderTitle: 'Order {reference}',
  timeline: 'Timeline',
  tlCreated: 'Order created',
  tlVoucher: 'CIP {cip} issued (due {date})',
  tlTransition: '{from} → {to} ({source})',
  tlPayment: 'Payment received: {amount} ({source})',
  tlRefund: 'Refund {id}: {amount}',
  tlSettlement: 'Settled on {date} (report {id}, line {line})',
  tlRisk: 'Risk: {decision}',
  tlContested: 'The provider reports {amount} for operation {operation}: payment contested',
  paymentContested:
    'The provider reported that operation {operation} paid {amount}, not what was booked (anomaly {anomaly}). While an anomaly of this payment is open, the order can be neither shipped nor its payment accepted: check the open anomalies.',
  splits: 'Splits',
  seller: 'Seller',
  fee: 'Fee',
  ledgerLines: "Seller's ledger lines",
  refunds: 'Refunds',
  requestRefund: 'Request a refund',
  orderEvents: 'Events sent to the marketplace',
  orderEventsLead:
    'Delivery attempts are kept per endpoint, not per event: they are not shown here. "Redeliver" delivers it again to every subscribed endpoint.',
  redeliver: 'Redeliver',
  anomaliesTitle: 'Anomalies',
  type: 'Type',
  detected: 'Detected',
  detail: 'Detail',
  resolve: 'Resolve',
  resolution: 'What was done',
  refundsTitle: 'Refunds',
  requestedBy: 'Requested by',
  reason: 'Reason',
  approve: 'Approve',
  reject: 'Reject',
  markPaid: 'Mark paid',
  markFailed: 'Mark failed',
  transferReference: 'Transfer reference',
  paidAt: 'Paid on',
  makerChecker: 'Maker-checker: whoever requests does not approve. Another person approves.',
  ownRequest: 'You requested it: another person must approve it.',
  othersDecide: 'Approving, rejecting and recording the transfer is done by finance.',
  payoutsTitle: 'Seller payouts',
  payoutMakerChecker:
    'Maker-checker: approved by someone other than the requester and whoever set the bank account.',
  riskTitle: 'Risk review',
  rules: 'Rules',
  note: 'Note',
  riskRule: 'Approving lets the order be fulfilled; rejecting cancels it and deletes its CIP.',
  settlementsTitle: 'Settlements',
  upload: 'Upload report',
  reportFile: 'Report file (CSV or XLSX)',
  settledOn: 'Settled on',
  lines: 'Lines',
  outcome: 'Outcome',
  downloadCsv: 'Download CSV',
  settlementTitle: 'Settlement {id}',
  sellersTitle: 'Sellers',
  sellerId: 'Seller id',
  open: 'Open',
  sellerTitle: 'Seller {id}',
  balance: 'Balance',
  currency: 'Currency',
  pending: 'Pending',
  available: 'Available',
  reserved: 'Reserved for refunds',
  inTransit: 'In transit',
  paidOut: 'Paid out',
  nextPayout: 'Next payout: {date}, about {amount}',
  ledger: 'Ledger',
  payouts: 'Payouts',
  bankAccount: 'Bank account',
  noBankAccount: 'No bank account on file.',
  holder: 'Holder',
  coolingOff: 'Cooling off until {date}: no payout before then.',
  coolingOffDone: 'Active since {date}.',
  date: 'Date',
  actions: 'Actions',
  submit: 'Submit',
  cancel: 'Cancel',
  done: 'Done.',
  fieldErrors: 'Check the marked fields.',
  listedErrors: 'Fix these and send again:',
  atLine: 'Line {line}',
  atLineColumn: 'Line {line}, column {column}',
  wholeFile: 'The file',
  required: 'This field is required.',
  invalidValue: 'Invalid value.',
  tooShort: 'Write at least {min} characters.',
  raceLost: 'Someone else acted first.',
  conflict: 'Could not do it: {detail}',
  nowStatus: 'It is now {status}.',
};

/** Status and type labels: the API's codes, in each language. */
const LABELS_ES: Record<string, string> = {
  PENDING_PAYMENT: 'Pendiente de pago',
  PAID: 'Pagado',
  FULFILLED: 'Entregado',
  EXPIRED: 'Vencido',
  CANCELLED: 'Anulado',
  PAID_LATE: 'Pagado tarde',
  REFUNDED: 'Reembolsado',
  REQUESTED: 'Solicitado',
  APPROVED: 'Aprobado',
  PAID_OUT: 'Pagado',
  REJECTED: 'Rechazado',
  FAILED: 'Fallido',
  IMPORTING: 'Importando',
  COMPLETED: 'Completado',
  matched: 'Conciliada',
  amount_mismatch: 'Monto distinto',
  currency_mismatch: 'Moneda distinta',
  unknown_payment: 'Pago desconocido',
  duplicate_line: 'Línea duplicada',
  refunded_before_settlement: 'Reembolsado antes de liquidar',
  commission_mismatch: 'Comisión distinta',
  missing_notification: 'Notificación faltante',
  invalid_line: 'Línea ilegible',
  unknown_cip: 'CIP desconocido',
  duplicate_payment: 'Pago duplicado',
  orphan_voucher_paid: 'CIP huérfano pagado',
  provider_mismatch: 'Proveedor distinto',
  implausible_payment_date: 'Fecha de pago imposible',
  unknown_event_type: 'Evento desconocido',
  unparsable_notification: 'Notificación ilegible',
  unknown_wallet_order: 'Orden de billetera desconocida',
  double_payment: 'Pago doble',
  payment_date_disagrees: 'Fecha de pago en disputa',
  settlement_amount_mismatch: 'Liquidación: monto distinto',
  settlement_currency_mismatch: 'Liquidación: moneda distinta',
  settlement_unknown_payment: 'Liquidación: pago desconocido',
  settlement_duplicate_line: 'Liquidación: línea duplicada',
  unsettled_payment: 'Pago sin liquidar',
  return: 'Devolución',
  cancelled_after_payment: 'Anulado tras el pago',
  overpayment: 'Pago en exceso',
  late_payment: 'Pago tardío',
  other: 'Otro motivo',
  flagged: 'Marcado para revisión',
  approved: 'Aprobado',
  rejected: 'Rechazado',
  api: 'API',
  webhook: 'notificación',
  poll: 'consulta al PSP',
  expiry: 'vencimiento',
  settlement: 'liquidación',
};

const CATALOGUES = { 'es-PE': ES_PE as Catalogue, en: EN } as const;
export type Locale = keyof typeof CATALOGUES;
export const LOCALES: Locale[] = ['es-PE', 'en'];

let locale: Locale = readLocale();

function readLocale(): Locale {
  try {
    const saved = localStorage.getItem('console.locale');
    return saved === 'en' ? 'en' : 'es-PE';
  } catch {
    return 'es-PE';
  }
}

export function currentLocale(): Locale {
  return locale;
}

export function setLocale(next: Locale): void {
  locale = next;
  try {
    localStorage.setItem('console.locale', next);
  } catch {
    // Private mode: the choice lasts this page only.
  }
  document.documentElement.lang = next;
}

export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A status, outcome or type code as a person reads it (English shows the code itself, tidied). */
export function label(code: string): string {
  if (locale === 'es-PE') return LABELS_ES[code] ?? code;
  return code.replaceAll('_', ' ').toLowerCase();
}

/**
 * The API's field messages are English sentences; the common ones in Spanish, the rest under a
 * generic Spanish line with the original kept for the curious.
 */
const API_MESSAGES_ES: [RegExp, string][] = [
  [/^A CCI has exactly 20 digits/, 'Un CCI tiene exactamente 20 dígitos.'],
  [/check digit/i, 'Los dígitos de control no cuadran.'],
  [/^Use 4-14 letters or digits/, 'Usa de 4 a 14 letras o dígitos.'],
  [/^Too small: expected string to have >=(\d+)/, 'Escribe al menos $1 caracteres.'],
  [/^Too big: expected string to have <=(\d+)/, 'Escribe como máximo $1 caracteres.'],
  [/^Invalid input: expected (string|number), received undefined/, 'Este campo es obligatorio.'],
  [/^Invalid ISO datetime|^Invalid datetime/, 'Fecha y hora no válidas.'],
  [/^Use integer minor units/, 'Usa céntimos enteros.'],
  [/^Too small: expected number to be >0/, 'Debe ser mayor que cero.'],
  [/^Invalid option/, 'Elige una de las opciones.'],
  [/^Name the anomaly/, 'Indica la anomalía que tiene el dinero extra.'],
  [/control characters/i, 'Quita los caracteres de control.'],
];

export function apiMessage(message: string): string {
  if (locale !== 'es-PE') return message;
  for (const [pattern, spanish] of API_MESSAGES_ES) {
    const match = pattern.exec(message);
    if (match) return spanish.replace('$1', match[1] ?? '');
  }
  return `${t('invalidValue')} (${message})`;
}

/**
 * What an `errors[].field` the form has no field for names, as a person reads it. A settlement
 * report's lines come as `line N: Column` (the column by its header, `*` for the whole line, line 0
 * for the whole file); anything else is shown as the API wrote it, never dropped.
 */
export function apiField(field: string): string {
  const line = /^line (\d+): (.*)$/.exec(field);
  if (!line) return field;
  const [, number = '', column = ''] = line;
  if (number === '0') return t('wholeFile');
  return column === '*' || column === ''
    ? t('atLine', { line: number })
    : t('atLineColumn', { line: number, column });
}
