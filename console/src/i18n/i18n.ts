import en from './en.json';

/**
 * Interface text lives in one JSON file per language (en.json is complete and the fallback).
 * A new language is a new file added to CATALOGS; `t` falls back key by key.
 */
export type MessageKey = keyof typeof en;

const CATALOGS: Record<string, Partial<Record<MessageKey, string>>> = { en };

function pickLanguage(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (CATALOGS[base]) return base;
  }
  return 'en';
}

export const language = pickLanguage();

/** The text of `key` in the interface language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGS[language][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
