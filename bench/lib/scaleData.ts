import { Client } from 'pg';
import { seedDemo } from '../../prisma/seed';
import type { Db } from '../../services/db/client';
import { isoDate, previousUsagePeriod, usagePeriodContaining } from '../../services/periods';

export type ScaleSize = {
  organisations: number;
  claims: number;
  historyPerClaim: number;
  documentsPerClaim: number;
  usersPerOrganisation: number;
};
export const FULL_SCALE: ScaleSize = {
  organisations: 50,
  claims: 100_000,
  historyPerClaim: 10,
  documentsPerClaim: 3,
  usersPerOrganisation: 10,
};

/**
 * Claim status mix per mille: mostly decided claims, a review queue of 3.5 % (SUBMITTED, IN_REVIEW,
 * DISPUTED) — a few years of history for 50 partner organisations.
 */
const STATUS_PER_MILLE: Array<[string, number]> = [
  ['EDITING', 150],
  ['SUBMITTED', 20],
  ['IN_REVIEW', 10],
  ['ACTION_REQUIRED', 20],
  ['APPROVED', 500],
  ['REJECTED', 100],
  ['DISPUTED', 5],
  ['EXPIRED', 120],
  ['CANCELLED', 75],
];

function statusCase(expr: string): string {
  let acc = 0;
  const whens = STATUS_PER_MILLE.map(([s, n]) => `WHEN ${expr} < ${(acc += n)} THEN '${s}'`);
  return `(CASE ${whens.join(' ')} END)::"ClaimStatus"`;
}

/** Deterministic text uuids, so rows can reference each other without joins while generating. */
const uid = (expr: string) => `bench_uuid(${expr})`;

/**
 * Fills the database in a handful of INSERT … SELECT generate_series statements (no row-by-row
 * inserts): the demo seed (programs, activity types), then `organisations` generated organisations
 * with 2 locations, users, 12 fund allocations each, the claims, their documents and history.
 * Returns the row counts and how long generation took.
 */
export async function generateScaleData(db: Db, url: string, size: ScaleSize = FULL_SCALE): Promise<Record<string, number>> {
  const now = new Date();
  await seedDemo(db, now);
  const current = usagePeriodContaining(now);
  const previous = previousUsagePeriod(current);
  const c = new Client({ connectionString: url });
  await c.connect();
  const t0 = Date.now();
  const { organisations: O, claims: C, usersPerOrganisation: U } = size;
  const step = async (sql: string) => {
    await c.query(sql);
  };
  try {
    // RFC 4122 version-4 layout (services validate ids with zod's uuid()), derived from an md5.
    await step(`CREATE OR REPLACE FUNCTION bench_uuid(t text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
      SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12) FROM md5(t) h $$`);
    await step(`INSERT INTO "Organisation" (id, "tenantId", name)
      SELECT ${uid(`'org' || o`)}, 'bench-tenant-' || o, 'Partner ' || o FROM generate_series(1, ${O}) o`);
    await step(`INSERT INTO "Location" (id, "organisationId", "partnerId", name, country)
      SELECT ${uid(`'loc' || o || '-' || l`)}, ${uid(`'org' || o`)}, 'B' || o || '-' || l, 'Partner ' || o || ' site ' || l, CASE l WHEN 1 THEN 'US' ELSE 'KR' END
      FROM generate_series(1, ${O}) o, generate_series(1, 2) l`);
    await step(`INSERT INTO "User" (id, "organisationId", "tenantId", "aadObjectId", "displayName", email)
      SELECT ${uid(`'user' || o || '-' || u`)}, ${uid(`'org' || o`)}, 'bench-tenant-' || o, 'aad-' || o || '-' || u, 'User ' || o || '.' || u, 'u' || o || '.' || u || '@example.com'
      FROM generate_series(1, ${O}) o, generate_series(1, ${U}) u`);
    await step(`INSERT INTO "RoleAssignment" (id, "userId", role)
      SELECT ${uid(`'role' || o || '-' || u`)}, ${uid(`'user' || o || '-' || u`)}, CASE WHEN u = 1 THEN 'INCENTIVES_ADMIN' ELSE 'INCENTIVES_USER' END::"Role"
      FROM generate_series(1, ${O}) o, generate_series(1, ${U}) u`);
    // The validation team: reviewers sit in the first organisation and see every organisation's queue.
    await step(
      `INSERT INTO "User" (id, "organisationId", "tenantId", "aadObjectId", "displayName") VALUES (${uid(`'reviewer'`)}, ${uid(`'org' || 1`)}, 'bench-tenant-1', 'aad-reviewer', 'Bench Reviewer')`,
    );
    await step(`INSERT INTO "RoleAssignment" (id, "userId", role) VALUES (${uid(`'reviewer-role'`)}, ${uid(`'reviewer'`)}, 'REVIEWER')`);
    const periods = [current, previous];
    await step(`INSERT INTO "FundAllocation" (id, "locationId", "programId", period, "usageStart", "usageEnd", "claimingDeadline", "earnedMinor", currency)
      SELECT ${uid(`'alloc' || o || '-' || l || '-' || p.n || '-' || per.n`)}, ${uid(`'loc' || o || '-' || l`)}, p.id, per.code, per.s::date, per.e::date, per.d::date, 5000000, 'USD'
      FROM generate_series(1, ${O}) o, generate_series(1, 2) l,
        (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM "Program") p,
        (VALUES ${periods.map((p, i) => `(${i}, '${p.code}', '${isoDate(p.start)}', '${isoDate(p.end)}', '${isoDate(p.claimingDeadline)}')`).join(', ')}) AS per(n, code, s, e, d)`);
    // Claim g belongs to organisation o = g mod O; k numbers it within the organisation.
    await step(`INSERT INTO "Claim" (id, number, "organisationId", "locationId", "programId", "fundAllocationId", "activityTypeId", "ownerId", name, "amountMinor", currency,
        "activityStart", "activityEnd", status, version, "approvedMinor", "submittedAt", "disputedAt", "createdAt", "updatedAt")
      SELECT ${uid(`'claim' || g`)}, 'CLM-2026-' || lpad(k::text, 5, '0'), ${uid(`'org' || o`)}, ${uid(`'loc' || o || '-' || (k % 2 + 1)`)}, p.id,
        ${uid(`'alloc' || o || '-' || (k % 2 + 1) || '-' || (k % 3) || '-' || (k % 2)`)}, a.id, ${uid(`'user' || o || '-' || (k % ${U} + 1)`)},
        'Campaign ' || g, 10000 + (g % 500) * 100, 'USD', DATE '2026-01-15', DATE '2026-01-16', st, 1 + g % 7,
        CASE WHEN st = 'APPROVED' THEN 10000 END,
        CASE WHEN st <> 'EDITING' THEN created + interval '3 days' END,
        CASE WHEN st = 'DISPUTED' THEN created + interval '20 days' END,
        created, created + interval '25 days'
      FROM (SELECT g, (g - 1) % ${O} + 1 AS o, (g - 1) / ${O} + 1 AS k, ${statusCase('(g::bigint * 7919) % 1000')} AS st,
              now() - ((g::bigint * 104729) % 900) * interval '1 day' AS created
            FROM generate_series(1, ${C}) g) x
      JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM "Program") p ON p.n = x.k % 3
      JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM "ActivityType") a ON a.n = x.g % 16`);
    await step(
      `INSERT INTO "ClaimCounter" ("organisationId", year, last) SELECT ${uid(`'org' || o`)}, 2026, ${Math.ceil(C / O)} FROM generate_series(1, ${O}) o`,
    );
    await step(`INSERT INTO "Document" (id, "claimId", kind, details, fields, "fileKey", "fileName", "fileSize", "contentType", "uploaderId", "reviewState", "createdAt")
      SELECT gen_random_uuid()::text, c.id, (ARRAY['INVOICE','PROOF','METRIC','CSR','ADDITIONAL_INFO'])[1 + (s - 1) % 5]::"DocumentKind", 'Document ' || s,
        CASE WHEN s % 5 = 3 THEN jsonb_build_object('name', 'Estimated reach', 'value', '1200') ELSE jsonb_build_object('vendor', 'Vendor', 'amountMinor', c."amountMinor") END,
        'sha256-bench', 'file' || s || '.pdf', 20000, 'application/pdf', c."ownerId", 'ACCEPTED', c."createdAt" + s * interval '1 hour'
      FROM "Claim" c, generate_series(1, ${size.documentsPerClaim}) s WHERE c."organisationId" <> (SELECT id FROM "Organisation" WHERE "tenantId" = '00000000-0000-0000-0000-0000000000001')`);
    await step(`INSERT INTO "HistoryEvent" ("claimId", "actorId", "actorKind", type, summary, data, "createdAt")
      SELECT c.id, c."ownerId", 'USER', (ARRAY['claim_created','document_added','metric_added','comment_added','claim_updated'])[1 + (s - 1) % 5], 'Event ' || s,
        jsonb_build_object('n', s), c."createdAt" + s * interval '1 hour'
      FROM "Claim" c, generate_series(1, ${size.historyPerClaim}) s`);
    // Reviews in progress are owned (services/reviewWorkload.ts): half by the bench reviewer, so "mine" and "unassigned" both match.
    await step(`UPDATE "Claim" SET "reviewerId" = ${uid(`'reviewer'`)} WHERE status = 'IN_REVIEW' AND ascii(right(id, 1)) % 2 = 0`);
    // As autovacuum leaves a table in steady state: statistics and the visibility map (index-only scans).
    await step('VACUUM ANALYZE');
    // The load's dirty pages and WAL written out now: otherwise the checkpoint that follows a bulk load
    // spreads that writing over the first timed calls (checkpoint_completion_target), which steady state never has.
    // Needs superuser or pg_checkpoint (the embedded server's user has it; an external server's may not).
    await step('CHECKPOINT').catch((e: Error) => process.stdout.write(`  (no CHECKPOINT after the load: ${e.message})\n`));
    const counts: Record<string, number> = {};
    for (const t of ['Organisation', 'User', 'FundAllocation', 'Claim', 'Document', 'HistoryEvent']) {
      counts[t] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`)).rows[0]!.n);
    }
    counts.reviewQueue = Number(
      (await c.query<{ n: string }>(`SELECT count(*) AS n FROM "Claim" WHERE status IN ('SUBMITTED','IN_REVIEW','DISPUTED')`)).rows[0]!.n,
    );
    counts.generationSeconds = Math.round((Date.now() - t0) / 100) / 10;
    return counts;
  } finally {
    await c.end();
  }
}
