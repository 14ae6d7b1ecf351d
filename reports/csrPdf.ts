import PDFDocument from 'pdfkit';
import { formatDate, formatMoment, formatMoney, t } from '../cards';
import type { StringKey } from '../cards';
import { intlLocale } from '../cards/format';
import type { CsrDocumentView } from '../services/documents';
import { BODY, BOLD, useNotoSansKr } from './pdfFonts';

/**
 * The CSR (Certification Statement and Report) as a PDF, from what `previewCsr` returns, in the
 * preparer's language, set in the bundled Noto Sans KR (reports/pdfFonts.ts) so Korean names and
 * descriptions read as written.
 */

const MARGIN = 50;
const GREY = '#555555';

export function csrFileName(v: CsrDocumentView): string {
  return `CSR ${v.claim.number}.pdf`;
}

export function renderCsrPdf(v: CsrDocumentView, locale: string): Promise<Buffer> {
  const l = (key: string, params: Record<string, string | number> = {}) => t(locale, `pdf.csr.${key}` as StringKey, params);
  const money = (minor: number) => formatMoney(minor, v.claim.currency, locale);
  const qty = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 3 });

  // The creation date is the preparation time, so the same statement renders to the same bytes.
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${l('title')} ${v.claim.number}`, Author: v.preparedBy, Creator: t(locale, 'app.name'), CreationDate: v.preparedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  useNotoSansKr(doc);
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };

  doc.font(BOLD).fontSize(18).text(l('title'));
  doc.font(BODY).fontSize(11).fillColor(GREY).text(`${v.claim.number} · ${v.claim.name}`).fillColor('black').moveDown(1);

  // Facts: label and value side by side.
  const facts: Array<[string, string]> = [
    [l('organisation'), v.claim.organisation],
    [l('location'), `${v.claim.location.name} (PartnerID ${v.claim.location.partnerId})`],
    [l('program'), v.claim.program],
    [l('period'), `${v.claim.period}: ${formatDate(v.claim.usageStart, locale)} – ${formatDate(v.claim.usageEnd, locale)}`],
    [
      l('activity'),
      locale.toLowerCase().startsWith('ko') && v.claim.activityType.nameKo ? v.claim.activityType.nameKo : v.claim.activityType.name,
    ],
    [l('activityDates'), `${formatDate(v.claim.activityStart, locale)} – ${formatDate(v.claim.activityEnd, locale)}`],
    [l('claimed'), money(v.claim.amountMinor)],
  ];
  const labelWidth = 140;
  doc.fontSize(10);
  for (const [label, value] of facts) {
    const h = Math.max(doc.heightOfString(value, { width: width - labelWidth }), doc.heightOfString(label, { width: labelWidth - 10 }));
    ensure(h + 4);
    const y = doc.y;
    doc.font(BOLD).text(label, MARGIN, y, { width: labelWidth - 10 });
    doc.font(BODY).text(value, MARGIN + labelWidth, y, { width: width - labelWidth });
    doc.x = MARGIN;
    doc.y = y + h + 4;
  }

  doc.moveDown(1).font(BOLD).fontSize(12).text(l('work'), MARGIN, doc.y, { width });
  doc.font(BODY).fontSize(10).text(v.csr.description, { width }).moveDown(1);

  // Lines: what, quantity, unit cost, total.
  const cols = [
    { key: 'item', w: width - 270, align: 'left' as const },
    { key: 'quantity', w: 70, align: 'right' as const },
    { key: 'unitCost', w: 100, align: 'right' as const },
    { key: 'lineTotal', w: 100, align: 'right' as const },
  ];
  const row = (cells: string[], font: typeof BODY | typeof BOLD) => {
    doc.font(font).fontSize(10);
    const h = Math.max(...cells.map((c, n) => doc.heightOfString(c, { width: cols[n]!.w - 6 })));
    ensure(h + 6);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, n) => {
      doc.text(c, x, y, { width: cols[n]!.w - 6, align: cols[n]!.align });
      x += cols[n]!.w;
    });
    doc.x = MARGIN;
    doc.y = y + h + 6;
  };
  const rule = () => {
    doc
      .moveTo(MARGIN, doc.y - 3)
      .lineTo(MARGIN + width, doc.y - 3)
      .strokeColor('#999999')
      .lineWidth(0.5)
      .stroke();
  };
  row(
    cols.map((c) => l(c.key)),
    BOLD,
  );
  rule();
  v.csr.lines.forEach((line) => row([line.item, qty.format(line.quantity), money(line.unitCostMinor), money(line.totalMinor)], BODY));
  rule();
  row([l('total'), '', '', money(v.csr.totalMinor)], BOLD);

  // How the CSR stands against the claimed amount, said plainly.
  const e = v.evidence;
  doc.moveDown(1);
  ensure(90);
  doc.font(BOLD).fontSize(12).text(l('againstClaim'), MARGIN, doc.y, { width });
  doc.font(BODY).fontSize(10);
  doc.text(l('evidenceLine', { csr: money(v.csr.totalMinor), invoices: money(e.otherInvoicesMinor), csrs: money(e.otherCsrsMinor) }), {
    width,
  });
  doc.text(l('totalLine', { total: money(e.totalMinor), claimed: money(e.claimedMinor) }), { width });
  const difference =
    e.uncoveredMinor > 0
      ? l('uncovered', { amount: money(e.uncoveredMinor) })
      : e.uncoveredMinor < 0
        ? l('beyond', { amount: money(-e.uncoveredMinor) })
        : l('covered');
  doc.font(BOLD).text(difference, { width }).moveDown(1);

  ensure(80);
  doc.font(BOLD).fontSize(12).text(l('certification'), MARGIN, doc.y, { width });
  doc.font(BODY).fontSize(10).text(t(locale, 'csr.attest.title'), { width });
  doc.text(l('certifiedBy', { name: v.csr.certifiedBy }), { width });
  doc
    .fillColor(GREY)
    .text(l('prepared', { name: v.preparedBy, time: formatMoment(v.preparedAt, locale) }), { width })
    .fillColor('black');
  doc.end();
  return done;
}
