import type { CloudAdapter } from 'botbuilder';
import { renderNotification } from '../cards';
import { expireDrafts, remindOverdueUploads, warnExpiringDrafts } from '../services/expiry';
import { log } from '../services/log';
import { notificationPayload } from '../services/notifications';
import { noteRequestReached } from '../services/uploadRequests';
import { escalateOverdueReviews, remindOverdueReviews } from '../services/reviewWorkload';
import { startOutboxWorker } from './outbox/worker';
import { startScheduler } from './scheduler';
import type { BotDeps } from './turn';

/** The outbox worker and the scheduler run inside every bot process; both are safe with several replicas. */
export function startBackgroundWork(deps: BotDeps, adapter: CloudAdapter): { stop: () => Promise<void> } {
  const { svc, config } = deps;
  const worker = startOutboxWorker({
    db: svc.db,
    adapter,
    appId: config.bot.appId ?? '',
    config: config.outbox,
    clock: svc.clock,
    graph: deps.graph,
    teamsAppCatalogId: config.graph.teamsAppCatalogId,
    render: (payload, locale) => renderNotification(notificationPayload.parse(payload), locale),
    afterSent: (payload) => noteRequestReached(svc, payload),
    log: log.child({ mod: 'outbox' }),
  });
  const scheduler = startScheduler({
    intervalSeconds: config.scheduler.intervalSeconds,
    log: log.child({ mod: 'scheduler' }),
    jobs: [
      { name: 'expire-drafts', run: () => expireDrafts(svc) },
      { name: 'warn-expiring-drafts', run: () => warnExpiringDrafts(svc) },
      { name: 'remind-overdue-uploads', run: () => remindOverdueUploads(svc) },
      { name: 'remind-overdue-reviews', run: () => remindOverdueReviews(svc) },
      { name: 'escalate-overdue-reviews', run: () => escalateOverdueReviews(svc) },
    ],
  });
  return {
    stop: async () => {
      await scheduler.stop();
      await worker.stop();
    },
  };
}
