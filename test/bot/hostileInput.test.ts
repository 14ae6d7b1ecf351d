import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { ACTIONS } from '../../bot/handlers';
import { ALEX, ISAIAH, MEGAN, PATTI, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { invokeCard, textOf } from '../helpers/cardQuery';
import { prng } from '../helpers/prng';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/**
 * A hostile or broken client against the real server over HTTP: malformed activities get 400 (an
 * invoke: an error invoke response), never a 5xx; a well-formed activity with a bad value gets a
 * clear answer in the user's language, never the generic apology; nothing internal (stack, SQL,
 * library messages) ever reaches a reply.
 */

/** What must never reach a caller or a chat: stack frames, library and database messages. */
const INTERNAL =
  /\bat \S+ \(|\.[tj]s:\d+|TypeError|ReferenceError|SyntaxError|RangeError|Prisma|invalid input syntax|violates|ECONN|Unmergable|Invalid AppId|invalid signature|\bstack\b|0x00/i;
const APOLOGY = /something went wrong|문제가 생겼습니다/i;

describe('bot: hostile and malformed input', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let claim: { id: string; number: string; version: number };

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
    claim = await insertClaim(h.world, { complete: true });
    for (const u of [ALEX, PATTI]) await h.post(messageActivity(u, connector.url, 'help'));
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  async function raw(body: string | Buffer, contentType?: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
      body,
    });
    return { status: res.status, text: await res.text() };
  }
  const json = (activity: unknown) => raw(JSON.stringify(activity), 'application/json');
  const repliesTo = (u: TeamsUser) => connector.cardsIn(`a:personal-${u.aadObjectId}`).map(textOf);

  describe('malformed activities are refused with 400 and a fixed body', () => {
    const base = () => messageActivity(ALEX, connector.url, 'help') as Record<string, unknown>;
    const cases: Array<[string, () => Promise<{ status: number; text: string }>]> = [
      ['no type', () => json({ ...base(), type: undefined })],
      ['a type that is not an activity type', () => json({ ...base(), type: 'delete everything' })],
      ['a numeric type', () => json({ ...base(), type: 7 })],
      ['serviceUrl that is not a string', () => json({ ...base(), serviceUrl: { href: connector.url } })],
      ['serviceUrl that is not a URL', () => json({ ...base(), serviceUrl: 'not a url' })],
      ['from as a string', () => json({ ...base(), from: 'alex' })],
      ['aadObjectId as a number', () => json({ ...base(), from: { id: '29:x', aadObjectId: 12345 } })],
      ['no conversation', () => json({ ...base(), conversation: undefined })],
      ['attachments that are not an array', () => json({ ...base(), attachments: { contentType: 'image/png' } })],
      ['membersAdded that is not an array', () => json({ ...base(), type: 'conversationUpdate', membersAdded: 'everyone' })],
      ['a tenant id that is not a string', () => json({ ...base(), channelData: { tenant: { id: 42 } } })],
      ['text/plain', () => raw(JSON.stringify(base()), 'text/plain')],
      ['form-urlencoded', () => raw('type=message&text=help', 'application/x-www-form-urlencoded')],
      ['no content type', () => raw(JSON.stringify(base()))],
      ['broken JSON', () => raw('{"type": "message", ', 'application/json')],
      ['a JSON array', () => raw('[1,2,3]', 'application/json')],
      ['JSON null', () => raw('null', 'application/json')],
      ['an empty body', () => raw('', 'application/json')],
    ];
    it.each(cases)('%s → 400', async (_name, send) => {
      const r = await send();
      expect(r.status).toBe(400);
      expect(r.text).toBe(JSON.stringify({ error: { code: 'BadRequest', message: 'The request is not a valid Bot Framework activity.' } }));
    });

    it('a compressed body is refused with 415 and a body over 1 MB with 413, and the bot stays up', async () => {
      // restify's body reader crashed the process on `Content-Encoding: gzip` with a body that was not gzip.
      const activity = JSON.stringify(base());
      for (const coding of ['gzip', 'deflate', 'br']) {
        const r = await raw(activity, 'application/json', { 'content-encoding': coding });
        expect(r.status).toBe(415);
        expect(JSON.parse(r.text)).toEqual({ error: { code: 'UnsupportedMediaType', message: expect.any(String) } });
      }
      // Real gzip is refused too: nothing is decompressed, so no gzip bomb.
      expect((await raw(zlib.gzipSync(activity), 'application/json', { 'content-encoding': 'gzip' })).status).toBe(415);
      const big = await raw(JSON.stringify({ ...base(), text: 'x'.repeat(1024 * 1024) }), 'application/json');
      expect(big.status).toBe(413);
      expect(big.text).not.toMatch(INTERNAL);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
      // A byte order mark before the JSON is accepted.
      expect((await raw(`\uFEFF${activity}`, 'application/json')).status).toBe(200);
    });

    it('a malformed invoke gets an error invoke response (400, application/vnd.microsoft.error)', async () => {
      const r = await json({ ...executeActivity(ALEX, connector.url, 'overview.open', {}), from: 'alex' });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toEqual({
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'The request is not a valid Bot Framework activity.' },
      });
    });

    it('an invoke this bot does not handle gets 400, not 501', async () => {
      for (const name of ['composeExtension/query', 'task/fetch', undefined]) {
        const r = await json({ ...executeActivity(ALEX, connector.url, 'overview.open', {}), name });
        expect(r.status).toBe(400);
        expect(JSON.parse(r.text)).toMatchObject({ type: 'application/vnd.microsoft.error', value: { code: 'NotSupported' } });
      }
    });
  });

  describe('well-formed activities with bad values get a clear answer in the user’s language', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('the verb "%s" is an unknown button, not a crash', async (verb) => {
      const r = await json(executeActivity(ALEX, connector.url, verb, { claimId: claim.id }));
      expect(r.status).toBe(200);
      expect(textOf(invokeCard(JSON.parse(r.text)))).toMatch(/I don't know that button any more/);
    });

    it.each(['claim.update', 'review.approve', 'metric.add', 'claim.dispute'])(
      'a form verb (%s) with version sent as a string is checked like any other card',
      async (verb) => {
        const u = verb.startsWith('review') ? PATTI : ALEX;
        const r = await json(executeActivity(u, connector.url, verb, { claimId: claim.id, version: String(claim.version), name: 'x' }));
        expect(r.status).toBe(200);
        const text = textOf(invokeCard(JSON.parse(r.text)));
        expect(text).not.toMatch(APOLOGY);
        expect(text).not.toMatch(INTERNAL);
      },
    );

    it('a NUL byte in a claim number is a claim that does not exist, in English and in Korean', async () => {
      const ko: TeamsUser = { ...ALEX, locale: 'ko-KR' };
      for (const u of [ALEX, ko]) {
        const before = repliesTo(u).length;
        expect((await json(messageActivity(u, connector.url, 'claim CLM-2026-\u000000001'))).status).toBe(200);
        await connector.waitFor(() => repliesTo(u).length > before);
        const reply = repliesTo(u).at(-1)!;
        expect(reply).not.toMatch(APOLOGY);
        expect(reply).toMatch(u.locale === 'ko-KR' ? /[가-힣]/ : /I couldn't find that claim/);
      }
    });

    it('a locale that is not a language tag does not break the card', async () => {
      const r = await json({ ...executeActivity(ALEX, connector.url, 'overview.open', {}), locale: 'xx_NOT-a-LOCALE!!' });
      expect(r.status).toBe(200);
      expect(textOf(invokeCard(JSON.parse(r.text)))).not.toMatch(APOLOGY);
    });
  });

  it('survives 2,000 seeded random activities: no 5xx, no apology, nothing internal, and /healthz stays ok', async () => {
    const r = prng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const weird = (): unknown =>
      pick([
        null,
        true,
        0,
        -1,
        1e20,
        2 ** 31,
        1.5,
        '',
        ' ',
        'x',
        '\u0000',
        'a\u0000b',
        '%',
        '_',
        '\\',
        "' OR 1=1 --",
        '<at>Co-op</at>',
        'a'.repeat(3000),
        '\ud800',
        '😀',
        '١٢٣',
        '2026-13-45',
        '-1',
        '1e400',
        'constructor',
        '__proto__',
        crypto.randomUUID(),
        claim.id,
        String(claim.version),
        claim.version,
        [],
        [1, 'a'],
        {},
        { a: { b: [null] } },
      ]);
    const KEYS = [
      'claimId',
      'version',
      'idempotencyKey',
      'documentId',
      'kind',
      'amount',
      'name',
      'text',
      'reason',
      'feedback',
      'decision',
      'uploadRequestId',
      'assigneeId',
      'fundAllocationId',
      'activityTypeId',
      'activityStart',
      'activityEnd',
      'description',
      'before',
      'focus',
      'value',
      'vendor',
      'invoiceNumber',
      'quantity',
      'rate',
      'dueDate',
      'message',
      'details',
    ];
    const VERBS = [...Object.keys(ACTIONS), 'constructor', '__proto__', 'toString', 'valueOf', '', 'claim.', 'CLAIM.OPEN'];
    const TEXTS = [
      'help',
      'new claim',
      'claims',
      'reviews',
      'outbox',
      'cancel upload',
      '도움말',
      `claim ${claim.number}`,
      `history ${claim.number}`,
    ];
    const people: TeamsUser[] = [
      ALEX,
      PATTI,
      MEGAN,
      ISAIAH,
      { ...ALEX, locale: 'ko-KR' },
      { aadObjectId: crypto.randomUUID(), name: 'Stranger' },
    ];
    const FIELDS = [
      'type',
      'from',
      'conversation',
      'serviceUrl',
      'channelId',
      'recipient',
      'attachments',
      'membersAdded',
      'entities',
      'locale',
      'channelData',
      'value',
      'text',
      'replyToId',
      'id',
      'timestamp',
      'name',
    ];
    const randomData = () => {
      const d: Record<string, unknown> = {};
      if (r() < 0.7) d.claimId = r() < 0.8 ? claim.id : weird();
      if (r() < 0.5) d.version = r() < 0.5 ? claim.version : weird();
      for (let i = Math.floor(r() * 4); i > 0; i--) d[pick(KEYS)] = weird();
      return d;
    };
    const activity = (): Record<string, unknown> => {
      const u = pick(people);
      const kind = r();
      let a: Record<string, unknown>;
      if (kind < 0.3) a = messageActivity(u, connector.url, r() < 0.6 ? pick(TEXTS) : `claim ${String(weird())}`);
      else if (kind < 0.7) a = executeActivity(u, connector.url, r() < 0.85 ? pick(VERBS) : String(weird()), randomData());
      else if (kind < 0.78)
        a = {
          ...executeActivity(u, connector.url, 'x', {}),
          name: 'application/search',
          value: r() < 0.5 ? { queryText: weird() } : weird(),
        };
      else if (kind < 0.84) a = { ...messageActivity(u, connector.url, ''), value: { verb: pick(VERBS), ...randomData() } };
      else if (kind < 0.9)
        a = {
          ...messageActivity(u, connector.url, ''),
          type: 'conversationUpdate',
          membersAdded: r() < 0.5 ? [{ id: '28:coop-claims-bot' }] : [{ id: weird() }],
        };
      else if (kind < 0.95)
        a = {
          ...messageActivity(u, connector.url, ''),
          attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', content: weird(), name: weird() }],
        };
      else
        a = {
          ...messageActivity(u, connector.url, ''),
          type: pick(['installationUpdate', 'messageReaction', 'event', 'typing', 'invoke']),
        };
      // A third of them get a broken envelope: a field replaced or removed, or a nested value of the wrong type.
      const m = r();
      if (m < 0.2) a[pick(FIELDS)] = r() < 0.2 ? undefined : weird();
      else if (m < 0.25) a.from = { ...(a.from as object), aadObjectId: weird() };
      else if (m < 0.3) a.conversation = { ...(a.conversation as object), [pick(['id', 'tenantId', 'conversationType'])]: weird() };
      else if (m < 0.33) a.channelData = { tenant: { id: weird() } };
      return a;
    };

    const tally = { tried: 0, ok2xx: 0, refused4xx: 0, server5xx: 0, apologies: 0, internalText: 0 };
    const problems: string[] = [];
    const send = async () => {
      const mutateRaw = r();
      const a = activity();
      let res: { status: number; text: string };
      if (mutateRaw < 0.03)
        res = await raw(JSON.stringify(a), pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']));
      else if (mutateRaw < 0.05) res = await raw(JSON.stringify(a).slice(0, Math.floor(r() * 200)), 'application/json');
      else res = await json(a);
      tally.tried++;
      if (res.status >= 500) tally.server5xx++;
      else if (res.status >= 400) tally.refused4xx++;
      else tally.ok2xx++;
      const apology = APOLOGY.test(res.text);
      const internal = INTERNAL.test(res.text);
      if (apology) tally.apologies++;
      if (internal) tally.internalText++;
      if ((res.status >= 500 || apology || internal) && problems.length < 10)
        problems.push(`${res.status} ${res.text.slice(0, 200)} ← ${JSON.stringify(a).slice(0, 400)}`);
    };
    const sentBefore = connector.delivered.length;
    for (let i = 0; i < 2000; i += 10) await Promise.all(Array.from({ length: 10 }, send));

    // Replies posted to chats (message activities) are held to the same standard.
    await new Promise((r) => setTimeout(r, 500));
    const replies = connector.delivered.slice(sentBefore).map((d) => JSON.stringify(d.activity.attachments ?? d.activity.text ?? ''));
    const badReplies = replies.filter((t) => APOLOGY.test(t) || INTERNAL.test(t));
    console.log(`fuzz: ${JSON.stringify({ ...tally, chatReplies: replies.length, badChatReplies: badReplies.length })}`);
    expect(problems).toEqual([]);
    expect(badReplies.slice(0, 5)).toEqual([]);
    expect(tally).toMatchObject({ tried: 2000, server5xx: 0, apologies: 0, internalText: 0 });
    expect(tally.refused4xx).toBeGreaterThan(250);
    const health = await fetch(`${h.bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${h.bot.url}/readyz`)).status).toBe(200);
  }, 180_000);
});
