import { ALEX, messageActivity, searchActivity } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/** "claim <number>" opens exactly that claim: what the user typed is a number, never a search pattern. */
describe('bot: claim numbers are matched exactly', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  let claim: { id: string; number: string };
  const chat = `a:personal-${ALEX.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
    claim = await insertClaim(h.world);
    await insertClaim(h.world);
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  async function say(text: string): Promise<string> {
    const before = connector.cardsIn(chat).length;
    expect((await h.post(messageActivity(ALEX, connector.url, text))).status).toBe(200);
    await connector.waitFor((s) => s.cardsIn(chat).length > before);
    return textOf(connector.cardsIn(chat).at(-1));
  }

  it.each(['claim %', 'claim _', 'claim \\', 'claim CLM-2026-%', 'claim CLM-2026-T______', 'history %'])(
    '"%s" opens no claim: the user is told it was not found',
    async (text) => {
      const reply = await say(text);
      expect(reply).toMatch(/I couldn't find that claim/);
      expect(reply).not.toContain(claim.number);
      expect(reply).not.toMatch(/went wrong/i);
    },
  );

  it('the number in any case opens that claim', async () => {
    expect(await say(`claim ${claim.number.toLowerCase()}`)).toContain(claim.number);
    expect(await say(`claim ${claim.number}`)).toContain(claim.number);
  });

  it('people search treats %, _ and \\ as text, not as patterns', async () => {
    for (const q of ['%', '_', '\\']) {
      const r = await h.post(searchActivity(ALEX, connector.url, 'colleagues', q));
      expect(r.status).toBe(200);
      expect((r.body as { value: { results: unknown[] } }).value.results).toEqual([]);
    }
  });
});
