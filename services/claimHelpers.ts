import { z } from 'zod';
import type { Claim } from '../prisma/generated/client';
import { ClaimStatus } from '../prisma/generated/enums';
import { Prisma, type Tx } from './db/client';
import { conflict, notFound } from './errors';
import { utcTimestamp } from './periods';

/** A claim's whole row as JSON, as a scalar subquery (idempotency.ts onceReading reads it with the key). */
export const claimRowJson = (claimId: string) => Prisma.sql`(SELECT row_to_json(c) FROM "Claim" c WHERE c.id = ${claimId})`;

// A DATE column comes as "2026-07-01": UTC midnight, as Prisma reads it.
export const day = z.string().transform((s) => new Date(`${s.slice(0, 10)}T00:00:00.000Z`));
const at = utcTimestamp.nullable();
/** A claim's row as row_to_json gives it, parsed into what Prisma returns (also services/claimView.ts). */
export const claimRow = z.object({
  id: z.string(),
  number: z.string(),
  organisationId: z.string(),
  locationId: z.string(),
  programId: z.string(),
  fundAllocationId: z.string(),
  activityTypeId: z.string(),
  ownerId: z.string(),
  name: z.string(),
  description: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  activityStart: day,
  activityEnd: day,
  surfaceSubItem: z.string().nullable(),
  preApprovalId: z.string().nullable(),
  estimatedReach: z.number().int().nullable(),
  status: z.enum(Object.values(ClaimStatus) as [ClaimStatus, ...ClaimStatus[]]),
  version: z.number().int(),
  approvedMinor: z.number().int().nullable(),
  submittedAt: at,
  reviewStartedAt: at,
  reviewerId: z.string().nullable(),
  reviewRemindedAt: at,
  reviewEscalatedAt: at,
  decidedAt: at,
  disputedAt: at,
  expiryWarnedAt: at,
  createdAt: utcTimestamp,
  updatedAt: utcTimestamp,
});

/** The claim from claimRowJson's value; not found when there is none. */
export function claimFromRow(value: unknown, claimId: string): Claim {
  if (value === null || value === undefined) throw notFound('claim', claimId);
  return claimRow.parse(value) satisfies Claim;
}

/**
 * Bumps the claim's version only if it still has the version the card was rendered with. Two
 * concurrent writers: the second blocks on the row, then matches nothing and gets `stale_version`.
 */
export async function bumpVersion(
  tx: Tx,
  claimId: string,
  expectedVersion: number,
  data: Partial<
    Pick<
      Claim,
      | 'status'
      | 'approvedMinor'
      | 'submittedAt'
      | 'reviewStartedAt'
      | 'reviewerId'
      | 'decidedAt'
      | 'disputedAt'
      | 'expiryWarnedAt'
      | 'name'
      | 'description'
      | 'amountMinor'
      | 'activityStart'
      | 'activityEnd'
      | 'preApprovalId'
      | 'estimatedReach'
      | 'surfaceSubItem'
    >
  > = {},
): Promise<number> {
  const r = await tx.claim.updateMany({ where: { id: claimId, version: expectedVersion }, data: { ...data, version: { increment: 1 } } });
  if (r.count === 0) return staleVersion(tx, claimId, expectedVersion);
  return expectedVersion + 1;
}

/**
 * bumpVersion inside a command's one write statement (documents.ts partnerEdit): `cte` goes first in
 * its WITH list, and every other write in it is gated on `ifBumped`. The gate is an uncorrelated
 * EXISTS, which PostgreSQL plans as an InitPlan under a one-time filter: evaluated before the gated
 * write reads or locks a row, and evaluating it runs the bump. So the claim's row lock is still
 * taken first and concurrent writers queue on it (never a deadlock); a writer that waited and then
 * matched nothing (a stale version) writes nothing, and the statement says so (`bumped` is 0:
 * throw staleVersion).
 */
export function versionBump(claimId: string, expectedVersion: number): { cte: Prisma.Sql; ifBumped: Prisma.Sql } {
  // "updatedAt" is what Prisma's @updatedAt sets: the client's clock at the time of the write.
  return {
    cte: Prisma.sql`bumped AS (
      UPDATE "Claim" SET version = version + 1, "updatedAt" = ${new Date().toISOString()}::timestamp(3)
      WHERE id = ${claimId} AND version = ${expectedVersion}
      RETURNING version
    ),`,
    ifBumped: Prisma.sql`EXISTS (SELECT 1 FROM bumped)`,
  };
}

/**
 * The answer to a bump that matched nothing: the claim's version now, in a new statement (it sees
 * the commit of the writer this one waited for), or not found.
 */
export async function staleVersion(tx: Tx, claimId: string, expectedVersion: number): Promise<never> {
  const current = await tx.claim.findUnique({ where: { id: claimId }, select: { version: true } });
  if (!current) throw notFound('claim', claimId);
  throw conflict('stale_version', 'This claim changed since the card was shown', { expected: expectedVersion, current: current.version });
}

export async function loadClaim(tx: Tx, claimId: string): Promise<Claim> {
  const c = await tx.claim.findUnique({ where: { id: claimId } });
  if (!c) throw notFound('claim', claimId);
  return c;
}
