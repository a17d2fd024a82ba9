/*
 * The admin API's answers as the console reads them: taken, type-only, from the TypeBox schemas
 * the server validates with (erased from the bundle). Shapes of endpoints built in parallel
 * (timeline, staff, audit) follow the contract in docs until their schemas land.
 */
import type { Static } from '@sinclair/typebox';
import type { RetentionSchema } from '../../src/api/admin/routes/account';
import type { ClientSchema, CreatedClientSchema } from '../../src/api/admin/routes/api-clients';
import type { DashboardReputationSchema, DashboardScoresSchema, DrillDownSchema } from '../../src/api/admin/routes/dashboards-schemas';
import type { GuestDetailSchema, GuestListSchema, GuestSchema, MergeResultSchema, SplitResultSchema } from '../../src/api/admin/routes/guests-schemas';
import type { EntrySchema, ListSchema } from '../../src/api/admin/routes/identity-blocklist';
import type { LevelSchema, ProductSchema } from '../../src/api/admin/routes/loyalty';
import type { LoyaltyMemberDetailSchema, LoyaltyMemberSchema, LoyaltyOperationSchema } from '../../src/api/admin/routes/loyalty-members';
import type { CompetitiveSetSchema, ReviewQuestionSchema } from '../../src/api/admin/routes/reputation';
import type { DryRunSchema, MessagingSettingsSchema, PreviewSchema, RuleSchema, TemplateSchema } from '../../src/api/admin/routes/rules-schemas';
import type { AttemptSchema, CreatedWebhookSchema, DeliverySchema, WebhookSchema } from '../../src/api/admin/routes/webhooks';
import type {
  AccountSchema,
  CredentialSchema,
  CustomFieldSchema,
  LocationSchema,
  LoopTypeSchema,
  SurveySchema,
  SurveySummarySchema,
} from '../../src/api/admin/schemas';

export type Guest = Static<typeof GuestSchema>;
export type GuestList = Static<typeof GuestListSchema>;
export type GuestDetail = Static<typeof GuestDetailSchema>;
export type MergeResult = Static<typeof MergeResultSchema>;
export type SplitResult = Static<typeof SplitResultSchema>;
export type Location = Static<typeof LocationSchema>;
export type LoopType = Static<typeof LoopTypeSchema>;
export type CustomField = Static<typeof CustomFieldSchema>;
export type Account = Static<typeof AccountSchema>;
export type Retention = Static<typeof RetentionSchema>;
export type Credential = Static<typeof CredentialSchema>;
export type SurveySummary = Static<typeof SurveySummarySchema>;
export type Survey = Static<typeof SurveySchema>;
export type ApiClient = Static<typeof ClientSchema>;
export type CreatedApiClient = Static<typeof CreatedClientSchema>;
export type BlocklistEntry = Static<typeof EntrySchema>;
export type Blocklist = Static<typeof ListSchema>;
export type Level = Static<typeof LevelSchema>;
export type Product = Static<typeof ProductSchema>;
export type Member = Static<typeof LoyaltyMemberSchema>;
export type MemberDetail = Static<typeof LoyaltyMemberDetailSchema>;
export type Operation = Static<typeof LoyaltyOperationSchema>;
export type CompetitiveSet = Static<typeof CompetitiveSetSchema>;
export type ReviewQuestion = Static<typeof ReviewQuestionSchema>;
export type Rule = Static<typeof RuleSchema>;
export type DryRun = Static<typeof DryRunSchema>;
export type Preview = Static<typeof PreviewSchema>;
export type Template = Static<typeof TemplateSchema>;
export type MessagingSettings = Static<typeof MessagingSettingsSchema>;
export type Webhook = Static<typeof WebhookSchema>;
export type CreatedWebhook = Static<typeof CreatedWebhookSchema>;
export type Delivery = Static<typeof DeliverySchema>;
export type Attempt = Static<typeof AttemptSchema>;
export type DashboardScores = Static<typeof DashboardScoresSchema>;
export type DrillDown = Static<typeof DrillDownSchema>;
export type DashboardReputation = Static<typeof DashboardReputationSchema>;

/** GET /guests/{id}/timeline (contract: built in parallel). */
export interface TimelineItem {
  at: number;
  kind: string;
  summary: string;
  ref: { type: string; id: number | string } | null;
  data?: unknown;
}
export interface TimelinePage {
  items: TimelineItem[];
  next?: number | string | null;
}

/** GET /staff (contract: staff sign-in). */
export interface StaffMember {
  id: number;
  email: string;
  name: string | null;
  role: 'owner' | 'manager' | 'agent' | 'analyst';
  permissions: string[];
  locationIds: number[];
  hasPassword?: boolean;
}

/** GET /audit (contract). */
export interface AuditItem {
  id: number | string;
  at: number;
  actor: { type: string; id: number | string | null; name: string | null };
  action: string;
  entity: string;
  entityId: number | string | null;
  summary: string;
}
