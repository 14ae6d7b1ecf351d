import PDFDocument from 'pdfkit';

/**
 * The one-page PDF summary inside a claim export: facts, amounts, decisions with their reasons, and
 * what the archive holds. With `PDF_FONT_FILE` (and optionally `PDF_BOLD_FONT_FILE`) set to a
 * TrueType/OpenType font covering Hangul (e.g. Debian's fonts-nanum: NanumGothic.ttf), every text is
 * drawn as written. Without it pdfkit's built-in Helvetica is used, which covers Latin-1 only: other
 * characters show as "?" (history.csv keeps every text exactly).
 */
export type PdfFonts = { regular?: string; bold?: string };
export type SummaryInput = {
  number: string;
  name: string;
  status: string;
  facts: Array<[string, string]>;
  amounts: Array<[string, string]>;
  /** Decisions and what led to them, oldest first: date, who, what, reason. */
  decisions: Array<{ at: Date; who: string; what: string; reason?: string | null }>;
  documents: Array<[string, number]>;
  exportedAt: Date;
  exportedBy: string;
};

const latin1 = (s: string) => s.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Decisions shown on the page; older ones are counted (all are in history.csv). */
const MAX_DECISIONS = 6;

export function renderSummaryPdf(s: SummaryInput, fonts: PdfFonts = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: latin1(`Co-op claim ${s.number}`), Subject: 'Claim record summary', Creator: 'Co-op Claims for Teams' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 96;
  // A configured font that cannot be read falls back to Helvetica rather than failing the export.
  let regular = 'Helvetica';
  let bold = 'Helvetica-Bold';
  let italic = 'Helvetica-Oblique';
  if (fonts.regular) {
    try {
      doc.registerFont('body', fonts.regular);
      doc.registerFont('body-bold', fonts.bold ?? fonts.regular);
      doc.font('body-bold');
      doc.font('body');
      [regular, bold, italic] = ['body', 'body-bold', 'body'];
    } catch {
      regular = 'Helvetica';
    }
  }
  const unicode = regular === 'body';
  const text = (t: string) => (unicode ? t : latin1(t));

  doc
    .font(bold)
    .fontSize(16)
    .text(text(`${s.number} · ${clip(s.name, 90)}`), { width });
  doc
    .font(regular)
    .fontSize(10)
    .fillColor('#444')
    .text(text(`Status: ${s.status}`));
  doc.moveDown(0.6);

  const section = (title: string) => {
    doc.moveDown(0.4).font(bold).fontSize(11).fillColor('#000').text(text(title));
    doc.moveDown(0.15);
  };
  const pairs = (rows: Array<[string, string]>) => {
    for (const [k, v] of rows) {
      const y = doc.y;
      doc.font(bold).fontSize(9).fillColor('#333').text(text(k), 48, y, { width: 150 });
      doc
        .font(regular)
        .fontSize(9)
        .fillColor('#000')
        .text(text(clip(v, 160)), 200, y, { width: width - 152 });
      doc.x = 48;
    }
  };

  section('Claim');
  pairs(s.facts);
  section('Amounts');
  pairs(s.amounts);
  section('Decisions and reasons');
  const shown = s.decisions.slice(-MAX_DECISIONS);
  if (s.decisions.length > shown.length) {
    doc
      .font(italic)
      .fontSize(8)
      .text(`${s.decisions.length - shown.length} earlier entries are in history.csv.`);
  }
  if (shown.length === 0) doc.font(regular).fontSize(9).text('No decision yet.');
  for (const d of shown) {
    doc
      .font(bold)
      .fontSize(9)
      .text(text(`${when(d.at)} · ${d.who} · ${d.what}`), { width });
    if (d.reason)
      doc
        .font(regular)
        .fontSize(9)
        .text(text(clip(d.reason, 240)), { width, indent: 10 });
  }
  section('Documents in this archive');
  pairs(s.documents.map(([k, n]) => [k, String(n)]));
  doc.moveDown(0.8);
  doc
    .font(regular)
    .fontSize(8)
    .fillColor('#555')
    .text(
      text(
        `Exported ${when(s.exportedAt)} by ${s.exportedBy}. Co-op rules keep claim records for 24 months. ` +
          'Every file of this archive is listed with its SHA-256 in manifest.sha256 (check with: sha256sum -c manifest.sha256); ' +
          'the full history is in history.csv.',
      ),
      { width },
    );
  doc.end();
  return done;
}
