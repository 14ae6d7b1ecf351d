import type { Role } from '../../prisma/generated/client';
import { approveClaim, startReview } from '../../services/review';
import { getReviewQueue } from '../../services/reviewQueue';
import { getClaimDetail } from '../../services/claims';
import {
  addLocation,
  applyReviewTenant,
  getOrganisation,
  grantRole,
  renameOrganisation,
  revokeRole,
  setLocationActive,
  updateLocation,
} from '../../services/organisation';
import { getWelcomeFacts, recogniseGlobalAdmin } from '../../services/onboarding';
import { racingServices } from '../helpers/racing';
import { insertClaim, makeWorld, type World } from '../helpers/world';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
let n = 0;
/** A fresh person of the demo organisation (or another one), optionally with roles. */
async function person(roles: Role[] = [], opts: { organisationId?: string; tenantId?: string; scope?: { locationId?: string } } = {}) {
  n++;
  const u = await w.db.user.create({
    data: {
      organisationId: opts.organisationId ?? w.orgId,
      tenantId: opts.tenantId ?? '00000000-0000-0000-0000-0000000000001',
      aadObjectId: `person-${n}-${Date.now()}`,
      displayName: `Person ${n}`,
      roles: { create: roles.map((role) => ({ role, locationId: opts.scope?.locationId ?? null })) },
    },
  });
  return u.id;
}
const rolesOf = async (userId: string) => (await w.db.roleAssignment.findMany({ where: { userId } })).map((r) => r.role).sort();

describe('who may run which admin command (role × command)', () => {
  type Who = 'globalAdmin' | 'incentivesAdmin' | 'incentivesUser' | 'colleague' | 'reviewer';
  const WHO: Who[] = ['globalAdmin', 'incentivesAdmin', 'incentivesUser', 'colleague', 'reviewer'];
  // Demo organisation, internal review (no REVIEW_TENANT_ID): its Global admins grant REVIEWER too.
  const commands: Array<[string, Who[], (actor: string) => Promise<unknown>]> = [
    ['open the organisation card', ['globalAdmin', 'incentivesAdmin'], (a) => getOrganisation(w.svc, as(a))],
    ['rename the organisation', ['globalAdmin'], (a) => renameOrganisation(w.svc, as(a), { name: `Contoso ${a.slice(0, 4)}` })],
    [
      'add a location',
      ['globalAdmin', 'incentivesAdmin'],
      (a) => addLocation(w.svc, as(a), { partnerId: String(5_000_000 + ++n), name: `Branch ${n}`, country: 'de' }),
    ],
    [
      'grant Incentives user',
      ['globalAdmin', 'incentivesAdmin'],
      async (a) => grantRole(w.svc, as(a), { userId: await person(), role: 'INCENTIVES_USER' }),
    ],
    ['grant Incentives admin', ['globalAdmin'], async (a) => grantRole(w.svc, as(a), { userId: await person(), role: 'INCENTIVES_ADMIN' })],
    ['grant Global admin', ['globalAdmin'], async (a) => grantRole(w.svc, as(a), { userId: await person(), role: 'GLOBAL_ADMIN' })],
    ['grant Reviewer', ['globalAdmin'], async (a) => grantRole(w.svc, as(a), { userId: await person(), role: 'REVIEWER' })],
    [
      'revoke Incentives user',
      ['globalAdmin', 'incentivesAdmin'],
      async (a) => {
        const u = await person(['INCENTIVES_USER']);
        const r = await w.db.roleAssignment.findFirstOrThrow({ where: { userId: u } });
        return revokeRole(w.svc, as(a), { roleAssignmentId: r.id });
      },
    ],
    [
      'revoke Incentives admin',
      ['globalAdmin'],
      async (a) => {
        const u = await person(['INCENTIVES_ADMIN']);
        const r = await w.db.roleAssignment.findFirstOrThrow({ where: { userId: u } });
        return revokeRole(w.svc, as(a), { roleAssignmentId: r.id });
      },
    ],
  ];
  for (const [what, allowed, run] of commands) {
    for (const who of WHO) {
      const ok = allowed.includes(who);
      it(`${who} ${ok ? 'may' : 'may not'} ${what}`, async () => {
        const before = await w.db.organisationEvent.count({ where: { organisationId: w.orgId } });
        const p = run(w.users[who]);
        if (ok) {
          await p;
          if (what !== 'open the organisation card')
            expect(await w.db.organisationEvent.count({ where: { organisationId: w.orgId } })).toBe(before + 1);
        } else {
          await expect(p).rejects.toMatchObject({ kind: 'forbidden' });
          expect(await w.db.organisationEvent.count({ where: { organisationId: w.orgId } })).toBe(before);
        }
      });
    }
  }
});

describe('guard rails', () => {
  it('nobody grants themselves a role, not even a Global admin', async () => {
    await expect(grantRole(w.svc, as(w.users.globalAdmin), { userId: w.users.globalAdmin, role: 'REVIEWER' })).rejects.toMatchObject({
      code: 'own_roles',
    });
    await expect(
      grantRole(w.svc, as(w.users.incentivesAdmin), { userId: w.users.incentivesAdmin, role: 'GLOBAL_ADMIN' }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    expect(await rolesOf(w.users.globalAdmin)).toEqual(['GLOBAL_ADMIN']);
  });

  it('the last Global admin cannot be removed; with a second one, the first may step down', async () => {
    const t = await makeWorld();
    try {
      const adele = t.users.globalAdmin;
      const own = await t.db.roleAssignment.findFirstOrThrow({ where: { userId: adele, role: 'GLOBAL_ADMIN' } });
      await expect(revokeRole(t.svc, as(adele), { roleAssignmentId: own.id })).rejects.toMatchObject({
        kind: 'conflict',
        code: 'last_global_admin',
      });
      const view = await getOrganisation(t.svc, as(adele));
      expect(view.members.find((m) => m.userId === adele)!.roles[0]).toMatchObject({ role: 'GLOBAL_ADMIN', revocable: false });
      await grantRole(t.svc, as(adele), { userId: t.users.incentivesAdmin, role: 'GLOBAL_ADMIN' });
      await revokeRole(t.svc, as(adele), { roleAssignmentId: own.id });
      expect(await t.db.roleAssignment.count({ where: { userId: adele } })).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('two Global admins removing each other at once: one wins, the organisation keeps a Global admin', async () => {
    const t = await makeWorld();
    try {
      const adele = t.users.globalAdmin;
      const megan = t.users.incentivesAdmin;
      await grantRole(t.svc, as(adele), { userId: megan, role: 'GLOBAL_ADMIN' });
      const ga = (u: string) => t.db.roleAssignment.findFirstOrThrow({ where: { userId: u, role: 'GLOBAL_ADMIN' } });
      const [ra, rm] = [await ga(adele), await ga(megan)];
      const svc = racingServices(t);
      const results = await Promise.allSettled([
        revokeRole(svc, as(adele), { roleAssignmentId: rm.id }),
        revokeRole(svc, as(megan), { roleAssignmentId: ra.id }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await t.db.roleAssignment.count({ where: { role: 'GLOBAL_ADMIN', user: { organisationId: t.orgId } } })).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('an Incentives admin of one location manages Incentives users of that location only', async () => {
    const seattle = w.allocation.locationId;
    const seoul = (await w.db.location.findUniqueOrThrow({ where: { partnerId: '4871299' } })).id;
    const scopedAdmin = await person(['INCENTIVES_ADMIN'], { scope: { locationId: seattle } });
    const target = await person();
    await grantRole(w.svc, as(scopedAdmin), { userId: target, role: 'INCENTIVES_USER', locationId: seattle });
    await expect(grantRole(w.svc, as(scopedAdmin), { userId: target, role: 'INCENTIVES_USER', locationId: seoul })).rejects.toMatchObject({
      code: 'role_required',
    });
    await expect(grantRole(w.svc, as(scopedAdmin), { userId: target, role: 'INCENTIVES_USER' })).rejects.toMatchObject({
      code: 'role_required',
    });
    await expect(setLocationActive(w.svc, as(scopedAdmin), { locationId: seoul, active: false })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect((await w.db.roleAssignment.findMany({ where: { userId: target } })).map((r) => r.locationId)).toEqual([seattle]);
  });

  it('granting a role someone already holds changes nothing; Global admin is organisation-wide', async () => {
    const u = await person();
    const first = await grantRole(w.svc, as(w.users.globalAdmin), { userId: u, role: 'INCENTIVES_USER' });
    const again = await grantRole(w.svc, as(w.users.globalAdmin), { userId: u, role: 'INCENTIVES_USER', locationId: '' });
    expect(again).toEqual({ roleAssignmentId: first.roleAssignmentId, created: false });
    await expect(
      grantRole(w.svc, as(w.users.globalAdmin), { userId: u, role: 'GLOBAL_ADMIN', locationId: w.allocation.locationId }),
    ).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('nobody grants anything to a person of another organisation', async () => {
    const org = await w.db.organisation.create({ data: { tenantId: 'tenant-other-admin', name: 'Fabrikam' } });
    const outsider = await person([], { organisationId: org.id, tenantId: 'tenant-other-admin' });
    await expect(grantRole(w.svc, as(w.users.globalAdmin), { userId: outsider, role: 'INCENTIVES_USER' })).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(await rolesOf(outsider)).toEqual([]);
  });

  it('PartnerIDs are unique across organisations (without saying whose); a PartnerID with funds cannot change', async () => {
    await expect(addLocation(w.svc, as(w.users.globalAdmin), { partnerId: '4871234', name: 'Copy', country: 'US' })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [expect.objectContaining({ path: 'partnerId' })] },
    });
    await expect(addLocation(w.svc, as(w.users.globalAdmin), { partnerId: '12ab', name: 'X', country: 'ZZ' })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [expect.objectContaining({ path: 'partnerId' }), expect.objectContaining({ path: 'country' })] },
    });
    await expect(
      updateLocation(w.svc, as(w.users.globalAdmin), {
        locationId: w.allocation.locationId,
        partnerId: '9999999',
        name: 'Contoso Seattle',
        country: 'US',
      }),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'partner_id_in_use' });
  });
});

describe('audit: every change is an organisation event shown on the card', () => {
  it('records who did what, and the card lists the latest first', async () => {
    const t = await makeWorld();
    try {
      const adele = as(t.users.globalAdmin);
      await renameOrganisation(t.svc, adele, { name: 'Contoso Partners Ltd' });
      const { locationId } = await addLocation(t.svc, adele, { partnerId: '7000001', name: 'Contoso Berlin', country: 'DE' });
      await setLocationActive(t.svc, adele, { locationId, active: false });
      const { roleAssignmentId } = await grantRole(t.svc, adele, { userId: t.users.colleague, role: 'INCENTIVES_USER', locationId });
      await revokeRole(t.svc, adele, { roleAssignmentId });
      const rows = await t.db.organisationEvent.findMany({ where: { organisationId: t.orgId }, orderBy: { id: 'asc' } });
      expect(rows.map((r) => [r.type, r.actorId])).toEqual([
        ['organisation_renamed', t.users.globalAdmin],
        ['location_added', t.users.globalAdmin],
        ['location_deactivated', t.users.globalAdmin],
        ['role_granted', t.users.globalAdmin],
        ['role_revoked', t.users.globalAdmin],
      ]);
      expect(rows[3]!.data).toMatchObject({ role: 'INCENTIVES_USER', userName: 'Isaiah Langer', locationName: 'Contoso Berlin' });
      const view = await getOrganisation(t.svc, adele);
      expect(view.name).toBe('Contoso Partners Ltd');
      expect(view.recentChanges.map((e) => e.type).slice(0, 2)).toEqual(['role_revoked', 'role_granted']);
      expect(view.recentChanges[0]!.actorName).toBe('Adele Vance');
      expect(view.locations.find((l) => l.id === locationId)).toMatchObject({ active: false });
    } finally {
      await t.close();
    }
  });

  it('a first admin is recognised once; if the organisation later removes the role, that stands', async () => {
    const org = await w.db.organisation.create({ data: { tenantId: 'tenant-new-partner', name: 'Organisation tenant-n' } });
    const first = await person([], { organisationId: org.id, tenantId: 'tenant-new-partner' });
    expect(await recogniseGlobalAdmin(w.svc, first, 'directory')).toBe(true);
    expect(await recogniseGlobalAdmin(w.svc, first, 'directory')).toBe(false);
    const second = await person([], { organisationId: org.id, tenantId: 'tenant-new-partner' });
    expect(await recogniseGlobalAdmin(w.svc, second, 'configuration')).toBe(true);
    const r = await w.db.roleAssignment.findFirstOrThrow({ where: { userId: second } });
    await revokeRole(w.svc, as(first), { roleAssignmentId: r.id });
    expect(await recogniseGlobalAdmin(w.svc, second, 'configuration')).toBe(false);
    expect(await rolesOf(second)).toEqual([]);
    const ev = await w.db.organisationEvent.findMany({ where: { organisationId: org.id }, orderBy: { id: 'asc' } });
    expect(ev.map((e) => [e.type, e.actorKind])).toEqual([
      ['admin_recognised', 'SYSTEM'],
      ['admin_recognised', 'SYSTEM'],
      ['role_revoked', 'USER'],
    ]);
    // The person with no role is told whom to ask.
    const facts = await getWelcomeFacts(w.svc, as(second));
    expect(facts).toMatchObject({ roles: [], organisationSetUp: true, admins: ['Person ' + (n - 1)] });
  });
});

describe('review organisation (REVIEW_TENANT_ID)', () => {
  it('only the review tenant holds reviewers; a partner admin can never grant REVIEWER; reviewers elsewhere count for nothing', async () => {
    const t = await makeWorld();
    try {
      const reviewOrg = await t.db.organisation.create({ data: { tenantId: 'tenant-review-team', name: 'Validation team' } });
      await applyReviewTenant(t.db, 'TENANT-REVIEW-TEAM');
      expect((await t.db.organisation.findUniqueOrThrow({ where: { id: t.orgId } })).reviewScope).toBe('NONE');
      expect((await t.db.organisation.findUniqueOrThrow({ where: { id: reviewOrg.id } })).reviewScope).toBe('ALL');

      // The partner's Global admin: no REVIEWER, not even for someone else; Patti's old REVIEWER role is void.
      await expect(grantRole(t.svc, as(t.users.globalAdmin), { userId: t.users.colleague, role: 'REVIEWER' })).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'reviewer_review_organisation_only',
      });
      await expect(getReviewQueue(t.svc, as(t.users.reviewer))).rejects.toMatchObject({ kind: 'forbidden' });

      // The review team's Global admin grants REVIEWER to a colleague, but no partner role.
      const lead = await t.db.user.create({
        data: { organisationId: reviewOrg.id, tenantId: 'tenant-review-team', aadObjectId: 'lead', displayName: 'Review Lead' },
      });
      await recogniseGlobalAdmin(t.svc, lead.id, 'configuration');
      const reviewer = await t.db.user.create({
        data: { organisationId: reviewOrg.id, tenantId: 'tenant-review-team', aadObjectId: 'rev', displayName: 'Rita Reviewer' },
      });
      await expect(grantRole(t.svc, as(lead.id), { userId: reviewer.id, role: 'INCENTIVES_USER' })).rejects.toMatchObject({
        code: 'not_a_partner_organisation',
      });
      await grantRole(t.svc, as(lead.id), { userId: reviewer.id, role: 'REVIEWER' });

      // Rita reviews Contoso's claims from another organisation; Patti cannot.
      const c = await insertClaim(t, { status: 'SUBMITTED', complete: true });
      const queue = await getReviewQueue(t.svc, as(reviewer.id));
      expect(queue.items.map((q) => q.claimId)).toContain(c.id);
      await expect(startReview(t.svc, as(t.users.reviewer), { claimId: c.id, version: c.version })).rejects.toMatchObject({
        kind: 'forbidden',
      });
      await startReview(t.svc, as(reviewer.id), { claimId: c.id, version: c.version });
      expect((await t.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('IN_REVIEW');
    } finally {
      await t.close();
    }
  });

  it('without REVIEW_TENANT_ID each organisation reviews its own claims only', async () => {
    const t = await makeWorld();
    try {
      await applyReviewTenant(t.db, undefined);
      const other = await t.db.organisation.create({ data: { tenantId: 'tenant-internal-other', name: 'Northwind' } });
      const otherReviewer = await t.db.user.create({
        data: {
          organisationId: other.id,
          tenantId: 'tenant-internal-other',
          aadObjectId: 'nw-rev',
          displayName: 'Northwind Reviewer',
          roles: { create: [{ role: 'REVIEWER' }] },
        },
      });
      const c = await insertClaim(t, { status: 'SUBMITTED', complete: true });
      expect((await getReviewQueue(t.svc, as(t.users.reviewer))).items.map((q) => q.claimId)).toContain(c.id);
      expect((await getReviewQueue(t.svc, as(otherReviewer.id))).items.map((q) => q.claimId)).not.toContain(c.id);
      await expect(getClaimDetail(t.svc, as(otherReviewer.id), c.id)).rejects.toMatchObject({ code: 'not_in_organisation' });
    } finally {
      await t.close();
    }
  });
});

describe('segregation of duties', () => {
  it('nobody reviews a claim they own, worked on or were asked to upload for, whatever roles they hold', async () => {
    const t = await makeWorld();
    try {
      // Megan is also a reviewer of her own organisation (internal review).
      await grantRole(t.svc, as(t.users.globalAdmin), { userId: t.users.incentivesAdmin, role: 'REVIEWER' });
      const mine = await insertClaim(t, { status: 'IN_REVIEW', complete: true, ownerId: t.users.incentivesAdmin });
      const helped = await insertClaim(t, { status: 'IN_REVIEW', complete: true });
      await t.db.document.create({
        data: { claimId: helped.id, kind: 'ADDITIONAL_INFO', details: 'Context', uploaderId: t.users.incentivesAdmin },
      });
      const asked = await insertClaim(t, { status: 'DISPUTED', complete: true });
      await t.db.uploadRequest.create({
        data: {
          claimId: asked.id,
          requesterId: t.users.incentivesUser,
          assigneeId: t.users.incentivesAdmin,
          kind: 'INVOICE',
          message: 'Please',
          dueAt: t.clock.now(),
          status: 'DECLINED',
        },
      });
      const other = await insertClaim(t, { status: 'IN_REVIEW', complete: true });
      for (const c of [mine, helped, asked]) {
        await expect(approveClaim(t.svc, as(t.users.incentivesAdmin), { claimId: c.id, version: c.version })).rejects.toMatchObject({
          kind: 'forbidden',
          code: 'own_claim_review',
        });
        const detail = await getClaimDetail(t.svc, as(t.users.incentivesAdmin), c.id);
        expect(detail.allowedActions).not.toEqual(expect.arrayContaining(['approve']));
        expect(detail.allowedActions).not.toContain('reject');
        expect(detail.allowedActions).not.toContain('request_information');
      }
      expect((await getClaimDetail(t.svc, as(t.users.incentivesAdmin), other.id)).allowedActions).toContain('approve');
      await approveClaim(t.svc, as(t.users.incentivesAdmin), { claimId: other.id, version: other.version });
      // The owner is not told "a claim needs a reviewer" about their own claim (the reviewer list skips them).
      expect((await t.db.claim.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe('IN_REVIEW');
    } finally {
      await t.close();
    }
  });
});
