/*
 * What a rule's trigger provides to the templates of its messages. Every trigger declares its
 * variables here; a template is checked against the variables of the trigger it is written for
 * when it is saved (core/messaging/templates.ts), so a message never goes out with a blank where a
 * variable was misspelt. Shared by journeys (which builds the values) and messaging (which checks
 * and renders the templates), neither of which may import the other both ways.
 */

/** The loyalty programme's domain events a rule can act on (core/loyalty records them). */
export const LOYALTY_TRIGGERS = [
  'loyalty.enrolled',
  'loyalty.points_added',
  'loyalty.points_redeemed',
  'loyalty.level_changed',
  'loyalty.points_expired',
] as const;
export type LoyaltyTrigger = (typeof LOYALTY_TRIGGERS)[number];

/**
 * A survey response was stored (the Loop face's POST /responses): not a journey event of the
 * timeline, but a rule trigger. Rules on it run in the response's transaction, so the request an
 * open_request action opens is the response's own (its loopId); see journeys/feedback-rules.ts.
 */
export const FEEDBACK_TRIGGER = 'feedback.received';

/** The triggers a rule can name: journey event types of the one scheme (journeys/event-types.ts), feedback and the loyalty events. */
export const RULE_TRIGGERS = [
  'stay.registered',
  'stay.status_changed',
  'stay.updated',
  'stay.checked_in',
  'stay.room_readied',
  'stay.checked_out',
  FEEDBACK_TRIGGER,
  ...LOYALTY_TRIGGERS,
] as const;

export const isLoyaltyTrigger = (value: string): value is LoyaltyTrigger => (LOYALTY_TRIGGERS as readonly string[]).includes(value);

/** A hotel's own event word, as journeys stores it (custom.<word>), is a trigger too. */
const CUSTOM_TRIGGER = /^custom\.[a-z0-9_.:-]{1,64}$/;

export function isRuleTrigger(value: string): boolean {
  return (RULE_TRIGGERS as readonly string[]).includes(value) || CUSTOM_TRIGGER.test(value);
}

/**
 * Templates of messages that no rule sends but a command does, for the guest who asked (the
 * loyalty programme's activation, welcome and password-reset e-mails): a template trigger, not a
 * rule trigger.
 */
export const LOYALTY_EMAIL_TRIGGER = 'loyalty.email';

/** The staff e-mails (invitation, password reset), sent to staff members, not guests. */
export const STAFF_EMAIL_TRIGGER = 'staff.email';

/** The staff inbox's alerts of a guest message or request left unanswered (core/inbox/escalation.ts). */
export const INBOX_ALERT_TRIGGER = 'inbox.alert';

/** What an inbox alert provides: the conversation, how long the guest has waited, the console link. */
const INBOX_ALERT_VARIABLES = ['alert.level', 'alert.kind', 'alert.minutes', 'alert.url', 'alert.guestName', 'alert.locationName', 'recipient.name'] as const;

/** Whether a template may be written for `value`: a rule trigger or a command's message. */
export function isTemplateTrigger(value: string): boolean {
  return isRuleTrigger(value) || value === LOYALTY_EMAIL_TRIGGER || value === STAFF_EMAIL_TRIGGER || value === INBOX_ALERT_TRIGGER;
}

/** What the staff e-mails provide (links.signIn in the invitation, links.reset in the reset e-mail; else null). */
const STAFF_EMAIL_VARIABLES = [
  'staff.name',
  'staff.email',
  'staff.role',
  'account.name',
  'links.signIn',
  'links.reset',
  'links.unsubscribe',
  'email.kind',
  'email.validForMinutes',
] as const;

/** What the loyalty e-mails provide (links.reset: the password-reset page, in the reset e-mail only; else null). */
const LOYALTY_EMAIL_VARIABLES = [
  'guest.firstName',
  'guest.lastName',
  'guest.name',
  'guest.email',
  'guest.language',
  'member.signinEmail',
  'member.points',
  'member.levelPoints',
  'links.reset',
  'links.unsubscribe',
  'email.kind',
  'email.validForMinutes',
] as const;

/**
 * The variables of the loyalty triggers: the guest, and what the event moved (null where it does
 * not apply: a level change moves no points, an enrolment names no concept).
 */
const LOYALTY_RULE_VARIABLES = [
  'guest.firstName',
  'guest.lastName',
  'guest.name',
  'guest.email',
  'guest.mobile',
  'guest.language',
  'guest.vipStatus',
  'loyalty.points',
  'loyalty.levelPoints',
  'loyalty.concept',
  'loyalty.levelId',
  'loyalty.previousLevelId',
  'links.unsubscribe',
  'links.survey',
  'event.type',
  'event.occurredAt',
] as const;

/** The variables of a guest's stay, which every stay trigger provides (values may be null). */
const STAY_VARIABLES = [
  'guest.firstName',
  'guest.lastName',
  'guest.name',
  'guest.email',
  'guest.mobile',
  'guest.language',
  'guest.vipStatus',
  'stay.checkinDate',
  'stay.checkoutDate',
  'stay.room',
  'stay.bookingReference',
  'stay.status',
  'location.name',
  'links.unsubscribe',
  'links.survey',
  'event.type',
  'event.occurredAt',
] as const;

/** What a survey response provides: the guest who answered (nulls when anonymous), where, and when. */
const FEEDBACK_VARIABLES = [
  'guest.firstName',
  'guest.lastName',
  'guest.name',
  'guest.email',
  'guest.mobile',
  'guest.language',
  'guest.vipStatus',
  'location.name',
  'links.unsubscribe',
  'event.type',
  'event.occurredAt',
] as const;

/**
 * links.survey is set only by a survey_invitation action (journeys/rule-actions.ts refuses it in
 * the template of any other action, and requires it in a survey invitation's).
 */
export const SURVEY_LINK_VARIABLE = 'links.survey';

/** The variables `trigger` provides, as dotted paths; undefined for an unknown trigger. */
export function triggerVariables(trigger: string): readonly string[] | undefined {
  if (trigger === LOYALTY_EMAIL_TRIGGER) return LOYALTY_EMAIL_VARIABLES;
  if (trigger === STAFF_EMAIL_TRIGGER) return STAFF_EMAIL_VARIABLES;
  if (trigger === INBOX_ALERT_TRIGGER) return INBOX_ALERT_VARIABLES;
  if (!isRuleTrigger(trigger)) return undefined;
  if (trigger === FEEDBACK_TRIGGER) return FEEDBACK_VARIABLES;
  return isLoyaltyTrigger(trigger) ? LOYALTY_RULE_VARIABLES : STAY_VARIABLES;
}
