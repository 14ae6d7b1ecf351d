import crypto from 'node:crypto';
import type { ClaimStatus, DocumentKind, Role } from '../../prisma/generated/client';
import { DEMO_TENANT_ID, seedDemo } from '../../prisma/seed';
import type { Clock, Services } from '../../services/context';
import { defaultServiceSettings } from '../../services/context';
import type { Db } from '../../services/db/client';
import { parseActivityRules } from '../../services/catalogue/rules';
import { freshDatabase, type TestDatabase } from './database';

/** A settable clock, so deadline and reminder rules can be tested without waiting. */
export class TestClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return new Date(this.current);
  }
  advanceDays(n: number) {
    this.current = new Date(this.current.getTime() + n * 86_400_000);
  }
}

export type World = {
  t: TestDatabase;
  db: Db;
  svc: Services;
  clock: TestClock;
  orgId: string;
  /** Seeded demo users by role (see prisma/seed.ts). */
  users: { incentivesUser: string; incentivesAdmin: string; globalAdmin: string; colleague: string; reviewer: string };
  /** An open allocation (current usage period) and its parts. */
  allocation: { id: string; locationId: string; programId: string; period: string; currency: string; earnedMinor: number };
  /** The offered (current) revision of each activity type, by code. */
  activityTypes: Record<string, string>;
  close: () => Promise<void>;
};

/** Default "today" for tests: inside FY27-H1's usage period, so its claiming window is open. */
export const TEST_NOW = new Date('2026-11-28T10:00:00.000Z');

/** A fresh migrated database with the demo seed, and handles to everything in it. */
export async function makeWorld(now: Date = TEST_NOW): Promise<World> {
  const t = await freshDatabase();
  await seedDemo(t.db, now);
  const clock = new TestClock(now);
  const db = t.db;
  const org = await db.organisation.findUniqueOrThrow({ where: { tenantId: DEMO_TENANT_ID } });
  const byRole = async (role: Role | null) => {
    const u = await db.user.findFirstOrThrow({
      where: role ? { roles: { some: { role } } } : { roles: { none: {} } },
      orderBy: { aadObjectId: 'asc' },
    });
    return u.id;
  };
  const seattle = await db.location.findUniqueOrThrow({ where: { partnerId: '4871234' } });
  const csp = await db.program.findUniqueOrThrow({ where: { code: 'CSP_INDIRECT_RESELLER' } });
  const alloc = await db.fundAllocation.findFirstOrThrow({
    where: { locationId: seattle.id, programId: csp.id },
    orderBy: { usageStart: 'desc' },
  });
  const types = await db.activityType.findMany({ where: { retiredAt: null } });
  return {
    t,
    db,
    clock,
    svc: { db, clock, settings: defaultServiceSettings },
    orgId: org.id,
    users: {
      incentivesUser: await byRole('INCENTIVES_USER'),
      incentivesAdmin: await byRole('INCENTIVES_ADMIN'),
      globalAdmin: await byRole('GLOBAL_ADMIN'),
      colleague: await byRole(null),
      reviewer: await byRole('REVIEWER'),
    },
    allocation: {
      id: alloc.id,
      locationId: seattle.id,
      programId: csp.id,
      period: alloc.period,
      currency: alloc.currency,
      earnedMinor: alloc.earnedMinor,
    },
    activityTypes: Object.fromEntries(types.map((a) => [a.code, a.id])),
    close: () => t.drop(),
  };
}

/**
 * Inserts a claim directly in any status (bypassing the service), for tests of later steps.
 * `complete` adds an invoice for the whole amount, a proof with a note and the activity type's required metrics.
 */
export async function insertClaim(
  w: World,
  opts: {
    status?: ClaimStatus;
    amountMinor?: number;
    approvedMinor?: number;
    ownerId?: string;
    activity?: string;
    complete?: boolean;
    /** Another allocation than `w.allocation` (see `allocationFor`). */
    allocation?: World['allocation'];
    activityStart?: string;
    activityEnd?: string;
  } = {},
): Promise<{ id: string; number: string; version: number }> {
  const activity = opts.activity ?? 'SEMINAR';
  const number = `CLM-2026-T${crypto.randomBytes(3).toString('hex')}`;
  const alloc = opts.allocation ?? w.allocation;
  const c = await w.db.claim.create({
    data: {
      number,
      organisationId: w.orgId,
      locationId: alloc.locationId,
      programId: alloc.programId,
      fundAllocationId: alloc.id,
      activityTypeId: w.activityTypes[activity]!,
      ownerId: opts.ownerId ?? w.users.incentivesUser,
      name: 'Test seminar',
      amountMinor: opts.amountMinor ?? 100_000,
      currency: alloc.currency,
      activityStart: new Date(opts.activityStart ?? '2026-09-01'),
      activityEnd: new Date(opts.activityEnd ?? '2026-09-02'),
      status: opts.status ?? 'EDITING',
      approvedMinor: opts.approvedMinor ?? null,
      submittedAt: opts.status && opts.status !== 'EDITING' ? w.clock.now() : null,
    },
  });
  if (opts.complete) {
    const doc = (kind: DocumentKind, details: string, fields: object) =>
      w.db.document.create({
        data: {
          claimId: c.id,
          kind,
          details,
          fields,
          uploaderId: c.ownerId,
          fileName: kind === 'METRIC' ? null : `${kind.toLowerCase()}.pdf`,
          fileKey: kind === 'METRIC' ? null : 'sha256-test',
          contentType: 'application/pdf',
          fileSize: 1000,
          // The services' clock, as for documents they add: which of two invoices came first decides duplicates.
          createdAt: w.clock.now(),
        },
      });
    const at = await w.db.activityType.findUniqueOrThrow({ where: { id: c.activityTypeId } });
    const rules = parseActivityRules(at.rules);
    const day = opts.activityStart ?? '2026-09-01';
    await doc('INVOICE', 'Venue hire', {
      vendor: 'Hotel Seattle',
      // A fresh number per claim: the same invoice on two claims is a duplicate.
      invoiceNumber: `INV-${number}`,
      invoiceDate: day,
      amountMinor: opts.amountMinor ?? 100_000,
      ...Object.fromEntries(rules.invoiceFacts.map((f) => [f, f === 'completionDate' ? day : 'AZ-900'])),
    });
    await doc('PROOF', 'Agenda and photos of the seminar', { items: rules.proofItems.length ? rules.proofItems : ['AGENDA', 'PHOTO'] });
    for (const m of at.requiredMetrics) await doc('METRIC', '', { name: m, value: '120' });
  }
  return { id: c.id, number: c.number, version: c.version };
}

/** The current-period allocation of a demo program at a location (Seattle by default). */
export async function allocationFor(w: World, programCode: string, partnerId = '4871234'): Promise<World['allocation']> {
  const a = await w.db.fundAllocation.findFirstOrThrow({
    where: { program: { code: programCode }, location: { partnerId } },
    orderBy: { usageStart: 'desc' },
  });
  return { id: a.id, locationId: a.locationId, programId: a.programId, period: a.period, currency: a.currency, earnedMinor: a.earnedMinor };
}
