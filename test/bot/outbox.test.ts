import crypto from 'node:crypto';
import pino from 'pino';
import { createAdapter } from '../../bot/adapter';
import { loadConfig } from '../../services/config';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { outboxStatus, startOutboxWorker, type OutboxTuning, type OutboxWorker, type OutboxWorkerOptions } from '../../bot/outbox/worker';
import { createDb } from '../../services/db/client';

type OutboxWorkerLog = OutboxWorkerOptions['log'];
import { saveConversationReference } from '../../bot/proactive';
import { decide } from '../../bot/outbox/retryPolicy';
import { backoffMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../../services/retry';
import type { Config } from '../../services/config';
import { enqueueNotification, type NotificationPayload } from '../../services/notifications';
import { insertClaim, makeWorld, type World } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

const silent = pino({ level: 'silent' });
// The production adapter, with its onTurnError: a bare CloudAdapter once hid failed sends (they looked delivered).
const adapter = createAdapter(loadConfig({ LOG_LEVEL: 'silent' }));

let w: World;
let stub: ConnectorStub;
let claim: { id: string; number: string };
const workers: OutboxWorker[] = [];

beforeAll(async () => {
  w = await makeWorld(new Date());
  claim = await insertClaim(w, { status: 'IN_REVIEW' });
});
afterAll(async () => {
  await w.close();
});
beforeEach(async () => {
  stub = await startConnectorStub();
  await w.db.claimCard.deleteMany();
  await w.db.outboxMessage.deleteMany();
  await w.db.conversationRef.deleteMany();
  await w.db.user.updateMany({ data: { unreachableReason: null } });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((x) => x.stop()));
  await stub.close();
});

const render = (p: NotificationPayload, locale: string) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `${p.kind} ${'number' in p ? p.number : ''} (${locale})` }],
});

function worker(config: Partial<Config['outbox']> = {}, tuning: Partial<OutboxTuning> = {}, autoStart = true): OutboxWorker {
  const x = startOutboxWorker({
    db: w.db,
    adapter,
    appId: '',
    render,
    config: { pollMs: 20, maxAttempts: 20, tenantRatePerSecond: 1000, ...config },
    tuning: { leaseMs: 10_000, backoffBaseMs: 40, backoffMaxMs: 300, sendTimeoutMs: 5_000, stopGraceMs: 200, ...tuning },
    log: silent,
    autoStart,
  });
  workers.push(x);
  return x;
}

/** A user who has talked to the bot in 1:1 chat (its conversation served by the stub). */
async function userWithChat(i: number): Promise<{ userId: string; conversationId: string }> {
  const aad = crypto.randomUUID();
  const u = await w.db.user.create({
    data: {
      organisationId: w.orgId,
      tenantId: DEMO_TENANT_ID,
      aadObjectId: aad,
      displayName: `User ${i}`,
      locale: i % 2 ? 'ko-KR' : 'en-US',
    },
  });
  const conversationId = `a:chat-${i}-${aad}`;
  const ok = await saveConversationReference(w.db, u.id, {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: stub.url,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: DEMO_TENANT_ID, isGroup: false, name: '' },
    from: { id: `29:${aad}`, name: `User ${i}`, aadObjectId: aad },
    recipient: { id: '28:bot', name: 'Co-op Claims' },
  });
  expect(ok).toBe('changed');
  return { userId: u.id, conversationId };
}

function payload(n: number): NotificationPayload {
  return {
    kind: 'status_changed',
    claimId: claim.id,
    number: claim.number,
    name: `Seminar ${n}`,
    from: 'SUBMITTED',
    to: 'IN_REVIEW',
    byName: 'Patti',
  };
}

async function enqueue(
  to: { recipientId?: string; conversationId?: string },
  n: number,
  p: NotificationPayload = payload(n),
): Promise<string> {
  const dedupeKey = `test:${n}:${to.recipientId ?? to.conversationId}`;
  await w.db.$transaction((tx) => enqueueNotification(tx, { ...to, payload: p, dedupeKey, at: new Date() }));
  return dedupeKey;
}

async function settled(timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await w.db.outboxMessage.count({ where: { status: 'PENDING' } })) > 0) {
    if (Date.now() > until) throw new Error('outbox did not settle');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Largest number of timestamps inside any window of `ms`. */
function maxInWindow(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

test('under 30% random 429/503 every notification reaches its user exactly once, paced within Teams limits', async () => {
  stub.chaos({ rate: 0.3, statuses: [429, 503], seed: 7, retryAfterSeconds: 1 });
  const users = await Promise.all(Array.from({ length: 20 }, (_, i) => userWithChat(i)));
  const keys: string[] = [];
  for (let n = 0; n < 10; n++) for (const u of users) keys.push(await enqueue({ recipientId: u.userId }, n));
  worker();
  await settled(45_000);

  const rows = await w.db.outboxMessage.findMany();
  expect(rows).toHaveLength(200);
  expect(rows.every((r) => r.status === 'SENT' && r.activityId && r.sentAt)).toBe(true);
  // Faults really happened, and were retried.
  expect(stub.requests.filter((r) => r.status === 429 || r.status === 503).length).toBeGreaterThan(30);
  // What users saw: each notification once, in the right chat, and nothing sent twice.
  const seen = stub.sent();
  expect(seen).toHaveLength(200);
  expect(new Set(seen.map((s) => s.activity.channelData?.dedupeKey))).toEqual(new Set(keys));
  expect(stub.duplicates()).toBe(0);
  for (const u of users) {
    expect(stub.sent(u.conversationId)).toHaveLength(10);
    const times = stub.attemptTimes(u.conversationId);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(7);
    expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(8);
  }
  // Rendered in the recipient's language, and remembered for in-place updates.
  const ko = users[1]!;
  expect(JSON.stringify(stub.cardsIn(ko.conversationId)[0])).toContain('(ko-KR)');
  const byId = new Map(rows.map((r) => [r.activityId, r]));
  expect(seen.every((s) => byId.has(s.activityId))).toBe(true);
  // The newest card per conversation is tracked for in-place updates (older ones there are stale).
  expect(await w.db.claimCard.count({ where: { claimId: claim.id, view: 'notice' } })).toBe(20);
}, 60_000);

test('a burst to one chat is paced so Teams never has to throttle it', async () => {
  stub.enforceTeamsLimits();
  const u = await userWithChat(100);
  for (let n = 0; n < 16; n++) await enqueue({ recipientId: u.userId }, n);
  const started = Date.now();
  worker();
  await settled();
  expect(stub.sent(u.conversationId)).toHaveLength(16);
  expect(stub.requests.filter((r) => r.status === 429)).toHaveLength(0);
  const times = stub.attemptTimes(u.conversationId);
  expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(7);
  expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(8);
  // 16 messages at 8 per 2 s cannot take less than ~2 s: the pacing is real, not luck.
  expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  // Order within a chat is kept.
  expect(stub.sent(u.conversationId).map((s) => s.activity.channelData?.dedupeKey)).toEqual(
    Array.from({ length: 16 }, (_, n) => `test:${n}:${u.userId}`),
  );
}, 30_000);

test('429 waits for Retry-After before trying again', async () => {
  const u = await userWithChat(200);
  stub.fail(u.conversationId, { status: 429, retryAfterSeconds: 1 }, { times: 1 });
  await enqueue({ recipientId: u.userId }, 1);
  worker();
  await settled();
  const times = stub.attemptTimes(u.conversationId);
  expect(times).toHaveLength(2);
  expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  const row = await w.db.outboxMessage.findFirstOrThrow();
  expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
});

test('a notification that keeps failing is dead-lettered after maxAttempts and shows in the outbox status', async () => {
  const u = await userWithChat(300);
  stub.fail(u.conversationId, { status: 503 }, { times: 100 });
  await enqueue({ recipientId: u.userId }, 1);
  worker({ maxAttempts: 3 });
  await settled();
  const row = await w.db.outboxMessage.findFirstOrThrow();
  expect(row.status).toBe('DEAD');
  expect(row.attempts).toBe(3);
  expect(row.lastError).toMatch(/gave up after 3 attempts: HTTP 503/);
  expect(stub.attemptTimes(u.conversationId)).toHaveLength(3);
  expect(stub.sent()).toHaveLength(0);

  const status = await outboxStatus(w.db);
  expect(status.counts).toEqual({ PENDING: 0, SENT: 0, DEAD: 1 });
  expect(status.lastErrors[0]).toMatchObject({ id: row.id, status: 'DEAD', kind: 'status_changed' });
});

test('403 records why the user cannot be reached and does not retry; talking to the bot again clears it', async () => {
  const u = await userWithChat(400);
  stub.fail(u.conversationId, { status: 403, subcode: 'ConversationBlockedByUser' }, { times: 1 });
  await enqueue({ recipientId: u.userId }, 1);
  worker();
  await settled();
  const row = await w.db.outboxMessage.findFirstOrThrow();
  expect(row).toMatchObject({ status: 'DEAD', attempts: 1 });
  expect(row.lastError).toContain('ConversationBlockedByUser');
  expect((await w.db.user.findUniqueOrThrow({ where: { id: u.userId } })).unreachableReason).toBe('ConversationBlockedByUser');

  // The next notification does not even try: it is dead-lettered with the recorded reason.
  await enqueue({ recipientId: u.userId }, 2);
  await settled();
  const second = await w.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `test:2:${u.userId}` } });
  expect(second).toMatchObject({ status: 'DEAD', lastError: 'unreachable: ConversationBlockedByUser' });
  expect(stub.attemptTimes(u.conversationId)).toHaveLength(1);

  const ref = await w.db.conversationRef.findUniqueOrThrow({ where: { conversationId: u.conversationId } });
  await saveConversationReference(w.db, u.userId, {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: stub.url,
    conversation: { id: u.conversationId, conversationType: 'personal', tenantId: ref.tenantId, isGroup: false, name: '' },
    from: { id: '29:x', name: 'x' },
    recipient: { id: '28:bot', name: 'bot' },
  });
  expect((await w.db.user.findUniqueOrThrow({ where: { id: u.userId } })).unreachableReason).toBeNull();
});

test('404 drops the stored conversation and dead-letters; later notifications say there is no conversation', async () => {
  const u = await userWithChat(500);
  stub.fail(u.conversationId, { status: 404 }, { times: 1 });
  await enqueue({ recipientId: u.userId }, 1);
  worker();
  await settled();
  expect(await w.db.outboxMessage.findFirstOrThrow()).toMatchObject({ status: 'DEAD', attempts: 1 });
  expect(await w.db.conversationRef.findUnique({ where: { conversationId: u.conversationId } })).toBeNull();

  // An upload request to someone the bot cannot reach is dead-lettered with a plain reason (the asker is told by the bot).
  await enqueue({ recipientId: u.userId }, 2, {
    kind: 'upload_requested',
    claimId: claim.id,
    number: claim.number,
    name: 'x',
    uploadRequestId: 'r1',
    documentKind: 'INVOICE',
    message: 'please',
    dueAt: '2026-12-01',
    byName: 'Alex',
  });
  await settled();
  const row = await w.db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `test:2:${u.userId}` } });
  expect(row).toMatchObject({ status: 'DEAD', lastError: 'unreachable: no_conversation' });
  expect(await w.db.outboxMessage.count()).toBe(2);
});

test('notifications to a stored channel conversation are delivered there', async () => {
  const channelId = '19:reviewers@thread.tacv2';
  await saveConversationReference(w.db, null, {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: stub.url,
    conversation: { id: channelId, conversationType: 'channel', tenantId: DEMO_TENANT_ID, isGroup: true, name: 'Reviewers' },
    from: { id: '29:someone', name: 'Someone' },
    recipient: { id: '28:bot', name: 'bot' },
  });
  await enqueue({ conversationId: channelId }, 1, {
    kind: 'review_needed',
    claimId: claim.id,
    number: claim.number,
    name: 'Seminar',
    status: 'SUBMITTED',
  });
  worker();
  await settled();
  expect(stub.cardsIn(channelId)).toHaveLength(1);
  const row = await w.db.outboxMessage.findFirstOrThrow();
  // The card is remembered just after the row is marked SENT.
  const card = () => w.db.claimCard.findFirst({ where: { conversationId: channelId, activityId: row.activityId! } });
  for (let i = 0; i < 50 && !(await card()); i++) await new Promise((r) => setTimeout(r, 20));
  expect(await card()).toMatchObject({
    claimId: claim.id,
    view: 'notice',
  });
});

test('two workers on one database deliver each notification once', async () => {
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => userWithChat(600 + i)));
  for (let n = 0; n < 8; n++) for (const u of users) await enqueue({ recipientId: u.userId }, n);
  worker({}, { batchSize: 7 });
  worker({}, { batchSize: 7 });
  await settled();
  expect(await w.db.outboxMessage.count({ where: { status: 'SENT', attempts: 1 } })).toBe(80);
  const posts = stub.requests.filter((r) => r.method === 'POST' && r.path.includes('/activities'));
  expect(posts).toHaveLength(80);
  expect(stub.sent()).toHaveLength(80);
  expect(stub.duplicates()).toBe(0);
});

test('a worker stopped mid-send loses nothing: after its lease another worker delivers, and the stale attempt cannot overwrite it', async () => {
  const u = await userWithChat(700);
  stub.fail(u.conversationId, { hang: true }, { times: 1 });
  await enqueue({ recipientId: u.userId }, 1);
  const a = worker({}, { leaseMs: 600, sendTimeoutMs: 60_000, stopGraceMs: 50 });
  await stub.waitFor((s) => s.requests.some((r) => r.conversationId === u.conversationId && r.status === 0), 5000);
  await a.stop();

  const claimed = await w.db.outboxMessage.findFirstOrThrow();
  expect(claimed).toMatchObject({ status: 'PENDING', attempts: 1 });
  expect(claimed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

  const b = worker({}, { leaseMs: 600 }, false);
  expect(await b.drainOnce()).toBe(0); // still leased to the stopped worker
  await new Promise((r) => setTimeout(r, claimed.nextAttemptAt.getTime() - Date.now() + 20));
  expect(await b.drainOnce()).toBe(1);
  const sent = await w.db.outboxMessage.findFirstOrThrow();
  expect(sent).toMatchObject({ status: 'SENT', attempts: 2 });
  expect(stub.sent(u.conversationId)).toHaveLength(1);

  // The first worker's request finally fails: its answer must not touch the row.
  stub.releaseHung();
  await new Promise((r) => setTimeout(r, 200));
  expect(await w.db.outboxMessage.findFirstOrThrow()).toMatchObject({
    status: 'SENT',
    attempts: 2,
    activityId: sent.activityId,
    lastError: null,
  });
});

test('an unreachable Bot Connector (network error) is retried with backoff, then dead-lettered', async () => {
  const u = await userWithChat(800);
  // Point the stored chat at a port nobody listens on.
  const closed = await startConnectorStub();
  const deadUrl = closed.url;
  await closed.close();
  const ref = await w.db.conversationRef.findUniqueOrThrow({ where: { conversationId: u.conversationId } });
  await w.db.conversationRef.update({ where: { id: ref.id }, data: { reference: { ...(ref.reference as object), serviceUrl: deadUrl } } });
  await enqueue({ recipientId: u.userId }, 1);
  worker({ maxAttempts: 3 });
  await settled();
  const row = await w.db.outboxMessage.findFirstOrThrow();
  expect(row).toMatchObject({ status: 'DEAD', attempts: 3 });
  expect(row.lastError).toMatch(/gave up after 3 attempts: network error/);
});

test('a database outage is one error line with its reason, not a stack every poll', async () => {
  const lines: Array<{ level: string; msg: string; err?: unknown }> = [];
  const capture = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (o: { err?: unknown }, msg: string) => lines.push({ level, msg, err: o.err }),
    ]),
  ) as unknown as OutboxWorkerLog;
  const unreachable = createDb('postgresql://nobody:nothing@127.0.0.1:1/none');
  const x = startOutboxWorker({
    db: unreachable,
    adapter,
    appId: '',
    render,
    config: { pollMs: 10, maxAttempts: 3, tenantRatePerSecond: 1000 },
    log: capture,
  });
  try {
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await x.stop();
    await unreachable.$disconnect();
  }
  const errors = lines.filter((l) => l.msg === 'outbox claim failed');
  expect(errors).toHaveLength(1);
  expect(typeof errors[0]!.err).toBe('string'); // the reason, without a stack
});

describe('retry policy', () => {
  const policy = { baseMs: 1000, maxMs: 8000 };
  const half = () => 0.5;
  test('Retry-After: delta-seconds or an HTTP date, at most an hour; anything else is backoff', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(parseRetryAfterMs(' 12 ', now)).toBe(12_000);
    expect(parseRetryAfterMs('Tue, 01 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    // A hostile or garbled header parked the notification for years (or past the largest date: the write failed).
    expect(parseRetryAfterMs('99999999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const v of ['0x10', '1e3', '-5', '1.5', 'soon', '']) expect(parseRetryAfterMs(v, now)).toBeUndefined();
    expect(decide({ status: 429, retryAfterMs: parseRetryAfterMs('31536000', now), message: '' }, 1, 8, policy)).toMatchObject({
      action: 'retry',
      delayMs: MAX_RETRY_AFTER_MS,
    });
  });
  test.each([
    [
      { status: 429, retryAfterMs: 3000, message: '' },
      { action: 'retry', delayMs: 3000 },
    ],
    [
      { status: 412, message: '' },
      { action: 'retry', delayMs: 1500 },
    ],
    [
      { status: 502, message: '' },
      { action: 'retry', delayMs: 1500 },
    ],
    [
      { status: 504, message: '' },
      { action: 'retry', delayMs: 1500 },
    ],
    [{ message: 'ECONNRESET' }, { action: 'retry', delayMs: 1500 }],
    [{ status: 400, code: 'BadArgument', message: '' }, { action: 'dead' }],
    [
      { status: 403, code: 'BotDisabledByAdmin', message: '' },
      { action: 'dead', unreachableReason: 'BotDisabledByAdmin' },
    ],
    [
      { status: 404, message: '' },
      { action: 'dead', dropConversation: true },
    ],
  ])('%j → %j', (err, expected) => {
    expect(decide(err, 2, 5, policy, half)).toMatchObject(expected);
  });
  test('backoff grows exponentially up to the cap, and retryable errors stop at maxAttempts', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(decide({ status: 503, message: '' }, 5, 5, policy)).toMatchObject({ action: 'dead' });
  });
});
