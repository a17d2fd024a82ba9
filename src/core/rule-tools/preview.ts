import type { Db } from '../../db/database.js';
import { completeSubject } from '../journeys/rule-engine.js';
import { ruleVariables, subjectLanguage } from '../journeys/rule-context.js';
import type { RuleView } from '../journeys/rules.js';
import { findGuestRow } from '../guests/guests.js';
import { languageChain, normaliseLanguage } from '../messaging/channels.js';
import { renderTemplate } from '../messaging/liquid.js';
import { renderEmail, unsubscribeUrl, type RenderedEmail } from '../messaging/render-email.js';
import { pickTemplate } from '../messaging/templates.js';
import { badRequest, notFound } from '../shared/errors.js';
import { latestStayOfGuest } from '../stays/stays.js';

/*
 * `preview`: a rule's e-mail as a given guest would get it now (their latest stay, the language
 * they would get), rendered exactly as sent but with a placeholder unsubscribe link. Sends nothing.
 */

export interface Preview extends RenderedEmail {
  to: string | null;
  language: string;
}

export async function previewRule(
  db: Db,
  accountId: number,
  rule: RuleView,
  input: { guestId: number; language?: string },
  publicUrl: string,
  now = Date.now(),
): Promise<Preview> {
  const guest = await findGuestRow(db, accountId, input.guestId);
  if (!guest) throw notFound(`guest ${input.guestId}`);
  const stay = (await latestStayOfGuest(db, accountId, guest.id)) ?? null;
  const event = {
    id: 0,
    type: rule.trigger,
    occurred_at: now,
    stay_id: stay?.id ?? null,
    location_id: stay?.location_id ?? null,
    guest_id: guest.id,
    payload: '{}',
  };
  if (rule.action.type === 'add_loyalty_points') throw badRequest(`rule ${rule.id} adds loyalty points: it has no message to preview`);
  const subject = (await completeSubject(db, accountId, { event, guest, stay }))!;
  const wanted = input.language ? normaliseLanguage(input.language) : subjectLanguage(subject);
  const languages = languageChain(wanted, rule.action.fallbackLanguage);
  const channel = rule.action.type;
  const template = await pickTemplate(db, accountId, rule.action.template, channel, languages);
  if (!template) throw badRequest(`no ${channel === 'sms' ? 'SMS' : 'e-mail'} template "${rule.action.template}" in ${languages.join(', ')}`);
  if (channel === 'sms') {
    const link = unsubscribeUrl(publicUrl, 'preview');
    const variables = ruleVariables(subject);
    const text = (await renderTemplate(template.body, { ...variables, links: { ...(variables.links as object), unsubscribe: link } })).trim();
    return { subject: '', html: '', text, unsubscribeUrl: link, to: guest.mobile, language: template.language };
  }
  const rendered = await renderEmail(template, ruleVariables(subject), unsubscribeUrl(publicUrl, 'preview'));
  return { ...rendered, to: guest.email, language: template.language };
}
