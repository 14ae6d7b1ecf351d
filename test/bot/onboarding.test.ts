import { readFileSync } from 'node:fs';
import path from 'node:path';
import { botAddedActivity, executeActivity, fileActivity, messageActivity, searchActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, actions, choicesOf, findInput, invokeCard, textOf } from '../helpers/cardQuery';
import { GraphCallFailed } from '../../services/graph';
import { GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID } from '../../services/onboarding';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost } from '../stubs/fileHost';
import { startGraphStub, type GraphStub } from '../stubs/graph';

/**
 * A partner the bot has never seen, over HTTP: its first Global admin comes from Graph (Entra's
 * Global Administrator role) or from BOOTSTRAP_ADMINS without Graph; people without a role are told
 * whom to ask; a partner admin can never grant REVIEWER when a review tenant is configured.
 */
const FABRIKAM = '7a1b2c3d-0000-4000-8000-00000000fab1';
const REVIEW = '7a1b2c3d-0000-4000-8000-0000000re71e';
const dana: TeamsUser = { aadObjectId: 'd0000000-0000-4000-8000-00000000da7a', name: 'Dana Admin', tenantId: FABRIKAM };
const eli: TeamsUser = { aadObjectId: 'e0000000-0000-4000-8000-0000000000e1', name: 'Eli Staff', tenantId: FABRIKAM };
const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
/** In Fabrikam's directory, never opened the app. */
const GWEN = 'a0000000-0000-4000-8000-00000000a0e1';

async function lastCard(connector: ConnectorStub, u: TeamsUser, count: number): Promise<unknown> {
  await connector.waitFor((s) => s.cardsIn(conv(u)).length >= count, 10_000);
  return connector.cardsIn(conv(u))[count - 1];
}

describe('bot: first Global admin from Graph (Entra Global Administrator)', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let graph: GraphStub;

  beforeAll(async () => {
    connector = await startConnectorStub();
    graph = await startGraphStub({
      users: [
        { id: dana.aadObjectId, displayName: 'Dana Admin', mail: 'dana@fabrikam.example' },
        { id: eli.aadObjectId, displayName: 'Eli Staff', mail: 'eli@fabrikam.example' },
        { id: GWEN, displayName: 'Gwen Directory', mail: 'gwen@fabrikam.example' },
      ],
      directoryRoles: { [GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID]: [dana.aadObjectId, 'group:0000-role-group'] },
    });
    h = await startBotHarness(
      { GRAPH_BASE_URL: graph.url, GRAPH_TENANT_ID: FABRIKAM, REVIEW_TENANT_ID: REVIEW },
      { graph: { tokenProvider: async () => 'test-token', retry: { baseDelayMs: 10, maxDelayMs: 50 } } },
    );
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await graph.close();
  });

  it("the tenant's Global Administrator is a Global admin on first contact; the welcome leads to admin", async () => {
    await h.post(botAddedActivity(dana, connector.url));
    const welcome = await lastCard(connector, dana, 1);
    // Not named yet: "your organisation", never a tenant id prefix.
    expect(textOf(welcome)).toContain('You are an admin of your organisation. Set it up in');
    expect(textOf(welcome)).not.toMatch(/Organisation 7a1b2c3d/);
    expect(actions(welcome).map((a) => a.verb)).toContain('admin.open');
    const asked = graph.requests.filter((r) => r.path.includes('/directoryRoles'));
    expect(asked.map((r) => r.path)).toEqual([`/v1.0/directoryRoles(roleTemplateId='${GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID}')/members`]);
    const user = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: dana.aadObjectId }, include: { roles: true } });
    expect(user.roles.map((r) => r.role)).toEqual(['GLOBAL_ADMIN']);
    const ev = await h.world.db.organisationEvent.findFirstOrThrow({ where: { organisationId: user.organisationId } });
    expect(ev).toMatchObject({ type: 'admin_recognised', actorKind: 'SYSTEM', data: expect.objectContaining({ source: 'directory' }) });

    // Asked once per person: the next turn does not ask Graph again.
    await h.post(messageActivity(dana, connector.url, 'help'));
    await lastCard(connector, dana, 2);
    expect(graph.requests.filter((r) => r.path.includes('/directoryRoles'))).toHaveLength(1);

    // Her organisation card says it has no name yet (not a tenant id prefix), and the rename form starts empty.
    const org = invokeCard((await h.post(executeActivity(dana, connector.url, 'admin.open', {}))).body);
    expect(textOf(org)).toContain('Your organisation (not named yet: Rename)');
    expect(textOf(org)).not.toMatch(/Organisation 7a1b2c3d/);
    const rename = invokeCard((await h.post(executeActivity(dana, connector.url, 'admin.rename.form', {}))).body);
    expect(findInput(rename, 'name')).toMatchObject({ id: 'name' });
    expect((findInput(rename, 'name') as { value?: string }).value ?? '').toBe('');
  });

  it('someone who is not a Global Administrator gets no role, and a welcome that names the admin to ask', async () => {
    await h.post(messageActivity(eli, connector.url, 'new claim'));
    const card = await lastCard(connector, eli, 1);
    const text = textOf(card);
    expect(text).toContain('You have no role in Co-op Claims yet');
    expect(text).toContain('Co-op Claims is where your company claims its Microsoft co-op funds');
    expect(text).toContain('Ask an admin of your organisation: Dana Admin.');
    expect(actions(card).map((a) => a.verb)).not.toContain('claim.new.form');
    expect(await h.world.db.roleAssignment.count({ where: { user: { aadObjectId: eli.aadObjectId } } })).toBe(0);
  });

  it('a partner admin cannot grant REVIEWER (the review tenant is another one): not offered, and refused if sent', async () => {
    const eliId = (await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: eli.aadObjectId } })).id;
    let r = await h.post(executeActivity(dana, connector.url, 'admin.member.form', { userId: eliId }));
    const form = invokeCard(r.body);
    expect(choicesOf(form, 'role').map((c) => c.value)).toEqual(['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER']);
    r = await h.post(
      executeActivity(dana, connector.url, 'admin.role.grant', { userId: eliId, role: 'REVIEWER', locationId: 'all', programId: 'all' }),
    );
    expect(textOf(invokeCard(r.body))).toContain('Only the review team can have reviewers');
    expect(await h.world.db.roleAssignment.count({ where: { userId: eliId } })).toBe(0);

    // What she may grant works, and the card says so.
    r = await h.post(
      executeActivity(dana, connector.url, 'admin.role.grant', {
        userId: eliId,
        role: 'INCENTIVES_USER',
        locationId: 'all',
        programId: 'all',
      }),
    );
    expect(textOf(invokeCard(r.body))).toContain('Eli Staff is now Incentives user.');
    expect((await h.world.db.roleAssignment.findMany({ where: { userId: eliId } })).map((x) => x.role)).toEqual(['INCENTIVES_USER']);
    // Eli is told in his own chat, with the way to start.
    await connector.waitFor((s) => s.cardsIn(conv(eli)).some((c) => /You are now Incentives user/.test(textOf(c))), 10_000);
    const told = connector.cardsIn(conv(eli)).find((c) => /You are now Incentives user/.test(textOf(c)))!;
    expect(textOf(told)).toContain('Dana Admin gave you the role Incentives user.');
    expect(actions(told).map((a) => a.title)).toEqual(['New claim', 'Overview']);
  });

  it("the people picker's Graph pick (an Entra object id) adds a directory colleague to the organisation with the role", async () => {
    const r = await h.post(
      executeActivity(dana, connector.url, 'admin.role.grant', {
        person: GWEN,
        role: 'INCENTIVES_ADMIN',
        locationId: 'all',
        programId: 'all',
      }),
    );
    expect(textOf(invokeCard(r.body))).toContain('Gwen Directory is now Incentives admin.');
    const gwen = await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: GWEN }, include: { roles: true, organisation: true } });
    expect(gwen.organisation.tenantId).toBe(FABRIKAM);
    expect(gwen.roles.map((x) => x.role)).toEqual(['INCENTIVES_ADMIN']);
    // Someone Graph does not know is refused on the form, not added.
    const bad = await h.post(
      executeActivity(dana, connector.url, 'admin.role.grant', { person: 'b0000000-0000-4000-8000-000000000bad', role: 'INCENTIVES_USER' }),
    );
    expect(textOf(invokeCard(bad.body))).toContain('Choose a person.');
  });
});

describe('bot: GRAPH_MULTI_TENANT — the partner and the review team each recognised in their own directory', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let graph: GraphStub;
  const NORTHWIND = '7a1b2c3d-0000-4000-8000-0000000n0r7h';
  const rita: TeamsUser = { aadObjectId: 'c0000000-0000-4000-8000-0000000000c1', name: 'Rita Review', tenantId: REVIEW };
  const nico: TeamsUser = { aadObjectId: 'c0000000-0000-4000-8000-0000000000c2', name: 'Nico Northwind', tenantId: NORTHWIND };
  const asked: string[] = [];

  beforeAll(async () => {
    connector = await startConnectorStub();
    // Each tenant's directory answers only to a token of that tenant (what an app-only token reads).
    graph = await startGraphStub({
      directoriesByToken: {
        [`token-${FABRIKAM}`]: {
          users: [
            { id: dana.aadObjectId, displayName: 'Dana Admin', mail: 'dana@fabrikam.example' },
            { id: GWEN, displayName: 'Gwen Directory', mail: 'gwen@fabrikam.example' },
          ],
          directoryRoles: { [GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID]: [dana.aadObjectId] },
        },
        [`token-${REVIEW}`]: {
          users: [
            { id: rita.aadObjectId, displayName: 'Rita Review', mail: 'rita@review.example' },
            { id: 'c0000000-0000-4000-8000-0000000000c3', displayName: 'Gus Reviewteam', mail: 'gus@review.example' },
          ],
          directoryRoles: { [GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID]: [rita.aadObjectId] },
        },
      },
    });
    h = await startBotHarness(
      {
        GRAPH_BASE_URL: graph.url,
        GRAPH_MULTI_TENANT: 'true',
        GRAPH_CLIENT_ID: 'multi-tenant-app',
        GRAPH_CLIENT_SECRET: 'test-secret',
        REVIEW_TENANT_ID: REVIEW,
      },
      {
        graph: {
          tokenProvider: async (tenantId) => {
            asked.push(tenantId);
            // Northwind's admin never consented to the app: the token service refuses every time.
            if (tenantId === NORTHWIND.toLowerCase()) throw new GraphCallFailed(401, 'no_consent', 'AADSTS65001: consent required', false);
            return `token-${tenantId}`;
          },
          retry: { baseDelayMs: 10, maxDelayMs: 50 },
        },
      },
    );
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await graph.close();
  });

  const rolesOf = async (u: TeamsUser) =>
    (await h.world.db.user.findFirstOrThrow({ where: { aadObjectId: u.aadObjectId }, include: { roles: true } })).roles.map((r) => r.role);

  it("the partner's and the review team's Global Administrators both become their organisation's Global admin", async () => {
    await h.post(botAddedActivity(dana, connector.url));
    expect(actions(await lastCard(connector, dana, 1)).map((a) => a.verb)).toContain('admin.open');
    await h.post(botAddedActivity(rita, connector.url));
    expect(actions(await lastCard(connector, rita, 1)).map((a) => a.verb)).toContain('admin.open');
    expect(await rolesOf(dana)).toEqual(['GLOBAL_ADMIN']);
    expect(await rolesOf(rita)).toEqual(['GLOBAL_ADMIN']);
    // Each was looked up with a token of their own tenant.
    const roleCalls = graph.requests.filter((r) => r.path.includes('/directoryRoles')).map((r) => r.headers.authorization);
    expect(roleCalls).toEqual([`Bearer token-${FABRIKAM}`, `Bearer token-${REVIEW}`]);
  });

  it("the people picker searches the asker's own tenant: Dana finds Fabrikam's people, never the review team's", async () => {
    const body = (r: { body: unknown }) => (r.body as { value: { results: Array<{ title: string }> } }).value.results.map((x) => x.title);
    expect(body(await h.post(searchActivity(dana, connector.url, 'colleagues', 'gwen')))).toEqual([
      expect.stringMatching(/^Gwen Directory/),
    ]);
    expect(body(await h.post(searchActivity(dana, connector.url, 'colleagues', 'gus')))).toEqual([]);
    const search = graph.requests.filter((r) => r.path === '/v1.0/users' && r.query.get('$search'));
    expect(new Set(search.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer token-${FABRIKAM}`]));
  });

  it('a tenant that never consented gets no role and a welcome, and is not asked again on every turn', async () => {
    await h.post(messageActivity(nico, connector.url, 'help'));
    const welcome = textOf(await lastCard(connector, nico, 1));
    expect(welcome).toMatch(/not set up yet|no role/i);
    expect(await rolesOf(nico)).toEqual([]);
    const tries = asked.filter((t) => t === NORTHWIND.toLowerCase()).length;
    expect(tries).toBeGreaterThan(0);
    await h.post(messageActivity(nico, connector.url, 'help'));
    await lastCard(connector, nico, 2);
    expect(asked.filter((t) => t === NORTHWIND.toLowerCase()).length).toBe(tries);
  });
});

describe('bot: BOOTSTRAP_ADMINS without Graph; the organisation set up in chat', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let files: Awaited<ReturnType<typeof startFileHost>>;
  const upnAdmin: TeamsUser = { aadObjectId: 'f0000000-0000-4000-8000-0000000000f2', name: 'Fay Upn', tenantId: FABRIKAM };

  beforeAll(async () => {
    connector = await startConnectorStub();
    files = await startFileHost();
    // The Teams roster tells the bot a person's principal name (no Graph permission needed).
    connector.addMember({
      id: `29:${upnAdmin.aadObjectId}`,
      aadObjectId: upnAdmin.aadObjectId,
      name: 'Fay Upn',
      userPrincipalName: 'Fay@Fabrikam.example',
    });
    h = await startBotHarness({ BOOTSTRAP_ADMINS: `${FABRIKAM}:${dana.aadObjectId}, fay@fabrikam.example`, REVIEW_TENANT_ID: REVIEW });
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await files.close();
  });

  const click = async (u: TeamsUser, verb: string, data: Record<string, unknown>) => {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  };

  it('tenantId:aadObjectId and a user principal name both make a Global admin on first contact; nobody else', async () => {
    await h.post(messageActivity(dana, connector.url, 'admin'));
    const card = await lastCard(connector, dana, 1);
    expect(textOf(card)).toContain('Organisation settings');
    await h.post(messageActivity(upnAdmin, connector.url, 'help'));
    expect(textOf(await lastCard(connector, upnAdmin, 1))).toMatch(/You are an admin of/);
    await h.post(messageActivity(eli, connector.url, 'admin'));
    expect(textOf(await lastCard(connector, eli, 1))).toMatch(/no role in Co-op Claims yet[\s\S]*Dana Admin, Fay Upn/);
    const events = await h.world.db.organisationEvent.findMany({ where: { type: 'admin_recognised' } });
    expect(events.map((e) => (e.data as { source: string }).source)).toEqual(['configuration', 'configuration']);

    // A tenant nobody set up: its people learn what the app is and how it gets its first admin.
    const stranger: TeamsUser = {
      aadObjectId: 'c0000000-0000-4000-8000-0000000000c1',
      name: 'Cam Contoso',
      tenantId: '7a1b2c3d-0000-4000-8000-0000000c0ffe',
    };
    await h.post(messageActivity(stranger, connector.url, 'claims'));
    const text = textOf(await lastCard(connector, stranger, 1));
    expect(text).toContain('is not set up in Co-op Claims yet: nobody is an admin');
    expect(text).toContain('Global Administrator becomes its first admin by opening Co-op Claims');
    // A local trial (no app credentials, no Graph) says the one setting that makes this person its first admin.
    expect(text).toContain(`BOOTSTRAP_ADMINS=${stranger.tenantId}:${stranger.aadObjectId}`);
  });

  it('the admin names the organisation, adds a location and imports funds; a bad row is refused with its reason', async () => {
    let card = await click(dana, 'admin.rename', { name: 'Fabrikam Partners' });
    expect(textOf(card)).toContain('Fabrikam Partners');
    card = await click(dana, 'admin.location.save', { partnerId: '123', name: 'Fabrikam Lyon', country: 'FR' });
    expect(textOf(card)).toMatch(/PartnerID.*(digits|number)/i);
    card = await click(dana, 'admin.location.save', { partnerId: '8800001', name: 'Fabrikam Lyon', country: 'fr' });
    expect(textOf(card)).toContain('Fabrikam Lyon · PartnerID 8800001 · France');
    expect(textOf(card)).toMatch(/Dana Admin: added location Fabrikam Lyon \(8800001\)/);

    card = await click(dana, 'funds.import.start', {});
    expect(textOf(card)).toContain('Send me the funds CSV');
    const template = /\((http[^)]+\/templates\/funds\/[^)]+)\)/.exec(textOf(card))![1]!;
    const res = await fetch(template.replace(/^http:\/\/localhost:\d+/, h.bot.url));
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await res.text()).toMatch(/^PartnerID,Program,Usage period start/);
    expect((await fetch(`${template.replace(/^http:\/\/localhost:\d+/, h.bot.url)}x`)).status).toBe(404);

    const bad =
      'PartnerID,Program,Usage period start,Usage period end,Earned amount,Currency,Claiming deadline\n8800001,HOSTING,2027-01-01,2027-06-30,1000.505,EUR,2027-08-14\n8800001,SURFACE,2027-01-01,2027-06-30,500,EUR,2027-08-14\n';
    files.serve('/funds.csv', Buffer.from(bad), 'text/csv');
    await h.post(fileActivity(dana, connector.url, { name: 'funds.csv', downloadUrl: `${files.url}/funds.csv`, fileType: 'csv' }));
    const previewCard = await lastCard(connector, dana, 2);
    const text = textOf(previewCard);
    expect(text).toContain('Check the import: funds.csv');
    expect(text).toContain('Row 2 · Earned amount: "1000.505" has more than two decimals');
    expect(text).toMatch(/New · Fabrikam Lyon \(8800001\) · Surface · FY27-H2: €500\.00/);
    const confirm = action(previewCard, 'funds.import.confirm');
    card = await click(dana, 'funds.import.confirm', confirm.data);
    expect(textOf(card)).toContain('Funds imported: 1 new, 0 changed.');
    expect(textOf(card)).toMatch(/Fabrikam Lyon \(8800001\) · Surface · FY27-H2/);
  });

  it('bad files get one clear answer and change nothing: binary as CSV, a PDF, a 50 MB file', async () => {
    const count = await h.world.db.fundsImport.count();
    await click(dana, 'funds.import.start', {});
    files.serve('/binary.csv', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10]), 'text/csv');
    files.serve('/report.csv', readFileSync(path.join(__dirname, '..', 'fixtures', 'files', 'invoice.pdf')), 'text/csv');
    // 50 MB, streamed: the download is cut off at the funds limit, never read whole.
    files.serveStream('/huge.csv', 50 * 1024 * 1024, { contentType: 'text/csv' });
    const answers: string[] = [];
    for (const name of ['binary.csv', 'report.csv', 'huge.csv']) {
      const before = connector.cardsIn(conv(dana)).length;
      await h.post(fileActivity(dana, connector.url, { name, downloadUrl: `${files.url}/${name}`, fileType: 'csv' }));
      answers.push(textOf(await lastCard(connector, dana, before + 1)));
    }
    expect(answers[0]).toMatch(/type of file is not accepted/);
    expect(answers[1]).toMatch(/not a CSV file|type of file is not accepted/);
    expect(answers[2]).toMatch(/too large\. The limit is 10 MB/);
    expect(await h.world.db.fundsImport.count()).toBe(count);
    expect((await files.streamEnded('/huge.csv')).completed).toBe(false);
    // The bot is fine afterwards.
    const r = await h.post(messageActivity(dana, connector.url, 'admin'));
    expect(r.status).toBeLessThan(300);
  });

  it('a partner admin typing "reviews" learns the review team does reviews, not to ask their own admins', async () => {
    const before = connector.cardsIn(conv(dana)).length;
    await h.post(messageActivity(dana, connector.url, 'reviews'));
    const text = textOf(await lastCard(connector, dana, before + 1));
    expect(text).toContain('Claims are reviewed by the review team, and only its reviewers see the review queue.');
    expect(text).not.toContain('Ask an admin');
  });

  it("a newcomer's install and first message arriving together are both answered, never with an apology", async () => {
    const newcomers: TeamsUser[] = Array.from({ length: 6 }, (_, n) => ({
      aadObjectId: `e0000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
      name: `New Colleague ${n}`,
      tenantId: FABRIKAM,
    }));
    const statuses = await Promise.all(
      newcomers.flatMap((u) => [
        h.post(botAddedActivity(u, connector.url)),
        h.post(messageActivity(u, connector.url, 'help')),
        h.post(messageActivity(u, connector.url, 'claims')),
      ]),
    );
    expect(statuses.map((r) => r.status)).toEqual(statuses.map(() => 200));
    for (const u of newcomers) {
      await lastCard(connector, u, 2);
      const seen = connector
        .sent(conv(u))
        .map((d) => JSON.stringify(d.activity))
        .join('\n');
      expect([u.name, seen]).not.toEqual([u.name, expect.stringMatching(/went wrong/)]);
      expect(seen).toContain('You have no role in Co-op Claims yet');
      expect(await h.world.db.user.count({ where: { aadObjectId: u.aadObjectId } })).toBe(1);
    }
  });
});
