import { en, type StringKey } from './en';
import { ko } from './ko';

export type { StringKey };
export type Lang = 'en' | 'ko';

/** Korean for any `ko*` locale (ko, ko-KR); English otherwise (domain.md §9: en and ko only). */
export function langOf(locale: string | undefined | null): Lang {
  return (locale ?? '').toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export type Params = Record<string, string | number | null | undefined>;

/** The string `key` in the user's language, with `{name}` placeholders filled from `params`. */
export function t(locale: string | undefined | null, key: StringKey, params: Params = {}): string {
  const table: { readonly [K in StringKey]: string } = langOf(locale) === 'ko' ? ko : en;
  return table[key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === null || v === undefined ? '' : String(v);
  });
}

/** For keys built from data (a status, a kind): the key if the table has it, else `fallback`. */
export function hasKey(key: string): key is StringKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function tDyn(locale: string | undefined | null, key: string, fallback: StringKey, params: Params = {}): string {
  return t(locale, hasKey(key) ? key : fallback, params);
}

export { en, ko };
