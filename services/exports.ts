import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Claim, DocumentKind } from '../prisma/generated/client';
import { renderExportSummaryPdf, SUMMARY_DECISION_TYPES, type SummaryDecisionType } from '../reports/exportSummary';
import { hasRole, requireSameOrganisation, reviewsOrganisation, type Principal, principalOf } from './authz';
import type { Actor, Services } from './context';
import type { Prisma } from './db/client';
import { csvDocument, csvStream, type CsvValue } from './csv';
import { forbidden, notFound } from './errors';
import { sanitiseFileName, type FileStore } from './files';
import { recordHistory } from './history';
import { parseInput, fields } from './input';
import { isoDate } from './periods';
import { log } from './log';

/**
 * Retention exports (co-op rules keep claim records for 24 months):
 * - one claim as a ZIP: every document's file (removed and replaced ones under `documents/removed/`),
 *   `history.csv`, a one-page `summary.pdf` (reports/exportSummary.ts, in the exporting person's language)
 *   and `manifest.sha256` (sha256sum format) last;
 * - an organisation's claims as one CSV, one row per claim, for its incentives and global admins.
 * Both are streams: files are read from the store one after the other as the client takes the
 * bytes (yazl pumps lazily and respects backpressure), claims are read in batches.
 */

const ADMIN_ROLES = ['INCENTIVES_ADMIN', 'GLOBAL_ADMIN'] as const;
const exportLog = log.child({ mod: 'exports' });

// ---------------------------------------------------------------------------------------------
// Who may export
// ---------------------------------------------------------------------------------------------

/**
 * A claim's owner, its organisation's incentives or global admins (for its location and program), and
 * reviewers who may review its organisation (review scope, services/authz.ts): a REVIEWER role that
 * does not cover the organisation exports nothing of it.
 */
function requireClaimExporter(p: Principal, claim: Pick<Claim, 'organisationId' | 'ownerId' | 'locationId' | 'programId'>): void {
  requireSameOrganisation(p, claim.organisationId);
  if (reviewsOrganisation(p, claim.organisationId)) return;
  if (claim.ownerId === p.userId) return;
  if (hasRole(p, ADMIN_ROLES, { locationId: claim.locationId, programId: claim.programId })) return;
  throw forbidden('export_not_allowed', 'Only the owner, an admin of the organisation or a reviewer can export this claim');
}

/** Checks the actor may export the claim now (the link is minted, and checked again when it is opened). */
export async function authoriseClaimExport(svc: Services, actor: Actor, claimId: unknown): Promise<{ claimId: string; number: string }> {
  const id = parseInput(fields.id, claimId);
  const p = await principalOf(svc.db, actor);
  const claim = await svc.db.claim.findUnique({ where: { id } });
  if (!claim) throw notFound('claim', id);
  requireClaimExporter(p, claim);
  return { claimId: claim.id, number: claim.number };
}

/** The claims an admin may export: organisation-wide grants see all, scoped grants their location/program. */
function adminClaimScope(p: Principal): Prisma.ClaimWhereInput {
  const grants = p.roles.filter((g) => (ADMIN_ROLES as readonly string[]).includes(g.role));
  if (grants.length === 0)
    throw forbidden('role_required', 'Exporting the claims needs an incentives or global admin role', { roles: [...ADMIN_ROLES] });
  const inOrganisation = { organisationId: p.organisationId };
  if (grants.some((g) => !g.locationId && !g.programId)) return inOrganisation;
  return {
    ...inOrganisation,
    OR: grants.map((g) => ({ ...(g.locationId ? { locationId: g.locationId } : {}), ...(g.programId ? { programId: g.programId } : {}) })),
  };
}

export async function authoriseOrganisationExport(
  svc: Services,
  actor: Actor,
): Promise<{ organisationId: string; organisationName: string; claimCount: number }> {
  const p = await principalOf(svc.db, actor);
  const where = adminClaimScope(p);
  const [org, claimCount] = await Promise.all([
    svc.db.organisation.findUniqueOrThrow({ where: { id: p.organisationId }, select: { id: true, name: true } }),
    svc.db.claim.count({ where }),
  ]);
  return { organisationId: org.id, organisationName: org.name, claimCount };
}

// ---------------------------------------------------------------------------------------------
// One claim as a ZIP
// ---------------------------------------------------------------------------------------------

const KIND_FOLDER: Record<DocumentKind, string> = {
  INVOICE: 'invoices',
  CSR: 'csr',
  PROOF: 'proof',
  METRIC: 'metrics',
  ADDITIONAL_INFO: 'additional-information',
};
const dateOnly = (d: Date | null | undefined) => (d ? isoDate(d) : '');
const str = (v: unknown) => (typeof v === 'string' ? v : '');

const isDecision = (type: string): type is SummaryDecisionType => (SUMMARY_DECISION_TYPES as readonly string[]).includes(type);

export type ClaimArchive = {
  fileName: string;
  /** The ZIP as it is produced; nothing is read from the file store before the client reads. */
  stream: Readable;
};

/**
 * Streams the claim's export for `actor` (re-authorised now: a link outlives a role change).
 * Records the download in History. The returned stream errors (and the caller should abort the
 * response) if a stored file cannot be read midway: an archive with a file missing is never
 * delivered as if complete.
 */
export async function openClaimArchive(svc: Services, files: FileStore, actor: Actor, claimId: string): Promise<ClaimArchive> {
  const p = await principalOf(svc.db, actor);
  const claim = await svc.db.claim.findUnique({
    where: { id: claimId },
    include: {
      organisation: { select: { name: true } },
      location: { select: { name: true, partnerId: true } },
      program: { select: { name: true, code: true } },
      allocation: { select: { period: true } },
      activityType: { select: { name: true, nameKo: true } },
      owner: { select: { displayName: true } },
      reviewer: { select: { displayName: true } },
      documents: { orderBy: { createdAt: 'asc' }, include: { uploader: { select: { displayName: true } } } },
    },
  });
  if (!claim) throw notFound('claim', claimId);
  requireClaimExporter(p, claim);
  const now = svc.clock.now();
  await svc.db.$transaction((tx) =>
    recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: reviewsOrganisation(p, claim.organisationId) ? 'REVIEWER' : 'USER',
      type: 'claim_exported',
      summary: `Records exported by ${p.displayName}`,
      data: { by: p.displayName },
      at: now,
    }),
  );
  const history = await svc.db.historyEvent.findMany({
    where: { claimId: claim.id },
    orderBy: { id: 'asc' },
    include: { actor: { select: { displayName: true } } },
  });

  const zip = new ZipFile();
  const manifest: Array<[string, string]> = [];
  const used = new Set<string>();
  /** A unique archive path: the same file name twice gets " (2)". */
  const unique = (folder: string, name: string) => {
    const clean = sanitiseFileName(name);
    const dot = clean.lastIndexOf('.');
    const [base, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ''];
    for (let n = 1; ; n++) {
      const candidate = `${folder}/${n === 1 ? base : `${base} (${n})`}${ext}`;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };
  const addBuffer = (path: string, bytes: Buffer, compress = true) => {
    manifest.push([createHash('sha256').update(bytes).digest('hex'), path]);
    zip.addBuffer(bytes, path, { mtime: now, compress });
  };

  const withFiles = claim.documents.filter((d) => d.fileKey);
  for (const d of withFiles) {
    const folder = d.removedAt ? 'documents/removed' : `documents/${KIND_FOLDER[d.kind]}`;
    const path = unique(folder, d.fileName ?? `${d.kind.toLowerCase()}-${d.id.slice(0, 8)}`);
    // Read only when yazl reaches this entry, hashed on the way through; stored without recompression
    // (documents are mostly PDFs and images, already compressed).
    zip.addReadStreamLazy(path, { mtime: d.createdAt, compress: false }, (cb) => {
      files.open(d.fileKey!).then(
        (src) => {
          const hash = createHash('sha256');
          const tap = new Transform({
            transform(chunk: Buffer, _enc, next) {
              hash.update(chunk);
              next(null, chunk);
            },
            flush(next) {
              manifest.push([hash.digest('hex'), path]);
              next();
            },
          });
          src.on('error', (e) => tap.destroy(e));
          cb(null, src.pipe(tap));
        },
        (e: unknown) => cb(e, new PassThrough()),
      );
    });
  }

  addBuffer('history.csv', historyCsv(history));
  const current: Partial<Record<DocumentKind, number>> = {};
  for (const d of withFiles) if (!d.removedAt) current[d.kind] = (current[d.kind] ?? 0) + 1;
  const summary = await renderExportSummaryPdf(
    {
      claim: {
        number: claim.number,
        name: claim.name,
        status: claim.status,
        organisation: claim.organisation.name,
        location: claim.location,
        program: claim.program,
        period: claim.allocation.period,
        activityType: claim.activityType,
        activityStart: claim.activityStart,
        activityEnd: claim.activityEnd,
        preApprovalId: claim.preApprovalId,
        owner: claim.owner.displayName,
        reviewer: claim.reviewer?.displayName ?? null,
        createdAt: claim.createdAt,
        submittedAt: claim.submittedAt,
        decidedAt: claim.decidedAt,
        currency: claim.currency,
        amountMinor: claim.amountMinor,
        approvedMinor: claim.approvedMinor,
      },
      invoicesMinor: invoiceTotal(claim.documents),
      decisions: history.flatMap((h) => {
        if (!isDecision(h.type)) return [];
        const d = (h.data ?? {}) as Record<string, unknown>;
        return [
          {
            at: h.createdAt,
            type: h.type,
            actorName: h.actor?.displayName ?? null,
            actorKind: h.actorKind,
            amountMinor: typeof d.amountMinor === 'number' ? d.amountMinor : null,
            reason: str(d.reason) || str(d.message) || null,
          },
        ];
      }),
      files: { current, removed: withFiles.filter((d) => d.removedAt).length },
      exportedAt: now,
      exportedBy: p.displayName,
    },
    p.locale,
  );
  addBuffer('summary.pdf', summary, false);
  // Last, once every file has gone through its hash: yazl calls this only after the entries before it.
  zip.addReadStreamLazy('manifest.sha256', { mtime: now }, (cb) => {
    const text = manifest.map(([h, path]) => `${h}  ${path}`).join('\n') + '\n';
    cb(null, Readable.from([Buffer.from(text, 'utf8')]));
  });
  zip.end();
  const out = new PassThrough();
  zip.on('error', (e: Error) => {
    exportLog.warn({ err: e.message, claimId: claim.id }, 'claim export failed midway');
    out.destroy(e);
  });
  zip.outputStream.pipe(out);
  return { fileName: `${claim.number}.zip`, stream: out };
}

function invoiceTotal(docs: Array<{ kind: DocumentKind; removedAt: Date | null; fields: Prisma.JsonValue }>): number {
  let total = 0;
  for (const d of docs) {
    if (d.kind !== 'INVOICE' || d.removedAt) continue;
    const f = d.fields as Record<string, unknown> | null;
    if (f && typeof f.amountMinor === 'number') total += f.amountMinor;
  }
  return total;
}

type HistoryRow = {
  createdAt: Date;
  actorKind: string;
  type: string;
  summary: string;
  statusBefore: string | null;
  statusAfter: string | null;
  data: Prisma.JsonValue;
  actor: { displayName: string } | null;
};

/** Every history row, oldest first, with its data as JSON for anyone who needs the detail. */
function historyCsv(rows: HistoryRow[]): Buffer {
  return csvDocument(
    ['time (UTC)', 'actor', 'actor kind', 'event', 'summary', 'status before', 'status after', 'details'],
    rows.map((h): CsvValue[] => [
      h.createdAt,
      h.actor?.displayName ?? (h.actorKind === 'SYSTEM' ? 'System' : ''),
      h.actorKind,
      h.type,
      h.summary,
      h.statusBefore,
      h.statusAfter,
      h.data && typeof h.data === 'object' && Object.keys(h.data).length ? JSON.stringify(h.data) : '',
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// An organisation's claims as CSV
// ---------------------------------------------------------------------------------------------

const CLAIM_COLUMNS = [
  'number',
  'name',
  'status',
  'claimed',
  'approved',
  'currency',
  'created',
  'submitted',
  'decided',
  'activity start',
  'activity end',
  'location',
  'partner ID',
  'program',
  'usage period',
  'owner',
  'owner email',
  'reviewer',
];
const CSV_BATCH = 500;

/** The admin's claims (re-authorised now), one row per claim, oldest number first, read in batches as the client reads. */
export async function openOrganisationClaimsCsv(svc: Services, actor: Actor): Promise<{ fileName: string; stream: Readable }> {
  const p = await principalOf(svc.db, actor);
  const where = adminClaimScope(p);
  const out = csvStream(CLAIM_COLUMNS);
  async function* batches() {
    let after: string | undefined;
    for (;;) {
      const rows = await svc.db.claim.findMany({
        where: after ? { AND: [where, { number: { gt: after } }] } : where,
        orderBy: { number: 'asc' },
        take: CSV_BATCH,
        include: {
          location: { select: { name: true, partnerId: true } },
          program: { select: { name: true } },
          allocation: { select: { period: true } },
          owner: { select: { displayName: true, email: true } },
          reviewer: { select: { displayName: true } },
        },
      });
      for (const c of rows) {
        yield [
          c.number,
          c.name,
          c.status,
          (c.amountMinor / 100).toFixed(2),
          c.approvedMinor === null ? '' : (c.approvedMinor / 100).toFixed(2),
          c.currency,
          dateOnly(c.createdAt),
          dateOnly(c.submittedAt),
          dateOnly(c.decidedAt),
          dateOnly(c.activityStart),
          dateOnly(c.activityEnd),
          c.location.name,
          c.location.partnerId,
          c.program.name,
          c.allocation.period,
          c.owner.displayName,
          c.owner.email ?? '',
          c.reviewer?.displayName ?? '',
        ];
      }
      if (rows.length < CSV_BATCH) return;
      after = rows[rows.length - 1]!.number;
    }
  }
  const source = Readable.from(batches());
  source.on('error', (e: Error) => {
    exportLog.warn({ err: e.message }, 'claims CSV export failed midway');
    out.destroy(e);
  });
  source.pipe(out);
  const org = await svc.db.organisation.findUniqueOrThrow({ where: { id: p.organisationId }, select: { name: true } });
  const slug = sanitiseFileName(org.name).replace(/\s+/g, '-').toLowerCase();
  return { fileName: `claims-${slug}-${isoDate(svc.clock.now())}.csv`, stream: out };
}
