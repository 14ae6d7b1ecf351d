import documentsJson from './templates/claimDocuments.json';
import { backToClaim } from './form';
import documentRowJson from './templates/documentRow.json';
import { execute, type ExecuteSpec } from './actions';
import { noteView, type ClaimAction, type ClaimDocumentView, type Note } from './claimDetail';
import { documentRows } from './documentRows';
import { badgeTextTone } from './format';
import { cardBytes, composeTemplate, expand } from './render';
import { t } from './strings';
import type { AdaptiveCard, ClaimRef, DocumentKind, RenderOptions } from './types';

/**
 * Every document of one kind on a claim, a page at a time, each with the buttons the viewer may use
 * on it (the claim card shows only the newest few): how a reviewer gets through the forty photos of a
 * trade show. Pages run oldest first, so a document keeps its place while others are added.
 */
export type ClaimDocumentsView = {
  claim: ClaimRef;
  kind: DocumentKind;
  /** All active documents of the kind, oldest first (the claim detail's, filtered). */
  documents: ClaimDocumentView[];
  /** 1-based; out-of-range pages show the nearest one. */
  page: number;
  allowedActions: readonly ClaimAction[];
  idempotencyKey: string;
  note?: Note | null;
};

export const DOCUMENTS_PAGE_SIZE = 10;
/** Above this the page drops secondary lines (notes, who added what when), as the claim card does. */
const COMPACT_ABOVE_BYTES = 24 * 1024;

const template = composeTemplate(documentsJson, { documentRow: documentRowJson });

export function renderClaimDocuments(vm: ClaimDocumentsView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const card = render(vm, locale, opts, false);
  return cardBytes(card) > COMPACT_ABOVE_BYTES ? render(vm, locale, opts, true) : card;
}

function render(vm: ClaimDocumentsView, locale: string, opts: RenderOptions, compact: boolean): AdaptiveCard {
  const total = vm.documents.length;
  const pages = Math.max(1, Math.ceil(total / DOCUMENTS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.trunc(vm.page) || 1), pages);
  const first = (page - 1) * DOCUMENTS_PAGE_SIZE;
  const shown = vm.documents.slice(first, first + DOCUMENTS_PAGE_SIZE);
  const kindLabel = t(locale, `kind.${vm.kind}`);
  const to = (p: number) => ({ claimId: vm.claim.id, kind: vm.kind, page: p });
  const actions: ExecuteSpec[] = [];
  if (page > 1) actions.push(execute(t(locale, 'docs.previous'), 'claim.documents', to(page - 1)));
  if (page < pages) actions.push(execute(t(locale, 'docs.next'), 'claim.documents', to(page + 1)));
  actions.push(backToClaim(locale, vm.claim.id));
  const note = noteView(vm.note, locale);
  return expand(template, {
    number: vm.claim.number,
    title: t(locale, 'docs.title', { kind: kindLabel, count: total }),
    subtitle: vm.claim.name,
    hasNote: Boolean(note),
    noteText: note?.text ?? '',
    noteTone: badgeTextTone(note?.tone ?? 'default'),
    noteStyle: note?.tone ?? 'default',
    isEmpty: total === 0,
    emptyText: t(locale, 'detail.noDocuments'),
    hasRange: total > 0,
    range: t(locale, 'docs.range', { from: first + 1, to: first + shown.length, count: total, page, pages }),
    docs: documentRows(
      shown,
      {
        claimId: vm.claim.id,
        version: vm.claim.version,
        idempotencyKey: vm.idempotencyKey,
        allowed: new Set(vm.allowedActions),
        compact,
        timeZone: opts.timeZone,
        page,
      },
      locale,
    ),
    actions,
  });
}
