import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { FundAllocation, Prisma } from '../prisma/generated/client';
import { hasRole, loadPrincipal, type Principal } from './authz';
import type { Actor, Services } from './context';
import type { Tx } from './db/client';
import { conflict, forbidden, notFound, ServiceError } from './errors';
import { allocationSums } from './funds';
import { fields, parseInput } from './input';
import { canManageLocation, lockOrganisation, recordOrganisationEvent } from './organisation';
import { endFundsFileUpload } from './pendingUploads';
import { isoDate, usagePeriodContaining } from './periods';

/**
 * Fund allocations (co-op earned per location × program × usage period) imported from a CSV an
 * admin sends in chat. Two steps: the file is parsed and every row checked against the database
 * (preview: new / changed / unchanged / refused, nothing written but the preview itself), then
 * Confirm applies all valid rows in one transaction, or Cancel applies nothing. The upsert key is
 * location × program × usage period, so the same file imported twice changes nothing the second time.
 */

/** Larger files are refused while they download (services/downloads.ts reads at most this much). */
export const FUNDS_IMPORT_MAX_BYTES = 10 * 1024 * 1024;
/** More rows than any partner's locations × programs × periods; parsing stops at the first row past it. */
export const FUNDS_IMPORT_MAX_ROWS = 10_000;
/** Refusals listed on the preview card; the rest are counted. */
export const REFUSALS_SHOWN = 20;
export const CHANGES_SHOWN = 20;
/** FundAllocation.earnedMinor is a 32-bit integer. */
const MAX_MINOR = 2_147_483_647;

export const COLUMNS = ['partnerId', 'program', 'usageStart', 'usageEnd', 'earnedAmount', 'currency', 'claimingDeadline'] as const;
export type Column = (typeof COLUMNS)[number];

/** The template's headers, and the other spellings a spreadsheet might carry (compared without case, spaces or punctuation). */
export const COLUMN_HEADERS: Record<Column, { header: string; aliases: string[] }> = {
  partnerId: { header: 'PartnerID', aliases: ['partner id', 'mpn id', 'mpnid', 'location'] },
  program: { header: 'Program', aliases: ['program code', 'program name'] },
  usageStart: { header: 'Usage period start', aliases: ['usage start', 'period start', 'start'] },
  usageEnd: { header: 'Usage period end', aliases: ['usage end', 'period end', 'end'] },
  earnedAmount: { header: 'Earned amount', aliases: ['earned', 'co-op earned', 'coop earned', 'amount'] },
  currency: { header: 'Currency', aliases: ['currency code'] },
  claimingDeadline: { header: 'Claiming deadline', aliases: ['claim deadline', 'deadline', 'claim by'] },
};
const squash = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

export type Refusal = { row: number; column: Column | null; code: string; params?: Record<string, string | number> };

/** A valid row as stored on the preview and applied on Confirm. Dates are YYYY-MM-DD. */
export type ImportRow = {
  row: number;
  partnerId: string;
  locationId: string;
  locationName: string;
  programId: string;
  programName: string;
  period: string;
  usageStart: string;
  usageEnd: string;
  earnedMinor: number;
  currency: string;
  claimingDeadline: string;
  action: 'new' | 'changed' | 'unchanged';
  allocationId: string | null;
  before: { earnedMinor: number; currency: string; claimingDeadline: string } | null;
};

export type ImportCounts = { new: number; changed: number; unchanged: number; refused: number };

export type FundsImportPreview = {
  importId: string;
  fileName: string;
  status: 'PREVIEW' | 'APPLIED' | 'CANCELLED' | 'SUPERSEDED';
  counts: ImportCounts;
  /** New and changed rows, first CHANGES_SHOWN. */
  changes: ImportRow[];
  /** First REFUSALS_SHOWN refusals, in row order. */
  refusals: Refusal[];
};

const fileError = (code: string, params: Record<string, unknown> = {}) => new ServiceError('invalid', code, code, { params });

// ---------------------------------------------------------------------------------------------
// Parsing and row validation
// ---------------------------------------------------------------------------------------------

const supportedCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** One zod issue per refused column; `params.reason` is the refusal code the cards translate. */
const refuse = (ctx: z.RefinementCtx, reason: string, params: Record<string, string | number> = {}) =>
  ctx.addIssue({ code: 'custom', message: reason, params: { reason, ...params } });

const isoDay = z.string().superRefine((s, ctx) => {
  if (!s) return refuse(ctx, 'required');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return refuse(ctx, 'invalid_date', { value: s.slice(0, 40) });
  const d = new Date(`${s}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || isoDate(d) !== s) refuse(ctx, 'invalid_date', { value: s });
});

/** "12500", "12,500.00" (thousands commas only in groups of three) or "12500.5"; at most two decimals. */
const earnedAmount = z.string().transform((s, ctx) => {
  const v = s.replace(/\s/g, '');
  if (!v) return (refuse(ctx, 'required'), z.NEVER);
  if (!/^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/.test(v)) return (refuse(ctx, 'invalid_amount', { value: s.slice(0, 40) }), z.NEVER);
  const [whole, decimals = ''] = v.replace(/,/g, '').split('.');
  if (decimals.length > 2) return (refuse(ctx, 'amount_decimals', { value: s }), z.NEVER);
  const minor = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) return (refuse(ctx, 'amount_too_large', { value: s }), z.NEVER);
  return minor;
});

const rowSchema = z
  .object({
    partnerId: z.string().superRefine((s, ctx) => {
      if (!s) refuse(ctx, 'required');
      else if (!/^[0-9]{4,12}$/.test(s)) refuse(ctx, 'invalid_partner_id', { value: s.slice(0, 40) });
    }),
    program: z.string().superRefine((s, ctx) => (s ? undefined : refuse(ctx, 'required'))),
    usageStart: isoDay,
    usageEnd: isoDay,
    earnedAmount,
    currency: z
      .string()
      .transform((s) => s.toUpperCase())
      .superRefine((s, ctx) => {
        if (!s) refuse(ctx, 'required');
        else if (!/^[A-Z]{3}$/.test(s) || !supportedCurrencies.has(s)) refuse(ctx, 'unknown_currency', { value: s.slice(0, 10) });
      }),
    claimingDeadline: isoDay,
  })
  .superRefine((r, ctx) => {
    if (r.usageStart && r.usageEnd && r.usageEnd < r.usageStart)
      ctx.addIssue({ code: 'custom', path: ['usageEnd'], message: 'date_order', params: { reason: 'date_order', start: r.usageStart } });
    if (r.usageEnd && r.claimingDeadline && r.claimingDeadline < r.usageEnd)
      ctx.addIssue({
        code: 'custom',
        path: ['claimingDeadline'],
        message: 'deadline_before_end',
        params: { reason: 'deadline_before_end', end: r.usageEnd },
      });
  });
type ParsedRow = z.output<typeof rowSchema> & { row: number };

/** The delimiter the header line uses most: comma, or semicolon / tab as some spreadsheet locales save CSV. */
function detectDelimiter(bytes: Buffer): string {
  const firstLine = bytes.subarray(0, Math.min(bytes.length, 4096)).toString('utf8').split(/\r?\n/)[0] ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  return [',', ';', '\t'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

/**
 * Reads the CSV as a stream of records and stops one past the row limit, so a huge file never
 * becomes a huge array. Whole-file problems (not CSV, no header, missing columns, too many rows)
 * are ServiceErrors; row problems are refusals.
 */
/** A row refused while parsing, with the PartnerID and program it names (checked against the database too). */
type RefusedLookup = { row: number; partnerId: string | null; program: string | null };

export async function parseFundsCsv(bytes: Buffer): Promise<{ rows: ParsedRow[]; refusals: Refusal[]; refusedLookups: RefusedLookup[] }> {
  const parser = parse({
    bom: true,
    delimiter: detectDelimiter(bytes),
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    trim: true,
    max_record_size: 64 * 1024,
    info: true,
  });
  // Fed in slices through a pipe (which waits while the parser is full), so records are made only as
  // fast as they are checked: one write of the whole buffer would turn all of it into records at once.
  const slices = function* () {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
  };
  Readable.from(slices()).pipe(parser);
  let index: Map<Column, number> | null = null;
  const rows: ParsedRow[] = [];
  const refusals: Refusal[] = [];
  const refusedLookups: RefusedLookup[] = [];
  let records = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!index) {
        index = headerIndex(record);
        continue;
      }
      if (++records > FUNDS_IMPORT_MAX_ROWS) {
        parser.destroy();
        throw fileError('funds_too_many_rows', { maxRows: FUNDS_IMPORT_MAX_ROWS });
      }
      const line = info.lines;
      const raw = Object.fromEntries(COLUMNS.map((c) => [c, (record[index!.get(c)!] ?? '').trim()]));
      const r = rowSchema.safeParse(raw);
      if (r.success) rows.push({ ...r.data, row: line });
      else {
        const seen = new Set<string>();
        for (const issue of r.error.issues) {
          const column = (issue.path[0] as Column | undefined) ?? null;
          if (seen.has(String(column))) continue;
          seen.add(String(column));
          const p = (issue as { params?: Record<string, string | number> }).params ?? {};
          const { reason, ...params } = p;
          refusals.push({ row: line, column, code: String(reason ?? 'invalid'), ...(Object.keys(params).length ? { params } : {}) });
        }
        refusedLookups.push({
          row: line,
          partnerId: seen.has('partnerId') || !raw.partnerId ? null : raw.partnerId,
          program: seen.has('program') || !raw.program ? null : raw.program,
        });
      }
    }
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    if (e instanceof CsvError) throw fileError('funds_csv_malformed', { line: (e as CsvError & { lines?: number }).lines ?? 0 });
    throw e;
  }
  if (!index) throw fileError('funds_no_rows');
  if (records === 0) throw fileError('funds_no_rows');
  return { rows, refusals, refusedLookups };
}

/**
 * A row refused for its date or amount may also name an unknown PartnerID or program: say so in the
 * same preview, so one corrected file fixes the row instead of revealing its next problem.
 */
async function lookupRefusals(tx: Tx, p: Principal, lookups: RefusedLookup[]): Promise<Refusal[]> {
  if (lookups.length === 0) return [];
  const [locations, programs] = await Promise.all([
    tx.location.findMany({ where: { organisationId: p.organisationId }, select: { partnerId: true } }),
    tx.program.findMany({ select: { code: true, name: true } }),
  ]);
  const partnerIds = new Set(locations.map((l) => l.partnerId));
  const programNames = new Set(programs.flatMap((pr) => [pr.code.toLowerCase(), pr.name.toLowerCase()]));
  const out: Refusal[] = [];
  for (const l of lookups) {
    if (l.partnerId !== null && !partnerIds.has(l.partnerId))
      out.push({ row: l.row, column: 'partnerId', code: 'unknown_partner_id', params: { value: l.partnerId } });
    if (l.program !== null && !programNames.has(l.program.toLowerCase()))
      out.push({ row: l.row, column: 'program', code: 'unknown_program', params: { value: l.program.slice(0, 60) } });
  }
  return out;
}

function headerIndex(record: string[]): Map<Column, number> {
  const squashed = record.map(squash);
  const index = new Map<Column, number>();
  const missing: string[] = [];
  for (const c of COLUMNS) {
    const names = [COLUMN_HEADERS[c].header, ...COLUMN_HEADERS[c].aliases].map(squash);
    const at = squashed.findIndex((h) => names.includes(h));
    if (at < 0) missing.push(COLUMN_HEADERS[c].header);
    else index.set(c, at);
  }
  if (missing.length > 0) throw fileError('funds_missing_columns', { missing: missing.join(', ') });
  return index;
}

// ---------------------------------------------------------------------------------------------
// Planning against the database
// ---------------------------------------------------------------------------------------------

/** "FY27-H1" for a Microsoft fiscal half; otherwise the dates themselves name the period. */
export function periodCode(usageStart: string, usageEnd: string): string {
  const half = usagePeriodContaining(new Date(`${usageStart}T00:00:00.000Z`));
  return isoDate(half.start) === usageStart && isoDate(half.end) === usageEnd ? half.code : `${usageStart}–${usageEnd}`;
}

type Plan = { rows: ImportRow[]; refusals: Refusal[] };

/**
 * Checks each parsed row against the organisation's locations, the programs and the allocations as
 * they are now (inside `tx` on Confirm, with the allocations locked). A row may not lower an
 * allocation below what claims already hold, nor change its currency once claims use it.
 */
async function planRows(
  tx: Tx,
  p: Principal,
  parsed: Array<Omit<ParsedRow, 'earnedAmount'> & { earnedAmount: number }>,
  lock: boolean,
): Promise<Plan> {
  const [locations, programs] = await Promise.all([
    tx.location.findMany({ where: { organisationId: p.organisationId } }),
    tx.program.findMany(),
  ]);
  const byPartnerId = new Map(locations.map((l) => [l.partnerId, l]));
  const programOf = new Map<string, (typeof programs)[number]>();
  for (const pr of programs) {
    programOf.set(pr.code.toLowerCase(), pr);
    programOf.set(pr.name.toLowerCase(), pr);
  }
  const locationIds = locations.map((l) => l.id);
  if (lock && locationIds.length > 0) {
    await tx.$queryRaw`SELECT id FROM "FundAllocation" WHERE "locationId" = ANY(${locationIds}) FOR UPDATE`;
  }
  const existing = locationIds.length ? await tx.fundAllocation.findMany({ where: { locationId: { in: locationIds } } }) : [];
  const keyOf = (locationId: string, programId: string, period: string) => `${locationId}|${programId}|${period}`;
  const byKey = new Map(existing.map((a) => [keyOf(a.locationId, a.programId, a.period), a]));
  const sums = await allocationSums(
    tx,
    existing.map((a) => a.id),
  );
  const claimsUsing = new Set(
    (await tx.claim.groupBy({ by: ['fundAllocationId'], where: { fundAllocationId: { in: existing.map((a) => a.id) } } })).map(
      (g) => g.fundAllocationId,
    ),
  );

  const rows: ImportRow[] = [];
  const refusals: Refusal[] = [];
  const seen = new Map<string, number>();
  const periodsOf = new Map<string, Array<{ period: string; start: string; end: string }>>();
  for (const a of existing) {
    const k = `${a.locationId}|${a.programId}`;
    periodsOf.set(k, [...(periodsOf.get(k) ?? []), { period: a.period, start: isoDate(a.usageStart), end: isoDate(a.usageEnd) }]);
  }
  for (const r of parsed) {
    const refuseRow = (column: Column | null, code: string, params?: Record<string, string | number>) =>
      refusals.push({ row: r.row, column, code, ...(params ? { params } : {}) });
    const location = byPartnerId.get(r.partnerId);
    if (!location) {
      refuseRow('partnerId', 'unknown_partner_id', { value: r.partnerId });
      continue;
    }
    if (!location.active) {
      refuseRow('partnerId', 'location_inactive', { value: r.partnerId });
      continue;
    }
    if (!canManageLocation(p, location.id)) {
      refuseRow('partnerId', 'not_in_scope', { value: r.partnerId });
      continue;
    }
    const program = programOf.get(r.program.toLowerCase());
    if (!program) {
      refuseRow('program', 'unknown_program', { value: r.program.slice(0, 60) });
      continue;
    }
    const period = periodCode(r.usageStart, r.usageEnd);
    const key = keyOf(location.id, program.id, period);
    const dup = seen.get(key);
    if (dup !== undefined) {
      refuseRow(null, 'duplicate_row', { first: dup });
      continue;
    }
    seen.set(key, r.row);
    const pair = `${location.id}|${program.id}`;
    const overlap = (periodsOf.get(pair) ?? []).find((o) => o.period !== period && o.start <= r.usageEnd && r.usageStart <= o.end);
    if (overlap) {
      refuseRow('usageStart', 'overlapping_period', { period: overlap.period });
      continue;
    }
    const current: FundAllocation | undefined = byKey.get(key);
    const s = current ? sums.get(current.id)! : { claimedMinor: 0, approvedMinor: 0 };
    if (current && r.earnedAmount < s.claimedMinor) {
      refuseRow('earnedAmount', 'below_claimed', {
        claimedMinor: s.claimedMinor,
        approvedMinor: s.approvedMinor,
        currency: current.currency,
      });
      continue;
    }
    if (current && current.currency !== r.currency && claimsUsing.has(current.id)) {
      refuseRow('currency', 'currency_in_use', { value: current.currency });
      continue;
    }
    periodsOf.set(pair, [...(periodsOf.get(pair) ?? []), { period, start: r.usageStart, end: r.usageEnd }]);
    const before = current
      ? { earnedMinor: current.earnedMinor, currency: current.currency, claimingDeadline: isoDate(current.claimingDeadline) }
      : null;
    const same =
      before !== null &&
      before.earnedMinor === r.earnedAmount &&
      before.currency === r.currency &&
      before.claimingDeadline === r.claimingDeadline;
    rows.push({
      row: r.row,
      partnerId: r.partnerId,
      locationId: location.id,
      locationName: location.name,
      programId: program.id,
      programName: program.name,
      period,
      usageStart: r.usageStart,
      usageEnd: r.usageEnd,
      earnedMinor: r.earnedAmount,
      currency: r.currency,
      claimingDeadline: r.claimingDeadline,
      action: !current ? 'new' : same ? 'unchanged' : 'changed',
      allocationId: current?.id ?? null,
      before,
    });
  }
  return { rows, refusals };
}

const countsOf = (plan: Plan): ImportCounts => ({
  new: plan.rows.filter((r) => r.action === 'new').length,
  changed: plan.rows.filter((r) => r.action === 'changed').length,
  unchanged: plan.rows.filter((r) => r.action === 'unchanged').length,
  refused: new Set(plan.refusals.map((r) => r.row)).size,
});

function requireFundsAdmin(p: Principal): void {
  if (p.reviewScope === 'ALL') throw forbidden('not_a_partner_organisation', 'The review organisation has no funds');
  if (!hasRole(p, ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'])) {
    throw forbidden('role_required', 'Only Global admins and Incentives admins manage funds', {
      roles: ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'],
    });
  }
}

/** Throws (before anything is downloaded) when this person may not import funds. */
export async function requireFundsImporter(svc: Services, actor: Actor): Promise<void> {
  requireFundsAdmin(await loadPrincipal(svc.db, actor.userId));
}

const toPreview = (id: string, fileName: string, status: FundsImportPreview['status'], plan: Plan): FundsImportPreview => ({
  importId: id,
  fileName,
  status,
  counts: countsOf(plan),
  changes: plan.rows.filter((r) => r.action !== 'unchanged').slice(0, CHANGES_SHOWN),
  refusals: [...plan.refusals].sort((a, b) => a.row - b.row).slice(0, REFUSALS_SHOWN),
});

export const previewInput = z.object({
  fileName: fields.text(255),
  sha256: z.string().regex(/^[a-f0-9]{64}$/i),
});

/**
 * Parses and checks a funds CSV and stores the result as a preview (older previews of this admin
 * are superseded). Nothing else is written: the allocations change only on Confirm.
 */
export async function previewFundsImport(
  svc: Services,
  actor: Actor,
  file: { fileName: string; sha256: string; bytes: Buffer },
): Promise<FundsImportPreview> {
  const meta = parseInput(previewInput, { fileName: file.fileName, sha256: file.sha256 });
  const p = await loadPrincipal(svc.db, actor.userId);
  requireFundsAdmin(p);
  const parsed = await parseFundsCsv(file.bytes);
  const plan = await svc.db.$transaction(async (tx) => {
    const planned = await planRows(
      tx,
      p,
      parsed.rows.map((r) => ({ ...r, earnedAmount: r.earnedAmount })),
      false,
    );
    const lookups = await lookupRefusals(tx, p, parsed.refusedLookups);
    return { rows: planned.rows, refusals: [...parsed.refusals, ...lookups, ...planned.refusals] };
  });
  const counts = countsOf(plan);
  const row = await svc.db.$transaction(async (tx) => {
    await tx.fundsImport.updateMany({
      where: { userId: p.userId, status: 'PREVIEW' },
      data: { status: 'SUPERSEDED', decidedAt: svc.clock.now() },
    });
    return tx.fundsImport.create({
      data: {
        organisationId: p.organisationId,
        userId: p.userId,
        fileName: meta.fileName,
        sha256: meta.sha256.toLowerCase(),
        rows: plan.rows as unknown as Prisma.InputJsonValue,
        refusals: plan.refusals as unknown as Prisma.InputJsonValue,
        counts,
        createdAt: svc.clock.now(),
      },
    });
  });
  return toPreview(row.id, row.fileName, 'PREVIEW', plan);
}

export const decideImportInput = z.object({ importId: fields.id });

async function importOf(tx: Tx, p: Principal, importId: string) {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "FundsImport" WHERE id = ${importId} FOR UPDATE`;
  const imp = rows.length ? await tx.fundsImport.findUnique({ where: { id: importId } }) : null;
  // Only the admin who sent the file confirms it (the preview is theirs).
  if (!imp || imp.userId !== p.userId) throw notFound('funds_import', importId);
  return imp;
}

/**
 * Applies every valid row of the preview in one transaction. The rows are checked again against
 * the allocations as they are now (locked): if anything changed since the preview (a claim was
 * submitted, another import landed) nothing is applied and the admin is asked to send the file again.
 * Confirming an applied import again changes nothing (two clicks, two replicas: applied once).
 */
export async function confirmFundsImport(svc: Services, actor: Actor, input: unknown): Promise<{ applied: boolean; counts: ImportCounts }> {
  const i = parseInput(decideImportInput, input);
  return svc.db.$transaction(async (tx) => {
    const first = await loadPrincipal(tx, actor.userId);
    await lockOrganisation(tx, first.organisationId);
    const p = await loadPrincipal(tx, actor.userId);
    requireFundsAdmin(p);
    const imp = await importOf(tx, p, i.importId);
    const counts = imp.counts as unknown as ImportCounts;
    if (imp.status === 'APPLIED') return { applied: false, counts };
    if (imp.status !== 'PREVIEW') throw conflict('funds_import_closed', 'This import was cancelled or replaced', { status: imp.status });
    const stored = imp.rows as unknown as ImportRow[];
    const again = await planRows(
      tx,
      p,
      stored.map((r) => ({ ...r, program: r.programName, earnedAmount: r.earnedMinor })),
      true,
    );
    const changedSince =
      again.refusals.length > 0 || again.rows.some((r, k) => r.action !== stored[k]!.action || r.allocationId !== stored[k]!.allocationId);
    if (changedSince) throw conflict('funds_import_stale', 'The funds changed since the preview');
    const at = svc.clock.now();
    for (const r of again.rows) {
      if (r.action === 'unchanged') continue;
      const data = { earnedMinor: r.earnedMinor, currency: r.currency, claimingDeadline: new Date(`${r.claimingDeadline}T00:00:00.000Z`) };
      if (r.allocationId) await tx.fundAllocation.update({ where: { id: r.allocationId }, data });
      else
        await tx.fundAllocation.create({
          data: {
            ...data,
            locationId: r.locationId,
            programId: r.programId,
            period: r.period,
            usageStart: new Date(`${r.usageStart}T00:00:00.000Z`),
            usageEnd: new Date(`${r.usageEnd}T00:00:00.000Z`),
          },
        });
    }
    await tx.fundsImport.update({ where: { id: imp.id }, data: { status: 'APPLIED', decidedAt: at } });
    await endFundsFileUpload(tx, p.userId);
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'funds_imported',
      summary: `Funds imported from ${imp.fileName}: ${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.refused} refused`,
      data: { importId: imp.id, fileName: imp.fileName, ...counts },
      at,
    });
    return { applied: true, counts };
  });
}

/** Nothing is applied; the admin is no longer waiting to send a file. */
export async function cancelFundsImport(svc: Services, actor: Actor, input: unknown): Promise<void> {
  const i = parseInput(decideImportInput, input);
  await svc.db.$transaction(async (tx) => {
    const p = await loadPrincipal(tx, actor.userId);
    const imp = await importOf(tx, p, i.importId);
    if (imp.status === 'PREVIEW')
      await tx.fundsImport.update({ where: { id: imp.id }, data: { status: 'CANCELLED', decidedAt: svc.clock.now() } });
    await endFundsFileUpload(tx, p.userId);
  });
}

/** The preview as stored (for re-rendering the card after a stale click). */
export async function getFundsImport(svc: Services, actor: Actor, importId: unknown): Promise<FundsImportPreview> {
  const id = parseInput(fields.id, importId);
  const p = await loadPrincipal(svc.db, actor.userId);
  const imp = await svc.db.fundsImport.findUnique({ where: { id } });
  if (!imp || imp.userId !== p.userId) throw notFound('funds_import', id);
  return toPreview(imp.id, imp.fileName, imp.status, {
    rows: imp.rows as unknown as ImportRow[],
    refusals: imp.refusals as unknown as Refusal[],
  });
}

// ---------------------------------------------------------------------------------------------
// One allocation from a form
// ---------------------------------------------------------------------------------------------

export type EditableAllocation = {
  allocationId: string;
  locationName: string;
  partnerId: string;
  programName: string;
  period: string;
  currency: string;
  earnedMinor: number;
  claimedMinor: number;
  claimingDeadline: string;
};

/** The allocations this admin may edit, newest period first. */
export async function listEditableAllocations(svc: Services, actor: Actor): Promise<EditableAllocation[]> {
  const p = await loadPrincipal(svc.db, actor.userId);
  requireFundsAdmin(p);
  const all = await svc.db.fundAllocation.findMany({
    where: { location: { organisationId: p.organisationId, active: true } },
    include: { location: true, program: true },
    orderBy: [{ usageStart: 'desc' }, { location: { name: 'asc' } }, { program: { name: 'asc' } }],
    take: 200,
  });
  const mine = all.filter((a) => canManageLocation(p, a.locationId));
  const sums = await allocationSums(
    svc.db,
    mine.map((a) => a.id),
  );
  return mine.map((a) => ({
    allocationId: a.id,
    locationName: a.location.name,
    partnerId: a.location.partnerId,
    programName: a.program.name,
    period: a.period,
    currency: a.currency,
    earnedMinor: a.earnedMinor,
    claimedMinor: sums.get(a.id)!.claimedMinor,
    claimingDeadline: isoDate(a.claimingDeadline),
  }));
}

export const updateAllocationInput = z.object({
  allocationId: fields.id,
  earnedAmount: z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .pipe(earnedAmount),
  claimingDeadline: fields.date,
});

/** Edits one allocation's earned amount and claiming deadline, with the same rules as an import row. */
export async function updateAllocation(svc: Services, actor: Actor, input: unknown): Promise<void> {
  const r = updateAllocationInput.safeParse(input);
  if (!r.success) {
    throw new ServiceError('invalid', 'input', 'invalid allocation', {
      issues: r.error.issues.map((x) => {
        const reason = (x as { params?: { reason?: string } }).params?.reason;
        return { path: x.path.map(String).join('.'), code: reason ? `funds_${reason}` : x.code, message: x.message };
      }),
    });
  }
  const i = r.data;
  await svc.db.$transaction(async (tx) => {
    const first = await loadPrincipal(tx, actor.userId);
    await lockOrganisation(tx, first.organisationId);
    const p = await loadPrincipal(tx, actor.userId);
    requireFundsAdmin(p);
    await tx.$queryRaw`SELECT id FROM "FundAllocation" WHERE id = ${i.allocationId} FOR UPDATE`;
    const a = await tx.fundAllocation.findUnique({ where: { id: i.allocationId }, include: { location: true, program: true } });
    if (!a || a.location.organisationId !== p.organisationId) throw notFound('allocation', i.allocationId);
    if (!canManageLocation(p, a.locationId))
      throw forbidden('role_required', 'Not your location', { roles: ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'] });
    const deadline = isoDate(i.claimingDeadline);
    const issues = [];
    if (deadline < isoDate(a.usageEnd))
      issues.push({
        path: 'claimingDeadline',
        code: 'funds_deadline_before_end',
        message: 'deadline_before_end',
        params: { end: isoDate(a.usageEnd) },
      });
    const s = (await allocationSums(tx, [a.id])).get(a.id)!;
    if (i.earnedAmount < s.claimedMinor)
      issues.push({
        path: 'earnedAmount',
        code: 'funds_below_claimed',
        message: 'below_claimed',
        params: { claimedMinor: s.claimedMinor, currency: a.currency },
      });
    if (issues.length) throw new ServiceError('invalid', 'input', 'invalid allocation', { issues });
    if (a.earnedMinor === i.earnedAmount && isoDate(a.claimingDeadline) === deadline) return;
    await tx.fundAllocation.update({ where: { id: a.id }, data: { earnedMinor: i.earnedAmount, claimingDeadline: i.claimingDeadline } });
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'allocation_updated',
      summary: `Funds ${a.location.name} · ${a.program.name} · ${a.period} updated`,
      data: {
        allocationId: a.id,
        title: `${a.location.name} · ${a.program.name} · ${a.period}`,
        currency: a.currency,
        before: { earnedMinor: a.earnedMinor, claimingDeadline: isoDate(a.claimingDeadline) },
        after: { earnedMinor: i.earnedAmount, claimingDeadline: deadline },
      },
      at: svc.clock.now(),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Template
// ---------------------------------------------------------------------------------------------

/**
 * The CSV to fill in: the template's headers and the organisation's allocations as they are (so a
 * re-import of the untouched file changes nothing), or, with none yet, one example row per active
 * location for the current usage period.
 */
export async function fundsTemplateCsv(svc: Services, organisationId: string): Promise<string> {
  const [allocations, locations, program] = await Promise.all([
    svc.db.fundAllocation.findMany({
      where: { location: { organisationId, active: true } },
      include: { location: true, program: true },
      orderBy: [{ usageStart: 'desc' }, { location: { name: 'asc' } }, { program: { name: 'asc' } }],
      take: FUNDS_IMPORT_MAX_ROWS,
    }),
    svc.db.location.findMany({ where: { organisationId, active: true }, orderBy: { name: 'asc' } }),
    svc.db.program.findFirst({ orderBy: { name: 'asc' } }),
  ]);
  const money = (minor: number) => (minor / 100).toFixed(2);
  const header = COLUMNS.map((c) => COLUMN_HEADERS[c].header);
  let rows: string[][];
  if (allocations.length > 0) {
    rows = allocations.map((a) => [
      a.location.partnerId,
      a.program.code,
      isoDate(a.usageStart),
      isoDate(a.usageEnd),
      money(a.earnedMinor),
      a.currency,
      isoDate(a.claimingDeadline),
    ]);
  } else {
    const half = usagePeriodContaining(svc.clock.now());
    const examples = locations.length > 0 ? locations.map((l) => l.partnerId) : ['1234567'];
    rows = examples.map((pid) => [
      pid,
      program?.code ?? 'PROGRAM_CODE',
      isoDate(half.start),
      isoDate(half.end),
      '10000.00',
      program?.currency ?? 'USD',
      isoDate(half.claimingDeadline),
    ]);
  }
  return stringify([header, ...rows]);
}
