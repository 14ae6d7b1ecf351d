import { z } from 'zod';
import { csrInputFromForm, documentFormNeeds, renderAddDocument, renderCommentForm } from '../../cards';
import { csrFileName, renderCsrPdf } from '../../reports/csrPdf';
import { getClaimDetail } from '../../services/claims';
import { addAdditionalInfo, addComment, addMetric, generateCsr, previewCsr, removeDocument } from '../../services/documents';
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
  state: { values?: Record<string, string>; errors?: Record<string, string>; csrLines?: number } = {},
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
        ...documentFormNeeds(detail.checklist),
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

  /**
   * A CSR in three steps: the service checks the form and the claim and says what the statement
   * shows (nothing written), the PDF is rendered in the user's language and stored, then the CSR is
   * added with that file. A form error (a line that does not add up) goes back onto the form.
   */
  'csr.generate': action(formData.and(versionedRef), (ctx, d) =>
    commandThenDetail(
      ctx,
      d.claimId,
      async () => {
        const input = csrInputFromForm(d);
        const view = await previewCsr(ctx.deps.svc, actor(ctx), input);
        if ('alreadyGenerated' in view) return;
        const pdf = await renderCsrPdf(view, ctx.locale);
        const file = await ctx.deps.files.put(pdf, { fileName: csrFileName(view), contentType: 'application/pdf' });
        return generateCsr(ctx.deps.svc, actor(ctx), { ...input, file });
      },
      'documentAdded',
      backToForm(ctx, d, 'CSR'),
    ),
  ),
  /** "Add a line": the same CSR form with what was typed and one more line row. */
  'csr.addLine': action(formData.and(versionedRef).and(z.object({ lines: z.coerce.number().int().min(1).max(20) })), (ctx, d) =>
    addFormReply(ctx, d.claimId, 'CSR', { values: typedValues(d), csrLines: d.lines }),
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
