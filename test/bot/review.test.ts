import {
  ALEX,
  ISAIAH,
  MEGAN,
  PATTI,
  executeActivity,
  fileActivity,
  messageActivity,
  refreshActivity,
  type TeamsUser,
} from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { actions, action, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { fixture } from '../fixtures/files/ooxml';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost } from '../stubs/fileHost';

/** Issue #5's story over HTTP: submit → review card → needs fix + request info → fix → resubmit → partial approval; reject → dispute → approve. */
describe('bot: reviewer workflow on cards, and the owner kept informed', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: Awaited<ReturnType<typeof startFileHost>>;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    h = await startBotHarness();
    for (const u of [ALEX, PATTI, MEGAN, ISAIAH]) {
      await h.post(messageActivity(u, connector.url, 'help'));
    }
    await connector.waitFor((s) => [ALEX, PATTI, MEGAN, ISAIAH].every((u) => s.sent(conv(u)).length > 0));
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await fileHost.close();
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>, replyToId = 'card-1') {
    const r = await h.post(executeActivity(u, connector.url, verb, data, replyToId));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const claimRow = (id: string) => h.world.db.claim.findUniqueOrThrow({ where: { id } });
  const cardsFor = (u: TeamsUser, needle: string) => connector.cardsIn(conv(u)).filter((c) => textOf(c).includes(needle));

  it('takes a claim from submit through needs-fix and request for information to a partial approval', async () => {
    const c = await insertClaim(h.world, { complete: true, amountMinor: 100_000 });
    const proof = await h.world.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });

    // The owner submits; the review card reaches the reviewer's 1:1 chat.
    let card = await click(ALEX, 'claim.submit', { claimId: c.id, version: c.version, idempotencyKey: 'submit-review-1' });
    expect(textOf(card)).toMatch(/Submitted/);
    await connector.waitFor(() => cardsFor(PATTI, c.number).length > 0, 10_000);
    const reviewNotice = cardsFor(PATTI, c.number)[0];
    expect(actions(reviewNotice).some((a) => a.verb === 'claim.open')).toBe(true);

    // The reviewer's queue lists it with its age against the 2-day target.
    await h.post(messageActivity(PATTI, connector.url, 'reviews'));
    await connector.waitFor((s) =>
      s
        .cardsIn(conv(PATTI))
        .some((x) => textOf(x).includes(c.number) && /2/.test(textOf(x)) && actions(x).some((a) => a.verb === 'claim.open')),
    );

    // The reviewer opens it: reviewer actions, no partner actions.
    card = await click(PATTI, 'claim.open', { claimId: c.id });
    expect(actions(card).map((a) => a.verb)).toContain('review.start');
    expect(actions(card).map((a) => a.verb)).not.toContain('claim.submit');
    card = await click(PATTI, 'review.start', action(card, 'review.start').data);
    expect((await claimRow(c.id)).status).toBe('IN_REVIEW');
    expect(actions(card).map((a) => a.verb)).toEqual(
      expect.arrayContaining(['review.approve.form', 'review.reject.form', 'review.requestInfo.form', 'review.doc']),
    );

    // Needs fix on the proof, with feedback tied to that item.
    const needsFix = action(card, 'review.doc', (d) => d.documentId === proof.id && d.decision === 'NEEDS_FIX');
    const missing = await click(PATTI, 'review.doc', { ...needsFix.data });
    expect(textOf(missing)).toMatch(/fix|feedback|required/i);
    expect(await h.world.db.feedback.count({ where: { claimId: c.id } })).toBe(0);
    card = await click(PATTI, 'review.doc', {
      ...action(missing, 'review.doc', (d) => d.documentId === proof.id && d.decision === 'NEEDS_FIX').data,
      [`feedback_${proof.id}`]: 'The agenda does not show the Microsoft logo',
    });
    expect(textOf(card)).toContain('The agenda does not show the Microsoft logo');
    const fb = await h.world.db.feedback.findFirstOrThrow({ where: { claimId: c.id } });
    expect(fb.documentId).toBe(proof.id);
    await connector.waitFor(() => cardsFor(ALEX, 'The agenda does not show the Microsoft logo').length > 0, 10_000);

    // Request information: the claim goes back to the partner, editable again.
    let form = await click(PATTI, 'review.requestInfo.form', action(card, 'review.requestInfo.form').data);
    card = await click(PATTI, 'review.requestInfo', {
      ...action(form, 'review.requestInfo').data,
      message: 'Please send the final agenda with the logo',
    });
    expect(textOf(card)).toContain('Action required');
    expect((await claimRow(c.id)).status).toBe('ACTION_REQUIRED');
    await connector.waitFor(() => cardsFor(ALEX, 'Please send the final agenda with the logo').length > 0, 10_000);
    const history = await h.world.db.historyEvent.findMany({ where: { claimId: c.id }, orderBy: { id: 'asc' } });
    expect(history.map((e) => e.type)).toEqual(
      expect.arrayContaining(['submitted', 'review_started', 'feedback_given', 'information_requested']),
    );
    expect(history.find((e) => e.type === 'feedback_given')!.documentId).toBe(proof.id);

    // The reviewer cannot edit; the owner replaces the proof; the feedback is resolved.
    const refused = await click(PATTI, 'metric.add', {
      claimId: c.id,
      version: (await claimRow(c.id)).version,
      idempotencyKey: 'patti-metric-1',
      name: 'Attendees',
      value: '1',
    });
    expect(textOf(refused)).toMatch(/role|allowed|cannot/i);
    card = await click(ALEX, 'claim.open', { claimId: c.id });
    expect(textOf(card)).toMatch(/Action required/);
    expect(actions(card).map((a) => a.verb)).toContain('claim.resubmit');
    // The checklist says the needs-fix proof must go; "Replace" on that proof opens its form.
    expect(textOf(card)).toMatch(/needs fix/i);
    const replaceForm = await click(ALEX, 'doc.add.form', action(card, 'doc.add.form', (d) => d.documentId === proof.id).data);
    expect(textOf(replaceForm)).toMatch(/Replace/);
    await click(ALEX, 'doc.add', { ...action(replaceForm, 'doc.add').data, details: 'Final agenda with the Microsoft logo' });
    fileHost.serve('/files/final-agenda.pdf', fixture('invoice.pdf'), 'application/pdf');
    const before = connector.sent(conv(ALEX)).length;
    await h.post(
      fileActivity(ALEX, connector.url, {
        name: 'final-agenda.pdf',
        downloadUrl: `${fileHost.url}/files/final-agenda.pdf`,
        fileType: 'pdf',
      }),
    );
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > before);
    expect((await h.world.db.feedback.findUniqueOrThrow({ where: { id: fb.id } })).resolvedAt).not.toBeNull();
    expect((await h.world.db.document.findUniqueOrThrow({ where: { id: proof.id } })).removedAt).not.toBeNull();

    // Resubmit, review again, approve part of the amount.
    card = await click(ALEX, 'claim.resubmit', { claimId: c.id, version: (await claimRow(c.id)).version, idempotencyKey: 'resubmit-1' });
    expect(textOf(card)).toContain('Submitted');
    expect((await claimRow(c.id)).status).toBe('SUBMITTED');
    card = await click(PATTI, 'claim.open', { claimId: c.id });
    card = await click(PATTI, 'review.start', action(card, 'review.start').data);
    form = await click(PATTI, 'review.approve.form', action(card, 'review.approve.form').data);
    expect(textOf(form)).toContain('1000.00');
    const tooMuch = await click(PATTI, 'review.approve', { ...action(form, 'review.approve').data, amount: '2000' });
    expect(textOf(tooMuch)).toContain('2000');
    expect((await claimRow(c.id)).status).toBe('IN_REVIEW');
    card = await click(PATTI, 'review.approve', {
      ...action(tooMuch, 'review.approve').data,
      amount: '600.00',
      reason: 'Two of the five webinars had no Microsoft content',
    });
    expect(textOf(card)).toContain('Approved');
    const approved = await claimRow(c.id);
    expect(approved.status).toBe('APPROVED');
    expect(approved.approvedMinor).toBe(60_000);
    await connector.waitFor(() => cardsFor(ALEX, '$600.00').length > 0, 10_000);

    // The overview follows: the approved amount shows.
    const n = connector.sent(conv(ALEX)).length;
    await h.post(messageActivity(ALEX, connector.url, 'claims'));
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > n);
    expect(textOf(connector.cardsIn(conv(ALEX)).at(-1))).toContain('$600.00');
  });

  it('lets the partner dispute a rejection, and the reviewer approve the dispute', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true, amountMinor: 50_000 });
    let card = await click(PATTI, 'claim.open', { claimId: c.id });
    let form = await click(PATTI, 'review.reject.form', action(card, 'review.reject.form').data);
    const noReason = await click(PATTI, 'review.reject', { ...action(form, 'review.reject').data, reason: '  ' });
    expect((await claimRow(c.id)).status).toBe('IN_REVIEW');
    card = await click(PATTI, 'review.reject', { ...action(noReason, 'review.reject').data, reason: 'Invoice is from the wrong period' });
    expect(textOf(card)).toContain('Rejected');
    expect((await claimRow(c.id)).status).toBe('REJECTED');
    await connector.waitFor(() => cardsFor(ALEX, 'Invoice is from the wrong period').length > 0, 10_000);

    card = await click(ALEX, 'claim.open', { claimId: c.id });
    form = await click(ALEX, 'claim.dispute.form', action(card, 'claim.dispute.form').data);
    card = await click(ALEX, 'claim.dispute', {
      ...action(form, 'claim.dispute').data,
      reason: 'The invoice date is inside the usage period',
    });
    expect(textOf(card)).toContain('Disputed');
    expect((await claimRow(c.id)).status).toBe('DISPUTED');
    await connector.waitFor((s) => s.cardsIn(conv(PATTI)).some((x) => textOf(x).includes(c.number) && /disput/i.test(textOf(x))), 10_000);

    card = await click(PATTI, 'claim.open', { claimId: c.id });
    form = await click(PATTI, 'review.approve.form', action(card, 'review.approve.form').data);
    await click(PATTI, 'review.approve', {
      ...action(form, 'review.approve').data,
      amount: '500',
      reason: 'Half of the costs are eligible',
    });
    expect((await claimRow(c.id)).status).toBe('APPROVED');
    const types = (await h.world.db.historyEvent.findMany({ where: { claimId: c.id } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['rejected', 'disputed', 'approved']));
  });

  it('refuses through the bot: the owner cannot approve, a colleague cannot submit', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true });
    const ownerTry = await click(ALEX, 'review.approve', {
      claimId: c.id,
      version: c.version,
      idempotencyKey: 'owner-approve-1',
      amount: '10',
    });
    expect(textOf(ownerTry)).toMatch(/role|allowed/i);
    const draft = await insertClaim(h.world, { complete: true });
    const colleagueTry = await click(ISAIAH, 'claim.submit', {
      claimId: draft.id,
      version: draft.version,
      idempotencyKey: 'isaiah-submit-1',
    });
    expect(textOf(colleagueTry)).toMatch(/role|allowed|not on this claim/i);
    expect((await claimRow(c.id)).status).toBe('IN_REVIEW');
    expect((await claimRow(draft.id)).status).toBe('EDITING');
  });

  it('two reviewers approving at once: one wins, the other sees the decided card', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true, amountMinor: 20_000 });
    const [a, b] = await Promise.all([
      click(PATTI, 'review.approve', { claimId: c.id, version: c.version, idempotencyKey: 'race-approve-a', amount: '200' }),
      click(PATTI, 'review.approve', {
        claimId: c.id,
        version: c.version,
        idempotencyKey: 'race-approve-b',
        amount: '150',
        reason: 'One invoice is outside the period',
      }),
    ]);
    const row = await claimRow(c.id);
    expect(row.status).toBe('APPROVED');
    expect([20_000, 15_000]).toContain(row.approvedMinor);
    expect(await h.world.db.historyEvent.count({ where: { claimId: c.id, type: 'approved' } })).toBe(1);
    const texts = [textOf(a), textOf(b)];
    expect(texts.every((x) => /Approved/.test(x))).toBe(true);
    expect(texts.some((x) => /changed/i.test(x))).toBe(true);
  });

  it("updates the claim card already posted in the owner's chat when the reviewer decides", async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true, amountMinor: 30_000 });
    const before = connector.sent(conv(ALEX)).length;
    await h.post(messageActivity(ALEX, connector.url, `claim ${c.number}`));
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > before);
    const posted = connector.sent(conv(ALEX)).at(-1)!;
    expect(textOf(posted.activity.attachments?.[0]?.content)).toMatch(/In review/);
    await click(PATTI, 'review.approve', { claimId: c.id, version: c.version, idempotencyKey: 'approve-updates-1', amount: '300' });
    await connector.waitFor(
      (s) => s.updates(conv(ALEX), posted.activityId).some((u) => /Approved/.test(textOf(u.activity.attachments?.[0]?.content))),
      10_000,
    );
    // One claim card per claim and conversation is tracked, so updates do not pile up.
    await h.post(messageActivity(ALEX, connector.url, `claim ${c.number}`));
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > before + 1);
    expect(await h.world.db.claimCard.count({ where: { claimId: c.id, conversationId: conv(ALEX), view: 'detail' } })).toBe(1);
  });

  it("answers a card refresh with each viewer's own view", async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true });
    const view = async (u: TeamsUser) => {
      const r = await h.post(refreshActivity(u, connector.url, { claimId: c.id }));
      return invokeCard(r.body);
    };
    const reviewer = await view(PATTI);
    expect(actions(reviewer).map((a) => a.verb)).toContain('review.approve.form');
    const owner = await view(ALEX);
    expect(textOf(owner)).toMatch(/In review/);
    expect(actions(owner).map((a) => a.verb)).not.toContain('review.approve.form');
    const other = await view(ISAIAH);
    expect(textOf(other)).toContain(c.number);
    expect(actions(other).filter((a) => a.verb !== 'claim.open')).toEqual([]);
    // An automatic refresh never records or updates cards.
    expect(await h.world.db.claimCard.count({ where: { claimId: c.id } })).toBe(0);
  });
});

describe("bot: review cards go to the reviewers' channel when one is configured", () => {
  const CHANNEL = '19:claim-reviews@thread.tacv2';
  let h: BotHarness;
  let connector: ConnectorStub;
  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness({ REVIEWERS_CONVERSATION_ID: CHANNEL });
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  it('posts the review card to the channel, not to each reviewer', async () => {
    // A reviewer mentions the bot in the channel once, so the channel's conversation reference is stored.
    const inChannel = {
      ...messageActivity(PATTI, connector.url, '<at>Co-op Claims</at> help'),
      conversation: { id: CHANNEL, conversationType: 'channel', tenantId: DEMO_TENANT_ID, isGroup: true },
    };
    await h.post(inChannel);
    await connector.waitFor((s) => s.sent(CHANNEL).length > 0);
    await h.post(messageActivity(PATTI, connector.url, 'help'));
    await connector.waitFor((s) => s.sent(`a:personal-${PATTI.aadObjectId}`).length > 0);

    const c = await insertClaim(h.world, { complete: true });
    const r = await h.post(
      executeActivity(ALEX, connector.url, 'claim.submit', { claimId: c.id, version: c.version, idempotencyKey: 'channel-submit-1' }),
    );
    expect(r.status).toBe(200);
    await connector.waitFor((s) => s.cardsIn(CHANNEL).some((x) => textOf(x).includes(c.number)), 10_000);
    expect(connector.cardsIn(`a:personal-${PATTI.aadObjectId}`).some((x) => textOf(x).includes(c.number))).toBe(false);
  });
});
