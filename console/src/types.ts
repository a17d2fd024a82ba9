/*
 * The admin API's answers as the console reads them: taken, type-only, from the TypeBox schemas
 * the server validates with (erased from the bundle, so no server code reaches it). A list
 * answer's envelope comes from its list schema too (e.g. `{ items }` of GET /inbox).
 */
import type { Static } from '@sinclair/typebox';
import type { RetentionSchema } from '../../src/api/admin/routes/account';
import type { ClientListSchema, ClientSchema, CreatedClientSchema } from '../../src/api/admin/routes/api-clients';
import type { ChatHistorySchema, ChatMessageSchema, ChatSessionSchema, TicketSchema } from '../../src/api/admin/routes/chat-schemas';
import type { DashboardReputationSchema, DashboardScoresSchema, DrillDownSchema } from '../../src/api/admin/routes/dashboards-schemas';
import type { GuestExportSchema, TimelineItemSchema, TimelineSchema } from '../../src/api/admin/routes/guest-profile-schemas';
import type { GuestDetailSchema, GuestListSchema, GuestSchema, MergeResultSchema, SplitResultSchema } from '../../src/api/admin/routes/guests-schemas';
import type { EntrySchema, ListSchema } from '../../src/api/admin/routes/identity-blocklist';
import type { AssigneeSchema, InboxItemSchema, InboxListSchema, NoteListSchema, NoteSchema, ThreadKindSchema } from '../../src/api/admin/routes/inbox-schemas';

import type { LevelListSchema, LevelSchema, ProductListSchema, ProductSchema } from '../../src/api/admin/routes/loyalty';
import type {
  LoyaltyMemberDetailSchema,
  LoyaltyMemberListSchema,
  LoyaltyMemberSchema,
  LoyaltyOperationSchema,
} from '../../src/api/admin/routes/loyalty-members';
import type {
  CompetitiveSetListSchema,
  CompetitiveSetSchema,
  CompetitorListSchema,
  ReviewQuestionListSchema,
  ReviewQuestionSchema,
} from '../../src/api/admin/routes/reputation';
import type { RequestActivitySchema, RequestSchema } from '../../src/api/admin/routes/requests-present';
import type {
  DryRunSchema,
  MessagingSettingsSchema,
  PreviewSchema,
  RuleListSchema,
  RuleSchema,
  TemplateListSchema,
  TemplateSchema,
} from '../../src/api/admin/routes/rules-schemas';
import type {
  AuditItem as AuditItemSchema,
  AuditPage as AuditPageSchema,
  RoleSchema,
  SessionSchema,
  StaffInvited as StaffInvitedSchema,
  StaffListSchema,
  StaffSchema,
} from '../../src/api/admin/routes/session-schemas';
import type {
  AttemptSchema,
  CreatedWebhookSchema,
  DeliveryDetailSchema,
  DeliveryListSchema,
  DeliverySchema,
  WebhookListSchema,
  WebhookSchema,
} from '../../src/api/admin/routes/webhooks';
import type {
  AccountSchema,
  CredentialSchema,
  ErrorBody,
  CustomFieldListSchema,
  CustomFieldSchema,
  EmployeeListSchema,
  EmployeeSchema,
  LocationListSchema,
  LocationSchema,
  LoopTypeListSchema,
  LoopTypeSchema,
  SurveyListSchema,
  SurveySchema,
  SurveySummarySchema,
} from '../../src/api/admin/schemas';

export type ApiErrorBody = Static<typeof ErrorBody>;
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

/* list answers, envelope included */
export type LocationList = Static<typeof LocationListSchema>;
export type LoopTypeList = Static<typeof LoopTypeListSchema>;
export type CustomFieldList = Static<typeof CustomFieldListSchema>;
export type SurveyList = Static<typeof SurveyListSchema>;
export type ApiClientList = Static<typeof ClientListSchema>;
export type LevelList = Static<typeof LevelListSchema>;
export type ProductList = Static<typeof ProductListSchema>;
export type MemberList = Static<typeof LoyaltyMemberListSchema>;
export type CompetitorList = Static<typeof CompetitorListSchema>;
export type CompetitiveSetList = Static<typeof CompetitiveSetListSchema>;
export type ReviewQuestionList = Static<typeof ReviewQuestionListSchema>;
export type RuleList = Static<typeof RuleListSchema>;
export type TemplateList = Static<typeof TemplateListSchema>;
export type WebhookList = Static<typeof WebhookListSchema>;
export type DeliveryList = Static<typeof DeliveryListSchema>;
export type DeliveryDetail = Static<typeof DeliveryDetailSchema>;

/* the staff session, staff members and the audit log */
export type Session = Static<typeof SessionSchema>;
export type Role = Static<typeof RoleSchema>;
export type StaffMember = Static<typeof StaffSchema>;
export type StaffList = Static<typeof StaffListSchema>;
export type StaffInvited = Static<typeof StaffInvitedSchema>;
export type AuditItem = Static<typeof AuditItemSchema>;
export type AuditPage = Static<typeof AuditPageSchema>;
export type RealtimeTicket = Static<typeof TicketSchema>;

/* a guest's timeline and export */
export type TimelineItem = Static<typeof TimelineItemSchema>;
export type TimelinePage = Static<typeof TimelineSchema>;
export type GuestExport = Static<typeof GuestExportSchema>;

/* the inbox: its list, guest requests, chat sessions, notes, assignees, employees */
export type ThreadKind = Static<typeof ThreadKindSchema>;
export type InboxItem = Static<typeof InboxItemSchema>;
export type InboxList = Static<typeof InboxListSchema>;
export type GuestRequest = Static<typeof RequestSchema>;
export type RequestActivity = Static<typeof RequestActivitySchema>;
export type ChatSession = Static<typeof ChatSessionSchema>;
export type ChatMessage = Static<typeof ChatMessageSchema>;
export type ChatHistory = Static<typeof ChatHistorySchema>;
export type Note = Static<typeof NoteSchema>;
export type NoteList = Static<typeof NoteListSchema>;
export type Assignee = Static<typeof AssigneeSchema>;
export type Employee = Static<typeof EmployeeSchema>;
export type EmployeeList = Static<typeof EmployeeListSchema>;
