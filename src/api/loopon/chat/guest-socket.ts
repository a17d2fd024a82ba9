import type { Db } from '../../../db/database.js';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { ChatHubMessage } from '../../../core/chat/chat-hub.js';
import { listSessionChangesAfter, type StoredChatEvent } from '../../../core/chat/chat-events.js';
import { readChatMessageInput, readLocalId, tooLarge } from '../../../core/chat/chat-message-input.js';
import { postChatMessageTo, recordGuestPresence } from '../../../core/chat/chat-messages.js';
import { chatSessionExpired, findChatSessionByKey } from '../../../core/chat/chat-sessions.js';
import { readDeviceCursor, saveDeviceCursor } from '../../../core/chat/device-cursors.js';
import { errorLooponEvent, looponEvent, typingLooponEvent, type ChatErrorReport } from '../../../core/chat/loopon-event.js';
import { findGuest } from '../../../core/guests/guests.js';
import { AppError, badRequest } from '../../../core/shared/errors.js';
import type { ChatSession } from '../../../db/schema.js';
import { inWriteTransaction } from '../../../db/write-transaction.js';
import { keepAlive, sendText, type Realtime } from '../../http/realtime.js';
import type { CredentialFailures } from '../../http/credential-failures.js';
import type { LooponDeps } from '../context.js';
import { GUEST_ACTOR, inTransaction } from '../../../core/shared/write-context.js';
import { requestOrigin } from '../../http/write-origin.js';

/*
 * A guest app's chat socket (Loopon's Manage Realtime Chat): the session key in the URL is the
 * credential. Every text frame holds one or more LooponEvents separated by newlines; the app may
 * send chatMessage and typingIndicator. A message is stored and comes back to every socket of the
 * session (the sender's echo) with its read-only fields set; a bad event is answered with an
 * errorMessage event and the socket stays open. With ?deviceId= the socket first replays what
 * that device was not sent yet.
 */

/** A frame's data as ws hands it over. */
type RawData = Buffer | ArrayBuffer | Buffer[];

/** Close codes: the session key names no session, or one that expired; a bad deviceId. */
export const CLOSE_UNKNOWN_SESSION = 4404;
export const CLOSE_EXPIRED_SESSION = 4410;
export const CLOSE_BAD_REQUEST = 4400;
/** Too many unknown session keys from this address (or for this key): the credential-failure limits. */
export const CLOSE_TOO_MANY_ATTEMPTS = 4429;

/** The largest frame read; a larger one (up to the hard limit) gets a 413 error event. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Events of one frame read at most; the rest get one error event. */
const MAX_EVENTS_PER_FRAME = 50;
/** Chat messages one socket may send per window (else a 429 error event). */
const MESSAGES_PER_WINDOW = 30;
const MESSAGE_WINDOW_MS = 10_000;
/** Frames waiting to be handled on one socket before new ones are refused (429). */
const MAX_QUEUED_FRAMES = 100;
/** Events per replay frame and per page read. */
const REPLAY_PAGE = 100;
/** How often a device's cursor is written while events flow (and always at close). */
const CURSOR_SAVE_MS = 1_000;
const MAX_DEVICE_ID_CHARS = 128;
/** What a guest's typing indicator says when it gives no timeout, and the most it may say. */
const DEFAULT_TYPING_TIMEOUT_S = 10;
const MAX_TYPING_TIMEOUT_S = 60;

interface Params {
  lang: string;
  sessionId: string;
}

export type GuestSocketRequest = FastifyRequest<{ Params: Params; Querystring: Record<string, unknown> }>;

export function openGuestChat(deps: LooponDeps & { realtime: Realtime }, failures: CredentialFailures, socket: WebSocket, request: GuestSocketRequest): void {
  const { db, realtime } = deps;
  const log = request.log;
  // The guest app is the actor of what its socket writes; the upgrade request's id traces it.
  const guestWrite = (accountId: number, trx: Db) => inTransaction(requestOrigin(request, accountId, GUEST_ACTOR), trx);
  let session: ChatSession | undefined;
  let guestName = '';
  let deviceId: string | null = null;
  let connected = false;
  let queued = 0;
  const sentTimes: number[] = [];

  // Replay bookkeeping: live events that arrive during the replay wait for it; events it covered are not sent twice.
  let replaying = true;
  let replayedUpTo = 0;
  const heldBack: StoredChatEvent[] = [];
  let cursorSeq = 0;
  let savedSeq = 0;
  let cursorTimer: NodeJS.Timeout | undefined;

  const report = (problem: ChatErrorReport) => sendText(socket, JSON.stringify(errorLooponEvent(session?.session_key ?? '', problem, Date.now())));

  const saveCursor = () => {
    cursorTimer = undefined;
    if (!session || !deviceId || cursorSeq <= savedSeq) return;
    const seq = cursorSeq;
    const { account_id, id } = session;
    const device = deviceId;
    savedSeq = seq;
    void realtime
      .track(inWriteTransaction(db, (trx) => saveDeviceCursor(trx, account_id, id, device, seq)))
      .catch((err) => log.warn({ err }, 'chat device cursor not saved'));
  };

  const deliver = (events: StoredChatEvent[]) => {
    if (events.length === 0) return;
    sendText(socket, events.map((event) => JSON.stringify(looponEvent(event))).join('\n'));
    for (const event of events) cursorSeq = Math.max(cursorSeq, event.seq);
    if (deviceId && !cursorTimer) cursorTimer = setTimeout(saveCursor, CURSOR_SAVE_MS);
  };

  const onHub = (message: ChatHubMessage) => {
    if (message.kind === 'typing') {
      // The guest's own typing goes to the staff, not back to the guest's devices.
      if (message.typing.author === 'hotel') sendText(socket, JSON.stringify(typingLooponEvent(message.sessionKey, message.typing, message.at)));
      return;
    }
    // Guests see chat messages; guestConnect and guestDisconnect are for the stay callback.
    if (message.kind !== 'event' || message.event.type !== 'chatMessage') return;
    if (replaying) heldBack.push(message.event);
    else if (message.event.seq > replayedUpTo) deliver([message.event]);
  };

  let unsubscribe: (() => void) | undefined;
  let stopKeepAlive: (() => void) | undefined;

  const setup = async () => {
    const key = request.params.sessionId;
    const locked = failures.lockout(request, key);
    if (locked) {
      socket.close(CLOSE_TOO_MANY_ATTEMPTS, locked.message);
      return;
    }
    const found = await findChatSessionByKey(db, key);
    if (!found) {
      await failures.failed(request, key);
      socket.close(CLOSE_UNKNOWN_SESSION, 'unknown chat session');
      return;
    }
    if (chatSessionExpired(found)) {
      socket.close(CLOSE_EXPIRED_SESSION, 'chat session expired');
      return;
    }
    const rawDevice = request.query.deviceId;
    const device = Array.isArray(rawDevice) ? rawDevice[0] : rawDevice;
    if (device !== undefined && (typeof device !== 'string' || device.length === 0 || device.length > MAX_DEVICE_ID_CHARS)) {
      socket.close(CLOSE_BAD_REQUEST, `deviceId must be 1 to ${MAX_DEVICE_ID_CHARS} characters`);
      return;
    }
    const name = (await findGuest(db, found.account_id, found.guest_id))?.name ?? '';
    // Closed while it was looked up: nothing to set up (from here on, the close handler cleans up).
    if (socket.readyState !== socket.OPEN) return;
    session = found;
    deviceId = device ?? null;
    guestName = name;
    realtime.open.guest += 1;
    connected = true;
    stopKeepAlive = keepAlive(socket, realtime.pingIntervalMs);
    unsubscribe = realtime.hub.subscribeSession(found.account_id, found.id, onHub);
    const presence = await realtime.track(
      inWriteTransaction(db, (trx) => recordGuestPresence(guestWrite(found.account_id, trx), found, 'guestConnect', deviceId)),
    );
    realtime.hub.publish({ kind: 'event', accountId: found.account_id, sessionId: found.id, locationId: found.location_id, event: presence });
    if (deviceId) {
      let after = await readDeviceCursor(db, found.account_id, found.id, deviceId);
      savedSeq = cursorSeq = after;
      for (;;) {
        const page = await listSessionChangesAfter(db, found.account_id, found, after, ['chatMessage'], REPLAY_PAGE);
        deliver(page);
        if (page.length > 0) after = page[page.length - 1].seq;
        if (page.length < REPLAY_PAGE) break;
      }
      replayedUpTo = after;
    }
    replaying = false;
    deliver(heldBack.splice(0).filter((event) => event.seq > replayedUpTo));
  };

  const handleEvent = async (line: string) => {
    if (!session) return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw badRequest('an event must be one JSON object per line');
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw badRequest('an event must be a JSON object');
    const { type } = event as Record<string, unknown>;
    if (type === 'chatMessage') return receiveMessage((event as Record<string, unknown>).chatMessage);
    if (type === 'typingIndicator') return receiveTyping((event as Record<string, unknown>).typingIndicator);
    throw badRequest(`a guest app sends events of type chatMessage or typingIndicator, not ${JSON.stringify(type) ?? 'none'}`);
  };

  const receiveMessage = async (raw: unknown) => {
    const now = Date.now();
    while (sentTimes.length > 0 && sentTimes[0] <= now - MESSAGE_WINDOW_MS) sentTimes.shift();
    if (sentTimes.length >= MESSAGES_PER_WINDOW)
      throw new AppError('rate_limited', 429, `at most ${MESSAGES_PER_WINDOW} messages per ${MESSAGE_WINDOW_MS / 1000} s`);
    const input = readChatMessageInput(raw);
    sentTimes.push(now);
    const current = session!;
    const stored = await realtime.track(
      inWriteTransaction(db, async (trx) => {
        // The session as it is now: a later registration may have moved its stay or expiry.
        const from = { author: 'guest' as const, authorName: guestName, authorAvatarUrl: null, media: 'appchat' as const };
        const posted = await postChatMessageTo(guestWrite(current.account_id, trx), current.id, from, input, (fresh) => {
          if (chatSessionExpired(fresh, now)) throw new AppError('session_expired', 410, 'chat session expired');
        });
        if (!posted) throw new AppError('session_expired', 410, 'chat session expired');
        return posted.event;
      }),
    );
    realtime.hub.publish({ kind: 'event', accountId: current.account_id, sessionId: current.id, locationId: current.location_id, event: stored });
  };

  const receiveTyping = async (raw: unknown) => {
    const part = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const asked = typeof part.timeout === 'number' && Number.isFinite(part.timeout) ? Math.round(part.timeout) : DEFAULT_TYPING_TIMEOUT_S;
    const timeout = Math.min(Math.max(asked, 1), MAX_TYPING_TIMEOUT_S);
    const current = session!;
    realtime.hub.publish({
      kind: 'typing',
      accountId: current.account_id,
      sessionId: current.id,
      locationId: current.location_id,
      sessionKey: current.session_key,
      typing: { timeout, author: 'guest', authorName: guestName, authorAvatarUrl: null },
      at: Date.now(),
    });
  };

  const handleFrame = async (data: RawData) => {
    if (!session || socket.readyState !== socket.OPEN) return;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (bytes.length > MAX_FRAME_BYTES) {
      report(problemOf(tooLarge(`a frame may hold at most ${MAX_FRAME_BYTES} bytes`), null));
      return;
    }
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    for (const [index, line] of lines.entries()) {
      if (index >= MAX_EVENTS_PER_FRAME) {
        report(problemOf(tooLarge(`a frame may hold at most ${MAX_EVENTS_PER_FRAME} events; the rest were not read`), null));
        return;
      }
      try {
        await handleEvent(line);
      } catch (err) {
        if (!(err instanceof AppError)) log.error({ err }, 'chat event failed');
        report(problemOf(err, localIdOf(line)));
        if (err instanceof AppError && err.code === 'session_expired') {
          socket.close(CLOSE_EXPIRED_SESSION, 'chat session expired');
          return;
        }
      }
    }
  };

  let chain: Promise<void> = setup().catch((err) => {
    log.error({ err }, 'chat socket setup failed');
    socket.close(1011, 'server error');
  });
  socket.on('message', (data) => {
    if (queued >= MAX_QUEUED_FRAMES) {
      report({ code: 'rate_limited', status: 429, message: 'too many frames waiting; slow down', localId: null });
      return;
    }
    queued += 1;
    chain = chain
      .then(() => handleFrame(data))
      .catch((err) => log.error({ err }, 'chat frame failed'))
      .finally(() => {
        queued -= 1;
      });
  });
  socket.on('close', () => {
    stopKeepAlive?.();
    unsubscribe?.();
    if (cursorTimer) clearTimeout(cursorTimer);
    if (!connected || !session) return;
    realtime.open.guest -= 1;
    saveCursor();
    const closed = session;
    // After the frames already received are handled, so the disconnect comes last.
    void realtime
      .track(
        chain.then(async () => {
          const presence = await inWriteTransaction(db, (trx) => recordGuestPresence(guestWrite(closed.account_id, trx), closed, 'guestDisconnect', deviceId));
          realtime.hub.publish({ kind: 'event', accountId: closed.account_id, sessionId: closed.id, locationId: closed.location_id, event: presence });
        }),
      )
      .catch((err) => log.warn({ err }, 'guestDisconnect not recorded'));
  });
}

function problemOf(err: unknown, localId: string | null): ChatErrorReport {
  if (err instanceof AppError) return { code: err.code, status: err.status, message: err.message, localId };
  return { code: 'internal_error', status: 500, message: 'the event could not be processed; try again', localId };
}

/** The localId of a chatMessage line, when one can be read, so the app can match the error to its message. */
function localIdOf(line: string): string | null {
  try {
    const event = JSON.parse(line) as { chatMessage?: { localId?: unknown } };
    return readLocalId(event?.chatMessage?.localId);
  } catch {
    return null;
  }
}
