import { addAdditionalInfo, addComment, addMetric, generateCsr, invoiceFields, removeDocument } from '../../services/documents';
import { beginFileUpload, cancelPendingUpload, completeFileUpload, getPendingUpload } from '../../services/pendingUploads';
import { getClaimDetail } from '../../services/claims';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, TEST_NOW, type World } from '../helpers/world';

const file = (name = 'invoice.pdf') => ({
  fileKey: `sha256/${name}`,
  fileName: name,
  fileSize: 2048,
  contentType: 'application/pdf',
  sha256: 'a'.repeat(64),
});
const csr = {
  description: 'Two days of in-house landing page design',
  lines: [
    { item: 'Design', quantity: '16', unitCost: '95', total: '1520' },
    { item: 'Stock photos', quantity: '3', unitCost: '33.33', total: '99.99' },
  ],
  certifiedBy: 'Megan Bowen',
  attestation: 'true',
  file: { fileKey: 'csr-key', fileName: 'CSR-1.pdf', fileSize: 4000, contentType: 'application/pdf', sha256: 'c'.repeat(64) },
};

describe('documents', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());
  afterEach(() => {
    w.clock.current = new Date(TEST_NOW);
  });

  const alex = () => ({ userId: w.users.incentivesUser });
  const lastHistory = async (claimId: string) => w.db.historyEvent.findFirstOrThrow({ where: { claimId }, orderBy: { id: 'desc' } });

  describe('field schemas', () => {
    it('turns an invoice amount in major units into minor units', () => {
      expect(
        invoiceFields.parse({ vendor: 'Hotel Seattle', invoiceNumber: 'INV-9', invoiceDate: '2026-09-03', amount: '1,250.5' }),
      ).toEqual({ vendor: 'Hotel Seattle', invoiceNumber: 'INV-9', invoiceDate: '2026-09-03', amountMinor: 125_050 });
    });
  });

  describe('addMetric', () => {
    it('adds a metric and replaces one of the same name', async () => {
      const c = await insertClaim(w);
      const a = await addMetric(w.svc, alex(), { claimId: c.id, version: 1, name: 'Registered guests', value: '80' });
      expect(a).toMatchObject({ version: 2, status: 'EDITING' });
      expect(await lastHistory(c.id)).toMatchObject({ type: 'metric_added', documentId: a.documentId });
      const b = await addMetric(w.svc, alex(), { claimId: c.id, version: 2, name: 'registered GUESTS', value: '95' });
      const active = await w.db.document.findMany({ where: { claimId: c.id, kind: 'METRIC', removedAt: null } });
      expect(active.map((d) => [d.id, d.fields])).toEqual([[b.documentId, { name: 'registered GUESTS', value: '95' }]]);
      expect((await w.db.document.findUniqueOrThrow({ where: { id: b.documentId } })).replacesId).toBe(a.documentId);
    });

    it('refuses a stale version', async () => {
      const c = await insertClaim(w);
      await addMetric(w.svc, alex(), { claimId: c.id, version: 1, name: 'Registered guests', value: '80' });
      expect(await failure(addMetric(w.svc, alex(), { claimId: c.id, version: 1, name: 'Attendees', value: '70' }))).toMatchObject({
        kind: 'conflict',
        code: 'stale_version',
      });
    });
  });

  describe('generateCsr', () => {
    it('creates a CSR of lines with its PDF, in the claim currency; the total is the sum of the lines', async () => {
      const c = await insertClaim(w);
      const r = await generateCsr(w.svc, alex(), { claimId: c.id, version: 1, ...csr });
      const d = await w.db.document.findUniqueOrThrow({ where: { id: r.documentId } });
      expect(d).toMatchObject({
        kind: 'CSR',
        fileKey: 'csr-key',
        fileName: 'CSR-1.pdf',
        contentType: 'application/pdf',
        details: csr.description,
      });
      expect(d.fields).toEqual({
        description: csr.description,
        lines: [
          { item: 'Design', quantity: 16, unitCostMinor: 9_500, totalMinor: 152_000 },
          { item: 'Stock photos', quantity: 3, unitCostMinor: 3_333, totalMinor: 9_999 },
        ],
        amountMinor: 161_999,
        certifiedBy: 'Megan Bowen',
        attestation: true,
        currency: 'USD',
      });
      expect((await lastHistory(c.id)).type).toBe('csr_generated');
    });

    it('refuses an uncertified statement with field issues and writes nothing', async () => {
      const c = await insertClaim(w);
      const docs = await w.db.document.count();
      const e = await failure(
        generateCsr(w.svc, alex(), {
          claimId: c.id,
          version: 1,
          ...csr,
          lines: [{ ...csr.lines[0], total: '-3' }],
          attestation: 'false',
          certifiedBy: '',
        }),
      );
      expect(e.kind).toBe('invalid');
      expect(e.details.issues!.map((i) => i.path).sort()).toEqual(['attestation', 'certifiedBy', 'lines.0.total']);
      expect(await w.db.document.count()).toBe(docs);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(1);
    });
  });

  describe('addAdditionalInfo', () => {
    it('adds a free-text document', async () => {
      const c = await insertClaim(w, { status: 'ACTION_REQUIRED' });
      const r = await addAdditionalInfo(w.svc, alex(), { claimId: c.id, version: 1, text: 'The second invoice covers catering.' });
      expect(await w.db.document.findUniqueOrThrow({ where: { id: r.documentId } })).toMatchObject({
        kind: 'ADDITIONAL_INFO',
        details: 'The second invoice covers catering.',
      });
      expect((await lastHistory(c.id)).type).toBe('additional_info_added');
    });
  });

  describe('editing documents by status', () => {
    it('is refused once the claim is no longer editable', async () => {
      for (const status of ['SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'DISPUTED', 'EXPIRED', 'CANCELLED'] as const) {
        const c = await insertClaim(w, { status, approvedMinor: status === 'APPROVED' ? 1 : undefined, complete: true });
        const doc = await w.db.document.findFirstOrThrow({ where: { claimId: c.id } });
        for (const call of [
          () => addMetric(w.svc, alex(), { claimId: c.id, version: 1, name: 'X', value: '1' }),
          () => generateCsr(w.svc, alex(), { claimId: c.id, version: 1, ...csr }),
          () => addAdditionalInfo(w.svc, alex(), { claimId: c.id, version: 1, text: 'late' }),
          () => removeDocument(w.svc, alex(), { claimId: c.id, version: 1, documentId: doc.id }),
          () => beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'PROOF', details: 'Photo' }),
        ]) {
          expect([status, (await failure(call())).code]).toEqual([status, 'not_editable']);
        }
      }
    });
  });

  describe('removeDocument', () => {
    it('soft-deletes the document and settles feedback on it', async () => {
      const c = await insertClaim(w, { complete: true, status: 'ACTION_REQUIRED' });
      const proof = await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });
      const fb = await w.db.feedback.create({
        data: { claimId: c.id, reviewerId: w.users.reviewer, documentId: proof.id, text: 'Blurry photo' },
      });
      await removeDocument(w.svc, alex(), { claimId: c.id, version: 1, documentId: proof.id });
      expect((await w.db.document.findUniqueOrThrow({ where: { id: proof.id } })).removedAt).toEqual(TEST_NOW);
      expect((await w.db.feedback.findUniqueOrThrow({ where: { id: fb.id } })).resolvedAt).toEqual(TEST_NOW);
      expect(await lastHistory(c.id)).toMatchObject({ type: 'document_removed', documentId: proof.id });
      const d = await getClaimDetail(w.svc, alex(), c.id);
      expect(d.documents.map((x) => x.id)).not.toContain(proof.id);
      expect(d.checklist.find((r) => r.rule === 'proof_present')!.ok).toBe(false);
      expect(await failure(removeDocument(w.svc, alex(), { claimId: c.id, version: 2, documentId: proof.id }))).toMatchObject({
        kind: 'not_found',
        code: 'document',
      });
    });
  });

  describe('addComment', () => {
    it('lets partner staff and reviewers comment without changing the version', async () => {
      const c = await insertClaim(w, { status: 'IN_REVIEW' });
      const a = await addComment(w.svc, alex(), { claimId: c.id, text: 'Photos follow tomorrow' });
      const b = await addComment(w.svc, { userId: w.users.reviewer }, { claimId: c.id, text: 'Thanks' });
      expect([a.version, b.version]).toEqual([1, 1]);
      const h = await w.db.historyEvent.findMany({ where: { claimId: c.id }, orderBy: { id: 'asc' } });
      expect(h.map((x) => [x.type, x.actorKind])).toEqual([
        ['comment_added', 'USER'],
        ['comment_added', 'REVIEWER'],
      ]);
      expect(await w.db.comment.count({ where: { claimId: c.id } })).toBe(2);
    });

    it('is refused for colleagues and on terminal claims', async () => {
      const c = await insertClaim(w);
      expect(await failure(addComment(w.svc, { userId: w.users.colleague }, { claimId: c.id, text: 'hi' }))).toMatchObject({
        kind: 'forbidden',
        code: 'role_required',
      });
      const done = await insertClaim(w, { status: 'APPROVED', approvedMinor: 1 });
      expect(await failure(addComment(w.svc, alex(), { claimId: done.id, text: 'hi' }))).toMatchObject({
        kind: 'conflict',
        code: 'claim_closed',
      });
      const rejected = await insertClaim(w, { status: 'REJECTED' });
      expect((await addComment(w.svc, alex(), { claimId: rejected.id, text: 'We will dispute' })).status).toBe('REJECTED');
    });
  });

  describe('send me the file (pending uploads)', () => {
    it('adds the next file as the described document and bumps the version', async () => {
      const c = await insertClaim(w);
      const begun = await beginFileUpload(w.svc, alex(), {
        claimId: c.id,
        version: 1,
        kind: 'INVOICE',
        details: 'Venue',
        fields: { vendor: 'Hotel', invoiceNumber: 'H-1', invoiceDate: '2026-09-02', amount: '900' },
      });
      expect(begun).toEqual({ claimId: c.id, kind: 'INVOICE', expiresAt: new Date(TEST_NOW.getTime() + 30 * 60_000) });
      expect(await getPendingUpload(w.svc, alex())).toMatchObject({ claimId: c.id, claimNumber: c.number, kind: 'INVOICE' });
      const r = await completeFileUpload(w.svc, alex(), file());
      expect(r).toMatchObject({ claimId: c.id, version: 2, status: 'EDITING' });
      const d = await w.db.document.findUniqueOrThrow({ where: { id: r.documentId } });
      expect(d).toMatchObject({
        kind: 'INVOICE',
        uploaderId: w.users.incentivesUser,
        fileName: 'invoice.pdf',
        fields: { vendor: 'Hotel', invoiceNumber: 'H-1', invoiceDate: '2026-09-02', amountMinor: 90_000, currency: 'USD' },
      });
      expect(await lastHistory(c.id)).toMatchObject({ type: 'document_added', documentId: d.id });
      expect(await getPendingUpload(w.svc, alex())).toBeNull();
      expect(await failure(completeFileUpload(w.svc, alex(), file()))).toMatchObject({ kind: 'conflict', code: 'no_pending_upload' });
    });

    it('requires a note on proofs and valid per-kind fields, and stores nothing otherwise', async () => {
      const c = await insertClaim(w);
      const e = await failure(
        beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'PROOF', details: ' ', fields: { url: 'not a url' } }),
      );
      expect(e.details.issues!.map((i) => i.path).sort()).toEqual(['details', 'fields.url']);
      const m = await failure(beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'METRIC', fields: { name: 'Attendees' } }));
      expect(m.details.issues!.map((i) => i.path)).toEqual(['fields.value']);
      expect(await w.db.pendingUpload.count()).toBe(0);
    });

    it('expires after the configured minutes', async () => {
      const c = await insertClaim(w);
      await beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'PROOF', details: 'Event photos' });
      w.clock.current = new Date(TEST_NOW.getTime() + 31 * 60_000);
      expect(await getPendingUpload(w.svc, alex())).toBeNull();
      expect(await failure(completeFileUpload(w.svc, alex(), file('photo.png')))).toMatchObject({
        kind: 'conflict',
        code: 'pending_upload_expired',
      });
      expect(await w.db.document.count({ where: { claimId: c.id } })).toBe(0);
    });

    it('keeps one pending upload per user, and can be cancelled', async () => {
      const c = await insertClaim(w);
      await beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'PROOF', details: 'First' });
      await beginFileUpload(w.svc, alex(), {
        claimId: c.id,
        version: 1,
        kind: 'INVOICE',
        fields: { vendor: 'V', invoiceNumber: '1', invoiceDate: '2026-09-01', amount: '1' },
      });
      expect((await getPendingUpload(w.svc, alex()))!.kind).toBe('INVOICE');
      expect(await cancelPendingUpload(w.svc, alex())).toEqual({ cancelled: true });
      expect(await getPendingUpload(w.svc, alex())).toBeNull();
    });

    it('replaces a document and settles the feedback on the old one', async () => {
      const c = await insertClaim(w, { complete: true, status: 'ACTION_REQUIRED' });
      const proof = await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });
      await w.db.feedback.create({ data: { claimId: c.id, reviewerId: w.users.reviewer, documentId: proof.id, text: 'Logo missing' } });
      await beginFileUpload(w.svc, alex(), {
        claimId: c.id,
        version: 1,
        kind: 'PROOF',
        details: 'Photo with the logo',
        replacesDocumentId: proof.id,
      });
      const r = await completeFileUpload(w.svc, alex(), file('photo2.jpg'));
      expect(await lastHistory(c.id)).toMatchObject({ type: 'document_replaced', documentId: r.documentId });
      expect((await w.db.document.findUniqueOrThrow({ where: { id: proof.id } })).removedAt).not.toBeNull();
      expect(await w.db.feedback.count({ where: { documentId: proof.id, resolvedAt: null } })).toBe(0);
    });

    it('re-checks the claim when the file arrives', async () => {
      const c = await insertClaim(w);
      await beginFileUpload(w.svc, alex(), { claimId: c.id, version: 1, kind: 'PROOF', details: 'Photos' });
      await w.db.claim.update({ where: { id: c.id }, data: { status: 'SUBMITTED' } });
      expect(await failure(completeFileUpload(w.svc, alex(), file('p.png')))).toMatchObject({ code: 'not_editable' });
    });

    it('lets a colleague complete only the upload they were asked for', async () => {
      const c = await insertClaim(w);
      const isaiah = { userId: w.users.colleague };
      // Not asked: refused.
      expect(await failure(beginFileUpload(w.svc, isaiah, { claimId: c.id, kind: 'PROOF', details: 'Photos' }))).toMatchObject({
        kind: 'forbidden',
        code: 'role_required',
      });
      const req = await w.db.uploadRequest.create({
        data: {
          claimId: c.id,
          requesterId: w.users.incentivesUser,
          assigneeId: w.users.colleague,
          kind: 'PROOF',
          message: 'Photos from the seminar please',
          dueAt: new Date('2026-12-01'),
        },
      });
      // Asked, but must answer the request, for its kind only.
      expect(await failure(beginFileUpload(w.svc, isaiah, { claimId: c.id, kind: 'PROOF', details: 'Photos' }))).toMatchObject({
        kind: 'invalid',
      });
      expect(
        await failure(
          beginFileUpload(w.svc, isaiah, {
            claimId: c.id,
            kind: 'INVOICE',
            uploadRequestId: req.id,
            fields: { vendor: 'V', invoiceNumber: '1', invoiceDate: '2026-09-01', amount: '5' },
          }),
        ),
      ).toMatchObject({ kind: 'forbidden', code: 'upload_request_scope' });
      // Someone else cannot use Isaiah's request.
      expect(
        await failure(
          beginFileUpload(w.svc, { userId: w.users.reviewer }, { claimId: c.id, kind: 'PROOF', details: 'x', uploadRequestId: req.id }),
        ),
      ).toMatchObject({ kind: 'forbidden', code: 'upload_request_scope' });

      await beginFileUpload(w.svc, isaiah, {
        claimId: c.id,
        kind: 'PROOF',
        details: 'Photos of the room and the agenda',
        uploadRequestId: req.id,
      });
      const r = await completeFileUpload(w.svc, isaiah, file('room.jpg'));
      expect(await w.db.document.findUniqueOrThrow({ where: { id: r.documentId } })).toMatchObject({
        uploaderId: w.users.colleague,
        kind: 'PROOF',
      });
      expect(await w.db.uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({
        status: 'FULFILLED',
        documentId: r.documentId,
        closedAt: TEST_NOW,
      });
      const types = (await w.db.historyEvent.findMany({ where: { claimId: c.id }, orderBy: { id: 'asc' } })).map((h) => h.type);
      expect(types).toEqual(['document_added', 'upload_fulfilled']);
      expect(await w.db.outboxMessage.findMany({ where: { claimId: c.id } })).toEqual([
        expect.objectContaining({ kind: 'upload_fulfilled', recipientId: w.users.incentivesUser }),
      ]);

      // The request is closed: nothing more through it.
      expect(
        await failure(beginFileUpload(w.svc, isaiah, { claimId: c.id, kind: 'PROOF', details: 'More', uploadRequestId: req.id })),
      ).toMatchObject({ kind: 'conflict', code: 'upload_request_closed' });
    });

    it('refuses a colleague whose request was closed between begin and completion', async () => {
      const c = await insertClaim(w);
      const req = await w.db.uploadRequest.create({
        data: {
          claimId: c.id,
          requesterId: w.users.incentivesUser,
          assigneeId: w.users.colleague,
          kind: 'METRIC',
          message: 'Attendee count',
          dueAt: new Date('2026-12-01'),
        },
      });
      await beginFileUpload(
        w.svc,
        { userId: w.users.colleague },
        { claimId: c.id, kind: 'METRIC', fields: { name: 'Registered guests', value: '44' }, uploadRequestId: req.id },
      );
      await w.db.uploadRequest.update({ where: { id: req.id }, data: { status: 'CANCELLED' } });
      expect(await failure(completeFileUpload(w.svc, { userId: w.users.colleague }, file('list.xlsx')))).toMatchObject({
        code: 'upload_request_closed',
      });
      expect(await w.db.document.count({ where: { claimId: c.id } })).toBe(0);
    });
  });
});
