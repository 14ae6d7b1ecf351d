import fs from 'node:fs';
import { renderSummaryPdf, type SummaryInput } from '../../services/exportSummary';

const NANUM = '/usr/share/fonts/truetype/nanum/NanumGothic.ttf';
const summary: SummaryInput = {
  number: 'CLM-2026-00007',
  name: '서울 파트너 세미나',
  status: 'Rejected',
  facts: [
    ['Organisation', 'Contoso Partners'],
    ['Location', 'Contoso Seoul (partner ID 4871299)'],
  ],
  amounts: [['Claimed', '1000.00 USD']],
  decisions: [{ at: new Date('2026-11-30T10:00:00Z'), who: 'Patti Fernandez', what: 'Rejected', reason: '청구서 날짜가 활동 이후입니다' }],
  documents: [['Invoices', 1]],
  exportedAt: new Date('2026-12-01T09:00:00Z'),
  exportedBy: '김민준',
};
const pages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;

describe('claim summary PDF', () => {
  it('is one page with Helvetica when no font is configured (or the configured one cannot be read)', async () => {
    for (const fonts of [{}, { regular: '/nonexistent/font.ttf' }]) {
      const pdf = await renderSummaryPdf(summary, fonts);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pages(pdf)).toBe(1);
      expect(pdf.toString('latin1')).toContain('/BaseFont /Helvetica');
    }
  });

  it('stays one page with many long decisions', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      at: new Date('2026-11-30T10:00:00Z'),
      who: 'Patti Fernandez',
      what: i % 2 ? 'Rejected' : 'Rejection disputed',
      reason: 'A long reason. '.repeat(60),
    }));
    expect(pages(await renderSummaryPdf({ ...summary, decisions: many }))).toBe(1);
  });

  // The font is a Debian package (fonts-nanum), not part of npm install: this runs where it is installed.
  (fs.existsSync(NANUM) ? it : it.skip)('embeds a configured Hangul font, so Korean names and reasons are drawn as written', async () => {
    const pdf = await renderSummaryPdf(summary, { regular: NANUM });
    expect(pages(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toMatch(/\/FontName \/[A-Z]{6}\+NanumGothic/);
  });
});
