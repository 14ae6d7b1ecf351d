import { z } from 'zod';
import type { HandlerContext } from '../turn';
import { REVIEWERS_DATASET, searchReviewersInvoke } from './reviewWorkload';
import { searchColleaguesInvoke } from './uploadRequests';

/** `application/search` from a card's people picker, routed by the dataset the picker asked for. */
export async function searchInvoke(ctx: HandlerContext, value: unknown) {
  const q = z
    .object({ queryText: z.string().max(100).catch(''), dataset: z.string().max(100).optional() })
    .catch({ queryText: '' })
    .parse(value);
  const [dataset, claimId] = (q.dataset ?? '').split(':', 2);
  // The reassignment picker names its claim: `reviewers:<claimId>` (bot/handlers/reviewWorkload.ts).
  if (dataset === REVIEWERS_DATASET) return searchReviewersInvoke(ctx, claimId, q.queryText);
  return searchColleaguesInvoke(ctx, value);
}
