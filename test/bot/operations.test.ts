import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBot, type RunningBot } from '../../bot/app';
import { documentLink } from '../../bot/documentLinks';
import { createDb, type Db } from '../../services/db/client';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { runMain } from '../helpers/mainProcess';
import { insertClaim } from '../helpers/world';

describe('operations: health and readiness over HTTP', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.close());

  it('/healthz says the process is alive; /readyz says the database, migrations and outbox are fine', async () => {
    const live = await fetch(`${h.bot.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'up', pendingMigrations: 0, outbox: { stuck: false } });
  });
});

describe("operations: the manifest's website, privacy and terms links open", () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.close());

  it('an unknown address or method gets a fixed answer that does not echo what was asked', async () => {
    const probe = '/nope/%3Cscript%3Ealert(1)%3C%2Fscript%3E';
    const notFound = await fetch(`${h.bot.url}${probe}`);
    expect(notFound.status).toBe(404);
    const body = await notFound.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'NotFound', message: 'Nothing is here.' } });
    expect(body).not.toMatch(/script|nope/i);
    const wrongMethod = await fetch(`${h.bot.url}/healthz`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ error: { code: 'MethodNotAllowed', message: 'This method is not allowed here.' } });
  });

  it('each developer URL of manifest/manifest.json is served by the bot as a readable page', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'manifest', 'manifest.json'), 'utf8')) as {
      developer: { websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
    };
    const expected = { websiteUrl: /Co-op Claims for Teams/, privacyUrl: /What the app stores/, termsOfUseUrl: /terms of use/ };
    for (const [field, words] of Object.entries(expected)) {
      const url = manifest.developer[field as keyof typeof manifest.developer].replace('${{BOT_DOMAIN}}', 'x');
      const r = await fetch(`${h.bot.url}${new URL(url).pathname}`);
      expect([field, r.status, r.headers.get('content-type')]).toEqual([field, 200, 'text/plain; charset=utf-8']);
      expect(await r.text()).toMatch(words);
    }
  });
});

describe('operations: local mode document links (no FILE_LINK_SECRET)', () => {
  let h: BotHarness;
  let otherDb: Db;
  let replica: RunningBot;
  beforeAll(async () => {
    h = await startBotHarness();
    // A second replica on the same database and file store, configured the same way (no secret given).
    otherDb = createDb(h.world.t.url);
    replica = await startBot({
      config: { ...h.bot.deps.config, files: { ...h.bot.deps.config.files, linkSecret: undefined } },
      db: otherDb,
      clock: h.world.clock,
    });
  });
  afterAll(async () => {
    await replica.close();
    await otherDb.$disconnect();
    await h.close();
  });

  async function storedDocument(): Promise<string> {
    const claim = await insertClaim(h.world);
    const file = await h.bot.deps.files.put(Buffer.from('%PDF-1.4 invoice'), { fileName: 'invoice.pdf', contentType: 'application/pdf' });
    const doc = await h.world.db.document.create({
      data: { claimId: claim.id, kind: 'INVOICE', uploaderId: h.world.users.incentivesUser, ...file },
    });
    return doc.id;
  }

  it('signs with a random key kept in the database: a link from one replica opens on the other; a forged one does not', async () => {
    const secret = h.bot.deps.config.files.linkSecret;
    expect(secret).toHaveLength(64);
    expect(replica.deps.config.files.linkSecret).toBe(secret);
    expect((await h.world.db.instanceSecret.findMany()).map((s) => s.value)).toEqual([secret]);

    const id = await storedDocument();
    const link = new URL(documentLink(h.bot.deps.config.files, id, h.world.clock.now()));
    const opened = await fetch(`${replica.url}${link.pathname}`);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe('%PDF-1.4 invoice');

    // The key this code used to fall back to is public: a link signed with it is refused.
    const files = { ...h.bot.deps.config.files, linkSecret: 'local-development-only-link-secret' };
    const forged = new URL(documentLink(files, id, h.world.clock.now()));
    expect((await fetch(`${h.bot.url}${forged.pathname}`)).status).toBe(404);
  });

  it('is a different key on another database', async () => {
    const other = await startBotHarness();
    try {
      expect(other.bot.deps.config.files.linkSecret).not.toBe(h.bot.deps.config.files.linkSecret);
    } finally {
      await other.close();
    }
  });
});

describe('npm start with app credentials (authenticated mode)', () => {
  // The first run builds dist/ (scripts/build.js), which can take a while on a loaded machine.
  jest.setTimeout(180_000);
  const APP_ID = crypto.randomUUID();
  const credentials = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'entra-client-secret', MicrosoftAppTenantId: crypto.randomUUID() };
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-main-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses development defaults before touching anything, naming each variable to set', async () => {
    const run = runMain({ ...credentials, DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toMatch(/Configuration refused/);
    expect(out).toMatch(/FILE_LINK_SECRET is required/);
    expect(out).toMatch(/DATABASE_URL is required.*ALLOW_EMBEDDED_DATABASE=true/);
    expect(out).toMatch(/PUBLIC_BASE_URL is required/);
    // No embedded PostgreSQL was started in the data dir.
    expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
  });

  describe('with a production configuration', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase({ migrate: false });
    });
    afterAll(() => t.drop());

    it('migrates, serves /readyz and loads no demo organisation', async () => {
      const run = runMain({
        ...credentials,
        DATA_DIR: dataDir,
        DATABASE_URL: t.url,
        FILE_LINK_SECRET: crypto.randomBytes(48).toString('base64'),
        PUBLIC_BASE_URL: 'https://coop-claims.example.org',
      });
      try {
        const url = await run.listening();
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status).toBe(200);
        expect(await t.db.organisation.count()).toBe(0);
        expect(run.output()).not.toMatch(/demo organisation loaded/);
      } finally {
        expect(await run.stop()).toBe(0);
      }
    });
  });
});
