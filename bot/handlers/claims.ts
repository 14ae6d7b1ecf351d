import { z } from 'zod';
import {
  errorMessage,
  renderClaimSummary,
  renderConfirmCancel,
  renderCreateClaim,
  renderEditClaim,
  renderHistory,
  renderOverview,
} from '../../cards';
import {
  cancelClaim,
  createClaim,
  getClaimDetail,
  getClaimSummary,
  getCreateOptions,
  getHistory,
  updateClaim,
} from '../../services/claims';
import { isServiceError } from '../../services/errors';
import { getOverview } from '../../services/funds';
import { submitClaim } from '../../services/submission';
import { DOCUMENT_KINDS } from '../../cards/types';
import { action } from '../actions';
import type { HandlerContext, Reply } from '../turn';
import {
  actor,
  claimRef,
  commandThenDetail,
  detailReply,
  documentsReply,
  formData,
  fromDocumentsPage,
  formErrors,
  newIdempotencyKey,
  typedValues,
  versionedForm,
  versionedRef,
} from './common';

export async function createFormReply(
  ctx: HandlerContext,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const options = await getCreateOptions(ctx.deps.svc, actor(ctx));
  return { card: renderCreateClaim({ ...options, ...state, idempotencyKey: newIdempotencyKey() }, ctx.locale) };
}

/** The funds overview; an admin's filter (location, program, owner) comes from the card's inputs. */
export async function overviewReply(ctx: HandlerContext, filter: Record<string, unknown> = {}): Promise<Reply> {
  const { locationId, programId, ownerId } = filter;
  const overview = await getOverview(ctx.deps.svc, actor(ctx), { locationId, programId, ownerId });
  return { card: renderOverview(overview, ctx.locale) };
}

export async function historyReply(ctx: HandlerContext, claimId: string, before?: string): Promise<Reply> {
  // The page comes with the claim's number and name: no claim card to read for its title.
  const page = await getHistory(ctx.deps.svc, actor(ctx), { claimId, before, pageSize: 10 });
  return { card: renderHistory(page, ctx.locale) };
}

async function editFormReply(
  ctx: HandlerContext,
  claimId: string,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
  const program = await ctx.deps.svc.db.program.findUniqueOrThrow({ where: { id: detail.program.id }, select: { subItems: true } });
  return {
    card: renderEditClaim({ claim: detail, subItems: program.subItems, idempotencyKey: newIdempotencyKey(), ...state }, ctx.locale),
    claimId,
  };
}

export const claimActions = {
  'claim.new.form': action(z.object({}).passthrough(), (ctx) => createFormReply(ctx)),
  'overview.open': action(z.object({}).passthrough(), (ctx, d) => overviewReply(ctx, d)),

  'claim.create': action(formData, async (ctx, data) => {
    try {
      const r = await createClaim(ctx.deps.svc, actor(ctx), data);
      ctx.deps.claimChanged(r.claimId, ctx.conversation.id);
      return detailReply(ctx, r.claimId, 'created');
    } catch (e) {
      if (isServiceError(e) && (e.kind === 'invalid' || e.kind === 'rule_failed' || e.kind === 'conflict')) {
        const errors = e.kind === 'invalid' ? formErrors(ctx, e) : { _: errorMessage(ctx.locale, e) };
        return createFormReply(ctx, { values: typedValues(data), errors });
      }
      throw e;
    }
  }),

  'claim.open': action(claimRef.extend({ focus: z.string().max(100).optional() }).passthrough(), (ctx, d) => detailReply(ctx, d.claimId)),

  // Universal Actions automatic refresh: each user gets their own view (reviewer, owner, read-only).
  'claim.refresh': action(claimRef.passthrough(), async (ctx, d) => {
    try {
      return await detailReply(ctx, d.claimId);
    } catch (e) {
      // Someone in the chat who is not on the claim gets a read-only summary, not an error.
      if (isServiceError(e) && e.code === 'not_a_participant') {
        return { card: renderClaimSummary(await getClaimSummary(ctx.deps.svc, actor(ctx), d.claimId), ctx.locale) };
      }
      throw e;
    }
  }),

  'claim.history': action(claimRef.extend({ before: z.string().regex(/^\d+$/).optional() }).passthrough(), (ctx, d) =>
    historyReply(ctx, d.claimId, d.before),
  ),

  // Every document of one kind, a page at a time (the claim card shows the newest few).
  'claim.documents': action(claimRef.extend({ kind: z.enum(DOCUMENT_KINDS), page: fromDocumentsPage.shape.page }).passthrough(), (ctx, d) =>
    documentsReply(ctx, d.claimId, d.kind, d.page ?? 1),
  ),

  'claim.edit.form': action(claimRef.passthrough(), (ctx, d) => editFormReply(ctx, d.claimId)),

  'claim.update': action(versionedForm, async (ctx, d) =>
    commandThenDetail(
      ctx,
      d.claimId,
      () => updateClaim(ctx.deps.svc, actor(ctx), d),
      'saved',
      (e) => editFormReply(ctx, d.claimId, { values: typedValues(d), errors: formErrors(ctx, e) }),
    ),
  ),

  'claim.submit': action(versionedRef.passthrough(), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => submitClaim(ctx.deps.svc, actor(ctx), d), 'submitted'),
  ),
  'claim.resubmit': action(versionedRef.passthrough(), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => submitClaim(ctx.deps.svc, actor(ctx), d), 'resubmitted'),
  ),

  'claim.cancel.form': action(versionedRef.passthrough(), async (ctx, d) => {
    const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), d.claimId);
    return { card: renderConfirmCancel({ claim: detail, idempotencyKey: newIdempotencyKey() }, ctx.locale), claimId: d.claimId };
  }),
  'claim.cancel': action(versionedRef.passthrough(), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => cancelClaim(ctx.deps.svc, actor(ctx), d), 'cancelled'),
  ),
};
