import welcomeTemplate from './templates/welcome.json';
import { execute } from './actions';
import { expand } from './render';
import { langOf, t, type StringKey } from './strings';
import type { AdaptiveCard } from './types';

/** 1. Welcome and help: what the bot does and what to type (Korean aliases in Korean). */
export type WelcomeView = { userName?: string | null; isReviewer?: boolean };

const COMMANDS = ['cmd.newClaim', 'cmd.claims', 'cmd.claim', 'cmd.history', 'cmd.reviews', 'cmd.help'] as const;

export function renderWelcome(vm: WelcomeView, locale: string): AdaptiveCard {
  const commands = COMMANDS.filter((c) => c !== 'cmd.reviews' || vm.isReviewer !== false).map((c) => ({
    title: t(locale, c),
    value: t(locale, `${c}.desc` as StringKey),
  }));
  const actions = [
    execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' }),
    execute(t(locale, 'common.overview'), 'overview.open', {}),
  ];
  if (vm.isReviewer) actions.push(execute(t(locale, 'cmd.reviews.desc'), 'reviews.open', {}));
  return expand(welcomeTemplate, {
    title: t(locale, 'welcome.title'),
    hasGreeting: Boolean(vm.userName),
    greeting: t(locale, 'welcome.greeting', { name: vm.userName ?? '' }),
    intro: t(locale, 'welcome.intro'),
    commandsTitle: t(locale, 'welcome.commands'),
    commands,
    hasEnglishNote: langOf(locale) === 'ko',
    englishNote: `${t(locale, 'welcome.englishToo')} (${COMMANDS.map((c) => t('en', c)).join(', ')})`,
    files: t(locale, 'welcome.files'),
    actions,
  });
}
