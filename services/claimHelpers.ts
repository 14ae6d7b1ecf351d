import type { Claim } from '../prisma/generated/client';
import type { Tx } from './db/client';
import { conflict, notFound } from './errors';

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
  if (r.count === 0) {
    const current = await tx.claim.findUnique({ where: { id: claimId }, select: { version: true } });
    if (!current) throw notFound('claim', claimId);
    throw conflict('stale_version', 'This claim changed since the card was shown', { expected: expectedVersion, current: current.version });
  }
  return expectedVersion + 1;
}

export async function loadClaim(tx: Tx, claimId: string): Promise<Claim> {
  const c = await tx.claim.findUnique({ where: { id: claimId } });
  if (!c) throw notFound('claim', claimId);
  return c;
}
