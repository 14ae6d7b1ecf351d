import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../services/paths';

/**
 * The pages the Teams manifest links to: `/privacy` and `/terms` are `legal/privacy.md` and
 * `legal/terms.md` (one text, read in the repository and served as is), `/` a short page naming
 * the app and both. Plain text: a browser shows it as written, with no markdown renderer to keep.
 */
export const LEGAL_PAGES = ['home', 'privacy', 'terms'] as const;
export type LegalPage = (typeof LEGAL_PAGES)[number];

const HOME = [
  'Co-op Claims for Teams',
  '',
  'A Microsoft Teams app for creating, documenting, submitting and reviewing partner co-op claims.',
  'Open it in Teams and type "help".',
  '',
  'Privacy: /privacy',
  'Terms of use: /terms',
  '',
].join('\n');

const cache = new Map<LegalPage, string>();

export function legalPage(name: LegalPage): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = name === 'home' ? HOME : fs.readFileSync(path.join(projectRoot, 'legal', `${name}.md`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
