import { getClaimDetail } from '../../services/claims';
import { generateCsr, previewCsr } from '../../services/documents';
import type { ServiceError } from '../../services/errors';
import { findDuplicate, invoiceNumberKey, vendorKey } from '../../services/evidence';
import { beginFileUpload, completeFileUpload } from '../../services/pendingUploads';
import { submitClaim } from '../../services/submission';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * The evidence rules (docs/domain.md "Evidence"): refused on the add form where they can be seen
 * there, and on the checklist (the same definition submit uses) when they arise later.
 * insertClaim's claims run 2026-09-01 – 2026-09-02 in FY27-H1 on CSP Indirect Reseller, USD.
 */
describe('evidence rules', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  const alex = () => ({ userId: w.users.incentivesUser });
  let fileNo = 0;
  /** Adds a document the way the card does: describe it, then the file arrives. */
  const add = async (claimId: string, kind: 'INVOICE' | 'PROOF', fields: Record<string, unknown>, details = '') => {
    await beginFileUpload(w.svc, alex(), { claimId, kind, details, fields });
    const n = ++fileNo;
    return completeFileUpload(w.svc, alex(), {
      fileKey: `key-${n}`,
      fileName: `${kind.toLowerCase()}-${n}.pdf`,
      fileSize: 100,
      contentType: 'application/pdf',
      sha256: n.toString(16).padStart(64, '0'),
    });
  };
  const invoice = (extra: Record<string, unknown> = {}) => ({
    vendor: 'Contoso Ads',
    invoiceNumber: `INV-${Math.random().toString(36).slice(2, 8)}`,
    invoiceDate: '2026-09-01',
    amount: '1000',
    ...extra,
  });
  const refusal = async (p: Promise<unknown>) => {
    const e = await failure(p);
    expect(e.kind).toBe('invalid');
    return e.details.issues!.map((i) => [i.path, i.code]);
  };
  const checklist = async (claimId: string) => (await getClaimDetail(w.svc, alex(), claimId)).checklist;
  const line = async (claimId: string, rule: string) => (await checklist(claimId)).filter((r) => r.rule === rule);
  const submit = async (claimId: string) => {
    const c = await w.db.claim.findUniqueOrThrow({ where: { id: claimId } });
    return submitClaim(w.svc, alex(), { claimId, version: c.version });
  };
  const failed = (e: ServiceError) => e.details.rules!.map((r) => r.rule);

  describe('claimed amount against the evidence (invoices + CSRs)', () => {
    it('submits at exactly the evidence and refuses one cent more, saying by how much', async () => {
      const c = await insertClaim(w, { complete: true, amountMinor: 100_000 });
      expect(await line(c.id, 'evidence_covers_amount')).toEqual([expect.objectContaining({ ok: true })]);
      await w.db.claim.update({ where: { id: c.id }, data: { amountMinor: 100_001 } });
      const e = await failure(submit(c.id));
      expect(failed(e)).toEqual(['evidence_covers_amount']);
      expect(e.details.rules![0]!.params).toEqual({
        invoicesMinor: 100_000,
        csrsMinor: 0,
        evidenceMinor: 100_000,
        claimedMinor: 100_001,
        differenceMinor: 1,
        currency: 'USD',
      });
      await add(c.id, 'INVOICE', invoice({ amount: '0.01' }));
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });
  });

  describe('invoice dates', () => {
    it('accepts the first and last activity day and up to 30 days before the start; refuses outside, on the form', async () => {
      const c = await insertClaim(w);
      for (const invoiceDate of ['2026-09-01', '2026-09-02', '2026-08-02']) await add(c.id, 'INVOICE', invoice({ invoiceDate }));
      for (const invoiceDate of ['2026-09-03', '2026-08-01'])
        expect(await refusal(beginFileUpload(w.svc, alex(), { claimId: c.id, kind: 'INVOICE', fields: invoice({ invoiceDate }) }))).toEqual(
          [['fields.invoiceDate', 'invoice_date_outside_activity']],
        );
      expect(await w.db.pendingUpload.count({ where: { userId: w.users.incentivesUser } })).toBe(0);
      expect(await line(c.id, 'invoice_dates')).toEqual([
        {
          rule: 'invoice_dates',
          ok: true,
          params: { earliest: '2026-08-02', latest: '2026-09-02', start: '2026-09-01', end: '2026-09-02', graceDays: 30 },
        },
      ]);
    });

    it('shows an invoice left outside by new activity dates on the checklist, and submit refuses it', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.claim.update({
        where: { id: c.id },
        data: { activityStart: new Date('2026-10-10'), activityEnd: new Date('2026-10-11') },
      });
      expect(await line(c.id, 'invoice_dates')).toEqual([]);
      const lines = await line(c.id, 'invoice_date');
      expect(lines).toEqual([
        expect.objectContaining({ ok: false, params: expect.objectContaining({ invoiceDate: '2026-09-01', earliest: '2026-09-10' }) }),
      ]);
      expect(failed(await failure(submit(c.id)))).toEqual(['invoice_date']);
    });
  });

  describe('duplicate invoices within the organisation and usage period', () => {
    it('refuses the same vendor and number on another claim, naming that claim, even when it was rejected', async () => {
      const first = await insertClaim(w, { status: 'REJECTED' });
      const other = await insertClaim(w);
      await w.db.document.create({
        data: {
          claimId: first.id,
          kind: 'INVOICE',
          fields: { vendor: 'Contoso Ads, Inc.', invoiceNumber: 'inv-0042', invoiceDate: '2026-09-01', amountMinor: 1000 },
          uploaderId: w.users.incentivesUser,
        },
      });
      const e = await failure(
        beginFileUpload(w.svc, alex(), { claimId: other.id, kind: 'INVOICE', fields: invoice({ invoiceNumber: 'INV 0042' }) }),
      );
      expect(e.details.issues).toEqual([
        expect.objectContaining({
          path: 'fields.invoiceNumber',
          code: 'duplicate_invoice',
          params: { invoiceNumber: 'INV 0042', claimNumber: first.number, status: 'REJECTED', sameClaim: false },
        }),
      ]);
      // Another vendor's invoice with the same number is another invoice.
      await add(other.id, 'INVOICE', invoice({ invoiceNumber: 'INV-0042', vendor: 'Fabrikam Print' }));
    });

    it('does not count a draft that was cancelled before it was ever submitted, and says where the invoice was', async () => {
      const draft = await insertClaim(w, { complete: true });
      await w.db.claim.update({ where: { id: draft.id }, data: { status: 'CANCELLED' } });
      const number = `INV-${draft.number}`;
      w.clock.current = new Date(w.clock.current.getTime() + 60_000);
      const again = await insertClaim(w, { complete: true });
      await add(again.id, 'INVOICE', invoice({ invoiceNumber: number, vendor: 'Hotel Seattle', amount: '1' }));
      expect(await line(again.id, 'invoice_on_unsubmitted_draft')).toEqual([
        {
          rule: 'invoice_on_unsubmitted_draft',
          ok: true,
          params: expect.objectContaining({ claimNumber: draft.number, status: 'CANCELLED' }),
        },
      ]);
      expect((await submit(again.id)).status).toBe('SUBMITTED');
    });

    it('allows the same number in another usage period, and a replacement of the same invoice', async () => {
      const c = await insertClaim(w, { complete: true });
      const number = `INV-${c.number}`;
      const older = await w.db.fundAllocation.findFirstOrThrow({
        where: { locationId: w.allocation.locationId, programId: w.allocation.programId, period: { not: w.allocation.period } },
      });
      const previous = await insertClaim(w, {
        allocation: { ...w.allocation, id: older.id, period: older.period },
        activityStart: '2026-03-01',
        activityEnd: '2026-03-02',
      });
      await add(previous.id, 'INVOICE', invoice({ invoiceNumber: number, vendor: 'Hotel Seattle', invoiceDate: '2026-03-01' }));
      const doc = await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'INVOICE' } });
      await beginFileUpload(w.svc, alex(), {
        claimId: c.id,
        kind: 'INVOICE',
        fields: invoice({ invoiceNumber: number, vendor: 'Hotel Seattle', amount: '1000' }),
        replacesDocumentId: doc.id,
      });
    });

    it('blocks the later of two drafts that hold the same invoice (added before this rule), naming the earlier', async () => {
      const a = await insertClaim(w, { complete: true });
      w.clock.current = new Date(w.clock.current.getTime() + 60_000);
      const b = await insertClaim(w, { complete: true });
      const docA = await w.db.document.findFirstOrThrow({ where: { claimId: a.id, kind: 'INVOICE' } });
      await w.db.document.updateMany({ where: { claimId: b.id, kind: 'INVOICE' }, data: { fields: docA.fields as object } });
      expect(await line(a.id, 'invoice_unique')).toEqual([{ rule: 'invoice_unique', ok: true }]);
      const e = await failure(submit(b.id));
      expect(failed(e)).toEqual(['invoice_duplicate']);
      expect(e.details.rules![0]!.params).toMatchObject({ claimNumber: a.number, status: 'EDITING' });
      expect((await submit(a.id)).status).toBe('SUBMITTED');
    });

    it('the claim card finds the same invoice when the number has a letter JavaScript upper-cases to two (ß → SS), as submit does', async () => {
      // The card's view matches invoices on keys PostgreSQL computes; for this number they differ from
      // the duplicate rule's (services/claims.ts invoicesMatchedOn looks them up again).
      const a = await insertClaim(w, { complete: true });
      w.clock.current = new Date(w.clock.current.getTime() + 60_000);
      const b = await insertClaim(w, { complete: true });
      const fields = (invoiceNumber: string) => ({
        vendor: 'Hotel Seattle',
        invoiceNumber,
        invoiceDate: '2026-09-01',
        amountMinor: 100_000,
      });
      await w.db.document.updateMany({ where: { claimId: a.id, kind: 'INVOICE' }, data: { fields: fields(`STRASSE-${a.number}`) } });
      await w.db.document.updateMany({ where: { claimId: b.id, kind: 'INVOICE' }, data: { fields: fields(`straße-${a.number}`) } });
      expect(await line(b.id, 'invoice_duplicate')).toEqual([
        expect.objectContaining({ ok: false, params: expect.objectContaining({ claimNumber: a.number }) }),
      ]);
      expect(failed(await failure(submit(b.id)))).toEqual(['invoice_duplicate']);
    });

    it('normalises numbers and vendors: case, spaces, punctuation and legal forms', () => {
      expect(invoiceNumberKey(' inv-0042 ')).toBe(invoiceNumberKey('INV 0042'));
      expect(invoiceNumberKey('INV-42')).not.toBe(invoiceNumberKey('INV-0042'));
      expect(vendorKey('Contoso Ads, Inc.')).toBe(vendorKey('contoso  ads'));
      expect(vendorKey('(주)콘토소')).toBe(vendorKey('콘토소'));
      expect(vendorKey('Co-op Print Co., Ltd.')).toBe(vendorKey('coop print'));
      const record = {
        claimId: 'c',
        claimNumber: 'CLM-1',
        claimStatus: 'EDITING' as const,
        neverSubmitted: false,
        vendor: 'V',
        invoiceNumber: '7',
      };
      const older = { ...record, documentId: 'a', createdAt: new Date(1) };
      expect(findDuplicate({ documentId: 'b', createdAt: new Date(2), vendor: 'v', invoiceNumber: '7' }, [older]).blockedBy).toBe(older);
      expect(
        findDuplicate({ documentId: 'a', createdAt: new Date(1), vendor: 'v', invoiceNumber: '7' }, [
          { ...older, documentId: 'b', createdAt: new Date(2) },
        ]).blockedBy,
      ).toBeNull();
    });
  });

  describe('one currency per claim', () => {
    it('refuses an invoice or CSR in another currency when it is added', async () => {
      const c = await insertClaim(w);
      expect(
        await refusal(beginFileUpload(w.svc, alex(), { claimId: c.id, kind: 'INVOICE', fields: invoice({ currency: 'eur' }) })),
      ).toEqual([['fields.currency', 'currency_mismatch']]);
      await add(c.id, 'INVOICE', invoice({ currency: 'usd' }));
      const csr = {
        claimId: c.id,
        version: (await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version,
        description: 'Design',
        lines: [{ item: 'Design', quantity: 1, unitCost: '10', total: '10' }],
        certifiedBy: 'Megan',
        attestation: true,
      };
      expect(await refusal(previewCsr(w.svc, alex(), { ...csr, currency: 'KRW' }))).toEqual([['fields.currency', 'currency_mismatch']]);
    });
  });

  describe('required proof items', () => {
    it('digital advertising needs a screenshot and the landing-page URL, each its own line', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'DIGITAL_ADS' });
      await w.db.document.deleteMany({ where: { claimId: c.id, kind: 'PROOF' } });
      await add(c.id, 'PROOF', { items: 'SCREENSHOT' }, 'Banner on contoso.com');
      expect((await line(c.id, 'proof_item')).map((r) => [r.params!.item, r.ok])).toEqual([
        ['SCREENSHOT', true],
        ['LANDING_PAGE_URL', false],
      ]);
      expect(failed(await failure(submit(c.id)))).toEqual(['proof_item']);
      // A landing-page proof carries its link.
      expect(
        await refusal(
          beginFileUpload(w.svc, alex(), { claimId: c.id, kind: 'PROOF', details: 'Landing page', fields: { items: 'LANDING_PAGE_URL' } }),
        ),
      ).toEqual([['fields.url', 'landing_page_url_required']]);
      await add(c.id, 'PROOF', { items: 'LANDING_PAGE_URL,SCREENSHOT', url: 'https://contoso.example/copilot' }, 'Landing page');
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('direct mail needs the final piece and proof of distribution; one proof may be both', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'DIRECT_MAIL' });
      await w.db.document.deleteMany({ where: { claimId: c.id, kind: 'PROOF' } });
      await add(c.id, 'PROOF', {}, 'The mailer');
      expect((await line(c.id, 'proof_item')).map((r) => r.ok)).toEqual([false, false]);
      await add(c.id, 'PROOF', { items: 'FINAL_PIECE,DISTRIBUTION_PROOF' }, 'Mailer with the postmark');
      expect((await line(c.id, 'proof_item')).map((r) => r.ok)).toEqual([true, true]);
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('an activity without required items shows no item lines', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'PRINT' });
      expect(await line(c.id, 'proof_item')).toEqual([]);
    });
  });

  describe('exams and tuition: the course or exam code and completion date', () => {
    it('are asked on the invoice form, the completion date a day of the activity', async () => {
      const c = await insertClaim(w, { activity: 'EXAMS' });
      expect(await refusal(beginFileUpload(w.svc, alex(), { claimId: c.id, kind: 'INVOICE', fields: invoice() }))).toEqual([
        ['fields.courseCode', 'required_for_activity'],
        ['fields.completionDate', 'required_for_activity'],
      ]);
      expect(
        await refusal(
          beginFileUpload(w.svc, alex(), {
            claimId: c.id,
            kind: 'INVOICE',
            fields: invoice({ courseCode: 'AZ-900', completionDate: '2026-09-03' }),
          }),
        ),
      ).toEqual([['fields.completionDate', 'completion_date_outside_activity']]);
      await add(c.id, 'INVOICE', invoice({ courseCode: 'AZ-900', completionDate: '2026-09-02' }));
      expect((await line(c.id, 'invoice_fact')).map((r) => [r.params!.fact, r.ok])).toEqual([
        ['courseCode', true],
        ['completionDate', true],
      ]);
    });

    it('an invoice without them (added before they were asked) fails its line', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'EXAMS' });
      await w.db.document.updateMany({
        where: { claimId: c.id, kind: 'INVOICE' },
        data: { fields: { vendor: 'Pearson VUE', invoiceNumber: `PV-${c.number}`, invoiceDate: '2026-09-01', amountMinor: 100_000 } },
      });
      expect((await line(c.id, 'invoice_fact')).map((r) => [r.params!.fact, r.ok, r.params!.missing])).toEqual([
        ['courseCode', false, 1],
        ['completionDate', false, 1],
      ]);
      expect(failed(await failure(submit(c.id)))).toEqual(['invoice_fact', 'invoice_fact']);
    });
  });

  describe('CSR arithmetic', () => {
    const csrInput = async (claimId: string, lines: Array<Record<string, unknown>>) => ({
      claimId,
      version: (await w.db.claim.findUniqueOrThrow({ where: { id: claimId } })).version,
      description: 'In-house webinar',
      lines,
      certifiedBy: 'Alex Wilber',
      attestation: 'true',
    });

    it('refuses 10 × 15.00 entered as 160.00 on that line, and accepts rounding within a cent', async () => {
      const c = await insertClaim(w, { amountMinor: 20_000 });
      const e = await failure(
        previewCsr(
          w.svc,
          alex(),
          await csrInput(c.id, [
            { item: 'Staff hours', quantity: '10', unitCost: '15', total: '160' },
            { item: 'Stock photos', quantity: '3', unitCost: '33.33', total: '99.99' },
            { item: 'Editing', quantity: '0.333', unitCost: '100', total: '33.30' },
          ]),
        ),
      );
      expect(e.details.issues).toEqual([
        expect.objectContaining({
          path: 'lines.0.total',
          code: 'csr_line_total',
          params: { quantity: 10, unitCostMinor: 1500, expectedMinor: 15_000, totalMinor: 16_000 },
        }),
      ]);
      const view = await previewCsr(
        w.svc,
        alex(),
        await csrInput(c.id, [{ item: 'Staff hours', quantity: '10', unitCost: '15', total: '150' }]),
      );
      if ('alreadyGenerated' in view) throw new Error('nothing was generated yet');
      // The CSR total against the claimed amount: 50.00 of the 200.00 claimed is not covered yet.
      expect(view.evidence).toEqual({
        otherInvoicesMinor: 0,
        otherCsrsMinor: 0,
        totalMinor: 15_000,
        claimedMinor: 20_000,
        uncoveredMinor: 5_000,
      });
      expect(view.csr.totalMinor).toBe(15_000);
    });

    it('a second click on the same CSR card is told the CSR exists, not that the claim changed', async () => {
      const c = await insertClaim(w, { amountMinor: 15_000 });
      const input = {
        ...(await csrInput(c.id, [{ item: 'Staff hours', quantity: '10', unitCost: '15', total: '150' }])),
        idempotencyKey: 'csr-twice-1',
      };
      const file = { fileKey: 'k', fileName: 'CSR.pdf', fileSize: 10, contentType: 'application/pdf', sha256: 'd'.repeat(64) };
      await generateCsr(w.svc, alex(), { ...input, file });
      expect(await previewCsr(w.svc, alex(), input)).toEqual({ alreadyGenerated: true });
      expect(await generateCsr(w.svc, alex(), { ...input, file })).toMatchObject({ replayed: true });
      expect(await w.db.document.count({ where: { claimId: c.id, kind: 'CSR' } })).toBe(1);
    });

    it('shows a stored CSR whose lines do not add up (made before the check) on the checklist', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.document.create({
        data: {
          claimId: c.id,
          kind: 'CSR',
          details: 'Old CSR',
          fields: { expenseType: 'Staff', quantity: 10, rateMinor: 1500, amountMinor: 16_000, currency: 'USD' },
          uploaderId: w.users.incentivesUser,
        },
      });
      expect(await line(c.id, 'csr_arithmetic')).toEqual([{ rule: 'csr_arithmetic', ok: false, params: { count: 1 } }]);
      expect(failed(await failure(submit(c.id)))).toEqual(['csr_arithmetic']);
    });
  });
});
