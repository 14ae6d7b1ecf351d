import { z } from 'zod';
import type { ActorKind, ClaimStatus } from '../prisma/generated/client';
import { ActorKind as ActorKinds, ClaimStatus as ClaimStatuses } from '../prisma/generated/enums';
import { claimRow } from './claimHelpers';
import { viewerFactsSql } from './claimView';
import { Prisma, type Tx, type Db } from './db/client';
import { utcTimestamp } from './periods';

/** History event types (domain.md §6). The summary is English for logs; cards render from type + data per locale. */
export type HistoryType =
  | 'claim_created'
  | 'claim_updated'
  | 'claim_cancelled'
  | 'document_added'
  | 'document_removed'
  | 'document_replaced'
  | 'metric_added'
  | 'csr_generated'
  | 'additional_info_added'
  | 'comment_added'
  | 'upload_requested'
  | 'upload_fulfilled'
  | 'upload_declined'
  | 'upload_cancelled'
  | 'submitted'
  | 'resubmitted'
  | 'review_started'
  | 'review_assigned'
  | 'review_reminder_sent'
  | 'review_escalated'
  | 'document_accepted'
  | 'feedback_given'
  | 'information_requested'
  | 'approved'
  | 'rejected'
  | 'disputed'
  | 'expiry_warning_sent'
  | 'expired'
  | 'claim_exported';

export type HistoryInput = {
  claimId: string;
  actorId: string | null;
  actorKind: ActorKind;
  type: HistoryType;
  summary: string;
  data?: Prisma.InputJsonValue;
  statusBefore?: ClaimStatus;
  statusAfter?: ClaimStatus;
  documentId?: string;
  feedbackId?: string;
  at: Date;
};

/** A timestamp parameter for raw SQL: UTC clock time into a TIMESTAMP(3) column, whatever the session's time zone. */
export const sqlTimestamp = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp(3)`;

/**
 * recordHistory's INSERT as SQL, for a command that writes its change and its history row in one
 * data-modifying statement (e.g. documents.ts addComment, addMetric). `when`: a condition the row is
 * written under (partnerEdit's `ifBumped`).
 */
export function historyInsert(e: HistoryInput, when?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`INSERT INTO "HistoryEvent"
      ("claimId", "actorId", "actorKind", type, summary, data, "statusBefore", "statusAfter", "documentId", "feedbackId", "createdAt")
    SELECT ${e.claimId}, ${e.actorId}, ${e.actorKind}::"ActorKind", ${e.type}, ${e.summary}, ${JSON.stringify(e.data ?? {})}::jsonb,
      ${e.statusBefore ?? null}::"ClaimStatus", ${e.statusAfter ?? null}::"ClaimStatus", ${e.documentId ?? null}, ${e.feedbackId ?? null},
      ${sqlTimestamp(e.at)}
    ${when ? Prisma.sql`WHERE ${when}` : Prisma.empty}`;
}

/** Appends one event. History is append-only: nothing in the code updates or deletes these rows. */
export async function recordHistory(tx: Tx, e: HistoryInput): Promise<void> {
  await tx.historyEvent.create({
    data: {
      claimId: e.claimId,
      actorId: e.actorId,
      actorKind: e.actorKind,
      type: e.type,
      summary: e.summary,
      data: e.data ?? {},
      statusBefore: e.statusBefore,
      statusAfter: e.statusAfter,
      documentId: e.documentId,
      feedbackId: e.feedbackId,
      createdAt: e.at,
    },
  });
}

export type HistoryPage = {
  items: Array<{
    id: string;
    type: string;
    summary: string;
    actorName: string | null;
    actorKind: ActorKind;
    data: unknown;
    statusBefore: ClaimStatus | null;
    statusAfter: ClaimStatus | null;
    documentId: string | null;
    feedbackId: string | null;
    at: Date;
  }>;
  /** Pass back as `before` to read the next (older) page; null at the end. */
  nextCursor: string | null;
};

/** One page of a claim's history, newest first. Authorisation is the caller's (claims.ts `getHistory`). */
export async function readHistoryPage(db: Db | Tx, claimId: string, pageSize: number, before?: string): Promise<HistoryPage> {
  const rows = await db.historyEvent.findMany(historyPageQuery(claimId, pageSize, before));
  return historyPageOf(rows, pageSize);
}

/** The page's rows (pageSize + 1 tell whether an older page exists), also as a relation of the claim (claims.ts getHistory). */
export const historyPageQuery = (claimId: string | undefined, pageSize: number, before?: string) =>
  ({
    where: { ...(claimId ? { claimId } : {}), ...(before ? { id: { lt: BigInt(before) } } : {}) },
    orderBy: { id: 'desc' },
    take: pageSize + 1,
    include: { actor: { select: { displayName: true } } },
  }) satisfies Prisma.HistoryEventFindManyArgs;

type HistoryRow = Prisma.HistoryEventGetPayload<{ include: { actor: { select: { displayName: true } } } }>;
/** What a page is made of: a row as Prisma reads it, or as loadHistoryView's statement gives it (the id as text). */
type PageRow = Pick<
  HistoryRow,
  'type' | 'summary' | 'actor' | 'actorKind' | 'data' | 'statusBefore' | 'statusAfter' | 'documentId' | 'feedbackId' | 'createdAt'
> & { id: bigint | string };

export function historyPageOf(rows: PageRow[], pageSize: number): HistoryPage {
  const page = rows.slice(0, pageSize);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      type: r.type,
      summary: r.summary,
      actorName: r.actor?.displayName ?? null,
      actorKind: r.actorKind,
      data: r.data,
      statusBefore: r.statusBefore,
      statusAfter: r.statusAfter,
      documentId: r.documentId,
      feedbackId: r.feedbackId,
      at: r.createdAt,
    })),
    nextCursor: rows.length > pageSize ? page[page.length - 1]!.id.toString() : null,
  };
}

const enumOf = <T extends string>(o: Record<string, T>) => z.enum(Object.values(o) as [T, ...T[]]);
const historyViewRow = z.object({
  claim: claimRow,
  history: z
    .array(
      z.object({
        id: z.string(),
        type: z.string(),
        summary: z.string(),
        actor: z.object({ displayName: z.string() }).nullable(),
        actorKind: enumOf(ActorKinds),
        // A JSON column, as Prisma types it: it came out of JSON.parse.
        data: z.custom<Prisma.JsonValue>(() => true),
        statusBefore: enumOf(ClaimStatuses).nullable(),
        statusAfter: enumOf(ClaimStatuses).nullable(),
        documentId: z.string().nullable(),
        feedbackId: z.string().nullable(),
        createdAt: utcTimestamp,
      }),
    )
    .nullable()
    .transform((v) => v ?? []),
  viewerWorked: z.boolean(),
  viewerRequests: z.array(z.string()),
});

/**
 * A claim with one page of its history (`pageSize` + 1 rows, newest first, older than `before`) and
 * the facts about viewer `viewerId` that decide whether they may read it (claims.ts getHistory), in
 * one statement (docs/performance.md, phase 3); null when there is no such claim. Authorisation is
 * the caller's. The rows are historyPageQuery's: same order, same page, the actor's name.
 */
export async function loadHistoryView(db: Db | Tx, claimId: string, viewerId: string, pageSize: number, before?: string) {
  const rows = await db.$queryRaw<unknown[]>`
    WITH c AS (SELECT * FROM "Claim" WHERE id = ${claimId})
    SELECT row_to_json(c) AS claim,
      (SELECT json_agg(json_build_object('id', h.id::text, 'type', h.type, 'summary', h.summary,
                'actor', (SELECT json_build_object('displayName', u."displayName") FROM "User" u WHERE u.id = h."actorId"),
                'actorKind', h."actorKind", 'data', h.data, 'statusBefore', h."statusBefore", 'statusAfter', h."statusAfter",
                'documentId', h."documentId", 'feedbackId', h."feedbackId", 'createdAt', h."createdAt") ORDER BY h.id DESC)
         FROM (SELECT * FROM "HistoryEvent" WHERE "claimId" = c.id ${before ? Prisma.sql`AND id < ${before}::bigint` : Prisma.empty}
               ORDER BY id DESC LIMIT ${pageSize + 1}) h) AS history,
      ${viewerFactsSql(viewerId)}
    FROM c`;
  if (rows.length === 0) return null;
  return historyViewRow.parse(rows[0]);
}
