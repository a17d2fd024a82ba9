import { Type } from '@sinclair/typebox';
import { CHAT_CONTENT_TYPES, MAX_CHAT_CONTENT_CHARS, MAX_CHAT_URL_CHARS, MAX_LOCAL_ID_CHARS } from '../../../core/chat/chat-message-input.js';
import { BigId, Id, Instant, Nullable } from '../schemas.js';

/* Wire schemas of the staff chat: sessions, messages, typing, realtime tickets. */

export const ChatMessageSchema = Type.Object({
  id: Type.Integer({ description: 'message id (64-bit, also the LooponEvent chatMessage.id)' }),
  sessionId: Id,
  stayId: Nullable(Id),
  author: Type.String({ description: 'guest or hotel' }),
  authorName: Type.String(),
  authorAvatarUrl: Nullable(Type.String()),
  media: Nullable(Type.String({ description: 'appchat (the guest app), webchat (staff), sms, facebook, email' })),
  contentType: Type.String({ enum: [...CHAT_CONTENT_TYPES] }),
  content: Nullable(Type.String({ description: 'text/plain, or text/html sanitised to a small allow-list' })),
  url: Nullable(Type.String({ description: 'the image of an image/* message' })),
  localId: Nullable(Type.String()),
  photo: Type.Optional(
    Nullable(
      Type.Object(
        { url: Type.String({ description: 'signed link to the photo, relative to PUBLIC_URL' }), expiresAt: Instant },
        { description: 'a photo the guest sent from the stay page (url is its stable reference): a signed link that expires in an hour' },
      ),
    ),
  ),
  readAt: Nullable(Instant),
  createdAt: Instant,
  updatedAt: Instant,
});

export const ChatSessionSchema = Type.Object({
  id: Id,
  guestId: Id,
  guestName: Nullable(Type.String()),
  locationId: Id,
  stayId: Nullable(Id),
  language: Type.String(),
  messengerRef: Nullable(Type.String()),
  createdAt: Instant,
  expiresAt: Nullable(Instant),
  expired: Type.Boolean(),
  lastMessage: Nullable(ChatMessageSchema),
  unreadCount: Type.Integer({ description: 'guest messages the hotel has not read' }),
});

export const ChatSessionListQuery = Type.Object(
  {
    locationId: Type.Optional(Id),
    unread: Type.Optional(Type.Boolean({ description: 'true: only sessions with unread guest messages' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const ChatSessionListSchema = Type.Object({
  sessions: Type.Array(ChatSessionSchema),
  limit: Type.Integer(),
  offset: Type.Integer(),
  nextOffset: Nullable(Type.Integer()),
});

const MessageId = { ...BigId, description: 'a message id' };

export const ChatHistoryQuery = Type.Object(
  {
    before: Type.Optional(MessageId),
    after: Type.Optional(MessageId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const ChatHistorySchema = Type.Object({
  messages: Type.Array(ChatMessageSchema, { description: 'oldest first' }),
  hasMore: Type.Boolean({ description: 'more messages before the first (or, with after, after the last)' }),
});

export const HotelMessageBody = Type.Object(
  {
    authorName: Type.String({ minLength: 1, maxLength: 100, description: 'shown to the guest, e.g. "Front desk" or the staff member' }),
    authorAvatarUrl: Type.Optional(Nullable(Type.String({ maxLength: MAX_CHAT_URL_CHARS, description: 'http(s) URL of the avatar' }))),
    contentType: Type.Optional(Type.String({ enum: [...CHAT_CONTENT_TYPES], default: 'text/plain' })),
    content: Type.Optional(Type.String({ maxLength: MAX_CHAT_CONTENT_CHARS * 4 })),
    url: Type.Optional(Type.String({ maxLength: MAX_CHAT_URL_CHARS })),
    localId: Type.Optional(Type.String({ maxLength: MAX_LOCAL_ID_CHARS })),
  },
  { additionalProperties: false },
);

export const MarkReadBody = Type.Optional(
  Type.Union([
    Type.Object(
      {
        upTo: Type.Optional(MessageId),
        staffId: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the employee who read (admin token only); their inbox counts it read' }),
        ),
      },
      { additionalProperties: false, description: 'read up to this message id; absent: all' },
    ),
    Type.Null(),
  ]),
);

export const MarkReadSchema = Type.Object({ updated: Type.Integer({ description: 'guest messages marked read' }), readAt: Nullable(Instant) });

export const TypingBody = Type.Object(
  {
    authorName: Type.String({ minLength: 1, maxLength: 100 }),
    authorAvatarUrl: Type.Optional(Nullable(Type.String({ maxLength: MAX_CHAT_URL_CHARS }))),
    timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 10, description: 'seconds the indicator may show' })),
  },
  { additionalProperties: false },
);

export const TicketSchema = Type.Object({
  ticket: Type.String({ description: 'single use; valid for 30 seconds' }),
  expiresAt: Instant,
  url: Type.String({ description: 'the staff WebSocket with the ticket: open it at once' }),
});
