import crypto from 'node:crypto';
import { ConfigError, loadConfig } from '../../services/config';

const APP_ID = '6f1c2a55-0d7e-4a59-8c53-3a7b6c0e9d11';
const TENANT = '0b6a3f70-2f0e-4d9a-9a44-5d0c6f2c8e01';
const SECRET = crypto.randomBytes(48).toString('base64');

/** A complete production configuration with a client secret; each test removes or changes one thing. */
const production = (over: Record<string, string | undefined> = {}) => {
  const env: Record<string, string | undefined> = {
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'entra-client-secret',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT,
    DATABASE_URL: 'postgresql://coop:pw@db.example.org:5432/coop',
    PUBLIC_BASE_URL: 'https://coop-claims.example.org',
    FILE_LINK_SECRET: SECRET,
    ...over,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
};

/** The refusal messages, one per problem (loadConfig lists them all at once). */
function refusals(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration: local mode (no app credentials)', () => {
  it('runs on the development defaults: embedded database, demo data, a link secret kept in the database', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demoSeed).toBe(true);
    expect(c.files.linkSecret).toBeUndefined();
    expect(c.files.publicBaseUrl).toBe('http://localhost:3978');
  });

  it('can answer every turn in Korean for the Agents Playground (which always sends en-US)', () => {
    expect(loadConfig({ PLAYGROUND_LOCALE: 'ko-KR' }).playgroundLocale).toBe('ko-KR');
    expect(loadConfig({}).playgroundLocale).toBeUndefined();
    expect(refusals({ PLAYGROUND_LOCALE: 'Korean please' })).toEqual([expect.stringMatching(/PLAYGROUND_LOCALE.*language tag/)]);
  });

  it('lets the demo seed be switched off', () => {
    expect(loadConfig({ DEMO_SEED: 'false' }).demoSeed).toBe(false);
  });

  it('refuses a weak FILE_LINK_SECRET even locally, saying how to make a good one', () => {
    expect(refusals({ FILE_LINK_SECRET: 'short' })).toEqual([
      expect.stringMatching(/FILE_LINK_SECRET is too weak: it has 5 characters.*openssl rand/),
    ]);
    expect(refusals({ FILE_LINK_SECRET: 'a'.repeat(64) })).toEqual([expect.stringMatching(/too few distinct characters/)]);
    expect(loadConfig({ FILE_LINK_SECRET: SECRET }).files.linkSecret).toBe(SECRET);
  });
});

describe('configuration: authenticated mode never runs on development defaults', () => {
  it('starts with a complete production configuration, without the demo data', () => {
    const c = loadConfig(production());
    expect(c.demoSeed).toBe(false);
    expect(c.files.linkSecret).toBe(SECRET);
    expect(c.graph.managedIdentity).toBe(false);
  });

  it('loads the demo data only when asked for', () => {
    expect(loadConfig(production({ DEMO_SEED: 'true' })).demoSeed).toBe(true);
  });

  it('refuses to start without FILE_LINK_SECRET: links could be forged', () => {
    expect(refusals(production({ FILE_LINK_SECRET: undefined }))).toEqual([
      expect.stringMatching(/^FILE_LINK_SECRET is required.*anyone could mint a link to any claim's files.*openssl rand -base64 48/),
    ]);
  });

  it('refuses a weak FILE_LINK_SECRET', () => {
    expect(refusals(production({ FILE_LINK_SECRET: '0123456789abcdef' }))).toEqual([expect.stringMatching(/FILE_LINK_SECRET is too weak/)]);
  });

  it('refuses the embedded PostgreSQL unless explicitly allowed, saying what to set', () => {
    expect(refusals(production({ DATABASE_URL: undefined }))).toEqual([
      expect.stringMatching(/^DATABASE_URL is required.*redeploy or a second replica.*ALLOW_EMBEDDED_DATABASE=true/),
    ]);
    expect(loadConfig(production({ DATABASE_URL: undefined, ALLOW_EMBEDDED_DATABASE: 'true' })).databaseUrl).toBeUndefined();
  });

  it('requires an https PUBLIC_BASE_URL', () => {
    expect(refusals(production({ PUBLIC_BASE_URL: undefined }))).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL is required.*https/)]);
    expect(refusals(production({ PUBLIC_BASE_URL: 'http://coop-claims.example.org' }))).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL must be https.*it is http:\/\/coop-claims\.example\.org/),
    ]);
  });

  it('refuses PLAYGROUND_LOCALE: in Teams every user is answered in their own language', () => {
    expect(refusals(production({ PLAYGROUND_LOCALE: 'ko-KR' }))).toEqual([
      expect.stringMatching(/^PLAYGROUND_LOCALE is for the Agents Playground only/),
    ]);
  });

  it('lists every problem at once, so one restart fixes them all', () => {
    const all = refusals({ MicrosoftAppId: APP_ID });
    expect(all.map((p) => p.split(' ')[0])).toEqual([
      'FILE_LINK_SECRET',
      'DATABASE_URL',
      'PUBLIC_BASE_URL',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
    ]);
    expect(() => loadConfig({ MicrosoftAppId: APP_ID })).toThrow(/^Configuration refused:\n {2}- FILE_LINK_SECRET/);
  });
});

describe('configuration: managed identity', () => {
  const msi = (over: Record<string, string | undefined> = {}) =>
    production({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined, ...over });

  it('needs no secret: the bot and Graph both use the managed identity (client id = the bot app id)', () => {
    const c = loadConfig(msi());
    expect(c.bot).toMatchObject({ appId: APP_ID, appType: 'UserAssignedMSI', appPassword: undefined });
    expect(c.graph).toMatchObject({ managedIdentity: true, clientId: APP_ID, clientSecret: undefined });
  });

  it('uses a Graph client secret instead when one is configured for another app', () => {
    const c = loadConfig(msi({ GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: 'graph-app', GRAPH_CLIENT_SECRET: 'graph-secret' }));
    expect(c.graph).toMatchObject({ managedIdentity: false, clientId: 'graph-app', clientSecret: 'graph-secret' });
  });
});
