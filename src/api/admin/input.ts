import type { SectionDefinition } from '../../core/feedback/question-sets.js';
import { badRequest } from '../../core/shared/errors.js';
import { toI18n, type I18nText } from '../../core/shared/json.js';

/* Turns validated admin request bodies into core inputs, refusing what the schema cannot say. */

/** A plain string or an i18n map, as a non-empty map of non-empty texts; `field` names it in errors. */
export function readI18n(value: string | I18nText, field: string): I18nText {
  const map = toI18n(typeof value === 'string' ? value.trim() : value);
  const entries = Object.entries(map).map(([language, text]) => [language.trim(), text.trim()] as const);
  if (entries.length === 0) throw badRequest(`${field} needs at least one language, e.g. {"en": "..."}`);
  for (const [language, text] of entries) {
    if (!/^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(language)) throw badRequest(`${field}: "${language}" is not a language code such as en or pt-BR`);
    if (!text) throw badRequest(`${field}.${language} cannot be empty`);
  }
  return Object.fromEntries(entries);
}

interface SectionBody {
  title?: string | I18nText;
  questions: Array<{
    type: SectionDefinition['questions'][number]['type'];
    title: string | I18nText;
    placeholder?: string | I18nText | null;
    semanticId?: number | null;
    departmentCode?: string | null;
    resourceCode?: string | null;
    facilityType?: string | null;
    options?: Array<{ title: string | I18nText; score?: number | null; npsSegment?: 'promoter' | 'passive' | 'detractor' | null }>;
  }>;
}

/** Survey sections from the request body, with every text normalised to an i18n map. */
export function readSections(sections: SectionBody[]): SectionDefinition[] {
  return sections.map((section, si) => ({
    title: section.title === undefined ? undefined : readI18n(section.title, `sections[${si}].title`),
    questions: section.questions.map((q, qi) => {
      const where = `sections[${si}].questions[${qi}]`;
      return {
        type: q.type,
        title: readI18n(q.title, `${where}.title`),
        placeholder: q.placeholder === undefined || q.placeholder === null ? null : readI18n(q.placeholder, `${where}.placeholder`),
        semanticId: q.semanticId ?? null,
        departmentCode: q.departmentCode ?? null,
        resourceCode: q.resourceCode ?? null,
        facilityType: q.facilityType ?? null,
        options: q.options?.map((o, oi) => ({
          title: readI18n(o.title, `${where}.options[${oi}].title`),
          score: o.score ?? null,
          npsSegment: o.npsSegment ?? null,
        })),
      };
    }),
  }));
}
