import { actionData, actionKey, execute, needsFixInputId } from './actions';
import { documentLinks, documentTitle } from './documentSummary';
import { formatMoment, reviewTone } from './format';
import { t } from './strings';
import type { ClaimAction, ClaimDocumentView } from './claimDetail';
import type { DocumentKind } from './types';

/** The add action that also lets the viewer replace or remove a document of that kind. */
const ADD_ACTION_BY_KIND: Record<DocumentKind, ClaimAction> = {
  INVOICE: 'add_invoice',
  CSR: 'add_csr',
  PROOF: 'add_proof',
  METRIC: 'add_metric',
  ADDITIONAL_INFO: 'add_additional_info',
};
/** Kinds whose document is a file the partner can swap for a new one (the others are re-entered or removed). */
const REPLACEABLE: ReadonlySet<DocumentKind> = new Set(['INVOICE', 'PROOF']);

export type DocumentRowContext = {
  claimId: string;
  version: number;
  idempotencyKey: string;
  allowed: ReadonlySet<ClaimAction>;
  /** Drop secondary lines (details, who added it when) to keep a busy card small. */
  compact?: boolean;
  timeZone?: string;
  /** Set on a documents card: its buttons bring the reviewer or partner back to that page. */
  page?: number;
};

/**
 * One row per document, as the claim card and the documents card show it (templates/documentRow.json):
 * title, note, the file and the web link, review state and open feedback, and the buttons the viewer
 * may use on it (Replace / Remove for partner staff, Accept / Needs fix for reviewers), each named
 * for its document in its tooltip.
 */
export function documentRows(docs: ClaimDocumentView[], ctx: DocumentRowContext, locale: string) {
  const ref = { claimId: ctx.claimId, version: ctx.version };
  const canReview = ctx.allowed.has('review_document');
  return docs.map((d) => {
    const kind = d.kind;
    const canChange = ctx.allowed.has(ADD_ACTION_BY_KIND[kind]);
    const { file, link } = documentLinks(d, locale);
    const title = documentTitle(d, locale);
    const details = ctx.compact || title === d.details ? '' : d.details;
    // From a documents card, the answer to a click is that page again (kind + page ride along).
    const back = ctx.page ? { kind, page: ctx.page } : {};
    return {
      title,
      details,
      hasDetails: Boolean(details),
      file,
      hasFile: Boolean(file),
      link,
      hasLink: Boolean(link),
      hasMeta: !ctx.compact,
      meta: t(locale, 'detail.doc.addedBy', { name: d.uploaderName, date: formatMoment(d.createdAt, locale, ctx.timeZone) }),
      reviewLabel: t(locale, `review.${d.reviewState}`),
      reviewTone: reviewTone(d.reviewState),
      openFeedback: d.openFeedback.map((f) => ({ text: t(locale, 'detail.doc.feedback', { text: f.text }) })),
      canReview,
      canChange,
      canReplace: canChange && REPLACEABLE.has(kind),
      // Every row's buttons read the same; the tooltip (read by screen readers) names the document.
      replace: {
        ...execute(t(locale, 'detail.doc.replace'), 'doc.add.form', { claimId: ctx.claimId, kind, documentId: d.id }),
        tooltip: t(locale, 'detail.doc.replace.tooltip', { document: clip(title) }),
      },
      remove: {
        title: t(locale, 'detail.doc.remove'),
        tooltip: t(locale, 'detail.doc.remove.tooltip', { document: clip(title) }),
        text: t(locale, 'detail.doc.remove.text'),
        confirm: t(locale, 'detail.doc.remove.confirm'),
        verb: 'doc.remove',
        data: actionData({ ...ref, ...back, documentId: d.id, idempotencyKey: actionKey(ctx.idempotencyKey, 'rm', shortId(d.id)) }),
      },
      canAccept: d.reviewState !== 'ACCEPTED',
      accept: {
        title: t(locale, 'detail.doc.accept'),
        tooltip: t(locale, 'detail.doc.accept.tooltip', { document: clip(title) }),
        verb: 'review.doc',
        data: actionData({
          ...ref,
          ...back,
          documentId: d.id,
          decision: 'ACCEPT',
          idempotencyKey: actionKey(ctx.idempotencyKey, 'rd', 'A', shortId(d.id)),
        }),
      },
      needsFix: {
        title: t(locale, 'detail.doc.needsFix'),
        tooltip: t(locale, 'detail.doc.needsFix.tooltip', { document: clip(title) }),
        inputId: needsFixInputId(d.id),
        // The input says which document the feedback is about: the ShowCard opens under the row, not beside it.
        label: t(locale, 'detail.doc.needsFix.labelFor', { document: clip(title) }),
        error: t(locale, 'detail.doc.needsFix.error'),
        send: t(locale, 'detail.doc.needsFix.send'),
        verb: 'review.doc',
        data: actionData({
          ...ref,
          ...back,
          documentId: d.id,
          decision: 'NEEDS_FIX',
          idempotencyKey: actionKey(ctx.idempotencyKey, 'rd', 'N', shortId(d.id)),
        }),
      },
    };
  });
}

/** Enough of a uuid to tell a claim's documents apart inside one card's keys (keeps the card small). */
const shortId = (id: string) => id.replace(/-/g, '').slice(0, 12);
/** A document title short enough for a tooltip. */
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
