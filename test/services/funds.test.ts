import type { ClaimStatus } from '../../prisma/generated/client';
import { getOverview, remainingMinor } from '../../services/funds';
import { insertClaim, makeWorld, type World } from '../helpers/world';

describe('funds', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  /** A claim in `status` on the Seattle CSP allocation (or on another allocation of the organisation). */
  async function claimOn(
    status: ClaimStatus,
    amountMinor: number,
    opts: { approvedMinor?: number; allocationId?: string; ownerId?: string } = {},
  ) {
    const c = await insertClaim(w, { status, amountMinor, approvedMinor: opts.approvedMinor, ownerId: opts.ownerId });
    if (opts.allocationId) {
      const a = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: opts.allocationId } });
      await w.db.claim.update({
        where: { id: c.id },
        data: { fundAllocationId: a.id, locationId: a.locationId, programId: a.programId, currency: a.currency },
      });
    }
    return c;
  }

  it('counts submitted, in-review, action-required, disputed and approved (at the approved amount) claims only', async () => {
    for (const [s, amount] of [
      ['EDITING', 100_000],
      ['REJECTED', 200_000],
      ['CANCELLED', 300_000],
      ['EXPIRED', 400_000],
    ] as const)
      await claimOn(s, amount);
    await claimOn('SUBMITTED', 1_000);
    await claimOn('IN_REVIEW', 2_000);
    await claimOn('ACTION_REQUIRED', 4_000);
    await claimOn('DISPUTED', 8_000);
    await claimOn('APPROVED', 100_000, { approvedMinor: 60_000 }); // partially approved
    const o = await getOverview(w.svc, { userId: w.users.incentivesUser });
    const row = o.rows.find((r) => r.allocationId === w.allocation.id)!;
    expect(row).toEqual({
      allocationId: w.allocation.id,
      locationName: 'Contoso Seattle',
      partnerId: '4871234',
      programName: 'CSP Indirect Reseller',
      period: 'FY27-H1',
      currency: 'USD',
      earnedMinor: 4_800_000,
      claimedMinor: 75_000,
      approvedMinor: 60_000,
      remainingMinor: 4_725_000,
      claimingDeadline: '2027-02-14',
      windowOpen: true,
    });
    expect(await remainingMinor(w.db, w.allocation.id)).toBe(4_725_000);
  });

  it('gives the remaining funds without the claim being submitted', async () => {
    const c = await claimOn('ACTION_REQUIRED', 25_000);
    const all = await remainingMinor(w.db, w.allocation.id);
    expect(await remainingMinor(w.db, w.allocation.id, c.id)).toBe(all + 25_000);
  });

  it('never shows remaining below zero', async () => {
    const seoulCsp = await w.db.fundAllocation.findFirstOrThrow({
      where: { location: { partnerId: '4871299' }, program: { code: 'CSP_INDIRECT_RESELLER' }, period: 'FY27-H1' },
    });
    await claimOn('DISPUTED', seoulCsp.earnedMinor + 500_000, { allocationId: seoulCsp.id });
    expect(await remainingMinor(w.db, seoulCsp.id)).toBe(0);
    const row = (await getOverview(w.svc, { userId: w.users.globalAdmin })).rows.find((r) => r.allocationId === seoulCsp.id)!;
    expect(row).toMatchObject({ claimedMinor: seoulCsp.earnedMinor + 500_000, remainingMinor: 0 });
  });

  it('marks past claiming windows closed and totals each currency separately', async () => {
    const hosting = await w.db.program.findUniqueOrThrow({ where: { code: 'HOSTING' } });
    const eur = await w.db.location.create({
      data: { organisationId: w.orgId, partnerId: '4871300', name: 'Contoso Dublin', country: 'IE' },
    });
    await w.db.fundAllocation.create({
      data: {
        locationId: eur.id,
        programId: hosting.id,
        period: 'FY27-H1',
        usageStart: new Date('2026-07-01'),
        usageEnd: new Date('2026-12-31'),
        claimingDeadline: new Date('2027-02-14'),
        earnedMinor: 700_000,
        currency: 'EUR',
      },
    });
    const o = await getOverview(w.svc, { userId: w.users.incentivesAdmin });
    expect(o.rows.filter((r) => r.period === 'FY26-H2').every((r) => !r.windowOpen && r.claimingDeadline === '2026-08-14')).toBe(true);
    expect(o.totals.map((t) => t.currency).sort()).toEqual(['EUR', 'USD']);
    expect(o.totals.find((t) => t.currency === 'EUR')).toEqual({
      currency: 'EUR',
      earnedMinor: 700_000,
      claimedMinor: 0,
      approvedMinor: 0,
      remainingMinor: 700_000,
    });
    const usd = o.totals.find((t) => t.currency === 'USD')!;
    const usdRows = o.rows.filter((r) => r.currency === 'USD');
    expect(usd.earnedMinor).toBe(usdRows.reduce((s, r) => s + r.earnedMinor, 0));
    expect(usd.remainingMinor).toBe(usdRows.reduce((s, r) => s + r.remainingMinor, 0));
  });

  it('shows only the allocations a scoped role covers, none to reviewers or other organisations', async () => {
    const scoped = await w.db.user.create({
      data: {
        organisationId: w.orgId,
        tenantId: 't',
        aadObjectId: 'scoped-funds',
        displayName: 'Scoped',
        roles: { create: [{ role: 'INCENTIVES_USER', locationId: w.allocation.locationId }] },
      },
    });
    const o = await getOverview(w.svc, { userId: scoped.id });
    expect(o.rows).toHaveLength(6); // Seattle × 3 programs × 2 periods
    expect(new Set(o.rows.map((r) => r.partnerId))).toEqual(new Set(['4871234']));
    expect((await getOverview(w.svc, { userId: w.users.reviewer })).rows).toEqual([]);
    // A person with no role at all is refused (the bot answers with the welcome that names the admins).
    await expect(getOverview(w.svc, { userId: w.users.colleague })).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    const other = await w.db.organisation.create({ data: { tenantId: 'tenant-funds', name: 'Fabrikam' } });
    const olga = await w.db.user.create({
      data: {
        organisationId: other.id,
        tenantId: 'tenant-funds',
        aadObjectId: 'olga',
        displayName: 'Olga',
        roles: { create: [{ role: 'GLOBAL_ADMIN' }] },
      },
    });
    const theirs = await getOverview(w.svc, { userId: olga.id });
    expect(theirs.rows).toEqual([]);
    expect(theirs.myClaims).toEqual([]);
  });

  it('lists the actor’s own claims grouped by status', async () => {
    const megan = w.users.incentivesAdmin;
    const a = await claimOn('ACTION_REQUIRED', 1_000, { ownerId: megan });
    const b = await claimOn('EDITING', 2_000, { ownerId: megan });
    const c = await claimOn('EDITING', 3_000, { ownerId: megan });
    const o = await getOverview(w.svc, { userId: megan });
    expect(o.myClaims.map((g) => [g.status, g.claims.map((x) => x.id).sort()])).toEqual([
      ['ACTION_REQUIRED', [a.id]],
      ['EDITING', [b.id, c.id].sort()],
    ]);
    expect(o.myClaims[0]!.claims[0]).toMatchObject({ number: a.number, amountMinor: 1_000, currency: 'USD' });
  });
});
