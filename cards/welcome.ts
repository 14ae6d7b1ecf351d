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
export type WelcomeView = {
  userName?: string | null;
  isReviewer?: boolean;
  isPartner?: boolean;
  /** A Global or Incentives admin: the welcome leads to "admin" first. */
  isAdmin?: boolean;
  /** Null or absent until an admin names it: the card says "your organisation". */
  organisationName?: string | null;
  /** The organisation is the review team (REVIEW_TENANT_ID). */
  isReviewOrganisation?: boolean;
  /**
   * Set for a person without any role: whether their organisation has an admin yet, and whom to ask
   * (never a bare refusal). `openRequests`: upload requests waiting for them anyway.
   */
  noRole?: {
    organisationSetUp: boolean;
    admins: string[];
    openRequests: number;
    /** Local trial only: the BOOTSTRAP_ADMINS value that makes this person the first Global admin. */
    bootstrapAdmin?: string | null;
  } | null;
};

type Command = 'cmd.newClaim' | 'cmd.claims' | 'cmd.claim' | 'cmd.history' | 'cmd.reviews' | 'cmd.admin' | 'cmd.export' | 'cmd.help';
const ALL: readonly Command[] = [
  'cmd.newClaim',
  'cmd.claims',
  'cmd.claim',
  'cmd.history',
  'cmd.reviews',
  'cmd.admin',
  'cmd.export',
  'cmd.help',
];

type Audience = 'partner' | 'reviewer' | 'colleague' | 'admin' | 'reviewAdmin' | 'noRole';
const COMMANDS: Record<Audience, readonly Command[]> = {
  partner: ['cmd.newClaim', 'cmd.claims', 'cmd.claim', 'cmd.history', 'cmd.export', 'cmd.help'],
  admin: ['cmd.admin', 'cmd.newClaim', 'cmd.claims', 'cmd.claim', 'cmd.history', 'cmd.export', 'cmd.help'],
  reviewer: ['cmd.reviews', 'cmd.claim', 'cmd.history', 'cmd.claims', 'cmd.help'],
  reviewAdmin: ['cmd.admin', 'cmd.reviews', 'cmd.help'],
  colleague: ['cmd.claim', 'cmd.help'],
  noRole: ['cmd.help'],
};
const INTRO: Record<Audience, StringKey> = {
  partner: 'welcome.intro',
  admin: 'welcome.intro.admin',
  reviewer: 'welcome.intro.reviewer',
  reviewAdmin: 'welcome.intro.reviewAdmin',
  colleague: 'welcome.intro.colleague',
  noRole: 'welcome.noRole.intro',
};

function audienceOf(vm: WelcomeView): Audience {
  if (vm.noRole) return vm.noRole.openRequests > 0 ? 'colleague' : 'noRole';
  if (vm.isReviewOrganisation && vm.isAdmin && !vm.isReviewer) return 'reviewAdmin';
  if (vm.isReviewer) return 'reviewer';
  if (vm.isPartner === false) return 'colleague';
  return vm.isAdmin ? 'admin' : 'partner';
}

/** "your organisation is not set up…" starts a sentence in English. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The lines a person without a role reads: that they have none, and whom to ask (or that nobody is admin yet). */
function noRoleLines(vm: WelcomeView, locale: string): string[] {
  if (!vm.noRole) return [];
  const organisation = vm.organisationName || t(locale, 'org.unnamed');
  return [
    vm.noRole.organisationSetUp && vm.noRole.admins.length > 0
      ? t(locale, 'welcome.noRole.ask', { organisation, admins: vm.noRole.admins.join(', ') })
      : sentence(t(locale, 'welcome.noRole.notSetUp', { organisation })),
    ...(vm.noRole.bootstrapAdmin ? [t(locale, 'welcome.noRole.localTrial', { value: vm.noRole.bootstrapAdmin })] : []),
    ...(vm.noRole.openRequests > 0 ? [] : [t(locale, 'welcome.noRole.requests')]),
  ];
}

export function renderWelcome(vm: WelcomeView, locale: string): AdaptiveCard {
  const audience = audienceOf(vm);
  const commands = COMMANDS[audience].map((c) => ({ title: t(locale, c), value: t(locale, `${c}.desc` as StringKey) }));
  const admin = execute(t(locale, 'common.admin'), 'admin.open', {}, { style: 'positive' });
  const actions: ExecuteSpec[] =
    audience === 'reviewer'
      ? [
          execute(t(locale, 'common.reviewQueue'), 'reviews.open', {}, { style: 'positive' }),
          execute(t(locale, 'common.overview'), 'overview.open', {}),
          ...(vm.isAdmin ? [execute(t(locale, 'common.admin'), 'admin.open', {})] : []),
        ]
      : audience === 'reviewAdmin'
        ? [admin]
        : audience === 'partner' || audience === 'admin'
          ? [
              ...(audience === 'admin' ? [admin] : []),
              execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: audience === 'admin' ? undefined : 'positive' }),
              execute(t(locale, 'common.overview'), 'overview.open', {}),
            ]
          : [];
  const intro = [
    t(locale, INTRO[audience], { organisation: vm.organisationName || t(locale, 'org.unnamed') }),
    ...noRoleLines(vm, locale),
  ].join('\n\n');
  return expand(welcomeTemplate, {
    title: vm.noRole && audience === 'noRole' ? t(locale, 'welcome.noRole.title') : t(locale, 'welcome.title'),
    hasGreeting: Boolean(vm.userName),
    greeting: t(locale, 'welcome.greeting', { name: vm.userName ?? '' }),
    intro,
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
