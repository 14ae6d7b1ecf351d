import { renderWelcome } from '../../cards';
import { hasRole, loadPrincipal } from '../../services/authz';
import type { HandlerContext, Reply } from '../turn';

/** The welcome card doubles as help: what the bot does and every command. */
export function welcomeReply(ctx: HandlerContext, opts: { isReviewer?: boolean } = {}): Reply {
  return { card: renderWelcome({ userName: ctx.user.displayName, isReviewer: opts.isReviewer ?? false }, ctx.locale) };
}

export async function helpReply(ctx: HandlerContext): Promise<Reply> {
  const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
  return welcomeReply(ctx, { isReviewer: hasRole(p, ['REVIEWER']) });
}
