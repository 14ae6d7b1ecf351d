import { seedDemo } from '../../prisma/seed';
import { makeWorld, type World } from '../helpers/world';

describe('demo seed', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());

  it('loads one organisation with two locations, funds under three programs and a user for each role', async () => {
    expect(await w.db.location.count()).toBe(2);
    const funded = await w.db.program.findMany({ where: { allocations: { some: {} } }, orderBy: { code: 'asc' } });
    expect(funded.map((p) => p.code)).toEqual(['CSP_INDIRECT_RESELLER', 'HOSTING', 'SURFACE']);
    expect(w.allocation.period).toBe('FY27-H1');
    const alloc = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: w.allocation.id } });
    expect(alloc.claimingDeadline.toISOString().slice(0, 10)).toBe('2027-02-14');
    expect(new Set(Object.values(w.users)).size).toBe(5);
  });

  it('is idempotent', async () => {
    expect(await seedDemo(w.db, new Date())).toBe(false);
    expect(await w.db.organisation.count()).toBe(1);
  });
});
