import crypto from 'node:crypto';
import type { Db } from '../db/client';
import { ACTIVITY_TYPES, type ActivityTypeEntry } from './activityTypes';
import { PROGRAMS, type ProgramEntry } from './programs';
import { activityRules } from './rules';

/** Serialises replicas that start together (any fixed number; Prisma's migrate lock is 72707369). */
const REFERENCE_DATA_LOCK = 72707370;

export type Catalogue = { programs: readonly ProgramEntry[]; activityTypes: readonly ActivityTypeEntry[] };
export const CATALOGUE: Catalogue = { programs: PROGRAMS, activityTypes: ACTIVITY_TYPES };

export type ReferenceDataResult = {
  programsCreated: string[];
  programsUpdated: string[];
  /** Codes that got a new revision (a first one for new entries). */
  activityTypesAdded: string[];
  /** Rows written before the catalogue was versioned, brought up to it in place. */
  activityTypesAdopted: string[];
  /** Codes no longer in the catalogue: no longer offered for new claims. */
  activityTypesRetired: string[];
};

/** JSON with sorted keys, so a hash changes only when the entry's content does. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const entryHash = (e: ActivityTypeEntry) => crypto.createHash('sha256').update(canonical(e)).digest('hex');

function activityRow(e: ActivityTypeEntry) {
  return {
    category: e.category,
    name: e.name,
    nameKo: e.nameKo,
    proofGuidance: e.proofGuidance,
    requiredMetrics: e.requiredMetrics,
    requiresPreApproval: e.requiresPreApproval ?? false,
    // Validated here, so a catalogue typo fails at start, not at a partner's submit.
    rules: activityRules.parse(e.rules ?? {}),
  };
}

const sameProgram = (a: ProgramEntry, b: { name: string; thresholdMinor: number; currency: string; subItems: string[] }) =>
  a.name === b.name &&
  a.thresholdMinor === b.thresholdMinor &&
  a.currency === b.currency &&
  canonical(a.subItems ?? []) === canonical(b.subItems);

/**
 * Brings the database's programs and activity catalogue up to the code (every start, every
 * deployment, production included). Idempotent: an unchanged catalogue writes nothing. A changed
 * activity entry gets its next revision and the previous one is retired, so claims created under it
 * keep their rules; programs are updated in place. One transaction under an advisory lock, so two
 * replicas starting together apply it once.
 */
export async function applyReferenceData(db: Db, now: Date, catalogue: Catalogue = CATALOGUE): Promise<ReferenceDataResult> {
  const result: ReferenceDataResult = {
    programsCreated: [],
    programsUpdated: [],
    activityTypesAdded: [],
    activityTypesAdopted: [],
    activityTypesRetired: [],
  };
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${REFERENCE_DATA_LOCK}::bigint)`;

    const programs = new Map((await tx.program.findMany()).map((p) => [p.code, p]));
    for (const p of catalogue.programs) {
      const data = { name: p.name, thresholdMinor: p.thresholdMinor, currency: p.currency, subItems: p.subItems ?? [] };
      const stored = programs.get(p.code);
      if (!stored) {
        await tx.program.create({ data: { code: p.code, ...data } });
        result.programsCreated.push(p.code);
      } else if (!sameProgram(p, stored)) {
        await tx.program.update({ where: { id: stored.id }, data });
        result.programsUpdated.push(p.code);
      }
    }

    const rows = await tx.activityType.findMany({ select: { id: true, code: true, revision: true, contentHash: true, retiredAt: true } });
    const wanted = new Set(catalogue.activityTypes.map((e) => e.code));
    for (const e of catalogue.activityTypes) {
      const hash = entryHash(e);
      const ofCode = rows.filter((r) => r.code === e.code);
      const current = ofCode.find((r) => r.retiredAt === null);
      if (current?.contentHash === hash) continue;
      if (current && current.contentHash === '') {
        await tx.activityType.update({ where: { id: current.id }, data: { ...activityRow(e), contentHash: hash } });
        result.activityTypesAdopted.push(e.code);
        continue;
      }
      if (current) await tx.activityType.update({ where: { id: current.id }, data: { retiredAt: now } });
      const revision = Math.max(0, ...ofCode.map((r) => r.revision)) + 1;
      await tx.activityType.create({ data: { code: e.code, revision, contentHash: hash, ...activityRow(e) } });
      result.activityTypesAdded.push(e.code);
    }
    const gone = rows.filter((r) => r.retiredAt === null && !wanted.has(r.code));
    if (gone.length) {
      await tx.activityType.updateMany({ where: { id: { in: gone.map((r) => r.id) } }, data: { retiredAt: now } });
      result.activityTypesRetired.push(...gone.map((r) => r.code));
    }
  });
  return result;
}
