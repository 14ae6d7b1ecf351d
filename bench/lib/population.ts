import { DEMO_TENANT_ID, seedDemo } from '../../prisma/seed';
import type { Db } from '../../services/db/client';

/** A simulated Teams user with their own 1:1 conversation and a draft claim to work on. */
export type SimUser = {
  aadObjectId: string;
  name: string;
  userId: string;
  claimId: string;
  number: string;
  version: number;
  otherNumbers: string[];
};

const STATUSES = ['SUBMITTED', 'APPROVED', 'REJECTED', 'IN_REVIEW'] as const;

/**
 * The demo seed plus `count` INCENTIVES_USER users in the demo organisation, each owning one
 * EDITING claim (the card actions' target) and a few claims in other statuses (a realistic overview).
 */
export async function populateDemo(db: Db, count: number): Promise<SimUser[]> {
  const now = new Date();
  await seedDemo(db, now);
  const org = await db.organisation.findUniqueOrThrow({ where: { tenantId: DEMO_TENANT_ID } });
  const seattle = await db.location.findUniqueOrThrow({ where: { partnerId: '4871234' } });
  const csp = await db.program.findUniqueOrThrow({ where: { code: 'CSP_INDIRECT_RESELLER' } });
  const alloc = await db.fundAllocation.findFirstOrThrow({
    where: { locationId: seattle.id, programId: csp.id },
    orderBy: { usageStart: 'desc' },
  });
  const seminar = await db.activityType.findFirstOrThrow({ where: { code: 'SEMINAR', retiredAt: null } });
  const users: SimUser[] = [];
  for (let i = 0; i < count; i++) {
    const aadObjectId = `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const name = `Bench User ${i}`;
    const u = await db.user.create({
      data: {
        organisationId: org.id,
        tenantId: DEMO_TENANT_ID,
        aadObjectId,
        displayName: name,
        email: `bench${i}@example.com`,
        roles: { create: [{ role: 'INCENTIVES_USER' }] },
      },
    });
    const claim = (n: number, status: (typeof STATUSES)[number] | 'EDITING') =>
      db.claim.create({
        data: {
          number: `CLM-2026-B${String(i).padStart(3, '0')}${n}`,
          organisationId: org.id,
          locationId: seattle.id,
          programId: csp.id,
          fundAllocationId: alloc.id,
          activityTypeId: seminar.id,
          ownerId: u.id,
          name: `Bench seminar ${i}.${n}`,
          amountMinor: 10_000 + i,
          currency: alloc.currency,
          activityStart: alloc.usageStart,
          activityEnd: alloc.usageStart,
          status,
          submittedAt: status === 'EDITING' ? null : now,
          approvedMinor: status === 'APPROVED' ? 10_000 : null,
        },
      });
    const draft = await claim(0, 'EDITING');
    await db.document.createMany({
      data: [
        {
          claimId: draft.id,
          kind: 'INVOICE',
          details: 'Venue hire',
          fields: { vendor: 'Hotel Seattle', invoiceNumber: `INV-${i}`, invoiceDate: '2026-09-03', amountMinor: 10_000 },
          uploaderId: u.id,
          fileName: 'invoice.pdf',
          fileKey: 'sha256-bench',
          contentType: 'application/pdf',
          fileSize: 1000,
        },
        {
          claimId: draft.id,
          kind: 'PROOF',
          details: 'Agenda and photos',
          fields: {},
          uploaderId: u.id,
          fileName: 'proof.pdf',
          fileKey: 'sha256-bench',
          contentType: 'application/pdf',
          fileSize: 1000,
        },
      ],
    });
    await db.historyEvent.create({
      data: {
        claimId: draft.id,
        actorId: u.id,
        actorKind: 'USER',
        type: 'claim_created',
        summary: 'Claim created',
        statusAfter: 'EDITING',
      },
    });
    const others: string[] = [];
    for (let n = 1; n <= STATUSES.length; n++) others.push((await claim(n, STATUSES[n - 1]!)).number);
    users.push({ aadObjectId, name, userId: u.id, claimId: draft.id, number: draft.number, version: draft.version, otherNumbers: others });
  }
  return users;
}

/**
 * `count` more EDITING claims for `owner`, each complete enough to submit (invoice, proof with
 * notes, the seminar's required metric) and small enough to stay within the allocation: the
 * lifecycle turns of bench:diagnose (submit, start review, approve) each take a claim of their own.
 */
export async function populateSubmittable(db: Db, owner: SimUser, count: number): Promise<SimUser[]> {
  const draft = await db.claim.findUniqueOrThrow({ where: { id: owner.claimId } });
  const out: SimUser[] = [];
  for (let n = 0; n < count; n++) {
    const c = await db.claim.create({
      data: {
        number: `CLM-2026-L${String(n).padStart(4, '0')}`,
        organisationId: draft.organisationId,
        locationId: draft.locationId,
        programId: draft.programId,
        fundAllocationId: draft.fundAllocationId,
        activityTypeId: draft.activityTypeId,
        ownerId: draft.ownerId,
        name: `Lifecycle seminar ${n}`,
        amountMinor: 100,
        currency: draft.currency,
        activityStart: draft.activityStart,
        activityEnd: draft.activityEnd,
        status: 'EDITING',
      },
    });
    const file = {
      uploaderId: draft.ownerId,
      fileName: 'file.pdf',
      fileKey: 'sha256-bench',
      contentType: 'application/pdf',
      fileSize: 1000,
    };
    await db.document.createMany({
      data: [
        {
          claimId: c.id,
          kind: 'INVOICE',
          details: 'Venue hire',
          fields: { vendor: 'Hotel Seattle', invoiceNumber: `INV-L${n}`, invoiceDate: '2026-09-03', amountMinor: 100 },
          ...file,
        },
        { claimId: c.id, kind: 'PROOF', details: 'Agenda and photos', fields: {}, ...file },
        { claimId: c.id, kind: 'METRIC', details: '', fields: { name: 'Registered guests', value: '40' }, uploaderId: draft.ownerId },
      ],
    });
    out.push({ ...owner, claimId: c.id, number: c.number, version: c.version, otherNumbers: [] });
  }
  return out;
}
