import { z } from 'zod';
import { ClaimStatus, DocumentKind, ReviewState } from '../prisma/generated/enums';
import { claimRow, day } from './claimHelpers';
import { Prisma, type Db, type Tx } from './db/client';
import { type InvoiceOnRecord, toInvoiceOnRecord } from './evidence';
import { COUNTS_AS_CLAIMED } from './lifecycle';
import { utcTimestamp } from './periods';

/**
 * The claim card's whole view in one statement (docs/performance.md, phase 3): the claim with the
 * rows the card shows (as json_build_object / json_agg, in the order and with the values Prisma's
 * relational query gave), and the facts the card needs beyond them: the sums the checklist holds the
 * claim against (remaining co-op on the allocation, the activity's use of it), the invoices elsewhere
 * sharing this claim's invoice numbers, the people whose card refreshes to their own view, the facts
 * about the viewer that decide what they may do, and the conversations holding the claim's card.
 * Each fact is the same SQL as its stand-alone query (funds.ts allocationSums, evidence.ts
 * invoicesSharingNumbers, authz.ts claimWorkers, bot/handlers/common.ts refreshUsersForClaim).
 */
export type ClaimFacts = {
  /** Claimed on the allocation by other claims (approved ones at their approved amount). */
  allocationClaimedMinor: number;
  /** What other claims of the same activity code (any catalogue revision) hold on the allocation. */
  activityUsedMinor: number;
  invoicesOnRecord: InvoiceOnRecord[];
  /**
   * The invoice-number keys `invoicesOnRecord` was matched on, as PostgreSQL computed them from this
   * claim's invoices (claims.ts checks them against evidence.ts invoiceNumberKey).
   */
  invoiceKeys: string[];
  /** Entra object ids of the owner, contributors, askees and up to 30 reviewers (at most 60). */
  participantAadIds: string[];
  /** The viewer worked on the claim (authz.ts workedOnClaim). */
  viewerWorked: boolean;
  /** Statuses of upload requests to the viewer on this claim. */
  viewerRequestStatuses: string[];
  /** Conversations holding a posted claim card (view 'detail') of this claim: the ones a change updates. */
  detailCardConversationIds: string[];
};

const enumOf = <T extends string>(o: Record<string, T>) => z.enum(Object.values(o) as [T, ...T[]]);
const at = utcTimestamp;
const sum = z.union([z.number(), z.string()]).transform(Number);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);
// What a JSON column holds, as Prisma types it: it came out of JSON.parse, so it is JSON.
const json = z.custom<Prisma.JsonValue>(() => true);
const named = z.object({ id: z.string(), displayName: z.string() });

const viewRow = z.object({
  claim: claimRow,
  program: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  location: z.object({ id: z.string(), name: z.string(), partnerId: z.string() }),
  allocation: z.object({
    period: z.string(),
    usageStart: day,
    usageEnd: day,
    claimingDeadline: day,
    earnedMinor: z.number().int(),
    currency: z.string(),
  }),
  activityType: z.object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    nameKo: z.string(),
    proofGuidance: z.string(),
    requiredMetrics: z.array(z.string()),
    requiresPreApproval: z.boolean(),
    rules: json,
  }),
  owner: named,
  reviewer: named.nullable(),
  documents: list(
    z.object({
      id: z.string(),
      kind: enumOf(DocumentKind),
      details: z.string(),
      fields: json,
      fileKey: z.string().nullable(),
      fileName: z.string().nullable(),
      contentType: z.string().nullable(),
      fileSize: z.number().int().nullable(),
      url: z.string().nullable(),
      uploaderName: z.string(),
      createdAt: at,
      reviewState: enumOf(ReviewState),
      reviewComment: z.string().nullable(),
    }),
  ),
  feedback: list(
    z.object({
      id: z.string(),
      text: z.string(),
      reviewerName: z.string(),
      documentId: z.string().nullable(),
      resolvedAt: at.nullable(),
      createdAt: at,
    }),
  ),
  comments: list(z.object({ id: z.string(), text: z.string(), authorName: z.string(), createdAt: at })),
  commentCount: z.number().int(),
  uploadRequests: list(
    z.object({
      id: z.string(),
      assigneeId: z.string(),
      assigneeName: z.string(),
      kind: enumOf(DocumentKind),
      message: z.string(),
      dueAt: at,
    }),
  ),
  decisions: list(z.object({ type: z.string(), data: json, createdAt: at, actorName: z.string().nullable() })),
  allocationClaimedMinor: sum,
  activityUsedMinor: sum,
  invoiceKeys: z.array(z.string()),
  invoices: list(
    z.object({
      documentId: z.string(),
      claimId: z.string(),
      claimNumber: z.string(),
      claimStatus: enumOf(ClaimStatus),
      submittedAt: at.nullable(),
      createdAt: at,
      vendor: z.string().nullable(),
      invoiceNumber: z.string().nullable(),
    }),
  ),
  participants: z.array(z.string()),
  viewerWorked: z.boolean(),
  viewerRequests: z.array(z.string()),
  detailCards: z.array(z.string()),
});

export type ClaimView = Omit<
  z.infer<typeof viewRow>,
  | 'allocationClaimedMinor'
  | 'activityUsedMinor'
  | 'invoiceKeys'
  | 'invoices'
  | 'participants'
  | 'viewerWorked'
  | 'viewerRequests'
  | 'detailCards'
> & { facts: ClaimFacts };

/**
 * The facts about viewer `viewerId` that decide what they may do on claim `c` (claims.ts viewerFrom):
 * whether they worked on it (authz.ts workedOnClaim) and their upload requests' statuses. Columns
 * "viewerWorked" and "viewerRequests" of a statement over the claim's row as `c` (also history.ts).
 */
export const viewerFactsSql = (viewerId: string) =>
  Prisma.sql`(c."ownerId" = ${viewerId}
        OR EXISTS (SELECT 1 FROM "Document" WHERE "claimId" = c.id AND "uploaderId" = ${viewerId})
        OR EXISTS (SELECT 1 FROM "UploadRequest" WHERE "claimId" = c.id AND "assigneeId" = ${viewerId})
        OR EXISTS (SELECT 1 FROM "HistoryEvent" WHERE "claimId" = c.id AND "actorId" = ${viewerId}
                     AND "actorKind" = 'USER' AND type <> 'comment_added')) AS "viewerWorked",
      ARRAY(SELECT status::text FROM "UploadRequest" WHERE "claimId" = c.id AND "assigneeId" = ${viewerId}) AS "viewerRequests"`;

/**
 * The claim card's view of claim `claimId` for viewer `viewerId`, or null when there is no such
 * claim. Authorisation is the caller's (claims.ts getClaimDetail), on what this returns.
 *
 * Each list keeps the ORDER BY of the relational query it replaces and no other (ties come in the
 * order PostgreSQL scans them, as they did), and each related person's name is a correlated
 * subquery rather than a join, so no join reorders a list's rows before it is aggregated.
 */
export async function loadClaimView(
  db: Db | Tx,
  claimId: string,
  viewerId: string,
  decisionTypes: readonly string[],
): Promise<ClaimView | null> {
  const counts = [...COUNTS_AS_CLAIMED] as string[];
  const rows = await db.$queryRaw<unknown[]>`
    WITH c AS (SELECT * FROM "Claim" WHERE id = ${claimId}),
    docs AS (
      SELECT d.id, d.kind, d.details, d.fields, d."fileKey", d."fileName", d."contentType", d."fileSize", d.url,
             (SELECT u."displayName" FROM "User" u WHERE u.id = d."uploaderId") AS "uploaderName",
             d."createdAt", d."reviewState", d."reviewComment"
        FROM "Document" d WHERE d."claimId" = ${claimId} AND d."removedAt" IS NULL
    ),
    -- evidence.ts invoiceNumberKey in SQL, over this claim's invoices (claims.ts compares them with its own).
    keys AS (
      SELECT DISTINCT k FROM (
        SELECT regexp_replace(upper(fields->>'invoiceNumber'), '[^A-Z0-9]', '', 'g') AS k FROM docs WHERE kind = 'INVOICE'
      ) x WHERE k <> ''
    )
    SELECT
      row_to_json(c) AS claim,
      (SELECT json_build_object('id', p.id, 'code', p.code, 'name', p.name) FROM "Program" p WHERE p.id = c."programId") AS program,
      (SELECT json_build_object('id', l.id, 'name', l.name, 'partnerId', l."partnerId") FROM "Location" l WHERE l.id = c."locationId")
        AS location,
      (SELECT json_build_object('period', a.period, 'usageStart', a."usageStart", 'usageEnd', a."usageEnd",
                'claimingDeadline', a."claimingDeadline", 'earnedMinor', a."earnedMinor", 'currency', a.currency)
         FROM "FundAllocation" a WHERE a.id = c."fundAllocationId") AS allocation,
      (SELECT json_build_object('id', t.id, 'code', t.code, 'name', t.name, 'nameKo', t."nameKo", 'proofGuidance', t."proofGuidance",
                'requiredMetrics', t."requiredMetrics", 'requiresPreApproval', t."requiresPreApproval", 'rules', t.rules)
         FROM "ActivityType" t WHERE t.id = c."activityTypeId") AS "activityType",
      (SELECT json_build_object('id', u.id, 'displayName', u."displayName") FROM "User" u WHERE u.id = c."ownerId") AS owner,
      (SELECT json_build_object('id', u.id, 'displayName', u."displayName") FROM "User" u WHERE u.id = c."reviewerId") AS reviewer,
      (SELECT json_agg(d ORDER BY d."createdAt") FROM docs d) AS documents,
      (SELECT json_agg(json_build_object('id', f.id, 'text', f.text,
                'reviewerName', (SELECT u."displayName" FROM "User" u WHERE u.id = f."reviewerId"),
                'documentId', f."documentId", 'resolvedAt', f."resolvedAt", 'createdAt', f."createdAt") ORDER BY f."createdAt")
         FROM "Feedback" f WHERE f."claimId" = c.id) AS feedback,
      (SELECT json_agg(json_build_object('id', m.id, 'text', m.text,
                'authorName', (SELECT u."displayName" FROM "User" u WHERE u.id = m."authorId"), 'createdAt', m."createdAt")
                ORDER BY m."createdAt" DESC)
         FROM (SELECT * FROM "Comment" WHERE "claimId" = c.id ORDER BY "createdAt" DESC LIMIT 5) m) AS comments,
      (SELECT count(*) FROM "Comment" WHERE "claimId" = c.id)::int AS "commentCount",
      (SELECT json_agg(json_build_object('id', r.id, 'assigneeId', r."assigneeId",
                'assigneeName', (SELECT u."displayName" FROM "User" u WHERE u.id = r."assigneeId"),
                'kind', r.kind, 'message', r.message, 'dueAt', r."dueAt") ORDER BY r."dueAt")
         FROM "UploadRequest" r WHERE r."claimId" = c.id AND r.status = 'OPEN') AS "uploadRequests",
      (SELECT json_agg(json_build_object('type', h.type, 'data', h.data, 'createdAt', h."createdAt",
                'actorName', (SELECT u."displayName" FROM "User" u WHERE u.id = h."actorId")) ORDER BY h.id DESC)
         FROM (SELECT * FROM "HistoryEvent" WHERE "claimId" = c.id AND type = ANY(${[...decisionTypes]}::text[]) ORDER BY id DESC LIMIT 2) h)
        AS decisions,
      (SELECT COALESCE(SUM(CASE WHEN o.status = 'APPROVED' THEN COALESCE(o."approvedMinor", 0) ELSE o."amountMinor" END), 0)::float8
         FROM "Claim" o
        WHERE o."fundAllocationId" = c."fundAllocationId" AND o.status::text = ANY(${counts}::text[]) AND o.id <> c.id)
        AS "allocationClaimedMinor",
      (SELECT COALESCE(SUM(CASE WHEN o.status = 'APPROVED' THEN COALESCE(o."approvedMinor", 0) ELSE o."amountMinor" END), 0)::float8
         FROM "Claim" o JOIN "ActivityType" t ON t.id = o."activityTypeId"
        WHERE o."fundAllocationId" = c."fundAllocationId" AND o.status::text = ANY(${counts}::text[]) AND o.id <> c.id
          AND t.code = (SELECT code FROM "ActivityType" WHERE id = c."activityTypeId"))
        AS "activityUsedMinor",
      ARRAY(SELECT k FROM keys) AS "invoiceKeys",
      (SELECT json_agg(json_build_object(
                'documentId', d.id, 'claimId', o.id, 'claimNumber', o.number, 'claimStatus', o.status::text,
                'submittedAt', o."submittedAt", 'createdAt', d."createdAt",
                'vendor', d.fields->>'vendor', 'invoiceNumber', d.fields->>'invoiceNumber'))
         FROM "Document" d
         JOIN "Claim" o ON o.id = d."claimId"
         JOIN "FundAllocation" a ON a.id = o."fundAllocationId"
        WHERE EXISTS (SELECT 1 FROM keys) AND d.kind = 'INVOICE' AND d."removedAt" IS NULL
          AND o."organisationId" = c."organisationId" AND a.period = (SELECT period FROM "FundAllocation" WHERE id = c."fundAllocationId")
          AND regexp_replace(upper(d.fields->>'invoiceNumber'), '[^A-Z0-9]', '', 'g') = ANY(ARRAY(SELECT k FROM keys)))
        AS invoices,
      ARRAY(
        SELECT DISTINCT u."aadObjectId" FROM "User" u
        WHERE u.id IN (
          SELECT c."ownerId"
          UNION SELECT "uploaderId" FROM "Document" WHERE "claimId" = c.id
          UNION SELECT "authorId" FROM "Comment" WHERE "claimId" = c.id
          UNION SELECT "assigneeId" FROM "UploadRequest" WHERE "claimId" = c.id
          UNION (SELECT ra."userId" FROM "RoleAssignment" ra
                 JOIN "User" r ON r.id = ra."userId" JOIN "Organisation" o ON o.id = r."organisationId"
                 WHERE ra.role = 'REVIEWER'
                   AND (o."reviewScope" = 'ALL' OR (o."reviewScope" = 'OWN' AND o.id = c."organisationId"))
                 LIMIT 30)
        )
        LIMIT 60) AS participants,
      ${viewerFactsSql(viewerId)},
      ARRAY(SELECT DISTINCT "conversationId" FROM "ClaimCard" WHERE "claimId" = c.id AND view = 'detail') AS "detailCards"
    FROM c`;
  if (rows.length === 0) return null;
  const {
    allocationClaimedMinor,
    activityUsedMinor,
    invoiceKeys,
    invoices,
    participants,
    viewerWorked,
    viewerRequests,
    detailCards,
    ...view
  } = viewRow.parse(rows[0]);
  return {
    ...view,
    facts: {
      allocationClaimedMinor,
      activityUsedMinor,
      invoicesOnRecord: invoices.map(toInvoiceOnRecord),
      invoiceKeys,
      participantAadIds: participants,
      viewerWorked,
      viewerRequestStatuses: viewerRequests,
      detailCardConversationIds: detailCards,
    },
  };
}
