import noticeTemplate from './templates/notice.json';
import { execute, type ExecuteSpec } from './actions';
import { errorView, type ServiceErrorLike } from './errors';
import { badgeTextTone, textTone, type Tone } from './format';
import { expand } from './render';
import { t } from './strings';
import type { AdaptiveCard } from './types';

/**
 * One small template for every short card: confirmations, errors, notifications, prompts. A title
 * (optionally with a status badge), a few lines, an optional highlighted quote, facts and buttons.
 */
export type NoticeSpec = {
  title: string;
  titleTone?: Tone;
  subtitle?: string;
  badge?: { text: string; tone: Tone };
  lines?: Array<string | { text: string; tone?: Tone; subtle?: boolean }>;
  quote?: { label?: string; text: string; tone?: 'attention' | 'warning' | 'emphasis' | 'good' | 'accent' };
  facts?: Array<{ title: string; value: string }>;
  actions?: ExecuteSpec[];
};

export function renderNotice(spec: NoticeSpec): AdaptiveCard {
  const facts = (spec.facts ?? []).filter((f) => f.value);
  return expand(noticeTemplate, {
    title: spec.title,
    // Tones are meanings; the colours drawn are ones that read on the card (see textTone).
    titleTone: textTone(spec.titleTone ?? 'default'),
    subtitle: spec.subtitle ?? '',
    hasSubtitle: Boolean(spec.subtitle),
    hasBadge: Boolean(spec.badge),
    badge: spec.badge
      ? { text: spec.badge.text, style: spec.badge.tone, tone: badgeTextTone(spec.badge.tone) }
      : { text: '', style: 'default', tone: 'default' },
    lines: (spec.lines ?? [])
      .map((l) => (typeof l === 'string' ? { text: l } : l))
      .filter((l) => l.text)
      .map((l) => ({
        text: l.text,
        tone: textTone(l.tone ?? 'default'),
        weight: l.tone === 'good' ? 'bolder' : 'default',
        subtle: l.subtle ?? false,
      })),
    hasQuote: Boolean(spec.quote?.text),
    quote: {
      label: spec.quote?.label ?? '',
      hasLabel: Boolean(spec.quote?.label),
      text: spec.quote?.text ?? '',
      tone: spec.quote?.tone ?? 'emphasis',
    },
    hasFacts: facts.length > 0,
    facts,
    actions: spec.actions ?? [],
  });
}

/** 12. A generic message: a title, text and an optional "Try again" that repeats a verb. */
export type MessageView = {
  title: string;
  text: string;
  lines?: string[];
  tone?: Tone;
  /** A retry button; its verb and data are the action that failed (ids only). */
  retry?: Pick<ExecuteSpec, 'verb' | 'data'>;
  /** Offer "Open claim" under the message. */
  claimId?: string;
};

export function renderMessage(vm: MessageView, locale: string): AdaptiveCard {
  const actions: ExecuteSpec[] = [];
  if (vm.retry) actions.push(execute(t(locale, 'message.retry'), vm.retry.verb, vm.retry.data));
  if (vm.claimId) actions.push(execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: vm.claimId }));
  return renderNotice({
    title: vm.title,
    titleTone: vm.tone,
    lines: [vm.text, ...(vm.lines ?? []).map((l) => `- ${l}`)],
    actions,
  });
}

/** A service error as a message card in the user's language (see `errorView`). */
export function renderError(err: ServiceErrorLike, locale: string, extra: Pick<MessageView, 'retry' | 'claimId'> = {}): AdaptiveCard {
  const v = errorView(locale, err);
  return renderMessage({ title: v.title, text: v.text, lines: v.lines, tone: 'attention', ...extra }, locale);
}
