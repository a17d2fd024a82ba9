import type { I18nText } from '../../core/shared/json.js';
import { checkNumber, checkText as checkString, RecordError } from './record-fields.js';

/*
 * The lines of a configuration import (docs/import.md, "Configuration"): what a hotel had set up in
 * the product it leaves, each with the ids it had there (`ids: {loop, loopon}`), so that devices and
 * integrations that stored those ids keep working. Read here without the database; references to
 * other lines (a location's chain, a survey's locations) are resolved when the line is written.
 */

export const CONFIG_KINDS = ['chain', 'location', 'competitiveSet', 'loopType', 'customField', 'survey', 'employee'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

/** Former ids: Loop's 24-hex id, Loopon's integer id. */
export interface FormerIds {
  loop?: string;
  loopon?: number;
}

/** Another line's object: by its former ids, or (locations) its shortcode. */
export type Ref = FormerIds | string;

export interface LocationRecord {
  kind: 'chain' | 'location';
  ids: FormerIds;
  shortcode: string | null;
  title: I18nText;
  propertyCode: string | null;
  chain: Ref | null;
  competitor: boolean;
  timezone: string | null;
  latitude: number | null;
  longitude: number | null;
  country: string | null;
  state: string | null;
  city: string | null;
  zipCode: string | null;
  streetName: string | null;
  streetNumber: string | null;
}

export interface CompetitiveSetRecord {
  kind: 'competitiveSet';
  unit: Ref;
  name: string;
  members: Ref[];
}

export interface CatalogRecord {
  kind: 'loopType' | 'customField';
  ids: FormerIds;
  shortcode: string;
  title: I18nText;
  required: boolean;
}

export interface SurveyQuestionRecord {
  ids: FormerIds;
  type: string;
  text: I18nText;
  placeholder: I18nText | null;
  semanticId: number | null;
  options: Array<{ text: I18nText; score: number | null }> | null;
}

export interface SurveyRecord {
  kind: 'survey';
  ids: FormerIds;
  shortcode: string | null;
  title: string;
  description: string | null;
  questionOrderRandomized: boolean;
  locations: Ref[];
  questions: SurveyQuestionRecord[];
}

export interface EmployeeRecord {
  kind: 'employee';
  ids: FormerIds;
  username: string;
  name: string | null;
  email: string | null;
  sms: string | null;
  permissions: string[];
  locations: Ref[];
}

export type ConfigRecord = LocationRecord | CompetitiveSetRecord | CatalogRecord | SurveyRecord | EmployeeRecord;

const LOOP_ID = /^[0-9a-f]{24}$/;

const FIELDS: Record<ConfigKind, readonly string[]> = {
  chain: ['kind', 'ids', 'name', 'title', 'propertyCode', 'chain'],
  location: [
    'kind',
    'ids',
    'shortcode',
    'name',
    'title',
    'propertyCode',
    'chain',
    'competitor',
    'coords',
    'timezone',
    'country',
    'state',
    'city',
    'zipCode',
    'streetName',
    'streetNumber',
  ],
  competitiveSet: ['kind', 'unit', 'name', 'members'],
  loopType: ['kind', 'ids', 'shortcode', 'title'],
  customField: ['kind', 'ids', 'shortcode', 'title', 'required'],
  survey: ['kind', 'ids', 'shortcode', 'shortCode', 'title', 'name', 'description', 'questionOrderRandomized', 'locations', 'questions'],
  employee: ['kind', 'ids', 'username', 'name', 'email', 'sms', 'permissions', 'locations'],
};

/** A text field: trimmed, at most `max` characters; absent (or blank) is null, or an error when required. */
function checkText(value: unknown, key: string, max: number, required = false): string | null {
  if (value === undefined || value === null) {
    if (required) throw new RecordError(`${key} is required`);
    return null;
  }
  return checkString(value, key, max, required);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Former ids as written: {loop: 24 hex digits (case-folded), loopon: a positive integer}. */
export function readIds(value: unknown, key = 'ids'): FormerIds {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new RecordError(`${key} must be an object {loop, loopon}`);
  for (const k of Object.keys(value)) if (k !== 'loop' && k !== 'loopon') throw new RecordError(`${key}.${k} is not a known field (loop, loopon)`);
  const ids: FormerIds = {};
  if (value.loop !== undefined && value.loop !== null) {
    const loop = typeof value.loop === 'string' ? value.loop.trim().toLowerCase() : '';
    if (!LOOP_ID.test(loop)) throw new RecordError(`${key}.loop must be a Loop id (24 hex digits)`);
    ids.loop = loop;
  }
  if (value.loopon !== undefined && value.loopon !== null) {
    const n = typeof value.loopon === 'string' && /^[1-9][0-9]{0,9}$/.test(value.loopon.trim()) ? Number(value.loopon) : value.loopon;
    ids.loopon = checkNumber(n, `${key}.loopon`, { integer: true, min: 1, max: 2_147_483_647 }) ?? undefined;
  }
  return ids;
}

function readRef(value: unknown, key: string): Ref {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return readIds({ loopon: value }, key);
  const ids = readIds(value, key);
  if (ids.loop === undefined && ids.loopon === undefined) throw new RecordError(`${key} must name a line by {loop} or {loopon} (or a shortcode)`);
  return ids;
}

function readRefs(value: unknown, key: string): Ref[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 1000) throw new RecordError(`${key} must be an array of at most 1000 references`);
  return value.map((v, i) => readRef(v, `${key}[${i}]`));
}

/** A text per language ({"en": "...", "fr": "..."}), or one text (English). */
function readI18n(value: unknown, key: string, required: boolean): I18nText | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new RecordError(`${key} is required`);
    return null;
  }
  if (typeof value === 'string') return { en: checkText(value, key, 1000, true)! };
  if (!isObject(value) || Object.keys(value).length === 0) throw new RecordError(`${key} must be a text or an object of texts by language`);
  const out: I18nText = {};
  for (const [lang, text] of Object.entries(value)) {
    if (!/^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/.test(lang)) throw new RecordError(`${key}: "${lang}" is not a language code`);
    out[lang] = checkText(text, `${key}.${lang}`, 1000, true)!;
  }
  return out;
}

function text(value: Record<string, unknown>, key: string, max = 255): string | null {
  return checkText(value[key], key, max);
}

/** Reads one line: its fields checked, nothing looked up. Throws RecordError with the reason. */
export function readConfigRecord(value: unknown): ConfigRecord {
  if (!isObject(value)) throw new RecordError('a line must be a JSON object');
  const kind = value.kind;
  if (typeof kind !== 'string' || !(CONFIG_KINDS as readonly string[]).includes(kind)) {
    throw new RecordError(`kind must be one of ${CONFIG_KINDS.join(', ')}`);
  }
  const k = kind as ConfigKind;
  for (const key of Object.keys(value)) if (!FIELDS[k].includes(key)) throw new RecordError(`${key} is not a field of a ${k} line`);
  switch (k) {
    case 'chain':
    case 'location': {
      const coords = value.coords;
      if (coords !== undefined && coords !== null && !isObject(coords)) throw new RecordError('coords must be an object {latitude, longitude}');
      const latitude = checkNumber(coords?.latitude, 'coords.latitude', { min: -90, max: 90 });
      const longitude = checkNumber(coords?.longitude, 'coords.longitude', { min: -180, max: 180 });
      if ((latitude === null) !== (longitude === null)) throw new RecordError('coords needs both latitude and longitude');
      if (value.competitor !== undefined && typeof value.competitor !== 'boolean') throw new RecordError('competitor must be true or false');
      return {
        kind: k,
        ids: readIds(value.ids),
        shortcode: text(value, 'shortcode', 100),
        title: readI18n(value.title ?? value.name, value.title === undefined ? 'name' : 'title', true)!,
        propertyCode: text(value, 'propertyCode', 100),
        chain: value.chain === undefined || value.chain === null ? null : readRef(value.chain, 'chain'),
        competitor: value.competitor === true,
        timezone: text(value, 'timezone', 100),
        latitude,
        longitude,
        country: text(value, 'country', 2)?.toUpperCase() ?? null,
        state: text(value, 'state'),
        city: text(value, 'city'),
        zipCode: text(value, 'zipCode', 32),
        streetName: text(value, 'streetName'),
        streetNumber: text(value, 'streetNumber', 32),
      };
    }
    case 'competitiveSet':
      return {
        kind: k,
        unit: readRef(value.unit, 'unit'),
        name: checkText(value.name, 'name', 255, true)!,
        members: readRefs(value.members, 'members'),
      };
    case 'loopType':
    case 'customField':
      if (value.required !== undefined && typeof value.required !== 'boolean') throw new RecordError('required must be true or false');
      return {
        kind: k,
        ids: readIds(value.ids),
        shortcode: checkText(value.shortcode, 'shortcode', 100, true)!,
        title: readI18n(value.title, 'title', true)!,
        required: value.required === true,
      };
    case 'survey':
      return readSurvey(value);
    case 'employee': {
      const permissions = value.permissions ?? [];
      if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string') || permissions.length > 100) {
        throw new RecordError('permissions must be an array of at most 100 texts');
      }
      const sms = typeof value.sms === 'number' ? String(value.sms) : value.sms;
      return {
        kind: k,
        ids: readIds(value.ids),
        username: checkText(value.username, 'username', 255, true)!,
        name: text(value, 'name'),
        email: text(value, 'email'),
        sms: checkText(sms, 'sms', 32),
        permissions: permissions as string[],
        locations: readRefs(value.locations, 'locations'),
      };
    }
  }
}

function readSurvey(value: Record<string, unknown>): SurveyRecord {
  const title = value.title ?? value.name;
  const name = typeof title === 'string' ? title : isObject(title) ? Object.values(title).find((t) => typeof t === 'string') : undefined;
  if (value.questionOrderRandomized !== undefined && typeof value.questionOrderRandomized !== 'boolean') {
    throw new RecordError('questionOrderRandomized must be true or false');
  }
  const questions = value.questions;
  if (!Array.isArray(questions) || questions.length === 0 || questions.length > 500) throw new RecordError('questions must be an array of 1 to 500 questions');
  return {
    kind: 'survey',
    ids: readIds(value.ids),
    shortcode: checkText(value.shortcode ?? value.shortCode, 'shortcode', 100),
    title: checkText(name, 'title', 255, true)!,
    description: text(value, 'description', 10_000),
    questionOrderRandomized: value.questionOrderRandomized === true,
    locations: readRefs(value.locations, 'locations'),
    questions: questions.map((q, i) => readQuestion(q, `questions[${i}]`)),
  };
}

const QUESTION_FIELDS = ['ids', 'categoryId', 'type', 'text', 'title', 'placeholder', 'semanticId', 'options'];

function readQuestion(q: unknown, at: string): SurveyQuestionRecord {
  if (!isObject(q)) throw new RecordError(`${at} must be an object`);
  for (const key of Object.keys(q)) if (!QUESTION_FIELDS.includes(key)) throw new RecordError(`${at}.${key} is not a field of a question`);
  // Loop calls a question's id its categoryId: {"categoryId": "..."} is {"ids": {"loop": "..."}}.
  const ids = readIds(q.ids ?? (q.categoryId === undefined ? undefined : { loop: q.categoryId }), `${at}.ids`);
  const options = q.options;
  if (options !== undefined && options !== null && (!Array.isArray(options) || options.length > 100)) {
    throw new RecordError(`${at}.options must be an array of at most 100 options`);
  }
  return {
    ids,
    type: checkText(q.type, `${at}.type`, 20, true)!,
    text: readI18n(q.text ?? q.title, `${at}.text`, true)!,
    placeholder: readI18n(q.placeholder, `${at}.placeholder`, false),
    semanticId: checkNumber(q.semanticId, `${at}.semanticId`, { integer: true, min: 0 }),
    options: Array.isArray(options)
      ? options.map((o, oi) => {
          if (!isObject(o) && typeof o !== 'string') throw new RecordError(`${at}.options[${oi}] must be an object {text, score}`);
          if (typeof o === 'string') return { text: { en: o }, score: null };
          return {
            text: readI18n(o.text ?? o.title, `${at}.options[${oi}].text`, true)!,
            score: checkNumber(o.score, `${at}.options[${oi}].score`, { min: 0, max: 1 }),
          };
        })
      : null,
  };
}
