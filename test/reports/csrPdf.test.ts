import { ko } from '../../cards/strings';
import { renderCsrPdf } from '../../reports/csrPdf';
import type { CsrDocumentView } from '../../services/documents';
import { pdfText } from '../helpers/pdfText';

const view = (over: Partial<CsrDocumentView['evidence']> = {}): CsrDocumentView => ({
  claim: {
    number: 'CLM-2026-00042',
    name: '서울 코파일럿 세미나',
    organisation: 'Contoso Partners',
    location: { name: 'Contoso Seoul', partnerId: '4871299' },
    program: 'CSP Indirect Reseller',
    period: 'FY27-H1',
    usageStart: '2026-07-01',
    usageEnd: '2026-12-31',
    activityType: { name: 'Customer seminars / bootcamps', nameKo: '고객 세미나/부트캠프' },
    activityStart: '2026-09-01',
    activityEnd: '2026-09-02',
    amountMinor: 20_000,
    currency: 'USD',
  },
  csr: {
    description: '똠얌꿍 케이터링과 사내 인력이 준비한 세미나',
    lines: [
      { item: 'Staff hours', quantity: 10, unitCostMinor: 1_500, totalMinor: 15_000 },
      { item: '사진 3장', quantity: 3, unitCostMinor: 3_333, totalMinor: 9_999 },
    ],
    totalMinor: 24_999,
    certifiedBy: '김민준, Marketing lead',
    currency: 'USD',
  },
  evidence: { otherInvoicesMinor: 0, otherCsrsMinor: 0, totalMinor: 24_999, claimedMinor: 20_000, uncoveredMinor: -4_999, ...over },
  preparedBy: 'Alex Wilber',
  preparedAt: new Date('2026-11-28T10:00:00Z'),
});

describe('CSR PDF', () => {
  it('reads back with the claim, every line, the total and how it stands against the claim; Korean text intact', async () => {
    const pdf = await renderCsrPdf(view(), 'en-US');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await pdfText(pdf);
    expect(pages).toBe(1);
    for (const s of [
      'Certification Statement and Report (CSR)',
      'CLM-2026-00042',
      '서울 코파일럿 세미나',
      'Contoso Seoul (PartnerID 4871299)',
      '똠얌꿍 케이터링과 사내 인력이 준비한 세미나',
      'Staff hours',
      '$15.00',
      '$150.00',
      '사진 3장',
      '$33.33',
      '$99.99',
      '$249.99',
      'The evidence exceeds the claimed amount by $49.99.',
      'Certified by: 김민준, Marketing lead',
    ])
      expect([s, text.replace(/\s+/g, ' ').includes(s)]).toEqual([s, true]);
  });

  it('says plainly what the claim is short of, in the preparer’s language', async () => {
    const { text } = await pdfText(await renderCsrPdf(view({ totalMinor: 15_000, uncoveredMinor: 5_000 }), 'ko-KR'));
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(ko['pdf.csr.title']);
    expect(flat).toContain('고객 세미나/부트캠프');
    expect(flat).toContain('청구 금액이 증빙보다 US$50.00 많습니다.');
  });

  it('renders the same statement to the same bytes', async () => {
    expect((await renderCsrPdf(view(), 'en-US')).equals(await renderCsrPdf(view(), 'en-US'))).toBe(true);
  });
});
