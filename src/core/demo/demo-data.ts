/*
 * The examples of the Loop API documents (specs 000 and 001), as data for `openstay demo`.
 * Shortcodes, names and values are the documents'; so are the ids (demo-face-ids.ts keeps them).
 */

export { DEMO_SLUG } from '../accounts/demo-slug.js';
export const DEMO_NAME = 'Sunnyclear Resorts (demo)';

export const DEMO_LOCATIONS = [
  // The location of the Contact, ContactEvent, invite and response examples (the invite URL shows its shortcode).
  { shortcode: '1234', title: { en: 'Sunnyclear Resort' }, timezone: 'America/Toronto', country: 'CA' },
  { shortcode: '1300', title: { en: 'Andros Island Bahamas' }, latitude: 45.349429, longitude: -75.9248028, timezone: 'America/Nassau', country: 'BS' },
  { shortcode: '1200', title: { en: 'Costa Rica Salinas Bay' }, timezone: 'America/Costa_Rica', country: 'CR' },
  {
    shortcode: '1100',
    title: { en: '300 Earl Grey Dr' },
    latitude: 45.311854,
    longitude: -75.9154844,
    timezone: 'America/Toronto',
    country: 'CA',
    state: 'ON',
    city: 'Kanata',
    zipCode: 'K2T 1B8',
    streetName: 'Earl Grey Dr',
    streetNumber: '300',
  },
];

export const DEMO_LOOP_TYPES = [
  { shortcode: 'housekeeping', title: { en: 'Housekeeping' } },
  { shortcode: 'maintenance', title: { en: 'Maintenance' } },
  { shortcode: 'feedback', title: { en: 'Feedback' } },
  { shortcode: 'concierge', title: { en: 'Concierge' } },
];

export const DEMO_CUSTOM_FIELDS = [{ shortcode: 'room', title: { en: 'Room Number' }, required: true }];

export const DEMO_SURVEY = {
  shortcode: 'restaurant',
  name: 'Restaurant',
  description: 'Survey for sit-down restaurant locations',
  questionOrderRandomized: true,
  locationShortcodes: ['1300'],
  sections: [
    {
      title: { en: 'Your visit' },
      questions: [
        { type: 'bool' as const, title: { en: 'Was the service swift?' } },
        { type: 'bool' as const, title: { en: 'Was the food fantastic?' } },
        { type: 'bool' as const, title: { en: 'Was the counter clean?' } },
        { type: 'text' as const, title: { en: 'What else should we know?' }, placeholder: { en: 'Type here!' } },
      ],
    },
  ],
};

export const DEMO_EMPLOYEE = {
  username: 'benria',
  name: 'Benbria Admin',
  email: 'admin@benbria.com',
  sms: '5556135555',
  permissions: ['create', 'comment', 'close'],
};

/** The second user of the users lookup example (same sms as benria). */
export const DEMO_EMPLOYEE_2 = { username: 'benria2', name: 'Benbria Admin', email: null, sms: '5556135555', permissions: [] as string[] };

/** The guest of the invite URL example: the document shows their id. */
export const DEMO_INVITED = { name: 'John Smith', email: 'johnsmith@benbria.com' };

/** The keyed contact of spec 000, so ContactEvent by reference works straight away. */
export const DEMO_CONTACT = {
  foreignId: 'abc123',
  locationShortcode: '1300',
  guest: {
    firstName: 'Rick',
    lastName: 'Sanchez',
    email: 'rs@abc.com',
    mobile: '16135551234',
    language: 'en',
    vipStatus: 'Gold',
    groupName: 'Rick&Morty',
    customFields: { guestID: '188551', loyalty: '3883882' },
  },
  stay: { arrivalAt: Date.parse('2018-02-01T11:00:00.000Z'), departureAt: Date.parse('2018-02-04T13:15:00.000Z'), status: 'prestay' as const },
};

/** The customer of the loop lookup example, with their loop. */
/** The demo's Loop examples use Canadian (Ottawa) numbers: national numbers are read in Canada. */
export const DEMO_COUNTRY = 'CA';

export const DEMO_CUSTOMER = { name: 'Jason', mobile: '+16135551234' };
export const DEMO_LOOP = {
  locationShortcode: '1100',
  loopType: 'housekeeping',
  description: "I've run out of towels! Please help!",
  source: 'sms',
  createDevice: 'browser:Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.86 Safari/537.36',
  createdAt: 1462201128558,
  /** staff opened it, as the example shows (`lastViewed`, `unread: false`) */
  lastViewed: 1462201136577,
};
