import type { Db } from '../../db/database.js';
import type { LoyaltyProduct } from '../../db/schema.js';
import { badRequest, notFound } from '../shared/errors.js';
import { MAX_POINTS } from './points-limit.js';

/** What a product is made of; undefined leaves a field as it is (on change). */
export interface ProductInput {
  title?: string;
  category?: number | null;
  image?: string | null;
  points?: number;
  featured?: boolean;
  startDate?: string | null;
  endDate?: string | null;
  code?: string | null;
  isVisible?: boolean;
  promocode?: string | null;
  notifyAlertEmails?: boolean;
  /** location ids */
  hotels?: number[];
  /** level ids */
  levels?: number[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function columns(input: ProductInput): Partial<LoyaltyProduct> {
  if (input.title !== undefined && input.title.trim() === '') throw badRequest('title must not be empty');
  if (input.points !== undefined && (!Number.isInteger(input.points) || input.points < 0 || input.points > MAX_POINTS)) {
    throw badRequest(`points must be an integer from 0 to ${MAX_POINTS}`);
  }
  if (
    input.category !== undefined &&
    input.category !== null &&
    !(Number.isInteger(input.category) && input.category >= -2_147_483_648 && input.category <= 2_147_483_647)
  ) {
    throw badRequest('category must be a 32-bit integer');
  }
  for (const [name, value] of [
    ['startDate', input.startDate],
    ['endDate', input.endDate],
  ] as const) {
    if (value && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) throw badRequest(`${name} must be a date YYYY-MM-DD`);
  }
  const out: Partial<LoyaltyProduct> = {};
  if (input.title !== undefined) out.title = input.title.trim();
  if (input.category !== undefined) out.category = input.category;
  if (input.image !== undefined) out.image = input.image;
  if (input.points !== undefined) out.points = input.points;
  if (input.featured !== undefined) out.featured = input.featured ? 1 : 0;
  if (input.startDate !== undefined) out.start_date = input.startDate;
  if (input.endDate !== undefined) out.end_date = input.endDate;
  if (input.code !== undefined) out.code = input.code;
  if (input.isVisible !== undefined) out.is_visible = input.isVisible ? 1 : 0;
  if (input.promocode !== undefined) out.promocode = input.promocode;
  if (input.notifyAlertEmails !== undefined) out.notify_alert_emails = input.notifyAlertEmails ? 1 : 0;
  if (input.hotels !== undefined) out.hotels = JSON.stringify(input.hotels);
  if (input.levels !== undefined) out.levels = JSON.stringify(input.levels);
  return out;
}

export async function createProduct(
  db: Db,
  accountId: number,
  input: ProductInput & { title: string; points: number },
  now = Date.now(),
): Promise<LoyaltyProduct> {
  const values = columns(input);
  return db
    .insertInto('loyalty_products')
    .values({
      account_id: accountId,
      title: input.title,
      points: input.points,
      category: null,
      image: null,
      featured: 0,
      start_date: null,
      end_date: null,
      code: null,
      is_visible: 1,
      promocode: null,
      notify_alert_emails: 0,
      hotels: '[]',
      levels: '[]',
      ...values,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateProduct(db: Db, accountId: number, id: number, input: ProductInput, now = Date.now()): Promise<LoyaltyProduct> {
  const row = await db
    .updateTable('loyalty_products')
    .set({ ...columns(input), updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('product');
  return row;
}

export async function findProduct(db: Db, accountId: number, id: number): Promise<LoyaltyProduct | undefined> {
  return db.selectFrom('loyalty_products').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's products by id, with how many there are; `visibleOnly` leaves hidden ones out. */
export async function listProducts(
  db: Db,
  accountId: number,
  opts: { limit: number; offset: number; visibleOnly?: boolean },
): Promise<{ count: number; rows: LoyaltyProduct[] }> {
  let query = db.selectFrom('loyalty_products').where('account_id', '=', accountId);
  if (opts.visibleOnly) query = query.where('is_visible', '=', 1);
  const { count } = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id').limit(opts.limit).offset(opts.offset).execute();
  return { count: Number(count), rows };
}
