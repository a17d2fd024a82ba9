import { loopWrite } from '../write-context.js';
import { Type } from '@sinclair/typebox';
import { createAnswerDocument } from '../../../core/feedback/answer-documents.js';
import { runFeedbackRules } from '../../../core/journeys/feedback-rules.js';
import type { LoopApp, LoopDeps } from '../context.js';
import { encodeId } from '../ids.js';
import { loopPageUrl } from '../links.js';
import { readDate, readString } from '../parse.js';
import { AuthQuery, Hex24, KeyOrNumber, KeyString, StringOrNumber, VersionParams, errorResponses } from '../schemas.js';
import { resolveCreator, resolveLocation } from './resolve.js';
import { readSurveyResponses } from './survey-answers.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';

const ResponseBody = Type.Object({
  source: Type.Optional(Type.String()),
  deviceId: Type.Optional(StringOrNumber),
  location: Type.String({ description: 'location id (or shortcode)' }),
  responses: Type.Array(Type.Object({ categoryId: Type.String(), value: Type.Optional(Type.Any()) }), { minItems: 1, maxItems: 1000 }),
  timestamp: Type.Optional(StringOrNumber),
  user: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), email: Type.Optional(KeyString), sms: Type.Optional(KeyOrNumber) })),
  customer: Type.Optional(Type.String()),
});

/**
 * POST /responses stores a survey response as an answer document of the feedback model and runs
 * the account's rules on it in the same transaction: the loop for staff to follow up is the
 * default rule's (journeys/default-rules.ts, on when the account's responsesCreateLoops is).
 */
export async function responseRoutes(app: LoopApp, { db, config, realtime }: LoopDeps): Promise<void> {
  app.post(
    '/responses',
    {
      schema: {
        summary: 'Create a survey response at a location',
        description: 'Depending on the account settings a loop is opened too; loopId and loopUrl are then returned.',
        params: VersionParams,
        querystring: AuthQuery,
        body: ResponseBody,
        response: {
          200: Type.Object({ id: Hex24, loopId: Type.Optional(Hex24), loopUrl: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const accountId = request.accountId;
      const body = request.body;
      const receivedAt = readDate(body.timestamp, 'timestamp');
      const result = await inWriteTransaction(db, async (trx) => {
        const location = await resolveLocation(trx, accountId, body.location);
        const answers = await readSurveyResponses(trx, accountId, body.responses);
        const ctx = loopWrite(request, trx);
        const guest = await resolveCreator(ctx, body);
        const channel = readString(body.source, 'source') ?? 'api';
        const deviceId = readString(body.deviceId, 'deviceId') ?? null;
        const { document, answers: stored } = await createAnswerDocument(ctx, {
          locationId: location.id,
          guestId: guest?.id ?? null,
          source: 'public',
          channel,
          deviceId,
          receivedAt,
          guestName: guest?.name ?? null,
          guestEmail: guest?.email ?? null,
          answers,
        });
        const loop = await runFeedbackRules(ctx, {
          locationId: location.id,
          answerDocumentId: document.id,
          guestId: guest?.id ?? null,
          channel,
          deviceId,
          receivedAt,
          texts: stored.map((a) => a.text),
        });
        return { document, loop };
      });
      if (result.loop) realtime.hub.publish({ kind: 'request', accountId, change: 'opened', request: result.loop });
      const loopId = result.loop?.id;
      const id = encodeId('response', result.document.id);
      if (loopId === undefined) return { id };
      return { id, loopId: encodeId('loop', loopId), loopUrl: await loopPageUrl(db, config, accountId, loopId) };
    },
  );
}
