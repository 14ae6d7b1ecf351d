import { ALEX, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, choicesOf, findInput, invokeCard, textOf } from '../helpers/cardQuery';
import { allocationFor, insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/**
 * The claim rules as a partner meets them over HTTP: each refusal is said where it can be fixed
 * (under the form field, or as a checklist line on the claim card), in English and Korean, before
 * Submit; and the two claims the portal wrongly refused go through.
 */
type Node = Record<string, unknown>;
/** The error line shown under input `id` of a form (the form template puts it in the input's container). */
function fieldError(card: unknown, id: string): string | undefined {
  let found: string | undefined;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const n = v as Node;
    const items = n.items as Node[] | undefined;
    if (Array.isArray(items) && items.some((i) => i.id === id && String(i.type).startsWith('Input.'))) {
      found = items.find((i) => i.type === 'TextBlock' && i.color === 'attention')?.text as string | undefined;
    }
    Object.values(n).forEach(visit);
  };
  visit(card);
  return found;
}

const KO: TeamsUser = { ...ALEX, locale: 'ko-KR' };
const WHO = [
  ['en', ALEX],
  ['ko', KO],
] as const;

describe('bot: every claim rule said where the partner acts, in English and Korean', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
  async function say(u: TeamsUser, text: string) {
    const before = connector.sent(conv(u)).length;
    expect((await h.post(messageActivity(u, connector.url, text))).status).toBe(200);
    await connector.waitFor((s) => s.sent(conv(u)).length > before);
    return connector.cardsIn(conv(u)).at(-1);
  }
  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const version = async (claimId: string) => (await h.world.db.claim.findUniqueOrThrow({ where: { id: claimId } })).version;
  const openForm = async (u: TeamsUser, claimId: string, kind: string) =>
    click(u, 'doc.add.form', { claimId, version: await version(claimId), kind });

  describe.each(WHO)('create form (%s)', (lang, u) => {
    it('says the usage period and the missing pre-approval ID under their fields', async () => {
      const form = await say(u, lang === 'en' ? 'new claim' : '새 청구');
      const tv = choicesOf(form, 'activityTypeId').find((c) => /TV/.test(c.title))!;
      const bad = await click(u, 'claim.create', {
        ...action(form, 'claim.create').data,
        fundAllocationId: h.world.allocation.id,
        activityTypeId: tv.value,
        name: 'Radio spots',
        amount: '1000',
        activityStart: '2026-06-20',
        activityEnd: '2026-09-02',
      });
      const expected = {
        en: [
          'Must be within the usage period, Jul 1, 2026 – Dec 31, 2026.',
          'TV / radio needs the pre-approval ID Microsoft issued for it.',
        ],
        ko: [
          '사용 기간(2026년 7월 1일 – 2026년 12월 31일) 안이어야 합니다.',
          'TV/라디오 활동에는 Microsoft가 발급한 사전 승인 ID가 필요합니다.',
        ],
      }[lang];
      expect([fieldError(bad, 'activityStart'), fieldError(bad, 'preApprovalId')]).toEqual(expected);
      expect(textOf(bad)).not.toContain('Please check this value');
      expect(textOf(bad)).not.toContain('이 값을 확인해 주세요');
    });
  });

  describe.each(WHO)('invoice form (%s)', (lang, u) => {
    it('refuses a duplicate number (naming the claim), a date outside the activity and another currency, each on its field', async () => {
      const rejected = await insertClaim(h.world, { status: 'REJECTED', complete: true });
      const invoiceNumber = `INV-${rejected.number}`;
      const c = await insertClaim(h.world);
      const form = await openForm(u, c.id, 'INVOICE');
      expect(findInput(form, 'currency')).toMatchObject({ value: 'USD' });
      const bad = await click(u, 'doc.add', {
        ...action(form, 'doc.add').data,
        vendor: 'Hotel Seattle',
        invoiceNumber,
        invoiceDate: '2026-09-03',
        amount: '500',
        currency: 'EUR',
      });
      const expected = {
        en: [
          `This invoice is already on claim ${rejected.number} (Rejected). An invoice can be claimed only once.`,
          'Must be from Aug 2, 2026 (30 days before the activity starts, for prepayments) to Sep 2, 2026, the last day of the activity.',
          'This claim is in USD: an invoice or CSR in EUR cannot be added to it (one currency per claim).',
        ],
        ko: [
          `이 인보이스는 이미 청구 ${rejected.number}(거부됨)에 있습니다. 인보이스는 한 번만 청구할 수 있습니다.`,
          '2026년 8월 2일(선결제를 위해 활동 시작 30일 전)부터 활동 마지막 날인 2026년 9월 2일까지여야 합니다.',
          '이 청구는 USD입니다. EUR 인보이스나 CSR은 추가할 수 없습니다(청구당 하나의 통화).',
        ],
      }[lang];
      expect([fieldError(bad, 'invoiceNumber'), fieldError(bad, 'invoiceDate'), fieldError(bad, 'currency')]).toEqual(expected);
      expect(await h.world.db.pendingUpload.count({ where: { userId: h.world.users.incentivesUser } })).toBe(0);
    });

    it('asks exams invoices for the course or exam code and completion date', async () => {
      const c = await insertClaim(h.world, { activity: 'EXAMS' });
      const form = await openForm(u, c.id, 'INVOICE');
      expect(findInput(form, 'courseCode')).toMatchObject({ isRequired: true });
      expect(findInput(form, 'completionDate')).toMatchObject({ isRequired: true, type: 'Input.Date' });
      const bad = await click(u, 'doc.add', {
        ...action(form, 'doc.add').data,
        vendor: 'Pearson VUE',
        invoiceNumber: `PV-${c.number}-${lang}`,
        invoiceDate: '2026-09-01',
        amount: '165',
        courseCode: 'AZ-900',
        completionDate: '2026-09-20',
      });
      expect(fieldError(bad, 'completionDate')).toBe(
        {
          en: 'Must be a day of the activity, Sep 1, 2026 – Sep 2, 2026.',
          ko: '활동 기간(2026년 9월 1일 – 2026년 9월 2일) 중 하루여야 합니다.',
        }[lang],
      );
    });
  });

  describe.each(WHO)('proof form and checklist (%s)', (lang, u) => {
    it('asks what the proof is, needs the link of a landing-page proof, and lists each required item on the card', async () => {
      const c = await insertClaim(h.world, { activity: 'DIGITAL_ADS', complete: true });
      await h.world.db.document.deleteMany({ where: { claimId: c.id, kind: 'PROOF' } });
      const card = await click(u, 'claim.open', { claimId: c.id });
      const lines = { en: ['✗ Proof: Screenshot', '✗ Proof: Landing-page URL'], ko: ['✗ 증빙: 스크린샷', '✗ 증빙: 랜딩 페이지 URL'] }[lang];
      for (const l of lines) expect(textOf(card)).toContain(l);

      const form = await openForm(u, c.id, 'PROOF');
      expect(findInput(form, 'items')).toMatchObject({ isMultiSelect: true, isRequired: true });
      expect(choicesOf(form, 'items').map((x) => x.value)).toEqual(
        expect.arrayContaining([
          'FINAL_PIECE',
          'SCREENSHOT',
          'LANDING_PAGE_URL',
          'DISTRIBUTION_PROOF',
          'ATTENDEE_LIST',
          'AGENDA',
          'PHOTO',
          'OTHER',
        ]),
      );
      const bad = await click(u, 'doc.add', { ...action(form, 'doc.add').data, details: 'The landing page', items: 'LANDING_PAGE_URL' });
      expect(fieldError(bad, 'url')).toBe(
        { en: 'A landing-page proof needs the link to the page.', ko: '랜딩 페이지 증빙에는 페이지 링크가 필요합니다.' }[lang],
      );

      // Submit is refused with the same lines the checklist showed.
      const refused = await click(u, 'claim.submit', {
        claimId: c.id,
        version: await version(c.id),
        idempotencyKey: `submit-items-${lang}`,
      });
      const said = {
        en: 'Add proof of execution that is the Screenshot (choose it under "What this proof shows").',
        ko: '스크린샷 증빙을 추가하세요("이 증빙이 보여 주는 것"에서 선택).',
      }[lang];
      expect(textOf(refused)).toContain(said);
      expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('EDITING');
    });

    it('shows the claimed amount above the evidence, with the difference, before Submit', async () => {
      const c = await insertClaim(h.world, { complete: true, amountMinor: 100_000 });
      await h.world.db.claim.update({ where: { id: c.id }, data: { amountMinor: 125_000 } });
      const card = await click(u, 'claim.open', { claimId: c.id });
      expect(textOf(card)).toContain(
        {
          en: '✗ Invoices and CSRs cover the claimed amount ($1,000.00 of $1,250.00)',
          ko: '✗ 인보이스와 CSR이 청구 금액을 뒷받침함 (US$1,250.00 중 US$1,000.00)',
        }[lang],
      );
      const refused = await click(u, 'claim.submit', { claimId: c.id, version: await version(c.id), idempotencyKey: `submit-ev-${lang}` });
      expect(textOf(refused)).toContain({ en: '$250.00 more than the evidence', ko: '증빙보다 US$250.00 많습니다' }[lang]);
    });

    it('shows a cap with where it comes from, and an invoice another claim already holds, as checklist lines', async () => {
      const seeding = await insertClaim(h.world, { activity: 'SEEDING', amountMinor: 480_001, complete: true });
      const capCard = await click(u, 'claim.open', { claimId: seeding.id });
      expect(textOf(capCard)).toContain(
        {
          en: "✗ Within this activity's cap of $4,800.00 per usage period (the greater of 10% of earned co-op or $3,000.00)",
          ko: '✗ 이 활동의 한도 사용 기간당 US$4,800.00(적립된 공동 마케팅 자금의 10% 또는 US$3,000.00 중 큰 금액) 이내',
        }[lang],
      );
      const first = await insertClaim(h.world, { complete: true });
      const second = await insertClaim(h.world, { complete: true });
      const held = await h.world.db.document.findFirstOrThrow({ where: { claimId: first.id, kind: 'INVOICE' } });
      // The same invoice copied onto a later draft (as before the add form checked it).
      await h.world.db.document.updateMany({
        where: { claimId: second.id, kind: 'INVOICE' },
        data: { fields: held.fields as object, createdAt: new Date(held.createdAt.getTime() + 1000) },
      });
      const dupCard = await click(u, 'claim.open', { claimId: second.id });
      expect(textOf(dupCard)).toContain(
        {
          en: `✗ Invoice INV-${first.number} is already on claim ${first.number} (Editing)`,
          ko: `✗ 인보이스 INV-${first.number}이(가) 이미 청구 ${first.number}(작성 중)에 있음`,
        }[lang],
      );
    });

    it('says a CSR line that does not add up on that line', async () => {
      const c = await insertClaim(h.world);
      const form = await openForm(u, c.id, 'CSR');
      const bad = await click(u, 'csr.generate', {
        ...action(form, 'csr.generate').data,
        description: '사내 준비 작업',
        item1: 'Staff time',
        quantity1: '10',
        unitCost1: '15',
        total1: '160',
        certifiedBy: '김민준',
        attestation: 'true',
      });
      expect(fieldError(bad, 'total1')).toBe(
        { en: '10 × 15.00 is 150.00, not 160.00.', ko: '10 × 15.00은(는) 160.00이(가) 아니라 150.00입니다.' }[lang],
      );
      expect(await h.world.db.document.count({ where: { claimId: c.id, kind: 'CSR' } })).toBe(0);
    });
  });

  describe('the two claims the portal refused go through', () => {
    it.each([
      ['product seeding of USD 2,500 against 12,500 earned (Hosting)', 'SEEDING', 'HOSTING', 250_000],
      ['a Surface SPIFF of 3,000 out of 9,000 earned', 'CUSTOMER_OFFER', 'SURFACE', 300_000],
    ])('%s', async (_name, activity, program, amountMinor) => {
      const c = await insertClaim(h.world, { activity, allocation: await allocationFor(h.world, program), amountMinor, complete: true });
      const card = await click(ALEX, 'claim.open', { claimId: c.id });
      expect(textOf(card)).not.toMatch(/✗/);
      const done = await click(ALEX, 'claim.submit', { claimId: c.id, version: await version(c.id), idempotencyKey: `legit-${activity}` });
      expect(textOf(done)).toMatch(/Submitted/);
      expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('SUBMITTED');
    });
  });
});
