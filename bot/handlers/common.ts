import crypto from 'node:crypto';
import { z } from 'zod';
import {
  errorView,
  fieldErrors,
  renderClaimDetail,
  renderClaimDocuments,
  renderError,
  renderMessage,
  t,
  type DocumentKind,
  type NoteKey,
  type StringKey,
} from '../../cards';
import { getClaimDetail } from '../../services/claims';
import type { Actor } from '../../services/context';
import { isServiceError, type ServiceError } from '../../services/errors';
import type { Db } from '../../services/db/client';
import type { ClaimDetail } from '../../services/views';
import { DOCUMENT_KINDS } from '../../cards/types';
import { documentLink } from '../documentLinks';
import type { BotConfig, HandlerContext, Reply } from '../turn';

/** A fresh key per rendered card, so the same click on the same card is applied once. */
export const newIdempotencyKey = () => crypto.randomUUID();

export const actor = (ctx: HandlerContext): Actor => ({ userId: ctx.user.id, principal: ctx.principal });

/** Card data schemas: ids, the claim version and an idempotency key — never entity state. */
export const claimRef = z.object({ claimId: z.string().uuid() });
export const versionedRef = z.object({
  claimId: z.string().uuid(),
  // An int4 column: a larger number is a stale or forged card, not a database error.
  version: z.coerce.number().int().positive().max(2_147_483_647),
  idempotencyKey: z.string().max(100).optional(),
});
/** Forms send their inputs merged into the action data; the service parses them with its own schema. */
export const formData = z.record(z.string(), z.unknown());
/**
 * A form on a claim: its reference and version plus the inputs. Not `formData.and(versionedRef)`: zod
 * throws "Unmergable intersection" when the two sides disagree, and a card sending version "3" made
 * them disagree (the record keeps "3", the reference coerces it to 3).
 */
export const versionedForm = versionedRef.catchall(z.unknown());

export function messageReply(
  ctx: HandlerContext,
  key: StringKey,
  params: Record<string, string> = {},
  opts: { tone?: 'good' | 'attention' | 'default'; claimId?: string } = {},
): Reply {
  return {
    card: renderMessage(
      { title: t(ctx.locale, 'app.name'), text: t(ctx.locale, key, params), tone: opts.tone ?? 'default', claimId: opts.claimId },
      ctx.locale,
    ),
  };
}

/**
 * A refused action as a card. When it came from a card of a claim (an old card, typically), the
 * card offers "Open claim", the way back to what the claim is now, unless the claim itself is
 * what cannot be found or seen.
 */
export function errorReply(ctx: HandlerContext, e: ServiceError, claimId?: string): Reply {
  const dead = e.kind === 'forbidden' || (e.kind === 'not_found' && e.code === 'claim');
  return { card: renderError(e, ctx.locale, claimId && !dead ? { claimId } : {}) };
}

/** The claim a card's action data names, if it is a well-formed id (the data is untrusted). */
export const claimIdOf = (data: Record<string, unknown>): string | undefined =>
  typeof data.claimId === 'string' && z.string().uuid().safeParse(data.claimId).success ? data.claimId : undefined;

/** Values the user typed, as strings, for a form re-rendered after a validation error. */
export function typedValues(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/** The current claim card for this user, with an optional one-line note (success, or "this claim changed"). */
export type DetailNote = NoteKey | { tone: 'good' | 'warning' | 'attention' | 'default'; text: string };

export async function detailReply(ctx: HandlerContext, claimId: string, note?: DetailNote): Promise<Reply> {
  const detail = withDocumentLinks(ctx.deps.config, await getClaimDetail(ctx.deps.svc, actor(ctx), claimId), ctx.deps.svc.clock.now());
  // The claim card's query already read who takes part (refreshUsersForClaim's SQL, folded in).
  const refreshUserIds = detail.participantAadIds
    ? detail.participantAadIds.map(teamsUserMri)
    : await refreshUsersForClaim(ctx.deps.svc.db, claimId);
  const card = renderClaimDetail({ ...detail, idempotencyKey: newIdempotencyKey(), note: note ?? null, refreshUserIds }, ctx.locale);
  return { card, claimId, view: 'detail', postedIn: detail.detailCardConversationIds };
}

/**
 * Stored files get a signed link, so reviewers and the owner can open every document from the card.
 * It sits beside the web link a proof may also carry (`url`), never in its place.
 */
export function withDocumentLinks(config: BotConfig, detail: ClaimDetail, now: Date): ClaimDetail {
  return {
    ...detail,
    documents: detail.documents.map((d) => (d.hasFile ? { ...d, fileUrl: documentLink(config.files, d.id, now) } : d)),
  };
}

/**
 * Runs a state-changing command. On success: the fresh claim card with a note. A stale card gets the
 * current card and a short "this claim changed" line; a form error goes back to `onInvalid`.
 */
export async function commandThenDetail(
  ctx: HandlerContext,
  claimId: string,
  run: () => Promise<unknown>,
  success: NoteKey,
  onInvalid?: (e: ServiceError) => Reply | Promise<Reply>,
  /** The card to answer with (default: the claim card); a documents card answers with its page. */
  view: (note: DetailNote) => Promise<Reply> = (note) => detailReply(ctx, claimId, note),
): Promise<Reply> {
  try {
    await run();
  } catch (e) {
    if (isServiceError(e) && e.kind === 'conflict' && e.code === 'stale_version') {
      return view('changed');
    }
    if (isServiceError(e) && (e.kind === 'invalid' || e.kind === 'rule_failed') && onInvalid) return onInvalid(e);
    if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'rule_failed' || e.kind === 'invalid')) {
      const v = errorView(ctx.locale, e);
      return view({ text: [v.text, ...v.lines.map((l) => `- ${l}`)].join('\n'), tone: 'attention' });
    }
    throw e;
  }
  // The answer first: the claim card's query also says where else the claim's card is posted.
  const reply = await view(success);
  ctx.deps.claimChanged(claimId, ctx.conversation.id, reply.postedIn);
  return reply;
}

/** A document button on a documents card carries its kind and page: the answer is that page again. */
export const fromDocumentsPage = z.object({
  kind: z.enum(DOCUMENT_KINDS).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** Where a document action answers: its documents page when it came from one, else the claim card. */
export function backTo(
  ctx: HandlerContext,
  d: { claimId: string } & z.infer<typeof fromDocumentsPage>,
): ((note: DetailNote) => Promise<Reply>) | undefined {
  const { kind, page } = d;
  return kind && page ? (note) => documentsReply(ctx, d.claimId, kind, page, note) : undefined;
}

/** One kind's documents card, at `page`, for this user (signed file links, their own buttons). */
export async function documentsReply(
  ctx: HandlerContext,
  claimId: string,
  kind: DocumentKind,
  page: number,
  note?: DetailNote,
): Promise<Reply> {
  const detail = withDocumentLinks(ctx.deps.config, await getClaimDetail(ctx.deps.svc, actor(ctx), claimId), ctx.deps.svc.clock.now());
  const card = renderClaimDocuments(
    {
      claim: detail,
      kind,
      documents: detail.documents.filter((d) => d.kind === kind),
      page,
      allowedActions: detail.allowedActions,
      idempotencyKey: newIdempotencyKey(),
      note: note ?? null,
    },
    ctx.locale,
  );
  return { card };
}

export const formErrors = (ctx: HandlerContext, e: ServiceError) => fieldErrors(ctx.locale, e.details.issues);

/**
 * Universal Actions `refresh.userIds` (at most 60 MRIs): the owner, contributors and reviewers see
 * their own view of a shared card. Teams MRIs are `8:orgid:<aad object id>`. Reviewers: those who
 * may review the claim's organisation (services/authz.ts review scope).
 */
export async function refreshUsersForClaim(db: Db, claimId: string): Promise<string[]> {
  // One statement: this runs on every claim card rendered.
  const rows = await db.$queryRaw<Array<{ aad: string }>>`
    SELECT DISTINCT u."aadObjectId" AS aad FROM "User" u
    WHERE u.id IN (
      SELECT "ownerId" FROM "Claim" WHERE id = ${claimId}
      UNION SELECT "uploaderId" FROM "Document" WHERE "claimId" = ${claimId}
      UNION SELECT "authorId" FROM "Comment" WHERE "claimId" = ${claimId}
      UNION SELECT "assigneeId" FROM "UploadRequest" WHERE "claimId" = ${claimId}
      UNION (SELECT ra."userId" FROM "RoleAssignment" ra
             JOIN "User" r ON r.id = ra."userId" JOIN "Organisation" o ON o.id = r."organisationId"
             WHERE ra.role = 'REVIEWER'
               AND (o."reviewScope" = 'ALL' OR (o."reviewScope" = 'OWN' AND o.id = (SELECT "organisationId" FROM "Claim" WHERE id = ${claimId})))
             LIMIT 30)
    )
    LIMIT 60`;
  return rows.map((r) => teamsUserMri(r.aad));
}

/** A Teams user's MRI from their Entra object id. */
export const teamsUserMri = (aadObjectId: string) => `8:orgid:${aadObjectId}`;
