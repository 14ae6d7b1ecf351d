import { seedDemo } from '../../prisma/seed';
import { makeWorld, type World } from '../helpers/world';

describe('demo seed', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  it('loads one organisation with two locations, three programs, open funds and a user for each role', async () => {
    expect(await w.db.location.count()).toBe(2);
    expect(await w.db.program.count()).toBe(3);
    expect(w.allocation.period).toBe('FY27-H1');
    const alloc = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: w.allocation.id } });
    expect(alloc.claimingDeadline.toISOString().slice(0, 10)).toBe('2027-02-14');
    expect(new Set(Object.values(w.users)).size).toBe(5);
    expect(await w.db.activityType.count()).toBeGreaterThanOrEqual(16);
  });

  it('is idempotent', async () => {
    expect(await seedDemo(w.db, new Date())).toBe(false);
    expect(await w.db.organisation.count()).toBe(1);
  });
});
