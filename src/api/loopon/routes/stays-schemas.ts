import { Type } from '@sinclair/typebox';
import { PageQuery } from '../paging.js';
import { STAY_STATUSES } from '../../../core/stays/stays.js';
import { Nullable } from '../schemas.js';

/* Wire schemas of Loopon stays and their events. Unknown body fields are accepted and ignored. */

const Text = (maxLength: number, description: string) => Type.Optional(Nullable(Type.String({ maxLength, description })));
// PMSs send numbers for references, rooms and phone numbers; they are read as text.
const TextOrNumber = (maxLength: number, description: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Number(), Type.Null()], { description }));

export const StayCallbackBody = Type.Object({
  url: Type.String({ maxLength: 2048, description: 'URL to which LooponEvents are POSTed (http or https)' }),
  auth: Text(16, 'none (default), basic or bearer'),
  authToken: Text(2048, 'token sent as Authorization: Basic|Bearer <authToken>'),
});

export const StayBody = Type.Object({
  status: Type.String({ enum: STAY_STATUSES, description: "Current status of this guest's journey" }),
  name: Text(255, 'Full name of guest'),
  email: Text(254, 'E-mail address of the guest'),
  mobile: TextOrNumber(64, 'Mobile phone number in full international format'),
  language: Text(35, 'ISO 639-1 language the guest prefers; defaults to the unit language (en)'),
  bookingReference: TextOrNumber(255, 'Booking reference as provided by the PMS (possibly shared by several guests)'),
  bookingChannel: Text(255, "Booking source/channel for this guest's reservation"),
  marketSegment: Text(255, "Market segment for this guest's reservation"),
  ratePlan: Text(255, "Rate plan for this guest's reservation"),
  loyaltyProgram: Text(255, 'Loyalty program type'),
  loyaltyId: TextOrNumber(255, 'Loyalty number/identifier'),
  loyaltyLevel: Text(255, 'Loyalty level'),
  bookingDate: Text(32, 'Date (at the hotel) the stay was booked, YYYY-MM-DD'),
  checkinDate: Text(32, 'Check-in date (at the hotel), YYYY-MM-DD'),
  checkoutDate: Text(32, 'Check-out date (at the hotel), YYYY-MM-DD'),
  room: TextOrNumber(64, 'Room number'),
  roomCategory: Text(255, 'Room category (code)'),
  roomCategoryName: Text(255, 'Human readable name of the room category'),
  stayCallback: Type.Optional(Nullable(StayCallbackBody)),
});

export const StayParams = Type.Object({ unitId: Type.String(), stayId: Type.String() });

const GuestSchema = Type.Object({
  guestId: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  mobile: Nullable(Type.String()),
});

export const ChatSessionSchema = Type.Object({
  sessionId: Type.String({ description: 'Unique identifier of the chat session; it authenticates the guest app, keep it secret' }),
  wssUrl: Type.String({ description: 'WebSocket URL of the chat session (the same for the whole stay); add ?deviceId=<id> to replay unseen events' }),
  messengerRef: Nullable(Type.String({ description: 'Identifier used to reference this chat session from 3rd-party integrations such as Facebook Messenger' })),
});

export const StaySchema = Type.Object({
  stayId: Type.Integer(),
  unitId: Type.Integer(),
  guest: Nullable(GuestSchema),
  status: Type.String(),
  bookingReference: Nullable(Type.String()),
  bookingDate: Nullable(Type.String()),
  checkinDate: Nullable(Type.String()),
  checkoutDate: Nullable(Type.String()),
  room: Nullable(Type.String()),
  language: Type.String(),
  url: Type.String({ description: 'Guest page of this stay; a new URL on every registration, valid 30 days' }),
  chatSession: Type.Optional(ChatSessionSchema),
});

const Part = Type.Optional(Type.Object({}, { additionalProperties: true }));

export const LooponEventSchema = Type.Object({
  sessionId: Type.String(),
  created: Type.String({ description: 'ISO 8601 with milliseconds' }),
  type: Type.String({ description: 'chatMessage, typingIndicator, guestConnect, guestDisconnect or errorMessage' }),
  chatMessage: Part,
  errorMessage: Type.Optional(Type.String()),
  typingIndicator: Part,
  guestConnect: Part,
  guestDisconnect: Part,
  error: Part,
  // A typing indicator's fields are repeated at the top level (LooponKit reads them there).
  timeout: Type.Optional(Type.Integer()),
  author: Type.Optional(Type.String()),
  authorName: Type.Optional(Type.String()),
  authorAvatarUrl: Type.Optional(Nullable(Type.String())),
});

export const EventsQuery = Type.Object(PageQuery);
