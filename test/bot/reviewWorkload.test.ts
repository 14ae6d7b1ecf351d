import { ALEX, PATTI, executeActivity, messageActivity, searchActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, findInput, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/** A second reviewer, so reviews can change hands. */
const NESTOR: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000025', name: 'Nestor Wilke' };
/** Contoso's Global admin: under internal review (the demo), escalations go to her. */
const ADELE: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000022', name: 'Adele Vance' };
const MONDAY = new Date('2026-11-30T10:00:00.000Z');

/** Reviewer workload over HTTP through the production wiring: ownership, reassignment, the filtered queue, reminders. */
describe('bot: reviewer workload', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let nestorId: string;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    // The scheduler runs every second, as on every replica; the test moves the clock.
    h = await startBotHarness({ SCHEDULER_INTERVAL_SECONDS: '1' });
    for (const u of [ALEX, PATTI, NESTOR, ADELE]) await h.post(messageActivity(u, connector.url, 'help'));
    await connector.waitFor((s) => [ALEX, PATTI, NESTOR, ADELE].every((u) => s.sent(conv(u)).length > 0));
    const nestor = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: NESTOR.aadObjectId } });
    nestorId = nestor.id;
    await h.world.db.roleAssignment.create({ data: { userId: nestor.id, role: 'REVIEWER' } });
    h.world.clock.current = new Date(MONDAY);
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });
  beforeEach(async () => {
    await h.world.db.claim.updateMany({ where: { status: { in: ['SUBMITTED', 'IN_REVIEW', 'DISPUTED'] } }, data: { status: 'CANCELLED' } });
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const cardsFor = (u: TeamsUser, needle: string) => connector.cardsIn(conv(u)).filter((c) => textOf(c).includes(needle));

  it('Start review takes the claim; Reassign hands it to a colleague from the review team, who is told once', async () => {
    const c = await insertClaim(h.world, { status: 'SUBMITTED', complete: true });
    let card = await click(PATTI, 'claim.open', { claimId: c.id });
    expect(textOf(card)).toMatch(/Reviewer\nNot assigned yet/);
    card = await click(PATTI, 'review.start', action(card, 'review.start').data);
    expect(textOf(card)).toMatch(/Reviewer\nPatti Fernandez/);

    // The queue says who owns what.
    await h.post(messageActivity(PATTI, connector.url, 'reviews'));
    await connector.waitFor(() => cardsFor(PATTI, c.number).some((q) => textOf(q).includes('Owner: Patti Fernandez')));

    // Reassign: the picker searches the review team only (a partner is not offered).
    const form = await click(PATTI, 'review.assign.form', action(card, 'review.assign.form').data);
    expect(textOf(form)).toContain('Owner now: Patti Fernandez');
    expect(textOf(form)).toContain('Nestor Wilke');
    expect(textOf(form)).not.toContain('Alex Wilber');
    // The picker's dataset names the claim: who may be offered depends on it (review scope, segregation of duties).
    const dataset = (findInput(form, 'assigneeId') as { 'choices.data'?: { dataset?: string } })['choices.data']?.dataset ?? '';
    expect(dataset).toBe(`reviewers:${c.id}`);
    const found = async (u: TeamsUser, ds: string, q: string) =>
      ((await h.post(searchActivity(u, connector.url, ds, q))).body as { value: { results: Array<{ value: string; title: string }> } })
        .value.results;
    expect(await found(PATTI, dataset, 'nes')).toEqual([{ value: nestorId, title: 'Nestor Wilke' }]);
    expect(await found(PATTI, dataset, 'alex')).toEqual([]);
    // A forged dataset (no claim, not a claim id, or asked by a partner) offers nobody, and never fails.
    for (const [u, ds] of [
      [PATTI, 'reviewers'],
      [PATTI, 'reviewers:not-a-claim'],
      [ALEX, dataset],
    ] as const)
      expect(await found(u, ds, '')).toEqual([]);

    card = await click(PATTI, 'review.assign', { ...action(form, 'review.assign').data, assigneeId: nestorId });
    expect(textOf(card)).toContain('The review is now with Nestor Wilke.');
    expect(textOf(card)).toMatch(/Reviewer\nNestor Wilke/);
    await connector.waitFor(() => cardsFor(NESTOR, `${c.number} is yours to review`).length > 0, 10_000);
    const told = cardsFor(NESTOR, `${c.number} is yours to review`);
    expect(textOf(told[0])).toContain('Patti Fernandez gave you the review');
    expect(actions(told[0]).map((a) => a.verb)).toEqual(expect.arrayContaining(['claim.open', 'reviews.open']));

    // The partner sees who reviews; History keeps the change.
    expect(textOf(await click(ALEX, 'claim.open', { claimId: c.id }))).toMatch(/Reviewer\nNestor Wilke/);
    const history = await click(ALEX, 'claim.history', { claimId: c.id });
    expect(textOf(history)).toContain('Review reassigned');
    expect(textOf(history)).toContain('From Patti Fernandez to Nestor Wilke');

    // Only reviewers reassign; a partner who forges the click is refused and nothing changes.
    const refused = await click(ALEX, 'review.assign', { claimId: c.id, assigneeId: nestorId, idempotencyKey: 'alex-forged-assign' });
    expect(textOf(refused)).toMatch(/role/i);
    expect(cardsFor(NESTOR, `${c.number} is yours to review`)).toHaveLength(1);
  });

  it('Reassign says why someone cannot take the review, in English and Korean (worked on the claim; not of the review team)', async () => {
    const c = await insertClaim(h.world, { status: 'SUBMITTED', complete: true });
    await h.world.db.document.create({ data: { claimId: c.id, kind: 'ADDITIONAL_INFO', details: 'Context', uploaderId: nestorId } });
    const alexId = (await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: ALEX.aadObjectId } })).id;
    const PATTI_KO: TeamsUser = { ...PATTI, locale: 'ko-KR' };
    const cases: Array<[TeamsUser, string, string]> = [
      [PATTI, nestorId, 'That reviewer worked on this claim, so they cannot review it.'],
      [PATTI_KO, nestorId, '그 검토자는 이 청구에 참여했으므로 검토할 수 없습니다.'],
      [PATTI, alexId, 'Choose someone of the review team.'],
      [PATTI_KO, alexId, '검토 팀에 속한 사람을 선택하세요.'],
    ];
    for (const [u, assigneeId, says] of cases) {
      const form = await click(u, 'review.assign.form', { claimId: c.id });
      // Nestor uploaded to this claim: he is not offered.
      expect(textOf(form)).not.toContain('Nestor Wilke');
      const answer = await click(u, 'review.assign', { ...action(form, 'review.assign').data, assigneeId });
      expect(textOf(answer)).toContain(says);
    }
    expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: c.id } })).reviewerId).toBeNull();
  });

  it('filters the queue by owner and age and pages through it', async () => {
    const mine = await insertClaim(h.world, { status: 'IN_REVIEW' });
    await h.world.db.claim.update({ where: { id: mine.id }, data: { reviewerId: nestorId } });
    for (let i = 0; i < 11; i++) await insertClaim(h.world, { status: 'SUBMITTED' });

    let queue = await click(NESTOR, 'reviews.open', { page: 1, owner: 'mine', age: 'any', organisationId: 'all' });
    expect(textOf(queue)).toContain('Filtered: Mine');
    expect(textOf(queue)).toContain(mine.number);
    expect(textOf(queue)).toContain('1 claim, oldest first');
    queue = await click(PATTI, 'reviews.open', { page: 1, owner: 'mine' });
    expect(textOf(queue)).toContain('No claims waiting match these filters.');
    // Clear filters: the whole queue, 12 claims on two pages.
    queue = await click(PATTI, 'reviews.open', action(queue, 'reviews.open', (d) => JSON.stringify(d.filter) === '{}').data);
    expect(textOf(queue)).toContain('12 claims, oldest first');
    expect(textOf(queue)).toContain('Page 1 of 2');
    const next = actions(queue).find((a) => a.title === 'Next page')!;
    queue = await click(PATTI, next.verb, next.data);
    expect(textOf(queue)).toContain('Page 2 of 2');
    expect(actions(queue).map((a) => a.title)).toContain('Previous page');
    expect(actions(queue).filter((a) => a.verb === 'claim.open')).toHaveLength(2);
    // Age: nothing here is past its target yet.
    queue = await click(PATTI, 'reviews.open', { page: 1, age: 'overdue' });
    expect(textOf(queue)).toContain('No claims waiting match these filters.');
  });

  it('reminds the owner of an overdue review once a business day and escalates after twice the target, from the running scheduler', async () => {
    const late = await insertClaim(h.world, { status: 'IN_REVIEW' });
    const stale = await insertClaim(h.world, { status: 'SUBMITTED' });
    // Both become overdue at once (the running scheduler could otherwise see one before the other).
    await h.world.db.$transaction([
      h.world.db.claim.update({ where: { id: late.id }, data: { submittedAt: new Date('2026-11-25T09:00Z'), reviewerId: nestorId } }),
      h.world.db.claim.update({ where: { id: stale.id }, data: { submittedAt: new Date('2026-11-20T09:00Z') } }),
    ]);

    // One reminder card for Nestor: his own overdue review, and the one nobody owns.
    const reminderFor = (u: TeamsUser) => connector.cardsIn(conv(u)).filter((x) => textOf(x).startsWith('Reminder:'));
    await connector.waitFor(() => reminderFor(NESTOR).length > 0 && reminderFor(PATTI).length > 0, 15_000);
    const nestorsCard = textOf(reminderFor(NESTOR)[0]);
    expect(nestorsCard).toContain('Reminder: 2 reviews are past their target');
    expect(nestorsCard).toContain(`**Yours (1)**\n${late.number} · Test seminar: 3 business days (target 2)`);
    expect(nestorsCard).toContain(`**Nobody owns these yet (1)**\n${stale.number} · Test seminar: 6 business days (target 2)`);
    expect(actions(reminderFor(NESTOR)[0]).map((a) => a.title)).toEqual(
      expect.arrayContaining(['My overdue reviews', 'Unassigned overdue', `Open ${late.number}`]),
    );
    expect(textOf(reminderFor(PATTI)[0])).toContain('Reminder: a review is past its target');
    // "My overdue reviews" opens the queue filtered that way.
    const mine = action(reminderFor(NESTOR)[0], 'reviews.open', (d) => (d.filter as { owner?: string })?.owner === 'mine');
    const queue = await click(NESTOR, mine.verb, mine.data);
    expect(textOf(queue)).toContain('Filtered: Mine · Past the target');
    expect(textOf(queue)).toContain(late.number);
    expect(textOf(queue)).not.toContain(stale.number);

    // Nobody owns `stale` and it is past twice the target: the admins are told (the demo reviews its
    // own claims, so Contoso's Global admin, who did not work on it; not the reviewers).
    await connector.waitFor(() => cardsFor(ADELE, `Escalation: ${stale.number}`).length > 0, 15_000);
    expect(textOf(cardsFor(ADELE, `Escalation: ${stale.number}`)[0])).toContain('Nobody owns this review.');
    expect(cardsFor(PATTI, `Escalation: ${stale.number}`)).toHaveLength(0);

    // More scheduler runs on the same day change nothing.
    await new Promise((r) => setTimeout(r, 2500));
    expect(reminderFor(NESTOR)).toHaveLength(1);
    expect(cardsFor(ADELE, `Escalation: ${stale.number}`)).toHaveLength(1);
    const types = (await h.world.db.historyEvent.findMany({ where: { claimId: stale.id } })).map((e) => e.type).sort();
    expect(types).toEqual(['review_escalated', 'review_reminder_sent']);
    const history = await click(PATTI, 'claim.history', { claimId: stale.id });
    expect(textOf(history)).toContain("more than twice the target of 2. The review team's admins were told.");
    expect(textOf(history)).toContain('Nobody owns the review: the review team was reminded.');

    // The next business day: one more reminder, no second escalation.
    h.world.clock.current = new Date('2026-12-01T10:00:00.000Z');
    await connector.waitFor(() => reminderFor(NESTOR).length === 2, 15_000);
    expect(cardsFor(ADELE, `Escalation: ${stale.number}`)).toHaveLength(1);
    h.world.clock.current = new Date(MONDAY);
  });
});
