import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { createAnswerDocument, type AnswerInput, type FeedbackSource } from '../feedback/answer-documents.js';
import { addDays, utcDay } from '../feedback/dates.js';
import { createEvaluation, findEvaluationByShortcode, updateEvaluation } from '../feedback/evaluations.js';
import { currentQuestionSet, loadQuestionSetTrees, type SectionDefinition } from '../feedback/question-sets.js';
import { setLocationDefaultEvaluation } from '../feedback/default-evaluation.js';
import { createLocation, findLocationByShortcode, type LocationInput } from '../locations/locations.js';
import { createCompetitiveSet, listCompetitiveSets } from '../locations/competitive-sets.js';
import { createReviewQuestion, listReviewQuestions } from '../reputation/review-questions.js';
import { upsertReviews, type ReviewInput } from '../reputation/reviews.js';
import { upsertSnapshots, type SnapshotInput } from '../reputation/snapshots.js';
import * as data from './loopon-demo-data.js';
import { seedDemoChatStay } from './seed-loopon-demo-stay.js';
import { writeContext } from '../shared/write-context.js';

/** A small deterministic random source, so every demo holds the same data. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LooponDemo {
  /** the "Sea Hotels" chain: the demo's Loopon client is granted it, so it sees the spec's five units */
  chainId: number;
  /** unit id by unit name */
  byName: Record<string, number>;
  /** our unit id by the id the Loopon document uses in its examples */
  byExampleId: Record<string, number>;
  /** a stay at Sea Hotel Kattegat whose guest chatted with the hotel: GET .../stays/{stayId}/events has data */
  chatStay: { unitId: number; stayId: number };
}

async function ensureLocation(db: Db, accountId: number, input: LocationInput & { shortcode: string }): Promise<Location> {
  return (await findLocationByShortcode(db, accountId, input.shortcode)) ?? (await createLocation(db, accountId, input));
}

/**
 * Fills the demo account with the Loopon example chain and enough history for every Loopon
 * example to return data: answers in 2017, early May 2019 and the last 90 days (some received today),
 * reviews, daily reputation with a competitive set. Idempotent: history is written once.
 */
export async function seedLooponDemo(db: Db, accountId: number, today = utcDay(Date.now())): Promise<LooponDemo> {
  const chain = await ensureLocation(db, accountId, { ...data.SEA_CHAIN, kind: 'chain' });
  const hotels: Location[] = [];
  for (const u of data.SEA_UNITS) hotels.push(await ensureLocation(db, accountId, { ...u, parentId: chain.id }));
  const restaurant = await ensureLocation(db, accountId, { ...data.SEA_RESTAURANT, parentId: chain.id });
  const competitors: Location[] = [];
  for (const c of data.COMPETITORS) competitors.push(await ensureLocation(db, accountId, { ...c, kind: 'competitor' }));

  let hotelSurvey = await findEvaluationByShortcode(db, accountId, data.HOTEL_SURVEY.shortcode);
  const fresh = !hotelSurvey;
  // The surveys exist from before the first answers they collect (2017).
  const surveysCreated = Date.parse('2016-12-01T09:00:00Z');
  if (!hotelSurvey) hotelSurvey = await createEvaluation(db, accountId, { ...data.HOTEL_SURVEY, locationIds: hotels.map((h) => h.id), at: surveysCreated });
  const restaurantSurvey =
    (await findEvaluationByShortcode(db, accountId, data.RESTAURANT_SURVEY.shortcode)) ??
    (await createEvaluation(db, accountId, { ...data.RESTAURANT_SURVEY, locationIds: [restaurant.id], at: surveysCreated }));
  for (const unit of [chain, ...hotels]) await setLocationDefaultEvaluation(db, accountId, unit.id, hotelSurvey.id);
  await setLocationDefaultEvaluation(db, accountId, restaurant.id, restaurantSurvey.id);

  const units = {
    chainId: chain.id,
    byName: Object.fromEntries([chain, ...hotels, restaurant].map((u) => [JSON.parse(u.title).en as string, u.id])),
    byExampleId: {
      [data.SEA_CHAIN.exampleId]: chain.id,
      ...Object.fromEntries(data.SEA_UNITS.map((u, i) => [u.exampleId, hotels[i].id])),
      [data.SEA_RESTAURANT.exampleId]: restaurant.id,
    },
  };
  const kattegat = hotels[1];
  const chatStay = { unitId: kattegat.id, stayId: await seedDemoChatStay(db, accountId, kattegat.id, today) };
  if (!fresh) return { ...units, chatStay };

  const rnd = random(1203);
  // 2017 history on the survey's first version, then the survey changes and recent answers use the second.
  for (const hotel of hotels) await seedAnswers(db, accountId, hotel.id, hotelSurvey.id, rnd, '2017-01-01', 365, 120, 0);
  await seedAnswers(db, accountId, restaurant.id, restaurantSurvey.id, rnd, '2017-01-01', 365, 30, 0);
  // The answer-documents example asks for checkouts on 2019-05-01 and 2019-05-02.
  for (const hotel of hotels) await seedAnswers(db, accountId, hotel.id, hotelSurvey.id, rnd, '2019-05-01', 2, 4, 0);
  const v2: SectionDefinition[] = [
    data.HOTEL_SURVEY.sections[0],
    { ...data.HOTEL_SURVEY.sections[1], questions: [...data.HOTEL_SURVEY.sections[1].questions, data.HOTEL_SURVEY_V2_EXTRA] },
  ];
  // The second version took effect just before the recent answers that use it.
  await updateEvaluation(db, accountId, hotelSurvey.id, { sections: v2, at: Date.parse(`${addDays(today, -91)}T09:00:00Z`) });
  for (const hotel of hotels) await seedAnswers(db, accountId, hotel.id, hotelSurvey.id, rnd, addDays(today, -90), 90, 90, 4);
  await seedAnswers(db, accountId, restaurant.id, restaurantSurvey.id, rnd, addDays(today, -90), 90, 25, 2);

  await seedReputation(db, accountId, hotels, competitors, rnd, today);
  return { ...units, chatStay };
}

async function seedAnswers(
  db: Db,
  accountId: number,
  locationId: number,
  evaluationId: number,
  rnd: () => number,
  from: string,
  days: number,
  count: number,
  receivedToday: number,
) {
  const set = await currentQuestionSet(db, accountId, evaluationId);
  const [tree] = await loadQuestionSetTrees(db, accountId, set ? [set] : []);
  const questions = tree.sections.flatMap((s) => s.questions);
  const names = ['Anna Lind', 'Erik Berg', 'Maja Holm', 'Oskar Ek', 'Sara Nyström', 'Johan Sjöberg', 'Elin Wall', 'Lars Dahl'];
  for (let i = 0; i < count + receivedToday; i++) {
    const isToday = i >= count;
    const checkout = isToday ? addDays(from, days - 1) : addDays(from, Math.floor(rnd() * days));
    const roll = rnd();
    const source: FeedbackSource = roll < 0.8 ? 'poststay' : roll < 0.9 ? 'public' : roll < 0.95 ? 'manual' : 'reputation';
    const mood = Math.sqrt(rnd()); // one guest's mood drives all their answers; most guests are content
    const answers: AnswerInput[] = [];
    for (const q of questions) {
      if (q.type === 'text') {
        if (rnd() < 0.4) answers.push({ questionId: q.id, text: data.COMMENTS[Math.floor(rnd() * data.COMMENTS.length)] });
        continue;
      }
      const options = q.options;
      const pick = Math.min(options.length - 1, Math.max(0, Math.round((0.45 + 0.55 * mood) * (options.length - 1) + (rnd() - 0.5) * 2)));
      answers.push({ questionId: q.id, optionId: options[pick].id });
    }
    const name = names[Math.floor(rnd() * names.length)];
    // Answers come in a few days after checkout, but never later than now.
    const answeredAt = Date.parse(`${addDays(checkout, 1 + Math.floor(rnd() * 5))}T10:00:00Z`);
    const receivedAt = isToday ? Date.now() - Math.floor(rnd() * 6 * 3600_000) : Math.min(answeredAt, Date.now() - 3600_000);
    await createAnswerDocument(writeContext(db, accountId), {
      locationId,
      source,
      reputationSource: source === 'reputation' ? (rnd() < 0.5 ? 'tripadvisor' : 'booking.com') : null,
      status: 'answered',
      retention: rnd() < 0.1 ? 'anonymous' : 'untilFurtherNotice',
      guestName: name,
      guestEmail: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.se`,
      reservation: `SEA-${100000 + Math.floor(rnd() * 900000)}`,
      checkinDate: addDays(checkout, -1 - Math.floor(rnd() * 4)),
      checkoutDate: checkout,
      sentAt: Math.min(Date.parse(`${checkout}T18:00:00Z`), receivedAt),
      receivedAt,
      updatedAt: receivedAt,
      answers,
    });
  }
}

async function seedReputation(db: Db, accountId: number, hotels: Location[], competitors: Location[], rnd: () => number, today: string) {
  if ((await listReviewQuestions(db, accountId)).length === 0) {
    for (const q of data.REVIEW_QUESTIONS) await createReviewQuestion(db, accountId, q);
  }
  const questions = await listReviewQuestions(db, accountId);
  const reviews: ReviewInput[] = [];
  for (const hotel of hotels) {
    for (let i = 0; i < 60; i++) {
      const recent = i >= 30;
      const reviewDate = recent ? addDays(today, -Math.floor(rnd() * 60)) : addDays('2017-01-01', Math.floor(rnd() * 365));
      const channel = data.CHANNELS[Math.floor(rnd() * data.CHANNELS.length)];
      const normalized = Math.round((0.5 + rnd() * 0.5) * 100) / 100;
      reviews.push({
        locationId: hotel.id,
        channel: channel.name,
        externalId: `${hotel.property_code}-${i}`,
        reviewDate,
        stayDate: `${addDays(reviewDate, -10).slice(0, 7)}-01`,
        language: rnd() < 0.7 ? 'sv' : 'en',
        title: rnd() < 0.5 ? 'Great stay' : 'Nice hotel by the sea',
        text: data.COMMENTS[Math.floor(rnd() * data.COMMENTS.length)],
        rating: Math.round(normalized * channel.scale * 10) / 10,
        normalizedRating: normalized,
        respondable: channel.name !== 'expedia',
        managementResponseDate: rnd() < 0.4 ? addDays(reviewDate, 2) : null,
        travelComposition: ['Business', 'Couple', 'Family', 'Friends', 'Solo'][Math.floor(rnd() * 5)],
        ratings: questions.map((q) => {
          if (q.answer_type === 'number') {
            const n = Math.round((0.4 + rnd() * 0.6) * 100) / 100;
            return { questionId: q.id, score: Math.round(n * channel.scale * 10) / 10, normalizedScore: n, text: null };
          }
          if (q.answer_type === 'enum') return { questionId: q.id, score: null, normalizedScore: null, text: 'Couple' };
          return { questionId: q.id, score: null, normalizedScore: null, text: 'The breakfast' };
        }),
      });
    }
  }
  await upsertReviews(db, accountId, reviews);

  const days: string[] = [];
  for (let d = 0; d < 90; d++) days.push(addDays(today, -d));
  for (let m = 1; m <= 12; m++) days.push(`2017-${String(m).padStart(2, '0')}-01`);
  days.push('2017-12-31');
  const properties = [...hotels, ...competitors];
  const snapshots: SnapshotInput[] = [];
  for (const day of days) {
    for (const [p, property] of properties.entries()) {
      for (const source of ['tripadvisor', 'booking.com', 'google']) {
        const score = Math.round((7 + ((p * 0.37 + rnd()) % 1) * 2.5) * 10) / 10;
        snapshots.push({ locationId: property.id, day, source, rank: 1 + ((p + Math.floor(rnd() * 3)) % 40), rankOf: 40, score, normalizedScore: score / 10 });
      }
    }
  }
  await upsertSnapshots(db, accountId, snapshots);
  if ((await listCompetitiveSets(db, accountId, [hotels[1].id])).length === 0) {
    await createCompetitiveSet(db, accountId, { locationId: hotels[1].id, name: 'Gothenburg city', memberIds: competitors.map((c) => c.id) });
  }
}
