import { cancelClaim, createClaim, getClaimDetail, getHistory, updateClaim } from '../../services/claims';
import type { CommandResult } from '../../services/context';
import { addAdditionalInfo, addComment, addMetric, generateCsr, removeDocument } from '../../services/documents';
import { beginFileUpload } from '../../services/pendingUploads';
import { submitClaim } from '../../services/submission';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, type World } from '../helpers/world';

type Claim = { id: string; ownerId: string };
type Command = { name: string; history: string | null; run: (w: World, userId: string, c: Claim) => Promise<unknown> };

const csr = {
  description: 'In-house design',
  lines: [{ item: 'Design', quantity: 4, unitCost: '100', total: '400' }],
  certifiedBy: 'Megan',
  attestation: true,
  file: { fileKey: 'csr-key', fileName: 'CSR.pdf', fileSize: 1000, contentType: 'application/pdf', sha256: 'c'.repeat(64) },
};

/** Every partner command this module owns, run against a complete draft (version 1). */
const COMMANDS: Command[] = [
  {
    name: 'updateClaim',
    history: 'claim_updated',
    run: (w, u, c) => updateClaim(w.svc, { userId: u }, { claimId: c.id, version: 1, name: 'Renamed' }),
  },
  { name: 'cancelClaim', history: 'claim_cancelled', run: (w, u, c) => cancelClaim(w.svc, { userId: u }, { claimId: c.id, version: 1 }) },
  { name: 'submitClaim', history: 'submitted', run: (w, u, c) => submitClaim(w.svc, { userId: u }, { claimId: c.id, version: 1 }) },
  {
    name: 'addMetric',
    history: 'metric_added',
    run: (w, u, c) => addMetric(w.svc, { userId: u }, { claimId: c.id, version: 1, name: 'Attendees', value: '40' }),
  },
  {
    name: 'generateCsr',
    history: 'csr_generated',
    run: (w, u, c) => generateCsr(w.svc, { userId: u }, { claimId: c.id, version: 1, ...csr }),
  },
  {
    name: 'addAdditionalInfo',
    history: 'additional_info_added',
    run: (w, u, c) => addAdditionalInfo(w.svc, { userId: u }, { claimId: c.id, version: 1, text: 'Context' }),
  },
  {
    name: 'removeDocument',
    history: 'document_removed',
    run: async (w, u, c) =>
      removeDocument(
        w.svc,
        { userId: u },
        { claimId: c.id, version: 1, documentId: (await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'INVOICE' } })).id },
      ),
  },
  {
    name: 'addComment',
    history: 'comment_added',
    run: (w, u, c) => addComment(w.svc, { userId: u }, { claimId: c.id, text: 'Looks good' }),
  },
  // Begin writes no history (nothing on the claim changes until the file arrives).
  {
    name: 'beginFileUpload',
    history: null,
    run: (w, u, c) => beginFileUpload(w.svc, { userId: u }, { claimId: c.id, version: 1, kind: 'PROOF', details: 'Photo' }),
  },
];

describe('who may do what', () => {
  let w: World;
  let outsider: string;
  let otherOrgAllocation: string;
  let seoulOnly: string;
  beforeAll(async () => {
    w = await makeWorld();
    const org = await w.db.organisation.create({ data: { tenantId: 'tenant-fabrikam', name: 'Fabrikam' } });
    const loc = await w.db.location.create({
      data: { organisationId: org.id, partnerId: '7770001', name: 'Fabrikam Lisbon', country: 'PT' },
    });
    otherOrgAllocation = (
      await w.db.fundAllocation.create({
        data: {
          locationId: loc.id,
          programId: w.allocation.programId,
          period: w.allocation.period,
          usageStart: new Date('2026-07-01'),
          usageEnd: new Date('2026-12-31'),
          claimingDeadline: new Date('2027-02-14'),
          earnedMinor: 500_000,
          currency: 'EUR',
        },
      })
    ).id;
    outsider = (
      await w.db.user.create({
        data: {
          organisationId: org.id,
          tenantId: 'tenant-fabrikam',
          aadObjectId: 'fab-admin',
          displayName: 'Fabrikam Admin',
          roles: { create: [{ role: 'GLOBAL_ADMIN' }] },
        },
      })
    ).id;
    const seoul = await w.db.location.findUniqueOrThrow({ where: { partnerId: '4871299' } });
    seoulOnly = (
      await w.db.user.create({
        data: {
          organisationId: w.orgId,
          tenantId: 'x',
          aadObjectId: 'seoul-user',
          displayName: 'Seoul User',
          roles: { create: [{ role: 'INCENTIVES_ADMIN', locationId: seoul.id }] },
        },
      })
    ).id;
  });
  afterAll(() => w.close());

  const partnerRoles = () =>
    [
      ['incentives user', w.users.incentivesUser],
      ['incentives admin', w.users.incentivesAdmin],
      ['global admin', w.users.globalAdmin],
    ] as const;

  describe.each(COMMANDS.map((c) => [c.name, c] as const))('%s', (_name, cmd) => {
    it('is allowed for every partner role, and leaves a history event', async () => {
      for (const [role, userId] of partnerRoles()) {
        // Cancel is the owner's (or an admin's): each role cancels a claim it owns here; the not-owner case is in claims.test.ts.
        const c = await insertClaim(w, { complete: true, ownerId: userId });
        const r = (await cmd.run(w, userId, { id: c.id, ownerId: userId })) as Partial<CommandResult>;
        expect([role, r.claimId ?? c.id]).toEqual([role, c.id]);
        const types = (await w.db.historyEvent.findMany({ where: { claimId: c.id } })).map((h) => h.type);
        expect([role, types]).toEqual([role, cmd.history ? [cmd.history] : []]);
      }
    });

    it('is refused for a colleague without a role, another organisation and a role scoped elsewhere', async () => {
      const refused: Array<[string, string, string]> = [
        ['colleague', w.users.colleague, 'role_required'],
        ['other organisation', outsider, 'not_in_organisation'],
        ['scoped to Seoul', seoulOnly, 'role_required'],
      ];
      if (cmd.name !== 'addComment') refused.push(['reviewer', w.users.reviewer, 'role_required']);
      for (const [who, userId, code] of refused) {
        const c = await insertClaim(w, { complete: true });
        const e = await failure(cmd.run(w, userId, { id: c.id, ownerId: w.users.incentivesUser }));
        expect([who, e.kind, e.code]).toEqual([who, 'forbidden', code]);
        expect(await w.db.historyEvent.count({ where: { claimId: c.id } })).toBe(0);
        expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(1);
      }
    });
  });

  it('lets a reviewer comment on a claim of any organisation, but not edit it', async () => {
    const c = await insertClaim(w, { status: 'IN_REVIEW', complete: true });
    expect((await addComment(w.svc, { userId: w.users.reviewer }, { claimId: c.id, text: 'Checking the invoice' })).claimId).toBe(c.id);
    expect((await failure(updateClaim(w.svc, { userId: w.users.reviewer }, { claimId: c.id, version: 1, name: 'x' }))).code).toBe(
      'role_required',
    );
  });

  describe('createClaim', () => {
    const input = (w: World, allocationId = w.allocation.id) => ({
      fundAllocationId: allocationId,
      activityTypeId: w.activityTypes.SEMINAR,
      name: 'Seminar',
      amount: '100',
      activityStart: '2026-09-01',
      activityEnd: '2026-09-01',
    });

    it('is allowed for every partner role', async () => {
      for (const [, userId] of partnerRoles()) {
        const r = await createClaim(w.svc, { userId }, input(w));
        expect((await w.db.claim.findUniqueOrThrow({ where: { id: r.claimId } })).ownerId).toBe(userId);
      }
    });

    it('is refused for reviewers, colleagues, a role scoped elsewhere, and against another organisation’s funds', async () => {
      const before = await w.db.claim.count();
      expect(await failure(createClaim(w.svc, { userId: w.users.reviewer }, input(w)))).toMatchObject({
        kind: 'forbidden',
        code: 'role_required',
      });
      expect(await failure(createClaim(w.svc, { userId: w.users.colleague }, input(w)))).toMatchObject({
        kind: 'forbidden',
        code: 'role_required',
      });
      expect(await failure(createClaim(w.svc, { userId: seoulOnly }, input(w)))).toMatchObject({
        kind: 'forbidden',
        code: 'role_required',
      });
      expect(await failure(createClaim(w.svc, { userId: w.users.globalAdmin }, input(w, otherOrgAllocation)))).toMatchObject({
        kind: 'forbidden',
        code: 'not_in_organisation',
      });
      expect(await failure(createClaim(w.svc, { userId: outsider }, input(w)))).toMatchObject({
        kind: 'forbidden',
        code: 'not_in_organisation',
      });
      expect(await w.db.claim.count()).toBe(before);
    });
  });

  describe('reading a claim', () => {
    it('is refused for another organisation and for a role scoped elsewhere', async () => {
      const c = await insertClaim(w);
      for (const userId of [outsider, seoulOnly]) {
        expect((await failure(getClaimDetail(w.svc, { userId }, c.id))).kind).toBe('forbidden');
        expect((await failure(getHistory(w.svc, { userId }, { claimId: c.id }))).kind).toBe('forbidden');
      }
    });
  });
});
