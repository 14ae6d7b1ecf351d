import { ACTIVITY_TYPES, applyReferenceData, CATALOGUE, PROGRAMS, parseActivityRules, type Catalogue } from '../../services/catalogue';
import { createClaim, getCreateOptions } from '../../services/claims';
import { openDatabase } from '../../services/db';
import { createDb } from '../../services/db/client';
import { loadCompletenessInput, completenessRules } from '../../services/submission';
import { freshDatabase } from '../helpers/database';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, TEST_NOW, type World } from '../helpers/world';

/** The real catalogue with one entry changed: what a later release of the code brings. */
const withSeeding = (rules: object): Catalogue => ({
  programs: CATALOGUE.programs,
  activityTypes: ACTIVITY_TYPES.map((e) => (e.code === 'SEEDING' ? { ...e, rules } : e)),
});
const nothingChanged = {
  programsCreated: [],
  programsUpdated: [],
  activityTypesAdded: [],
  activityTypesAdopted: [],
  activityTypesRetired: [],
};

describe('reference data (programs and the activity catalogue)', () => {
  it('is in a database started without the demo: every program and activity type, no organisation', async () => {
    // The production start path: an external database, migrations, reference data; DEMO_SEED plays no part.
    const empty = await freshDatabase({ migrate: false });
    const started = await openDatabase({ databaseUrl: empty.url, dataDir: '/nonexistent' });
    try {
      expect((await started.db.program.findMany()).map((p) => p.code).sort()).toEqual(PROGRAMS.map((p) => p.code).sort());
      const types = await started.db.activityType.findMany();
      expect(types.map((t) => [t.code, t.revision, t.retiredAt]).sort()).toEqual(ACTIVITY_TYPES.map((e) => [e.code, 1, null]).sort());
      expect(await started.db.organisation.count()).toBe(0);
      const surface = await started.db.program.findUniqueOrThrow({ where: { code: 'SURFACE' } });
      expect(surface.subItems).toEqual(['ADD-HUB', 'ADD-PC', 'ADR-HUB']);
      // A second start changes nothing.
      expect(await applyReferenceData(started.db, new Date())).toEqual(nothingChanged);
      expect((await started.db.activityType.findMany()).map((t) => t.id).sort()).toEqual(types.map((t) => t.id).sort());
    } finally {
      await started.close();
      await empty.drop();
    }
  });

  it('every catalogue entry is valid, codes are unique, and cap exceptions name real programs', () => {
    expect(new Set(ACTIVITY_TYPES.map((e) => e.code)).size).toBe(ACTIVITY_TYPES.length);
    const programCodes = new Set(PROGRAMS.map((p) => p.code));
    for (const e of ACTIVITY_TYPES) {
      const rules = parseActivityRules(e.rules ?? {});
      for (const cap of rules.caps)
        for (const code of Object.keys(cap.programs ?? {})) expect([e.code, programCodes.has(code)]).toEqual([e.code, true]);
    }
  });

  describe('a change to the catalogue', () => {
    let w: World;
    beforeAll(async () => {
      w = await makeWorld();
    });
    afterAll(() => w.close());

    it('reaches the existing database as a new revision; claims keep the rules they were created with', async () => {
      const old = await w.db.activityType.findFirstOrThrow({ where: { code: 'SEEDING', retiredAt: null } });
      const claim = await insertClaim(w, { activity: 'SEEDING', amountMinor: 400_000, complete: true });
      const stricter = withSeeding({ caps: [{ per: 'claim', greaterOf: [{ amountMinor: 100_000, currency: 'USD' }] }] });

      const r = await applyReferenceData(w.db, TEST_NOW, stricter);
      expect(r).toEqual({ ...nothingChanged, activityTypesAdded: ['SEEDING'] });
      const rows = await w.db.activityType.findMany({ where: { code: 'SEEDING' }, orderBy: { revision: 'asc' } });
      expect(rows.map((x) => [x.id === old.id, x.revision, x.retiredAt?.toISOString() ?? null])).toEqual([
        [true, 1, TEST_NOW.toISOString()],
        [false, 2, null],
      ]);

      // The existing claim still points at revision 1 and is checked against its cap (10 % or USD 3,000 → 4,800).
      const stored = await w.db.claim.findUniqueOrThrow({ where: { id: claim.id } });
      expect(stored.activityTypeId).toBe(old.id);
      const cap = completenessRules(await loadCompletenessInput(w.db, stored, TEST_NOW)).filter((x) => x.rule === 'activity_cap');
      expect(cap).toEqual([expect.objectContaining({ ok: true, params: expect.objectContaining({ capMinor: 480_000 }) })]);

      // New claims see only the new revision; a form still offering the old one gets a clear answer.
      const options = await getCreateOptions(w.svc, { userId: w.users.incentivesUser });
      expect(options.activityTypes.filter((t) => t.code === 'SEEDING').map((t) => t.id)).toEqual([rows[1]!.id]);
      const e = await failure(
        createClaim(
          w.svc,
          { userId: w.users.incentivesUser },
          {
            fundAllocationId: w.allocation.id,
            activityTypeId: old.id,
            name: 'Demo units',
            amount: '100',
            activityStart: '2026-09-01',
            activityEnd: '2026-09-02',
          },
        ),
      );
      expect([e.kind, e.code]).toEqual(['conflict', 'activity_type_retired']);

      // Going back to the released catalogue is one more revision, not a return to the retired row.
      expect((await applyReferenceData(w.db, TEST_NOW)).activityTypesAdded).toEqual(['SEEDING']);
      expect(await w.db.activityType.count({ where: { code: 'SEEDING' } })).toBe(3);
      expect(await applyReferenceData(w.db, TEST_NOW)).toEqual(nothingChanged);
    });

    it('retires an entry that left the catalogue, and updates a program in place', async () => {
      const fewer: Catalogue = {
        programs: PROGRAMS.map((p) => (p.code === 'HOSTING' ? { ...p, name: 'Hosting (renamed)' } : p)),
        activityTypes: ACTIVITY_TYPES.filter((e) => e.code !== 'POC'),
      };
      const hosting = await w.db.program.findUniqueOrThrow({ where: { code: 'HOSTING' } });
      expect(await applyReferenceData(w.db, TEST_NOW, fewer)).toEqual({
        ...nothingChanged,
        programsUpdated: ['HOSTING'],
        activityTypesRetired: ['POC'],
      });
      expect(await w.db.program.findUniqueOrThrow({ where: { code: 'HOSTING' } })).toMatchObject({
        id: hosting.id,
        name: 'Hosting (renamed)',
      });
      const options = await getCreateOptions(w.svc, { userId: w.users.incentivesUser });
      expect(options.activityTypes.map((t) => t.code)).not.toContain('POC');
      await applyReferenceData(w.db, TEST_NOW);
      expect(await w.db.activityType.count({ where: { code: 'POC', retiredAt: null } })).toBe(1);
    });

    it('brings rows written before the catalogue was versioned up to it in place', async () => {
      // What the migration leaves: the old seed's rows, no hash, no rules (their caps were columns).
      const row = await w.db.activityType.findFirstOrThrow({ where: { code: 'CUSTOMER_OFFER', retiredAt: null } });
      await w.db.activityType.update({ where: { id: row.id }, data: { contentHash: '', rules: {} } });
      expect(await applyReferenceData(w.db, TEST_NOW)).toEqual({ ...nothingChanged, activityTypesAdopted: ['CUSTOMER_OFFER'] });
      const after = await w.db.activityType.findUniqueOrThrow({ where: { id: row.id } });
      expect([after.revision, after.retiredAt, after.contentHash]).toEqual([row.revision, null, row.contentHash]);
      expect(parseActivityRules(after.rules).caps).toHaveLength(1);
    });

    it('two replicas starting together with a new catalogue add one revision', async () => {
      const other = createDb(w.t.url);
      try {
        const changed = withSeeding({ caps: [{ per: 'usage_period', greaterOf: [{ percentOfEarned: 15 }] }] });
        const before = await w.db.activityType.count({ where: { code: 'SEEDING' } });
        const [a, b] = await Promise.all([applyReferenceData(w.db, TEST_NOW, changed), applyReferenceData(other, TEST_NOW, changed)]);
        expect([...a.activityTypesAdded, ...b.activityTypesAdded]).toEqual(['SEEDING']);
        expect(await w.db.activityType.count({ where: { code: 'SEEDING' } })).toBe(before + 1);
        expect(await w.db.activityType.count({ where: { code: 'SEEDING', retiredAt: null } })).toBe(1);
      } finally {
        await other.$disconnect();
        await applyReferenceData(w.db, TEST_NOW);
      }
    });
  });
});
