import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './2026-11-22T00-00-foundation.js';
import * as loopon from './2026-11-22T01-00-loopon.js';
import * as stayGuestDates from './2026-11-22T02-00-stay-guest-dates.js';
import * as guestIdentity from './2026-12-02T00-00-guest-identity.js';
import * as journeyEventTypes from './2026-12-02T01-00-journey-event-types.js';
import * as guestMergedInto from './2026-12-02T02-00-guest-merged-into.js';
import * as jobs from './2026-12-03T00-00-jobs.js';
import * as idempotencyKeys from './2026-12-03T01-00-idempotency-keys.js';
import * as encryptCallbackTokens from './2026-12-03T02-00-encrypt-callback-tokens.js';
import * as chatRealtime from './2026-12-03T05-00-chat-realtime.js';
import * as outbox from './2026-12-04T00-00-outbox.js';
import * as contactVersions from './2026-12-05T00-00-contact-versions.js';
import * as eventActors from './2026-12-05T00-00-event-actors.js';
import * as loyalty from './2026-12-05T00-00-loyalty.js';
import * as rulesMessaging from './2026-12-05T10-00-rules-messaging.js';
import * as faceIds from './2026-12-05T00-00-face-ids.js';
import * as demoSecrets from './2026-12-05T01-00-demo-secrets.js';
import * as jobsAccountIndex from './2026-12-06T00-00-jobs-account-index.js';
import * as smsDelivery from './2026-12-06T00-00-sms-delivery.js';
import * as importCheckpoints from './2026-12-07T07-00-import-checkpoints.js';
import * as loyaltyMail from './2026-12-06T00-00-loyalty-mail.js';
import * as staffSignIn from './2026-12-07T01-00-staff-sign-in.js';
import * as inbox from './2026-12-07T02-00-inbox.js';
import * as scoreRollupSegments from './2026-12-07T05-00-score-rollup-segments.js';
import * as locationReviewLinks from './2026-12-07T04-00-location-review-links.js';
import * as chatAttachments from './2026-12-07T03-00-chat-attachments.js';
import * as ruleActions from './2026-12-07T06-00-rule-actions.js';
import * as accountScoreRollups from './2026-12-07T10-00-account-score-rollups.js';
import * as retentionRuns from './2026-12-08T00-00-retention-runs.js';
import * as leanerFiringIndexes from './2026-12-08T01-00-leaner-firing-indexes.js';
import * as jobsDueByKind from './2026-12-09T00-00-jobs-due-by-kind.js';

/** Every migration, by its dated name. Imported statically so the build needs no file scanning. */
const migrations: Record<string, Migration> = {
  '2026-11-22T00-00-foundation': foundation,
  '2026-11-22T01-00-loopon': loopon,
  '2026-11-22T02-00-stay-guest-dates': stayGuestDates,
  '2026-12-02T00-00-guest-identity': guestIdentity,
  '2026-12-02T01-00-journey-event-types': journeyEventTypes,
  '2026-12-02T02-00-guest-merged-into': guestMergedInto,
  '2026-12-03T00-00-jobs': jobs,
  '2026-12-03T01-00-idempotency-keys': idempotencyKeys,
  '2026-12-03T02-00-encrypt-callback-tokens': encryptCallbackTokens,
  '2026-12-03T05-00-chat-realtime': chatRealtime,
  '2026-12-04T00-00-outbox': outbox,
  '2026-12-05T00-00-contact-versions': contactVersions,
  '2026-12-05T00-00-event-actors': eventActors,
  '2026-12-05T00-00-loyalty': loyalty,
  '2026-12-05T10-00-rules-messaging': rulesMessaging,
  '2026-12-05T00-00-face-ids': faceIds,
  '2026-12-05T01-00-demo-secrets': demoSecrets,
  '2026-12-06T00-00-jobs-account-index': jobsAccountIndex,
  '2026-12-06T00-00-sms-delivery': smsDelivery,
  '2026-12-06T00-00-loyalty-mail': loyaltyMail,
  '2026-12-07T01-00-staff-sign-in': staffSignIn,
  '2026-12-07T02-00-inbox': inbox,
  '2026-12-07T05-00-score-rollup-segments': scoreRollupSegments,
  '2026-12-07T04-00-location-review-links': locationReviewLinks,
  '2026-12-07T03-00-chat-attachments': chatAttachments,
  '2026-12-07T06-00-rule-actions': ruleActions,
  '2026-12-07T07-00-import-checkpoints': importCheckpoints,
  '2026-12-07T10-00-account-score-rollups': accountScoreRollups,
  '2026-12-08T00-00-retention-runs': retentionRuns,
  '2026-12-08T01-00-leaner-firing-indexes': leanerFiringIndexes,
  '2026-12-09T00-00-jobs-due-by-kind': jobsDueByKind,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
