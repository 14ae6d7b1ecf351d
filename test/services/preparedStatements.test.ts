import { createDb, type Tx } from '../../services/db/client';
import { MAX_NAMED, statementNamer } from '../../services/db/preparedStatements';
import { freshDatabase, type TestDatabase } from '../helpers/database';

describe('prepared statement names', () => {
  it('names a text only once it repeats, always with the same name, and never two texts with one name', () => {
    const name = statementNamer();
    const q = { sql: 'SELECT 1' };
    expect([name(q), name(q)]).toEqual(['', '']);
    const third = name(q);
    expect(third).toMatch(/^coop_[A-Za-z0-9_-]{24}$/);
    expect(name(q)).toBe(third);
    // Another process (a replica) gives the text the same name.
    const other = statementNamer();
    for (let i = 0; i < 2; i++) other(q);
    expect(other(q)).toBe(third);
    const r = { sql: 'SELECT 2' };
    for (let i = 0; i < 2; i++) name(r);
    expect(name(r)).not.toBe(third);
  });

  it('leaves transaction control unnamed (nothing to plan, and statement statistics would lose it)', () => {
    const name = statementNamer();
    for (const sql of ['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT s1', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'])
      expect([1, 2, 3, 4].map(() => name({ sql }))).toEqual(['', '', '', '']);
  });

  it('stops naming new texts at its bound, so a connection never accumulates unbounded plans', () => {
    const name = statementNamer();
    const names = new Set<string>();
    for (let t = 0; t < MAX_NAMED + 50; t++) for (let i = 0; i < 3; i++) names.add(name({ sql: `SELECT ${t}` }));
    names.delete('');
    expect(names.size).toBe(MAX_NAMED);
    // Texts named before the bound keep their names.
    expect(name({ sql: 'SELECT 0' })).not.toBe('');
  });
});

describe('prepared statements on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(() => t.drop());

  const prepared = (tx: Tx) => tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_prepared_statements`;

  it('a repeated statement is parsed once per connection, and off means never', async () => {
    const db = createDb(t.url);
    const off = createDb(t.url, { preparedStatements: false });
    try {
      // One connection at a time, so every call meets the same server session.
      const counts: number[] = [];
      const offCounts: number[] = [];
      for (let i = 0; i < 5; i++) {
        counts.push((await db.$transaction(prepared))[0]!.n);
        offCounts.push((await off.$transaction(prepared))[0]!.n);
      }
      expect(counts.at(-1)).toBeGreaterThan(0);
      expect(offCounts).toEqual([0, 0, 0, 0, 0]);
      // Data read through named statements is the data (the plan is cached, never the rows).
      await db.instanceSecret.create({ data: { name: 'a', value: '1' } });
      for (let i = 0; i < 5; i++) {
        await db.instanceSecret.update({ where: { name: 'a' }, data: { value: `v${i}` } });
        expect((await db.instanceSecret.findUnique({ where: { name: 'a' } }))?.value).toBe(`v${i}`);
      }
    } finally {
      await db.$disconnect();
      await off.$disconnect();
    }
  });
});
