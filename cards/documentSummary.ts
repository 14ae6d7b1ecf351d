import { catalogueText } from './catalogueText';
import { formatDate, formatMoney } from './format';
import { hasKey, t, type StringKey } from './strings';
import type { DocumentKind } from './types';

/** The parts of a document a card shows; `fields` is the kind's structured data (services/documents.ts). */
export type DocumentLike = {
  kind: DocumentKind;
  details: string;
  fields: Record<string, unknown>;
  fileName?: string | null;
  /** The web link the partner gave (a proof's landing page, an ad online). */
  url?: string | null;
  /** The stored file's own (signed) link, when the document has a file. */
  fileUrl?: string | null;
};

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const money = (v: unknown, currency: unknown, locale: string): string =>
  typeof v === 'number' ? formatMoney(v, s(currency) || 'USD', locale) : '';
const join = (...parts: string[]) => parts.filter(Boolean).join(' · ');

/** A CSR's expense types: "Staff time" or "Staff time + 2 more". */
function csrItems(lines: unknown, locale: string): string {
  if (!Array.isArray(lines) || lines.length === 0) return '';
  const first = s((lines[0] as { item?: unknown } | null)?.item);
  return lines.length > 1 ? t(locale, 'csr.items', { first, more: lines.length - 1 }) : first;
}

/** A one-line title per kind: "Contoso Media · INV-1042 · $4,000.00", "Estimated reach: 120,000". */
export function documentTitle(d: DocumentLike, locale: string): string {
  const f = d.fields ?? {};
  switch (d.kind) {
    case 'INVOICE':
      return (
        join(s(f.vendor), s(f.invoiceNumber), formatDate(s(f.invoiceDate) || null, locale), money(f.amountMinor, f.currency, locale)) ||
        t(locale, 'kind.INVOICE')
      );
    case 'CSR':
      return (
        join(s(f.expenseType) || csrItems(f.lines, locale), money(f.amountMinor, f.currency, locale), s(f.certifiedBy)) ||
        t(locale, 'kind.CSR')
      );
    case 'METRIC':
      return f.name ? `${catalogueText(locale, s(f.name))}: ${s(f.value)}` : t(locale, 'kind.METRIC');
    default:
      // Proof and additional information speak through their note.
      return d.details || d.fileName || t(locale, `kind.${d.kind}`);
  }
}

/**
 * The document's two ways in, each on its own labelled line: the stored file (opened through its
 * signed link) and the web link the partner gave. A proof can have both, and a reviewer must be able
 * to open each: the file name never points at the web link.
 */
export function documentLinks(d: DocumentLike, locale: string): { file: string; link: string } {
  const web = d.url ?? (typeof d.fields?.url === 'string' ? d.fields.url : null);
  const safe = (x: string) => x.replace(/[[\]()]/g, '');
  const file = d.fileName
    ? t(locale, 'detail.doc.file', { file: d.fileUrl ? `[${safe(d.fileName)}](${markdownUrl(d.fileUrl)})` : safe(d.fileName) })
    : '';
  const link = web ? t(locale, 'detail.doc.link', { url: `[${safe(web)}](${markdownUrl(web)})` }) : '';
  return { file, link };
}

/** A URL safe inside a markdown link: spaces and parentheses would end the link early. */
function markdownUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURI(url);
  } catch {
    // Already-encoded or malformed: encode what is there.
  }
  return encodeURI(decoded).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/**
 * A document named in history or a notification: "Proof of execution: agenda.pdf" with the kind in
 * the reader's language; events recorded before kinds were stored fall back to their English label.
 */
export function documentRefLabel(locale: string, ref: { documentKind?: unknown; documentName?: unknown; documentLabel?: unknown }): string {
  const kind =
    typeof ref.documentKind === 'string' && hasKey(`kind.${ref.documentKind}`) ? t(locale, `kind.${ref.documentKind}` as StringKey) : '';
  const name = typeof ref.documentName === 'string' ? catalogueText(locale, ref.documentName) : '';
  if (kind) return name ? `${kind}: ${name}` : kind;
  return typeof ref.documentLabel === 'string' ? ref.documentLabel : '';
}
