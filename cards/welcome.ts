import welcomeTemplate from './templates/welcome.json';
import { execute, type ExecuteSpec } from './actions';
import { expand } from './render';
import { langOf, t, type StringKey } from './strings';
import type { AdaptiveCard } from './types';

/**
 * 1. Welcome and help: what the bot does for this person and what to type (Korean aliases in Korean).
 * A reviewer is led to the review queue; a colleague without a partner role (`isPartner: false`) is
 * told they will get requests to upload documents; everyone else gets the partner's welcome.
 */
export type WelcomeView = { userName?: string | null; isReviewer?: boolean; isPartner?: boolean };

type Command = 'cmd.newClaim' | 'cmd.claims' | 'cmd.claim' | 'cmd.history' | 'cmd.reviews' | 'cmd.export' | 'cmd.help';
const ALL: readonly Command[] = ['cmd.newClaim', 'cmd.claims', 'cmd.claim', 'cmd.history', 'cmd.reviews', 'cmd.export', 'cmd.help'];

type Audience = 'partner' | 'reviewer' | 'colleague';
const COMMANDS: Record<Audience, readonly Command[]> = {
  partner: ['cmd.newClaim', 'cmd.claims', 'cmd.claim', 'cmd.history', 'cmd.export', 'cmd.help'],
  reviewer: ['cmd.reviews', 'cmd.claim', 'cmd.history', 'cmd.claims', 'cmd.help'],
  colleague: ['cmd.claim', 'cmd.help'],
};
const INTRO: Record<Audience, StringKey> = {
  partner: 'welcome.intro',
  reviewer: 'welcome.intro.reviewer',
  colleague: 'welcome.intro.colleague',
};

export function renderWelcome(vm: WelcomeView, locale: string): AdaptiveCard {
  const audience: Audience = vm.isReviewer ? 'reviewer' : vm.isPartner === false ? 'colleague' : 'partner';
  const commands = COMMANDS[audience].map((c) => ({ title: t(locale, c), value: t(locale, `${c}.desc` as StringKey) }));
  const actions: ExecuteSpec[] =
    audience === 'reviewer'
      ? [
          execute(t(locale, 'common.reviewQueue'), 'reviews.open', {}, { style: 'positive' }),
          execute(t(locale, 'common.overview'), 'overview.open', {}),
        ]
      : audience === 'partner'
        ? [
            execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' }),
            execute(t(locale, 'common.overview'), 'overview.open', {}),
          ]
        : [];
  return expand(welcomeTemplate, {
    title: t(locale, 'welcome.title'),
    hasGreeting: Boolean(vm.userName),
    greeting: t(locale, 'welcome.greeting', { name: vm.userName ?? '' }),
    intro: t(locale, INTRO[audience]),
    commandsTitle: t(locale, 'welcome.commands'),
    commands,
    hasEnglishNote: langOf(locale) === 'ko',
    englishNote: `${t(locale, 'welcome.englishToo')} (${ALL.filter((c) => COMMANDS[audience].includes(c))
      .map((c) => t('en', c))
      .join(', ')})`,
    files: t(locale, 'welcome.files'),
    actions,
  });
}
