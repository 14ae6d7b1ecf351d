import { en, t, type StringKey } from './strings';

/**
 * The activity catalogue (services/catalogue) keeps its metric names and proof guidance in English:
 * they are the rules' identifiers (a metric is matched by its name) and stored with each claim's
 * revision. What a person reads comes from the string tables (`catalogue.*` keys, whose English is
 * the catalogue's own words); a text the tables do not know yet is shown as the catalogue has it.
 */
let byEnglish: Map<string, StringKey> | undefined;

export function catalogueText(locale: string, english: string): string {
  if (!byEnglish) {
    byEnglish = new Map();
    for (const [key, value] of Object.entries(en)) if (key.startsWith('catalogue.')) byEnglish.set(value, key as StringKey);
  }
  const key = byEnglish.get(english.trim());
  return key ? t(locale, key) : english;
}
