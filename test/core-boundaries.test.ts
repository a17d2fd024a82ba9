import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyTypeOfLoopWord, loopWordOfJourneyType } from '../src/api/loop-v1/journey-event-words.js';
import { accountSettings, createAccount, getAccount, updateAccountSettings } from '../src/core/accounts/accounts.js';
import { createOauthClient } from '../src/core/accounts/oauth.js';
import { createAnswerDocument } from '../src/core/feedback/answer-documents.js';
import { setLocationDefaultEvaluation } from '../src/core/feedback/default-evaluation.js';
import { createEvaluation, deleteEvaluation } from '../src/core/feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees } from '../src/core/feedback/question-sets.js';
import { createGuest } from '../src/core/guests/guests.js';
import { isJourneyEventType } from '../src/core/journeys/event-types.js';
import { recordJourneyEvent } from '../src/core/journeys/journey-events.js';
import { createLocation, findLocation, updateLocation } from '../src/core/locations/locations.js';
import { createLoopType } from '../src/core/locations/loop-types.js';
import { findLoop } from '../src/core/requests/loops.js';
import { runFeedbackRules } from '../src/core/journeys/feedback-rules.js';
import { ensureDefaultRules, updateSettingsAndRules } from '../src/core/journeys/default-rules.js';
import { registerGuestStay } from '../src/core/stay-registration/register-guest-stay.js';
import { listStayCallbacks } from '../src/core/stays/stay-callbacks.js';
import { createSecretBox } from '../src/core/shared/secret-box.js';
import { findStayByLinkToken } from '../src/core/stays/stay-links.js';
import type { Db } from '../src/db/database.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/database.js';
import { writeContext } from '../src/core/shared/write-context.js';

const secrets = createSecretBox({ current: Buffer.alloc(32, 3) });

/* The rules that faces used to hold, now core's: each exercised through core alone. */

describe.each(dialects())('core boundaries on %s', (dialect) => {
  let t: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.destroy());

  const inTransaction = <T>(work: (trx: Db) => Promise<T>) => t.db.transaction().execute(work);
  const account = async () => (await createAccount(t.db, `boundaries-${++n}`)).id;

  it('a response loop type must name one of the account loop types', async () => {
    const accountId = await account();
    await expect(updateAccountSettings(t.db, accountId, { responseLoopType: 'feedback' })).rejects.toMatchObject({
      status: 400,
      message: 'settings.responseLoopType: no loop type with shortcode "feedback"',
    });
    await createLoopType(t.db, accountId, 'feedback', { en: 'Feedback' });
    expect(await updateAccountSettings(t.db, accountId, { responseLoopType: ' feedback ' })).toEqual({ responseLoopType: 'feedback' });
  });

  it('a location that contains others stays a chain', async () => {
    const accountId = await account();
    const chain = await createLocation(t.db, accountId, { title: { en: 'Chain' }, kind: 'chain' });
    await createLocation(t.db, accountId, { title: { en: 'Member' }, parentId: chain.id });
    await expect(updateLocation(t.db, accountId, chain.id, { kind: 'location' })).rejects.toMatchObject({
      status: 400,
      message: `location ${chain.id} contains 1 location(s); it must stay a chain`,
    });
    const empty = await createLocation(t.db, accountId, { title: { en: 'Empty chain' }, kind: 'chain' });
    expect((await updateLocation(t.db, accountId, empty.id, { kind: 'location' })).kind).toBe('location');
  });

  it('deleting a survey clears the locations that used it by default', async () => {
    const accountId = await account();
    const hotel = await createLocation(t.db, accountId, { title: { en: 'Hotel' } });
    const sections = [{ questions: [{ type: 'text' as const, title: { en: 'Anything else?' } }] }];
    const survey = await inTransaction((trx) => createEvaluation(trx, accountId, { name: 'Stay', sections }));
    await setLocationDefaultEvaluation(t.db, accountId, hotel.id, survey.id);
    await expect(setLocationDefaultEvaluation(t.db, accountId, hotel.id, survey.id + 1000)).rejects.toMatchObject({ status: 400 });
    await inTransaction((trx) => deleteEvaluation(trx, accountId, survey.id));
    expect((await findLocation(t.db, accountId, hotel.id))?.default_evaluation_id).toBeNull();
  });

  it('a survey response opens a follow-up loop only when the account says so, of the chosen type', async () => {
    const accountId = await account();
    const hotel = await createLocation(t.db, accountId, { title: { en: 'Hotel' } });
    await createLoopType(t.db, accountId, 'feedback', { en: 'Feedback' });
    const concierge = await createLoopType(t.db, accountId, 'concierge', { en: 'Concierge' });
    const sections = [{ questions: [{ type: 'text' as const, title: { en: 'Anything else?' } }] }];
    const survey = await inTransaction((trx) => createEvaluation(trx, accountId, { name: 'Kiosk', sections, locationIds: [hotel.id] }));
    const [tree] = await loadQuestionSetTrees(t.db, accountId, [(await currentQuestionSet(t.db, accountId, survey.id))!]);
    const questionId = tree.sections[0].questions[0].id;
    const guest = await createGuest(writeContext(t.db, accountId), { name: 'Ada', email: 'ada@example.test' });
    const respond = () =>
      inTransaction(async (trx) => {
        const { document } = await createAnswerDocument(writeContext(trx, accountId), {
          locationId: hotel.id,
          source: 'public',
          channel: 'kiosk',
          answers: [{ questionId, text: 'More towels' }],
        });
        return runFeedbackRules(writeContext(trx, accountId), {
          locationId: hotel.id,
          answerDocumentId: document.id,
          guestId: guest.id,
          channel: 'kiosk',
          texts: ['More towels', null],
        });
      });

    await ensureDefaultRules(t.db, accountId);
    expect(await respond()).toBeUndefined();
    await inTransaction((trx) => updateSettingsAndRules(trx, accountId, { responsesCreateLoops: true, responseLoopType: 'concierge' }));
    expect(accountSettings(await getAccount(t.db, accountId)).responsesCreateLoops).toBe(true);
    const loop = (await respond())!;
    expect(loop).toMatchObject({
      loop_type_id: concierge.id,
      title: 'Survey response',
      description: 'More towels',
      source: 'kiosk',
      creator_guest_id: guest.id,
    });
    expect((await findLoop(t.db, accountId, loop.id))?.activities.map((a) => a.type)).toEqual(['open']);
  });

  it('registers a guest stay with its callback, guest link and chat session in one call', async () => {
    const accountId = await account();
    const unit = await createLocation(t.db, accountId, { title: { en: 'Sea Hotel' } });
    const { client } = await createOauthClient(t.db, accountId, { scopes: ['basic'] }, ['basic']);
    const registration = { status: 'prestay' as const, name: 'Simon', email: 'simon@example.test', bookingReference: 'B-1' };
    const callback = { url: 'https://pms.example.test/stay', auth: 'bearer' as const, authToken: 'secret' };
    const first = await inTransaction((trx) =>
      registerGuestStay(writeContext(trx, accountId), unit.id, registration, { clientId: client.id, callback, withChat: true, source: 'test' }, secrets),
    );
    expect(first.stay).toMatchObject({ location_id: unit.id, booking_reference: 'B-1', source: 'test' });
    expect((await findStayByLinkToken(t.db, first.link.token))?.id).toBe(first.stay.id);
    expect(await listStayCallbacks(t.db, secrets, accountId, first.stay.id)).toEqual([{ clientId: client.id, ...callback }]);
    expect(first.session?.guest_id).toBe(first.guest.id);

    const again = await inTransaction((trx) =>
      registerGuestStay(
        writeContext(trx, accountId),
        unit.id,
        { ...registration, status: 'instay' },
        { clientId: client.id, callback: null, withChat: false, source: 'test' },
        secrets,
      ),
    );
    expect(again.stay.id).toBe(first.stay.id);
    expect(again.link.token).not.toBe(first.link.token);
    expect(again.session).toBeUndefined();
    expect(await listStayCallbacks(t.db, secrets, accountId, first.stay.id)).toEqual([]);
  });

  it('writes only journey event types of the one scheme', async () => {
    const accountId = await account();
    const guest = await createGuest(writeContext(t.db, accountId), { name: 'Jo' });
    await expect(recordJourneyEvent(writeContext(t.db, accountId), { guestId: guest.id, type: 'checkin' as never, source: 'test' })).rejects.toThrow(
      /not of the scheme/,
    );
    const event = await recordJourneyEvent(writeContext(t.db, accountId), { guestId: guest.id, type: 'stay.checked_in', source: 'test' });
    expect(event.type).toBe('stay.checked_in');
  });
});

describe('the Loop face journey event words', () => {
  it('stand for journey event types, and are presented back as sent', () => {
    expect(['checkin', 'RoomReady', ' checkout '].map(journeyTypeOfLoopWord)).toEqual(['stay.checked_in', 'stay.room_readied', 'stay.checked_out']);
    expect(journeyTypeOfLoopWord('Spa-Booked')).toBe('custom.spa-booked');
    for (const word of ['checkin', 'roomready', 'checkout', 'spa-booked', 'stay.registered']) {
      const type = journeyTypeOfLoopWord(word);
      expect(isJourneyEventType(type)).toBe(true);
      expect(loopWordOfJourneyType(type)).toBe(word);
    }
    expect(loopWordOfJourneyType('stay.registered')).toBe('stay.registered');
  });
});
