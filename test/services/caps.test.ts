import type { ServiceError } from '../../services/errors';
import { submitClaim } from '../../services/submission';
import { failure } from '../helpers/failure';
import { allocationFor, insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * Every cap of the activity catalogue against its exceptions, per program (docs/domain.md, "Activity
 * catalogue"): exactly at the cap submits, one cent over is refused with the cap in the rule.
 * Demo funds (Seattle, current period): CSP Indirect Reseller 48,000 · Hosting 12,500 · Surface 9,000 USD.
 */
describe('activity caps', () => {
  let w: World;
  let csp: World['allocation'];
  let hosting: World['allocation'];
  let surface: World['allocation'];
  beforeAll(async () => {
    w = await makeWorld();
    csp = w.allocation;
    hosting = await allocationFor(w, 'HOSTING');
    surface = await allocationFor(w, 'SURFACE');
  });
  afterAll(() => w.close());
  // Each case starts from empty funds: claims of earlier cases stop holding them.
  afterEach(() => w.db.claim.updateMany({ where: { status: { not: 'CANCELLED' } }, data: { status: 'CANCELLED' } }));

  const claim = (activity: string, allocation: World['allocation'], amountMinor: number) =>
    insertClaim(w, { activity, allocation, amountMinor, complete: true });
  const submit = (id: string) => submitClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: id, version: 1 });
  const capRules = (e: ServiceError) => e.details.rules!.filter((r) => r.rule === 'activity_cap');
  const expectCap = async (activity: string, allocation: World['allocation'], capMinor: number, extra: object = {}) => {
    expect((await submit((await claim(activity, allocation, capMinor)).id)).status).toBe('SUBMITTED');
    await w.db.claim.updateMany({ where: { status: 'SUBMITTED' }, data: { status: 'CANCELLED' } });
    const e = await failure(submit((await claim(activity, allocation, capMinor + 1)).id));
    expect(e.details.rules!.map((r) => r.rule)).toEqual(['activity_cap']);
    expect(capRules(e)[0]!.params).toMatchObject({ capMinor, ...extra });
  };

  describe('product seeding: the greater of 10 % of earned or USD 3,000 per usage period; Surface: none', () => {
    it('submits USD 2,500 against 12,500 earned (10 % would be 1,250; the 3,000 floor applies)', async () => {
      expect((await submit((await claim('SEEDING', hosting, 250_000)).id)).status).toBe('SUBMITTED');
    });
    it('caps at USD 3,000 when 10 % of earned is less', () =>
      expectCap('SEEDING', hosting, 300_000, { per: 'usage_period', percentOfEarned: 10, fixedMinor: 300_000 }));
    it('caps at 10 % of earned when that is more (48,000 → 4,800)', () => expectCap('SEEDING', csp, 480_000));
    it('has no cap for Surface: all of the earned 9,000 submits', async () => {
      expect((await submit((await claim('SEEDING', surface, 900_000)).id)).status).toBe('SUBMITTED');
    });
  });

  describe('customer offers / SPIFFs: 25 % of earned per usage period; Surface: 100 %', () => {
    it('submits a Surface SPIFF of 3,000 out of 9,000 earned', async () => {
      expect((await submit((await claim('CUSTOMER_OFFER', surface, 300_000)).id)).status).toBe('SUBMITTED');
    });
    it('caps at 25 % of earned (48,000 → 12,000)', () => expectCap('CUSTOMER_OFFER', csp, 1_200_000, { percentOfEarned: 25 }));
    it('caps Surface at 100 % of earned, said as the Surface exception', async () => {
      expect((await submit((await claim('CUSTOMER_OFFER', surface, 900_000)).id)).status).toBe('SUBMITTED');
      // Over 100 % is also over the remaining funds; both are said.
      const e = await failure(submit((await claim('CUSTOMER_OFFER', surface, 1)).id));
      expect(e.details.rules!.map((r) => r.rule)).toEqual(['within_remaining', 'activity_cap']);
      expect(capRules(e)[0]!.params).toMatchObject({
        capMinor: 900_000,
        usedMinor: 900_000,
        percentOfEarned: 100,
        exceptionProgram: 'Surface',
      });
    });
  });

  describe('on-site champ: 50 % of earned per usage period; Surface: 100 %', () => {
    it('caps at 50 % of earned (48,000 → 24,000)', () => expectCap('ONSITE_CHAMP', csp, 2_400_000, { percentOfEarned: 50 }));
    it('lets a Surface on-site champ use all of the earned funds', async () => {
      expect((await submit((await claim('ONSITE_CHAMP', surface, 900_000)).id)).status).toBe('SUBMITTED');
    });
  });

  describe('Microsoft syndicated content: USD 18,750 per usage period, for every program', () => {
    it('caps at 18,750 under CSP', () => expectCap('SYNDICATED', csp, 1_875_000, { per: 'usage_period' }));
    it('counts what other claims of the activity hold on the same funds', async () => {
      await insertClaim(w, { activity: 'SYNDICATED', status: 'APPROVED', amountMinor: 1_000_000, approvedMinor: 875_000 });
      expect((await submit((await claim('SYNDICATED', csp, 1_000_000)).id)).status).toBe('SUBMITTED');
      const e = await failure(submit((await claim('SYNDICATED', csp, 1)).id));
      expect(capRules(e)[0]!.params).toMatchObject({ capMinor: 1_875_000, usedMinor: 1_875_000 });
    });
  });

  describe('Microsoft-hosted conferences: USD 15,000 per claim and 45,000 per usage period', () => {
    it('caps one claim at 3 travellers × USD 5,000', () => expectCap('CONFERENCE', csp, 1_500_000, { per: 'claim' }));
    it('caps the usage period at 45,000 across claims', async () => {
      for (let i = 0; i < 3; i++) await insertClaim(w, { activity: 'CONFERENCE', status: 'SUBMITTED', amountMinor: 1_400_000 });
      expect((await submit((await claim('CONFERENCE', csp, 300_000)).id)).status).toBe('SUBMITTED');
      const e = await failure(submit((await claim('CONFERENCE', csp, 1)).id));
      expect(capRules(e).map((r) => [r.params!.per, r.params!.capMinor])).toEqual([['usage_period', 4_500_000]]);
    });
  });

  it('other activities have no cap', async () => {
    expect((await submit((await claim('PRINT', csp, 4_800_000)).id)).status).toBe('SUBMITTED');
  });

  it('a fixed USD cap is not guessed for funds in another currency; percentage caps still apply', async () => {
    const krw = await w.db.fundAllocation.update({ where: { id: hosting.id }, data: { currency: 'KRW', earnedMinor: 5_000_000 } });
    try {
      const won = { ...hosting, currency: krw.currency, earnedMinor: krw.earnedMinor };
      for (const activity of ['SYNDICATED', 'CONFERENCE', 'SEEDING']) {
        expect([activity, (await submit((await claim(activity, won, 2_000_000)).id)).status]).toEqual([activity, 'SUBMITTED']);
        await w.db.claim.updateMany({ where: { status: 'SUBMITTED' }, data: { status: 'CANCELLED' } });
      }
      const e = await failure(submit((await claim('CUSTOMER_OFFER', won, 1_250_001)).id));
      expect(capRules(e)[0]!.params).toMatchObject({ capMinor: 1_250_000, currency: 'KRW' });
    } finally {
      await w.db.fundAllocation.update({ where: { id: hosting.id }, data: { currency: 'USD', earnedMinor: hosting.earnedMinor } });
    }
  });
});
