import { z } from 'zod';
import { renderAssignReview, renderReviewQueue, t } from '../../cards';
import { getClaimDetail } from '../../services/claims';
import { isServiceError } from '../../services/errors';
import { getReviewQueue } from '../../services/reviewQueue';
import { assignReview, searchReviewers, type Reviewer } from '../../services/reviewWorkload';
import { action } from '../actions';
import type { HandlerContext, Reply } from '../turn';
import { actor, claimRef, detailReply, formData, newIdempotencyKey, typedValues } from './common';

/**
 * The dataset the reassignment picker queries through `application/search` (bot/handlers/search.ts):
 * `reviewers:<claimId>`, since a search invoke carries only the dataset and the text typed, and who
 * may be offered depends on the claim (review scope, segregation of duties).
 */
export const REVIEWERS_DATASET = 'reviewers';
export const reviewersDataset = (claimId: string) => `${REVIEWERS_DATASET}:${claimId}`;

const FILTER_INPUTS = ['organisationId', 'programId', 'status', 'owner', 'age'] as const;

/**
 * The review queue. A page button carries the filter it was read with (`filter`, `page`); the
 * filter form's Apply sends its inputs at the top level of the data, which win.
 */
export async function reviewQueueReply(ctx: HandlerContext, data: Record<string, unknown> = {}): Promise<Reply> {
  const carried = data.filter && typeof data.filter === 'object' ? (data.filter as Record<string, unknown>) : {};
  const typed = Object.fromEntries(FILTER_INPUTS.filter((k) => k in data).map((k) => [k, data[k]]));
  const page = await getReviewQueue(ctx.deps.svc, actor(ctx), { ...carried, ...typed, page: data.page ?? 1 });
  return {
    card: renderReviewQueue(
      {
        items: page.items,
        total: page.total,
        page: page.page,
        pageCount: page.pageCount,
        filter: page.filter,
        options: page.options,
      },
      ctx.locale,
    ),
  };
}

const personTitle = (p: Reviewer) => (p.email ? `${p.displayName} (${p.email})` : p.displayName);

async function assignFormReply(
  ctx: HandlerContext,
  claimId: string,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const detail = await getClaimDetail(ctx.deps.svc, actor(ctx), claimId);
  const team = await searchReviewers(ctx.deps.svc, actor(ctx), claimId, '');
  return {
    card: renderAssignReview(
      {
        claim: detail,
        reviewerName: detail.reviewer?.name ?? null,
        reviewers: team.map((r) => ({ id: r.id, name: personTitle(r) })),
        pickerDataset: reviewersDataset(claimId),
        idempotencyKey: newIdempotencyKey(),
        ...state,
      },
      ctx.locale,
    ),
    claimId,
  };
}

/** Answers the reassignment picker's `application/search`: reviewers of the claim whose name or mail matches. */
export async function searchReviewersInvoke(ctx: HandlerContext, claimId: string | undefined, queryText: string) {
  // A picker of an older card names no claim, and a forged one a claim that is not the asker's to review: nobody is offered.
  const people = claimId
    ? await searchReviewers(ctx.deps.svc, actor(ctx), claimId, queryText).catch((e: unknown) => {
        if (isServiceError(e)) return [];
        throw e;
      })
    : [];
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.search.searchResponse',
    value: { results: people.map((p) => ({ value: p.id, title: personTitle(p) })) },
  };
}

const queueData = z
  .object({ filter: z.record(z.string(), z.unknown()).optional(), page: z.coerce.number().int().optional() })
  .passthrough();

export const reviewWorkloadActions = {
  'reviews.open': action(queueData, (ctx, d) => reviewQueueReply(ctx, d)),
  'review.assign.form': action(claimRef.passthrough(), (ctx, d) => assignFormReply(ctx, d.claimId)),
  'review.assign': action(formData.and(claimRef), async (ctx, d) => {
    // A picker answers with the chosen value; a multi-select client could send "a,b": the first counts.
    const pick = typeof d.assigneeId === 'string' ? (d.assigneeId.split(',')[0] ?? '').trim() : '';
    if (!pick)
      return assignFormReply(ctx, d.claimId, { values: typedValues(d), errors: { assigneeId: t(ctx.locale, 'assign.person.error') } });
    try {
      const r = await assignReview(ctx.deps.svc, actor(ctx), { claimId: d.claimId, assigneeId: pick, idempotencyKey: d.idempotencyKey });
      const name = (await getClaimDetail(ctx.deps.svc, actor(ctx), d.claimId)).reviewer?.name ?? '';
      if (r.changed) ctx.deps.claimChanged(d.claimId, ctx.conversation.id);
      return detailReply(ctx, d.claimId, {
        tone: r.changed ? 'good' : 'default',
        text: t(ctx.locale, r.changed ? 'assign.done' : 'assign.unchanged', { name }),
      });
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid') {
        const workedOn = e.details.issues?.some((i) => i.code === 'assignee_worked_on_claim');
        const errors = { assigneeId: t(ctx.locale, workedOn ? 'assign.person.workedOnClaim' : 'assign.person.notReviewer') };
        return assignFormReply(ctx, d.claimId, { values: typedValues(d), errors });
      }
      throw e;
    }
  }),
};
