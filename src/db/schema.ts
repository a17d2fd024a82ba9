import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Table interfaces of the one guest model. Conventions (both dialects):
 * - ids are integers; every row carries account_id, first in keys and indexes;
 * - instants are epoch milliseconds (bigint on PostgreSQL, parsed to number);
 * - calendar dates are 'YYYY-MM-DD' text; booleans are 0/1 integers;
 * - JSON documents are text, parsed by the module that owns them.
 */

export interface AccountsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  settings: string;
  /** signs the links of guest pages (loop and invite URLs) */
  page_secret: string;
  created_at: number;
}

export interface CredentialsTable {
  id: Generated<number>;
  account_id: number;
  kind: string; // 'admin' | 'loop'
  token_hash: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface LocationsTable {
  id: Generated<number>;
  account_id: number;
  shortcode: string | null;
  title: string; // JSON i18n map {"en": "..."}
  kind: string; // 'location' | 'chain'
  parent_id: number | null;
  property_code: string | null;
  timezone: string | null;
  latitude: number | null;
  longitude: number | null;
  country: string | null;
  state: string | null;
  city: string | null;
  zip_code: string | null;
  street_name: string | null;
  street_number: string | null;
  default_evaluation_id: number | null;
  /** the Loop id the hotel used before (24 hex), kept for ever; null: rendered from id */
  loop_id: string | null;
  /** the Loopon unit id the hotel used before, kept for ever; null: the unit id is id */
  loopon_id: number | null;
  /** JSON [{name, url}]: the review sites a promoter is offered after a survey; null: none */
  review_links: string | null;
  created_at: number;
  updated_at: number;
}

export interface LoopTypesTable {
  id: Generated<number>;
  account_id: number;
  shortcode: string;
  title: string; // JSON i18n map
  loop_id: string | null; // an imported Loop id, see LocationsTable
  created_at: number;
}

/** A console session: the SHA-256 of its cookie's value, its CSRF token and its idle expiry. */
export interface StaffSessionsTable {
  id_hash: string;
  account_id: number;
  employee_id: number;
  csrf_token: string;
  created_at: number;
  seen_at: number;
  expires_at: number;
}

/** One-time links of staff members: `link` (sign-in link, invitation) or `reset` (password reset). */
export interface StaffTokensTable {
  id: Generated<number>;
  account_id: number;
  employee_id: number;
  kind: string;
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** A failed sign-in for an e-mail (its digest), counted by every instance for the lockout. */
export interface StaffSignInFailuresTable {
  id: Generated<number>;
  email_hash: string;
  failed_at: number;
}

/** One write through the admin API: who (actor `staff:<id>`, `admin`...), what and on which entity. */
export interface AuditEntriesTable {
  id: Generated<number>;
  account_id: number;
  actor: string;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  summary: string;
  request_id: string | null;
  at: number;
}

export interface CustomFieldsTable {
  id: Generated<number>;
  account_id: number;
  shortcode: string;
  title: string; // JSON i18n map
  required: number;
  loop_id: string | null; // an imported Loop id, see LocationsTable
  created_at: number;
}

export interface EmployeesTable {
  id: Generated<number>;
  account_id: number;
  username: string;
  name: string | null;
  email: string | null;
  sms: string | null;
  permissions: string; // JSON string[]
  location_ids: string; // JSON number[]
  loop_id: string | null; // an imported Loop id, see LocationsTable
  created_at: number;
  /** owner | manager | agent | analyst; null: a Loop employee who cannot sign in */
  role: Generated<string | null>;
  /** Argon2id (PHC string); null until the staff member chooses a password */
  password_hash: Generated<string | null>;
  updated_at: Generated<number | null>;
}

export interface GuestsTable {
  id: Generated<number>;
  account_id: number;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string | null;
  mobile: string | null;
  language: string | null;
  vip_status: string | null;
  group_name: string | null;
  custom_fields: string; // JSON object {key: value}
  created_at: number;
  updated_at: number;
  /** set on a guest merged into another: every id it had answers as that survivor */
  merged_into_id: number | null;
  loop_id: string | null; // an imported Loop id, see LocationsTable
  /** the profile's revision number: every core write of the profile adds one (Contacts: contact_version) */
  version: number;
  /** JSON object: person fields only some faces carry (core/guests/guest-details.ts) */
  details: string;
}

/** An earlier revision of a guest's profile: the row as it was at `version`. */
export interface GuestRevisionsTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  version: number;
  snapshot: string; // JSON: the guest row
  created_at: number;
}

/** A deleted guest, so that "what changed since" sees the deletion. */
export interface GuestTombstonesTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  removed_at: number;
}

export interface GuestKeysTable {
  account_id: number;
  source: string; // e.g. 'loop' for a Loop Contact foreignId
  key: string;
  guest_id: number;
}

export interface IdentityBlocklistTable {
  id: Generated<number>;
  account_id: number;
  kind: string; // 'email' | 'phone'
  pattern: string; // a glob, or 'rule:<name>' for a phone rule
  created_at: number;
}

/** Why an arrival went to a guest it did not name by key (one row per decision, counted). */
export interface GuestMatchesTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  rule: string; // 'email' | 'mobile' | 'new'
  source: string; // the face or system that arrived
  identifier: string; // the value that matched, or ''
  reason: string | null; // for 'new': why a known value was not used
  count: number;
  first_at: number;
  last_at: number;
}

export interface GuestMergesTable {
  id: Generated<number>;
  account_id: number;
  survivor_id: number;
  merged_id: number;
  actor: string;
  snapshot: string; // JSON: the merged guest's row before the merge
  moved: string; // JSON: {table: row ids} moved to the survivor
  created_at: number;
  split_at: number | null;
}

export interface StaysTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  location_id: number | null;
  source: string;
  external_ref: string | null;
  booking_reference: string | null;
  arrival_at: number | null;
  departure_at: number | null;
  room: string | null;
  status: string;
  language: string | null;
  booking_date: string | null;
  checkin_date: string | null;
  checkout_date: string | null;
  booking_channel: string | null;
  market_segment: string | null;
  rate_plan: string | null;
  loyalty_program: string | null;
  loyalty_id: string | null;
  loyalty_level: string | null;
  room_category: string | null;
  room_category_name: string | null;
  created_at: number;
  updated_at: number;
}

export interface JourneyEventsTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  stay_id: number | null;
  location_id: number | null;
  type: string;
  occurred_at: number;
  source: string;
  payload: string; // JSON
  created_at: number;
}

export interface LoopsTable {
  id: Generated<number>;
  account_id: number;
  location_id: number;
  loop_type_id: number | null;
  creator_guest_id: number | null;
  source: string | null;
  device_id: string | null;
  title: string | null;
  description: string | null;
  state: string;
  medium: string | null;
  create_device: string | null;
  contactable: number;
  custom_fields: string; // JSON object {customFieldId: value}
  answer_document_id: number | null;
  created_at: number;
  updated_at: number;
  last_viewed_at: number | null;
}

export interface LoopActivitiesTable {
  id: Generated<number>;
  account_id: number;
  loop_id: number;
  type: string;
  occurred_at: number;
  data: string; // JSON
  person_kind: string;
  person_name: string | null;
  person_guest_id: number | null;
  system: number;
  automated: number;
  confirmed: number;
}

export interface EvaluationsTable {
  id: Generated<number>;
  account_id: number;
  shortcode: string | null;
  name: string;
  description: string | null;
  question_order_randomized: number;
  loop_id: string | null; // imported ids, see LocationsTable
  loopon_id: number | null;
  created_at: number;
}

export interface EvaluationLocationsTable {
  account_id: number;
  evaluation_id: number;
  location_id: number;
}

export interface QuestionSetsTable {
  id: Generated<number>;
  account_id: number;
  evaluation_id: number;
  serial: number;
  created_at: number;
  superseded_at: number | null;
}

export interface QuestionSectionsTable {
  id: Generated<number>;
  account_id: number;
  question_set_id: number;
  serial: number;
  title: string; // JSON i18n map
}

export interface QuestionsTable {
  id: Generated<number>;
  account_id: number;
  question_set_id: number;
  section_id: number;
  serial: number;
  title: string; // JSON i18n map
  placeholder: string | null; // JSON i18n map
  semantic_id: number | null;
  department_code: string | null;
  resource_code: string | null;
  facility_type: string | null;
  type: string; // text | radio | checkbox | number | bool
  loop_id: string | null; // imported ids (Loop categoryId, Loopon questionId), see LocationsTable
  loopon_id: number | null;
}

export interface QuestionOptionsTable {
  id: Generated<number>;
  account_id: number;
  question_id: number;
  serial: number;
  title: string; // JSON i18n map
  score: number | null;
  nps_segment: string | null;
}

export interface AnswerDocumentsTable {
  id: Generated<number>;
  account_id: number;
  evaluation_id: number;
  location_id: number;
  guest_id: number | null;
  stay_id: number | null;
  retention: string | null;
  status: string;
  guest_name: string | null;
  guest_email: string | null;
  reservation: string | null;
  loyalty_id: string | null;
  source: string;
  channel: string | null;
  device_id: string | null;
  reputation_source: string | null;
  checkin_date: string | null;
  checkout_date: string | null;
  sent_at: number | null;
  response_rate: number | null;
  received_at: number;
  updated_at: number;
  /** the importer's key (unique per account); a re-import updates the document */
  external_id: string | null;
}

export interface AnswersTable {
  id: Generated<number>;
  account_id: number;
  answer_document_id: number;
  question_id: number;
  received_at: number;
  option_id: number | null;
  option_ids: string | null; // JSON number[]
  text: string | null;
  number_value: number | null;
  score: number | null;
}

export interface OauthClientsTable {
  id: Generated<number>;
  account_id: number;
  client_id: string;
  secret_hash: string;
  name: string | null;
  scopes: string; // JSON string[]
  unit_ids: string | null; // JSON number[]; null: every unit
  created_at: number;
  revoked_at: number | null;
  /** the face (audience) the client and its tokens belong to: 'loopon', 'prio' */
  face: Generated<string>;
}

export interface OauthTokensTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  token_hash: string;
  scopes: string; // JSON string[]
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface StayCallbacksTable {
  account_id: number;
  stay_id: number;
  client_id: number;
  url: string;
  auth: string; // none | basic | bearer
  /** a token stored before tokens were encrypted, until the server seals it at start; else null */
  auth_token: string | null;
  /** the token sealed with SECRET_KEY (core/shared/secret-box.ts) */
  auth_token_sealed: string | null;
  created_at: number;
}

export interface IdempotencyKeysTable {
  account_id: number;
  /** a hash of the credential that sent the key: keys are per account and credential */
  credential: string;
  key: string;
  /** a hash of the method, path and body of the request that took the key */
  request_hash: string;
  state: 'running' | 'done';
  status: number | null;
  /** JSON object of the replayed headers */
  headers: string | null;
  body: string | null;
  created_at: number;
  locked_at: number;
}

export interface StayLinksTable {
  id: Generated<number>;
  account_id: number;
  stay_id: number;
  token_hash: string;
  created_at: number;
  expires_at: number;
}

export interface ChatSessionsTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  location_id: number;
  session_key: string;
  language: string | null;
  created_at: number;
  /** the reference id 3rd-party integrations (Facebook Messenger) name the session by */
  messenger_ref: string | null;
  /** 30 days after the last checkout; null: no checkout known yet (open) */
  expires_at: number | null;
  /** the stay new messages belong to (the last one registered) */
  stay_id: number | null;
  /** the last sequence number given to one of its events (chat_events.seq) */
  last_seq: Generated<number>;
}

export interface ChatEventsTable {
  id: Generated<number>;
  account_id: number;
  session_id: number;
  stay_id: number | null;
  /** the session's sequence number of the event's last change (insert or update) */
  seq: number;
  type: string;
  /** chatMessage: guest | hotel */
  author: string | null;
  /** chatMessage: when the counterpart read it */
  read_at: number | null;
  payload: string; // JSON, the event's type-specific part
  created_at: number;
  updated_at: number;
}

/** A photo a guest sent in the chat (the bytes are here: every instance sharing the database serves them). */
export interface ChatAttachmentsTable {
  id: Generated<number>;
  account_id: number;
  session_id: number;
  /** random, unguessable: the name in the message's URL and in signed media links */
  public_id: string;
  /** image/jpeg | image/png | image/webp | image/heic, as read from the bytes */
  content_type: string;
  byte_size: number;
  data: Buffer;
  created_at: number;
}

export interface ChatDeviceCursorsTable {
  account_id: number;
  session_id: number;
  device_id: string;
  /** the highest chat_events.seq sent to the device */
  seq: number;
  updated_at: number;
}

export interface RealtimeTicketsTable {
  ticket_hash: string;
  account_id: number;
  created_at: number;
  expires_at: number;
  /** the staff member it was issued to (null: the admin token) */
  employee_id: Generated<number | null>;
}

export interface ScoreRollupsTable {
  account_id: number;
  location_id: number;
  evaluation_id: number;
  semantic_id: number;
  day: string;
  source: string;
  reputation_source: string;
  answer_count: number;
  scored_count: number;
  score_sum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** score_rollups summed per segment: the days of one ISO week within one month (core/feedback/score-segments.ts) */
export interface ScoreRollupSegmentsTable {
  account_id: number;
  /**
   * 's': a segment (the days of one ISO week within one month); 'm': a calendar month; per location.
   * 'aw': an ISO week, 'am': a calendar month, of the whole account (location_id and evaluation_id 0, reputation_source '').
   */
  grain: 's' | 'm' | 'aw' | 'am';
  semantic_id: number;
  /** the period's first day, YYYY-MM-DD: a Monday or the first of a month */
  segment: string;
  source: string;
  location_id: number;
  evaluation_id: number;
  reputation_source: string;
  answer_count: number;
  scored_count: number;
  score_sum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface ReviewQuestionsTable {
  id: Generated<number>;
  account_id: number;
  key: string;
  description: string;
  answer_type: string; // number | text | enum
  answer_values: string | null; // JSON string[]
}

export interface ReviewsTable {
  id: Generated<number>;
  account_id: number;
  location_id: number;
  external_id: string | null;
  issue_id: number | null;
  review_date: string;
  stay_date: string | null;
  channel: string;
  language: string | null;
  title: string | null;
  text: string | null;
  rating_raw: number | null;
  rating_normalized: number | null;
  respondable: number;
  management_response_date: string | null;
  travel_composition: string | null;
  created_at: number;
  updated_at: number;
}

export interface ReviewRatingsTable {
  id: Generated<number>;
  account_id: number;
  review_id: number;
  question_id: number;
  score_raw: number | null;
  score_normalized: number | null;
  text: string | null;
}

export interface ReputationSnapshotsTable {
  account_id: number;
  location_id: number;
  day: string;
  source: string; // '' = all sources
  rank: number | null;
  rank_of: number | null;
  score: number | null;
  normalized_score: number | null;
}

export interface CompetitiveSetsTable {
  id: Generated<number>;
  account_id: number;
  location_id: number;
  name: string;
}

export interface CompetitiveSetMembersTable {
  account_id: number;
  set_id: number;
  location_id: number;
}

/** Background work (core/jobs): see the migration 2026-12-03T00-00-jobs for the meaning of due_at. */
export interface JobsTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  status: string; // 'draft' | 'queued' | 'running' | 'succeeded' | 'failed'
  payload: string; // JSON
  progress: string | null; // JSON
  attempts: number;
  max_attempts: number;
  due_at: number | null;
  lease_token: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** A job's large input in chunks (seq from 0), read back in order. */
/** A file import's progress, committed with each batch (core/jobs/import-checkpoints.ts). */
export interface ImportCheckpointsTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  /** the file's identity: size and content hash */
  file_key: string;
  state: string; // JSON ImportResult
  created_at: number;
  updated_at: number;
}

/** An account's retention pass (core/retention): when it is due, who runs it, where the guest scan stopped. */
export interface RetentionRunsTable {
  account_id: number;
  due_at: number;
  /** a running pass's lease (one instance at a time); null: none running */
  leased_until: number | null;
  /** the last guest id the scan of inactive guests looked at; null: start from the first */
  guest_cursor: number | null;
  /** when the scan of inactive guests last reached the end (it starts again a day later) */
  guests_scanned_at: number | null;
  last_run_at: number | null;
  /** JSON RetentionSummary of the last pass */
  last_summary: string | null;
}

export interface JobInputsTable {
  account_id: number;
  job_id: number;
  seq: number;
  data: Uint8Array;
}

/** An account's native webhook (core/webhooks); see the migration 2026-12-04T00-00-outbox. */
export interface WebhookSubscriptionsTable {
  id: Generated<number>;
  account_id: number;
  url: string;
  events: string; // JSON array of event types, or ["*"]
  secret_sealed: string;
  description: string | null;
  enabled: number; // 0 | 1
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** One event on its way to one receiver (core/outbox); its job schedules the attempts. */
export interface DeliveriesTable {
  id: Generated<number>;
  account_id: number;
  target: string; // 'webhook' | 'stay_callback'
  subscription_id: number | null;
  stay_id: number | null;
  client_id: number | null;
  event_type: string;
  message_id: string;
  url: string;
  payload: string; // JSON
  status: string; // 'pending' | 'delivered' | 'dead'
  attempts: number;
  life_started_at: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  /** who caused the event (core/shared/write-context.ts); null before the column existed */
  actor: string | null;
  /** the request that caused it (Fastify's request id); null for jobs and the CLI */
  request_id: string | null;
}

export interface JourneyRulesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  trigger: string;
  conditions: string; // JSON
  action: string; // JSON
  enabled: number;
  /** the default rule this row is ('survey-follow-up'), null for the account's own rules */
  builtin: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export interface RuleFiringsTable {
  id: Generated<number>;
  account_id: number;
  rule_id: number;
  dedupe_key: string;
  journey_event_id: number | null;
  guest_id: number;
  message_id: number | null;
  outcome: string;
  fired_at: number;
}

export interface MessageTemplatesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  channel: string; // 'email' | 'sms' | 'chat'
  language: string;
  trigger: string;
  subject: string | null;
  body: string;
  valid_for_ms: number;
  created_at: number;
  updated_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  stay_id: number | null;
  rule_id: number | null;
  template: string;
  channel: string;
  language: string;
  recipient: string;
  variables: string; // JSON
  subject: string | null;
  body_html: string | null;
  body_text: string | null;
  status: string; // 'queued' | 'sent' | 'failed' | 'expired' | 'cancelled'
  due_at: number;
  attempts: number;
  last_error: string | null;
  unsubscribe_token: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  /** the provider's id of what was sent (Twilio's MessageSid); null for e-mail */
  provider_id: Generated<string | null>;
  /** the last delivery state the provider reported (queued, sent, delivered, undelivered, failed...) */
  delivery_status: Generated<string | null>;
  delivery_updated_at: Generated<number | null>;
  /** 1: the guest cannot unsubscribe from it (a password reset); an unsubscribe does not stop it */
  transactional: Generated<number>;
}

/** The staff inbox's state of one conversation: a guest request (kind 'request', loops.id) or a chat session (kind 'chat'). */
export interface InboxThreadsTable {
  account_id: number;
  kind: string;
  thread_id: number;
  location_id: number;
  guest_id: number | null;
  /** the employee it is assigned to */
  assignee_id: number | null;
  /** the guest's first message staff has not answered yet; null: nobody is waiting */
  awaiting_since: number | null;
  /** unanswered-message alerts sent for awaiting_since: 0 none, 1 first notice, 2 escalated */
  alert_step: Generated<number>;
  updated_at: number;
}

/** When a staff member last read a conversation. */
export interface InboxReadsTable {
  account_id: number;
  kind: string;
  thread_id: number;
  employee_id: number;
  read_at: number;
}

/** A note staff write on a conversation for each other; never shown to the guest. */
export interface InboxNotesTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  thread_id: number;
  author_id: number | null;
  author_name: string | null;
  text: string;
  created_at: number;
}

/** The account's unanswered-message alert delays, in minutes after the guest's message. */
export interface InboxSettingsTable {
  account_id: number;
  first_notify_minutes: number;
  escalate_minutes: number;
  updated_at: number;
}

export interface MessagingSettingsTable {
  account_id: number;
  quiet_start: string | null;
  quiet_end: string | null;
  /** the account's From and Reply-To of guest e-mails (null: MAIL_FROM, none) */
  mail_from: Generated<string | null>;
  reply_to: Generated<string | null>;
  updated_at: number;
}

export interface MessageSuppressionsTable {
  account_id: number;
  channel: string;
  address: string;
  reason: string;
  created_at: number;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  account_id: number;
  delivery_id: number;
  attempted_at: number;
  status_code: number | null;
  latency_ms: number;
  outcome: string; // 'delivered' | 'failed'
  error: string | null;
  response_excerpt: string | null;
}

export interface LoyaltyProgramsTable {
  account_id: number;
  points_validity_days: number;
  updated_at: number;
}

export interface LoyaltyApiUsersTable {
  id: Generated<number>;
  account_id: number;
  username: string;
  password_hash: string;
  created_at: number;
}

export interface LoyaltyApiSessionsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  token_hash: string;
  created_at: number;
  last_used_at: number;
}

export interface LoyaltyLevelsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  min_level_points: number;
  created_at: number;
  updated_at: number;
}

export interface LoyaltyMembersTable {
  account_id: number;
  guest_id: number;
  signin_email: string | null;
  password_hash: string | null;
  enrolled_at: number | null;
  level_id: number | null;
  points: Generated<number>;
  level_points: Generated<number>;
  loyalty_id: string | null;
  loyalty_bookings: number | null;
  loyalty_nights: number | null;
  loyalty_last_booking_date: string | null;
  loyalty_custom_tag_timestamp: string | null;
  phone2: string | null;
  birthday: string | null;
  gender: string | null;
  country: string | null;
  subscribed: number | null;
  created_at: number;
  updated_at: number;
}

export interface LoyaltyOperationsTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  kind: string; // 'earn' | 'redeem' | 'adjust'
  code: string;
  concept: string | null;
  comments: string | null;
  points: number;
  level_points: number;
  point_type: number | null;
  expires_at: number | null;
  remaining_points: number;
  consumed_points: Generated<number>;
  expired_points: number | null;
  product_id: number | null;
  hotel_id: number | null;
  manager_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface LoyaltyLotMovesTable {
  id: Generated<number>;
  account_id: number;
  lot_id: number;
  operation_id: number | null;
  kind: string; // 'consumed' | 'expired'
  points: number;
  at: number;
}

export interface LoyaltyProductsTable {
  id: Generated<number>;
  account_id: number;
  title: string;
  category: number | null;
  image: string | null;
  points: number;
  featured: number;
  start_date: string | null;
  end_date: string | null;
  code: string | null;
  is_visible: number;
  promocode: string | null;
  notify_alert_emails: number;
  hotels: string; // JSON number[]
  levels: string; // JSON number[]
  created_at: number;
  updated_at: number;
}

/** The one-time links of password-reset e-mails; tokens kept as SHA-256 digests. */
export interface LoyaltyResetTokensTable {
  id: Generated<number>;
  account_id: number;
  guest_id: number;
  token_hash: string;
  form_token_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

/** `openstay demo`'s credentials, sealed with SECRET_KEY so a later run can print them again. */
export interface DemoSecretsTable {
  account_id: number;
  sealed: string;
  updated_at: number;
}

export interface Database {
  demo_secrets: DemoSecretsTable;
  accounts: AccountsTable;
  credentials: CredentialsTable;
  locations: LocationsTable;
  loop_types: LoopTypesTable;
  custom_fields: CustomFieldsTable;
  employees: EmployeesTable;
  guests: GuestsTable;
  guest_revisions: GuestRevisionsTable;
  guest_tombstones: GuestTombstonesTable;
  guest_keys: GuestKeysTable;
  identity_blocklist: IdentityBlocklistTable;
  guest_matches: GuestMatchesTable;
  guest_merges: GuestMergesTable;
  stays: StaysTable;
  journey_events: JourneyEventsTable;
  loops: LoopsTable;
  loop_activities: LoopActivitiesTable;
  evaluations: EvaluationsTable;
  evaluation_locations: EvaluationLocationsTable;
  question_sets: QuestionSetsTable;
  question_sections: QuestionSectionsTable;
  questions: QuestionsTable;
  question_options: QuestionOptionsTable;
  answer_documents: AnswerDocumentsTable;
  answers: AnswersTable;
  oauth_clients: OauthClientsTable;
  oauth_tokens: OauthTokensTable;
  stay_callbacks: StayCallbacksTable;
  idempotency_keys: IdempotencyKeysTable;
  stay_links: StayLinksTable;
  chat_sessions: ChatSessionsTable;
  chat_events: ChatEventsTable;
  chat_device_cursors: ChatDeviceCursorsTable;
  chat_attachments: ChatAttachmentsTable;
  realtime_tickets: RealtimeTicketsTable;
  staff_sessions: StaffSessionsTable;
  staff_tokens: StaffTokensTable;
  staff_sign_in_failures: StaffSignInFailuresTable;
  audit_entries: AuditEntriesTable;
  score_rollups: ScoreRollupsTable;
  score_rollup_segments: ScoreRollupSegmentsTable;
  review_questions: ReviewQuestionsTable;
  reviews: ReviewsTable;
  review_ratings: ReviewRatingsTable;
  reputation_snapshots: ReputationSnapshotsTable;
  competitive_sets: CompetitiveSetsTable;
  competitive_set_members: CompetitiveSetMembersTable;
  jobs: JobsTable;
  job_inputs: JobInputsTable;
  import_checkpoints: ImportCheckpointsTable;
  retention_runs: RetentionRunsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  loyalty_programs: LoyaltyProgramsTable;
  loyalty_api_users: LoyaltyApiUsersTable;
  loyalty_api_sessions: LoyaltyApiSessionsTable;
  loyalty_levels: LoyaltyLevelsTable;
  loyalty_members: LoyaltyMembersTable;
  loyalty_operations: LoyaltyOperationsTable;
  loyalty_lot_moves: LoyaltyLotMovesTable;
  loyalty_products: LoyaltyProductsTable;
  loyalty_reset_tokens: LoyaltyResetTokensTable;
  journey_rules: JourneyRulesTable;
  rule_firings: RuleFiringsTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  message_suppressions: MessageSuppressionsTable;
  messaging_settings: MessagingSettingsTable;
  inbox_threads: InboxThreadsTable;
  inbox_reads: InboxReadsTable;
  inbox_notes: InboxNotesTable;
  inbox_settings: InboxSettingsTable;
}

export type Account = Selectable<AccountsTable>;
export type Location = Selectable<LocationsTable>;
export type NewLocation = Insertable<LocationsTable>;
export type LocationUpdate = Updateable<LocationsTable>;
export type LoopType = Selectable<LoopTypesTable>;
export type CustomField = Selectable<CustomFieldsTable>;
export type Employee = Selectable<EmployeesTable>;
export type StaffSession = Selectable<StaffSessionsTable>;
export type AuditEntry = Selectable<AuditEntriesTable>;
export type Guest = Selectable<GuestsTable>;
export type ChatAttachment = Selectable<ChatAttachmentsTable>;
export type Stay = Selectable<StaysTable>;
export type GuestMatch = Selectable<GuestMatchesTable>;
export type GuestMerge = Selectable<GuestMergesTable>;
export type BlocklistEntry = Selectable<IdentityBlocklistTable>;
export type JourneyEvent = Selectable<JourneyEventsTable>;
export type Loop = Selectable<LoopsTable>;
export type LoopActivity = Selectable<LoopActivitiesTable>;
export type Evaluation = Selectable<EvaluationsTable>;
export type QuestionSet = Selectable<QuestionSetsTable>;
export type QuestionSection = Selectable<QuestionSectionsTable>;
export type Question = Selectable<QuestionsTable>;
export type QuestionOption = Selectable<QuestionOptionsTable>;
export type AnswerDocument = Selectable<AnswerDocumentsTable>;
export type Answer = Selectable<AnswersTable>;
export type OauthClient = Selectable<OauthClientsTable>;
export type ChatSession = Selectable<ChatSessionsTable>;
export type ChatEvent = Selectable<ChatEventsTable>;
export type Review = Selectable<ReviewsTable>;
export type ReviewQuestion = Selectable<ReviewQuestionsTable>;
export type ReputationSnapshot = Selectable<ReputationSnapshotsTable>;
export type Job = Selectable<JobsTable>;
export type WebhookSubscription = Selectable<WebhookSubscriptionsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptsTable>;
export type LoyaltyMember = Selectable<LoyaltyMembersTable>;
export type LoyaltyOperation = Selectable<LoyaltyOperationsTable>;
export type LoyaltyLevel = Selectable<LoyaltyLevelsTable>;
export type LoyaltyProduct = Selectable<LoyaltyProductsTable>;
export type JourneyRule = Selectable<JourneyRulesTable>;
export type RuleFiring = Selectable<RuleFiringsTable>;
export type MessageTemplate = Selectable<MessageTemplatesTable>;
export type Message = Selectable<MessagesTable>;
