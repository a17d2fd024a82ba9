/*
 * The neutral vocabulary of domain events: every face translates its wire words to these, and
 * webhooks, stay callbacks (and later rules and the console) read the same events.
 */
export const EVENT_TYPES = [
  'guest.created',
  'guest.updated',
  'guest.merged',
  // A guest's personal data was erased (a data-subject request): the guest id and what was removed.
  'guest.erased',
  'stay.registered',
  'stay.status_changed',
  'journey.event',
  'request.opened',
  'request.updated',
  'feedback.received',
  'chat.message',
  'loyalty.enrolled',
  'loyalty.points_added',
  'loyalty.points_redeemed',
  'loyalty.level_changed',
  'loyalty.points_expired',
  // An e-mail of the loyalty programme (activation, welcome, password reset) was asked for: the
  // message it queued (messaging module, transactional), or why none was.
  'loyalty.email_requested',
  // A journey rule's webhook action fired (journeys/fire-rules.ts): sent to the subscription the
  // rule names, whatever its events; a subscription with only this type receives rule calls only.
  'rule.webhook',
  // A bulk import ended (its counts): one event for the whole import, none per imported row.
  'import.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The type of the test event POST /admin/v1/webhooks/{id}/test sends (not a domain event). */
export const TEST_EVENT_TYPE = 'webhook.test';

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
