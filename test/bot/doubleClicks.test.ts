import crypto from 'node:crypto';
import { ALEX, MEGAN, executeActivity, messageActivity } from '../helpers/activities';
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
