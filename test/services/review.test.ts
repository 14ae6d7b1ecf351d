import { getReviewQueue } from '../../services/reviewQueue';
import type { ClaimStatus } from '../../prisma/generated/client';
import { businessDaysBetween } from '../../services/businessDays';
import {
  approveClaim,
  disputeClaim,
  giveFeedback,
  rejectClaim,
  requestInformation,
  reviewDocument,
  startReview,
} from '../../services/review';
import { insertClaim, makeWorld, type World } from '../helpers/world';
import { racingServices } from '../helpers/racing';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
const reviewer = () => as(w.users.reviewer);
const owner = () => as(w.users.incentivesUser);

const history = (claimId: string) => w.db.historyEvent.findMany({ where: { claimId }, orderBy: { id: 'asc' } });
const outbox = (claimId: string) => w.db.outboxMessage.findMany({ where: { claimId }, orderBy: { createdAt: 'asc' } });
const claimRow = (id: string) => w.db.claim.findUniqueOrThrow({ where: { id } });

/** A claim with a second participant (the colleague commented), so fan-out is visible. */
async function claimIn(status: ClaimStatus, extra: { amountMinor?: number } = {}) {
  const c = await insertClaim(w, { status, complete: true, ...extra });
  await w.db.comment.create({ data: { claimId: c.id, authorId: w.users.colleague, text: 'I sent the photos' } });
  return c;
}

/** What a user would notice: nothing changed on the claim, no history, no notification. */
async function expectUntouched(c: { id: string; version: number }, status: string) {
  const row = await claimRow(c.id);
  expect(row.version).toBe(c.version);
  expect(row.status).toBe(status);
  expect(await history(c.id)).toHaveLength(0);
  expect(await outbox(c.id)).toHaveLength(0);
}

describe('businessDaysBetween', () => {
  it('counts Monday to Friday only', () => {
    expect(businessDaysBetween(new Date('2026-11-27T09:00Z'), new Date('2026-12-01T10:00Z'))).toBe(2); // Fri → Tue
    expect(businessDaysBetween(new Date('2026-11-23T09:00Z'), new Date('2026-11-28T10:00Z'))).toBe(5); // Mon → Sat
    expect(businessDaysBetween(new Date('2026-11-28T09:00Z'), new Date('2026-11-28T18:00Z'))).toBe(0);
    expect(businessDaysBetween(new Date('2026-12-01T09:00Z'), new Date('2026-11-28T18:00Z'))).toBe(0);
  });
});

describe('review queue', () => {
  it('lists submitted, in-review and disputed claims oldest first with their review targets', async () => {
    const at = (s: string) => new Date(`${s}T09:00:00.000Z`);
    const fresh = await insertClaim(w, { status: 'SUBMITTED' });
    await w.db.claim.update({ where: { id: fresh.id }, data: { submittedAt: at('2026-11-27') } }); // Fri: 1 day
    const late = await insertClaim(w, { status: 'SUBMITTED' });
    await w.db.claim.update({ where: { id: late.id }, data: { submittedAt: at('2026-11-23') } }); // Mon: 5 days > 2
    const inReview = await insertClaim(w, { status: 'IN_REVIEW' });
    await w.db.claim.update({ where: { id: inReview.id }, data: { submittedAt: at('2026-11-24') } });
    const dispute = await insertClaim(w, { status: 'DISPUTED' });
    await w.db.claim.update({
      where: { id: dispute.id },
      data: { submittedAt: at('2026-10-01'), disputedAt: new Date('2026-11-23T15:00:00Z') },
    }); // 5 days, target 5
    const oldDispute = await insertClaim(w, { status: 'DISPUTED' });
    await w.db.claim.update({ where: { id: oldDispute.id }, data: { submittedAt: at('2026-10-01'), disputedAt: at('2026-11-20') } }); // 6 days > 5
    const draft = await insertClaim(w, { status: 'EDITING' });
    const done = await insertClaim(w, { status: 'APPROVED', approvedMinor: 100_000 });

    const queue = (await getReviewQueue(w.svc, reviewer(), { pageSize: 50 })).items;
    const ids = queue.map((q) => q.claimId);
    expect(ids).not.toContain(draft.id);
    expect(ids).not.toContain(done.id);
    const mine = queue.filter((q) => [fresh.id, late.id, inReview.id, dispute.id, oldDispute.id].includes(q.claimId));
    expect(mine.map((q) => q.claimId)).toEqual([oldDispute.id, late.id, dispute.id, inReview.id, fresh.id]);
    const byId = Object.fromEntries(mine.map((q) => [q.claimId, q]));
    expect(byId[fresh.id]).toMatchObject({
      ageBusinessDays: 1,
      targetBusinessDays: 2,
      overdue: false,
      organisationName: 'Contoso Partners',
      amountMinor: 100_000,
      currency: 'USD',
      status: 'SUBMITTED',
      number: fresh.number,
      name: 'Test seminar',
    });
    expect(byId[late.id]).toMatchObject({ ageBusinessDays: 5, targetBusinessDays: 2, overdue: true });
    expect(byId[inReview.id]).toMatchObject({ ageBusinessDays: 4, overdue: true, status: 'IN_REVIEW' });
    expect(byId[dispute.id]).toMatchObject({ ageBusinessDays: 5, targetBusinessDays: 5, overdue: false });
    expect(byId[oldDispute.id]).toMatchObject({ ageBusinessDays: 6, targetBusinessDays: 5, overdue: true });
  });

  it('is for reviewers only', async () => {
    await expect(getReviewQueue(w.svc, owner())).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    await expect(getReviewQueue(w.svc, as(w.users.globalAdmin))).rejects.toMatchObject({ kind: 'forbidden' });
  });
});

describe('startReview', () => {
  it('moves a submitted claim into review, records it and tells everyone on the claim but the reviewer', async () => {
    const c = await claimIn('SUBMITTED');
    const r = await startReview(w.svc, reviewer(), { claimId: c.id, version: c.version });
    expect(r).toEqual({ claimId: c.id, version: c.version + 1, status: 'IN_REVIEW' });
    const row = await claimRow(c.id);
    expect(row.reviewStartedAt).toEqual(w.clock.now());
    const h = await history(c.id);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({
      type: 'review_started',
      actorId: w.users.reviewer,
      actorKind: 'REVIEWER',
      statusBefore: 'SUBMITTED',
      statusAfter: 'IN_REVIEW',
    });
    const out = await outbox(c.id);
    expect(out.map((o) => [o.recipientId, o.kind]).sort()).toEqual(
      [
        [w.users.colleague, 'status_changed'],
        [w.users.incentivesUser, 'status_changed'],
      ].sort(),
    );
    expect(out[0]!.payload).toMatchObject({ from: 'SUBMITTED', to: 'IN_REVIEW', byName: 'Patti Fernandez', number: c.number });
  });

  it('refuses a stale card and a claim that is not submitted', async () => {
    const c = await claimIn('SUBMITTED');
    await expect(startReview(w.svc, reviewer(), { claimId: c.id, version: c.version + 3 })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'stale_version',
    });
    const d = await claimIn('EDITING');
    await expect(startReview(w.svc, reviewer(), { claimId: d.id, version: d.version })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'transition_not_allowed',
    });
    await expectUntouched(d, 'EDITING');
  });
});

describe('reviewDocument', () => {
  const proofOf = (claimId: string) => w.db.document.findFirstOrThrow({ where: { claimId, kind: 'PROOF' } });

  it('needs-fix requires feedback and writes nothing without it', async () => {
    const c = await claimIn('IN_REVIEW');
    const doc = await proofOf(c.id);
    const err = await reviewDocument(w.svc, reviewer(), {
      claimId: c.id,
      version: c.version,
      documentId: doc.id,
      decision: 'NEEDS_FIX',
      feedback: '   ',
    }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid' });
    expect(err.details.issues.map((i: { path: string }) => i.path)).toEqual(['feedback']);
    expect((await proofOf(c.id)).reviewState).toBe('PENDING');
    await expectUntouched(c, 'IN_REVIEW');
  });

  it('needs-fix leaves feedback tied to the document and tells the partner which document', async () => {
    const c = await claimIn('IN_REVIEW');
    const doc = await proofOf(c.id);
    const r = await reviewDocument(w.svc, reviewer(), {
      claimId: c.id,
      version: c.version,
      documentId: doc.id,
      decision: 'NEEDS_FIX',
      feedback: 'The agenda does not show the Microsoft logo',
    });
    expect(r).toEqual({ claimId: c.id, version: c.version + 1, status: 'IN_REVIEW' });
    expect(await proofOf(c.id)).toMatchObject({ reviewState: 'NEEDS_FIX', reviewComment: 'The agenda does not show the Microsoft logo' });
    const fb = await w.db.feedback.findMany({ where: { claimId: c.id } });
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ documentId: doc.id, reviewerId: w.users.reviewer, text: 'The agenda does not show the Microsoft logo' });
    const [h] = await history(c.id);
    expect(h).toMatchObject({ type: 'feedback_given', documentId: doc.id, feedbackId: fb[0]!.id });
    expect(h!.data).toMatchObject({ feedbackId: fb[0]!.id, documentId: doc.id });
    const out = await outbox(c.id);
    expect(out.map((o) => o.recipientId).sort()).toEqual([w.users.colleague, w.users.incentivesUser].sort());
    expect(out.every((o) => o.kind === 'feedback')).toBe(true);
    expect(out[0]!.payload).toMatchObject({
      feedbackId: fb[0]!.id,
      documentId: doc.id,
      documentLabel: 'Proof of execution: proof.pdf',
      text: 'The agenda does not show the Microsoft logo',
    });
  });

  it('accept marks the document accepted and records it without notifying anyone', async () => {
    const c = await claimIn('DISPUTED');
    const doc = await proofOf(c.id);
    await reviewDocument(w.svc, reviewer(), { claimId: c.id, version: c.version, documentId: doc.id, decision: 'ACCEPT', feedback: '' });
    expect(await proofOf(c.id)).toMatchObject({ reviewState: 'ACCEPTED', reviewComment: null });
    expect((await history(c.id)).map((h) => h.type)).toEqual(['document_accepted']);
    expect(await outbox(c.id)).toHaveLength(0);
    expect(await w.db.feedback.count({ where: { claimId: c.id } })).toBe(0);
  });

  it("only while the claim is under review, and only for the claim's own documents", async () => {
    const c = await claimIn('SUBMITTED');
    const doc = await proofOf(c.id);
    await expect(
      reviewDocument(w.svc, reviewer(), { claimId: c.id, version: c.version, documentId: doc.id, decision: 'ACCEPT' }),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'not_in_review' });
    const other = await claimIn('IN_REVIEW');
    await expect(
      reviewDocument(w.svc, reviewer(), { claimId: other.id, version: other.version, documentId: doc.id, decision: 'ACCEPT' }),
    ).rejects.toMatchObject({ kind: 'not_found', code: 'document' });
    await expectUntouched(other, 'IN_REVIEW');
  });

  it('is refused to partner users', async () => {
    const c = await claimIn('IN_REVIEW');
    const doc = await proofOf(c.id);
    await expect(
      reviewDocument(w.svc, owner(), { claimId: c.id, version: c.version, documentId: doc.id, decision: 'ACCEPT' }),
    ).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
  });
});

describe('giveFeedback', () => {
  it('adds claim-level feedback without changing the status', async () => {
    const c = await claimIn('IN_REVIEW');
    const r = await giveFeedback(w.svc, reviewer(), { claimId: c.id, version: c.version, text: 'Looks fine so far', documentId: '' });
    expect(r.status).toBe('IN_REVIEW');
    const fb = await w.db.feedback.findFirstOrThrow({ where: { claimId: c.id } });
    expect(fb.documentId).toBeNull();
    expect((await history(c.id)).map((h) => [h.type, h.feedbackId])).toEqual([['feedback_given', fb.id]]);
    expect((await outbox(c.id)).map((o) => o.kind)).toEqual(['feedback', 'feedback']);
  });

  it('requires text', async () => {
    const c = await claimIn('IN_REVIEW');
    await expect(giveFeedback(w.svc, reviewer(), { claimId: c.id, version: c.version, text: '' })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [expect.objectContaining({ path: 'text' })] },
    });
    await expectUntouched(c, 'IN_REVIEW');
  });
});

describe('requestInformation', () => {
  it('returns the claim to the partner with the message as feedback', async () => {
    const c = await claimIn('IN_REVIEW');
    const r = await requestInformation(w.svc, reviewer(), { claimId: c.id, version: c.version, message: 'Please add the attendee list' });
    expect(r).toEqual({ claimId: c.id, version: c.version + 1, status: 'ACTION_REQUIRED' });
    const fb = await w.db.feedback.findFirstOrThrow({ where: { claimId: c.id } });
    expect(fb).toMatchObject({ documentId: null, text: 'Please add the attendee list' });
    const [h] = await history(c.id);
    expect(h).toMatchObject({
      type: 'information_requested',
      statusBefore: 'IN_REVIEW',
      statusAfter: 'ACTION_REQUIRED',
      feedbackId: fb.id,
    });
    expect(h!.data).toMatchObject({ message: 'Please add the attendee list', resolvesDispute: false });
    const out = await outbox(c.id);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({
      kind: 'status_changed',
      payload: expect.objectContaining({ to: 'ACTION_REQUIRED', reason: 'Please add the attendee list' }),
    });
  });

  it('requires a message, and writes nothing without one', async () => {
    const c = await claimIn('IN_REVIEW');
    const err = await requestInformation(w.svc, reviewer(), { claimId: c.id, version: c.version, message: ' ' }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid' });
    expect(err.details.issues[0].path).toBe('message');
    await expectUntouched(c, 'IN_REVIEW');
    expect(await w.db.feedback.count({ where: { claimId: c.id } })).toBe(0);
  });

  it('resolves a dispute by asking the partner for more', async () => {
    const c = await claimIn('DISPUTED');
    await requestInformation(w.svc, reviewer(), { claimId: c.id, version: c.version, message: 'Send the signed invoice' });
    const [h] = await history(c.id);
    expect(h!.data).toMatchObject({ resolvesDispute: true });
    expect((await claimRow(c.id)).status).toBe('ACTION_REQUIRED');
  });
});

describe('approveClaim', () => {
  it('approves the full claimed amount by default', async () => {
    const c = await claimIn('IN_REVIEW', { amountMinor: 250_000 });
    const r = await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version });
    expect(r.status).toBe('APPROVED');
    const row = await claimRow(c.id);
    expect(row).toMatchObject({ approvedMinor: 250_000, decidedAt: w.clock.now() });
    const [h] = await history(c.id);
    expect(h).toMatchObject({ type: 'approved', statusBefore: 'IN_REVIEW', statusAfter: 'APPROVED' });
    expect(h!.data).toMatchObject({ amountMinor: 250_000, partial: false, resolvesDispute: false });
    const out = await outbox(c.id);
    expect(out.map((o) => [o.recipientId, o.kind]).sort()).toEqual(
      [
        [w.users.colleague, 'status_changed'],
        [w.users.incentivesUser, 'status_changed'],
      ].sort(),
    );
    expect(out[0]!.payload).toMatchObject({ to: 'APPROVED', amountMinor: 250_000, currency: 'USD' });
  });

  it('approves part of the amount, within 0 < approved ≤ claimed', async () => {
    const c = await claimIn('IN_REVIEW', { amountMinor: 100_000 });
    const tooMuch = await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, amount: '1000.01' }).catch((e) => e);
    expect(tooMuch).toMatchObject({ kind: 'invalid', details: { issues: [expect.objectContaining({ path: 'amount', code: 'too_big' })] } });
    const zero = await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, amount: '0' }).catch((e) => e);
    expect(zero).toMatchObject({ kind: 'invalid', details: { issues: [expect.objectContaining({ path: 'amount' })] } });
    await expectUntouched(c, 'IN_REVIEW');

    // A cut needs a reason: without one nothing changes, and the message says what is missing.
    const silent = await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, amount: '600.50', reason: ' ' }).catch(
      (e) => e,
    );
    expect(silent).toMatchObject({
      kind: 'invalid',
      details: { issues: [expect.objectContaining({ path: 'reason', code: 'partial_needs_reason' })] },
    });
    await expectUntouched(c, 'IN_REVIEW');

    const reason = 'The hotel invoice covers two nights; only one was for the seminar.';
    await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, amount: '600.50', reason });
    expect((await claimRow(c.id)).approvedMinor).toBe(60_050);
    expect((await history(c.id))[0]!.data).toMatchObject({ amountMinor: 60_050, claimedMinor: 100_000, partial: true, reason });
    const told = await w.db.outboxMessage.findFirstOrThrow({ where: { claimId: c.id, kind: 'status_changed' } });
    expect(told.payload).toMatchObject({ to: 'APPROVED', amountMinor: 60_050, reason });
  });

  it('accepts exactly the claimed amount', async () => {
    const c = await claimIn('IN_REVIEW', { amountMinor: 100_000 });
    await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, amount: 1000 });
    expect((await claimRow(c.id)).approvedMinor).toBe(100_000);
  });

  it("resolves a dispute in the partner's favour", async () => {
    const c = await claimIn('DISPUTED');
    await approveClaim(w.svc, reviewer(), { claimId: c.id, version: c.version });
    expect((await history(c.id))[0]!.data).toMatchObject({ resolvesDispute: true });
  });

  it('two reviewers approving the same version: exactly one wins, the other sees stale_version', async () => {
    const second = await w.db.user.create({
      data: {
        organisationId: w.orgId,
        tenantId: 'reviewers',
        aadObjectId: 'second-reviewer',
        displayName: 'Second Reviewer',
        roles: { create: [{ role: 'REVIEWER' }] },
      },
    });
    const c = await claimIn('IN_REVIEW');
    const svc = racingServices(w);
    const results = await Promise.allSettled([
      approveClaim(svc, reviewer(), { claimId: c.id, version: c.version }),
      approveClaim(svc, as(second.id), { claimId: c.id, version: c.version, amount: '500', reason: 'Only half is eligible' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ kind: 'conflict', code: 'stale_version' });
    expect((await history(c.id)).filter((h) => h.type === 'approved')).toHaveLength(1);
    expect((await claimRow(c.id)).version).toBe(c.version + 1);
  });

  it('applies a repeated idempotency key once, also when the two clicks race', async () => {
    const c = await claimIn('IN_REVIEW');
    const input = { claimId: c.id, version: c.version, idempotencyKey: `approve-${c.id}` };
    const first = await approveClaim(w.svc, reviewer(), input);
    const again = await approveClaim(w.svc, reviewer(), input);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await history(c.id)).toHaveLength(1);
    expect(await outbox(c.id)).toHaveLength(2);

    const d = await claimIn('IN_REVIEW');
    const svc = racingServices(w);
    const raced = await Promise.all(
      [1, 2].map(() => approveClaim(svc, reviewer(), { claimId: d.id, version: d.version, idempotencyKey: `approve-${d.id}` })),
    );
    expect(raced.map((r) => r.version)).toEqual([d.version + 1, d.version + 1]);
    expect(raced.filter((r) => r.replayed)).toHaveLength(1);
    expect(await history(d.id)).toHaveLength(1);
  });
});

describe('rejectClaim', () => {
  it('rejects with a reason the partner reads in history', async () => {
    const c = await claimIn('IN_REVIEW');
    const r = await rejectClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, reason: 'Activity is outside the usage period' });
    expect(r.status).toBe('REJECTED');
    expect(await claimRow(c.id)).toMatchObject({ decidedAt: w.clock.now(), approvedMinor: null });
    const [h] = await history(c.id);
    expect(h).toMatchObject({ type: 'rejected', statusBefore: 'IN_REVIEW', statusAfter: 'REJECTED' });
    expect(h!.data).toMatchObject({ reason: 'Activity is outside the usage period' });
    expect((await outbox(c.id)).map((o) => o.payload)).toContainEqual(
      expect.objectContaining({ to: 'REJECTED', reason: 'Activity is outside the usage period' }),
    );
  });

  it('requires a reason and writes nothing without one', async () => {
    const c = await claimIn('IN_REVIEW');
    const err = await rejectClaim(w.svc, reviewer(), { claimId: c.id, version: c.version }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid' });
    expect(err.details.issues[0].path).toBe('reason');
    await expectUntouched(c, 'IN_REVIEW');
  });

  it('a decision on a terminal claim is refused', async () => {
    const c = await claimIn('APPROVED');
    await expect(rejectClaim(w.svc, reviewer(), { claimId: c.id, version: c.version, reason: 'Changed my mind' })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'transition_not_allowed',
    });
    await expectUntouched(c, 'APPROVED');
  });
});

describe('disputeClaim', () => {
  it('lets the owner dispute a rejection; the colleague and every reviewer are told', async () => {
    const c = await claimIn('REJECTED');
    const r = await disputeClaim(w.svc, owner(), { claimId: c.id, version: c.version, reason: 'The invoice shows the dates' });
    expect(r).toEqual({ claimId: c.id, version: c.version + 1, status: 'DISPUTED' });
    expect((await claimRow(c.id)).disputedAt).toEqual(w.clock.now());
    const [h] = await history(c.id);
    expect(h).toMatchObject({
      type: 'disputed',
      actorKind: 'USER',
      actorId: w.users.incentivesUser,
      statusBefore: 'REJECTED',
      statusAfter: 'DISPUTED',
    });
    expect(h!.data).toMatchObject({ reason: 'The invoice shows the dates' });
    const out = await outbox(c.id);
    const reviewers = await w.db.user.findMany({ where: { roles: { some: { role: 'REVIEWER' } } } });
    expect(
      out
        .filter((o) => o.kind === 'review_needed')
        .map((o) => o.recipientId)
        .sort(),
    ).toEqual(reviewers.map((u) => u.id).sort());
    expect(out.filter((o) => o.kind === 'status_changed').map((o) => o.recipientId)).toEqual([w.users.colleague]);
  });

  it("sends one review card to the reviewers' channel when one is configured", async () => {
    const c = await claimIn('REJECTED');
    const svc = { ...w.svc, settings: { ...w.svc.settings, reviewersConversationId: '19:reviewers@thread.tacv2' } };
    await disputeClaim(svc, as(w.users.incentivesAdmin), { claimId: c.id, version: c.version, reason: 'Please look again' });
    const rn = (await outbox(c.id)).filter((o) => o.kind === 'review_needed');
    expect(rn).toHaveLength(1);
    expect(rn[0]).toMatchObject({
      conversationId: '19:reviewers@thread.tacv2',
      recipientId: null,
      payload: expect.objectContaining({ status: 'DISPUTED', number: c.number }),
    });
    // The owner did not act this time, so they hear about it.
    expect(
      (await outbox(c.id))
        .filter((o) => o.kind === 'status_changed')
        .map((o) => o.recipientId)
        .sort(),
    ).toEqual([w.users.colleague, w.users.incentivesUser].sort());
  });

  it('requires a reason', async () => {
    const c = await claimIn('REJECTED');
    await expect(disputeClaim(w.svc, owner(), { claimId: c.id, version: c.version, reason: '' })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [expect.objectContaining({ path: 'reason' })] },
    });
    await expectUntouched(c, 'REJECTED');
  });

  it("is for partner staff of the claim's organisation only", async () => {
    const c = await claimIn('REJECTED');
    const input = { claimId: c.id, version: c.version, reason: 'Please reconsider' };
    await expect(disputeClaim(w.svc, reviewer(), input)).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    await expect(disputeClaim(w.svc, as(w.users.colleague), input)).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    const org = await w.db.organisation.create({ data: { tenantId: 'fabrikam', name: 'Fabrikam' } });
    const outsider = await w.db.user.create({
      data: {
        organisationId: org.id,
        tenantId: 'fabrikam',
        aadObjectId: 'outsider',
        displayName: 'Out Sider',
        roles: { create: [{ role: 'GLOBAL_ADMIN' }] },
      },
    });
    await expect(disputeClaim(w.svc, as(outsider.id), input)).rejects.toMatchObject({ kind: 'forbidden', code: 'not_in_organisation' });
    await expectUntouched(c, 'REJECTED');
  });
});

describe('role matrix', () => {
  it('partner users and colleagues cannot act as reviewers', async () => {
    const c = await claimIn('IN_REVIEW');
    const v = { claimId: c.id, version: c.version };
    await expect(approveClaim(w.svc, owner(), v)).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    await expect(approveClaim(w.svc, as(w.users.globalAdmin), v)).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
    await expect(rejectClaim(w.svc, as(w.users.incentivesAdmin), { ...v, reason: 'no' })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'role_required',
    });
    await expect(requestInformation(w.svc, as(w.users.colleague), { ...v, message: 'more' })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'role_required',
    });
    await expect(giveFeedback(w.svc, as(w.users.colleague), { ...v, text: 'hm' })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'role_required',
    });
    const s = await claimIn('SUBMITTED');
    await expect(startReview(w.svc, as(w.users.colleague), { claimId: s.id, version: s.version })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'role_required',
    });
    await expectUntouched(c, 'IN_REVIEW');
    await expectUntouched(s, 'SUBMITTED');
  });

  it('an unknown claim is not found', async () => {
    await expect(approveClaim(w.svc, reviewer(), { claimId: '5f0c7a8e-6d2f-4c1e-9b0a-1d2e3f405060', version: 1 })).rejects.toMatchObject({
      kind: 'not_found',
      code: 'claim',
    });
  });
});
