import { announceCacheChange } from '../../db/cache-notices.js';
import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { prepared } from '../../db/prepared.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import type { I18nText } from '../shared/json.js';

/** What a hotel configures for a location (a hotel, restaurant, ship; a "unit" to Loopon). */
export interface LocationInput {
  shortcode?: string | null;
  title?: I18nText;
  kind?: 'location' | 'chain' | 'competitor';
  parentId?: number | null;
  propertyCode?: string | null;
  timezone?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  country?: string | null;
  state?: string | null;
  city?: string | null;
  zipCode?: string | null;
  streetName?: string | null;
  streetNumber?: string | null;
  /** the review sites a guest who would recommend the hotel is offered after a survey (null: none) */
  reviewLinks?: ReviewLink[] | null;
}

/** One review site of a location: its name as guests know it, and the page where they write a review. */
export interface ReviewLink {
  name: string;
  url: string;
}

export const MAX_REVIEW_LINKS = 10;

/** Review links as stored (JSON text): names trimmed and not blank, URLs absolute http(s). */
function reviewLinksColumn(links: ReviewLink[] | null): string | null {
  if (links === null || links.length === 0) return null;
  if (links.length > MAX_REVIEW_LINKS) throw badRequest(`reviewLinks: at most ${MAX_REVIEW_LINKS} links`);
  const out = links.map((link, i) => {
    const name = typeof link?.name === 'string' ? link.name.trim() : '';
    if (name === '' || name.length > 100) throw badRequest(`reviewLinks[${i}].name must be 1 to 100 characters`);
    let url: URL | undefined;
    try {
      url = new URL(String(link.url));
    } catch {}
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || String(link.url).length > 2000) {
      throw badRequest(`reviewLinks[${i}].url must be an absolute http(s) URL`);
    }
    return { name, url: url.href };
  });
  return JSON.stringify(out);
}

/** A location's review links (none when unset or unreadable). */
export function reviewLinksOf(location: Pick<Location, 'review_links'>): ReviewLink[] {
  if (!location.review_links) return [];
  try {
    const links = JSON.parse(location.review_links) as ReviewLink[];
    return Array.isArray(links) ? links : [];
  } catch {
    return [];
  }
}

/** An IANA time zone name as Intl knows it; anything else is a 400. */
function checkTimezone(value: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw badRequest(`timezone "${value}" is not an IANA time zone such as Europe/Madrid`);
  }
}

/** The columns the input sets; a shortcode is trimmed and never blank, a time zone is a real one. */
function columns(input: LocationInput) {
  if (typeof input.shortcode === 'string') {
    input = { ...input, shortcode: input.shortcode.trim() };
    if (input.shortcode === '') throw badRequest('shortcode cannot be blank');
  }
  if (typeof input.timezone === 'string') checkTimezone(input.timezone);
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = {
    shortcode: 'shortcode',
    kind: 'kind',
    parentId: 'parent_id',
    propertyCode: 'property_code',
    timezone: 'timezone',
    latitude: 'latitude',
    longitude: 'longitude',
    country: 'country',
    state: 'state',
    city: 'city',
    zipCode: 'zip_code',
    streetName: 'street_name',
    streetNumber: 'street_number',
  };
  for (const [key, column] of Object.entries(map)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[column] = value;
  }
  if (input.title !== undefined) out.title = JSON.stringify(input.title);
  if (input.reviewLinks !== undefined) out.review_links = reviewLinksColumn(input.reviewLinks);
  return out;
}

async function checkParent(db: Db, accountId: number, parentId: number | null | undefined, selfId?: number) {
  if (parentId === undefined || parentId === null) return;
  if (parentId === selfId) throw badRequest('a location cannot contain itself');
  const parent = await findLocation(db, accountId, parentId);
  if (!parent) throw badRequest(`parent location ${parentId} does not exist`);
  if (parent.kind !== 'chain') throw badRequest(`parent location ${parentId} is not a chain`);
}

/** A location that contains others stays a chain: 400 when `kind` would make it anything else. */
async function checkStaysChain(db: Db, accountId: number, id: number, kind: LocationInput['kind']): Promise<void> {
  if (kind === undefined || kind === 'chain') return;
  const children = await db.selectFrom('locations').select('id').where('account_id', '=', accountId).where('parent_id', '=', id).execute();
  if (children.length) throw badRequest(`location ${id} contains ${children.length} location(s); it must stay a chain`);
}

/** Drops the account's cached locations (location-cache.ts) in every process: after any change of its locations. */
export function locationsChanged(db: Db, accountId: number): Promise<void> {
  return announceCacheChange(db, { topic: 'locations', accountId });
}

/** Creates a location; a taken shortcode is a 409. */
export async function createLocation(db: Db, accountId: number, input: LocationInput): Promise<Location> {
  const values = columns(input);
  if (!input.title || Object.keys(input.title).length === 0) throw badRequest('title is required');
  await checkParent(db, accountId, input.parentId);
  const now = Date.now();
  try {
    const created = await db
      .insertInto('locations')
      .values({
        ...(values as object),
        account_id: accountId,
        title: JSON.stringify(input.title),
        kind: input.kind ?? 'location',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await locationsChanged(db, accountId);
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a location with shortcode "${input.shortcode}" already exists`);
    throw err;
  }
}

/** Changes only the fields given; a location that contains others stays a chain. */
export async function updateLocation(db: Db, accountId: number, id: number, input: LocationInput): Promise<Location> {
  const values = columns(input);
  await getLocation(db, accountId, id);
  await checkStaysChain(db, accountId, id, input.kind);
  await checkParent(db, accountId, input.parentId, id);
  try {
    await db
      .updateTable('locations')
      .set({ ...(values as object), updated_at: Date.now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a location with shortcode "${input.shortcode}" already exists`);
    throw err;
  }
  await locationsChanged(db, accountId);
  return getLocation(db, accountId, id);
}

/** Deletes a location; one that guests' feedback or requests refer to is kept (409), never lost. */
export async function deleteLocation(db: Db, accountId: number, id: number): Promise<void> {
  try {
    const result = await db.deleteFrom('locations').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('location');
    await locationsChanged(db, accountId);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw conflict('this location has loops or survey responses and cannot be deleted');
    throw err;
  }
}

export async function listLocations(db: Db, accountId: number): Promise<Location[]> {
  return db.selectFrom('locations').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

const locationById = prepared((db, accountId: number, id: number) =>
  db.selectFrom('locations').selectAll().where('account_id', '=', accountId).where('id', '=', id),
);

export async function findLocation(db: Db, accountId: number, id: number): Promise<Location | undefined> {
  return (await locationById(db, accountId, id)).rows[0] as Location | undefined;
}

export async function getLocation(db: Db, accountId: number, id: number): Promise<Location> {
  const location = await findLocation(db, accountId, id);
  if (!location) throw notFound('location');
  return location;
}

/**
 * The ids among `ids` that name no location of the account, in the order given: what other
 * modules check before they keep references to locations (the columns have no foreign key).
 */
export async function missingLocationIds(db: Db, accountId: number, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await db.selectFrom('locations').select('id').where('account_id', '=', accountId).where('id', 'in', unique).execute();
  const known = new Set(found.map((f) => f.id));
  return ids.filter((id) => !known.has(id));
}

export async function findLocationByShortcode(db: Db, accountId: number, shortcode: string): Promise<Location | undefined> {
  return db.selectFrom('locations').selectAll().where('account_id', '=', accountId).where('shortcode', '=', shortcode).executeTakeFirst();
}
