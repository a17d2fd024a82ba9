import type { Db } from '../../db/database.js';
import type { JourneyEvent } from '../../db/schema.js';
import { completeSubject } from '../journeys/rule-engine.js';
import type { RuleSubject } from '../journeys/rule-context.js';
import { findStay } from '../stays/stays.js';

/*
 * The tools that look at rules without firing them (explain, dry-run, preview) read an event's
 * guest, stay and location as they are now. They live outside core/journeys because the stay is
 * read through core/stays, which itself records journey events.
 */

/** What rules see of a stored event, or undefined when its guest is gone. */
export async function subjectOfEvent(db: Db, accountId: number, event: JourneyEvent): Promise<RuleSubject | undefined> {
  const stay = event.stay_id === null ? null : ((await findStay(db, accountId, event.stay_id)) ?? null);
  return completeSubject(db, accountId, { event, stay });
}
