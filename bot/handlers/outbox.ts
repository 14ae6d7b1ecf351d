import { renderOutboxStatus } from '../../cards';
import { outboxStatus } from '../outbox/worker';
import type { HandlerContext, Reply } from '../turn';

/** Incentives admins: delivery counts and the last errors (dead letters first). */
export async function outboxStatusReply(ctx: HandlerContext): Promise<Reply> {
  const report = await outboxStatus(ctx.deps.svc.db, ctx.deps.svc.clock.now());
  return { card: renderOutboxStatus(report, ctx.locale) };
}
