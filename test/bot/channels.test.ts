import { DEMO_TENANT_ID } from '../../prisma/seed';
import { ALEX, MEGAN, executeActivity, fileActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { fixture } from '../fixtures/files/ooxml';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';
import { startFileHost, type FileHost } from '../stubs/fileHost';

/** Teams delivers files to a bot only in 1:1 chat: a file asked for in a channel is moved there, never waited for in vain. */
describe('bot: files asked for outside the 1:1 chat', () => {
  const CHANNEL = '19:coop-marketing@thread.tacv2';
  let h: BotHarness;
  let connector: ConnectorStub;
  let fileHost: FileHost;
  const personal = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;
  /** The same activity, sent in the team's channel instead of the 1:1 chat. */
  const inChannel = <T extends { conversation: object; channelData: object }>(a: T): T => ({
    ...a,
    conversation: { id: CHANNEL, conversationType: 'channel', tenantId: DEMO_TENANT_ID },
    channelData: { tenant: { id: DEMO_TENANT_ID }, team: { id: '19:team@thread.tacv2' }, channel: { id: CHANNEL } },
  });

  beforeAll(async () => {
    connector = await startConnectorStub();
    fileHost = await startFileHost();
    h = await startBotHarness();
    await h.post(messageActivity(ALEX, connector.url, 'help')); // Alex has a 1:1 chat; Megan never opened one
    await connector.waitFor((s) => s.sent(personal(ALEX)).length > 0);
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
    await fileHost.close();
  });

  async function clickInChannel(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(inChannel(executeActivity(u, connector.url, verb, data)));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const invoice = { vendor: 'Hotel Seattle', invoiceNumber: 'HS-77', invoiceDate: '2026-09-02', amount: '1000.00', details: 'Venue' };

  it('"Add invoice" in a channel sends the file prompt to the 1:1 chat, says so in the channel, and the file sent there lands', async () => {
    const c = await insertClaim(h.world);
    const form = await clickInChannel(ALEX, 'doc.add.form', { claimId: c.id, version: c.version, kind: 'INVOICE' });
    const line = await clickInChannel(ALEX, 'doc.add', { ...action(form, 'doc.add').data, ...invoice });
    expect(textOf(line)).toContain('Send the file in our 1:1 chat');
    expect(textOf(line)).toContain(`Alex Wilber, I sent you a message in our 1:1 chat: attach the invoice for ${c.number}`);
    expect(textOf(line)).not.toMatch(/Attach the invoice .* in this chat/);
    expect(action(line, 'claim.open').data).toEqual({ claimId: c.id });

    // The prompt arrives in Alex's 1:1 chat through the outbox.
    await connector.waitFor((s) => s.cardsIn(personal(ALEX)).some((x) => textOf(x).includes('Send me the file')), 10_000);
    const prompt = connector.cardsIn(personal(ALEX)).find((x) => textOf(x).includes('Send me the file'));
    expect(textOf(prompt)).toContain('files reach me only here, in our 1:1 chat');
    expect(textOf(prompt)).toContain(`Attach the invoice for ${c.number}`);
    expect(connector.cardsIn(CHANNEL).some((x) => textOf(x).includes('Send me the file'))).toBe(false);

    // A picture pasted into the channel is not taken for the invoice; the wait stays for the 1:1 chat.
    fileHost.serve('/files/hotel.pdf', fixture('invoice.pdf'), 'application/pdf');
    const file = { name: 'hotel.pdf', downloadUrl: `${fileHost.url}/files/hotel.pdf`, fileType: 'pdf' };
    await h.post(inChannel(fileActivity(ALEX, connector.url, file)));
    await connector.waitFor((s) => s.cardsIn(CHANNEL).some((x) => textOf(x).includes('Files reach me only in our 1:1 chat')));
    expect(await h.world.db.document.count({ where: { claimId: c.id } })).toBe(0);
    expect(await h.world.db.pendingUpload.count({ where: { userId: h.world.users.incentivesUser } })).toBe(1);

    const before = connector.sent(personal(ALEX)).length;
    await h.post(fileActivity(ALEX, connector.url, file));
    await connector.waitFor((s) => s.sent(personal(ALEX)).length > before);
    const doc = await h.world.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'INVOICE' } });
    expect(doc).toMatchObject({ fileName: 'hotel.pdf', fields: expect.objectContaining({ vendor: 'Hotel Seattle' }) });
  });

  it('someone with no 1:1 chat yet is told how to open one, and nothing waits for a file that cannot come', async () => {
    const c = await insertClaim(h.world);
    const outbox = await h.world.db.outboxMessage.count();
    const line = await clickInChannel(MEGAN, 'doc.add', { claimId: c.id, version: c.version, kind: 'PROOF', details: 'Booth photos' });
    expect(textOf(line)).toContain('Open a 1:1 chat with me first');
    expect(textOf(line)).toContain('Nothing waits for a file here.');
    expect(textOf(line)).toContain(c.number);
    expect(action(line, 'claim.open').data).toEqual({ claimId: c.id });
    expect(await h.world.db.pendingUpload.count({ where: { userId: h.world.users.incentivesAdmin } })).toBe(0);
    expect(await h.world.db.outboxMessage.count()).toBe(outbox);
  });
});
