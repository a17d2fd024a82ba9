/*
 * The Loopon document's example chain, as data for `openstay demo`: "Sea Hotels" with three
 * hotels and a restaurant (the spec's unit ids are listed so clients can map examples to ours),
 * a guest survey with the NPS question, review questions, and competitors for reputation.
 */

export const SEA_CHAIN = { shortcode: 'sea-hotels', exampleId: 1203, title: { en: 'Sea Hotels' }, propertyCode: '' };

export const SEA_UNITS = [
  { shortcode: 'X01', exampleId: 1282, title: { en: 'Sea Hotel Gulf of Bothnia' }, propertyCode: 'X01', city: 'Luleå', timezone: 'Europe/Stockholm' },
  { shortcode: 'X02', exampleId: 1204, title: { en: 'Sea Hotel Kattegat' }, propertyCode: 'X02', city: 'Gothenburg', timezone: 'Europe/Stockholm' },
  { shortcode: 'X03', exampleId: 1281, title: { en: 'Sea Hotel Skagerrak' }, propertyCode: 'X03', city: 'Strömstad', timezone: 'Europe/Stockholm' },
];

export const SEA_RESTAURANT = {
  shortcode: 'kattegat-gourmet',
  exampleId: 1601,
  title: { en: 'Kattegat Gourmet Restaurant' },
  propertyCode: '',
  city: 'Gothenburg',
};

export const COMPETITORS = [
  { shortcode: 'comp-gothia', title: { en: 'Gothia Towers' }, city: 'Gothenburg' },
  { shortcode: 'comp-eggers', title: { en: 'Hotel Eggers' }, city: 'Gothenburg' },
  { shortcode: 'comp-post', title: { en: 'Clarion Hotel Post' }, city: 'Gothenburg' },
];

const RATING_OPTIONS = ['Very poor', 'Poor', 'Fair', 'Good', 'Excellent'].map((t, i) => ({ title: { en: t }, score: i / 4 }));
export const NPS_TITLE = 'How likely is it that you would recommend our hotel?';

export const HOTEL_SURVEY = {
  shortcode: 'sea-hotels-stay',
  name: 'Sea Hotels guest survey',
  description: 'Post-stay survey of the Sea Hotels chain',
  sections: [
    { title: { en: 'Recommendation' }, questions: [{ type: 'radio' as const, title: { en: NPS_TITLE }, semanticId: 0 }] },
    {
      title: { en: 'To what extent do you agree to the following statements?' },
      questions: [
        { type: 'radio' as const, title: { en: 'The reception staff did a good job' }, semanticId: 1, departmentCode: 'FO', options: RATING_OPTIONS },
        {
          type: 'radio' as const,
          title: { en: 'The breakfast gave me a good start of the day' },
          semanticId: 2,
          departmentCode: 'FB',
          options: RATING_OPTIONS,
        },
        { type: 'radio' as const, title: { en: 'My room was clean' }, semanticId: 3, departmentCode: 'HK', facilityType: 'room', options: RATING_OPTIONS },
        { type: 'text' as const, title: { en: 'Anything else you would like to tell us?' } },
      ],
    },
  ],
};

/** The survey's second version (a Wi-Fi question added): older answers keep the first set. */
export const HOTEL_SURVEY_V2_EXTRA = {
  type: 'radio' as const,
  title: { en: 'The Wi-Fi worked well' },
  semanticId: 4,
  departmentCode: 'IT',
  options: RATING_OPTIONS,
};

export const RESTAURANT_SURVEY = {
  shortcode: 'kattegat-gourmet',
  name: 'Kattegat Gourmet feedback',
  sections: [
    {
      questions: [
        { type: 'radio' as const, title: { en: 'How likely is it that you would recommend our restaurant?' }, semanticId: 0 },
        { type: 'radio' as const, title: { en: 'The food was excellent' }, semanticId: 10, departmentCode: 'FB', options: RATING_OPTIONS },
        { type: 'text' as const, title: { en: 'What else should we know?' } },
      ],
    },
  ],
};

export const REVIEW_QUESTIONS = [
  { key: 'cleanliness', description: 'Cleanliness', answerType: 'number' as const },
  { key: 'service', description: 'Service', answerType: 'number' as const },
  { key: 'location', description: 'Location', answerType: 'number' as const },
  { key: 'travelerType', description: 'Traveled as', answerType: 'enum' as const, answerValues: ['Business', 'Couple', 'Family', 'Friends', 'Solo'] },
  { key: 'liked', description: 'What did you like?', answerType: 'text' as const },
];

/** Review channels with their rating scale. */
export const CHANNELS = [
  { name: 'tripadvisor', scale: 5 },
  { name: 'booking.com', scale: 10 },
  { name: 'google', scale: 5 },
  { name: 'expedia', scale: 5 },
];

export const COMMENTS = [
  'Lovely view over the sea and a very friendly reception.',
  'Breakfast was great, the room a bit small.',
  'Quiet room, comfortable bed, will come back.',
  'Check-in took too long and the room was not ready.',
  'Excellent location close to the harbour.',
];
