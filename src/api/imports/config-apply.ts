import { keepEmployeeFaceId, findEmployeeRowId } from '../../core/accounts/employee-face-ids.js';
import { createEmployee, findEmployees, listEmployees, updateEmployee } from '../../core/accounts/employees.js';
import { addCompetitiveSetMember, createCompetitiveSet, listCompetitiveSets, removeCompetitiveSetMember } from '../../core/locations/competitive-sets.js';
import { createCustomField, listCustomFields, updateCustomField } from '../../core/locations/custom-fields.js';
import { keepLocationsFaceId } from '../../core/locations/face-ids.js';
import { createLocation, findLocation, findLocationByShortcode, listLocations, updateLocation, type LocationInput } from '../../core/locations/locations.js';
import { createLoopType, findLoopType, findLoopTypeByShortcode, updateLoopType } from '../../core/locations/loop-types.js';
import { badRequest, conflict } from '../../core/shared/errors.js';
import { parseJson } from '../../core/shared/json.js';
import type { Db } from '../../db/database.js';
import type { CatalogRecord, CompetitiveSetRecord, ConfigRecord, EmployeeRecord, FormerIds, LocationRecord } from './config-records.js';
import { kept, locationsFinder, type Outcome, resolveLocation, rowByIds } from './config-ids.js';
import { applySurvey } from './config-survey.js';

/*
 * Writes one line of a configuration import (config-records.ts) through the core functions, in the
 * caller's transaction. An object is found again by the ids it had before (kept on its row the
 * first time), else by its natural key (shortcode, username, property code, name); then created,
 * updated, or left unchanged, and its former ids kept. A second run of the same file therefore
 * changes nothing.
 */

export function applyConfigRecord(db: Db, accountId: number, record: ConfigRecord): Promise<Outcome> {
  switch (record.kind) {
    case 'chain':
    case 'location':
      return applyLocation(db, accountId, record);
    case 'competitiveSet':
      return applyCompetitiveSet(db, accountId, record);
    case 'loopType':
    case 'customField':
      return applyCatalog(db, accountId, record);
    case 'survey':
      return applySurvey(db, accountId, record);
    case 'employee':
      return applyEmployee(db, accountId, record);
  }
}

async function keepLocationIds(db: Db, accountId: number, rowId: number, ids: FormerIds): Promise<boolean> {
  let changed = false;
  if (ids.loop !== undefined) changed = kept(await keepLocationsFaceId(db, accountId, 'location', 'loop', rowId, ids.loop, undefined), 'ids.loop') || changed;
  if (ids.loopon !== undefined) {
    changed = kept(await keepLocationsFaceId(db, accountId, 'location', 'loopon', rowId, ids.loopon, ids.loopon), 'ids.loopon') || changed;
  }
  return changed;
}

async function applyLocation(db: Db, accountId: number, r: LocationRecord): Promise<Outcome> {
  const parentId = r.chain === null ? null : await resolveLocation(db, accountId, r.chain, 'chain');
  const input: LocationInput = {
    kind: r.kind === 'chain' ? 'chain' : r.competitor ? 'competitor' : 'location',
    shortcode: r.shortcode,
    title: r.title,
    parentId,
    propertyCode: r.propertyCode,
    timezone: r.timezone,
    latitude: r.latitude,
    longitude: r.longitude,
    country: r.country,
    state: r.state,
    city: r.city,
    zipCode: r.zipCode,
    streetName: r.streetName,
    streetNumber: r.streetNumber,
  };
  let id = await rowByIds(r.ids, locationsFinder(db, accountId, 'location'), 'location');
  if (id === undefined && r.shortcode !== null) id = (await findLocationByShortcode(db, accountId, r.shortcode))?.id;
  if (id === undefined && r.ids.loop === undefined && r.ids.loopon === undefined) {
    // Without ids or shortcode, a chain or unit is known by its property code, else its title.
    const all = await listLocations(db, accountId);
    const same = all.filter(
      (l) => l.kind === input.kind && (r.propertyCode !== null ? l.property_code === r.propertyCode : l.title === JSON.stringify(r.title)),
    );
    if (same.length > 1) throw badRequest(`several ${input.kind}s match this line; give it ids or a shortcode`);
    id = same[0]?.id;
  }
  if (id === undefined) {
    const created = await createLocation(db, accountId, input);
    await keepLocationIds(db, accountId, created.id, r.ids);
    return 'create';
  }
  const before = await findLocation(db, accountId, id);
  if (before && before.kind !== input.kind) throw conflict(`these ids name a ${before.kind}, not a ${input.kind}`);
  const same =
    before !== undefined &&
    before.shortcode === r.shortcode &&
    before.title === JSON.stringify(r.title) &&
    before.parent_id === parentId &&
    before.property_code === r.propertyCode &&
    before.timezone === r.timezone &&
    before.latitude === r.latitude &&
    before.longitude === r.longitude &&
    before.country === r.country &&
    before.state === r.state &&
    before.city === r.city &&
    before.zip_code === r.zipCode &&
    before.street_name === r.streetName &&
    before.street_number === r.streetNumber;
  if (!same) await updateLocation(db, accountId, id, input);
  const newIds = await keepLocationIds(db, accountId, id, r.ids);
  return same && !newIds ? 'unchanged' : 'update';
}

async function applyCompetitiveSet(db: Db, accountId: number, r: CompetitiveSetRecord): Promise<Outcome> {
  const owner = await resolveLocation(db, accountId, r.unit, 'unit');
  const members = [...new Set(await Promise.all(r.members.map((m, i) => resolveLocation(db, accountId, m, `members[${i}]`))))];
  const existing = (await listCompetitiveSets(db, accountId, [owner])).find((s) => s.set.name === r.name);
  if (!existing) {
    await createCompetitiveSet(db, accountId, { locationId: owner, name: r.name, memberIds: members });
    return 'create';
  }
  const add = members.filter((m) => !existing.memberIds.includes(m));
  const remove = existing.memberIds.filter((m) => !members.includes(m));
  for (const m of add) await addCompetitiveSetMember(db, accountId, existing.set.id, m);
  for (const m of remove) await removeCompetitiveSetMember(db, accountId, existing.set.id, m);
  return add.length || remove.length ? 'update' : 'unchanged';
}

async function applyCatalog(db: Db, accountId: number, r: CatalogRecord): Promise<Outcome> {
  const kind = r.kind === 'loopType' ? 'looptype' : 'customfield';
  if (r.ids.loopon !== undefined) throw badRequest(`a ${r.kind} has no Loopon id`);
  let id = await rowByIds(r.ids, locationsFinder(db, accountId, kind), r.kind);
  const fields = r.kind === 'customField' ? await listCustomFields(db, accountId) : [];
  if (id === undefined) {
    id = r.kind === 'loopType' ? (await findLoopTypeByShortcode(db, accountId, r.shortcode))?.id : fields.find((f) => f.shortcode === r.shortcode)?.id;
  }
  let outcome: Outcome;
  if (id === undefined) {
    id =
      r.kind === 'loopType'
        ? (await createLoopType(db, accountId, r.shortcode, r.title)).id
        : (await createCustomField(db, accountId, { shortcode: r.shortcode, title: r.title, required: r.required })).id;
    outcome = 'create';
  } else {
    const before = r.kind === 'loopType' ? await findLoopType(db, accountId, id) : fields.find((f) => f.id === id);
    const same =
      before !== undefined &&
      before.shortcode === r.shortcode &&
      before.title === JSON.stringify(r.title) &&
      (r.kind === 'loopType' || ('required' in before && before.required === (r.required ? 1 : 0)));
    if (!same) {
      if (r.kind === 'loopType') await updateLoopType(db, accountId, id, { shortcode: r.shortcode, title: r.title });
      else await updateCustomField(db, accountId, id, { shortcode: r.shortcode, title: r.title, required: r.required });
    }
    outcome = same ? 'unchanged' : 'update';
  }
  if (
    r.ids.loop !== undefined &&
    kept(await keepLocationsFaceId(db, accountId, kind, 'loop', id, r.ids.loop, undefined), 'ids.loop') &&
    outcome === 'unchanged'
  ) {
    outcome = 'update';
  }
  return outcome;
}

async function applyEmployee(db: Db, accountId: number, r: EmployeeRecord): Promise<Outcome> {
  if (r.ids.loopon !== undefined) throw badRequest('an employee has no Loopon id');
  const locationIds = await Promise.all(r.locations.map((ref, i) => resolveLocation(db, accountId, ref, `locations[${i}]`)));
  const input = { username: r.username, name: r.name, email: r.email, sms: r.sms, permissions: r.permissions, locationIds };
  let id = await rowByIds(r.ids, (face, value) => findEmployeeRowId(db, accountId, face, value, undefined), 'employee');
  id ??= (await findEmployees(db, accountId, { username: r.username }))[0]?.id;
  let outcome: Outcome;
  if (id === undefined) {
    id = (await createEmployee(db, accountId, input)).id;
    outcome = 'create';
  } else {
    const before = (await listEmployees(db, accountId)).find((e) => e.id === id);
    const updated = await updateEmployee(db, accountId, id, input);
    const same =
      before !== undefined &&
      before.username === updated.username &&
      before.name === updated.name &&
      before.email === updated.email &&
      before.sms === updated.sms &&
      before.permissions === updated.permissions &&
      JSON.stringify(parseJson<number[]>(before.location_ids, [])) === JSON.stringify(parseJson<number[]>(updated.location_ids, []));
    outcome = same ? 'unchanged' : 'update';
  }
  if (r.ids.loop !== undefined && kept(await keepEmployeeFaceId(db, accountId, 'loop', id, r.ids.loop, undefined), 'ids.loop') && outcome === 'unchanged') {
    outcome = 'update';
  }
  return outcome;
}
