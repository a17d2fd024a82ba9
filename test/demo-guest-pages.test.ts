import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { cookieJar } from './helpers/cookie-jar.js';
import { dialects } from './helpers/database.js';

// `openstay demo` names a demo guest's pages (stay page, post-stay survey, loyalty portal with the
// member's sign-in), the same on every run, and each answers.

describe.each(dialects())('demo guest pages on %s', (dialect) => {
  let t: TestApp;
  let pages: { stay: string; survey: string; loyaltyPortal: string; member: { email: string; password: string } };
  const pathOf = (url: string) => url.replace(t.config.publicUrl, '');

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { demo: true });
    const env = { DATABASE_URL: t.database.url, PUBLIC_URL: t.config.publicUrl };
    const first = await runCli(['demo', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['demo', '--json'], env);
    pages = JSON.parse(first.stdout).guestPages;
    expect(JSON.parse(second.stdout).guestPages).toEqual(pages);
    const text = await runCli(['demo'], env);
    expect(text.stdout).toContain(pages.survey);
    expect(text.stdout).toContain(pages.stay);
    expect(text.stdout).toContain(`${pages.loyaltyPortal}  (member ${pages.member.email} / ${pages.member.password})`);
  }, 120_000);
  afterAll(async () => t?.close());

  it('prints the three URLs under PUBLIC_URL, and each answers 200', async () => {
    expect(pages.stay).toMatch(/^http:\/\/openstay\.test\/loopon\/stay\/[A-Za-z0-9]{32}$/);
    expect(pages.survey).toMatch(/^http:\/\/openstay\.test\/survey\/demo\/\d+\?guest=\d+&source=poststay&stay=\d+&sig=/);
    expect(pages.loyaltyPortal).toBe('http://openstay.test/fideltour/portal');
    const stay = await t.app.inject({ method: 'GET', url: pathOf(pages.stay) });
    expect(stay.statusCode).toBe(200);
    expect(stay.body).toContain('Anna Lind');
    const survey = await t.app.inject({ method: 'GET', url: pathOf(pages.survey) });
    expect(survey.statusCode).toBe(200);
    expect(survey.body).toContain('How likely is it that you would recommend our hotel?');
    expect((await t.app.inject({ method: 'GET', url: pathOf(pages.loyaltyPortal) })).statusCode).toBe(200);
  });

  it('the printed member signs in to the portal and sees points to spend', async () => {
    const jar = cookieJar();
    const page = jar.keep(await t.app.inject({ method: 'GET', url: '/fideltour/portal' }));
    const token = /name="form_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const signed = jar.keep(
      await t.app.inject({
        method: 'POST',
        url: '/fideltour/portal/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        payload: new URLSearchParams({ form_token: token, email: pages.member.email, password: pages.member.password }).toString(),
      }),
    );
    expect(signed.statusCode, signed.body).toBe(303);
    const home = await t.app.inject({ method: 'GET', url: '/fideltour/portal', headers: { cookie: jar.header() } });
    expect(home.body).toContain('Hello Anna Lind');
    expect(home.body).toContain('2000 points');
    expect(home.body).toContain('Spa afternoon for two');
  });
});
