import { cancelPendingUpload } from '../../services/pendingUploads';
import { findClaimIdByNumber } from '../../services/claims';
import { hasRole, loadPrincipal } from '../../services/authz';
import type { TextCommand } from '../commands';
import { outboxStatusReply } from './outbox';
import type { HandlerContext, Reply } from '../turn';
import { actor, detailReply, messageReply } from './common';
import { createFormReply, overviewReply, historyReply } from './claims';
import { helpReply } from './help';
import { reviewQueueReply } from './reviewWorkload';
import { claimsExportReply } from './exports';
import { organisationReply } from './admin';

export async function runTextCommand(ctx: HandlerContext, cmd: TextCommand): Promise<Reply> {
  switch (cmd.name) {
    case 'help':
      return helpReply(ctx);
    case 'newClaim':
      return createFormReply(ctx);
    case 'overview':
      return overviewReply(ctx);
    case 'claim':
      return detailReply(ctx, await findClaimIdByNumber(ctx.deps.svc, actor(ctx), cmd.number));
    case 'history':
      return historyReply(ctx, await findClaimIdByNumber(ctx.deps.svc, actor(ctx), cmd.number));
    case 'reviews':
      return reviewQueueReply(ctx);
    case 'exportClaims':
      return claimsExportReply(ctx);
    case 'cancelUpload': {
      const r = await cancelPendingUpload(ctx.deps.svc, actor(ctx));
      return messageReply(ctx, r.cancelled ? 'upload.pendingCancelled' : 'upload.nothingPending');
    }
    case 'admin':
      return organisationReply(ctx);
    case 'outbox': {
      const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
      if (!hasRole(p, ['INCENTIVES_ADMIN', 'GLOBAL_ADMIN'])) return messageReply(ctx, 'outbox.adminsOnly');
      return outboxStatusReply(ctx);
    }
  }
}
