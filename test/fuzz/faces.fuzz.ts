import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/database.js';
import { createFaceTarget, FACES, type FaceName, type FaceTarget } from './faces.js';
import { formatReport, fuzzFace } from './fuzz-face.js';

/*
 * `npm run fuzz` (vitest.fuzz.config.ts): the properties of test/fuzz.test.ts over many more
 * requests, recording every violation instead of stopping at the first. Settings:
 *   FUZZ_RUNS   requests per face (default 10000)
 *   FUZZ_SEED   the seed (default: a fresh one, printed; set it to replay a run)
 *   FUZZ_FACES  comma-separated faces (default loop,loopon,prio,admin)
 * and TEST_DATABASE_URL as for npm test (PostgreSQL as well as SQLite when set).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const faces = (process.env.FUZZ_FACES ?? FACES.join(',')).split(',').map((f) => f.trim()) as FaceName[];
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${process.env.FUZZ_RUNS}`);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
for (const f of faces) if (!FACES.includes(f)) throw new Error(`FUZZ_FACES: unknown face ${f} (known: ${FACES.join(', ')})`);

console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_FACES=${faces.join(',')} (replay with these)`);

describe.each(dialects())('fuzz (%s)', (dialect) => {
  describe.each(faces)('%s face', (name) => {
    let face: FaceTarget;
    beforeAll(async () => {
      face = await createFaceTarget(name, dialect);
    });
    afterAll(async () => {
      await face?.close();
    });

    it(`${RUNS} generated requests: no 5xx, no change on rejection, a JSON error body`, async () => {
      const report = await fuzzFace(face, { runs: RUNS, seed: SEED, collect: true });
      console.log(formatReport(report, dialect));
      expect([...report.findings.keys()]).toEqual([]);
    });
  });
});
