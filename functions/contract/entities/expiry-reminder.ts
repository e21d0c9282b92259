/**
 * An order's `order.expiring_soon` event for one lead time has a subject of its own: the event
 * item's existence is the "sent" mark (a conditional Put: once per order and lead).
 */
export const expiryReminderEntity = {
  subject: (orderId: string, leadMinutes: number) => `REMINDER#${orderId}#${leadMinutes}`,
  subjectPrefix: 'REMINDER#',
} as const;
