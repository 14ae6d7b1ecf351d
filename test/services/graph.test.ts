import { loadConfig } from '../../services/config';
import { createGraph, Graph, GraphCallFailed, GraphDirectory, parseRetryAfter } from '../../services/graph';
import { startGraphStub, type GraphStub } from '../stubs/graph';

const ALEX = { id: 'aad-alex', displayName: 'Alex Wilber', mail: 'AlexW@contoso.com', preferredLanguage: 'en-US' };
const MEGAN = { id: 'aad-megan', displayName: 'Megan Bowen', mail: 'MeganB@contoso.com', preferredLanguage: 'ko-KR' };
const ADELE = { id: 'aad-adele', displayName: 'Adele Vance', mail: 'AdeleV@contoso.com' };
const APP = 'catalog-app-1';

let stub: GraphStub;
let graph: Graph;

beforeEach(async () => {
  stub = await startGraphStub({ users: [ALEX, MEGAN, ADELE], catalogAppIds: [APP] });
  graph = new Graph(stub.url, async () => 'test-token', { retry: { baseDelayMs: 20, maxDelayMs: 100 } });
});
afterEach(() => stub.close());

describe('createGraph', () => {
  it('is null when Graph credentials are not configured (local playground)', () => {
    expect(createGraph(loadConfig({}))).toBeNull();
  });

  it('is built from app credentials when configured (token fetched lazily, on the first call)', () => {
    const g = createGraph(loadConfig({ GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' }));
    expect(g).toBeInstanceOf(GraphDirectory);
    expect(g!.home()).toBeInstanceOf(Graph);
    expect(g!.home()!.baseUrl).toBe('https://graph.microsoft.com');
  });

  it('uses the configured base URL with an injected token provider, asked for the tenant of the call', async () => {
    const asked: string[] = [];
    const g = createGraph(loadConfig({ GRAPH_BASE_URL: stub.url, GRAPH_TENANT_ID: 'Home-Tenant' }), {
      tokenProvider: async (tenantId) => {
        asked.push(tenantId);
        return 'injected';
      },
    });
    expect(await g!.forTenant('home-tenant')!.getUser(ALEX.id)).toMatchObject({ displayName: 'Alex Wilber' });
    expect(stub.requests[0].headers.authorization).toBe('Bearer injected');
    expect(asked).toEqual(['home-tenant']);
  });

  it("single-tenant credentials read the home tenant's directory only: another tenant's people are never looked up there", () => {
    const g = createGraph(loadConfig({ GRAPH_TENANT_ID: 'home', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' }))!;
    expect(g.forTenant('HOME')).toBe(g.home());
    expect(g.forTenant('partner-tenant')).toBeNull();
    expect(g.forTenant(undefined)).toBeNull();
  });

  it('GRAPH_MULTI_TENANT: each tenant gets its own Graph with tokens of that tenant, kept for the next call', async () => {
    const g = createGraph(
      loadConfig({ GRAPH_BASE_URL: stub.url, GRAPH_MULTI_TENANT: 'true', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' }),
      {
        tokenProvider: async (tenantId) => `token-of-${tenantId}`,
      },
    )!;
    expect(g.home()).toBeNull(); // no GRAPH_TENANT_ID: no SharePoint home
    const partner = g.forTenant('Partner-A')!;
    expect(g.forTenant('partner-a')).toBe(partner);
    await partner.getUser(ALEX.id);
    await g.forTenant('review-b')!.getUser(ALEX.id);
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-of-partner-a', 'Bearer token-of-review-b']);
  });

  it("a tenant whose token service refuses (no admin consent) is a final 401 'no_consent'; a token hiccup stays retryable", async () => {
    const g = createGraph(
      loadConfig({ GRAPH_BASE_URL: stub.url, GRAPH_MULTI_TENANT: 'true', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' }),
      {
        tokenProvider: async (tenantId) => {
          if (tenantId === 'unconsented') throw new GraphCallFailed(401, 'no_consent', 'AADSTS65001: consent required', false);
          throw new Error('socket hang up');
        },
      },
    )!;
    await expect(g.forTenant('unconsented')!.getUser(ALEX.id)).rejects.toMatchObject({ status: 401, code: 'no_consent', retryable: false });
    await expect(g.forTenant('flaky')!.searchUsers('alex')).rejects.toMatchObject({ code: 'no_token', retryable: true });
    expect(stub.requests).toHaveLength(0); // nothing reached Graph without a token
  });

  it('GRAPH_MULTI_TENANT without a client secret is refused, saying why (a managed identity lives in one tenant)', () => {
    expect(() => loadConfig({ GRAPH_MULTI_TENANT: 'true' })).toThrow(/GRAPH_MULTI_TENANT needs GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET/);
  });
});

describe('people', () => {
  it('searches by display name or e-mail with eventual consistency and the selected fields', async () => {
    const found = await graph.searchUsers('meg');
    expect(found.map((u) => u.displayName)).toEqual(['Megan Bowen']);
    expect(found[0]).toEqual({
      id: 'aad-megan',
      displayName: 'Megan Bowen',
      mail: 'MeganB@contoso.com',
      userPrincipalName: 'MeganB@contoso.com',
      preferredLanguage: 'ko-KR',
      userType: 'Member',
    });

    const req = stub.requests.at(-1)!;
    expect(req.path).toBe('/v1.0/users');
    expect(req.headers.consistencylevel).toBe('eventual');
    expect(req.query.get('$search')).toBe('"displayName:meg" OR "mail:meg"');
    expect(req.query.get('$select')).toBe('id,displayName,mail,userPrincipalName,preferredLanguage,userType');
    expect(req.query.get('$top')).toBe('10');

    expect((await graph.searchUsers('adelev@')).map((u) => u.id)).toEqual(['aad-adele']);
    expect(await graph.searchUsers('nobody')).toEqual([]);
  });

  it('cannot be broken out of the quoted search clause', async () => {
    await graph.searchUsers('al" OR "displayName:m');
    expect(stub.requests.at(-1)!.query.get('$search')).not.toContain('al"');
    expect(await graph.searchUsers('  "  ')).toEqual([]);
  });

  it('reads a profile, and null for an unknown user', async () => {
    expect(await graph.getUser(MEGAN.id)).toMatchObject({
      id: 'aad-megan',
      displayName: 'Megan Bowen',
      mail: 'MeganB@contoso.com',
      preferredLanguage: 'ko-KR',
    });
    expect(await graph.getUser(ADELE.id)).toMatchObject({ preferredLanguage: null });
    expect(await graph.getUser('missing')).toBeNull();
  });
});

describe('Entra Global Administrator (hasDirectoryRole)', () => {
  const GA = '62e90394-69f5-4237-9190-012177145e10';
  const withRoles = async (opts: Parameters<typeof startGraphStub>[0]) => {
    const s = await startGraphStub(opts);
    return { s, g: new Graph(s.url, async () => 't', { retry: { maxRetries: 0 } }) };
  };

  it('a direct member holds the role; someone else does not; a role never activated has no members', async () => {
    const { s, g } = await withRoles({ directoryRoles: { [GA]: ['aad-dana'] } });
    try {
      expect(await g.hasDirectoryRole('AAD-DANA', GA)).toBe(true);
      expect(await g.hasDirectoryRole('aad-eli', GA)).toBe(false);
      expect(await g.hasDirectoryRole('aad-dana', 'other-template')).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('through a role-assignable group (checked transitively, 20 groups per call), and only then', async () => {
    const groups = Array.from({ length: 25 }, (_, i) => `role-group-${i}`);
    const { s, g } = await withRoles({
      directoryRoles: { [GA]: ['aad-dana', ...groups.map((x) => `group:${x}`)] },
      groupMembers: { 'role-group-22': ['aad-gus'] },
    });
    try {
      expect(await g.hasDirectoryRole('aad-gus', GA)).toBe(true);
      const checks = s.requests.filter((r) => r.path.endsWith('/checkMemberGroups'));
      expect(checks.map((r) => (JSON.parse(r.body.toString()) as { groupIds: string[] }).groupIds.length)).toEqual([20, 5]);
      expect(await g.hasDirectoryRole('aad-eli', GA)).toBe(false);
      // A direct member needs no membership check.
      const before = s.requests.length;
      expect(await g.hasDirectoryRole('aad-dana', GA)).toBe(true);
      expect(s.requests.slice(before).map((r) => r.path)).toEqual([`/v1.0/directoryRoles(roleTemplateId='${GA}')/members`]);
    } finally {
      await s.close();
    }
  });

  it('without GroupMember.Read.All the group check fails as no_group_permission (final), so the caller can say which permission', async () => {
    const { s, g } = await withRoles({ directoryRoles: { [GA]: ['group:role-group'] }, groupMembershipForbidden: true });
    try {
      await expect(g.hasDirectoryRole('aad-gus', GA)).rejects.toMatchObject({ status: 403, code: 'no_group_permission', retryable: false });
    } finally {
      await s.close();
    }
  });
});

describe('app installation for proactive chats', () => {
  it('installs (201), then reports already installed (409), and finds the 1:1 chat', async () => {
    expect(await graph.installAppForUser(ALEX.id, APP)).toEqual({ ok: true, status: 'installed' });
    const post = stub.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/v1.0/users/aad-alex/teamwork/installedApps');
    expect(JSON.parse(post.body.toString())).toEqual({
      'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${APP}`,
    });

    expect(await graph.installAppForUser(ALEX.id, APP)).toEqual({ ok: true, status: 'already_installed' });
    expect(stub.installedApps(ALEX.id)).toHaveLength(1);

    const installationId = await graph.findInstallation(ALEX.id, APP);
    expect(installationId).toBe(stub.installedApps(ALEX.id)[0].installationId);
    expect(await graph.getInstalledAppChat(ALEX.id, installationId!)).toMatch(/^19:.*@unq\.gbl\.spaces$/);
    expect(await graph.findInstallation(MEGAN.id, APP)).toBeNull();
  });

  it('reports no permission (403) and an app missing from the catalog (404) as reasons', async () => {
    expect(await graph.installAppForUser(ALEX.id, 'not-in-catalog')).toEqual({ ok: false, reason: 'app_not_in_catalog' });
    const denied = await startGraphStub({ users: [ALEX], installForbidden: true });
    try {
      const g = new Graph(denied.url, async () => 't');
      expect(await g.installAppForUser(ALEX.id, APP)).toEqual({ ok: false, reason: 'no_permission' });
    } finally {
      await denied.close();
    }
  });
});

describe('throttling and outages', () => {
  it('waits Retry-After on 429 and then succeeds', async () => {
    stub.setFault('/users/aad-alex', { status: 429, retryAfter: 1, times: 1 });
    expect(await graph.getUser(ALEX.id)).toMatchObject({ displayName: 'Alex Wilber' });
    const calls = stub.requests.filter((r) => r.path === '/v1.0/users/aad-alex');
    expect(calls).toHaveLength(2);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('retries 503 and 504 with backoff', async () => {
    stub.setFault('/users', { status: 503, times: 2 });
    stub.setFault('/users', { status: 504, times: 1 });
    expect(await graph.searchUsers('alex')).toHaveLength(1);
    expect(stub.requests.filter((r) => r.path === '/v1.0/users')).toHaveLength(4);
  });

  it('gives up after the retry budget with a retryable failure', async () => {
    stub.setFault('/users/aad-alex', { status: 503, times: 100 });
    const g = new Graph(stub.url, async () => 't', { retry: { maxRetries: 2, baseDelayMs: 5 } });
    const err = await g.getUser(ALEX.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphCallFailed);
    expect(err).toMatchObject({ status: 503, retryable: true });
    expect(stub.requests).toHaveLength(3);
  });

  it('does not sit out a Retry-After longer than the cap: fails fast so a queue can reschedule', async () => {
    stub.setFault('/users/aad-alex', { status: 429, retryAfter: 120, times: 1 });
    const started = Date.now();
    const err = await graph.getUser(ALEX.id).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 120 });
  });

  it('does not retry other errors', async () => {
    stub.setFault('/users', { status: 400, times: 5 });
    await expect(graph.searchUsers('alex')).rejects.toMatchObject({ status: 400, retryable: false });
    expect(stub.requests).toHaveLength(1);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5_000)).toBe(5);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
