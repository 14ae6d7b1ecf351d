import {
  cancelClaim,
  createClaim,
  findClaimIdByNumber,
  getClaimDetail,
  getCreateOptions,
  getHistory,
  updateClaim,
} from '../../services/claims';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/** The typed service error a call fails with (fails the test if it succeeds). */
const seminar = (w: World, extra: Record<string, unknown> = {}) => ({
  fundAllocationId: w.allocation.id,
  activityTypeId: w.activityTypes.SEMINAR,
  name: 'Autumn Copilot seminar',
  amount: '1250.50',
  activityStart: '2026-09-01',
  activityEnd: '2026-09-02',
  description: 'Half-day seminar for 40 SMB customers',
  ...extra,
});

const historyTypes = async (w: World, claimId: string) =>
  (await w.db.historyEvent.findMany({ where: { claimId }, orderBy: { id: 'asc' } })).map((h) => h.type);

describe('claims', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  describe('createClaim', () => {
    it('creates a draft in the allocation currency with a claim number and a history event', async () => {
      const r = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      expect(r).toMatchObject({ status: 'EDITING', version: 1 });
      expect(r.number).toMatch(/^CLM-2026-\d{5}$/);
      const c = await w.db.claim.findUniqueOrThrow({ where: { id: r.claimId } });
      expect(c).toMatchObject({
        amountMinor: 125_050,
        currency: 'USD',
        ownerId: w.users.incentivesUser,
        locationId: w.allocation.locationId,
        programId: w.allocation.programId,
      });
      expect(c.activityStart.toISOString().slice(0, 10)).toBe('2026-09-01');
      const h = await w.db.historyEvent.findFirstOrThrow({ where: { claimId: r.claimId } });
      expect(h).toMatchObject({ type: 'claim_created', actorId: w.users.incentivesUser, statusAfter: 'EDITING' });
    });

    it('numbers claims sequentially per organisation and per year', async () => {
      const a = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      const b = await createClaim(w.svc, { userId: w.users.incentivesAdmin }, seminar(w));
      const seq = (n: string) => Number(n.slice(-5));
      expect(seq(b.number)).toBe(seq(a.number) + 1);

      // Another organisation has its own sequence.
      const other = await w.db.organisation.create({ data: { tenantId: 'tenant-numbering', name: 'Fabrikam' } });
      const loc = await w.db.location.create({
        data: { organisationId: other.id, partnerId: '5550001', name: 'Fabrikam Oslo', country: 'NO' },
      });
      const alloc = await w.db.fundAllocation.create({
        data: {
          locationId: loc.id,
          programId: w.allocation.programId,
          period: w.allocation.period,
          usageStart: new Date('2026-07-01'),
          usageEnd: new Date('2026-12-31'),
          claimingDeadline: new Date('2027-02-14'),
          earnedMinor: 100_000,
          currency: 'EUR',
        },
      });
      const olga = await w.db.user.create({
        data: {
          organisationId: other.id,
          tenantId: 'tenant-numbering',
          aadObjectId: 'olga',
          displayName: 'Olga',
          roles: { create: [{ role: 'INCENTIVES_USER' }] },
        },
      });
      const first = await createClaim(w.svc, { userId: olga.id }, seminar(w, { fundAllocationId: alloc.id }));
      expect(first.number).toBe('CLM-2026-00001');
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: first.claimId } })).currency).toBe('EUR');

      // A new year starts again at 1 (the clock is moved to the next year's January, still inside the claiming window).
      const saved = w.clock.current;
      w.clock.current = new Date('2027-01-05T09:00:00Z');
      try {
        const next = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
        expect(next.number).toBe('CLM-2027-00001');
      } finally {
        w.clock.current = saved;
      }
    });

    it('gives concurrent creates distinct numbers', async () => {
      const rs = await Promise.all([1, 2, 3, 4].map(() => createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w))));
      expect(new Set(rs.map((r) => r.number)).size).toBe(4);
    });

    it('refuses bad input with field-level issues and writes nothing', async () => {
      const before = await Promise.all([w.db.claim.count(), w.db.historyEvent.count(), w.db.claimCounter.findMany()]);
      const e = await failure(
        createClaim(
          w.svc,
          { userId: w.users.incentivesUser },
          seminar(w, { name: '', amount: '12.345', activityStart: '2026-13-01', fundAllocationId: 'nope' }),
        ),
      );
      expect(e.kind).toBe('invalid');
      expect(e.details.issues!.map((i) => i.path).sort()).toEqual(['activityStart', 'amount', 'fundAllocationId', 'name']);
      const after = await Promise.all([w.db.claim.count(), w.db.historyEvent.count(), w.db.claimCounter.findMany()]);
      expect(after).toEqual(before);
    });

    it('refuses an end date before the start date', async () => {
      const e = await failure(
        createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { activityStart: '2026-09-05', activityEnd: '2026-09-01' })),
      );
      expect(e.details.issues).toEqual([expect.objectContaining({ path: 'activityEnd' })]);
    });

    it('refuses activity dates outside the usage period, without using up a claim number', async () => {
      const counter = await w.db.claimCounter.findMany();
      const e = await failure(
        createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { activityStart: '2026-06-30', activityEnd: '2027-01-01' })),
      );
      expect(e.kind).toBe('invalid');
      expect(e.details.issues!.map((i) => [i.path, i.code])).toEqual([
        ['activityStart', 'out_of_period'],
        ['activityEnd', 'out_of_period'],
      ]);
      expect(await w.db.claimCounter.findMany()).toEqual(counter);
    });

    it('requires a Surface sub-item exactly when the program has them', async () => {
      const surface = await w.db.fundAllocation.findFirstOrThrow({
        where: { locationId: w.allocation.locationId, period: w.allocation.period, program: { code: 'SURFACE' } },
      });
      const missing = await failure(createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { fundAllocationId: surface.id })));
      expect(missing.details.issues).toEqual([expect.objectContaining({ path: 'surfaceSubItem', code: 'sub_item_required' })]);
      const wrong = await failure(
        createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { fundAllocationId: surface.id, surfaceSubItem: 'XBOX' })),
      );
      expect(wrong.details.issues).toEqual([expect.objectContaining({ path: 'surfaceSubItem', code: 'invalid_value' })]);
      const notApplicable = await failure(createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { surfaceSubItem: 'ADD-PC' })));
      expect(notApplicable.details.issues).toEqual([expect.objectContaining({ path: 'surfaceSubItem', code: 'not_applicable' })]);
      const ok = await createClaim(
        w.svc,
        { userId: w.users.incentivesUser },
        seminar(w, { fundAllocationId: surface.id, surfaceSubItem: 'ADD-PC' }),
      );
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: ok.claimId } })).surfaceSubItem).toBe('ADD-PC');
    });

    it('requires a pre-approval ID for activities that need one', async () => {
      const e = await failure(
        createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w, { activityTypeId: w.activityTypes.TV_RADIO, preApprovalId: '' })),
      );
      expect(e.details.issues).toEqual([expect.objectContaining({ path: 'preApprovalId', code: 'pre_approval_required' })]);
      const ok = await createClaim(
        w.svc,
        { userId: w.users.incentivesUser },
        seminar(w, { activityTypeId: w.activityTypes.TV_RADIO, preApprovalId: 'PA-2026-17' }),
      );
      expect(ok.status).toBe('EDITING');
    });

    it('refuses claims once the allocation claiming window has closed', async () => {
      const closed = await w.db.fundAllocation.findFirstOrThrow({
        where: { locationId: w.allocation.locationId, programId: w.allocation.programId, period: { not: w.allocation.period } },
      });
      const e = await failure(
        createClaim(
          w.svc,
          { userId: w.users.incentivesUser },
          seminar(w, { fundAllocationId: closed.id, activityStart: '2026-03-01', activityEnd: '2026-03-01' }),
        ),
      );
      expect(e).toMatchObject({ kind: 'rule_failed', code: 'claiming_window_closed' });
      expect(e.details.rules).toEqual([{ rule: 'before_deadline', params: { deadline: '2026-08-14' } }]);
    });

    it('accepts a claim on the deadline day itself', async () => {
      const saved = w.clock.current;
      w.clock.current = new Date('2027-02-14T23:30:00Z');
      try {
        expect((await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w))).status).toBe('EDITING');
        w.clock.current = new Date('2027-02-15T00:30:00Z');
        expect((await failure(createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w)))).code).toBe('claiming_window_closed');
      } finally {
        w.clock.current = saved;
      }
    });

    it('applies a repeated idempotency key once', async () => {
      const count = await w.db.claim.count();
      const input = seminar(w, { idempotencyKey: 'create-card-key-0001' });
      const a = await createClaim(w.svc, { userId: w.users.incentivesUser }, input);
      const b = await createClaim(w.svc, { userId: w.users.incentivesUser }, input);
      expect(b).toMatchObject({ claimId: a.claimId, number: a.number, replayed: true });
      expect(await w.db.claim.count()).toBe(count + 1);
    });
  });

  describe('updateClaim', () => {
    it('changes fields, bumps the version and records which fields changed', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      const r = await updateClaim(
        w.svc,
        { userId: w.users.incentivesAdmin },
        {
          claimId: c.claimId,
          version: 1,
          name: 'Winter seminar',
          amount: '2000',
          activityEnd: '2026-09-03',
          description: 'Half-day seminar for 40 SMB customers',
        },
      );
      expect(r).toMatchObject({ version: 2, changed: ['name', 'amountMinor', 'activityEnd'] });
      const claim = await w.db.claim.findUniqueOrThrow({ where: { id: c.claimId } });
      expect(claim).toMatchObject({ name: 'Winter seminar', amountMinor: 200_000, version: 2 });
      const h = await w.db.historyEvent.findFirstOrThrow({ where: { claimId: c.claimId, type: 'claim_updated' } });
      expect(h.data).toMatchObject({ fields: ['name', 'amountMinor', 'activityEnd'], values: { activityEnd: '2026-09-03' } });
    });

    it('refuses a stale version', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      await updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: 1, name: 'First edit' });
      const e = await failure(
        updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: 1, name: 'Second edit' }),
      );
      expect(e).toMatchObject({ kind: 'conflict', code: 'stale_version', details: { params: { expected: 1, current: 2 } } });
    });

    it('validates the merged fields against the usage period', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      const e = await failure(
        updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: 1, activityEnd: '2027-03-01' }),
      );
      expect(e.details.issues).toEqual([expect.objectContaining({ path: 'activityEnd', code: 'out_of_period' })]);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.claimId } })).version).toBe(1);
    });

    it('is allowed in EDITING and ACTION_REQUIRED only', async () => {
      const ar = await insertClaim(w, { status: 'ACTION_REQUIRED' });
      expect((await updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: ar.id, version: 1, name: 'Fixed' })).status).toBe(
        'ACTION_REQUIRED',
      );
      for (const status of ['SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'DISPUTED', 'EXPIRED', 'CANCELLED'] as const) {
        const c = await insertClaim(w, { status, approvedMinor: status === 'APPROVED' ? 100_000 : undefined });
        const e = await failure(updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.id, version: 1, name: 'Too late' }));
        expect([status, e.kind, e.code]).toEqual([status, 'conflict', 'not_editable']);
      }
    });
  });

  describe('cancelClaim', () => {
    it('lets the owner cancel a draft and keeps it with its history', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      const r = await cancelClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: 1 });
      expect(r).toMatchObject({ status: 'CANCELLED', version: 2 });
      expect(await historyTypes(w, c.claimId)).toEqual(['claim_created', 'claim_cancelled']);
    });

    it('lets an incentives admin or global admin cancel someone else’s draft, but not another incentives user', async () => {
      const owner = w.users.incentivesUser;
      const colleagueUser = await w.db.user.create({
        data: {
          organisationId: w.orgId,
          tenantId: 'x',
          aadObjectId: 'second-user',
          displayName: 'Second User',
          roles: { create: [{ role: 'INCENTIVES_USER' }] },
        },
      });
      const c1 = await createClaim(w.svc, { userId: owner }, seminar(w));
      const e = await failure(cancelClaim(w.svc, { userId: colleagueUser.id }, { claimId: c1.claimId, version: 1 }));
      expect(e).toMatchObject({ kind: 'forbidden', code: 'not_owner' });
      expect((await cancelClaim(w.svc, { userId: w.users.incentivesAdmin }, { claimId: c1.claimId, version: 1 })).status).toBe('CANCELLED');
      const c2 = await createClaim(w.svc, { userId: owner }, seminar(w));
      expect((await cancelClaim(w.svc, { userId: w.users.globalAdmin }, { claimId: c2.claimId, version: 1 })).status).toBe('CANCELLED');
    });

    it('is refused in every status but EDITING', async () => {
      for (const status of [
        'SUBMITTED',
        'IN_REVIEW',
        'ACTION_REQUIRED',
        'APPROVED',
        'REJECTED',
        'DISPUTED',
        'EXPIRED',
        'CANCELLED',
      ] as const) {
        const c = await insertClaim(w, { status });
        const e = await failure(cancelClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.id, version: 1 }));
        expect([status, e.kind, e.code]).toEqual([status, 'conflict', 'transition_not_allowed']);
      }
    });

    it('cancels open upload requests on the claim and tells their assignees', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      const req = await w.db.uploadRequest.create({
        data: {
          claimId: c.claimId,
          requesterId: w.users.incentivesUser,
          assigneeId: w.users.colleague,
          kind: 'PROOF',
          message: 'Photos please',
          dueAt: new Date('2026-12-01'),
        },
      });
      await cancelClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: 1 });
      expect((await w.db.uploadRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe('CANCELLED');
      expect(
        await w.db.outboxMessage.count({ where: { claimId: c.claimId, kind: 'upload_cancelled', recipientId: w.users.colleague } }),
      ).toBe(1);
    });
  });

  describe('getClaimDetail', () => {
    it('shows a partner everything on the card and the actions for a draft', async () => {
      const c = await insertClaim(w, { complete: true });
      const d = await getClaimDetail(w.svc, { userId: w.users.incentivesUser }, c.id);
      expect(d).toMatchObject({
        id: c.id,
        number: c.number,
        status: 'EDITING',
        version: 1,
        currency: 'USD',
        viewerRole: 'partner',
        program: { code: 'CSP_INDIRECT_RESELLER' },
        location: { partnerId: '4871234' },
        period: 'FY27-H1',
        claimingDeadline: '2027-02-14',
        activityType: { code: 'SEMINAR', requiredMetrics: ['Registered guests'] },
        activityStart: '2026-09-01',
        owner: { name: 'Alex Wilber' },
      });
      expect(d.documents.map((x) => x.kind)).toEqual(['INVOICE', 'PROOF', 'METRIC']);
      expect(d.documents[0]).toMatchObject({ uploaderName: 'Alex Wilber', fileName: 'invoice.pdf', hasFile: true, reviewState: 'PENDING' });
      expect(d.checklist.every((r) => r.ok)).toBe(true);
      expect(d.allowedActions).toEqual([
        'edit',
        'add_invoice',
        'add_proof',
        'add_metric',
        'add_csr',
        'add_additional_info',
        'ask_colleague',
        'submit',
        'cancel',
        'export',
        'comment',
        'history',
      ]);
    });

    it('offers resubmit in ACTION_REQUIRED, dispute when REJECTED, and only history once terminal', async () => {
      const actions = async (status: 'ACTION_REQUIRED' | 'REJECTED' | 'APPROVED', userId = w.users.incentivesUser) =>
        (
          await getClaimDetail(
            w.svc,
            { userId },
            (await insertClaim(w, { status, approvedMinor: status === 'APPROVED' ? 1 : undefined })).id,
          )
        ).allowedActions;
      expect(await actions('ACTION_REQUIRED')).toContain('resubmit');
      expect(await actions('ACTION_REQUIRED')).not.toContain('cancel');
      expect(await actions('REJECTED')).toEqual(['dispute', 'export', 'comment', 'history']);
      expect(await actions('APPROVED')).toEqual(['export', 'history']);
      // The organisation's admins may export it too.
      expect(await actions('APPROVED', w.users.incentivesAdmin)).toEqual(['export', 'history']);
    });

    it('shows a reviewer the review actions for the status', async () => {
      const sub = await insertClaim(w, { status: 'SUBMITTED' });
      const d1 = await getClaimDetail(w.svc, { userId: w.users.reviewer }, sub.id);
      expect(d1.viewerRole).toBe('reviewer');
      expect(d1.allowedActions).toEqual(['start_review', 'assign_review', 'export', 'comment', 'history']);
      const rev = await insertClaim(w, { status: 'DISPUTED' });
      expect((await getClaimDetail(w.svc, { userId: w.users.reviewer }, rev.id)).allowedActions).toEqual([
        'review_document',
        'request_information',
        'approve',
        'reject',
        'assign_review',
        'export',
        'comment',
        'history',
      ]);
    });

    it('lets a colleague with an open request see the claim and upload, and refuses a colleague without one', async () => {
      const c = await insertClaim(w);
      expect(await failure(getClaimDetail(w.svc, { userId: w.users.colleague }, c.id))).toMatchObject({
        kind: 'forbidden',
        code: 'not_a_participant',
      });
      await w.db.uploadRequest.create({
        data: {
          claimId: c.id,
          requesterId: w.users.incentivesUser,
          assigneeId: w.users.colleague,
          kind: 'PROOF',
          message: 'Photos of the event',
          dueAt: new Date('2026-12-05'),
        },
      });
      const d = await getClaimDetail(w.svc, { userId: w.users.colleague }, c.id);
      expect(d.viewerRole).toBe('colleague');
      // A colleague on the claim may comment too; nothing else.
      expect(d.allowedActions).toEqual(['comment', 'upload_requested', 'history']);
      expect(d.openUploadRequests).toEqual([
        expect.objectContaining({ assigneeName: 'Isaiah Langer', kind: 'PROOF', message: 'Photos of the event' }),
      ]);
    });

    it('lists feedback, open feedback per document and the latest comments', async () => {
      const c = await insertClaim(w, { complete: true });
      const proof = await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });
      await w.db.feedback.create({
        data: { claimId: c.id, reviewerId: w.users.reviewer, documentId: proof.id, text: 'Photo does not show the Microsoft logo' },
      });
      for (let n = 1; n <= 7; n++)
        await w.db.comment.create({
          data: { claimId: c.id, authorId: w.users.incentivesUser, text: `note ${n}`, createdAt: new Date(Date.UTC(2026, 10, n)) },
        });
      const d = await getClaimDetail(w.svc, { userId: w.users.incentivesAdmin }, c.id);
      expect(d.feedback).toEqual([expect.objectContaining({ reviewerName: 'Patti Fernandez', documentId: proof.id, resolved: false })]);
      expect(d.documents.find((x) => x.id === proof.id)!.openFeedback).toHaveLength(1);
      expect(d.comments.map((x) => x.text)).toEqual(['note 7', 'note 6', 'note 5', 'note 4', 'note 3']);
      expect(d.commentCount).toBe(7);
    });

    it('refuses a user of another organisation', async () => {
      const other = await w.db.organisation.create({ data: { tenantId: 'tenant-detail', name: 'Northwind' } });
      const u = await w.db.user.create({
        data: {
          organisationId: other.id,
          tenantId: 'tenant-detail',
          aadObjectId: 'nw',
          displayName: 'Nina',
          roles: { create: [{ role: 'GLOBAL_ADMIN' }] },
        },
      });
      const c = await insertClaim(w);
      expect(await failure(getClaimDetail(w.svc, { userId: u.id }, c.id))).toMatchObject({
        kind: 'forbidden',
        code: 'not_in_organisation',
      });
      expect(await failure(findClaimIdByNumber(w.svc, { userId: u.id }, c.number))).toMatchObject({ kind: 'not_found' });
    });
  });

  describe('findClaimIdByNumber', () => {
    it('finds a claim by its number in any case', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      expect(await findClaimIdByNumber(w.svc, { userId: w.users.incentivesAdmin }, c.number.toLowerCase())).toBe(c.claimId);
      expect(await findClaimIdByNumber(w.svc, { userId: w.users.reviewer }, ` ${c.number} `)).toBe(c.claimId);
      expect((await failure(findClaimIdByNumber(w.svc, { userId: w.users.incentivesUser }, 'CLM-1999-00001'))).kind).toBe('not_found');
    });
  });

  describe('getHistory', () => {
    it('pages newest first for participants, and refuses outsiders', async () => {
      const c = await createClaim(w.svc, { userId: w.users.incentivesUser }, seminar(w));
      for (let v = 1; v <= 3; v++)
        await updateClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, version: v, name: `Name ${v}` });
      const p1 = await getHistory(w.svc, { userId: w.users.incentivesUser }, { claimId: c.claimId, pageSize: 3 });
      expect(p1.items.map((i) => i.type)).toEqual(['claim_updated', 'claim_updated', 'claim_updated']);
      expect(p1.nextCursor).not.toBeNull();
      const p2 = await getHistory(w.svc, { userId: w.users.reviewer }, { claimId: c.claimId, pageSize: 3, before: p1.nextCursor! });
      expect(p2.items.map((i) => i.type)).toEqual(['claim_created']);
      expect(p2.nextCursor).toBeNull();
      expect((await failure(getHistory(w.svc, { userId: w.users.colleague }, { claimId: c.claimId }))).kind).toBe('forbidden');
    });
  });

  describe('getCreateOptions', () => {
    it('offers only allocations with an open window, with remaining funds, and the activity catalogue', async () => {
      const o = await getCreateOptions(w.svc, { userId: w.users.incentivesUser });
      expect(o.allocations).toHaveLength(6);
      expect(o.allocations.every((a) => a.period === 'FY27-H1' && a.claimingDeadline === '2027-02-14')).toBe(true);
      expect(o.allocations.find((a) => a.programCode === 'SURFACE')!.subItems).toEqual(['ADD-HUB', 'ADD-PC', 'ADR-HUB']);
      const seattleCsp = o.allocations.find((a) => a.allocationId === w.allocation.id)!;
      expect(seattleCsp).toMatchObject({
        locationName: 'Contoso Seattle',
        programName: 'CSP Indirect Reseller',
        earnedMinor: 4_800_000,
        currency: 'USD',
      });
      expect(seattleCsp.remainingMinor).toBeLessThanOrEqual(seattleCsp.earnedMinor);
      expect(o.activityTypes.find((t) => t.code === 'TV_RADIO')).toMatchObject({
        requiresPreApproval: true,
        nameKo: 'TV/라디오',
        category: 'DEMAND_GENERATION',
      });
    });

    it('narrows to the location a scoped role covers, and refuses users without an incentives role', async () => {
      const scoped = await w.db.user.create({
        data: {
          organisationId: w.orgId,
          tenantId: 'x',
          aadObjectId: 'scoped',
          displayName: 'Scoped',
          roles: { create: [{ role: 'INCENTIVES_USER', locationId: w.allocation.locationId, programId: w.allocation.programId }] },
        },
      });
      const o = await getCreateOptions(w.svc, { userId: scoped.id });
      expect(o.allocations.map((a) => a.allocationId)).toEqual([w.allocation.id]);
      expect((await failure(getCreateOptions(w.svc, { userId: w.users.colleague }))).code).toBe('role_required');
    });
  });
});
