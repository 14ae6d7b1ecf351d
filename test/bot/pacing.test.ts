import crypto from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { createAdapter } from '../../bot/adapter';
import { postCard } from '../../bot/outbox/connector';
import { earliestForTenant, Pacer, tenantBudget, type TenantBudget } from '../../bot/outbox/pacing';
import { loadConfig } from '../../services/config';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { prng } from '../helpers/prng';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/**
 * The shared send pacing (bot/outbox/pacing.ts): the tenant's sliding-window budget, a chat held back
 * without holding back the tenant, and a request that would leave late never written. Sends go
 * through the production adapter and connector code to the connector stub.
 */

describe('the tenant budget: the earliest free time in a sliding window', () => {
  const budget = tenantBudget(30)!;

  /** Every rule the budget promises, over all reserved times. */
  function expectWithinBudget(times: number[], b: TenantBudget): void {
    const sorted = [...times].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(b.minGapMs);
    // limit + 1 sends never fall within less than one window.
    for (let i = b.limit; i < sorted.length; i++) expect(sorted[i]! - sorted[i - b.limit]!).toBeGreaterThanOrEqual(b.windowMs);
  }

  it('is the rate Teams enforces, widened by a margin, and never a whole second at once', () => {
    expect(budget.limit).toBe(30);
    expect(budget.windowMs).toBeGreaterThan(1000);
    expect(budget.nominalPerSecond).toBeGreaterThan(0.95 * 30);
    expect(budget.nominalPerSecond).toBeLessThan(30);
    expect(budget.minGapMs).toBeGreaterThan(0);
    expect(tenantBudget(0)).toBeNull();
  });

  it('sends at once while the window has room, then waits for the oldest send to leave the window', () => {
    const times: number[] = [];
    for (let i = 0; i < 30; i++) times.push(earliestForTenant(times, 0, budget));
    expect(times[29]).toBe(29 * budget.minGapMs);
    expect(earliestForTenant(times, 0, budget)).toBe(times[0]! + budget.windowMs);
  });

  it('gives a send a free place before sends reserved later (a chat held back does not hold back the others)', () => {
    // Another chat's send reserved 5 s ahead (its own limits, or a 429's pause).
    expect(earliestForTenant([5000], 100, budget)).toBe(100);
    // But not closer to another send than the minimum gap, nor into a full window.
    expect(earliestForTenant([110], 100, budget)).toBe(110 + budget.minGapMs);
    // A full window reserved from 2 s on: a send just before it would make 31 in less than a window.
    const full = Array.from({ length: 30 }, (_, i) => 2000 + i * budget.minGapMs);
    const last = full[full.length - 1]!;
    expect(earliestForTenant(full, last - budget.windowMs + 1, budget)).toBe(full[0]! + budget.windowMs);
    expect(earliestForTenant(full, last - budget.windowMs, budget)).toBe(last - budget.windowMs);
    expectWithinBudget([...full, full[0]! + budget.windowMs], budget);
  });

  it('keeps the budget for any order and timing of reservations, at the earliest time it allows', () => {
    const random = prng(13);
    for (const b of [budget, tenantBudget(3)!, tenantBudget(100)!]) {
      const times: number[] = [];
      for (let n = 0; n < 400; n++) {
        const from = Math.floor(random() * 8000);
        const at = earliestForTenant(times, from, b);
        expect(at).toBeGreaterThanOrEqual(from);
        // Nothing earlier would do: one millisecond before breaks a rule (or is before `from`).
        if (at > from) {
          const before = [...times, at - 1].sort((x, y) => x - y);
          const gapOk = before.every((t, i) => i === 0 || t - before[i - 1]! >= b.minGapMs);
          const windowOk = before.every((t, i) => i < b.limit || t - before[i - b.limit]! >= b.windowMs);
          expect(gapOk && windowOk).toBe(false);
        }
        times.push(at);
        times.sort((x, y) => x - y); // as stored
      }
      expectWithinBudget(times, b);
    }
  });
});

describe('sends through the pacer', () => {
  let database: TestDatabase;
  let stub: ConnectorStub;
  const adapter = createAdapter(loadConfig({ LOG_LEVEL: 'silent' }));

  beforeAll(async () => {
    [database, stub] = await Promise.all([freshDatabase(), startConnectorStub()]);
  });
  afterAll(async () => {
    await stub.close();
    await database.drop();
  });

  const reference = (tenantId: string, conversationId: string): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl: stub.url,
    conversation: { id: conversationId, conversationType: 'personal', tenantId, isGroup: false, name: '' },
    bot: { id: '28:bot', name: 'Co-op Claims' },
  });
  const card = { type: 'AdaptiveCard', version: '1.5', body: [] };
  const post = (tenantId: string, conversationId: string, dedupeKey: string) => (gate: () => Promise<void>) =>
    postCard(adapter, '', reference(tenantId, conversationId), card, { dedupeKey, alert: false, timeoutMs: 10_000, gate });
  const keysIn = (conversationId: string) => stub.sent(conversationId).map((d) => d.activity.channelData?.dedupeKey);

  it('a chat paused by a 429 waits on every replica, and the tenant’s other chats are not held back', async () => {
    const [replicaA, replicaB] = [new Pacer(database.db, 30), new Pacer(database.db, 30)];
    const tenantId = `tenant-${crypto.randomUUID()}`;
    const paused = `a:paused-${crypto.randomUUID()}`;
    const other = `a:other-${crypto.randomUUID()}`;
    try {
      await replicaA.schedule(tenantId, paused, Date.now() + 60_000, post(tenantId, paused, 'first'));
      // Teams answered replica A 429 with Retry-After: 2 s.
      await replicaA.pause(paused, 2000);
      const pausedAt = Date.now();
      // Replica B has the next message for that chat, then one for another chat of the tenant.
      const held = replicaB.schedule(tenantId, paused, Date.now() + 60_000, post(tenantId, paused, 'after the pause'));
      const free = await replicaB.schedule(tenantId, other, Date.now() + 60_000, post(tenantId, other, 'meanwhile'));
      expect(free.sent).toBe(true);
      expect(keysIn(other)).toEqual(['meanwhile']);
      expect(keysIn(paused)).toEqual(['first']);
      expect((await held).sent).toBe(true);
      expect(keysIn(paused)).toEqual(['first', 'after the pause']);
      const [, second] = stub.attemptTimes(paused);
      expect(second! - pausedAt).toBeGreaterThanOrEqual(1900);
    } finally {
      await Promise.all([replicaA.stop(), replicaB.stop()]);
    }
  });

  it('a request ready too late for its reserved time is not written: its time is given back and a new one taken', async () => {
    const pacer = new Pacer(database.db, 30);
    const tenantId = `tenant-${crypto.randomUUID()}`;
    const conversationId = `a:late-${crypto.randomUUID()}`;
    let calls = 0;
    try {
      const result = await pacer.schedule(tenantId, conversationId, Date.now() + 60_000, async (gate) => {
        calls += 1;
        // The first time, the process is busy (a long synchronous task) until well past the reserved time.
        if (calls === 1) for (const until = Date.now() + 80; Date.now() < until;);
        return post(tenantId, conversationId, 'late once')(gate);
      });
      expect(result.sent).toBe(true);
      expect(calls).toBe(2);
      // Written once, and only the time it was written at is on record, for the chat and the tenant.
      expect(stub.attemptTimes(conversationId)).toHaveLength(1);
      expect(keysIn(conversationId)).toEqual(['late once']);
      const pace = await database.db.conversationPace.findUniqueOrThrow({ where: { conversationId } });
      expect(pace.recentMs).toHaveLength(1);
      expect(pace.hourCount).toBe(1);
      const tenant = await database.db.tenantPace.findUniqueOrThrow({ where: { tenantId } });
      expect(tenant.recentMs).toEqual(pace.recentMs);
    } finally {
      await pacer.stop();
    }
  });
});
