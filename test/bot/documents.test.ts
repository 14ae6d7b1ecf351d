import { ALEX, PATTI, executeActivity, fileActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { fixture } from '../fixtures/files/ooxml';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost, type FileHost } from '../stubs/fileHost';

/** What a reviewer can open from a claim card: every document, each by its own link. */
describe('bot: documents on the claim card', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: FileHost;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await fileHost.close();
  });

  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const local = (link: string) => link.replace(/^http:\/\/localhost:\d+/, h.bot.url);

  it('shows a proof with a stored file and a web link as two labelled links, each opening what it names', async () => {
    const c = await insertClaim(h.world);
    await click(ALEX, 'doc.add', {
      claimId: c.id,
      version: c.version,
      kind: 'PROOF',
      details: 'Screenshot of the banner ad and its landing page',
      url: 'https://contoso.example/launch',
      idempotencyKey: 'proof-with-link-1',
    });
    fileHost.serve('/files/ad-screenshot.png', fixture('photo.jpg'), 'image/jpeg');
    const before = connector.sent(conv(ALEX)).length;
    await h.post(
      fileActivity(ALEX, connector.url, {
        name: 'ad-screenshot.png',
        downloadUrl: `${fileHost.url}/files/ad-screenshot.png`,
        fileType: 'png',
      }),
    );
    await connector.waitFor((s) => s.sent(conv(ALEX)).length > before);

    // The reviewer opens the claim: the file line links the stored file, the web link line the page.
    const card = await click(PATTI, 'claim.open', { claimId: c.id });
    const text = textOf(card);
    const fileLink = /File: \[ad-screenshot\.png\]\((http[^)\s]+)\)/.exec(text)?.[1];
    expect(fileLink).toBeDefined();
    expect(fileLink).toContain('/files/');
    expect(text).toContain('Web link: [https://contoso.example/launch](https://contoso.example/launch)');
    const served = await fetch(local(fileLink!));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(fixture('photo.jpg'))).toBe(true);

    // The partner's own card says the same.
    await h.post(messageActivity(ALEX, connector.url, `claim ${c.number}`));
    await connector.waitFor((s) => textOf(s.cardsIn(conv(ALEX)).at(-1)).includes('Web link:'));
    expect(textOf(connector.cardsIn(conv(ALEX)).at(-1))).toMatch(/File: \[ad-screenshot\.png\]\(http[^)]+\/files\//);
  });
});
