import { afterAll, beforeAll, inject, vi } from 'vitest';
import { clearEveryCache } from '../../src/db/cache-notices.js';
import { recordIssuedSecret, writeRecorded } from '../helpers/secret-log.js';

/*
 * Every secret the code issues in a test file is recorded for the run's log scan
 * (test/setup/secret-scan.ts): tokens and client secrets come from randomToken, page links are
 * signed by signPageLink. Both are wrapped, not replaced: they still return what they did.
 */
vi.mock('../../src/core/shared/tokens.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/shared/tokens.js')>();
  return { ...actual, randomToken: (length?: number) => recordIssuedSecret(actual.randomToken(length)) };
});
vi.mock('../../src/core/accounts/page-links.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/accounts/page-links.js')>();
  return { ...actual, signPageLink: (secret: string, subject: string) => recordIssuedSecret(actual.signPageLink(secret, subject)) };
});

// Files may share a process (vitest.config.ts `isolate: false`): start each from empty caches.
beforeAll(() => clearEveryCache());
afterAll(() => writeRecorded(inject('secretScanDir')));
