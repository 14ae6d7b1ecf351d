import { z } from 'zod';
import { renderExportReady } from '../../cards';
import { isServiceError } from '../../services/errors';
import { authoriseClaimExport, authoriseOrganisationExport } from '../../services/exports';
import { action } from '../actions';
import { exportLink } from '../exportLinks';
import type { HandlerContext, Reply } from '../turn';
import { actor, claimRef, messageReply } from './common';

const expiry = (ctx: HandlerContext) => new Date(ctx.deps.svc.clock.now().getTime() + ctx.deps.config.files.exportLinkHours * 3_600_000);

/**
 * "Export claim": a card with a signed download link for this person. The reply is not tied to the
 * claim (no claimId): a later change of the claim must not replace the link with the claim card.
 */
async function claimExportReply(ctx: HandlerContext, claimId: string): Promise<Reply> {
  const c = await authoriseClaimExport(ctx.deps.svc, actor(ctx), claimId);
  const claim = await ctx.deps.svc.db.claim.findUniqueOrThrow({ where: { id: c.claimId }, select: { name: true } });
  const expiresAt = expiry(ctx);
  return {
    card: renderExportReady(
      {
        kind: 'claim',
        claim: { id: c.claimId, number: c.number, name: claim.name },
        url: exportLink(ctx.deps.config.files, 'claim', c.claimId, ctx.user.id, expiresAt),
        expiresAt,
      },
      ctx.locale,
    ),
  };
}

/** The organisation's claims as CSV, for incentives and global admins; others are told who can. */
export async function claimsExportReply(ctx: HandlerContext): Promise<Reply> {
  try {
    const o = await authoriseOrganisationExport(ctx.deps.svc, actor(ctx));
    const expiresAt = expiry(ctx);
    return {
      card: renderExportReady(
        {
          kind: 'claims',
          organisationName: o.organisationName,
          claimCount: o.claimCount,
          url: exportLink(ctx.deps.config.files, 'claims', o.organisationId, ctx.user.id, expiresAt),
          expiresAt,
        },
        ctx.locale,
      ),
    };
  } catch (e) {
    if (isServiceError(e) && e.kind === 'forbidden') return messageReply(ctx, 'export.adminsOnly', {}, { tone: 'attention' });
    throw e;
  }
}

export const exportActions = {
  'claim.export': action(claimRef.passthrough(), (ctx, d) => claimExportReply(ctx, d.claimId)),
  'claims.export': action(z.object({}).passthrough(), (ctx) => claimsExportReply(ctx)),
};
