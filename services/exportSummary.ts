import PDFDocument from 'pdfkit';

/**
 * The one-page PDF summary inside a claim export: facts, amounts, decisions with their reasons, and
 * what the archive holds. Drawn with pdfkit's built-in Helvetica (no font files to ship); it covers
 * Latin-1 only, so other characters are shown as "?" here — history.csv keeps every text exactly.
 */
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

export function renderSummaryPdf(s: SummaryInput): Promise<Buffer> {
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
  const text = (t: string) => latin1(t);

  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(text(`${s.number} · ${clip(s.name, 90)}`), { width });
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#444')
    .text(text(`Status: ${s.status}`));
  doc.moveDown(0.6);

  const section = (title: string) => {
    doc.moveDown(0.4).font('Helvetica-Bold').fontSize(11).fillColor('#000').text(text(title));
    doc.moveDown(0.15);
  };
  const pairs = (rows: Array<[string, string]>) => {
    for (const [k, v] of rows) {
      const y = doc.y;
      doc.font('Helvetica-Bold').fontSize(9).fillColor('#333').text(text(k), 48, y, { width: 150 });
      doc
        .font('Helvetica')
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
      .font('Helvetica-Oblique')
      .fontSize(8)
      .text(`${s.decisions.length - shown.length} earlier entries are in history.csv.`);
  }
  if (shown.length === 0) doc.font('Helvetica').fontSize(9).text('No decision yet.');
  for (const d of shown) {
    doc
      .font('Helvetica-Bold')
      .fontSize(9)
      .text(text(`${when(d.at)} · ${d.who} · ${d.what}`), { width });
    if (d.reason)
      doc
        .font('Helvetica')
        .fontSize(9)
        .text(text(clip(d.reason, 240)), { width, indent: 10 });
  }
  section('Documents in this archive');
  pairs(s.documents.map(([k, n]) => [k, String(n)]));
  doc.moveDown(0.8);
  doc
    .font('Helvetica')
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
