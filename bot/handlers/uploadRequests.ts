import { z } from 'zod';
import {
  documentFormNeeds,
  errorView,
  renderAddDocument,
  t,
  renderAskColleague,
  renderAskSent,
  renderUploadRequest,
  type AdaptiveCard,
} from '../../cards';
import type { UploadRequestView } from '../../services/uploadRequests';
import { getClaimDetail, getClaimSummary, type ClaimSummary } from '../../services/claims';
import { isServiceError, invalid, type ServiceError } from '../../services/errors';
import { Prisma } from '../../services/db/client';
import { EDITABLE } from '../../services/lifecycle';
import { beginFileUpload } from '../../services/pendingUploads';
import {
  cancelUploadRequest,
  declineUploadRequest,
  getUploadRequest,
  requestUpload,
  searchColleagues,
} from '../../services/uploadRequests';
import { isGuest, type Graph } from '../../services/graph';
import { log } from '../../services/log';
import { resolveUser } from '../../services/users';
import { action } from '../actions';
import { reachUser } from '../proactive';
import type { BotDeps, HandlerContext, Reply } from '../turn';
import { askForFile } from './filePrompt';
import { actor, claimRef, detailReply, formData, formErrors, newIdempotencyKey, typedValues } from './common';

/** Our own people search (application/search) answers with `user:<id>`; Teams' Graph picker answers with AAD object ids. */
export const LOCAL_PREFIX = 'user:';
export const COLLEAGUES_DATASET = 'colleagues';
const searchLog = log.child({ mod: 'upload-requests' });

/**
 * Graph for the asker's own tenant, when this deployment's credentials reach it: people of another
 * tenant are never looked up (nor added) through it.
 */
async function graphFor(ctx: HandlerContext): Promise<Graph | null> {
  const { graph } = ctx.deps;
  if (!graph) return null;
  const org = await ctx.deps.svc.db.organisation.findUnique({ where: { id: ctx.user.organisationId }, select: { tenantId: true } });
  return graph.forTenant(org?.tenantId);
}

/** Teams' own Graph people picker works only in 1:1 chat in real Teams; elsewhere (channels, the playground) ours serves. */
export async function pickerDataset(ctx: HandlerContext): Promise<string> {
  return ctx.conversation.type === 'personal' && (await graphFor(ctx)) ? 'graph.microsoft.com/users' : COLLEAGUES_DATASET;
}

export const personTitle = (p: { displayName: string; email?: string | null; mail?: string | null }) => {
  const mail = p.email ?? p.mail;
  return mail ? `${p.displayName} (${mail})` : p.displayName;
};

async function askFormReply(
  ctx: HandlerContext,
  claimId: string,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
  const colleagues = await searchColleagues(ctx.deps.svc, actor(ctx), '');
  return {
    card: renderAskColleague(
      {
        claim: detail,
        pickerDataset: await pickerDataset(ctx),
        colleagues: colleagues.map((c) => ({ id: `${LOCAL_PREFIX}${c.id}`, name: personTitle(c) })),
        today: ctx.deps.svc.clock.now().toISOString().slice(0, 10),
        idempotencyKey: newIdempotencyKey(),
        ...state,
      },
      ctx.locale,
    ),
    claimId,
  };
}

/** The picked person as one of our users; someone found through Graph who never used the bot is added to the organisation. */
export async function assigneeFromPick(ctx: HandlerContext, pick: string): Promise<string> {
  if (pick.startsWith(LOCAL_PREFIX)) return pick.slice(LOCAL_PREFIX.length);
  const graph = await graphFor(ctx);
  const profile = graph ? await graph.getUser(pick) : null;
  // A guest of the tenant is someone of another organisation: not a colleague to ask.
  if (!profile || isGuest(profile)) throw invalid([{ path: 'assigneeId', code: 'custom', message: 'Choose a colleague from the list' }]);
  const org = await ctx.deps.svc.db.organisation.findUniqueOrThrow({ where: { id: ctx.user.organisationId } });
  const u = await resolveUser(
    ctx.deps.svc,
    {
      tenantId: org.tenantId,
      aadObjectId: profile.id,
      displayName: profile.displayName,
      email: profile.mail ?? undefined,
      locale: profile.preferredLanguage ?? undefined,
    },
    { allowedTenantIds: [] },
  );
  return u.id;
}

type SearchResult = { value: string; title: string };

/**
 * Answers `application/search` for the people picker: colleagues of the asker's organisation who
 * used the bot, and — when Graph serves the asker's tenant — anyone of the directory (picked by
 * Entra object id, added to the organisation when asked). A Graph failure leaves our own list.
 */
export async function searchColleaguesInvoke(ctx: HandlerContext, value: unknown) {
  const q = z
    .object({ queryText: z.string().max(100).catch(''), dataset: z.string().optional() })
    .catch({ queryText: '' })
    .parse(value);
  const people = await searchColleagues(ctx.deps.svc, actor(ctx), q.queryText);
  const results: SearchResult[] = people.map((p) => ({ value: `${LOCAL_PREFIX}${p.id}`, title: personTitle(p) }));
  const graph = q.queryText.trim() ? await graphFor(ctx) : null;
  if (graph) {
    const found = await graph.searchUsers(q.queryText, 15).catch((e: Error) => {
      searchLog.warn({ err: e.message }, 'Graph people search failed: our own list only');
      return [];
    });
    const org = await ctx.deps.svc.db.organisation.findUniqueOrThrow({
      where: { id: ctx.user.organisationId },
      select: { tenantId: true },
    });
    const known = await ctx.deps.svc.db.user.findMany({
      where: { tenantId: org.tenantId, aadObjectId: { in: found.map((f) => f.id) } },
      select: { id: true, aadObjectId: true, roles: { where: { role: 'REVIEWER' }, select: { role: true } } },
    });
    const idOf = new Map(known.map((k) => [k.aadObjectId, k.id]));
    const reviewers = new Set(known.filter((k) => k.roles.length > 0).map((k) => k.aadObjectId));
    const listed = new Set(results.map((r) => r.value));
    for (const f of found) {
      const ours = idOf.get(f.id);
      if (ours === ctx.user.id) continue;
      // Guests belong to other organisations; reviewers judge claims, they do not supply documents.
      if (isGuest(f) || reviewers.has(f.id)) continue;
      const v = ours ? `${LOCAL_PREFIX}${ours}` : f.id;
      if (!listed.has(v)) results.push({ value: v, title: personTitle(f) });
      listed.add(v);
    }
  }
  return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } };
}

/** The request as its card shows it (services view → cards view). */
export const requestCardView = (view: UploadRequestView, claim?: ClaimSummary) => ({
  id: view.id,
  status: view.status,
  requesterName: view.requesterName,
  claim: {
    id: view.claimId,
    number: view.claimNumber,
    name: view.claimName,
    amountMinor: claim?.amountMinor,
    currency: claim?.currency,
    programName: claim?.programName,
    locationName: claim?.locationName,
  },
  kind: view.kind,
  message: view.message,
  dueAt: view.dueAt,
  dueDate: view.dueDate,
  declineReason: view.declineReason,
  idempotencyKey: newIdempotencyKey(),
});

/**
 * The request card as it is now, optionally with a line on top saying why the click did nothing.
 * Answering a click on the request card with a bare message would replace that card in Teams and
 * take the colleague's Upload and Decline buttons away.
 */
export async function requestCardReply(ctx: HandlerContext, uploadRequestId: string, note?: string): Promise<Reply> {
  const view = await getUploadRequest(ctx.deps.svc, actor(ctx), uploadRequestId);
  const claim = await getClaimSummary(ctx.deps.svc, actor(ctx), view.claimId);
  return {
    card: renderUploadRequest({ ...requestCardView(view, claim), note: note ? { text: note, tone: 'attention' } : undefined }, ctx.locale),
  };
}

/** A refused click as one line: the error's sentence, then its field messages. */
function refusal(ctx: HandlerContext, e: ServiceError): string {
  const v = errorView(ctx.locale, e);
  return [v.text, ...v.lines].join(' ');
}

/** What the card data carries besides the inputs of the describe form. */
const START_DATA = new Set(['uploadRequestId', 'idempotencyKey']);

/**
 * The document form for the requested kind, answering through `upload.start` with the request's
 * id (the partner forms' own verbs are partner-only commands and know nothing of the request).
 * Every kind is described first: the colleague writes the document's own note (required for a
 * proof); the requester's instruction is shown apart and never becomes the note.
 */
async function describeFormReply(
  ctx: HandlerContext,
  view: UploadRequestView,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), view.claimId);
  const card = renderAddDocument(
    {
      claim: detail,
      kind: view.kind,
      idempotencyKey: newIdempotencyKey(),
      requiredMetrics: detail.activityType.requiredMetrics,
      proofGuidance: detail.activityType.proofGuidance,
      ...documentFormNeeds(detail.checklist),
      request: { requesterName: view.requesterName, message: view.message },
      ...state,
    },
    ctx.locale,
  );
  // The submit carries a fresh key: that is how upload.start tells a described answer from a first click.
  return {
    card: retargetSubmit(card, view.kind === 'METRIC' ? 'metric.add' : 'doc.add', {
      uploadRequestId: view.id,
      idempotencyKey: newIdempotencyKey(),
    }),
  };
}

/** The card with its `fromVerb` button sending `upload.start` and `data` instead. */
function retargetSubmit(card: AdaptiveCard, fromVerb: string, data: Record<string, string>): AdaptiveCard {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute' && n.verb === fromVerb) return { ...n, verb: 'upload.start', data };
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v)]));
  };
  return walk(card) as AdaptiveCard;
}

/**
 * A request card that could not reach its colleague (no chat with the bot yet) is dead-lettered by
 * the outbox; once the colleague talks to the bot or installs it, the requests still open are sent
 * again. Meant to run after the turn's conversation reference is stored. Returns how many.
 */
export async function redeliverWaitingRequests(deps: Pick<BotDeps, 'svc'>, userId: string): Promise<number> {
  const { db, clock } = deps.svc;
  const dead = await db.outboxMessage.findMany({
    where: { recipientId: userId, kind: 'upload_requested', status: 'DEAD', lastError: { startsWith: 'unreachable' } },
    select: { id: true, dedupeKey: true },
  });
  if (dead.length === 0) return 0;
  // The dedupe key is `upload_requested:<requestId>:<userId>` (services/uploadRequests.ts).
  const requestIds = dead.map((r) => r.dedupeKey.split(':')[1] ?? '');
  const open = await db.uploadRequest.findMany({
    where: { id: { in: requestIds }, assigneeId: userId, status: 'OPEN', claim: { status: { in: [...EDITABLE] } } },
    select: { id: true },
  });
  const openIds = new Set(open.map((r) => r.id));
  const revive = dead.filter((r) => openIds.has(r.dedupeKey.split(':')[1] ?? '')).map((r) => r.id);
  if (revive.length === 0) return 0;
  // Only still-DEAD rows: two turns at once revive each row once. Marked as redelivered, so that once
  // it reaches the colleague the asker is told (services/uploadRequests.ts noteRequestReached).
  return db.$executeRaw`
    UPDATE "OutboxMessage"
    SET status = 'PENDING'::"OutboxStatus", attempts = 0, "lastError" = NULL, "nextAttemptAt" = (${clock.now().toISOString()}::timestamptz AT TIME ZONE 'UTC'),
        payload = payload || '{"redelivered": true}'::jsonb
    WHERE id IN (${Prisma.join(revive)}) AND status = 'DEAD'::"OutboxStatus"`;
}

export const uploadRequestActions = {
  'upload.ask.form': action(claimRef.passthrough(), (ctx, d) => askFormReply(ctx, d.claimId)),

  'upload.ask': action(formData.and(claimRef), async (ctx, d) => {
    try {
      const pick = typeof d.assigneeId === 'string' ? d.assigneeId.split(',')[0]!.trim() : '';
      if (!pick) throw invalid([{ path: 'assigneeId', code: 'too_small', message: 'Choose a colleague' }]);
      const assigneeId = await assigneeFromPick(ctx, pick);
      const r = await requestUpload(ctx.deps.svc, actor(ctx), { ...d, assigneeId });
      // Say plainly, now, when the colleague cannot be reached yet (the request itself is kept).
      // The request is saved by now: a Graph failure here must not turn into "nothing was changed".
      // The outbox keeps trying on its own, so "saved, not reached yet" is the honest answer.
      const reach = await reachUser(
        {
          db: ctx.deps.svc.db,
          appId: ctx.deps.config.bot.appId,
          graph: ctx.deps.graph,
          teamsAppCatalogId: ctx.deps.config.graph.teamsAppCatalogId,
        },
        assigneeId,
      ).catch((e: Error) => {
        searchLog.warn({ err: e.message }, 'could not reach the colleague now');
        return { ok: false as const };
      });
      const view = await getUploadRequest(ctx.deps.svc, actor(ctx), r.uploadRequestId);
      ctx.deps.claimChanged(d.claimId, ctx.conversation.id);
      return {
        card: renderAskSent(
          { claimId: d.claimId, assigneeName: view.assigneeName, kind: view.kind, dueAt: view.dueDate, reachable: reach.ok },
          ctx.locale,
        ),
      };
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid')
        return askFormReply(ctx, d.claimId, { values: typedValues(d), errors: formErrors(ctx, e) });
      throw e;
    }
  }),

  /**
   * The colleague's Upload button: the document is described first (the colleague's own note, an
   * invoice's data, a metric's value), on a form that comes back here with its inputs; then the bot
   * waits for their file in this 1:1 chat.
   */
  'upload.start': action(
    formData.and(z.object({ uploadRequestId: z.string().uuid(), idempotencyKey: z.string().max(100).optional() })),
    async (ctx, d) => {
      const view = await getUploadRequest(ctx.deps.svc, actor(ctx), d.uploadRequestId);
      // Fulfilled, declined or cancelled: the card shows what happened instead of a prompt for a file nobody wants.
      if (view.status !== 'OPEN') return requestCardReply(ctx, view.id, t(ctx.locale, 'error.conflict.upload_request_closed'));
      // The request card's (or a reminder's) Upload button: describe the document first.
      if (!d.idempotencyKey) return describeFormReply(ctx, view);
      const inputs = Object.fromEntries(Object.entries(d).filter(([k]) => !START_DATA.has(k)));
      const { details, otherName, ...fields } = inputs;
      // The metric form offers the required metric names and a free-text alternative (as metric.add reads it).
      if (view.kind === 'METRIC' && typeof otherName === 'string' && otherName.trim()) fields.name = otherName;
      try {
        return await askForFile(ctx, { id: view.claimId, number: view.claimNumber, name: view.claimName }, view.kind, (opts) =>
          beginFileUpload(
            ctx.deps.svc,
            actor(ctx),
            {
              claimId: view.claimId,
              kind: view.kind,
              // The colleague's own words; the request's instruction stays on the request.
              details: typeof details === 'string' ? details : '',
              fields,
              uploadRequestId: view.id,
            },
            opts,
          ),
        );
      } catch (e) {
        if (isServiceError(e) && e.kind === 'invalid')
          return describeFormReply(ctx, view, { values: typedValues(inputs), errors: formErrors(ctx, e) });
        if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'rule_failed'))
          return requestCardReply(ctx, view.id, refusal(ctx, e));
        throw e;
      }
    },
  ),

  /** Decline needs a reason; a refused decline keeps the request card (with why) rather than replacing it. */
  'upload.decline': action(formData.and(z.object({ uploadRequestId: z.string().uuid() })), async (ctx, d) => {
    try {
      const r = await declineUploadRequest(ctx.deps.svc, actor(ctx), d);
      ctx.deps.claimChanged(r.claimId, ctx.conversation.id);
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid')
        return requestCardReply(ctx, d.uploadRequestId, t(ctx.locale, 'uploadRequest.decline.error'));
      if (isServiceError(e) && e.kind === 'conflict') return requestCardReply(ctx, d.uploadRequestId, refusal(ctx, e));
      throw e;
    }
    return requestCardReply(ctx, d.uploadRequestId);
  }),

  'upload.cancel': action(z.object({ uploadRequestId: z.string().uuid() }).passthrough(), async (ctx, d) => {
    const view = await getUploadRequest(ctx.deps.svc, actor(ctx), d.uploadRequestId);
    try {
      await cancelUploadRequest(ctx.deps.svc, actor(ctx), d);
    } catch (e) {
      // Withdrawn or answered meanwhile (an old card): the claim as it is now, saying why nothing happened.
      if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'forbidden'))
        return detailReply(ctx, view.claimId, { tone: 'attention', text: refusal(ctx, e) });
      throw e;
    }
    ctx.deps.claimChanged(view.claimId, ctx.conversation.id);
    return detailReply(ctx, view.claimId, 'saved');
  }),
};
