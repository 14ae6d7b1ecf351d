import { renderWelcome } from '../../cards';
import { hasRole, isPartner, loadPrincipal } from '../../services/authz';
import type { HandlerContext, Reply } from '../turn';

/** The welcome card doubles as help: what the bot does and every command. */
export function welcomeReply(ctx: HandlerContext, opts: { isReviewer?: boolean; isPartner?: boolean } = {}): Reply {
  return {
    card: renderWelcome(
      { userName: ctx.user.displayName, isReviewer: opts.isReviewer ?? false, isPartner: opts.isPartner ?? true },
      ctx.locale,
    ),
  };
}

export async function helpReply(ctx: HandlerContext): Promise<Reply> {
  const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
  return welcomeReply(ctx, { isReviewer: hasRole(p, ['REVIEWER']), isPartner: isPartner(p) });
}
