import { randomBytes } from '../shared/random-bytes.js';
import type { ChatAttachment, ChatSession } from '../../db/schema.js';
import { signPageLink, verifyPageLink } from '../accounts/page-links.js';
import type { ChatDb } from './chat-db.js';

/*
 * Photos guests send in the chat. The type is read from the bytes (magic numbers), never from what
 * the browser declared; the bytes are kept in the database (chat_attachments), so any instance on
 * the database serves them. A message refers to a photo by a stable URL that opens nothing by
 * itself ({PUBLIC_URL}/g/media/<publicId>); guests and staff get signed, expiring links to it.
 */

/** The largest photo accepted. */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** How long a signed media link works. */
export const MEDIA_LINK_TTL_S = 3600;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The image type the bytes say, or undefined (GIF too: images from elsewhere may be GIFs). */
export function sniffImage(bytes: Buffer): PhotoType | 'image/gif' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return 'image/gif';
  // ISO base media file: a 'ftyp' box whose brand is one of HEIF's (HEIC photos from phones).
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp' && /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(bytes.toString('latin1', 8, 12))) {
    return 'image/heic';
  }
  return undefined;
}

/** The path of a photo's stable reference (what a message's url holds after PUBLIC_URL). */
export const mediaPath = (publicId: string) => `/g/media/${publicId}`;

/** The public id in a message URL of ours, when `url` is one. */
export function mediaIdOf(publicUrl: string, url: string): string | undefined {
  const prefix = `${publicUrl.replace(/\/$/, '')}/g/media/`;
  if (!url.startsWith(prefix)) return undefined;
  const id = url.slice(prefix.length);
  return /^[A-Za-z0-9_-]{22}$/.test(id) ? id : undefined;
}

export async function storeAttachment(db: ChatDb, session: ChatSession, type: PhotoType, data: Buffer, now = Date.now()): Promise<ChatAttachment> {
  return db
    .insertInto('chat_attachments')
    .values({
      account_id: session.account_id,
      session_id: session.id,
      public_id: randomBytes(16).toString('base64url').slice(0, 22),
      content_type: type,
      byte_size: data.length,
      data,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A photo by its public id, without its bytes. */
export async function findAttachmentInfo(db: ChatDb, publicId: string): Promise<Omit<ChatAttachment, 'data'> | undefined> {
  return db
    .selectFrom('chat_attachments')
    .select(['id', 'account_id', 'session_id', 'public_id', 'content_type', 'byte_size', 'created_at'])
    .where('public_id', '=', publicId)
    .executeTakeFirst();
}

export async function readAttachment(db: ChatDb, publicId: string): Promise<ChatAttachment | undefined> {
  const row = await db.selectFrom('chat_attachments').selectAll().where('public_id', '=', publicId).executeTakeFirst();
  return row ? { ...row, data: Buffer.from(row.data) } : undefined;
}

const mediaSubject = (publicId: string, expires: number) => `media:${publicId}:${expires}`;

/** A signed link to a photo (path and query), valid MEDIA_LINK_TTL_S from `now`. */
export function signedMediaPath(secret: string, publicId: string, now = Date.now()): { path: string; expiresAt: number } {
  const expires = Math.floor(now / 1000) + MEDIA_LINK_TTL_S;
  return { path: `${mediaPath(publicId)}?exp=${expires}&sig=${signPageLink(secret, mediaSubject(publicId, expires))}`, expiresAt: expires * 1000 };
}

/** Whether a media link's exp and sig hold for `publicId` now. */
export function verifyMediaLink(secret: string, publicId: string, exp: unknown, sig: unknown, now = Date.now()): boolean {
  if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
  const expires = Number(exp);
  return expires * 1000 > now && verifyPageLink(secret, mediaSubject(publicId, expires), sig);
}
