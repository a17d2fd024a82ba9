import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './helpers/database.js';
import { createBrokenFace } from './fuzz/broken-face.js';
import { createFaceTarget, FACES, type FaceTarget } from './fuzz/faces.js';
import { formatReport, fuzzFace } from './fuzz/fuzz-face.js';

/*
 * Property-based test of every face (test/fuzz/, docs/reliability.md): about 500 requests per
 * face, generated from its OpenAPI document with a fixed seed, find no 5xx, no change to the
 * database on a 4xx, and a JSON error body on every 4xx. `npm run fuzz` runs the same properties
 * with 10,000 requests per face and a fresh seed.
 */
const RUNS = 500;
const SEED = 20261202;

describe.each(dialects())('fuzzing the faces (%s)', (dialect) => {
  it('finds each kind of violation in a face built to have them', async () => {
    const face = await createBrokenFace(dialect);
    try {
      const report = await fuzzFace(face, { runs: 200, seed: SEED, collect: true });
      const kinds = [...report.findings.keys()].map((key) => key.split(':')[0]);
      expect(new Set(kinds)).toEqual(new Set(['5xx GET /crash', 'change-on-rejection POST /write-then-refuse', 'error-body GET /silent/{id}']));
    } finally {
      await face.close();
    }
  });

  describe.each(FACES)('%s face', (name) => {
    let face: FaceTarget;
    beforeAll(async () => {
      face = await createFaceTarget(name, dialect);
    });
    afterAll(async () => {
      await face?.close();
    });

    it(`answers ${RUNS} generated requests with no 5xx, no change on rejection and a JSON error body`, { timeout: 180_000 }, async () => {
      const report = await fuzzFace(face, { runs: RUNS, seed: SEED });
      console.log(formatReport(report, dialect));
      expect(report.runs).toBe(RUNS);
      // The generator reaches past authentication and validation: some requests succeed.
      expect(Object.keys(report.statuses).some((s) => s.startsWith('2'))).toBe(true);
    });
  });
});
