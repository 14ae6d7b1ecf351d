import crypto from 'node:crypto';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { enqueueNotification, type NotificationPayload } from '../../services/notifications';
import { ALEX, PATTI, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/**
 * Proactive delivery through the production wiring (startBot: the real CloudAdapter with its
 * onTurnError, the outbox worker it starts) while the Bot Connector misbehaves. What a user notices:
 * the notification arrives, once; what an operator notices: the outbox row says what really happened.
 */
describe('bot: notifications survive Teams faults', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });
  afterEach(() => connector.chaos(null));

  async function settled(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await h.world.db.outboxMessage.count({ where: { status: 'PENDING' } })) > 0) {
      if (Date.now() > until) throw new Error('outbox did not settle');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** POSTs to the conversation's activities (message sends), whatever the answer. */
  const postsTo = (conversationId: string) =>
    connector.requests.filter((r) => r.method === 'POST' && r.conversationId === conversationId && r.path.includes('/activities'));

  it("a reviewer's notification is retried after a 503 and delivered once, and its outbox row says so", async () => {
    for (const u of [ALEX, PATTI]) await h.post(messageActivity(u, connector.url, 'help'));
    await connector.waitFor((s) => [ALEX, PATTI].every((u) => s.sent(conv(u)).length > 0));
    const c = await insertClaim(h.world, { complete: true });

    connector.fail(conv(PATTI), { status: 503 }, { times: 1 });
    const r = await h.post(executeActivity(ALEX, connector.url, 'claim.submit', { claimId: c.id, version: c.version }));
    expect(textOf(invokeCard(r.body))).toMatch(/Submitted/);

    await connector.waitFor((s) => s.sent(conv(PATTI)).some((d) => JSON.stringify(d.activity).includes(c.number)), 15_000);
    await settled(15_000);
    const patti = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: PATTI.aadObjectId } });
    const row = await h.world.db.outboxMessage.findFirstOrThrow({ where: { claimId: c.id, kind: 'review_needed', recipientId: patti.id } });
    const posts = postsTo(conv(PATTI)).filter((p) => JSON.stringify(p.body).includes(row.dedupeKey));
    expect(posts.map((p) => p.status)).toEqual([503, 201]);
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
    expect(row.activityId).toBe(posts[1]!.activityId);
    expect(connector.sent(conv(PATTI)).filter((d) => d.activity.channelData?.dedupeKey === row.dedupeKey)).toHaveLength(1);
  }, 30_000);

  it('under 30 % seeded 429/503, 200 notifications each reach their user exactly once and the outbox agrees', async () => {
    // 20 people who talked to the bot (their 1:1 chats are known), 10 notifications each.
    const people: TeamsUser[] = Array.from({ length: 20 }, (_, i) => ({ aadObjectId: crypto.randomUUID(), name: `Partner ${i}` }));
    for (const u of people) await h.post(messageActivity(u, connector.url, 'help'));
    await connector.waitFor((s) => people.every((u) => s.sent(conv(u)).length > 0), 10_000);
    const users = await h.world.db.user.findMany({ where: { aadObjectId: { in: people.map((u) => u.aadObjectId) } } });
    expect(users).toHaveLength(20);
    const claim = await insertClaim(h.world, { status: 'IN_REVIEW' });

    connector.chaos({ rate: 0.3, statuses: [429, 503], seed: 9, retryAfterSeconds: 1 });
    const keys: string[] = [];
    await h.world.db.$transaction(async (tx) => {
      for (let n = 0; n < 10; n++)
        for (const u of users) {
          const payload: NotificationPayload = {
            kind: 'status_changed',
            claimId: claim.id,
            number: claim.number,
            name: `Seminar ${n}`,
            from: 'SUBMITTED',
            to: 'IN_REVIEW',
            byName: 'Patti',
          };
          const dedupeKey = `fault-test:${n}:${u.id}`;
          keys.push(dedupeKey);
          await enqueueNotification(tx, { recipientId: u.id, payload, dedupeKey, at: h.world.clock.now() });
        }
    });
    await settled(50_000);

    const rows = await h.world.db.outboxMessage.findMany({ where: { dedupeKey: { in: keys } } });
    const seen = connector.sent().filter((d) => keys.includes(d.activity.channelData?.dedupeKey ?? ''));
    const faults = connector.requests.filter((r) => r.status === 429 || r.status === 503).length;
    const figures = {
      tried: keys.length,
      delivered: new Set(seen.map((s) => s.activity.channelData?.dedupeKey)).size,
      lost: keys.length - new Set(seen.map((s) => s.activity.channelData?.dedupeKey)).size,
      duplicated: connector.duplicates(),
      faultsInjected: faults,
    };
    console.log(`delivery under 30 % 429/503: ${JSON.stringify(figures)}`);
    expect(faults).toBeGreaterThan(40);
    expect(figures).toMatchObject({ tried: 200, delivered: 200, lost: 0, duplicated: 0 });
    expect(seen).toHaveLength(200);
    // The outbox agrees with what users saw: every row SENT with the id Teams gave that message, and
    // one attempt counted per request the connector answered for it.
    const byKey = new Map(seen.map((s) => [s.activity.channelData?.dedupeKey, s]));
    for (const row of rows) {
      expect(row.status).toBe('SENT');
      expect(row.activityId).toBe(byKey.get(row.dedupeKey)?.activityId);
      const requests = connector.requests.filter((r) => JSON.stringify(r.body ?? '').includes(`"${row.dedupeKey}"`));
      expect(row.attempts).toBe(requests.length);
    }
    expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThan(20);
    expect(await h.world.db.user.count({ where: { tenantId: DEMO_TENANT_ID, unreachableReason: { not: null } } })).toBe(0);
  }, 60_000);
});
