import crypto from 'node:crypto';
import { DEMO_TENANT_ID } from '../../prisma/seed';
import { ALEX, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { invokeCard, textOf } from '../helpers/cardQuery';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startGraphStub, type GraphStub } from '../stubs/graph';
import { startIdentityStub, type IdentityStub } from '../stubs/identity';

const NEWCOMER: TeamsUser = { aadObjectId: crypto.randomUUID(), name: 'New in Teams', tenantId: DEMO_TENANT_ID };

/**
 * Authenticated mode (issue #3), over HTTP against the real server: every inbound request must carry a
 * channel JWT signed by a key the Bot Framework publishes, for this app, for this serviceUrl, not expired;
 * and only allowed tenants are served. Tokens are real RS256 JWTs checked by botbuilder against a local key set.
 */
describe('bot: authenticated mode', () => {
  let identity: IdentityStub;
  let connector: ConnectorStub;
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    identity = await startIdentityStub();
    connector = await startConnectorStub();
    // botbuilder prints every refused token to console.error; the assertions say what matters.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    consoleError.mockRestore();
    await connector.close();
    await identity.close();
  });

  /** What authenticated mode requires besides the credentials (services/config.ts refuses to start without it). */
  const PRODUCTION = { FILE_LINK_SECRET: crypto.randomBytes(48).toString('base64'), PUBLIC_BASE_URL: 'https://coop-claims.example.org' };

  const newcomer = (tenantId = DEMO_TENANT_ID): TeamsUser => ({ aadObjectId: crypto.randomUUID(), name: 'New Partner', tenantId });
  const convOf = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  /** POSTs an activity the way the Bot Connector does, with an optional bearer token. */
  async function deliver(h: BotHarness, activity: object, token?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${h.bot.url}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }

  const userExists = async (h: BotHarness, u: TeamsUser) => (await h.world.db.user.count({ where: { aadObjectId: u.aadObjectId } })) > 0;
  /** Gives the bot time to act on anything it accepted, so "nothing happened" is not a race. */
  const settle = () => new Promise((r) => setTimeout(r, 150));

  describe('app id + password, single tenant', () => {
    const APP_ID = crypto.randomUUID();
    let h: BotHarness;

    beforeAll(async () => {
      h = await startBotHarness({
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-a-real-secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: DEMO_TENANT_ID,
        ALLOWED_TENANT_IDS: DEMO_TENANT_ID,
        BOT_OPENID_METADATA_URL: identity.openIdMetadataUrl,
        ...PRODUCTION,
      });
    });
    afterAll(async () => {
      await h.close();
    });

    const valid = () => identity.channelToken({ aud: APP_ID, serviceurl: connector.url });

    /** Each refused request: nobody created, nothing sent, no conversation remembered. */
    async function expectRefused(token: string | undefined, expectedStatus = 401) {
      const u = newcomer();
      const sentBefore = connector.requests.length;
      const r = await deliver(h, messageActivity(u, connector.url, 'help'), token);
      const inv = await deliver(h, executeActivity(u, connector.url, 'overview.open', {}), token);
      await settle();
      expect(r.status).toBe(expectedStatus);
      expect(inv.status).toBe(expectedStatus);
      expect(JSON.stringify(inv.body)).not.toContain('application/vnd.microsoft.card.adaptive');
      expect(await userExists(h, u)).toBe(false);
      expect(await h.world.db.conversationRef.count({ where: { conversationId: convOf(u) } })).toBe(0);
      expect(connector.requests.length).toBe(sentBefore);
    }

    it('refuses a request without an Authorization header (401) and processes nothing', async () => {
      await expectRefused(undefined);
    });

    it('refuses a token signed by a key the Bot Framework never published (401)', async () => {
      await expectRefused(identity.channelToken({ aud: APP_ID, serviceurl: connector.url }, { key: 'unpublished' }));
    });

    it('refuses a token whose signature does not match the published key it names', async () => {
      // botbuilder lets jsonwebtoken's "invalid signature" escape as a plain error, so CloudAdapter answers 500, not 401.
      await expectRefused(identity.forgedToken({ aud: APP_ID, serviceurl: connector.url }), 500);
    });

    it('refuses a token issued for another bot (wrong audience, 401)', async () => {
      await expectRefused(identity.channelToken({ aud: crypto.randomUUID(), serviceurl: connector.url }));
    });

    it('refuses an expired token (401), beyond botbuilder’s five-minute clock tolerance', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(
        identity.channelToken({ aud: APP_ID, serviceurl: connector.url, iat: now - 3600, nbf: now - 3600, exp: now - 6 * 60 }),
      );
    });

    it('refuses a token from another issuer (401)', async () => {
      await expectRefused(identity.channelToken({ aud: APP_ID, serviceurl: connector.url, iss: 'https://evil.example.com' }));
    });

    it('refuses a valid token for another serviceUrl (401): replies cannot be redirected elsewhere', async () => {
      await expectRefused(identity.channelToken({ aud: APP_ID, serviceurl: 'https://smba.trafficmanager.net/emea/' }));
    });

    it('serves a valid token: the invoke is answered with the card, and a first-time user is created', async () => {
      const r = await deliver(h, executeActivity(ALEX, connector.url, 'overview.open', {}), valid());
      expect(r.status).toBe(200);
      expect(textOf(invokeCard(r.body)).length).toBeGreaterThan(0);

      const u = newcomer();
      const first = await deliver(h, executeActivity(u, connector.url, 'overview.open', {}), valid());
      expect(first.status).toBe(200);
      invokeCard(first.body);
      expect(await userExists(h, u)).toBe(true);
      // The keys were fetched from the configured metadata, not from Microsoft.
      expect(identity.metadataFetches).toEqual(expect.arrayContaining(['/v1/.well-known/openidconfiguration', '/v1/.well-known/keys']));
    });

    it('refuses a validly signed request from a tenant that is not allowed: 403 for invokes, no reply, nobody created', async () => {
      const stranger = newcomer(crypto.randomUUID());
      const sentBefore = connector.requests.length;
      const inv = await deliver(h, executeActivity(stranger, connector.url, 'overview.open', {}), valid());
      expect(inv.status).toBe(403);
      const msg = await deliver(h, messageActivity(stranger, connector.url, 'help'), valid());
      // A message is acknowledged to the channel (it was authentic) but gets no answer.
      expect(msg.status).toBe(200);
      await settle();
      expect(await userExists(h, stranger)).toBe(false);
      expect(await h.world.db.organisation.count({ where: { tenantId: stranger.tenantId } })).toBe(0);
      expect(connector.requests.length).toBe(sentBefore);

      // The same token shape from the allowed tenant is served.
      const member = newcomer();
      const ok = await deliver(h, executeActivity(member, connector.url, 'overview.open', {}), valid());
      expect(ok.status).toBe(200);
      invokeCard(ok.body);
      expect(await userExists(h, member)).toBe(true);
    });
  });

  describe('managed identity', () => {
    const APP_ID = crypto.randomUUID();
    let h: BotHarness;
    let graph: GraphStub;
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

    beforeAll(async () => {
      // App Service publishes its managed-identity endpoint to the process this way; @azure/identity reads it.
      process.env.IDENTITY_ENDPOINT = identity.managedIdentityEndpoint;
      process.env.IDENTITY_HEADER = identity.identityHeader;
      graph = await startGraphStub({ users: [{ id: NEWCOMER.aadObjectId, displayName: 'Nadia Newcomer', mail: 'nadia@contoso.com' }] });
      // No client secret anywhere: the bot and Graph both get their tokens from the managed identity.
      h = await startBotHarness({
        MicrosoftAppId: APP_ID,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: DEMO_TENANT_ID,
        BOT_OPENID_METADATA_URL: identity.openIdMetadataUrl,
        GRAPH_BASE_URL: graph.url,
        ...PRODUCTION,
      });
    });
    afterAll(async () => {
      await h.close();
      await graph.close();
      if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
      else process.env.IDENTITY_ENDPOINT = saved.endpoint;
      if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
      else process.env.IDENTITY_HEADER = saved.header;
    });

    it('refuses an unsigned request and answers a signed one in chat, with a token from the managed identity', async () => {
      const unsigned = await deliver(h, messageActivity(ALEX, connector.url, 'help'));
      expect(unsigned.status).toBe(401);

      const token = identity.channelToken({ aud: APP_ID, serviceurl: connector.url });
      const before = connector.sent(convOf(ALEX)).length;
      const r = await deliver(h, messageActivity(ALEX, connector.url, 'help'), token);
      expect(r.status).toBe(200);
      await connector.waitFor((s) => s.sent(convOf(ALEX)).length > before);
      expect(textOf(connector.cardsIn(convOf(ALEX)).at(-1))).toMatch(/new claim/i);
      // The reply was sent with a token the bot obtained as its own identity, for the Bot Framework.
      expect(identity.managedIdentityRequests).toContainEqual(
        expect.objectContaining({ clientId: APP_ID, resource: 'https://api.botframework.com' }),
      );
    });

    it('reads a newcomer’s directory profile from Graph with a token of the same managed identity', async () => {
      const token = identity.channelToken({ aud: APP_ID, serviceurl: connector.url });
      const r = await deliver(h, messageActivity(NEWCOMER, connector.url, 'help'), token);
      expect(r.status).toBe(200);
      // The profile is loaded after the turn: the name the directory knows replaces the one in the activity.
      const named = async () =>
        (await h.world.db.user.findFirst({ where: { aadObjectId: NEWCOMER.aadObjectId } }))?.displayName === 'Nadia Newcomer';
      for (let i = 0; i < 100 && !(await named()); i++) await settle();
      expect(await named()).toBe(true);
      expect(graph.requests.find((q) => q.path === `/v1.0/users/${NEWCOMER.aadObjectId}`)?.headers.authorization).toBe(
        `Bearer ${identity.managedIdentityToken}`,
      );
      expect(identity.managedIdentityRequests).toContainEqual({
        clientId: APP_ID,
        resource: 'https://graph.microsoft.com',
        identityHeader: identity.identityHeader,
      });
    });
  });

  describe('local mode (no app id)', () => {
    it('accepts an unauthenticated request', async () => {
      const h = await startBotHarness();
      try {
        const r = await deliver(h, executeActivity(ALEX, connector.url, 'overview.open', {}));
        expect(r.status).toBe(200);
        invokeCard(r.body);
      } finally {
        await h.close();
      }
    });
  });
});
