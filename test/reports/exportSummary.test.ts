import { formatMoment } from '../../cards';
import { en, ko } from '../../cards/strings';
import { renderExportSummaryPdf, type ExportSummaryView } from '../../reports/exportSummary';
import { pdfText } from '../helpers/pdfText';

const REASON = '청구서 날짜가 활동 이후입니다';
const EXPORTED = new Date('2026-12-01T09:00:00Z');
const view = (over: Partial<ExportSummaryView> = {}): ExportSummaryView => ({
  claim: {
    number: 'CLM-2026-00007',
    name: '서울 파트너 세미나',
    status: 'REJECTED',
    organisation: 'Contoso Partners',
    location: { name: 'Contoso Seoul', partnerId: '4871299' },
    program: { name: 'CSP Indirect Reseller', code: 'CSP-IR' },
    period: 'FY27-H1',
    activityType: { name: 'Customer seminars / bootcamps', nameKo: '고객 세미나/부트캠프' },
    activityStart: new Date('2026-09-01'),
    activityEnd: new Date('2026-09-02'),
    preApprovalId: null,
    owner: '김민준',
    reviewer: 'Patti Fernandez',
    createdAt: new Date('2026-11-20T08:00:00Z'),
    submittedAt: new Date('2026-11-28T10:00:00Z'),
    decidedAt: new Date('2026-11-30T10:00:00Z'),
    currency: 'USD',
    amountMinor: 100_000,
    approvedMinor: null,
  },
  invoicesMinor: 120_050,
  decisions: [
    { at: new Date('2026-11-28T10:00:00Z'), type: 'submitted', actorName: '김민준', actorKind: 'USER', amountMinor: null, reason: null },
    {
      at: new Date('2026-11-30T10:00:00Z'),
      type: 'rejected',
      actorName: 'Patti Fernandez',
      actorKind: 'REVIEWER',
      amountMinor: null,
      reason: REASON,
    },
  ],
  files: { current: { INVOICE: 1, PROOF: 2 }, removed: 1 },
  exportedAt: EXPORTED,
  exportedBy: '김민준',
  ...over,
});
const flat = async (pdf: Buffer) => {
  const { pages, text } = await pdfText(pdf);
  return { pages, text: text.replace(/\s+/g, ' ') };
};

describe('claim export summary PDF', () => {
  it("a ko export reads back in Korean: labels, the Korean reason and names as written, amounts in the reader's format", async () => {
    const pdf = await renderExportSummaryPdf(view(), 'ko-KR');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await flat(pdf);
    expect(pages).toBe(1);
    for (const s of [
      ko['pdf.summary.title'],
      'CLM-2026-00007 · 서울 파트너 세미나',
      '상태: 거부됨',
      ko['pdf.summary.decisions'],
      ko['pdf.summary.amounts'],
      '고객 세미나/부트캠프',
      'Contoso Seoul (파트너 ID 4871299)',
      'Patti Fernandez · 거부',
      REASON,
      'US$1,000.00',
      'US$1,200.50',
      `${ko['pdf.summary.files.PROOF']} 2`,
      `${ko['pdf.summary.files.removed']} 1`,
      `김민준이(가) ${formatMoment(EXPORTED, 'ko-KR')}에 내보냈습니다.`,
    ])
      expect([s, text.includes(s)]).toEqual([s, true]);
    expect(text).not.toContain('?');
    expect(text).not.toContain(en['pdf.summary.decisions']);
  });

  it('an en export has the English labels, the Korean text still as written', async () => {
    const { pages, text } = await flat(await renderExportSummaryPdf(view(), 'en-US'));
    expect(pages).toBe(1);
    for (const s of [
      'Claim record summary',
      'Status: Rejected',
      'Decisions and reasons',
      'Customer seminars / bootcamps',
      'Contoso Seoul (partner ID 4871299)',
      'Patti Fernandez · Rejected',
      REASON,
      '$1,000.00',
      'Invoices on the claim $1,200.50',
      'Proofs of execution 2',
      'Removed or replaced 1',
      'Exported Dec 1, 2026, 9:00 AM UTC by 김민준.',
      'sha256sum -c manifest.sha256',
    ])
      expect([s, text.includes(s)]).toEqual([s, true]);
    expect(text).not.toContain(ko['pdf.summary.decisions']);
  });

  it('stays one page with many long decisions: the newest shown, the rest counted', async () => {
    const many: ExportSummaryView['decisions'] = Array.from({ length: 30 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 1 + i, 10)),
      type: i % 2 ? 'rejected' : 'disputed',
      actorName: i % 2 ? 'Patti Fernandez' : '김민준',
      actorKind: i % 2 ? 'REVIEWER' : 'USER',
      amountMinor: null,
      reason: `${i % 2 ? 'A long reason. ' : '아주 긴 사유입니다. '}`.repeat(60),
    }));
    const long = '아주 긴 이름 '.repeat(40);
    const claim = { ...view().claim, name: long, organisation: long, owner: long };
    for (const locale of ['ko-KR', 'en-US']) {
      const { pages, text } = await flat(await renderExportSummaryPdf(view({ claim, decisions: many }), locale));
      expect(pages).toBe(1);
      // The newest decision is on the page, the oldest only counted, and the footer is still there.
      expect(text).toContain(locale === 'ko-KR' ? '2026년 11월 30일' : 'Nov 30, 2026');
      expect(text).not.toContain(locale === 'ko-KR' ? '2026년 11월 1일 ' : 'Nov 1, 2026');
      expect(text).toMatch(locale === 'ko-KR' ? /이전 항목 2\d건은 history\.csv에 있습니다/ : /2\d earlier entries are in history\.csv/);
      expect(text).toContain('manifest.sha256');
    }
  });

  it('says so when there is no decision or file yet', async () => {
    const { text } = await flat(await renderExportSummaryPdf(view({ decisions: [], files: { current: {}, removed: 0 } }), 'en-US'));
    expect(text).toContain('No decision yet.');
    expect(text).toContain('No document files.');
  });
});
