import { z } from 'zod';
import {
  needsFixInputId,
  renderApproveForm,
  type ApproveFormView,
  renderDisputeForm,
  renderRejectForm,
  renderRequestInfoForm,
} from '../../cards';
import { getClaimDetail } from '../../services/claims';
import type { ServiceError } from '../../services/errors';
import { approveClaim, disputeClaim, rejectClaim, requestInformation, reviewDocument, startReview } from '../../services/review';
import { action } from '../actions';
import type { HandlerContext, Reply } from '../turn';
import {
  actor,
  backTo,
  commandThenDetail,
  formData,
  formErrors,
  fromDocumentsPage,
  newIdempotencyKey,
  typedValues,
  versionedRef,
} from './common';

type FormRender = (vm: ApproveFormView, locale: string) => ReturnType<typeof renderApproveForm>;

/** The reviewer's and the partner's one-field forms (approve amount, reject reason, request info, dispute). */
function formAction(render: FormRender) {
  return async (
    ctx: HandlerContext,
    claimId: string,
    state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ): Promise<Reply> => {
    const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
    return {
      card: render(
        {
          claim: detail,
          amountMinor: detail.amountMinor,
          currency: detail.currency,
          decisions: detail.decisions,
          idempotencyKey: newIdempotencyKey(),
          ...state,
        },
        ctx.locale,
      ),
      claimId,
    };
  };
}
const approveForm = formAction(renderApproveForm);
const rejectForm = formAction(renderRejectForm);
const requestInfoForm = formAction(renderRequestInfoForm);
const disputeForm = formAction(renderDisputeForm);

const again =
  (ctx: HandlerContext, form: ReturnType<typeof formAction>, d: { claimId: string } & Record<string, unknown>) => (e: ServiceError) =>
    form(ctx, d.claimId, { values: typedValues(d), errors: formErrors(ctx, e) });

const claimForm = z.object({ claimId: z.string().uuid() }).passthrough();

export const reviewActions = {
  'review.start': action(versionedRef.passthrough(), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => startReview(ctx.deps.svc, actor(ctx), d), 'reviewStarted'),
  ),

  // Per-document Accept / Needs fix; the feedback text comes from that document's own input.
  'review.doc': action(
    formData
      .and(versionedRef)
      .and(z.object({ documentId: z.string().uuid(), decision: z.enum(['ACCEPT', 'NEEDS_FIX']) }))
      .and(fromDocumentsPage),
    (ctx, d) => {
      const feedback = d[needsFixInputId(d.documentId)];
      return commandThenDetail(
        ctx,
        d.claimId,
        () =>
          reviewDocument(ctx.deps.svc, actor(ctx), {
            claimId: d.claimId,
            version: d.version,
            documentId: d.documentId,
            decision: d.decision,
            feedback: typeof feedback === 'string' ? feedback : undefined,
            idempotencyKey: d.idempotencyKey,
          }),
        d.decision === 'ACCEPT' ? 'documentAccepted' : 'feedbackSent',
        undefined,
        backTo(ctx, d),
      );
    },
  ),

  'review.requestInfo.form': action(claimForm, (ctx, d) => requestInfoForm(ctx, d.claimId)),
  'review.requestInfo': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(
      ctx,
      d.claimId,
      () => requestInformation(ctx.deps.svc, actor(ctx), d),
      'infoRequested',
      again(ctx, requestInfoForm, d),
    ),
  ),
  'review.approve.form': action(claimForm, (ctx, d) => approveForm(ctx, d.claimId)),
  'review.approve': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => approveClaim(ctx.deps.svc, actor(ctx), d), 'approved', again(ctx, approveForm, d)),
  ),
  'review.reject.form': action(claimForm, (ctx, d) => rejectForm(ctx, d.claimId)),
  'review.reject': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => rejectClaim(ctx.deps.svc, actor(ctx), d), 'rejected', again(ctx, rejectForm, d)),
  ),
  'claim.dispute.form': action(claimForm, (ctx, d) => disputeForm(ctx, d.claimId)),
  'claim.dispute': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => disputeClaim(ctx.deps.svc, actor(ctx), d), 'disputed', again(ctx, disputeForm, d)),
  ),
};
