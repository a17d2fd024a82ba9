import { describe, expect, it } from 'vitest';
import { readSurveyLink, surveyLinkPath } from '../src/core/accounts/survey-links.js';

describe('survey invitation links', () => {
  const secret = 'page-secret';
  const link = { slug: 'demo', surveyId: 7, guestId: 42, stayId: 9, source: 'poststay' };

  it('reads back what it signed, with and without a stay', () => {
    for (const l of [link, { ...link, stayId: null }]) {
      const url = new URL(surveyLinkPath(secret, l), 'http://x');
      expect(url.pathname).toBe('/survey/demo/7');
      expect(readSurveyLink(secret, 'demo', '7', Object.fromEntries(url.searchParams))).toEqual(l);
    }
  });

  it('refuses a link with any part changed, or signed under another secret', () => {
    const query = Object.fromEntries(new URL(surveyLinkPath(secret, link), 'http://x').searchParams);
    expect(readSurveyLink(secret, 'other', '7', query)).toBeUndefined();
    expect(readSurveyLink(secret, 'demo', '8', query)).toBeUndefined();
    expect(readSurveyLink(secret, 'demo', '7', { ...query, guest: '43' })).toBeUndefined();
    expect(readSurveyLink(secret, 'demo', '7', { ...query, source: 'instay' })).toBeUndefined();
    const { stay: _, ...noStay } = query;
    expect(readSurveyLink(secret, 'demo', '7', noStay)).toBeUndefined();
    expect(readSurveyLink('another', 'demo', '7', query)).toBeUndefined();
    expect(readSurveyLink(secret, 'demo', '7', { ...query, guest: '1e3' })).toBeUndefined();
  });
});
