import type { Db } from '../../db/database.js';
import type { Location } from '../../db/schema.js';

/*
 * Units are the account's own locations: a hotel, restaurant or ship, or a chain that contains
 * units. Competitors (kind 'competitor') appear only inside competitive sets.
 */

/**
 * The account's own units (locations and chains) as stored, by id. The evaluation a unit uses
 * by default when none was chosen is feedback's rule: feedback/unit-default-evaluations.ts.
 */
export async function listUnits(db: Db, accountId: number): Promise<Location[]> {
  return db.selectFrom('locations').selectAll().where('account_id', '=', accountId).where('kind', '!=', 'competitor').orderBy('id').execute();
}

/** Every unit below `chainId` (children, grandchildren...), not the chain itself. */
export function descendantsOf(units: Location[], chainId: number): Location[] {
  const out: Location[] = [];
  const seen = new Set<number>([chainId]);
  let frontier = [chainId];
  while (frontier.length) {
    const children = units.filter((u) => u.parent_id !== null && frontier.includes(u.parent_id) && !seen.has(u.id));
    for (const c of children) seen.add(c.id);
    out.push(...children);
    frontier = children.map((c) => c.id);
  }
  return out;
}

/**
 * The units a client may use: all of the account's, or those it was granted and everything
 * below the chains among them.
 */
export function accessibleUnits(units: Location[], granted: number[] | null): Location[] {
  if (granted === null) return units;
  const ids = new Set<number>();
  for (const id of granted) {
    const unit = units.find((u) => u.id === id);
    if (!unit) continue;
    ids.add(unit.id);
    if (unit.kind === 'chain') for (const d of descendantsOf(units, unit.id)) ids.add(d.id);
  }
  return units.filter((u) => ids.has(u.id));
}

/** The hotels a unit stands for: itself, or for a chain the non-chain units below it. */
export function memberUnits(units: Location[], unit: Location): Location[] {
  if (unit.kind !== 'chain') return [unit];
  return descendantsOf(units, unit.id).filter((u) => u.kind !== 'chain');
}
