import './lib/env';
import { performance } from 'node:perf_hooks';
import {
  cardBytes,
  renderAddDocument,
  renderApproveForm,
  renderClaimDetail,
  renderCommentForm,
  renderCreateClaim,
  renderError,
  renderHistory,
  renderMessage,
  renderNotification,
  renderOverview,
  renderReviewQueue,
  renderUploadRequest,
  renderWelcome,
  type AdaptiveCard,
} from '../cards';
import { editingClaim, ids, KEY, reviewerClaim } from '../test/cards/fixtures';
import { createView, historyView, notifications, overviewView, uploadRequestView } from '../test/cards/samples';
import { type PartResult } from './lib/report';
import { median, round, table } from './lib/stats';

/**
 * Part — card rendering. Each card of a turn's answer, rendered from the realistic view models the
 * card tests use, in this process: microseconds per render (median of batches after a warm-up) and
 * the card's size. What a turn spends in cards/ comes straight out of the bot's CPU per turn.
 */
const claimRef = { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series', version: 7 };

const CASES: Array<[string, () => AdaptiveCard]> = [
  ['claim detail (partner, editing)', () => renderClaimDetail(editingClaim(), 'en-US')],
  ['claim detail (reviewer)', () => renderClaimDetail(reviewerClaim(), 'en-US', { timeZone: 'Asia/Seoul' })],
  ['claim detail (Korean)', () => renderClaimDetail(editingClaim(), 'ko-KR')],
  ['overview', () => renderOverview(overviewView, 'en-US')],
  ['history', () => renderHistory(historyView, 'en-US')],
  ['welcome', () => renderWelcome({ userName: 'Alex', isReviewer: true }, 'en-US')],
  ['create claim form', () => renderCreateClaim(createView(), 'en-US')],
  [
    'add document form (proof)',
    () =>
      renderAddDocument(
        {
          kind: 'PROOF',
          claim: { ...claimRef, currency: 'USD' },
          idempotencyKey: KEY,
          requiredMetrics: ['Registered guests'],
          proofGuidance: 'Invitation, agenda and event photos',
        },
        'en-US',
      ),
  ],
  ['comment form', () => renderCommentForm({ claim: claimRef, idempotencyKey: KEY }, 'en-US')],
  ['approve form', () => renderApproveForm({ claim: claimRef, idempotencyKey: KEY, amountMinor: 1250050, currency: 'USD' }, 'en-US')],
  ['upload request', () => renderUploadRequest(uploadRequestView(), 'en-US')],
  ['notification (status)', () => renderNotification(notifications[0]!, 'en-US')],
  [
    'review queue (2 claims)',
    () =>
      renderReviewQueue(
        {
          items: [0, 1].map((i) => ({
            claimId: ids.claim,
            number: `CLM-2026-0004${i}`,
            name: 'Spring cloud webinar series',
            status: 'SUBMITTED' as const,
            locationName: 'Contoso Korea',
            programName: 'CSP',
            amountMinor: 1250050,
            currency: 'USD',
            waitingSince: '2026-03-27T00:00:00Z',
            ageBusinessDays: 4,
            targetBusinessDays: 2,
          })),
        },
        'en-US',
      ),
  ],
  ['message', () => renderMessage({ title: 'Saved', text: 'Your changes were saved.', claimId: ids.claim }, 'en-US')],
  ['error', () => renderError({ kind: 'conflict', code: 'stale_version' }, 'en-US')],
];

export type CardsOptions = { batches: number; batchMs: number };
export const cardsDefaults = (): CardsOptions => ({ batches: Number(process.env.BENCH_CARDS_BATCHES ?? 5), batchMs: 100 });

export async function benchCards(_pg?: unknown, o: CardsOptions = cardsDefaults()): Promise<PartResult> {
  const started = Date.now();
  const rows: Array<{ card: string; microseconds: number; bytes: number }> = [];
  for (const [name, render] of CASES) {
    for (const until = performance.now() + 200; performance.now() < until;) render(); // warm-up: JIT, caches
    const perBatch: number[] = [];
    for (let b = 0; b < o.batches; b++) {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < o.batchMs) {
        render();
        n++;
      }
      perBatch.push(((performance.now() - t0) * 1000) / n);
    }
    rows.push({ card: name, microseconds: round(median(perBatch), 1), bytes: cardBytes(render()) });
    // Yield between cards so a run of `npm run bench` stays responsive to signals.
    await new Promise((r) => setImmediate(r));
  }
  process.stdout.write(
    `\nCard rendering (µs per render, median of ${o.batches} batches of ${o.batchMs} ms, this process)\n` +
      table(
        ['card', 'µs', 'bytes'],
        rows.map((r) => [r.card, r.microseconds, r.bytes]),
      ) +
      '\n',
  );
  return { part: 'cards', seconds: round((Date.now() - started) / 1000, 1), figures: { options: o, renders: rows }, targets: [] };
}
