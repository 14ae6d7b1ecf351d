import { ALEX, PATTI, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, findInput, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/** Reasons never vanish: each decision and why it was made stays on every card that shows the claim. */
describe('bot: decisions carry their reasons to every card', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
    for (const u of [ALEX, PATTI]) await h.post(messageActivity(u, connector.url, 'help'));
    await connector.waitFor((s) => [ALEX, PATTI].every((u) => s.sent(conv(u)).length > 0));
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const status = async (id: string) => (await h.world.db.claim.findUniqueOrThrow({ where: { id } })).status;
  const noticeFor = (u: TeamsUser, needle: string) => connector.cardsIn(conv(u)).find((c) => textOf(c).includes(needle));

  it('a partial approval asks why, and the partner reads the reason on the card and in the notification', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true, amountMinor: 100_000 });
    let card = await click(PATTI, 'claim.open', { claimId: c.id });
    const form = await click(PATTI, 'review.approve.form', action(card, 'review.approve.form').data);
    expect(findInput(form, 'reason')).toBeDefined();

    // Less than claimed and no reason: the form comes back saying what is missing; nothing is decided.
    const again = await click(PATTI, 'review.approve', { ...action(form, 'review.approve').data, amount: '600', reason: '' });
    expect(textOf(again)).toContain('Say why you approve less than the amount claimed.');
    expect(await status(c.id)).toBe('IN_REVIEW');

    const reason = 'The hotel invoice covers two nights; only one was for the seminar.';
    card = await click(PATTI, 'review.approve', { ...action(again, 'review.approve').data, amount: '600', reason });
    expect(await status(c.id)).toBe('APPROVED');
    expect(textOf(card)).toContain(`Why less was approved: ${reason}`);

    // The owner's card and notification both say how much, by whom and why.
    const owner = await click(ALEX, 'claim.open', { claimId: c.id });
    expect(textOf(owner)).toMatch(/Approved \$600\.00 of \$1,000\.00 by Patti Fernandez/);
    expect(textOf(owner)).toContain(`Why less was approved: ${reason}`);
    await connector.waitFor(() => Boolean(noticeFor(ALEX, `${c.number} is now Approved`)), 10_000);
    expect(textOf(noticeFor(ALEX, `${c.number} is now Approved`))).toContain(`Why less was approved: ${reason}`);
  });

  it('a rejection reason stays on the partner card and the dispute form; the dispute argument reaches the reviewer card', async () => {
    const c = await insertClaim(h.world, { status: 'IN_REVIEW', complete: true });
    let card = await click(PATTI, 'claim.open', { claimId: c.id });
    let form = await click(PATTI, 'review.reject.form', action(card, 'review.reject.form').data);
    const reason = 'The seminar ran before the usage period started.';
    await click(PATTI, 'review.reject', { ...action(form, 'review.reject').data, reason });
    expect(await status(c.id)).toBe('REJECTED');

    // The partner opens the claim a day later: the reason is on the card, not only in History.
    card = await click(ALEX, 'claim.open', { claimId: c.id });
    expect(textOf(card)).toMatch(/Rejected by Patti Fernandez/);
    expect(textOf(card)).toContain(`Reason: ${reason}`);
    form = await click(ALEX, 'claim.dispute.form', action(card, 'claim.dispute.form').data);
    expect(textOf(form)).toMatch(/Rejected by Patti Fernandez/);
    expect(textOf(form)).toContain(`Reason: ${reason}`);

    const argument = 'The seminar ran on 1 September, inside the usage period: see the agenda.';
    await click(ALEX, 'claim.dispute', { ...action(form, 'claim.dispute').data, reason: argument });
    expect(await status(c.id)).toBe('DISPUTED');

    // The reviewer is told with the argument, and the card shows the rejection and the dispute of it.
    await connector.waitFor(() => Boolean(noticeFor(PATTI, `${c.number} needs a reviewer`)), 10_000);
    expect(textOf(noticeFor(PATTI, `${c.number} needs a reviewer`))).toContain(`Argument: ${argument}`);
    card = await click(PATTI, 'claim.open', { claimId: c.id });
    const text = textOf(card);
    expect(text).toContain(`Reason: ${reason}`);
    expect(text).toMatch(/Rejection disputed by Alex Wilber/);
    expect(text).toContain(`Argument: ${argument}`);
    const ruling = await click(PATTI, 'review.reject.form', action(card, 'review.reject.form').data);
    expect(textOf(ruling)).toContain(`Argument: ${argument}`);
  });
});
