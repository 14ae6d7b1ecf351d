import { z } from 'zod';
import { renderAddDocument, renderCommentForm } from '../../cards';
import { getClaimDetail } from '../../services/claims';
import { addAdditionalInfo, addComment, addMetric, generateCsr, removeDocument } from '../../services/documents';
import { isServiceError } from '../../services/errors';
import { beginFileUpload, cancelPendingUpload } from '../../services/pendingUploads';
import { action } from '../actions';
import type { HandlerContext, Reply } from '../turn';
import { askForFile } from './filePrompt';
import {
  actor,
  claimRef,
  commandThenDetail,
  backTo,
  detailReply,
  formData,
  fromDocumentsPage,
  formErrors,
  messageReply,
  newIdempotencyKey,
  typedValues,
  versionedRef,
} from './common';

const KINDS = ['INVOICE', 'CSR', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'] as const;
type Kind = (typeof KINDS)[number];

async function addFormReply(
  ctx: HandlerContext,
  claimId: string,
  kind: Kind,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  replacesDocumentId?: string,
): Promise<Reply> {
  const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
  return {
    card: renderAddDocument(
      {
        claim: detail,
        kind,
        idempotencyKey: newIdempotencyKey(),
        requiredMetrics: detail.activityType.requiredMetrics,
        proofGuidance: detail.activityType.proofGuidance,
        replacesDocumentId,
        ...state,
      },
      ctx.locale,
    ),
    claimId,
  };
}

/** A form's error goes back onto the same form, with what the user typed. */
const backToForm =
  (ctx: HandlerContext, d: { claimId: string } & Record<string, unknown>, kind: Kind) => async (e: Parameters<typeof formErrors>[1]) =>
    addFormReply(ctx, d.claimId, kind, { values: typedValues(d), errors: formErrors(ctx, e) });

export const documentActions = {
  // With documentId: "Replace" on that document (the new file supersedes it; its feedback is resolved).
  'doc.add.form': action(claimRef.extend({ kind: z.enum(KINDS), documentId: z.string().uuid().optional() }).passthrough(), (ctx, d) =>
    addFormReply(ctx, d.claimId, d.kind, {}, d.documentId),
  ),

  /**
   * Files: the description first, then the bot waits (in the database) for the next file the user
   * sends in 1:1 chat; asked for elsewhere, the prompt goes to that chat (filePrompt.ts).
   */
  'doc.add': action(
    formData.and(versionedRef).and(z.object({ kind: z.enum(['INVOICE', 'PROOF', 'METRIC', 'ADDITIONAL_INFO']) })),
    async (ctx, d) => {
      const { claimId, version, kind, details, documentId, replacesDocumentId = documentId, uploadRequestId, ...rest } = d;
      try {
        const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
        return await askForFile(ctx, detail, kind, (opts) =>
          beginFileUpload(
            ctx.deps.svc,
            actor(ctx),
            {
              claimId,
              version,
              kind,
              details: typeof details === 'string' ? details : '',
              fields: rest,
              replacesDocumentId,
              uploadRequestId,
            },
            opts,
          ),
        );
      } catch (e) {
        if (isServiceError(e) && e.kind === 'invalid')
          return addFormReply(
            ctx,
            claimId,
            kind,
            { values: typedValues(d), errors: formErrors(ctx, e) },
            typeof replacesDocumentId === 'string' ? replacesDocumentId : undefined,
          );
        if (isServiceError(e) && e.code === 'stale_version') return detailReply(ctx, claimId, 'changed');
        throw e;
      }
    },
  ),

  'csr.generate': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => generateCsr(ctx.deps.svc, actor(ctx), d), 'documentAdded', backToForm(ctx, d, 'CSR')),
  ),
  'metric.add': action(formData.and(versionedRef), (ctx, d) => {
    // The metric name comes from the list of required metrics or, for any other metric, the free text box.
    const name = typeof d.otherName === 'string' && d.otherName.trim() ? d.otherName : d.name;
    return commandThenDetail(
      ctx,
      d.claimId,
      () => addMetric(ctx.deps.svc, actor(ctx), { ...d, name }),
      'documentAdded',
      backToForm(ctx, d, 'METRIC'),
    );
  }),
  'info.add': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(
      ctx,
      d.claimId,
      () => addAdditionalInfo(ctx.deps.svc, actor(ctx), d),
      'documentAdded',
      backToForm(ctx, d, 'ADDITIONAL_INFO'),
    ),
  ),
  'doc.remove': action(versionedRef.extend({ documentId: z.string().uuid() }).and(fromDocumentsPage), (ctx, d) =>
    commandThenDetail(ctx, d.claimId, () => removeDocument(ctx.deps.svc, actor(ctx), d), 'saved', undefined, backTo(ctx, d)),
  ),

  'comment.form': action(claimRef.passthrough(), async (ctx, d) => {
    const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), d.claimId);
    return { card: renderCommentForm({ claim: detail, idempotencyKey: newIdempotencyKey() }, ctx.locale), claimId: d.claimId };
  }),
  'comment.add': action(formData.and(claimRef), (ctx, d) =>
    commandThenDetail(
      ctx,
      d.claimId,
      () => addComment(ctx.deps.svc, actor(ctx), d),
      'commentAdded',
      async (e) => {
        const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), d.claimId);
        return {
          card: renderCommentForm(
            { claim: detail, idempotencyKey: newIdempotencyKey(), values: typedValues(d), errors: formErrors(ctx, e) },
            ctx.locale,
          ),
          claimId: d.claimId,
        };
      },
    ),
  ),

  'upload.cancelPending': action(z.object({}).passthrough(), async (ctx) => {
    const r = await cancelPendingUpload(ctx.deps.svc, actor(ctx));
    return messageReply(ctx, r.cancelled ? 'upload.pendingCancelled' : 'upload.nothingPending');
  }),
};
