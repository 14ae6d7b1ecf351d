import { formatDate, formatMoney } from './format';
import { t } from './strings';
import type { DocumentKind } from './types';

/** The parts of a document a card shows; `fields` is the kind's structured data (services/documents.ts). */
export type DocumentLike = {
  kind: DocumentKind;
  details: string;
  fields: Record<string, unknown>;
  fileName?: string | null;
  url?: string | null;
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
      return f.name ? `${s(f.name)}: ${s(f.value)}` : t(locale, 'kind.METRIC');
    default:
      // Proof and additional information speak through their note.
      return d.details || d.fileName || t(locale, `kind.${d.kind}`);
  }
}

/** The file line: a markdown link when the document has a URL, else the file name. */
export function documentFile(d: DocumentLike, locale: string): string {
  const url = d.url ?? (typeof d.fields?.url === 'string' ? d.fields.url : null);
  const safe = (x: string) => x.replace(/[[\]()]/g, '');
  if (d.fileName && url) return t(locale, 'detail.doc.file', { file: `[${safe(d.fileName)}](${markdownUrl(url)})` });
  if (d.fileName) return t(locale, 'detail.doc.file', { file: d.fileName });
  if (url) return t(locale, 'detail.doc.link', { url: `[${safe(url)}](${markdownUrl(url)})` });
  return '';
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
