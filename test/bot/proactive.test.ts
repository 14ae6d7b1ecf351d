import crypto from 'node:crypto';
import { TeamsInfo, type Activity } from 'botbuilder';
import pino from 'pino';
import { createAdapter } from '../../bot/adapter';
import { loadConfig } from '../../services/config';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { updateClaimCards } from '../../bot/outbox/claimCards';
import { Pacer } from '../../bot/outbox/pacing';
import { startOutboxWorker } from '../../bot/outbox/worker';
import {
  DEFAULT_TEAMS_SERVICE_URL,
  findPersonalConversation,
  reachUser,
  saveConversationReference,
  toConversationReference,
  type ProactiveDirectory,
  type ProactiveGraph,
} from '../../bot/proactive';
import { enqueueNotification } from '../../services/notifications';
import { insertClaim, makeWorld, type World } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

const silent = pino({ level: 'silent' });
// The production adapter, with its onTurnError: a bare CloudAdapter once hid failed sends (they looked delivered).
const adapter = createAdapter(loadConfig({ LOG_LEVEL: 'silent' }));

let w: World;
let stub: ConnectorStub;

beforeAll(async () => {
  w = await makeWorld(new Date());
  stub = await startConnectorStub();
});
afterAll(async () => {
  await stub.close();
  await w.close();
});
beforeEach(async () => {
  await w.db.claimCard.deleteMany();
  await w.db.outboxMessage.deleteMany();
  await w.db.conversationRef.deleteMany();
  await w.db.user.updateMany({ data: { unreachableReason: null } });
});

function incoming(
  over: {
    serviceUrl?: string;
    channelId?: string;
    conversationId?: string;
    conversationType?: string;
    tenantId?: string | null;
    aad?: string;
  } = {},
): Partial<Activity> {
  const aad = over.aad ?? crypto.randomUUID();
  return {
    type: 'message',
    id: 'incoming-1',
    channelId: over.channelId ?? 'msteams',
    serviceUrl: over.serviceUrl ?? stub.url,
    conversation: {
      id: over.conversationId ?? `a:${aad}`,
      conversationType: over.conversationType ?? 'personal',
      tenantId: over.tenantId === null ? undefined : (over.tenantId ?? DEMO_TENANT_ID),
      isGroup: false,
      name: '',
    },
    from: { id: `29:${aad}`, name: 'Someone', aadObjectId: aad },
    recipient: { id: '28:bot-app-id', name: 'Co-op Claims' },
    locale: 'en-US',
  };
}

async function userAad(userId: string): Promise<string> {
  return (await w.db.user.findUniqueOrThrow({ where: { id: userId } })).aadObjectId;
}

describe('saveConversationReference', () => {
  test('stores a personal chat linked to the user, without the incoming activity id', async () => {
    const me = w.users.incentivesUser;
    expect(await saveConversationReference(w.db, me, incoming({ conversationId: 'a:alex-chat' }))).toBe('changed');
    // The same turn again writes nothing.
    expect(await saveConversationReference(w.db, me, incoming({ conversationId: 'a:alex-chat', aad: 'same-user' }))).toBe('changed');
    expect(await saveConversationReference(w.db, me, incoming({ conversationId: 'a:alex-chat', aad: 'same-user' }))).toBe('unchanged');
    const row = await w.db.conversationRef.findUniqueOrThrow({ where: { conversationId: 'a:alex-chat' } });
    expect(row).toMatchObject({ userId: me, conversationType: 'personal', serviceUrl: stub.url, tenantId: DEMO_TENANT_ID });
    expect(JSON.stringify(row.reference)).not.toContain('incoming-1');
    expect((await findPersonalConversation(w.db, me))?.conversationId).toBe('a:alex-chat');
  });

  test('takes the tenant from channelData when the conversation lacks it, and keeps channels unlinked', async () => {
    const a = {
      ...incoming({ conversationId: '19:general@thread.tacv2', conversationType: 'channel', tenantId: null }),
      channelData: { tenant: { id: DEMO_TENANT_ID } },
    };
    expect(await saveConversationReference(w.db, w.users.reviewer, a)).toBe('changed');
    expect(await w.db.conversationRef.findUniqueOrThrow({ where: { conversationId: '19:general@thread.tacv2' } })).toMatchObject({
      userId: null,
      conversationType: 'channel',
      tenantId: DEMO_TENANT_ID,
    });
    expect(await findPersonalConversation(w.db, w.users.reviewer)).toBeNull();
  });

  test.each([
    ['plain http to a remote host', { serviceUrl: 'http://smba.example.com/' }],
    ['no tenant', { tenantId: null }],
    ['a channel the bot does not serve', { channelId: 'slack' }],
    ['a malformed serviceUrl', { serviceUrl: 'not a url' }],
  ])('refuses %s', async (_label, over) => {
    expect(await saveConversationReference(w.db, w.users.colleague, incoming(over))).toBe(false);
    expect(await w.db.conversationRef.count()).toBe(0);
  });

  test('accepts https and loopback http; a newer turn updates the same conversation and clears unreachability', async () => {
    const me = w.users.colleague;
    expect(
      await saveConversationReference(w.db, me, incoming({ conversationId: 'a:c', serviceUrl: 'http://localhost:56150/_connector' })),
    ).toBe('changed');
    await w.db.user.update({ where: { id: me }, data: { unreachableReason: 'ConversationBlockedByUser' } });
    expect(
      await saveConversationReference(w.db, me, incoming({ conversationId: 'a:c', serviceUrl: 'https://smba.trafficmanager.net/emea/' })),
    ).toBe('changed');
    const rows = await w.db.conversationRef.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
    expect((await w.db.user.findUniqueOrThrow({ where: { id: me } })).unreachableReason).toBeNull();
  });
});

describe('reachUser', () => {
  function fakeGraph(
    result: 'installed' | 'already_installed' | 'no_permission' | 'app_not_in_catalog',
    chatId = '19:installed-chat@unq.gbl.spaces',
  ) {
    const calls: string[] = [];
    const tenants: string[] = [];
    const tenantGraph: ProactiveGraph = {
      installAppForUser: async (aad, catalog) => {
        calls.push(`install ${aad} ${catalog}`);
        return result === 'installed' || result === 'already_installed' ? { ok: true, status: result } : { ok: false, reason: result };
      },
      findInstallation: async () => 'installation-1',
      getInstalledAppChat: async (aad, installationId) => {
        calls.push(`chat ${aad} ${installationId}`);
        return chatId;
      },
    };
    // Graph per tenant, as services/graph.ts's GraphDirectory: the install uses the person's own tenant.
    const graph: ProactiveDirectory = {
      forTenant: (tenantId) => {
        tenants.push(tenantId);
        return tenantGraph;
      },
    };
    return { graph, calls, tenants };
  }

  test('without Graph, someone who never talked to the bot is unreachable: no_conversation', async () => {
    expect(await reachUser({ db: w.db }, w.users.colleague)).toEqual({ ok: false, reason: 'no_conversation' });
  });

  test('a recorded 403 reason is reported as it is', async () => {
    await saveConversationReference(w.db, w.users.colleague, incoming());
    await w.db.user.update({ where: { id: w.users.colleague }, data: { unreachableReason: 'BotDisabledByAdmin' } });
    const { graph, calls } = fakeGraph('installed');
    expect(await reachUser({ db: w.db, graph, teamsAppCatalogId: 'cat-1' }, w.users.colleague)).toEqual({
      ok: false,
      reason: 'BotDisabledByAdmin',
    });
    expect(calls).toHaveLength(0);
  });

  test.each(['no_permission', 'app_not_in_catalog'] as const)('Graph refusing installation is reported: %s', async (reason) => {
    const { graph } = fakeGraph(reason);
    expect(await reachUser({ db: w.db, graph, teamsAppCatalogId: 'cat-1' }, w.users.colleague)).toEqual({ ok: false, reason });
  });

  test.each(['installed', 'already_installed'] as const)(
    'installs the app (%s) and stores the chat with the tenant’s last known serviceUrl',
    async (result) => {
      await saveConversationReference(w.db, w.users.incentivesAdmin, incoming({ serviceUrl: 'https://smba.trafficmanager.net/amer/' }));
      const { graph, calls, tenants } = fakeGraph(result);
      const reach = await reachUser({ db: w.db, graph, teamsAppCatalogId: 'cat-1', appId: 'bot-app-id' }, w.users.colleague);
      expect(tenants).toEqual([DEMO_TENANT_ID]);
      expect(reach).toMatchObject({
        ok: true,
        conversationId: '19:installed-chat@unq.gbl.spaces',
        reference: { serviceUrl: 'https://smba.trafficmanager.net/amer/', bot: { id: '28:bot-app-id' } },
      });
      const aad = await userAad(w.users.colleague);
      expect(calls).toEqual([`install ${aad} cat-1`, `chat ${aad} installation-1`]);
      expect((await findPersonalConversation(w.db, w.users.colleague))?.conversationId).toBe('19:installed-chat@unq.gbl.spaces');
      // Next time the stored chat is used, with no Graph call.
      const again = fakeGraph(result);
      expect(await reachUser({ db: w.db, graph: again.graph, teamsAppCatalogId: 'cat-1' }, w.users.colleague)).toMatchObject({ ok: true });
      expect(again.calls).toHaveLength(0);
    },
  );

  test('with no serviceUrl known for the tenant, the global Teams endpoint is used', async () => {
    const { graph } = fakeGraph('installed');
    expect(await reachUser({ db: w.db, graph, teamsAppCatalogId: 'cat-1' }, w.users.colleague)).toMatchObject({
      ok: true,
      reference: { serviceUrl: DEFAULT_TEAMS_SERVICE_URL },
    });
  });

  test('a user who removed the app is reinstalled through Graph', async () => {
    await saveConversationReference(w.db, w.users.colleague, incoming({ conversationId: 'a:old-chat' }));
    await w.db.user.update({ where: { id: w.users.colleague }, data: { unreachableReason: 'BotNotInConversationRoster' } });
    const { graph } = fakeGraph('installed', 'a:new-chat');
    expect(await reachUser({ db: w.db, graph, teamsAppCatalogId: 'cat-1' }, w.users.colleague)).toMatchObject({
      ok: true,
      conversationId: 'a:new-chat',
    });
    expect((await w.db.user.findUniqueOrThrow({ where: { id: w.users.colleague } })).unreachableReason).toBeNull();
  });
});

test('the outbox reaches a user with no chat through Graph installation, then the card is updated in place', async () => {
  const claim = await insertClaim(w, { status: 'SUBMITTED' });
  // Someone in the tenant has talked to the bot, so its serviceUrl (the stub) is known.
  await saveConversationReference(w.db, w.users.incentivesAdmin, incoming());
  const tenantGraph: ProactiveGraph = {
    installAppForUser: async () => ({ ok: true, status: 'installed' }),
    findInstallation: async () => 'inst-1',
    getInstalledAppChat: async () => 'a:graph-made-chat',
  };
  const graph: ProactiveDirectory = { forTenant: () => tenantGraph };
  await w.db.$transaction((tx) =>
    enqueueNotification(tx, {
      recipientId: w.users.reviewer,
      payload: { kind: 'review_needed', claimId: claim.id, number: claim.number, name: 'Seminar', status: 'SUBMITTED' },
      dedupeKey: `review:${claim.id}`,
      at: new Date(),
    }),
  );
  const worker = startOutboxWorker({
    db: w.db,
    adapter,
    appId: '',
    graph,
    teamsAppCatalogId: 'cat-1',
    autoStart: false,
    log: silent,
    render: (p, locale) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `${p.kind} ${locale}` }] }),
    config: { pollMs: 20, maxAttempts: 3, tenantRatePerSecond: 100 },
  });
  expect(await worker.drainOnce()).toBe(1);
  await worker.stop();
  expect(stub.cardsIn('a:graph-made-chat')).toEqual([
    { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'review_needed en-US' }] },
  ]);
  const posted = stub.sent('a:graph-made-chat')[0]!;
  expect(await w.db.claimCard.findMany({ where: { claimId: claim.id } })).toEqual([
    expect.objectContaining({ conversationId: 'a:graph-made-chat', activityId: posted.activityId, view: 'notice' }),
  ]);

  const views: string[] = [];
  const result = await updateClaimCards(adapter, '', w.db, claim.id, (view) => {
    views.push(view);
    return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Approved' }] };
  });
  expect(result).toEqual({ updated: 1, failed: 0 });
  expect(views).toEqual(['notice']);
  const upd = stub.updates('a:graph-made-chat', posted.activityId);
  expect(upd).toHaveLength(1);
  expect(JSON.stringify(upd[0]!.activity.attachments)).toContain('Approved');

  // A failing update is reported, never thrown.
  stub.fail('a:graph-made-chat', { status: 404 });
  await expect(updateClaimCards(adapter, '', w.db, claim.id, () => ({ type: 'AdaptiveCard' }), { log: silent })).resolves.toEqual({
    updated: 0,
    failed: 1,
  });
});

test('the connector stub answers TeamsInfo.getMember and 1:1 conversation creation like the Bot Connector', async () => {
  stub.addMember({
    id: '29:patti',
    name: 'Patti Fernandez',
    aadObjectId: 'aad-patti',
    email: 'pattif@example.com',
    tenantId: DEMO_TENANT_ID,
  });
  const ref = toConversationReference({
    channelId: 'msteams',
    serviceUrl: stub.url,
    conversation: { id: 'a:any', conversationType: 'personal', tenantId: DEMO_TENANT_ID },
    bot: { id: '28:bot' },
  });
  let member: { name?: string; aadObjectId?: string } | undefined;
  let created: string | undefined;
  await adapter.continueConversationAsync('', ref, async (ctx) => {
    member = await TeamsInfo.getMember(ctx, '29:patti');
    const client = ctx.turnState.get(adapter.ConnectorClientKey) as {
      conversations: { createConversation(p: object): Promise<{ id?: string }> };
    };
    const res = await client.conversations.createConversation({
      isGroup: false,
      bot: { id: '28:bot', name: 'bot' },
      members: [{ id: '29:patti', name: '' }],
      channelData: { tenant: { id: DEMO_TENANT_ID } },
    });
    created = res.id;
  });
  expect(member).toMatchObject({ name: 'Patti Fernandez', aadObjectId: 'aad-patti' });
  expect(created).toMatch(/^a:personal-/);
});

test('card updates in one chat are paced with the sends, so Teams never throttles them', async () => {
  stub.enforceTeamsLimits();
  try {
    const conversationId = `a:card-updates-${crypto.randomUUID()}`;
    expect(await saveConversationReference(w.db, null, incoming({ conversationId, conversationType: 'channel' }))).toBe('changed');
    const claims = await Promise.all(Array.from({ length: 12 }, () => insertClaim(w)));
    for (const [i, c] of claims.entries())
      await w.db.claimCard.create({ data: { claimId: c.id, conversationId, activityId: `1:${i}`, view: 'detail' } });
    const pacer = new Pacer(w.db, 100);
    const card = () => ({ type: 'AdaptiveCard', version: '1.5', body: [] });
    const results = await Promise.all(claims.map((c) => updateClaimCards(adapter, '', w.db, c.id, card, { log: silent, pacer })));
    await pacer.stop();
    expect(results.every((r) => r.updated === 1 && r.failed === 0)).toBe(true);
    expect(stub.updates(conversationId)).toHaveLength(12);
    expect(stub.requests.filter((r) => r.conversationId === conversationId && r.status === 429)).toHaveLength(0);
  } finally {
    stub.enforceTeamsLimits(false);
  }
});
