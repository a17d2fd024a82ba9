import { describe, expect, it } from 'vitest';
import { createTestAccount, createTestApp } from './helpers/app.js';
import { dialects } from './helpers/database.js';

// src/api/http/lazy-schemas.ts: route schemas compile on a route's first request. That must not
// hide a schema that does not compile until a client meets it: here every one is compiled.
describe.each(dialects())('route schemas on %s', (dialect) => {
  it('every route validator and response serializer compiles, each once', async () => {
    const t = await createTestApp(dialect);
    try {
      const compiled = t.app.compileRouteSchemas();
      // some 200 routes, each with a querystring, params, body or responses schema or several
      expect(compiled).toBeGreaterThan(300);
      expect(t.app.compileRouteSchemas()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('a route compiles its schemas on its first request and validates as before', async () => {
    const t = await createTestApp(dialect);
    try {
      const { loopToken } = await createTestAccount(t);
      const bad = await t.app.inject({ method: 'POST', url: `/loop/api/v1/ContactEvent?authToken=${loopToken}`, payload: { event: 7 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/event/);
      // The ContactEvent route's schemas were compiled by that request: fewer remain than in a fresh app.
      const fresh = await createTestApp(dialect);
      try {
        expect(t.app.compileRouteSchemas()).toBeLessThan(fresh.app.compileRouteSchemas());
      } finally {
        await fresh.close();
      }
    } finally {
      await t.close();
    }
  });
});
