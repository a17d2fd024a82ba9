import os from 'node:os';
import { isAppError } from '../core/shared/errors.js';

/**
 * Runs a command whose refusals are not usage mistakes: an unknown account or guest (404) or an
 * operation refused as things stand (409, e.g. a merge that must wait) prints its message on
 * stderr and exits 1; bad input (400) still goes to main's handler (exit 2).
 */
export async function refusalsExit1(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (isAppError(err) && (err.status === 404 || err.status === 409)) {
      console.error(`openstay: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** Who runs a CLI command, for audit rows: `cli` and the operating-system user when known. */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}
