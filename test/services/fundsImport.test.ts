import { createHash } from 'node:crypto';
import {
  cancelFundsImport,
  confirmFundsImport,
  FUNDS_IMPORT_MAX_ROWS,
  fundsTemplateCsv,
  previewFundsImport,
  updateAllocation,
} from '../../services/fundsImport';
import { addLocation, setLocationActive } from '../../services/organisation';
import { racingServices } from '../helpers/racing';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/** CSV import of fund allocations: preview (new / changed / unchanged / refused), confirm in one transaction, cancel. */
let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
const HEADER = 'PartnerID,Program,Usage period start,Usage period end,Earned amount,Currency,Claiming deadline';
const csv = (...rows: string[]) => Buffer.from([HEADER, ...rows].join('\n') + '\n');
const file = (bytes: Buffer, fileName = 'funds.csv') => ({ fileName, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
const preview = (bytes: Buffer, who = w.users.incentivesAdmin, svc = w.svc) => previewFundsImport(svc, as(who), file(bytes));
const allocationsOf = (partnerId: string) =>
  w.db.fundAllocation.findMany({ where: { location: { partnerId } }, include: { program: true }, orderBy: { period: 'asc' } });

describe('preview', () => {
  it('sorts every row: new, changed, unchanged, and each refusal with its row, column and reason', async () => {
    const { locationId } = await addLocation(w.svc, as(w.users.globalAdmin), {
      partnerId: '6100001',
      name: 'Contoso Busan',
      country: 'KR',
    });
    const inactive = await addLocation(w.svc, as(w.users.globalAdmin), { partnerId: '6100002', name: 'Contoso Closed', country: 'KR' });
    await setLocationActive(w.svc, as(w.users.globalAdmin), { locationId: inactive.locationId, active: false });
    const existing = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: w.allocation.id } });
    const d = (x: Date) => x.toISOString().slice(0, 10);
    const same = [
      '4871234',
      'CSP_INDIRECT_RESELLER',
      d(existing.usageStart),
      d(existing.usageEnd),
      (existing.earnedMinor / 100).toFixed(2),
      'USD',
      d(existing.claimingDeadline),
    ];
    const p = await preview(
      csv(
        '6100001,CSP_INDIRECT_RESELLER,2027-01-01,2027-06-30,"12,500.00",usd,2027-08-14', // 2 new
        '6100001,Hosting,2027-01-01,2027-06-30,2500,USD,2027-08-14', // 3 new (program by name)
        same.join(','), // 4 unchanged
        [...same.slice(0, 4), '99999.99', ...same.slice(5)].join(','), // 5 duplicate of 4
        '9999999,HOSTING,2027-01-01,2027-06-30,100,USD,2027-08-14', // 6 unknown PartnerID
        '6100001,SURFACE,2027-06-30,2027-01-01,100,USD,2027-08-14', // 7 wrong date order
        '6100001,SURFACE,2027-01-01,2027-06-30,100.125,USD,2027-08-14', // 8 three decimals
        '6100001,SURFACE,2027-01-01,2027-06-30,100,XYZ,2027-08-14', // 9 unknown currency
        '6100001,NO_SUCH_PROGRAM,2027-01-01,2027-06-30,100,USD,2027-08-14', // 10 unknown program
        '6100002,SURFACE,2027-01-01,2027-06-30,100,USD,2027-08-14', // 11 inactive location
        '6100001,SURFACE,2027-01-01,2027-06-30,100,USD,2027-06-01', // 12 deadline before end
        '6100001,SURFACE,01/01/2027,2027-06-30,100,USD,2027-08-14', // 13 not ISO
        ',SURFACE,2027-01-01,2027-06-30,,USD,2027-08-14', // 14 missing PartnerID (and amount: one refusal per column)
      ),
    );
    expect(p.counts).toEqual({ new: 2, changed: 0, unchanged: 1, refused: 10 });
    expect(p.refusals.map((r) => [r.row, r.column, r.code])).toEqual([
      [5, null, 'duplicate_row'],
      [6, 'partnerId', 'unknown_partner_id'],
      [7, 'usageEnd', 'date_order'],
      [8, 'earnedAmount', 'amount_decimals'],
      [9, 'currency', 'unknown_currency'],
      [10, 'program', 'unknown_program'],
      [11, 'partnerId', 'location_inactive'],
      [12, 'claimingDeadline', 'deadline_before_end'],
      [13, 'usageStart', 'invalid_date'],
      [14, 'partnerId', 'required'],
      [14, 'earnedAmount', 'required'],
    ]);
    expect(p.changes.map((c) => [c.row, c.action, c.earnedMinor, c.currency, c.period])).toEqual([
      [2, 'new', 1_250_000, 'USD', 'FY27-H2'],
      [3, 'new', 250_000, 'USD', 'FY27-H2'],
    ]);
    // Nothing changes before Confirm.
    expect(await w.db.fundAllocation.count({ where: { locationId } })).toBe(0);
  });

  it('a row with a bad amount and an unknown PartnerID and program names all three at once', async () => {
    const p = await preview(csv('9999998,NO_SUCH_PROGRAM,2027-01-01,2027-06-30,100.125,USD,2027-08-14'));
    expect(p.refusals.map((r) => [r.row, r.column, r.code])).toEqual([
      [2, 'earnedAmount', 'amount_decimals'],
      [2, 'partnerId', 'unknown_partner_id'],
      [2, 'program', 'unknown_program'],
    ]);
    expect(p.counts.refused).toBe(1);
  });

  it('refuses a row that would lower an allocation below what claims hold, or change the currency claims use', async () => {
    await insertClaim(w, { status: 'SUBMITTED', amountMinor: 300_000 });
    await insertClaim(w, { status: 'APPROVED', amountMinor: 200_000, approvedMinor: 150_000 });
    const a = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: w.allocation.id } });
    const d = (x: Date) => x.toISOString().slice(0, 10);
    const row = (amount: string, currency = 'USD') =>
      ['4871234', 'CSP_INDIRECT_RESELLER', d(a.usageStart), d(a.usageEnd), amount, currency, d(a.claimingDeadline)].join(',');
    const p = await preview(csv(row('4499.99')));
    expect(p.refusals).toEqual([
      { row: 2, column: 'earnedAmount', code: 'below_claimed', params: { claimedMinor: 450_000, approvedMinor: 150_000, currency: 'USD' } },
    ]);
    expect((await preview(csv(row('4500.00')))).counts).toMatchObject({ changed: 1, refused: 0 });
    expect((await preview(csv(row('48000', 'EUR')))).refusals[0]).toMatchObject({ column: 'currency', code: 'currency_in_use' });
  });

  it('an Incentives admin of one location imports for that location only', async () => {
    const seattle = w.allocation.locationId;
    const scoped = await w.db.user.create({
      data: {
        organisationId: w.orgId,
        tenantId: 'scoped',
        aadObjectId: 'scoped-admin',
        displayName: 'Scoped Admin',
        roles: { create: [{ role: 'INCENTIVES_ADMIN', locationId: seattle }] },
      },
    });
    const p = await preview(
      csv('4871299,HOSTING,2027-01-01,2027-06-30,100,USD,2027-08-14', '4871234,HOSTING,2027-01-01,2027-06-30,100,USD,2027-08-14'),
      scoped.id,
    );
    expect(p.refusals.map((r) => [r.row, r.code])).toEqual([[2, 'not_in_scope']]);
    expect(p.counts.new).toBe(1);
    await expect(preview(csv('4871234,HOSTING,2027-01-01,2027-06-30,100,USD,2027-08-14'), w.users.incentivesUser)).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });

  it('whole-file problems get one clear answer and store nothing', async () => {
    const before = await w.db.fundsImport.count();
    const cases: Array<[Buffer, string, Record<string, unknown>?]> = [
      [
        Buffer.from('PartnerID,Program,Earned amount\n1,2,3\n'),
        'funds_missing_columns',
        { missing: 'Usage period start, Usage period end, Currency, Claiming deadline' },
      ],
      [Buffer.from(`${HEADER}\n`), 'funds_no_rows'],
      [Buffer.from(''), 'funds_no_rows'],
      [Buffer.from(`${HEADER}\n"4871234,unterminated\n`), 'funds_csv_malformed'],
    ];
    for (const [bytes, code, params] of cases) {
      await expect(preview(bytes)).rejects.toMatchObject({ kind: 'invalid', code, ...(params ? { details: { params } } : {}) });
    }
    expect(await w.db.fundsImport.count()).toBe(before);
  });

  it('a CSV with 100,000 rows is refused at the row limit without building 100,000 rows', async () => {
    const line = '4871234,HOSTING,2027-01-01,2027-06-30,100,USD,2027-08-14\n';
    const big = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from(line.repeat(100_000))]);
    const before = await w.db.fundsImport.count();
    await expect(preview(big)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'funds_too_many_rows',
      details: { params: { maxRows: FUNDS_IMPORT_MAX_ROWS } },
    });
    expect(await w.db.fundsImport.count()).toBe(before);
  });

  it('reads semicolon-separated files with a byte-order mark and other header spellings', async () => {
    const bytes = Buffer.from(
      '\ufeffpartner id;program;usage start;usage end;earned;currency;deadline\n4871234;HOSTING;2027-01-01;2027-06-30;12500.5;USD;2027-08-14\n',
    );
    const p = await preview(bytes);
    expect(p.counts).toMatchObject({ refused: 0 });
    expect(p.changes[0]).toMatchObject({ earnedMinor: 1_250_050, programName: 'Hosting' });
  });
});

describe('confirm and cancel', () => {
  const rows = [
    '4871299,CSP_INDIRECT_RESELLER,2027-01-01,2027-06-30,24000.00,USD,2027-08-14',
    '4871299,HOSTING,2027-01-01,2027-06-30,6250,USD,2027-08-14',
  ];

  it('applies every valid row in one transaction; importing the same file again changes nothing', async () => {
    const p = await preview(csv(...rows, '4871299,HOSTING,2027-01-01,2027-06-30,1.001,USD,2027-08-14'));
    expect(p.counts).toEqual({ new: 2, changed: 0, unchanged: 0, refused: 1 });
    const r = await confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: p.importId });
    expect(r).toEqual({ applied: true, counts: p.counts });
    const after = (await allocationsOf('4871299')).filter((a) => a.period === 'FY27-H2');
    expect(after.map((a) => [a.program.code, a.earnedMinor])).toEqual(
      expect.arrayContaining([
        ['CSP_INDIRECT_RESELLER', 2_400_000],
        ['HOSTING', 625_000],
      ]),
    );
    const ev = await w.db.organisationEvent.findFirstOrThrow({
      where: { organisationId: w.orgId, type: 'funds_imported' },
      orderBy: { id: 'desc' },
    });
    expect(ev).toMatchObject({
      actorId: w.users.incentivesAdmin,
      data: expect.objectContaining({ new: 2, refused: 1, fileName: 'funds.csv' }),
    });

    const again = await preview(csv(...rows));
    expect(again.counts).toEqual({ new: 0, changed: 0, unchanged: 2, refused: 0 });
    const count = await w.db.fundAllocation.count();
    await confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: again.importId });
    expect(await w.db.fundAllocation.count()).toBe(count);
    // A second click on an applied preview changes nothing either.
    expect(await confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: p.importId })).toMatchObject({ applied: false });
  });

  it('two confirms at once (double click, two replicas) apply the import once', async () => {
    const p = await preview(csv('4871299,SURFACE,2027-01-01,2027-06-30,900,USD,2027-08-14'));
    const svc = racingServices(w);
    const results = await Promise.all([
      confirmFundsImport(svc, as(w.users.incentivesAdmin), { importId: p.importId }),
      confirmFundsImport(svc, as(w.users.incentivesAdmin), { importId: p.importId }),
    ]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    expect((await allocationsOf('4871299')).filter((a) => a.program.code === 'SURFACE' && a.period === 'FY27-H2')).toHaveLength(1);
    expect(
      await w.db.organisationEvent.count({ where: { type: 'funds_imported', data: { path: ['importId'], equals: p.importId } } }),
    ).toBe(1);
  });

  it('applies nothing when the funds changed since the preview (a claim now holds more than the new amount)', async () => {
    const a = await w.db.fundAllocation.findUniqueOrThrow({ where: { id: w.allocation.id } });
    const d = (x: Date) => x.toISOString().slice(0, 10);
    const p = await preview(
      csv(
        '4871299,CSP_DIRECT_BILL,2027-01-01,2027-06-30,100,USD,2027-08-14',
        ['4871234', 'CSP_INDIRECT_RESELLER', d(a.usageStart), d(a.usageEnd), '5000.00', 'USD', d(a.claimingDeadline)].join(','),
      ),
    );
    expect(p.counts).toMatchObject({ new: 1, changed: 1, refused: 0 });
    await insertClaim(w, { status: 'SUBMITTED', amountMinor: 200_000 });
    await expect(confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: p.importId })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'funds_import_stale',
    });
    expect((await allocationsOf('4871299')).some((x) => x.program.code === 'CSP_DIRECT_BILL')).toBe(false);
    expect((await w.db.fundAllocation.findUniqueOrThrow({ where: { id: a.id } })).earnedMinor).toBe(a.earnedMinor);
  });

  it('Cancel applies nothing and ends the wait; someone else cannot confirm my preview', async () => {
    const p = await preview(csv('4871299,IOT_CHANNEL,2027-01-01,2027-06-30,100,USD,2027-08-14'));
    await expect(confirmFundsImport(w.svc, as(w.users.globalAdmin), { importId: p.importId })).rejects.toMatchObject({ kind: 'not_found' });
    await cancelFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: p.importId });
    await expect(confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: p.importId })).rejects.toMatchObject({
      code: 'funds_import_closed',
    });
    expect((await allocationsOf('4871299')).some((x) => x.program.code === 'IOT_CHANNEL')).toBe(false);
  });

  it('a newer file replaces an open preview', async () => {
    const first = await preview(csv('4871299,MIXED_REALITY,2027-01-01,2027-06-30,100,USD,2027-08-14'));
    await preview(csv('4871299,MIXED_REALITY,2027-01-01,2027-06-30,200,USD,2027-08-14'));
    await expect(confirmFundsImport(w.svc, as(w.users.incentivesAdmin), { importId: first.importId })).rejects.toMatchObject({
      code: 'funds_import_closed',
    });
  });
});

describe('one allocation from a form, and the template', () => {
  it('edits earned amount and deadline with the same rules, and writes an audit event', async () => {
    const t = await makeWorld();
    try {
      await insertClaim(t, { status: 'SUBMITTED', amountMinor: 100_000 });
      const id = t.allocation.id;
      await expect(
        updateAllocation(t.svc, as(t.users.incentivesAdmin), { allocationId: id, earnedAmount: '999.99', claimingDeadline: '2027-02-14' }),
      ).rejects.toMatchObject({
        kind: 'invalid',
        details: { issues: [expect.objectContaining({ path: 'earnedAmount', code: 'funds_below_claimed' })] },
      });
      await expect(
        updateAllocation(t.svc, as(t.users.incentivesAdmin), { allocationId: id, earnedAmount: '1.234', claimingDeadline: '2027-02-14' }),
      ).rejects.toMatchObject({
        details: { issues: [expect.objectContaining({ path: 'earnedAmount', code: 'funds_amount_decimals' })] },
      });
      await expect(
        updateAllocation(t.svc, as(t.users.incentivesUser), { allocationId: id, earnedAmount: '5000', claimingDeadline: '2027-02-14' }),
      ).rejects.toMatchObject({
        kind: 'forbidden',
      });
      await updateAllocation(t.svc, as(t.users.incentivesAdmin), {
        allocationId: id,
        earnedAmount: '50,000.00',
        claimingDeadline: '2027-02-20',
      });
      expect(await t.db.fundAllocation.findUniqueOrThrow({ where: { id } })).toMatchObject({ earnedMinor: 5_000_000 });
      expect(await t.db.organisationEvent.count({ where: { type: 'allocation_updated', organisationId: t.orgId } })).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('the template is the organisation’s funds as they are: re-importing it untouched changes nothing', async () => {
    const t = await makeWorld();
    try {
      const template = await fundsTemplateCsv(t.svc, t.orgId);
      expect(template.split('\n')[0]).toBe(HEADER);
      const p = await previewFundsImport(t.svc, as(t.users.globalAdmin), file(Buffer.from(template)));
      expect(p.counts).toMatchObject({ new: 0, changed: 0, refused: 0 });
      expect(p.counts.unchanged).toBe(await t.db.fundAllocation.count());
    } finally {
      await t.close();
    }
  });
});
