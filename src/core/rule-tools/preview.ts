import type { Db } from '../../db/database.js';
import { completeSubject } from '../journeys/rule-engine.js';
import { getAccount } from '../accounts/accounts.js';
import { surveyLinkFor } from '../journeys/fire-rules.js';
import { actionChannel, describeAction } from '../journeys/rule-actions.js';
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
  const channel = actionChannel(rule.action);
  if (!channel) throw badRequest(`rule ${rule.id} does not send a message (it will ${describeAction(rule.action)}): nothing to preview`);
  const action = rule.action as Extract<RuleView['action'], { template: string }>;
  const subject = (await completeSubject(db, accountId, { event, guest, stay }))!;
  const wanted = input.language ? normaliseLanguage(input.language) : subjectLanguage(subject);
  const languages = languageChain(wanted, action.fallbackLanguage);
  const template = await pickTemplate(db, accountId, action.template, channel, languages);
  if (!template) throw badRequest(`no ${{ email: 'e-mail', sms: 'SMS', chat: 'chat' }[channel]} template "${action.template}" in ${languages.join(', ')}`);
  const variables = ruleVariables(subject);
  if (action.type === 'survey_invitation') {
    const path = surveyLinkFor(await getAccount(db, accountId), action, rule.trigger, subject);
    variables.links = { ...(variables.links as object), survey: `${publicUrl.replace(/\/+$/, '')}${path}` };
  }
  if (channel !== 'email') {
    const link = unsubscribeUrl(publicUrl, 'preview');
    const text = (await renderTemplate(template.body, { ...variables, links: { ...(variables.links as object), unsubscribe: link } })).trim();
    return { subject: '', html: '', text, unsubscribeUrl: link, to: channel === 'sms' ? guest.mobile : 'chat', language: template.language };
  }
  const rendered = await renderEmail(template, variables, unsubscribeUrl(publicUrl, 'preview'));
  return { ...rendered, to: guest.email, language: template.language };
}
