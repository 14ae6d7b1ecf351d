import crypto from 'node:crypto';
import { Client } from 'pg';
import { ALEX, MEGAN, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/**
 * A double click sends the same card action twice at once (same idempotency key). Exactly one change
 * is made, and both clicks are answered with its result, as a repeated click is: never "something
 * went wrong" for the one that lost the race.
 */
describe('bot: double clicks', () => {
  let h: BotHarness;
  let connector: ConnectorStub;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
    await h.post(messageActivity(ALEX, connector.url, 'help'));
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  /** Both requests are on the wire before either is answered. */
  async function doubleClick(verb: string, data: Record<string, unknown>) {
    const activity = executeActivity(ALEX, connector.url, verb, data);
    const answers = await Promise.all([h.post({ ...activity, id: crypto.randomUUID() }), h.post({ ...activity, id: crypto.randomUUID() })]);
    return answers.map((a) => {
      expect(a.status).toBe(200);
      return textOf(invokeCard(a.body));
    });
  }

  it('"Create claim" clicked twice at once creates one claim and both clicks show it', async () => {
    const form = invokeCard((await h.post(executeActivity(ALEX, connector.url, 'claim.new.form', {}))).body);
    const seminar = h.world.activityTypes.SEMINAR!;
    for (let round = 0; round < 5; round++) {
      const before = await h.world.db.claim.count();
      const data = {
        ...action(form, 'claim.create').data,
        idempotencyKey: `double-create-${round}-${crypto.randomUUID()}`,
        fundAllocationId: h.world.allocation.id,
        activityTypeId: seminar,
        name: `Double-click seminar ${round}`,
        amount: '100',
        activityStart: '2026-09-10',
        activityEnd: '2026-09-11',
        description: 'Clicked twice',
      };
      const [a, b] = await doubleClick('claim.create', data);
      expect(await h.world.db.claim.count()).toBe(before + 1);
      const claim = await h.world.db.claim.findFirstOrThrow({ where: { name: `Double-click seminar ${round}` } });
      for (const text of [a, b]) {
        expect(text).toContain(claim.number);
        expect(text).not.toMatch(/went wrong/i);
      }
    }
  });

  it('"Post comment" clicked twice at once posts one comment and both clicks show the claim with it', async () => {
    const c = await insertClaim(h.world);
    for (let round = 0; round < 5; round++) {
      const text = `Looks good, round ${round}`;
      const [a, b] = await doubleClick('comment.add', {
        claimId: c.id,
        idempotencyKey: `double-comment-${round}-${crypto.randomUUID()}`,
        text,
      });
      expect(await h.world.db.comment.count({ where: { claimId: c.id, text } })).toBe(1);
      for (const answer of [a, b]) {
        expect(answer).toContain(c.number);
        expect(answer).not.toMatch(/went wrong/i);
      }
    }
  });

  it('"Submit" clicked twice at once submits once and both clicks show the submitted claim', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await insertClaim(h.world, { complete: true });
      const [a, b] = await doubleClick('claim.submit', { claimId: c.id, version: c.version, idempotencyKey: `double-submit-${c.id}` });
      expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('SUBMITTED');
      expect(await h.world.db.historyEvent.count({ where: { claimId: c.id, type: 'submitted' } })).toBe(1);
      for (const answer of [a, b]) {
        expect(answer).toMatch(/Submitted/);
        expect(answer).not.toMatch(/went wrong|changed since/i);
      }
    }
  });

  it('two people clicking the same shared card each get their own result (the key is per person)', async () => {
    const c = await insertClaim(h.world);
    const data = { claimId: c.id, idempotencyKey: `shared-card-${c.id}` };
    const alex = await h.post(executeActivity(ALEX, connector.url, 'comment.add', { ...data, text: 'From Alex' }));
    const megan = await h.post(executeActivity(MEGAN, connector.url, 'comment.add', { ...data, text: 'From Megan' }));
    for (const r of [alex, megan]) expect(textOf(invokeCard(r.body))).not.toMatch(/went wrong/i);
    expect((await h.world.db.comment.findMany({ where: { claimId: c.id } })).map((x) => x.text).sort()).toEqual([
      'From Alex',
      'From Megan',
    ]);
  });

  it('two people replacing the same metric on one claim version at once: one change is made whole, the other is told the claim changed', async () => {
    // Both writers read the claim at version V, then meet on its row: a connection of the test holds
    // the claim's row lock until both wait on it, so the write statement (the version bump and the
    // writes in one) decides the race, not timing luck. Both would retire the same metric and settle
    // its feedback, the rows a writer that locked them before the claim's row would deadlock on.
    const c = await insertClaim(h.world);
    const old = await h.world.db.document.create({
      data: { claimId: c.id, kind: 'METRIC', fields: { name: 'Attendees', value: '50' }, uploaderId: h.world.users.incentivesUser },
    });
    await h.world.db.feedback.create({
      data: { claimId: c.id, reviewerId: h.world.users.reviewer, documentId: old.id, text: 'Count again' },
    });
    const click = (u: TeamsUser, value: string) =>
      h.post(
        executeActivity(u, connector.url, 'metric.add', {
          claimId: c.id,
          version: c.version,
          idempotencyKey: `race-${value}-${c.id}`,
          name: 'Attendees',
          value,
        }),
      );
    // Polled outside the lock's transaction: pg_stat_activity is read once per transaction.
    const waiting = async () =>
      (
        await h.world.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%bumped%'`
      )[0]!.n;
    const lock = new Client({ connectionString: h.world.t.url });
    await lock.connect();
    let answers: Array<{ status: number; body: unknown }>;
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM "Claim" WHERE id = $1 FOR UPDATE', [c.id]);
      const clicks = [click(ALEX, '80'), click(MEGAN, '95')];
      for (let i = 0; (await waiting()) < 2; i++) {
        if (i > 500) throw new Error('the two writers never both waited on the claim row');
        await new Promise((r) => setTimeout(r, 20));
      }
      await lock.query('COMMIT');
      answers = await Promise.all(clicks);
    } finally {
      await lock.end();
    }
    const texts = answers.map((a) => {
      expect(a.status).toBe(200);
      return textOf(invokeCard(a.body));
    });
    for (const t of texts) {
      expect(t).toContain(c.number);
      expect(t).not.toMatch(/went wrong|deadlock/i);
    }
    expect(texts.filter((t) => /changed since you last saw it/.test(t))).toHaveLength(1);
    // The winner's change is whole (old metric retired, its feedback settled, the new one, history,
    // stored result); the loser wrote nothing.
    expect((await h.world.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(c.version + 1);
    const active = await h.world.db.document.findMany({ where: { claimId: c.id, removedAt: null } });
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ replacesId: old.id });
    expect((await h.world.db.document.findUniqueOrThrow({ where: { id: old.id } })).removedAt).not.toBeNull();
    expect((await h.world.db.feedback.findFirstOrThrow({ where: { documentId: old.id } })).resolvedAt).not.toBeNull();
    const events = await h.world.db.historyEvent.findMany({ where: { claimId: c.id } });
    expect(events.map((e) => [e.type, e.documentId])).toEqual([['metric_added', active[0]!.id]]);
    const keys = await h.world.db.idempotencyKey.findMany({ where: { key: { endsWith: `-${c.id}`, contains: ':race-' } } });
    expect(keys.map((k) => (k.result as { documentId?: string }).documentId)).toEqual([active[0]!.id]);
  });

  it("a newcomer's first activities arriving together (install, welcome, a message) are all answered, and make one user", async () => {
    // Teams sends installationUpdate and conversationUpdate at the same moment; the loser of the race to
    // create the user hit a unique violation and was answered 500.
    for (let round = 0; round < 5; round++) {
      const newcomer = { aadObjectId: crypto.randomUUID(), name: `Newcomer ${round}` };
      const first = [
        messageActivity(newcomer, connector.url, '', { type: 'installationUpdate', action: 'add' }),
        messageActivity(newcomer, connector.url, '', { type: 'conversationUpdate', membersAdded: [{ id: '28:coop-claims-bot' }] }),
        messageActivity(newcomer, connector.url, 'help'),
        executeActivity(newcomer, connector.url, 'overview.open', {}),
      ];
      const answers = await Promise.all(first.map((a) => h.post(a)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(JSON.stringify(answers[3]!.body)).not.toMatch(/went wrong/i);
      expect(await h.world.db.user.count({ where: { aadObjectId: newcomer.aadObjectId } })).toBe(1);
    }
  });
});
