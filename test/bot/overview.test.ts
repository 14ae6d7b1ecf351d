import { ALEX, MEGAN, executeActivity, messageActivity, type TeamsUser } from '../helpers/activities';
import { startBotHarness, type BotHarness } from '../helpers/botHarness';
import { action, choicesOf, invokeCard, textOf } from '../helpers/cardQuery';
import { insertClaim } from '../helpers/world';
import { startConnectorStub, type ConnectorStub } from '../stubs/connector';

/** The funds overview as a partner and an admin read it: what can still be claimed, what was lost, and whose claims use the funds. */
describe('bot: the funds overview', () => {
  let h: BotHarness;
  let connector: ConnectorStub;
  const conv = (u: TeamsUser) => `a:personal-${u.aadObjectId}`;

  beforeAll(async () => {
    connector = await startConnectorStub();
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
    await connector.close();
  });

  async function say(u: TeamsUser, text: string) {
    const before = connector.sent(conv(u)).length;
    await h.post(messageActivity(u, connector.url, text));
    await connector.waitFor((s) => s.sent(conv(u)).length > before);
    return connector.cardsIn(conv(u)).at(-1);
  }
  async function click(u: TeamsUser, verb: string, data: Record<string, unknown>) {
    const r = await h.post(executeActivity(u, connector.url, verb, data));
    expect(r.status).toBe(200);
    return invokeCard(r.body);
  }
  const elements = (card: unknown, type: string) => {
    const out: Array<Record<string, unknown>> = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const n = v as Record<string, unknown>;
        if (n.type === type) out.push(n);
        Object.values(n).forEach(walk);
      }
    };
    walk(card);
    return out;
  };

  it('separates what can still be claimed from what expired unclaimed, and draws each fund as a chart with its figures as fallback', async () => {
    // A closed period with a partial approval: the rest of it expired unclaimed.
    const closed = await h.world.db.fundAllocation.findFirstOrThrow({
      where: { locationId: h.world.allocation.locationId, programId: h.world.allocation.programId, period: 'FY26-H2' },
    });
    const c = await insertClaim(h.world, { status: 'APPROVED', amountMinor: 300_000, approvedMinor: 200_000 });
    await h.world.db.claim.update({ where: { id: c.id }, data: { fundAllocationId: closed.id } });
    await insertClaim(h.world, { status: 'SUBMITTED', amountMinor: 50_000 });

    const card = await say(ALEX, 'claims');
    const text = textOf(card);
    expect(text).toContain('Expired unclaimed');
    // The total lost is what every closed window left (this one: earned − approved), never part of "Remaining".
    const closedAllocations = await h.world.db.fundAllocation.findMany({
      where: { currency: 'USD', claimingDeadline: { lt: h.world.clock.now() }, location: { organisationId: h.world.orgId } },
    });
    const lostMinor = closedAllocations.reduce((sum, a) => sum + a.earnedMinor, 0) - 200_000;
    const usd = (minor: number) => `$${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    expect(text).toContain(`Expired unclaimed in periods already closed for claims: ${usd(lostMinor)}`);
    const openAllocations = await h.world.db.fundAllocation.findMany({
      where: { currency: 'USD', claimingDeadline: { gte: h.world.clock.now() }, location: { organisationId: h.world.orgId } },
    });
    const remainingMinor = openAllocations.reduce((sum, a) => sum + a.earnedMinor, 0) - 50_000;
    expect(text).toContain(usd(remainingMinor)); // the totals' Remaining: open windows only

    // Each fund with something in it is a stacked bar: approved / pending / remaining, falling back to the figures.
    const bars = elements(card, 'Chart.HorizontalBar.Stacked');
    expect(bars.length).toBeGreaterThan(0);
    const open = bars.find((b) => String(b.title).includes('CSP Indirect Reseller · FY27-H1'))!;
    const legends = (open.data as Array<{ data: Array<{ legend: string; value: number }> }>)[0]!.data.map((d) => d.legend);
    expect(legends).toEqual(['Pending review $500.00', expect.stringMatching(/^Remaining \$/)]);
    expect(textOf(open.fallback)).toMatch(/Earned[\s\S]*Claimed[\s\S]*\$500\.00[\s\S]*Remaining/);
    const past = bars.find((b) => String(b.title).includes('FY26-H2'))!;
    expect(textOf(past.fallback)).toContain('Expired unclaimed');
    expect(JSON.stringify(past.data)).toContain('Approved $2,000.00');
    // The totals are a gauge of how much is used, with the figures as fallback.
    const [gauge] = elements(card, 'Chart.Gauge');
    expect(gauge).toMatchObject({ valueFormat: 'Percentage', min: 0 });
    expect(textOf(gauge!.fallback)).toContain('Remaining');

    // An incentives user sees their own claims only.
    expect(text).toContain('Your claims');
    expect(text).not.toContain('Filter claims');
  });

  it('an incentives admin sees the organisation’s claims with their owners, and narrows them by owner, location and program', async () => {
    const megans = await insertClaim(h.world, { status: 'EDITING', ownerId: h.world.users.incentivesAdmin, amountMinor: 12_300 });
    const alexs = await insertClaim(h.world, { status: 'EDITING', amountMinor: 45_600 });

    const card = await say(MEGAN, 'claims');
    const text = textOf(card);
    expect(text).toContain('Claims in your organisation');
    expect(text).toMatch(/Editing \(\d+\)/);
    expect(text).toContain(`${alexs.number} · Test seminar · $456.00 · Alex Wilber`);
    expect(text).toContain(`${megans.number} · Test seminar · $123.00 · Megan Bowen`);

    // The filter: owner Alex only.
    const owners = choicesOf(card, 'ownerId');
    expect(owners.map((o) => o.title)).toEqual(expect.arrayContaining(['Alex Wilber', 'Megan Bowen']));
    const apply = action(card, 'overview.open', () => true);
    const alexOnly = await click(MEGAN, apply.verb, {
      ...apply.data,
      ownerId: owners.find((o) => o.title === 'Alex Wilber')!.value,
      locationId: '',
      programId: '',
    });
    expect(textOf(alexOnly)).toContain('Showing: Alex Wilber');
    expect(textOf(alexOnly)).toContain(alexs.number);
    expect(textOf(alexOnly)).not.toContain(megans.number);
    // A location with no claims says so; "All claims" clears the filter.
    const other = choicesOf(card, 'locationId').find((l) => l.title === 'Contoso Seoul')!;
    const none = await click(MEGAN, 'overview.open', {
      locationId: other.value,
      programId: '',
      ownerId: owners.find((o) => o.title === 'Alex Wilber')!.value,
    });
    expect(textOf(none)).toContain('No claims match this filter.');
    const cleared = await click(MEGAN, 'overview.open', action(none, 'overview.open', (d) => Object.keys(d).length === 0).data);
    expect(textOf(cleared)).toContain(megans.number);
    expect(textOf(cleared)).not.toContain('Showing:');
  });
});
