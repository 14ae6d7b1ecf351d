import { z } from 'zod';
import { ClaimStatus } from '../prisma/generated/enums';
import type { Db, Tx } from './db/client';
import { invoiceNumberKey, toInvoiceOnRecord, type InvoiceOnRecord } from './evidence';
import { COUNTS_AS_CLAIMED } from './lifecycle';
import { utcTimestamp } from './periods';

/**
 * What the claim card needs beyond the claim and its own rows, in one statement (docs/performance.md):
 * the sums the checklist holds the claim against (remaining co-op on the allocation, the activity's
 * use of it), the invoices elsewhere sharing this claim's invoice numbers, the people whose card
 * refreshes to their own view, and the facts about the viewer that decide what they may do.
 * Each part is the same SQL as its stand-alone query (funds.ts allocationSums, evidence.ts
 * invoicesSharingNumbers, authz.ts claimWorkers, bot/handlers/common.ts refreshUsersForClaim).
 */
export type ClaimFacts = {
  /** Claimed on the allocation by other claims (approved ones at their approved amount). */
  allocationClaimedMinor: number;
  /** What other claims of the same activity code (any catalogue revision) hold on the allocation. */
  activityUsedMinor: number;
  invoicesOnRecord: InvoiceOnRecord[];
  /** Entra object ids of the owner, contributors, askees and up to 30 reviewers (at most 60). */
  participantAadIds: string[];
  /** The viewer worked on the claim (authz.ts workedOnClaim). */
  viewerWorked: boolean;
  /** Statuses of upload requests to the viewer on this claim. */
  viewerRequestStatuses: string[];
  /** Conversations holding a posted claim card (view 'detail') of this claim: the ones a change updates. */
  detailCardConversationIds: string[];
};

const sum = z.union([z.number(), z.string()]).transform(Number);
const row = z.object({
  allocationClaimedMinor: sum,
  activityUsedMinor: sum,
  invoices: z
    .array(
      z.object({
        documentId: z.string(),
        claimId: z.string(),
        claimNumber: z.string(),
        claimStatus: z.enum(Object.values(ClaimStatus) as [ClaimStatus, ...ClaimStatus[]]),
        submittedAt: utcTimestamp.nullable(),
        createdAt: utcTimestamp,
        vendor: z.string().nullable(),
        invoiceNumber: z.string().nullable(),
      }),
    )
    .nullable(),
  participants: z.array(z.string()).nullable(),
  viewerWorked: z.boolean(),
  viewerRequests: z.array(z.string()).nullable(),
  detailCards: z.array(z.string()).nullable(),
});

type FactsClaim = { id: string; fundAllocationId: string; activityTypeId: string; organisationId: string; ownerId: string };

export async function loadClaimFacts(
  db: Db | Tx,
  claim: FactsClaim,
  scope: { period: string; invoiceNumbers: string[]; viewerId: string },
): Promise<ClaimFacts> {
  const keys = [...new Set(scope.invoiceNumbers.map(invoiceNumberKey).filter(Boolean))];
  const counts = [...COUNTS_AS_CLAIMED] as string[];
  const rows = await db.$queryRaw<unknown[]>`
    SELECT
      (SELECT COALESCE(SUM(CASE WHEN o.status = 'APPROVED' THEN COALESCE(o."approvedMinor", 0) ELSE o."amountMinor" END), 0)::float8
         FROM "Claim" o
        WHERE o."fundAllocationId" = ${claim.fundAllocationId} AND o.status::text = ANY(${counts}::text[]) AND o.id <> ${claim.id})
        AS "allocationClaimedMinor",
      (SELECT COALESCE(SUM(CASE WHEN o.status = 'APPROVED' THEN COALESCE(o."approvedMinor", 0) ELSE o."amountMinor" END), 0)::float8
         FROM "Claim" o JOIN "ActivityType" t ON t.id = o."activityTypeId"
        WHERE o."fundAllocationId" = ${claim.fundAllocationId} AND o.status::text = ANY(${counts}::text[]) AND o.id <> ${claim.id}
          AND t.code = (SELECT code FROM "ActivityType" WHERE id = ${claim.activityTypeId}))
        AS "activityUsedMinor",
      (SELECT json_agg(json_build_object(
                'documentId', d.id, 'claimId', c.id, 'claimNumber', c.number, 'claimStatus', c.status::text,
                'submittedAt', c."submittedAt", 'createdAt', d."createdAt",
                'vendor', d.fields->>'vendor', 'invoiceNumber', d.fields->>'invoiceNumber'))
         FROM "Document" d
         JOIN "Claim" c ON c.id = d."claimId"
         JOIN "FundAllocation" a ON a.id = c."fundAllocationId"
        WHERE cardinality(${keys}::text[]) > 0 AND d.kind = 'INVOICE' AND d."removedAt" IS NULL
          AND c."organisationId" = ${claim.organisationId} AND a.period = ${scope.period}
          AND regexp_replace(upper(d.fields->>'invoiceNumber'), '[^A-Z0-9]', '', 'g') = ANY(${keys}::text[]))
        AS invoices,
      ARRAY(
        SELECT DISTINCT u."aadObjectId" FROM "User" u
        WHERE u.id IN (
          SELECT ${claim.ownerId}
          UNION SELECT "uploaderId" FROM "Document" WHERE "claimId" = ${claim.id}
          UNION SELECT "authorId" FROM "Comment" WHERE "claimId" = ${claim.id}
          UNION SELECT "assigneeId" FROM "UploadRequest" WHERE "claimId" = ${claim.id}
          UNION (SELECT ra."userId" FROM "RoleAssignment" ra
                 JOIN "User" r ON r.id = ra."userId" JOIN "Organisation" o ON o.id = r."organisationId"
                 WHERE ra.role = 'REVIEWER'
                   AND (o."reviewScope" = 'ALL' OR (o."reviewScope" = 'OWN' AND o.id = ${claim.organisationId}))
                 LIMIT 30)
        )
        LIMIT 60) AS participants,
      (${claim.ownerId} = ${scope.viewerId}
        OR EXISTS (SELECT 1 FROM "Document" WHERE "claimId" = ${claim.id} AND "uploaderId" = ${scope.viewerId})
        OR EXISTS (SELECT 1 FROM "UploadRequest" WHERE "claimId" = ${claim.id} AND "assigneeId" = ${scope.viewerId})
        OR EXISTS (SELECT 1 FROM "HistoryEvent" WHERE "claimId" = ${claim.id} AND "actorId" = ${scope.viewerId}
                     AND "actorKind" = 'USER' AND type <> 'comment_added')) AS "viewerWorked",
      ARRAY(SELECT status::text FROM "UploadRequest" WHERE "claimId" = ${claim.id} AND "assigneeId" = ${scope.viewerId})
        AS "viewerRequests",
      ARRAY(SELECT DISTINCT "conversationId" FROM "ClaimCard" WHERE "claimId" = ${claim.id} AND view = 'detail') AS "detailCards"`;
  const r = row.parse(rows[0]);
  return {
    allocationClaimedMinor: r.allocationClaimedMinor,
    activityUsedMinor: r.activityUsedMinor,
    invoicesOnRecord: (r.invoices ?? []).map(toInvoiceOnRecord),
    participantAadIds: r.participants ?? [],
    viewerWorked: r.viewerWorked,
    viewerRequestStatuses: r.viewerRequests ?? [],
    detailCardConversationIds: r.detailCards ?? [],
  };
}
