import { formatMoment } from './format';
import { renderNotice } from './notice';
import { t } from './strings';
import type { AdaptiveCard, Moment, RenderOptions } from './types';

/** What the admins' `outbox` command shows (bot/outbox/worker.ts `outboxStatus`). */
export type OutboxStatusView = {
  counts: { PENDING: number; SENT: number; DEAD: number };
  due: number;
  lastErrors: Array<{ kind: string; lastError: string; at: Moment }>;
};

export function renderOutboxStatus(vm: OutboxStatusView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const errors = vm.lastErrors.map((e) => ({
    text: t(locale, 'outbox.errorLine', {
      time: formatMoment(e.at, locale, opts.timeZone),
      kind: e.kind,
      error: e.lastError.slice(0, 200),
    }),
    subtle: true,
  }));
  return renderNotice({
    title: t(locale, 'outbox.title'),
    titleTone: vm.counts.DEAD > 0 ? 'warning' : 'default',
    lines: [
      t(locale, 'outbox.counts', { pending: vm.counts.PENDING, due: vm.due, sent: vm.counts.SENT, dead: vm.counts.DEAD }),
      { text: t(locale, errors.length ? 'outbox.lastErrors' : 'outbox.noErrors'), tone: errors.length ? 'attention' : 'good' },
      ...errors,
    ],
  });
}
