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
      expiredMinor: 0,
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
      expiredMinor: 0,
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

  it('lists an incentives user’s own claims grouped by status', async () => {
    const scoped = await w.db.user.create({
      data: {
        organisationId: w.orgId,
        tenantId: 't',
        aadObjectId: 'own-claims',
        displayName: 'Own Claims',
        roles: { create: [{ role: 'INCENTIVES_USER' }] },
      },
    });
    const a = await claimOn('ACTION_REQUIRED', 1_000, { ownerId: scoped.id });
    const b = await claimOn('EDITING', 2_000, { ownerId: scoped.id });
    const c = await claimOn('EDITING', 3_000, { ownerId: scoped.id });
    const o = await getOverview(w.svc, { userId: scoped.id });
    expect(o.claimsScope).toBe('mine');
    expect(o.filters).toBeUndefined();
    expect(o.myClaims.map((g) => [g.status, g.claims.map((x) => x.id).sort(), g.total])).toEqual([
      ['ACTION_REQUIRED', [a.id], 1],
      ['EDITING', [b.id, c.id].sort(), 2],
    ]);
    expect(o.myClaims[0]!.claims[0]).toMatchObject({ number: a.number, amountMinor: 1_000, currency: 'USD', ownerName: 'Own Claims' });
  });

  it('keeps what can still be claimed apart from what a closed window left unclaimed', async () => {
    const closed = await w.db.fundAllocation.findFirstOrThrow({
      where: { locationId: w.allocation.locationId, programId: w.allocation.programId, period: 'FY26-H2' },
    });
    await claimOn('APPROVED', 300_000, { approvedMinor: 200_000, allocationId: closed.id });
    const o = await getOverview(w.svc, { userId: w.users.incentivesUser });
    const row = o.rows.find((r) => r.allocationId === closed.id)!;
    expect(row).toMatchObject({ windowOpen: false, claimedMinor: 200_000, remainingMinor: 0, expiredMinor: closed.earnedMinor - 200_000 });
    const usd = o.totals.find((t) => t.currency === 'USD')!;
    const usdRows = o.rows.filter((r) => r.currency === 'USD');
    expect(usd.remainingMinor).toBe(usdRows.filter((r) => r.windowOpen).reduce((s, r) => s + r.remainingMinor, 0));
    expect(usd.expiredMinor).toBe(
      usdRows.filter((r) => !r.windowOpen).reduce((s, r) => s + Math.max(0, r.earnedMinor - r.claimedMinor), 0),
    );
    expect(usd.expiredMinor).toBeGreaterThan(0);
    expect(usd.remainingMinor + usd.expiredMinor + usd.claimedMinor).toBeGreaterThanOrEqual(usd.earnedMinor);
  });

  it('shows an admin the organisation’s claims by status, narrowed by location, program and owner', async () => {
    const megan = w.users.incentivesAdmin;
    const alex = w.users.incentivesUser;
    const seoul = await w.db.fundAllocation.findFirstOrThrow({
      where: { location: { partnerId: '4871299' }, program: { code: 'CSP_INDIRECT_RESELLER' }, period: 'FY27-H1' },
    });
    const mine = await claimOn('SUBMITTED', 5_000, { ownerId: megan });
    const alexs = await claimOn('SUBMITTED', 6_000, { ownerId: alex });
    const inSeoul = await claimOn('EDITING', 7_000, { ownerId: alex, allocationId: seoul.id });
    const o = await getOverview(w.svc, { userId: megan });
    expect(o.claimsScope).toBe('organisation');
    const submitted = o.myClaims.find((g) => g.status === 'SUBMITTED')!;
    expect(submitted.claims.map((c) => c.id)).toEqual(expect.arrayContaining([mine.id, alexs.id]));
    expect(submitted.total).toBe(await w.db.claim.count({ where: { organisationId: w.orgId, status: 'SUBMITTED' } }));
    expect(submitted.claims.find((c) => c.id === alexs.id)).toMatchObject({ ownerName: 'Alex Wilber' });
    expect(o.filters!.locations.map((l) => l.name)).toEqual(expect.arrayContaining(['Contoso Seattle', 'Contoso Seoul']));
    expect(o.filters!.owners.map((u) => u.name)).toEqual(expect.arrayContaining(['Alex Wilber', 'Megan Bowen']));
    expect(o.filters!.owners.map((u) => u.name)).not.toContain('Patti Fernandez');

    const ids = (x: typeof o) => x.myClaims.flatMap((g) => g.claims.map((c) => c.id));
    const byOwner = await getOverview(w.svc, { userId: megan }, { ownerId: megan });
    expect(ids(byOwner)).toContain(mine.id);
    expect(ids(byOwner)).not.toContain(alexs.id);
    expect(byOwner.filters!.selected).toEqual({ ownerId: megan });
    const byLocation = await getOverview(w.svc, { userId: megan }, { locationId: seoul.locationId, programId: '' });
    expect(ids(byLocation)).toContain(inSeoul.id);
    const locations = await w.db.claim.findMany({ where: { id: { in: ids(byLocation) } }, select: { locationId: true } });
    expect(new Set(locations.map((c) => c.locationId))).toEqual(new Set([seoul.locationId]));
    await expect(getOverview(w.svc, { userId: megan }, { ownerId: 'not-an-id' })).rejects.toMatchObject({ kind: 'invalid' });

    // A Global admin oversees the same; a user with no admin role still sees only their own.
    expect(ids(await getOverview(w.svc, { userId: w.users.globalAdmin }))).toEqual(expect.arrayContaining([mine.id, alexs.id, inSeoul.id]));
    const own = await getOverview(w.svc, { userId: alex }, { ownerId: megan });
    expect(own.claimsScope).toBe('mine');
    expect(ids(own)).not.toContain(mine.id);
  });
});
