import type { Db } from '../../db/database.js';
import { listTemplates, saveTemplate } from '../messaging/templates.js';
import { INBOX_ALERT_TRIGGER } from '../shared/trigger-variables.js';

/*
 * The inbox alert as an account starts with it (English, e-mail and SMS): a template of the
 * messaging module, which the hotel edits or translates through the admin API like any other.
 * Seeding never overwrites a template the account already has.
 */

export const INBOX_ALERT_TEMPLATE = 'inbox-alert';

const SUBJECT =
  '{% if alert.level == "escalated" %}Escalated: {% endif %}a guest has waited {{ alert.minutes }} minutes{% if alert.locationName %} at {{ alert.locationName }}{% endif %}';
const EMAIL =
  '<p>Hello {{ recipient.name }},</p><p>{{ alert.guestName | default: "A guest" }} has waited {{ alert.minutes }} minutes for an answer to a {% if alert.kind == "chat" %}chat message{% else %}request{% endif %}{% if alert.locationName %} at {{ alert.locationName }}{% endif %}.</p><p><a href="{{ alert.url }}">Open it in the inbox</a></p>';
const SMS =
  '{% if alert.level == "escalated" %}Escalated: {% endif %}{{ alert.guestName | default: "A guest" }} has waited {{ alert.minutes }} min. {{ alert.url }}';

/** Saves the default alert templates the account does not have yet. */
export async function seedInboxTemplates(db: Db, accountId: number, now = Date.now()): Promise<void> {
  const have = new Set((await listTemplates(db, accountId, { name: INBOX_ALERT_TEMPLATE })).map((t) => `${t.channel}:${t.language}`));
  const base = { name: INBOX_ALERT_TEMPLATE, language: 'en', trigger: INBOX_ALERT_TRIGGER, validForMinutes: 60 };
  if (!have.has('email:en')) await saveTemplate(db, accountId, { ...base, channel: 'email', subject: SUBJECT, body: EMAIL }, now);
  if (!have.has('sms:en')) await saveTemplate(db, accountId, { ...base, channel: 'sms', body: SMS }, now);
}
