import PDFDocument from 'pdfkit';
import { formatDate, formatMoment, formatMoney, langOf, t } from '../cards';
import type { StringKey } from '../cards';
import type { ActorKind, ClaimStatus, DocumentKind } from '../cards/types';
import { DOCUMENT_KINDS } from '../cards/types';
import { BODY, BOLD, useNotoSansKr } from './pdfFonts';

/**
 * The one-page PDF summary inside a claim export (services/exports.ts): facts, amounts, decisions
 * with their reasons, and what the archive holds, in the exporting person's language and set in the
 * bundled Noto Sans KR (reports/pdfFonts.ts), so Korean names and reasons read as written.
 *
 * It is one page whatever the claim holds: every text has a line budget (cut with "…"), and the
 * decisions get the room that is left, newest first; the rest are counted (all are in history.csv).
 */

/** History types the summary lists as decisions, with their reason (or message) and amount. */
export const SUMMARY_DECISION_TYPES = [
  'submitted',
  'resubmitted',
  'information_requested',
  'approved',
  'rejected',
  'disputed',
  'expired',
  'claim_cancelled',
] as const;
export type SummaryDecisionType = (typeof SUMMARY_DECISION_TYPES)[number];

export type ExportSummaryView = {
  claim: {
    number: string;
    name: string;
    status: ClaimStatus;
    organisation: string;
    location: { name: string; partnerId: string };
    program: { name: string; code: string };
    period: string;
    activityType: { name: string; nameKo: string };
    activityStart: Date;
    activityEnd: Date;
    preApprovalId: string | null;
    owner: string;
    reviewer: string | null;
    createdAt: Date;
    submittedAt: Date | null;
    decidedAt: Date | null;
    currency: string;
    amountMinor: number;
    approvedMinor: number | null;
  };
  /** The amounts of the claim's invoices that are not removed. */
  invoicesMinor: number;
  /** Oldest first. */
  decisions: Array<{
    at: Date;
    type: SummaryDecisionType;
    actorName: string | null;
    actorKind: ActorKind;
    amountMinor: number | null;
    reason: string | null;
  }>;
  /** Document files in the archive: the current ones by kind, and those removed or replaced. */
  files: { current: Partial<Record<DocumentKind, number>>; removed: number };
  exportedAt: Date;
  exportedBy: string;
};

const MARGIN = 48;
const LABEL_WIDTH = 150;
const GREY = '#555555';
/** At most this many decisions, even when more would fit: the page stays readable. */
const MAX_DECISIONS = 6;

type Style = { font: typeof BODY | typeof BOLD; size: number; color?: string; x?: number; width?: number; lines: number };

export function renderExportSummaryPdf(v: ExportSummaryView, locale: string): Promise<Buffer> {
  const l = (key: string, params: Record<string, string | number> = {}) => t(locale, `pdf.summary.${key}` as StringKey, params);
  const c = v.claim;
  const money = (minor: number | null) => (minor === null ? '—' : formatMoney(minor, c.currency, locale));
  const date = (d: Date | null) => (d ? formatDate(d, locale) : '—');

  // The creation date is the export time, so the same export renders to the same bytes.
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${c.number} · ${l('title')}`, Author: v.exportedBy, Creator: t(locale, 'app.name'), CreationDate: v.exportedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  useNotoSansKr(doc);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN;

  /**
   * Sets `text` at the current y in at most `s.lines` lines (the last one ends in "…" when cut)
   * and returns its height; with `draw` false it only measures, so a block can be fitted first.
   * pdfkit's own height limit never adds a page, which is what keeps the summary to one.
   */
  const block = (text: string, s: Style, draw = true): number => {
    const x = s.x ?? MARGIN;
    const w = s.width ?? width - (x - MARGIN);
    doc.font(s.font).fontSize(s.size);
    const lineHeight = doc.currentLineHeight(true);
    const h = Math.min(doc.heightOfString(text, { width: w }), s.lines * lineHeight);
    if (draw) {
      const y = doc.y;
      doc
        .fillColor(s.color ?? 'black')
        .text(text, x, y, { width: w, height: h + 0.5, ellipsis: true })
        .fillColor('black');
      doc.x = MARGIN;
      doc.y = y + h;
    }
    return h;
  };
  const gap = (h: number, draw = true) => {
    if (draw) doc.y += h;
    return h;
  };
  const heading = (title: string, draw = true) => gap(8, draw) + block(title, { font: BOLD, size: 11, lines: 1 }, draw) + gap(3, draw);
  /** Label and value side by side. */
  const pairs = (rows: Array<[string, string]>, draw = true) => {
    let total = 0;
    for (const [label, value] of rows) {
      const y = doc.y;
      const a = block(label, { font: BOLD, size: 9, color: '#333333', width: LABEL_WIDTH - 8, lines: 2 }, draw);
      if (draw) doc.y = y;
      const b = block(value, { font: BODY, size: 9, x: MARGIN + LABEL_WIDTH, lines: 2 }, draw);
      const h = Math.max(a, b) + 1;
      if (draw) doc.y = y + h;
      total += h;
    }
    return total;
  };

  block(l('title'), { font: BODY, size: 9, color: GREY, lines: 1 });
  block(`${c.number} · ${c.name}`, { font: BOLD, size: 16, lines: 2 });
  block(l('status', { status: t(locale, `status.${c.status}`) }), { font: BODY, size: 10, color: GREY, lines: 1 });

  heading(l('claim'));
  pairs([
    [l('organisation'), c.organisation],
    [l('location'), l('locationValue', { name: c.location.name, partnerId: c.location.partnerId })],
    [l('program'), `${c.program.name} (${c.program.code})`],
    [l('period'), c.period],
    [l('activity'), langOf(locale) === 'ko' && c.activityType.nameKo ? c.activityType.nameKo : c.activityType.name],
    [l('activityDates'), `${date(c.activityStart)} – ${date(c.activityEnd)}`],
    ...(c.preApprovalId ? [[l('preApproval'), c.preApprovalId] as [string, string]] : []),
    [l('owner'), c.owner],
    [l('reviewer'), c.reviewer ?? '—'],
    [l('created'), date(c.createdAt)],
    [l('submitted'), date(c.submittedAt)],
    [l('decided'), date(c.decidedAt)],
  ]);
  heading(l('amounts'));
  pairs([
    [l('claimed'), money(c.amountMinor)],
    [l('approved'), money(c.approvedMinor)],
    [l('invoices'), money(v.invoicesMinor)],
  ]);

  const fileRows: Array<[string, string]> = DOCUMENT_KINDS.filter((k) => (v.files.current[k] ?? 0) > 0).map((k) => [
    l(`files.${k}`),
    String(v.files.current[k]),
  ]);
  if (v.files.removed > 0) fileRows.push([l('files.removed'), String(v.files.removed)]);
  const footer = `${l('exported', { time: formatMoment(v.exportedAt, locale), name: v.exportedBy })} ${l('retention')}`;
  const tail = (draw: boolean) =>
    heading(l('documents'), draw) +
    (fileRows.length ? pairs(fileRows, draw) : block(l('noDocuments'), { font: BODY, size: 9, lines: 1 }, draw)) +
    gap(10, draw) +
    block(footer, { font: BODY, size: 8, color: GREY, lines: 5 }, draw);

  heading(l('decisions'));
  const entry = (d: ExportSummaryView['decisions'][number], draw = true) => {
    const who = d.actorName ?? t(locale, `actor.${d.actorKind}`);
    const what = t(locale, `history.type.${d.type}`) + (d.type === 'approved' && d.amountMinor !== null ? ` ${money(d.amountMinor)}` : '');
    return (
      block(`${formatMoment(d.at, locale)} · ${who} · ${what}`, { font: BOLD, size: 9, lines: 2 }, draw) +
      (d.reason ? block(d.reason, { font: BODY, size: 9, x: MARGIN + 10, lines: 3 }, draw) : 0) +
      gap(3, draw)
    );
  };
  const earlierLine = (count: number, draw = true) => block(l('earlier', { count }), { font: BODY, size: 8, color: GREY, lines: 1 }, draw);
  // The newest decisions that fit above what must follow them, shown oldest first.
  const room = bottom - doc.y - tail(false) - earlierLine(v.decisions.length, false);
  const shown: ExportSummaryView['decisions'] = [];
  let used = 0;
  for (let i = v.decisions.length - 1; i >= 0 && shown.length < MAX_DECISIONS; i--) {
    const h = entry(v.decisions[i]!, false);
    if (used + h > room) break;
    shown.unshift(v.decisions[i]!);
    used += h;
  }
  if (v.decisions.length > shown.length) earlierLine(v.decisions.length - shown.length);
  if (v.decisions.length === 0) block(l('noDecision'), { font: BODY, size: 9, lines: 1 });
  for (const d of shown) entry(d);

  tail(true);
  doc.end();
  return done;
}
